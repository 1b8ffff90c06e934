package interpreter

// succeedState ends its machine successfully with its input.
type succeedState struct{}

func (succeedState) run(_ *frame, _ *node, in stateInput) (actionOutcome, error) {
	return actionOutcome{result: in.value}, nil
}
