package interpreter_test

import (
	"context"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// tested is a TestResult with its values as compact JSON, for comparing.
type tested struct {
	status        interpreter.TestStatus
	output        string
	error, cause  string
	next          string
	stages        map[interpreter.Stage]string
	retry, catch  int // -1: none
	backoff       int64
	variablesJSON string
}

func view(r *interpreter.TestResult) tested {
	js := func(v any) string { return oj.JSON(v, &oj.Options{Sort: true}) }
	out := tested{status: r.Status, error: r.Error, cause: r.Cause, next: r.NextState, stages: map[interpreter.Stage]string{},
		retry: -1, catch: -1, backoff: -1}
	if r.HasOutput {
		out.output = js(r.Output)
	}
	for s, v := range r.Stages {
		out.stages[s] = js(v)
	}
	if e := r.Errors; e != nil {
		if e.RetryIndex != nil {
			out.retry = *e.RetryIndex
		}
		if e.CatchIndex != nil {
			out.catch = *e.CatchIndex
		}
		if e.RetryBackoffSeconds != nil {
			out.backoff = *e.RetryBackoffSeconds
		}
	}
	if len(r.Variables) > 0 {
		out.variablesJSON = js(r.Variables)
	}
	return out
}

// testState runs state of def with input and spec's other fields, on a virtual clock.
func testState(t *testing.T, def, state, input string, spec interpreter.TestSpec) *interpreter.TestResult {
	t.Helper()
	in, err := oj.ParseString(input)
	require.NoError(t, err)
	spec.State, spec.Input = state, in
	if spec.Config.Clock == nil {
		spec.Config.Clock = interpreter.NewVirtualClock(epoch)
	}
	res, err := compile(t, def).Test(context.Background(), spec)
	require.NoError(t, err)
	return res
}

func machineOf(states string) string { return `{"StartAt":"S","States":{` + states + `}}` }

func TestTestStatePerStateType(t *testing.T) {
	mockResult := func(v string) *interpreter.Mock {
		r, err := oj.ParseString(v)
		require.NoError(t, err)
		return &interpreter.Mock{Result: r}
	}
	mockError := &interpreter.Mock{Failed: true, Error: "MockException", Cause: "Mock the cause of the error."}
	const done = `"Done":{"Type":"Succeed"}`
	retry := `"Retry":[{"ErrorEquals":["MockException"],"IntervalSeconds":1,"MaxAttempts":5,"BackoffRate":2.0}]`
	tests := []struct {
		name  string
		def   string
		input string
		spec  interpreter.TestSpec
		want  tested
	}{
		{
			name: "Pass with paths and Parameters",
			def: machineOf(`"S":{"Type":"Pass","InputPath":"$.initialData","Parameters":{"staticValue":"v","inputValue.$":"$.fieldFromInput"},
				"ResultPath":"$.modifiedData","Next":"Done"},` + done),
			input: `{"initialData":{"fieldFromInput":"x"},"other":1}`,
			want: tested{status: interpreter.TestSucceeded, next: "Done",
				output: `{"initialData":{"fieldFromInput":"x"},"modifiedData":{"inputValue":"x","staticValue":"v"},"other":1}`,
				stages: map[interpreter.Stage]string{
					interpreter.StageInputPath:      `{"fieldFromInput":"x"}`,
					interpreter.StageParameters:     `{"inputValue":"x","staticValue":"v"}`,
					interpreter.StageResultSelector: `{"inputValue":"x","staticValue":"v"}`,
					interpreter.StageResultPath:     `{"initialData":{"fieldFromInput":"x"},"modifiedData":{"inputValue":"x","staticValue":"v"},"other":1}`,
				}},
		},
		{
			name:  "Pass with Result shows its result but not InputPath",
			def:   machineOf(`"S":{"Type":"Pass","Result":{"resultKey":"result value"},"End":true}`),
			input: `{"Value":"HelloWorld"}`,
			want: tested{status: interpreter.TestSucceeded, output: `{"resultKey":"result value"}`,
				stages: map[interpreter.Stage]string{
					interpreter.StageResult:         `{"resultKey":"result value"}`,
					interpreter.StageResultSelector: `{"resultKey":"result value"}`,
					interpreter.StageResultPath:     `{"resultKey":"result value"}`,
				}},
		},
		{
			name: "Task with a mocked result",
			def: machineOf(`"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},
				"ResultSelector":{"value.$":"$.Payload.v"},"ResultPath":"$.r","End":true}`),
			input: `{"a":1}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`{"Payload":{"v":7},"StatusCode":200}`)},
			want: tested{status: interpreter.TestSucceeded, output: `{"a":1,"r":{"value":7}}`,
				stages: map[interpreter.Stage]string{
					interpreter.StageInputPath:      `{"a":1}`,
					interpreter.StageParameters:     `{"FunctionName":"f","Payload":{"a":1}}`,
					interpreter.StageResult:         `{"Payload":{"v":7},"StatusCode":200}`,
					interpreter.StageResultSelector: `{"value":7}`,
					interpreter.StageResultPath:     `{"a":1,"r":{"value":7}}`,
				}},
		},
		{
			// AWS: retrierRetryCount 4 of MaxAttempts 5 is RETRIABLE after 1*2^4 = 16 s.
			name: "Task with a mocked error its retrier retries",
			def: `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
				"Arguments":{"FunctionName":"foo","Payload":"bar"},` + retry + `,"End":true}}}`,
			input: `{}`,
			spec:  interpreter.TestSpec{Mock: mockError, RetrierRetryCount: 4},
			want: tested{status: interpreter.TestRetriable, error: "MockException", cause: "Mock the cause of the error.", retry: 0, catch: -1, backoff: 16,
				stages: map[interpreter.Stage]string{interpreter.StageArguments: `{"FunctionName":"foo","Payload":"bar"}`}},
		},
		{
			name: "Task whose retrier has no attempts left fails",
			def: `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
				"Arguments":{"FunctionName":"foo","Payload":"bar"},` + retry + `,"End":true}}}`,
			input: `{}`,
			spec:  interpreter.TestSpec{Mock: mockError, RetrierRetryCount: 5},
			want: tested{status: interpreter.TestFailed, error: "MockException", cause: "Mock the cause of the error.", retry: 0, catch: -1, backoff: -1,
				stages: map[interpreter.Stage]string{interpreter.StageArguments: `{"FunctionName":"foo","Payload":"bar"}`}},
		},
		{
			name: "Task whose error a catcher takes",
			def: `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
				"Arguments":{"FunctionName":"foo"},"Catch":[{"ErrorEquals":["Other"],"Next":"Done"},
				{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}","Next":"Handle"}],"End":true},
				"Handle":{"Type":"Succeed"},` + done + `}}`,
			input: `{}`,
			spec:  interpreter.TestSpec{Mock: mockError},
			want: tested{status: interpreter.TestCaughtError, error: "MockException", cause: "Mock the cause of the error.", next: "Handle",
				output: `{"Cause":"Mock the cause of the error.","Error":"MockException"}`, retry: -1, catch: 1, backoff: -1,
				stages: map[interpreter.Stage]string{interpreter.StageArguments: `{"FunctionName":"foo"}`}},
		},
		{
			name: "a runtime error is neither retried nor caught",
			def: machineOf(`"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"x.$":"$.missing"},
				"Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"End":true},` + done),
			input: `{}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`{}`)},
			want: tested{status: interpreter.TestFailed, error: "States.Runtime",
				cause: "An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{}'",
				retry: -1, catch: -1, backoff: -1, stages: map[interpreter.Stage]string{interpreter.StageInputPath: `{}`}},
		},
		{
			name: "Choice names the next state",
			def: machineOf(`"S":{"Type":"Choice","Choices":[{"Variable":"$.value","NumericGreaterThanEquals":20,"Next":"Twenties"}],"Default":"Done"},
				"Twenties":{"Type":"Succeed"},` + done),
			input: `{"value":22}`,
			want: tested{status: interpreter.TestSucceeded, next: "Twenties", output: `{"value":22}`,
				stages: map[interpreter.Stage]string{interpreter.StageInputPath: `{"value":22}`}},
		},
		{
			name:  "Choice without a match fails",
			def:   machineOf(`"S":{"Type":"Choice","Choices":[{"Variable":"$.value","NumericGreaterThan":20,"Next":"Done"}]},` + done),
			input: `{"value":2}`,
			want: tested{status: interpreter.TestFailed, error: "States.NoChoiceMatched",
				cause: "No Choice Rules matched and no Default was specified for state 'S'", retry: -1, catch: -1, backoff: -1,
				stages: map[interpreter.Stage]string{interpreter.StageInputPath: `{"value":2}`}},
		},
		{
			name:  "a Wait with a bad SecondsPath fails",
			def:   machineOf(`"S":{"Type":"Wait","SecondsPath":"$.s","Next":"Done"},` + done),
			input: `{"s":"soon"}`,
			want: tested{status: interpreter.TestFailed, error: "States.Runtime",
				cause: `An error occurred while executing the state 'S' (entered at the event id #2). The SecondsPath parameter does not reference a positive integer value: $.s == "soon"`,
				retry: -1, catch: -1, backoff: -1,
				stages: map[interpreter.Stage]string{interpreter.StageInputPath: `{"s":"soon"}`}},
		},
		{
			name:  "Fail",
			def:   machineOf(`"S":{"Type":"Fail","Error":"SomeFailure","Cause":"It failed."}`),
			input: `{"Value":1}`,
			want: tested{status: interpreter.TestFailed, error: "SomeFailure", cause: "It failed.", retry: -1, catch: -1, backoff: -1,
				stages: map[interpreter.Stage]string{interpreter.StageInputPath: `{"Value":1}`}},
		},
		{
			name:  "Succeed has no next state",
			def:   machineOf(`"S":{"Type":"Succeed","OutputPath":"$.Value"}`),
			input: `{"Value":1}`,
			want: tested{status: interpreter.TestSucceeded, output: `1`,
				stages: map[interpreter.Stage]string{interpreter.StageInputPath: `{"Value":1}`}},
		},
		{
			name: "a mocked inline Map shows its items",
			def: machineOf(`"S":{"Type":"Map","ItemsPath":"$.Values","ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
				"MaxConcurrency":2,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultPath":"$.out","End":true}`),
			input: `{"Values":["a","b"]}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`[1,2]`)},
			want: tested{status: interpreter.TestSucceeded, output: `{"Values":["a","b"],"out":[1,2]}`,
				stages: map[interpreter.Stage]string{
					interpreter.StageInputPath:      `{"Values":["a","b"]}`,
					interpreter.StageItemsPath:      `["a","b"]`,
					interpreter.StageItemSelector:   `[{"i":0,"v":"a"},{"i":1,"v":"b"}]`,
					interpreter.StageResultSelector: `[1,2]`,
					interpreter.StageResultPath:     `{"Values":["a","b"],"out":[1,2]}`,
				}},
		},
		{
			// AWS: two failed iterations of three, one tolerated: the threshold error, which the catcher takes.
			name: "a Map past its tolerated failures",
			def: `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Map","Items":"{% $states.input.Values %}","ToleratedFailureCount":1,
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
				"Catch":[{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"Output":"{% $states.errorOutput %}","Next":"Done"}],"End":true},` + done + `}}`,
			input: `{"Values":[1,2,3]}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`[0,0,1]`), MapIterationFailureCount: 2},
			want: tested{status: interpreter.TestCaughtError, error: "States.ExceedToleratedFailureThreshold",
				cause: "The specified tolerated failure threshold was exceeded", next: "Done", retry: -1, catch: 0, backoff: -1,
				output: `{"Cause":"The specified tolerated failure threshold was exceeded","Error":"States.ExceedToleratedFailureThreshold"}`,
				stages: map[interpreter.Stage]string{}},
		},
		{
			// AWS: a Map without ToleratedFailureCount or Percentage ignores mapIterationFailureCount.
			name: "a Map without tolerated failures ignores the failed iterations",
			def: `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Map","Items":"{% $states.input.Values %}",
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"Output":"{% $states.result %}","End":true}}}`,
			input: `{"Values":[1,2,3]}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`[0,0,1]`), MapIterationFailureCount: 2},
			want:  tested{status: interpreter.TestSucceeded, output: `[0,0,1]`, stages: map[interpreter.Stage]string{}},
		},
		{
			name: "a Distributed Map reads the ItemReader data given and batches it",
			def: machineOf(`"S":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},
				"Parameters":{"Bucket":"b","Key":"k.csv"}},"ItemBatcher":{"MaxItemsPerBatch":2},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`),
			input: `{}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`[1]`), MapItemReaderData: new("a,b\n1,2\n3,4\n5,6\n")},
			want: tested{status: interpreter.TestSucceeded, output: `[1]`,
				stages: map[interpreter.Stage]string{
					interpreter.StageInputPath:      `{}`,
					interpreter.StageItemBatcher:    `[{"Items":[{"a":"1","b":"2"},{"a":"3","b":"4"}]},{"Items":[{"a":"5","b":"6"}]}]`,
					interpreter.StageResultSelector: `[1]`,
					interpreter.StageResultPath:     `[1]`,
				}},
		},
		{
			name: "a Map's items by ItemsPointer",
			def: machineOf(`"S":{"Type":"Map","ItemsPointer":"/order/items","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
				"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`),
			input: `{"order":{"items":[1,2]}}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`[]`)},
			want: tested{status: interpreter.TestSucceeded, output: `[]`,
				stages: map[interpreter.Stage]string{
					interpreter.StageInputPath:      `{"order":{"items":[1,2]}}`,
					interpreter.StageItemsPointer:   `[1,2]`,
					interpreter.StageResultSelector: `[]`,
					interpreter.StageResultPath:     `[]`,
				}},
		},
		{
			name: "a mocked Parallel",
			def: machineOf(`"S":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
				{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"Next":"Done"},` + done),
			input: `{"x":1}`,
			spec:  interpreter.TestSpec{Mock: mockResult(`["a","b"]`)},
			want: tested{status: interpreter.TestSucceeded, output: `["a","b"]`, next: "Done",
				stages: map[interpreter.Stage]string{
					interpreter.StageInputPath:      `{"x":1}`,
					interpreter.StageParameters:     `{"x":1}`,
					interpreter.StageResultSelector: `["a","b"]`,
					interpreter.StageResultPath:     `["a","b"]`,
				}},
		},
		{
			name: "a nested state, by its name",
			def: machineOf(`"S":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"in A","Next":"A2"},
				"A2":{"Type":"Succeed"}}}],"End":true}`),
			input: `{}`,
			spec:  interpreter.TestSpec{State: "A"},
			want: tested{status: interpreter.TestSucceeded, output: `"in A"`, next: "A2",
				stages: map[interpreter.Stage]string{
					interpreter.StageResult:         `"in A"`,
					interpreter.StageResultSelector: `"in A"`,
					interpreter.StageResultPath:     `"in A"`,
				}},
		},
		{
			name: "variables given and assigned",
			def: `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Pass",
				"Assign":{"sum":"{% $a + 1 %}"},"Output":"{% $a %}","End":true}}}`,
			input: `{}`,
			spec:  interpreter.TestSpec{Variables: map[string]any{"a": int64(41)}},
			want:  tested{status: interpreter.TestSucceeded, output: `41`, variablesJSON: `{"a":41,"sum":42}`, stages: map[interpreter.Stage]string{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			state := tc.spec.State
			if state == "" {
				state = "S"
			}
			if tc.want.retry == 0 && tc.want.catch == 0 && tc.want.backoff == 0 {
				tc.want.retry, tc.want.catch, tc.want.backoff = -1, -1, -1
			}
			got := view(testState(t, tc.def, state, tc.input, tc.spec))
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestTestStateMapSettings(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Map","Items":"{% $states.input %}",
		"MaxConcurrency":"{% 3 %}","ToleratedFailurePercentage":"{% 50 %}",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	tests := []struct {
		name     string
		failures int64
		status   interpreter.TestStatus
	}{
		{"within the tolerated percentage", 2, interpreter.TestSucceeded},
		{"past the tolerated percentage", 3, interpreter.TestFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := testState(t, def, "S", `[1,2,3,4]`, interpreter.TestSpec{Mock: &interpreter.Mock{Result: []any{}}, MapIterationFailureCount: tc.failures})
			assert.Equal(t, tc.status, res.Status, res.Cause)
			require.NotNil(t, res.Map)
			assert.Equal(t, 3, res.Map.MaxConcurrency)
			assert.Nil(t, res.Map.ToleratedFailureCount)
			require.NotNil(t, res.Map.ToleratedFailurePercentage)
			assert.InDelta(t, 50.0, *res.Map.ToleratedFailurePercentage, 0)
		})
	}
}

// The context object a tested state sees: AWS's names for the state and an Express execution, or exactly
// the one given.
func TestTestStateContextObject(t *testing.T) {
	def := machineOf(`"S":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"ctx.$":"$$"},"ResultPath":null,"OutputPath":"$$","End":true}`)
	cfg := interpreter.NewConfig("TestState-m", "e1", true)
	cfg.RoleARN = ""
	mock := &interpreter.Mock{Result: map[string]any{}}
	t.Run("built", func(t *testing.T) {
		res := testState(t, def, "S", `{"a":1}`, interpreter.TestSpec{Mock: mock, Config: cfg, RetrierRetryCount: 2})
		require.Equal(t, interpreter.TestSucceeded, res.Status, res.Cause)
		ctx := value.Plain(res.Stages[interpreter.StageParameters]).(map[string]any)["ctx"].(map[string]any)
		exec := ctx["Execution"].(map[string]any)
		assert.Nil(t, exec["RoleArn"])
		assert.NotContains(t, exec, "RedriveCount")
		assert.Equal(t, map[string]any{"a": int64(1)}, exec["Input"])
		state := ctx["State"].(map[string]any)
		assert.Equal(t, "StateName", state["Name"])
		assert.Equal(t, int64(2), state["RetryCount"])
		assert.NotEmpty(t, ctx["Task"].(map[string]any)["Token"])
	})
	t.Run("given", func(t *testing.T) {
		given := map[string]any{"Execution": map[string]any{"Id": "x"}, "Task": map[string]any{"Token": "abcd123"}}
		res := testState(t, def, "S", `{}`, interpreter.TestSpec{Mock: mock, Config: cfg, Context: given})
		require.Equal(t, interpreter.TestSucceeded, res.Status, res.Cause)
		assert.Equal(t, given, value.Plain(res.Stages[interpreter.StageParameters]).(map[string]any)["ctx"])
	})
}

// Without a mock a Task calls the Invoker, as in an execution, and a Wait does not wait.
func TestTestStateRuns(t *testing.T) {
	t.Run("a Task calls its resource", func(t *testing.T) {
		var got any
		inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
			got = req.Input
			return "HelloWorld!", nil
		})
		def := machineOf(`"S":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}`)
		res := testState(t, def, "S", `{"inputData":"HelloWorld"}`, interpreter.TestSpec{Config: interpreter.Config{Invoker: inv}})
		require.Equal(t, interpreter.TestSucceeded, res.Status, res.Cause)
		assert.Equal(t, "HelloWorld!", res.Output)
		assert.Equal(t, map[string]any{"inputData": "HelloWorld"}, got)
	})
	t.Run("a Wait does not wait", func(t *testing.T) {
		def := machineOf(`"S":{"Type":"Wait","Seconds":300,"End":true}`)
		begun := time.Now()
		res := testState(t, def, "S", `{}`, interpreter.TestSpec{Timeout: 5 * time.Second, Config: interpreter.Config{Clock: interpreter.RealClock{}}})
		assert.Equal(t, interpreter.TestSucceeded, res.Status, res.Cause)
		assert.Less(t, time.Since(begun), time.Second)
	})
	t.Run("a state that takes too long times out", func(t *testing.T) {
		inv := interpreter.InvokerFunc(func(ctx context.Context, _ *interpreter.TaskRequest) (any, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
		def := machineOf(`"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"End":true},"Done":{"Type":"Succeed"}`)
		res := testState(t, def, "S", `{}`, interpreter.TestSpec{Timeout: 50 * time.Millisecond,
			Config: interpreter.Config{Invoker: inv, Clock: interpreter.RealClock{}}})
		assert.Equal(t, interpreter.TestFailed, res.Status)
		assert.Equal(t, "States.Timeout", res.Error)
	})
	t.Run("an unknown state", func(t *testing.T) {
		_, err := compile(t, machineOf(`"S":{"Type":"Succeed"}`)).Test(context.Background(), interpreter.TestSpec{State: "X"})
		assert.ErrorIs(t, err, interpreter.ErrNoState)
	})
}
