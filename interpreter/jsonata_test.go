package interpreter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

// echo returns a Task's input; a resource ending in ":fail" fails with Boom instead.
var echo = interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
	if strings.HasSuffix(req.Resource, ":fail") {
		return nil, &failure.Error{Name: "Boom", Cause: "it broke"}
	}
	return req.Input, nil
})

// machine wraps states into a JSONata state machine that starts at the first one named "A".
func machine(states string) string {
	return `{"QueryLanguage":"JSONata","StartAt":"A","States":{` + states + `}}`
}

// The JSONata data flow and the variables: each case's output, or its error and cause.
func TestJSONataDataFlow(t *testing.T) {
	const fn = `"arn:aws:lambda:us-east-1:1:function:f"`
	const failing = `"arn:aws:lambda:us-east-1:1:function:fail"`
	prefix := "An error occurred while executing the state 'A' (entered at the event id #2). "
	tests := []struct {
		name, def, input string
		output           string
		err, cause       string
		elapsed          time.Duration
	}{
		{name: "Pass hands on its input by default", def: machine(`"A":{"Type":"Pass","End":true}`),
			input: `{"a":1}`, output: `{"a":1}`},
		{name: "Output template reads $states.input", def: machine(`"A":{"Type":"Pass","Output":{"x":"{% $states.input.a + 1 %}","lit":"{ not % an expression"},"End":true}`),
			input: `{"a":1}`, output: `{"lit":"{ not % an expression","x":2}`},
		{name: "Task sends Arguments and outputs the result", def: machine(`"A":{"Type":"Task","Resource":` + fn + `,"Arguments":{"n":"{% $states.input.a * 10 %}"},"End":true}`),
			input: `{"a":2}`, output: `{"n":20}`},
		{name: "Task without Arguments sends its input", def: machine(`"A":{"Type":"Task","Resource":` + fn + `,"Output":"{% $states.result.a %}","End":true}`),
			input: `{"a":7}`, output: `7`},
		{name: "Assign is visible from the next state, not in the same one", def: machine(`
			"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},
			"B":{"Type":"Pass","Assign":{"x":"{% $x + 1 %}"},"Output":{"seen":"{% $x %}"},"Next":"C"},
			"C":{"Type":"Pass","Output":"{% $x %}","End":true}`),
			input: `{}`, output: `2`},
		{name: "Catch outputs the error output by default", def: machine(`
			"A":{"Type":"Task","Resource":` + failing + `,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"}],"End":true},
			"B":{"Type":"Pass","End":true}`),
			input: `{}`, output: `{"Cause":"it broke","Error":"Boom"}`},
		{name: "Catch Output and Assign read $states.errorOutput and the input", def: machine(`
			"A":{"Type":"Task","Resource":` + failing + `,"Assign":{"ok":true},"Catch":[{"ErrorEquals":["Boom"],"Assign":{"why":"{% $states.errorOutput.Cause %}"},"Output":{"in":"{% $states.input %}"},"Next":"B"}],"End":true},
			"B":{"Type":"Pass","Output":{"why":"{% $why %}","in":"{% $states.input.in %}","ok":"{% $exists($ok) %}"},"End":true}`),
			input: `{"k":1}`, output: `{"in":{"k":1},"ok":false,"why":"it broke"}`},
		{name: "Parallel Arguments feed every branch", def: machine(`"A":{"Type":"Parallel","Arguments":{"v":"{% $states.input.v %}"},"Branches":[
			{"StartAt":"B","States":{"B":{"Type":"Pass","Output":"{% $states.input.v %}","End":true}}},
			{"StartAt":"C","States":{"C":{"Type":"Pass","Output":"{% $states.input.v * 2 %}","End":true}}}],"End":true}`),
			input: `{"v":3}`, output: `[3,6]`},
		{name: "Map Items and ItemSelector with the context's item", def: machine(`"A":{"Type":"Map","Items":"{% $states.input.xs %}","MaxConcurrency":"{% 1 %}",
			"ItemSelector":{"i":"{% $states.context.Map.Item.Index %}","v":"{% $states.context.Map.Item.Value %}","k":"{% $states.input.k %}"},
			"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`),
			input: `{"xs":["a","b"],"k":0}`, output: `[{"i":0,"k":0,"v":"a"},{"i":1,"k":0,"v":"b"}]`},
		{name: "Map without Items iterates its input", def: machine(`"A":{"Type":"Map","ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","Output":"{% $states.input * 2 %}","End":true}}},"End":true}`),
			input: `[1,2]`, output: `[2,4]`},
		{name: "Map iterations read outer variables; their own stay inside", def: machine(`
			"A":{"Type":"Pass","Assign":{"base":10},"Next":"M"},
			"M":{"Type":"Map","Items":[1,2],"ItemProcessor":{"StartAt":"B","States":{
				"B":{"Type":"Pass","Assign":{"inner":"{% $states.input + $base %}"},"Next":"C"},
				"C":{"Type":"Pass","Output":"{% $inner %}","End":true}}},"Next":"D"},
			"D":{"Type":"Pass","Output":{"r":"{% $states.input %}","inner":"{% $exists($inner) %}"},"End":true}`),
			input: `{}`, output: `{"inner":false,"r":[11,12]}`},
		{name: "Choice Condition picks a rule, whose Output applies", def: machine(`
			"A":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 1 %}","Output":"big","Next":"B"}],"Default":"B","Output":"small"},
			"B":{"Type":"Succeed"}`),
			input: `{"n":2}`, output: `"big"`},
		{name: "Choice Default takes the state's Output", def: machine(`
			"A":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 1 %}","Output":"big","Next":"B"}],"Default":"B","Output":"small"},
			"B":{"Type":"Succeed"}`),
			input: `{"n":0}`, output: `"small"`},
		{name: "Wait Seconds from an expression", def: machine(`"A":{"Type":"Wait","Seconds":"{% $states.input.s %}","End":true}`),
			input: `{"s":30}`, output: `{"s":30}`, elapsed: 30 * time.Second},
		{name: "Wait Timestamp from an expression", def: machine(`"A":{"Type":"Wait","Timestamp":"{% '2026-01-01T00:01:00Z' %}","End":true}`),
			input: `{}`, output: `{}`, elapsed: time.Minute},
		{name: "$now reads the execution's clock", def: machine(`"A":{"Type":"Pass","Output":"{% $now() %}","End":true}`),
			input: `{}`, output: `"2026-01-01T00:00:00.000Z"`},
		{name: "$states.context names the state and execution", def: machine(`"A":{"Type":"Pass","Output":["{% $states.context.State.Name %}","{% $states.context.Execution.Name %}"],"End":true}`),
			input: `{}`, output: `["A","exec"]`},
		{name: "Step Functions' functions are bound", def: machine(`"A":{"Type":"Pass","Output":{"p":"{% $partition([1,2,3],2) %}","r":"{% $range(0,6,2) %}","h":"{% $hash('a','SHA-256') %}","j":"{% $parse('{\"x\":1}').x %}"},"End":true}`),
			input: `{}`, output: `{"h":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb","j":1,"p":[[1,2],[3]],"r":[0,2,4,6]}`},
		{name: "Fail Error and Cause from expressions", def: machine(`"A":{"Type":"Fail","Error":"{% 'E' & $states.input.code %}","Cause":"{% $string($states.input) %}"}`),
			input: `{"code":7}`, err: "E7", cause: `{"code":7}`},
		{name: "an undefined result fails the state", def: machine(`"A":{"Type":"Pass","Output":{"x":"{% $states.input.none %}"},"End":true}`),
			input: `{}`, err: failure.QueryEvaluationError,
			cause: prefix + "The JSONata expression '$states.input.none' specified for the field 'Output/x' returned nothing (undefined)."},
		{name: "an evaluation error gives the reference's code", def: machine(`"A":{"Type":"Pass","Output":"{% $nope(1) %}","End":true}`),
			input: `{}`, err: failure.QueryEvaluationError,
			cause: prefix + "The JSONata expression '$nope(1)' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function"},
		{name: "$eval is not offered", def: machine(`"A":{"Type":"Pass","Output":"{% $eval('1') %}","End":true}`),
			input: `{}`, err: failure.QueryEvaluationError},
		{name: "a Condition that is not a boolean", def: machine(`
			"A":{"Type":"Choice","Choices":[{"Condition":"{% 'yes' %}","Next":"B"}],"Default":"B"},"B":{"Type":"Succeed"}`),
			input: `{}`, err: failure.QueryEvaluationError,
			cause: prefix + "The JSONata expression ''yes'' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'string' for value: \"yes\""},
		{name: "Items that is not an array", def: machine(`"A":{"Type":"Map","Items":"{% 5 %}","ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`),
			input: `{}`, err: failure.QueryEvaluationError,
			cause: prefix + "The JSONata expression '5' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 5"},
		{name: "a query error is caught like any error", def: machine(`
			"A":{"Type":"Task","Resource":` + fn + `,"Output":"{% $states.result.none %}","Catch":[{"ErrorEquals":["States.QueryEvaluationError"],"Output":"caught","Next":"B"}],"End":true},
			"B":{"Type":"Succeed"}`),
			input: `{}`, output: `"caught"`},
		{name: "a runaway recursion stops with the depth limit", def: machine(`"A":{"Type":"Pass","Output":"{% ($f := function($n){$n + $f($n + 1)}; $f(0)) %}","End":true}`),
			input: `{}`, err: failure.QueryEvaluationError},
		{name: "Arguments reach the resource in a mixed machine", def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Result":{"v":5},"Assign":{"kept.$":"$.v"},"Next":"B"},
			"B":{"QueryLanguage":"JSONata","Type":"Task","Resource":` + fn + `,"Arguments":{"v":"{% $kept %}"},"Assign":{"r":"{% $states.result.v %}"},"Next":"C"},
			"C":{"Type":"Pass","Parameters":{"r.$":"$r","fmt.$":"States.Format('{}-{}', $r, $kept)"},"End":true}}}`,
			input: `{}`, output: `{"fmt":"5-5","r":5}`},
		{name: "a JSONPath Choice reads variables and assigns per rule", def: `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"limit":3},"Next":"C"},
			"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThanPath":"$limit","Assign":{"size":"big"},"Next":"D"}],"Default":"D","Assign":{"size":"small"}},
			"D":{"Type":"Pass","OutputPath":"$size","End":true}}}`,
			input: `{"n":5}`, output: `"big"`},
		{name: "a JSONPath reference to a variable never set", def: `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$missing","End":true}}}`,
			input: `{}`, err: failure.Runtime,
			cause: prefix + "Invalid path '$missing' : The variable 'missing' is not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, clock := run(t, tc.def, tc.input, echo)
			if tc.err != "" {
				require.Equal(t, interpreter.Failed, res.Status, "output %v", res.Output)
				assert.Equal(t, tc.err, res.Error)
				if tc.cause != "" {
					assert.Equal(t, tc.cause, res.Cause)
				}
				return
			}
			require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
			assert.Equal(t, tc.output, oj.JSON(res.Output, &oj.Options{Sort: true}))
			assert.Equal(t, tc.elapsed, clock.Now().Sub(epoch))
		})
	}
}

