package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/workloads"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/service"
)

// BenchmarkLocalWorkloads runs the workloads of ../shared/bench as aslrun execute does, side by side:
// "service" is today's path, one execution on a local service (memory store, virtual clock, no history
// kept, state machine creation included); "service-history" the same keeping its history (execute
// --history: every event encoded for the store, as serve does); "interpreter" is the path execute took
// before the control plane ran it, Program.Run and the output written as JSON; "registry" (task-echo-chain
// only) is "service" with the echo handler of a handler file behind resources' Registry,
// "registry-interpreter" Program.Run with it. The definition is checked and compiled once, before all, as
// execute does.
func BenchmarkLocalWorkloads(b *testing.B) {
	all := workloads.Generate(b)
	echo := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		return req.Input, nil
	})
	for _, name := range workloads.Names {
		w := all[name]
		typ := "STANDARD"
		if w.Express {
			typ = "EXPRESS"
		}
		limit := 0
		if w.NoPayloadLimit {
			limit = -1
		}
		sm, diags := asl.Check(w.Definition, asl.Options{Type: typ})
		require.False(b, asl.HasErrors(diags), "%v", diags)
		prog, err := interpreter.Compile(sm)
		require.NoError(b, err)
		b.Run(name+"/interpreter", func(b *testing.B) {
			cfg := interpreter.NewConfig(name, "bench", w.Express)
			cfg.Invoker, cfg.PayloadLimit = echo, limit
			start := time.Now()
			for range b.N {
				cfg.Clock = interpreter.NewVirtualClock(time.Now())
				res := prog.Run(context.Background(), w.Input, cfg)
				if res.Status != interpreter.Succeed {
					b.Fatalf("%s: %s %s", res.Status, res.Error, res.Cause)
				}
				_ = value.JSON(res.Output)
			}
			workloads.Report(b, time.Since(start), w.Transitions)
		})
		for _, history := range []bool{false, true} {
			variant := "/service"
			if history {
				variant = "/service-history"
			}
			b.Run(name+variant, func(b *testing.B) {
				start := time.Now()
				for range b.N {
					svc, err := service.NewLocal(service.Options{Invoker: echo, Clock: interpreter.NewVirtualClock(time.Now()),
						NoHistory: true, PayloadLimit: limit})
					require.NoError(b, err)
					fin, err := svc.RunLocal(context.Background(), service.LocalRun{StateMachine: name, Definition: string(w.Definition),
						Program: prog, Type: typ, Execution: "bench", Input: w.Input, InputText: w.InputText, History: history})
					require.NoError(b, err)
					if res := fin.Result; res.Status != interpreter.Succeed {
						b.Fatalf("%s: %s %s", res.Status, res.Error, res.Cause)
					}
					svc.Close()
				}
				workloads.Report(b, time.Since(start), w.Transitions)
			})
		}
		if name != "task-echo-chain" {
			continue
		}
		// The Task served as aslrun execute serves it: a handler file's echo stub, through resources' Registry.
		reg, err := resources.ParseHandlers([]byte(`{"arn:aws:lambda:us-east-1:123456789012:function:echo": {"echo": true}}`))
		require.NoError(b, err)
		b.Run(name+"/registry-interpreter", func(b *testing.B) {
			cfg := interpreter.NewConfig(name, "bench", w.Express)
			cfg.Invoker, cfg.PayloadLimit = reg, limit
			start := time.Now()
			for range b.N {
				cfg.Clock = interpreter.NewVirtualClock(time.Now())
				if res := prog.Run(context.Background(), w.Input, cfg); res.Status != interpreter.Succeed {
					b.Fatalf("%s: %s %s", res.Status, res.Error, res.Cause)
				}
			}
			workloads.Report(b, time.Since(start), w.Transitions)
		})
		b.Run(name+"/registry", func(b *testing.B) {
			start := time.Now()
			for range b.N {
				svc, err := service.NewLocal(service.Options{Invoker: reg, Clock: interpreter.NewVirtualClock(time.Now()),
					NoHistory: true, PayloadLimit: limit})
				require.NoError(b, err)
				fin, err := svc.RunLocal(context.Background(), service.LocalRun{StateMachine: name, Definition: string(w.Definition),
					Program: prog, Type: typ, Execution: "bench", Input: w.Input, InputText: w.InputText})
				require.NoError(b, err)
				if res := fin.Result; res.Status != interpreter.Succeed {
					b.Fatalf("%s: %s %s", res.Status, res.Error, res.Cause)
				}
				svc.Close()
			}
			workloads.Report(b, time.Since(start), w.Transitions)
		})
	}
}
