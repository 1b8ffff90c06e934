package intrinsic

import (
	"fmt"

	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
)

// testEnv resolves paths as the interpreter does: "$..." on the state input, "$$..." on the context
// object, "$name..." on the value of variable name.
type testEnv struct {
	input   any
	context any
	vars    map[string]any
}

func (e testEnv) Resolve(p *jsonpath.Path) (any, error) {
	var doc any
	switch p.Root() {
	case jsonpath.Input:
		doc = e.input
	case jsonpath.Context:
		doc = e.context
	case jsonpath.Variable:
		doc = e.vars[p.Variable()]
	}
	v, ok := p.Get(doc)
	if !ok {
		// AWS's wording for a path argument of an intrinsic that selects nothing.
		return nil, failure.New(failure.Runtime, fmt.Sprintf(
			"The JsonPath argument for the field '%s' could not be found in the input '%s'", p, oj.JSON(e.input)))
	}
	return v, nil
}

// contextFor builds the context object of an execution started with input, in a state named State_0.
func contextFor(input any) map[string]any {
	return map[string]any{
		"Execution": map[string]any{
			"Id":        "arn:aws:states:us-east-1:111111111111:execution:sm-name:exec-name",
			"Input":     input,
			"Name":      "exec-name",
			"RoleArn":   "arn:aws:iam::111111111111:role/sfn",
			"StartTime": "2024-01-01T00:00:00.000Z",
		},
		"StateMachine": map[string]any{
			"Id":   "arn:aws:states:us-east-1:111111111111:stateMachine:sm-name",
			"Name": "sm-name",
		},
		"State": map[string]any{"Name": "State_0", "EnteredTime": "2024-01-01T00:00:00.000Z"},
	}
}

func envFor(input any) testEnv {
	return testEnv{input: input, context: contextFor(input)}
}
