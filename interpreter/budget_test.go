package interpreter_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

// An expression that would build more than its memory budget fails its state, as any JSONata or
// intrinsic error does, instead of taking the process down.
func TestMemoryBombsFailTheirState(t *testing.T) {
	prefix := "An error occurred while executing the state 'A' (entered at the event id #2). "
	format := "$.s"
	for range 5 {
		format = "States.Format('" + strings.Repeat("{}", 10) + "'" + strings.Repeat(", "+format, 10) + ")"
	}
	tests := []struct {
		name, def, input string
		err, cause       string
		caught           string // the Error a catcher received
	}{
		{name: "JSONata nested ranges",
			def:   machine(`"A":{"Type":"Pass","Output":{"n":"{% $count([1..10000000].[1..10000000]) %}"},"End":true}`),
			input: `{}`, err: failure.QueryEvaluationError,
			cause: prefix + "The JSONata expression '$count([1..10000000].[1..10000000])' specified for the field 'Output/n' threw an error during evaluation. " +
				"U1002: Expression evaluation exceeded its memory budget of 268435456 bytes: check for values that grow without bound"},
		{name: "JSONata string doubling, caught by States.ALL",
			def: machine(`"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Arguments":"{% $reduce([1..40], function($a, $i) { $a & $a }, 'ab') %}",
				"Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"}],"End":true},
				"B":{"Type":"Pass","End":true}`),
			input: `{}`, caught: failure.QueryEvaluationError},
		{name: "intrinsic Format nested in itself",
			def:   `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"s.$":"` + format + `"},"End":true}}}`,
			input: `{"s":"` + strings.Repeat("x", 1000) + `"}`, err: failure.Runtime,
			cause: "The intrinsic function States.Format exceeded the memory limit of 67108864 bytes for evaluating a field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, tc.def, tc.input, echo)
			if tc.err == "" {
				require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
				assert.Equal(t, tc.caught, res.Output.(map[string]any)["Error"])
				return
			}
			require.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, tc.err, res.Error)
			assert.Equal(t, tc.cause, res.Cause)
		})
	}
}
