package interpreter

import "github.com/aslrun/aslrun/asl"

// passState hands on its effective input, or a fixed Result.
type passState struct {
	result    any
	hasResult bool
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
	// Result replaces the effective input, so Parameters beside it are not evaluated at all.
	if !p.hasResult {
		if err := c.parameters(n, s.Parameters, nil, fail); err != nil {
			return err
		}
	}
	n.impl = p
	return nil
}

func (p passState) run(_ *frame, n *node, in stateInput) (actionOutcome, error) {
	if p.hasResult {
		return actionOutcome{result: p.result, next: n.next}, nil
	}
	return actionOutcome{result: in.value, next: n.next}, nil
}
