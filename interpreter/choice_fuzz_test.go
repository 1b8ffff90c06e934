package interpreter_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/interpreter"
)

// FuzzChoice evaluates one Choice rule, built from a fuzzed operator, operand and input, and requires
// the execution to end (either way) without panicking.
func FuzzChoice(f *testing.F) {
	ops := []string{"StringEquals", "StringLessThan", "StringGreaterThanEquals", "StringMatches", "NumericEquals",
		"NumericLessThan", "NumericGreaterThanEqualsPath", "BooleanEquals", "TimestampEquals", "TimestampLessThanPath",
		"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp", "StringEqualsPath", "NumericEqualsPath"}
	f.Add(uint8(0), `"a"`, `{"v":"a"}`)
	f.Add(uint8(3), `"*x\\*"`, `{"v":"ax*"}`)
	f.Add(uint8(4), `1.5`, `{"v":1}`)
	f.Add(uint8(8), `"2016-03-14T01:59:00Z"`, `{"v":"2016-03-14T01:59:00.000Z"}`)
	f.Add(uint8(6), `"$.w"`, `{"v":2,"w":1e308}`)
	f.Add(uint8(11), `true`, `{}`)
	f.Fuzz(func(t *testing.T, op uint8, operand, input string) {
		name := ops[int(op)%len(ops)]
		var operandValue any
		if json.Unmarshal([]byte(operand), &operandValue) != nil {
			return
		}
		in, err := oj.ParseString(input)
		if err != nil {
			return
		}
		rule := map[string]any{"Variable": "$.v", name: operandValue, "Next": "Yes"}
		def := map[string]any{"StartAt": "C", "States": map[string]any{
			"C":   map[string]any{"Type": "Choice", "Choices": []any{rule, map[string]any{"Not": map[string]any{"Variable": "$.v", name: operandValue}, "Next": "Yes"}}, "Default": "No"},
			"Yes": map[string]any{"Type": "Succeed"},
			"No":  map[string]any{"Type": "Succeed"},
		}}
		data, _ := json.Marshal(def)
		sm, diags := asl.Check(data, asl.Options{})
		if asl.HasErrors(diags) {
			return
		}
		p, err := interpreter.Compile(sm)
		if err != nil {
			return
		}
		cfg := interpreter.NewConfig("fuzz", "exec", false)
		cfg.Clock = interpreter.NewVirtualClock(epoch)
		res := p.Run(context.Background(), in, cfg)
		if res.Status != interpreter.Succeed && res.Status != interpreter.Failed {
			t.Fatalf("unexpected status %s", res.Status)
		}
	})
}