// A variable larger than 256 KiB fails the state that assigns it.
func TestVariableSizeLimit(t *testing.T) {
	def := machine(`"A":{"Type":"Pass","Assign":{"big":"{% $pad('', 300000, 'x') %}"},"End":true}`)
	res, _ := run(t, def, `{}`, echo)
	require.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, failure.DataLimitExceeded, res.Error)
	assert.Contains(t, res.Cause, "The variable 'big' assigned in the state 'A' exceeds the maximum size")
}

// A state's StateExited event lists the variables it assigned, as GetExecutionHistory shows them.
func TestAssignedVariablesInHistory(t *testing.T) {
	def := machine(`"A":{"Type":"Pass","Assign":{"x":{"k":[1]},"s":"t"},"End":true}`)
	res, history := runLogged(t, def, `{}`, echo)
	require.Equal(t, interpreter.Succeed, res.Status)
	var exited *interpreter.Event
	for _, e := range history {
		if e.Type() == "PassStateExited" {
			exited = &e
		}
	}
	require.NotNil(t, exited)
	b, err := exited.MarshalJSON()
	require.NoError(t, err)
	assert.Contains(t, string(b), `"assignedVariables":{"s":"\"t\"","x":"{\"k\":[1]}"}`)
	assert.Contains(t, string(b), `"assignedVariablesDetails":{"truncated":false}`)
}

