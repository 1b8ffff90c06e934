package interpreter

import "github.com/aslrun/aslrun/asl"

// passState hands on its input, a fixed Result, or its Parameters.
type passState struct {
	result     any
	hasResult  bool
	parameters *template
}

func (c *compiler) pass(m *machine, n *node, s *asl.Pass, fail failFunc) error {
	if err := c.io(n, s.IO, fail); err != nil {
		return err
	}
	var err error
	if n.resultPath, err = compileResultPath(s.ResultPath); err != nil {
		return fail("ResultPath", err)
	}
	p := passState{}
	if s.Result != nil {
		p.result, p.hasResult = s.Result.Value(), true
	}
	if s.Parameters != nil {
		if p.parameters, err = compileTemplate(s.Parameters); err != nil {
			return fail("Parameters", err)
		}
		n.usesContext = n.usesContext || p.parameters.readsContext
	}
	n.impl = p
	return nil
}

func (p passState) run(f *frame, n *node, input any) (any, *node, error) {
	switch {
	case p.hasResult:
		return p.result, n.next, nil
	case p.parameters != nil:
		v, err := p.parameters.apply(scope{doc: input, f: f})
		return v, n.next, err
	}
	return input, n.next, nil
}
