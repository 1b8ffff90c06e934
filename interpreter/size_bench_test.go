package interpreter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/internal/workloads"
	"github.com/aslrun/aslrun/interpreter"
)

// BenchmarkPayloadChain carries a legal 200 KB document through pass-chain-1000's states (Parameters with
// one path, ResultPath $.last), with AWS's 256 KiB payload check and without it: the check should cost
// what each state's new data costs, not the whole document.
func BenchmarkPayloadChain(b *testing.B) {
	const states = 1000
	def := `{"StartAt":"S0","States":{`
	for k := range states {
		def += fmt.Sprintf(`"S%d":{"Type":"Pass","Parameters":{"step":%d,"prev.$":"$.last.step","tag":"s-%d"},"ResultPath":"$.last",`, k, k, k)
		if k == states-1 {
			def += `"End":true}`
		} else {
			def += fmt.Sprintf(`"Next":"S%d"},`, k+1)
		}
	}
	def += `}}`
	sm, diags := asl.Check([]byte(def), asl.Options{})
	require.False(b, asl.HasErrors(diags), "%v", diags)
	prog, err := interpreter.Compile(sm)
	require.NoError(b, err)
	text := oj.JSON(map[string]any{"run": "payload-chain", "payload": blob(200_000), "last": map[string]any{"step": int64(-1)}})
	require.Less(b, len(text), interpreter.DefaultPayloadLimit)
	// As aslrun execute and StartExecution take it: decoded from its text, which tells its size (the
	// decode itself is the same work in both configurations: asl/source's BenchmarkDecode measures it).
	input, size, err := source.DecodeSized([]byte(text))
	require.NoError(b, err)
	for _, limit := range []struct {
		name  string
		bytes int
	}{{"default", 0}, {"no-payload-limit", -1}} {
		b.Run(limit.name, func(b *testing.B) {
			cfg := interpreter.NewConfig("payload-chain", "bench", false)
			cfg.PayloadLimit, cfg.InputSize = limit.bytes, size
			runChain(b, prog, input, cfg, states)
		})
	}
}

// runChain runs prog b.N times on input, each on a virtual clock of its own, and reports its transitions
// (each run makes that many).
func runChain(b *testing.B, prog *interpreter.Program, input any, cfg interpreter.Config, transitions int) {
	start := time.Now()
	for range b.N {
		cfg.Clock = interpreter.NewVirtualClock(time.Now())
		res := prog.Run(context.Background(), input, cfg)
		if res.Status != interpreter.Succeed {
			b.Fatalf("%s: %s %s", res.Status, res.Error, res.Cause)
		}
	}
	workloads.Report(b, time.Since(start), transitions)
}

// blob is an array of records of about size bytes of JSON text, as ../shared/bench/gen.py's big_blob.
func blob(size int) []any {
	var recs []any
	for n, i := 2, 0; n < size; i++ {
		r := map[string]any{
			"id": int64(i), "name": fmt.Sprintf("record-%07d", i), "tags": []any{"alpha", "beta", "gamma"},
			"score": int64(i * 37 % 1000), "active": i%3 == 0,
			"nested": map[string]any{"x": int64(i), "y": "lorem ipsum dolor sit amet consectetur", "z": []any{int64(i), int64(i + 1), int64(i + 2)}},
		}
		n += len(oj.JSON(r)) + 1
		recs = append(recs, r)
	}
	return recs
}
