package interpreter_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
)

// BenchmarkQueryLanguages runs the same 1,000-state chain of Pass states in both query languages: each
// state reads two fields of its input and writes a new document of four (JSONPath Parameters, JSONata
// Output), so that JSONata's cost per state can be set against JSONPath's.
//
// The passthrough cases hand a legal 200 KB document (an object, or an array of records) from state to
// state unchanged (JSONPath's OutputPath $, JSONata's $states.input), which should cost what a small one
// costs.
func BenchmarkQueryLanguages(b *testing.B) {
	const states = 1000
	small := map[string]any{"run": "chain", "last": map[string]any{"step": int64(-1)}}
	text := oj.JSON(map[string]any{"run": "chain", "payload": blob(200_000), "last": map[string]any{"step": int64(-1)}})
	large, size, err := source.DecodeSized([]byte(text))
	require.NoError(b, err)
	array, arraySize, err := source.DecodeSized([]byte(oj.JSON(blob(200_000))))
	require.NoError(b, err)
	for _, lang := range []struct{ name, top, state string }{
		{"jsonpath", ``, `"Parameters":{"step":%[1]d,"prev.$":"$.last.step","run.$":"$.run","last":{"step":%[1]d}}`},
		{"jsonata", `"QueryLanguage":"JSONata",`, `"Output":{"step":%[1]d,"prev":"{%% $states.input.last.step %%}","run":"{%% $states.input.run %%}","last":{"step":%[1]d}}`},
		{"jsonpath-passthrough-200KB", ``, `"OutputPath":"$"`},
		{"jsonata-passthrough-200KB", `"QueryLanguage":"JSONata",`, `"Output":"{%% $states.input %%}"`},
		{"jsonpath-passthrough-array-200KB", ``, `"OutputPath":"$"`},
		{"jsonata-passthrough-array-200KB", `"QueryLanguage":"JSONata",`, `"Output":"{%% $states.input %%}"`},
	} {
		var def strings.Builder
		def.WriteString(`{` + lang.top + `"StartAt":"S0","States":{`)
		for k := range states {
			next := fmt.Sprintf(`"Next":"S%d"},`, k+1)
			if k == states-1 {
				next = `"End":true}`
			}
			fmt.Fprintf(&def, `"S%d":{"Type":"Pass",`+lang.state+`,`+next, k)
		}
		def.WriteString(`}}`)
		sm, diags := asl.Check([]byte(def.String()), asl.Options{})
		require.False(b, asl.HasErrors(diags), "%v", diags)
		prog, err := interpreter.Compile(sm)
		require.NoError(b, err)
		b.Run(lang.name, func(b *testing.B) {
			cfg := interpreter.NewConfig("chain", "bench", false)
			input := any(small)
			switch {
			case strings.Contains(lang.name, "array"):
				input, cfg.InputSize = array, arraySize
			case strings.HasSuffix(lang.name, "200KB"):
				input, cfg.InputSize = large, size
			}
			runChain(b, prog, input, cfg, states)
		})
	}
}
