package interpreter

import (
	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/intrinsic"
	"github.com/aslrun/aslrun/asl/jsonpath"
)

// failState ends the execution with an error and cause, fixed or read from its input.
type failState struct {
	err, cause         string
	errPath, causePath *failField
	hasError, hasCause bool
	// errExpr and causeExpr are a JSONata state's expressions for Error and Cause.
	errExpr, causeExpr *ataExpr
}

// failField is an ErrorPath or CausePath: a path or an intrinsic function.
type failField struct {
	name string
	path *jsonpath.Path
	call *intrinsic.Call
}

func (c *compiler) failField(name, s string) (*failField, error) {
	if s == "" {
		return nil, nil
	}
	if intrinsic.IsCall(s) {
		c, err := intrinsic.Parse(s)
		return &failField{name: name, call: c}, err
	}
	p, err := jsonpath.Parse(s)
	return &failField{name: name, path: p}, err
}

func (c *compiler) fail(m *machine, n *node, s *asl.Fail, fail failFunc) error {
	// A Fail state has no InputPath: its paths read the raw input.
	n.inputPath, _ = compileSelector(&whole)
	st := failState{err: s.Error, cause: s.Cause}
	var err error
	if st.errPath, err = c.failField("ErrorPath", s.ErrorPath); err != nil {
		return fail("ErrorPath", err)
	}
	if st.causePath, err = c.failField("CausePath", s.CausePath); err != nil {
		return fail("CausePath", err)
	}
	if n.ata {
		if st.errExpr, err = c.ataString("Error", s.Error); err != nil {
			return fail("Error", err)
		}
		if st.causeExpr, err = c.ataString("Cause", s.Cause); err != nil {
			return fail("Cause", err)
		}
	}
	n.impl = st
	return nil
}

func (s failState) run(f *frame, _ *node, in stateInput) (actionOutcome, error) {
	fe := &failure.Error{Name: s.err, Cause: s.cause}
	sc := scope{doc: in.value, f: f}
	var err error
	if s.errPath != nil {
		if fe.Name, err = s.errPath.eval(sc); err != nil {
			return actionOutcome{}, err
		}
	}
	if s.causePath != nil {
		if fe.Cause, err = s.causePath.eval(sc); err != nil {
			return actionOutcome{}, err
		}
	}
	if s.errExpr != nil {
		if fe.Name, err = s.errExpr.evalString(in.env); err != nil {
			return actionOutcome{}, err
		}
	}
	if s.causeExpr != nil {
		if fe.Cause, err = s.causeExpr.evalString(in.env); err != nil {
			return actionOutcome{}, err
		}
	}
	return actionOutcome{}, fe
}

func (ff *failField) eval(sc scope) (string, error) {
	var v any
	var err error
	if ff.call != nil {
		v, err = ff.call.Eval(sc)
	} else {
		var ok bool
		if v, ok = sc.get(ff.path); !ok {
			err = runtimeErrorf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
				ff.path, ff.name, compactJSON(sc.doc))
		}
	}
	if err != nil {
		return "", err
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return compactJSON(v), nil
}
