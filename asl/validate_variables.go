package asl

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/intrinsic"
	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/source"
)

// Workflow variables: Assign sets them, "$name" reads them, in paths, intrinsic functions and JSONata
// expressions. The rules follow the developer guide's "Passing data between states with variables"
// (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html): the states of a
// machine share one scope; each Parallel branch and Map processor has its own, which reads the outer
// ones but is not read from outside; a DISTRIBUTED Map's processor reads no outer scope; the Assign of a
// Parallel or Map state and of its catchers sets variables in the scope the state is in.
//
// AWS does not refuse a definition that reads a variable no state assigns: the recorded executions
// variables/assign_reference_variables__test_undefined_reference_* create such machines and fail only when
// the expression runs (States.QueryEvaluationError). The reference checks are therefore our warnings.

// The reserved variable of JSONata states, which Assign cannot set.
const reservedVariable = "states"

// maxVariableName is the longest variable name, in characters (the developer guide's limit).
const maxVariableName = 80

// varScope is the variables of the top level, a Parallel branch or a Map processor.
type varScope struct {
	parent *varScope
	// ptr is the pointer of the branch or processor ("" for the top level).
	ptr string
	// isolated tells a DISTRIBUTED Map's processor, whose child executions cannot read outer variables.
	isolated bool
	assigned map[string]varAssign
	// order lists the assigned names as found, for diagnostics in a stable order.
	order []string
}

// varAssign is where a name is first assigned in a scope.
type varAssign struct {
	at  source.Pos
	ptr string
}

// varRef is a variable read at a field.
type varRef struct {
	name  string
	at    source.Pos
	ptr   string
	scope *varScope
}

// lookup returns the scope, this one or one it can read, that assigns name, or nil.
func (s *varScope) lookup(name string) *varScope {
	for ; s != nil; s = s.parent {
		if _, ok := s.assigned[name]; ok {
			return s
		}
		if s.isolated {
			return nil
		}
	}
	return nil
}

// inScope runs check with the variable scope of m, a branch or a processor.
func (v *validator) inScope(m *Machine, isolated bool, check func()) {
	outer := v.scope
	v.scope = v.newScope(outer, isolated)
	if m != nil {
		v.scope.ptr = m.Pointer
	}
	check()
	v.scope = outer
}

func (v *validator) newScope(parent *varScope, isolated bool) *varScope {
	s := &varScope{parent: parent, isolated: isolated, assigned: map[string]varAssign{}}
	v.scopes = append(v.scopes, s)
	return s
}

// assign checks a state's Assign: the variable names, and in a JSONPath state a payload template (names
// ending in ".$" take a path or an intrinsic function).
func (v *validator) assign(c *Common) {
	a := c.Assign
	if a == nil || a.Kind != source.Object {
		return
	}
	v.assignNames(a, c.Pointer+"/Assign", c.QueryLanguage)
	if c.QueryLanguage == JSONata {
		v.jsonataValue(a, c.Pointer+"/Assign")
		return
	}
	v.walkTemplate(a, c.Pointer+"/Assign")
}

// assignNames checks the variable names an Assign object sets, and records them in the current scope.
// "states" is reserved. A name that is not an identifier of at most 80 characters breaks the developer
// guide's rule, but AWS accepts it as far as we know (the lint corpus holds "top-level" as valid); as
// neither a JSONata expression nor a path can read it back, it is our warning.
func (v *validator) assignNames(a *source.Node, ptr string, ql QueryLanguage) {
	for _, m := range a.Members {
		name := m.Key
		if ql != JSONata {
			name = strings.TrimSuffix(name, ".$")
		}
		switch {
		case name == reservedVariable:
			// AWS's code and wording, as cdk-preflight recorded them from ValidateStateMachineDefinition.
			v.ds.errorf(CodeReservedVariable, m.KeyPos, ptr+"/"+m.Key, "Cannot assign to reserved variable '$%s'.", reservedVariable)
		case !identifier(name):
			v.ds.warnf(CodeUnreadableVariable, m.KeyPos, ptr+"/"+m.Key,
				"Variable name '%s' is not an identifier (a letter or '_', then letters, digits and '_', at most %d characters): no expression can read it as $%s",
				name, maxVariableName, name)
		}
		if _, ok := v.scope.assigned[name]; !ok {
			v.scope.assigned[name] = varAssign{at: m.KeyPos, ptr: ptr + "/" + m.Key}
			v.scope.order = append(v.scope.order, name)
		}
	}
}

