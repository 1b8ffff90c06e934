package conformance

import (
	"context"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

// RunInProcess runs a case through the library, as `aslrun execute` does, on a virtual clock.
func RunInProcess(c *Case) *Outcome {
	typ := c.StateMachineType
	if typ == "" {
		typ = "STANDARD"
	}
	sm, diags := asl.Check(c.DefinitionText(), asl.Options{Type: typ})
	if asl.HasErrors(diags) {
		return &Outcome{Status: "INVALID_DEFINITION", Message: asl.InvalidDefinitionMessage(diags)}
	}
	prog, err := interpreter.Compile(sm)
	if err != nil {
		return &Outcome{Status: "INVALID_DEFINITION", Message: err.Error()}
	}
	reg := resources.NewRegistry()
	if len(c.Handlers) > 0 {
		if reg, err = resources.ParseHandlers(c.Handlers); err != nil {
			return &Outcome{Status: "HARNESS_ERROR", Message: err.Error()}
		}
	}
	input, err := source.Decode(c.Input)
	if err != nil {
		return &Outcome{Status: "HARNESS_ERROR", Message: err.Error()}
	}
	cfg := interpreter.NewConfig("conformance", "execution", typ == "EXPRESS")
	cfg.Invoker = reg
	cfg.Clock = interpreter.NewVirtualClock(time.Now())
	res := prog.Run(context.Background(), input, cfg)
	return &Outcome{Status: string(res.Status), Output: res.Output, Error: res.Error, Cause: res.Cause}
}
