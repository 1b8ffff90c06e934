package jsonata

import (
	"slices"
	"sort"
	"strings"
)

// A Name is a name an expression reads from outside itself, with the byte offset where it is written
// in the expression (the "$" of a variable, the first character of a field name).
type Name struct {
	Name     string
	Position int
}

// FreeVariables lists the variables ($name) the expression reads without binding them itself (with :=,
// as a function parameter, or with @ and # in a path), each once, at its first position, in the order
// they are written. A host that binds variables before evaluation (Options.Bindings) can check them
// against its own. $ and $$ (the context and the input) and unbound names of built-in functions are not
// listed. A variable bound anywhere in an enclosing block counts as bound, whatever the order of
// evaluation, since a function defined there may run after the binding.
func (e *Expr) FreeVariables() []Name {
	w := &walker{src: e.src}
	w.walk(e.ast, &scope{}, false)
	var out []Name
	for _, r := range w.reads {
		if !r.scope.binds(r.at.Name) && builtins()[r.at.Name] == nil {
			out = append(out, r.at)
		}
	}
	return firstOfEach(out)
}

// FieldsOf tells how the expression reads the free variable name: the fields it reads right after it
// ($states.input and $states.input[0] give "input"), and whole when it reads the variable in any other
// way (alone, as an argument, filtered itself, through a wildcard or a computed step). A host can then
// leave out what no expression reads.
func (e *Expr) FieldsOf(name string) (fields []string, whole bool) {
	w := &walker{src: e.src}
	w.walk(e.ast, &scope{}, false)
	for _, r := range w.reads {
		if r.at.Name != name || r.scope.binds(name) {
			continue
		}
		if r.field == "" {
			whole = true
		} else if !slices.Contains(fields, r.field) {
			fields = append(fields, r.field)
		}
	}
	return fields, whole
}

// TopLevelNames lists the field names the expression reads from its input at the top level, each once,
// at its first position: the first step of a path that is not inside a predicate, a group-by, a sort
// term or a transform, and not a later step of another path. A host that evaluates the expression with
// no input can refuse them.
func (e *Expr) TopLevelNames() []Name {
	w := &walker{src: e.src}
	w.walk(e.ast, &scope{}, true)
	return firstOfEach(w.fields)
}

// walker collects the variables an expression reads, with their scopes, and its top-level field names.
type walker struct {
	src    string
	reads  []read
	fields []Name
	// follow is the field the next variable read is followed by, in a path ($v.field): "" when none.
	follow string
}

type read struct {
	at    Name
	scope *scope
	// field is the field read right after the variable, "" when the variable is read otherwise.
	field string
}

// scope holds the variables a block, a function or a path binds. Reads are resolved after the walk, so
// that a binding later in an enclosing block counts.
type scope struct {
	names  map[string]bool
	parent *scope
}

func (s *scope) child() *scope { return &scope{parent: s} }

func (s *scope) bind(name string) {
	if name == "" {
		return
	}
	if s.names == nil {
		s.names = map[string]bool{}
	}
	s.names[name] = true
}

func (s *scope) binds(name string) bool {
	for ; s != nil; s = s.parent {
		if s.names[name] {
			return true
		}
	}
	return false
}

// walk visits n; top tells that n is evaluated against the expression's own input.
func (w *walker) walk(n *node, sc *scope, top bool) {
	if n == nil {
		return
	}
	switch n.typ {
	case nVariable:
		// "" is $ (the context) and "$" is $$ (the input): not variables.
		if n.str != "" && n.str != "$" {
			w.reads = append(w.reads, read{Name{n.str, n.pos - len(n.str) - 1}, sc, w.follow})
		}
		w.follow = ""
	case nName:
		if top {
			w.fields = append(w.fields, Name{n.str, w.nameStart(n)})
		}
	case nPath:
		// @$x and #$i bind variables that the later steps and their predicates read.
		inner := sc.child()
		for _, st := range n.steps {
			inner.bind(st.focus)
			inner.bind(st.index)
			for _, stg := range st.stages {
				inner.bind(stg.index)
			}
		}
		for i, st := range n.steps {
			if i == 0 && len(n.steps) > 1 && st.typ == nVariable && len(st.stages) == 0 && len(st.predicate) == 0 &&
				n.steps[1].typ == nName {
				w.follow = n.steps[1].str
			}
			w.walk(st, inner, top && i == 0)
		}
	case nBlock:
		inner := sc.child()
		for _, x := range n.exprs {
			w.walk(x, inner, top)
		}
	case nBind:
		w.walk(n.rhs, sc, top)
		sc.bind(n.lhs.str)
	case nLambda:
		// A function's body reads the input it was defined with, so top carries over.
		inner := sc.child()
		for _, p := range n.params {
			inner.bind(p)
		}
		w.walk(n.body, inner, top)
	case nTransform:
		// The pattern and the updates read the object being transformed.
		w.walk(n.pattern, sc, false)
		w.walk(n.update, sc, false)
		w.walk(n.delete, sc, false)
	case nSort:
		for _, t := range n.terms {
			w.walk(t.expr, sc, false)
		}
	default:
		for _, c := range []*node{n.lhs, n.rhs, n.procedure, n.cond, n.then, n.els, n.body} {
			w.walk(c, sc, top)
		}
		for _, x := range n.exprs {
			w.walk(x, sc, top)
		}
		for _, p := range n.pairs {
			w.walk(p[0], sc, top)
			w.walk(p[1], sc, top)
		}
	}
	// Predicates, index bindings and group-by clauses read each item, not the input.
	for _, stg := range append(n.stages, n.predicate...) {
		w.walk(stg.expr, sc, false)
	}
	if n.group != nil {
		for _, p := range n.group.pairs {
			w.walk(p[0], sc, false)
			w.walk(p[1], sc, false)
		}
	}
}

// nameStart is where a field name is written: a node's position is the end of its token, and a name
// may be quoted, `like this` or as a string step "like this".
func (w *walker) nameStart(n *node) int {
	start := n.pos - len(n.str)
	if n.pos > 0 && n.pos <= len(w.src) && strings.IndexByte("`\"'", w.src[n.pos-1]) >= 0 {
		start -= 2
	}
	return max(start, 0)
}

// firstOfEach keeps the first position of each name and orders them as written.
func firstOfEach(names []Name) []Name {
	sort.SliceStable(names, func(i, j int) bool { return names[i].Position < names[j].Position })
	seen := map[string]bool{}
	out := names[:0]
	for _, n := range names {
		if !seen[n.Name] {
			seen[n.Name] = true
			out = append(out, n)
		}
	}
	return out
}
