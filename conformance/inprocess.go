package conformance

import (
	"context"
	"fmt"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

// caseTimeout bounds a case in real time, so that one that hangs fails instead of stalling the suite.
const caseTimeout = 20 * time.Second

// machineType is the case's state machine type, STANDARD unless it says otherwise.
func (c *Case) machineType() string {
	if c.StateMachineType == "" {
		return "STANDARD"
	}
	return c.StateMachineType
}

// invoker runs the case's Tasks with its handlers; without any, every Task fails as unbound.
func (c *Case) invoker() (*resources.Registry, error) {
	if len(c.Handlers) == 0 {
		return resources.NewRegistry(), nil
	}
	return resources.ParseHandlers(c.Handlers)
}

// harnessError is an outcome the runner could not get: the case is not judged on aslrun's behaviour.
func harnessError(err error) *Outcome {
	return &Outcome{Status: "HARNESS_ERROR", Message: err.Error()}
}

// RunInProcess runs a case through the library, as `aslrun execute` does, on a virtual clock.
func RunInProcess(c *Case) *Outcome { return runInProcess(c, source.Decode) }

// runInProcess is RunInProcess with the input decoded by decode.
func runInProcess(c *Case, decode func([]byte) (any, error)) *Outcome {
	typ := c.machineType()
	sm, diags := asl.Check(c.DefinitionText(), asl.Options{Type: typ})
	if asl.HasErrors(diags) {
		return &Outcome{Status: "INVALID_DEFINITION", Message: asl.InvalidDefinitionMessage(diags)}
	}
	prog, err := interpreter.Compile(sm)
	if err != nil {
		return &Outcome{Status: "INVALID_DEFINITION", Message: err.Error()}
	}
	reg, err := c.invoker()
	if err != nil {
		return harnessError(err)
	}
	input, err := decode(c.Input)
	if err != nil {
		return harnessError(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cfg := interpreter.NewConfig("conformance", "execution", typ == "EXPRESS")
	cfg.Invoker = reg
	cfg.Clock = interpreter.NewVirtualClock(time.Now())
	res := prog.Run(ctx, input, cfg)
	if ctx.Err() != nil {
		return harnessError(fmt.Errorf("still running after %s", caseTimeout))
	}
	return &Outcome{Status: string(res.Status), Output: res.Output, Error: res.Error, Cause: res.Cause}
}