// TestJSONataContextPaths: a path into $states.context, which the frame serves from its fields, gives what
// the same path gives when $states is read whole (in parentheses) and the context built: in a Map's
// ItemSelector, in a state, and for parts the fields do not hold.
func TestJSONataContextPaths(t *testing.T) {
	itemPaths := []string{"Map.Item.Value", "Map.Item.Value.id", "Map.Item.Index", "Map.Item.Source"}
	statePaths := []string{"Execution.Id", "Execution.Input.xs", "StateMachine.Name", "State.Name", "State.EnteredTime", "Execution"}
	pairs := func(paths []string) string {
		var fields []string
		for i, p := range paths {
			fields = append(fields, fmt.Sprintf(`"f%d":"{%% $states.context.%s %%}","g%d":"{%% ($states).context.%s %%}"`, i, p, i, p))
		}
		return "{" + strings.Join(fields, ",") + "}"
	}
	check := func(t *testing.T, obj map[string]any, n int) {
		for i := range n {
			f, g := fmt.Sprintf("f%d", i), fmt.Sprintf("g%d", i)
			assert.NotNil(t, obj[f], f)
			assert.Equal(t, obj[g], obj[f], f)
		}
	}
	const input = `{"xs":[{"id":1},{"id":2}]}`
	t.Run("in a Map's ItemSelector", func(t *testing.T) {
		res, _ := run(t, machine(`"A":{"Type":"Map","Items":"{% $states.input.xs %}","ItemSelector":`+pairs(append(itemPaths, statePaths...))+`,
			"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`), input, nil)
		require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
		items := res.Output.([]any)
		require.Len(t, items, 2)
		for i, it := range items {
			obj := it.(map[string]any)
			check(t, obj, len(itemPaths)+len(statePaths))
			assert.Equal(t, int64(i+1), obj["f1"])
			assert.Equal(t, int64(i), obj["f2"])
		}
	})
	t.Run("in a state", func(t *testing.T) {
		res, _ := run(t, machine(`"A":{"Type":"Pass","Output":`+pairs(statePaths)+`,"End":true}`), input, nil)
		require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
		obj := res.Output.(map[string]any)
		check(t, obj, len(statePaths))
		assert.Equal(t, "A", obj["f3"])
	})
}