// identifier reports whether s is a variable name the developer guide allows and the paths and
// expressions can read: a Unicode identifier (UAX #31: a letter or "_", then also digits, connectors
// and combining marks, as asl/jsonpath reads "$name"), of at most maxVariableName characters.
func identifier(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > maxVariableName {
		return false
	}
	for i, r := range s {
		start := r == '_' || unicode.In(r, unicode.L, unicode.Nl)
		if !start && (i == 0 || !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc)) {
			return false
		}
	}
	return true
}

// refer records that the field at ptr reads the variable name.
func (v *validator) refer(name string, at source.Pos, ptr string) {
	v.refs = append(v.refs, varRef{name: name, at: at, ptr: ptr, scope: v.scope})
}

// pathRefs records the variables a valid path or intrinsic function call n reads.
func (v *validator) pathRefs(n *source.Node, ptr string) {
	s := n.Str
	var paths []*jsonpath.Path
	if intrinsic.IsCall(s) {
		if c, err := intrinsic.Parse(s); err == nil {
			paths = c.Paths()
		}
	} else if p, err := jsonpath.Parse(s); err == nil {
		paths = []*jsonpath.Path{p}
	}
	for _, p := range paths {
		if p.Root() == jsonpath.Variable {
			v.refer(p.Variable(), v.text.at(n, max(strings.Index(s, p.String()), 0)), ptr)
		}
	}
}

// variables checks the scopes once every state is read: a name an inner scope assigns that an outer one
// assigns too, and each variable read where no scope it can see assigns it.
func (v *validator) variables() {
	for _, s := range v.scopes {
		if s.parent == nil || s.isolated {
			continue
		}
		for _, name := range s.order {
			if outer := s.parent.lookup(name); outer != nil {
				// An error: the specification and the developer guide forbid it ("a variable assigned in an
				// inner scope cannot have the same name as one assigned in an outer scope"). AWS's own message
				// for it is not recorded; this one is ours.
				a := s.assigned[name]
				v.ds.errorf(CodeVariableNameInUse, a.at, a.ptr,
					"The variable '$%s' is also assigned at %s, in an enclosing scope: a variable assigned inside a Parallel branch or Map processor cannot have the name of an outer one",
					name, outer.assigned[name].ptr)
			}
		}
	}
	for _, r := range v.refs {
		if r.scope.lookup(r.name) != nil {
			continue
		}
		where := v.assignment(r.name, r.scope)
		switch {
		case where == nil:
			v.ds.warnf(CodeUndefinedVariable, r.at, r.ptr,
				"No state assigns the variable '$%s', so it is undefined here", r.name)
		case r.scope.isolatedFrom(where):
			v.ds.warnf(CodeVariableOutOfScope, r.at, r.ptr,
				"The variable '$%s' is assigned at %s, outside the DISTRIBUTED Map processor this state runs in, whose child executions cannot read outer variables",
				r.name, where.assigned[r.name].ptr)
		default:
			v.ds.warnf(CodeVariableOutOfScope, r.at, r.ptr,
				"The variable '$%s' is assigned only at %s, inside %s, which this state cannot read: a Parallel branch or Map processor keeps its variables to itself, and they go out of scope when it ends",
				r.name, where.assigned[r.name].ptr, where.ptr)
		}
	}
}

// assignment returns a scope that assigns name: from's nearest enclosing one, else the first found.
func (v *validator) assignment(name string, from *varScope) *varScope {
	for s := from; s != nil; s = s.parent {
		if _, ok := s.assigned[name]; ok {
			return s
		}
	}
	for _, s := range v.scopes {
		if _, ok := s.assigned[name]; ok {
			return s
		}
	}
	return nil
}

// isolatedFrom reports whether t encloses s beyond a DISTRIBUTED Map's processor.
func (s *varScope) isolatedFrom(t *varScope) bool {
	crossed := false
	for ; s != nil; s = s.parent {
		if s == t {
			return crossed
		}
		crossed = crossed || s.isolated
	}
	return false
}
