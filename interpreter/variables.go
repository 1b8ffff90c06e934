package interpreter

import (
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// The limits AWS sets on workflow variables: one variable, and everything one Assign sets, at most
// 256 KiB of JSON text each.
const (
	maxVariableSize = 256 * 1024
	maxAssignSize   = 256 * 1024
)

// variables are the workflow variables a frame sees. A Parallel branch or a Map iteration gets a child
// scope: it reads its parent's variables (which do not change while it runs, since the parent waits for
// it) and its own assignments stay in it, as AWS's scope rules say.
type variables struct {
	parent *variables
	vals   map[string]any
}

func (v *variables) child() *variables { return &variables{parent: v} }

// get looks a variable up, nearest scope first.
func (v *variables) get(name string) (any, bool) {
	for s := v; s != nil; s = s.parent {
		if x, ok := s.vals[name]; ok {
			return x, true
		}
	}
	return nil, false
}

// set stores the values one Assign computed. They become visible together, after the state.
func (v *variables) set(vals map[string]any) {
	if len(vals) == 0 {
		return
	}
	if v.vals == nil {
		v.vals = make(map[string]any, len(vals))
	}
	for name, x := range vals {
		v.vals[name] = x
	}
}

// each calls fn for every visible variable, outer scopes first so that inner values win.
func (v *variables) each(fn func(name string, x any)) {
	if v == nil {
		return
	}
	v.parent.each(fn)
	for name, x := range v.vals {
		fn(name, x)
	}
}

// checkAssigned applies AWS's size limits to the values of one Assign.
func (f *frame) checkAssigned(vals map[string]any) error {
	total := 0
	for name, x := range vals {
		size := f.sizes.Size(x, maxVariableSize)
		if size > maxVariableSize {
			return stateErrorf(failure.DataLimitExceeded,
				"The variable '%s' assigned in the state '%s' exceeds the maximum size of %d bytes.", name, f.stateName, maxVariableSize)
		}
		total += size + len(name)
	}
	if total > maxAssignSize {
		return stateErrorf(failure.DataLimitExceeded,
			"The variables assigned in the state '%s' exceed the maximum total size of %d bytes.", f.stateName, maxAssignSize)
	}
	return nil
}

// assignment is a compiled Assign: a JSONPath template ("name.$" fields) or a JSONata one.
type assignment struct {
	path *template
	ata  ataNode
}

func (c *compiler) assign(jsonataState bool, n *source.Node) (*assignment, error) {
	if n == nil {
		return nil, nil
	}
	if jsonataState {
		t, err := c.ata("Assign", n)
		return &assignment{ata: t}, err
	}
	t, err := compileTemplate(n)
	return &assignment{path: t}, err
}

// eval computes the values to assign: doc is what "$" reads in a JSONPath state, env what a JSONata
// state's expressions read. A nil assignment assigns nothing.
func (a *assignment) eval(f *frame, doc any, env *ataEnv) (map[string]any, error) {
	if a == nil {
		return nil, nil
	}
	var v any
	var err error
	if a.ata != nil {
		v, err = a.ata.eval(env)
	} else {
		v, err = a.path.apply(scope{doc: doc, f: f})
	}
	if err != nil {
		return nil, err
	}
	vals, _ := value.AsMap(v)
	if err := f.checkAssigned(vals); err != nil {
		return nil, err
	}
	return vals, nil
}
