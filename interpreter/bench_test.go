package interpreter_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/internal/workloads"
	"github.com/aslrun/aslrun/interpreter"
)

// The workloads of ../shared/bench on the interpreter alone. Each benchmark reports state transitions per
// second of execution (start-up and compilation excluded). server/service's BenchmarkLocalWorkloads runs
// them as aslrun execute does, through the control plane. The Tasks of task-echo-chain call the issue's
// echo stub: an in-process handler answered inline (interpreter.InlineInvoker), as the handler files'
// stubs are.
func BenchmarkWorkloads(b *testing.B) {
	all := workloads.Generate(b)
	echo := inlineInvoker{fn: func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		return req.Input, nil
	}}
	for _, name := range workloads.Names {
		w := all[name]
		b.Run(name, func(b *testing.B) {
			sm, diags := asl.Check(w.Definition, asl.Options{})
			require.False(b, asl.HasErrors(diags), "%v", diags)
			prog, err := interpreter.Compile(sm)
			require.NoError(b, err)
			cfg := interpreter.NewConfig(name, "bench", w.Express)
			cfg.Invoker = echo
			if w.NoPayloadLimit {
				cfg.PayloadLimit = -1
			}
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				cfg.Clock = interpreter.NewVirtualClock(time.Now())
				res := prog.Run(context.Background(), w.Input, cfg)
				if res.Status != interpreter.Succeed {
					b.Fatalf("%s: %s %s", res.Status, res.Error, res.Cause)
				}
			}
			workloads.Report(b, time.Since(start), w.Transitions)
		})
	}
}
