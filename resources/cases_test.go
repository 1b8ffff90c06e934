package resources

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

const casesDir = "../conformance/testdata/aws"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// loadCase reads an AWS-recorded case with ojg, as the interpreter reads JSON.
func loadCase(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(casesDir, name))
	require.NoError(t, err)
	c, err := oj.Parse(data)
	require.NoError(t, err)
	return c.(map[string]any)
}

// at reads a value at a plain dotted path ("$", "$.a.b").
func at(v any, path string) (any, bool) {
	if path == "$" {
		return v, true
	}
	for _, name := range strings.Split(strings.TrimPrefix(path, "$."), ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[name]; !ok {
			return nil, false
		}
	}
	return v, true
}

// effectiveInput applies the Task's Parameters (only the plain ".$" paths these cases use) or literal
// JSONata Arguments to the state input, as the interpreter would before invoking the resource.
func effectiveInput(t *testing.T, state map[string]any, input any) any {
	t.Helper()
	if args, ok := state["Arguments"]; ok {
		require.NotContains(t, oj.JSON(args), `"{%`, "only literal Arguments can be evaluated here")
		return args
	}
	params, ok := state["Parameters"]
	if !ok {
		return input
	}
	var apply func(v any) any
	apply = func(v any) any {
		obj, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, e := range obj {
			if name, ok := strings.CutSuffix(k, ".$"); ok {
				path := e.(string)
				require.Regexp(t, `^\$(\.[A-Za-z_]+)*$`, path)
				val, found := at(input, path)
				require.True(t, found, "path %s selects nothing", path)
				out[name] = val
				continue
			}
			out[k] = apply(e)
		}
		return out
	}
	return apply(params)
}

// TestAWSCases invokes the Task of each case that isolates it (the states around it only move the result
// or the caught error into the output) and compares with what AWS recorded.
func TestAWSCases(t *testing.T) {
	tests := []struct {
		file       string
		state      string
		stateInput string   // the Task's input as JSON, when states before it changed the case input
		result     string   // where the output holds the task result ("" when the task fails)
		drop       []string // keys of the output that states after the Task added
		caughtAt   string   // where the output holds the caught {Error, Cause} ("" when the execution fails)
	}{
		{file: "lambda_task/lambda_task__test_invoke_bytes_payload.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_invoke_json_values_0.0.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_invoke_json_values_0_0.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_invoke_json_values_0_1.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_invoke_json_values_HelloWorld.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_invoke_json_values_True.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_invoke_json_values_json_value5.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_invoke_json_values_json_value6.json", state: "step1", result: "$"},
		{file: "lambda_task/lambda_task__test_lambda_task_filter_parameters_input.json", state: "CheckComplete",
			stateInput: `{"loop":{"count":0}}`, result: "$.result"},
		{file: "lambda_task/lambda_task_service__test_invoke_json_values_0.0.json", state: "Start", result: "$", drop: []string{"final"}},
		{file: "lambda_task/lambda_task_service__test_invoke_json_values_0_0.json", state: "Start", result: "$", drop: []string{"final"}},
		{file: "lambda_task/lambda_task_service__test_invoke_json_values_0_1.json", state: "Start", result: "$", drop: []string{"final"}},
		{file: "lambda_task/lambda_task_service__test_invoke_json_values_HelloWorld.json", state: "Start", result: "$", drop: []string{"final"}},
		{file: "lambda_task/lambda_task_service__test_invoke_json_values_True.json", state: "Start", result: "$", drop: []string{"final"}},
		{file: "lambda_task/lambda_task_service__test_invoke_json_values_json_value5.json", state: "Start", result: "$", drop: []string{"final"}},
		{file: "lambda_task/lambda_task_service__test_invoke_json_values_json_value6.json", state: "Start", result: "$", drop: []string{"final"}},
		{file: "lambda_task/mocking_base_scenarios__test_lambda_invoke.json", state: "step1", result: "$"},
		{file: "lambda_task/mocking_base_scenarios__test_lambda_service_invoke.json", state: "Start", result: "$", drop: []string{"final"}},

		{file: "error_handling/task_lambda__test_raise_custom_exception.json", state: "InvokeLambda", caughtAt: "$"},
		{file: "error_handling/task_lambda__test_raise_exception_catch.json", state: "Start", caughtAt: "$"},
		{file: "error_handling/task_service_lambda__test_no_such_function.json", state: "Start"},
		{file: "error_handling/task_service_lambda__test_raise_custom_exception.json", state: "InvokeLambda", caughtAt: "$"},
		{file: "error_handling/task_service_lambda__test_raise_exception.json", state: "Start"},
		{file: "error_handling/task_service_lambda__test_raise_exception_catch.json", state: "Start", caughtAt: "$"},
		{file: "error_handling/task_service_lambda__test_raise_exception_catch_output_path_.Payload.json", state: "InvokeLambda", caughtAt: "$.InputValue"},
		{file: "error_handling/task_service_lambda__test_raise_exception_catch_output_path_.no.such.path.json", state: "InvokeLambda", caughtAt: "$.InputValue"},
		{file: "error_handling/task_service_lambda__test_raise_exception_catch_output_path_None.json", state: "InvokeLambda", caughtAt: "$.InputValue"},

		{file: "jsonata/arguments__test_base_cases_BASE_LAMBDA_EMPTY.json", state: "State0", result: "$"},
		{file: "jsonata/arguments__test_base_cases_BASE_LAMBDA_EMPTY_GLOBAL_QL_JSONATA.json", state: "State0", result: "$"},
		{file: "jsonata/arguments__test_base_cases_BASE_LAMBDA_LITERALS.json", state: "State0", result: "$"},
		{file: "jsonata/base_evaluate_expressions__test_base_task_from_input_HEARTBEAT_SECONDS.json", state: "Start", result: "$"},
		{file: "jsonata/mixed_query_language__test_lambda_task_resource_data_flow_TASK_LAMBDA_LEGACY_RESOURCE_JSONPATH_TO_JSONATA.json", state: "JsonPathState", result: "$"},
		{file: "jsonata/mixed_query_language__test_lambda_task_resource_data_flow_TASK_LAMBDA_SDK_RESOURCE_JSONPATH_TO_JSONATA.json", state: "JsonPathState", result: "$"},
		{file: "jsonata/error_output__test_catch_error_variable_sampling_TASK_CATCH_ERROR_VARIABLE_SAMPLING_TO_JSONPATH.json", state: "Task", caughtAt: "$"},
		{file: "jsonata/error_output__test_task_catch_error_output_TASK_CATCH_ERROR_OUTPUT_TO_JSONPATH.json", state: "Task", caughtAt: "$.stateError"},

		{file: "retry_catch/base_scenarios__test_catch_empty.json", state: "StartTask", result: "$"},
		{file: "retry_catch/base_scenarios__test_lambda_empty_retry.json", state: "LambdaTask"},
		{file: "retry_catch/base_scenarios__test_lambda_invoke_with_retry_base.json", state: "InvokeLambdaWithRetry", caughtAt: "$"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			c := loadCase(t, tt.file)
			handlers, err := ParseHandlers([]byte(oj.JSON(c["handlers"])))
			require.NoError(t, err)

			state, ok := at(c["definition"], "$.States."+tt.state)
			require.True(t, ok)
			input := c["input"]
			if tt.stateInput != "" {
				input, err = oj.ParseString(tt.stateInput)
				require.NoError(t, err)
			}
			stateObj := state.(map[string]any)
			req := &interpreter.TaskRequest{
				Resource:  stateObj["Resource"].(string),
				Input:     effectiveInput(t, stateObj, input),
				StateName: tt.state,
				Context: func() map[string]any {
					return map[string]any{"StateMachine": map[string]any{"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:case"}}
				},
			}
			got, err := handlers.Invoke(context.Background(), req)

			expect := c["expect"].(map[string]any)
			output := expect["output"]
			switch {
			case tt.result != "":
				require.NoError(t, err)
				want, ok := at(output, tt.result)
				require.True(t, ok)
				if obj, isObj := want.(map[string]any); isObj && len(tt.drop) > 0 {
					want = without(obj, tt.drop...)
				}
				assertResult(t, want, got)
			case tt.caughtAt != "":
				caught, ok := at(output, tt.caughtAt)
				require.True(t, ok)
				assertFailure(t, err, caught.(map[string]any)["Error"].(string),
					caught.(map[string]any)["Cause"].(string), regexAt(expect, tt.caughtAt+".Cause"), nil)
			default:
				require.Equal(t, "FAILED", expect["status"])
				cause, _ := expect["cause"].(string)
				causeRE, _ := expect["cause_regex"].(string)
				assertFailure(t, err, expect["error"].(string), cause, causeRE, expect)
			}
		})
	}
}

func without(obj map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func regexAt(expect map[string]any, path string) string {
	res, _ := expect["regex"].(map[string]any)
	re, _ := res[path].(string)
	return re
}

// assertResult compares a task result with AWS's. A lambda:invoke envelope's metadata holds request ids
// and dates, so only its shape and its deterministic headers are compared.
func assertResult(t *testing.T, want, got any) {
	t.Helper()
	wantObj, isEnvelope := want.(map[string]any)
	if isEnvelope {
		_, isEnvelope = wantObj["SdkHttpMetadata"]
	}
	if !isEnvelope {
		assert.True(t, jsonEqual(want, got), "want %s\n got %s", oj.JSON(want), oj.JSON(got))
		return
	}
	gotObj := got.(map[string]any)
	meta := []string{"SdkHttpMetadata", "SdkResponseMetadata"}
	assert.True(t, jsonEqual(without(wantObj, meta...), without(gotObj, meta...)),
		"want %s\n got %s", oj.JSON(without(wantObj, meta...)), oj.JSON(without(gotObj, meta...)))

	wantHTTP, gotHTTP := wantObj["SdkHttpMetadata"].(map[string]any), gotObj["SdkHttpMetadata"].(map[string]any)
	assert.Equal(t, wantHTTP["HttpStatusCode"], gotHTTP["HttpStatusCode"])
	wantAll, gotAll := wantHTTP["AllHttpHeaders"].(map[string]any), gotHTTP["AllHttpHeaders"].(map[string]any)
	wantSingle, gotSingle := wantHTTP["HttpHeaders"].(map[string]any), gotHTTP["HttpHeaders"].(map[string]any)
	assert.ElementsMatch(t, keys(wantAll), keys(gotAll))
	assert.ElementsMatch(t, keys(wantSingle), keys(gotSingle))
	for name, v := range gotAll {
		require.Len(t, v, 1, name)
		assert.Equal(t, gotSingle[name], v.([]any)[0], name)
	}
	for _, name := range []string{"Connection", "Content-Type", "X-Amz-Executed-Version", "x-amzn-Remapped-Content-Length"} {
		assert.Equal(t, wantSingle[name], gotSingle[name], name)
	}
	requestID := gotObj["SdkResponseMetadata"].(map[string]any)["RequestId"]
	assert.Regexp(t, uuidRE, requestID)
	assert.Equal(t, requestID, gotSingle["x-amzn-RequestId"])
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// assertFailure checks the task's failure: its cause exactly, or against causeRE, or (from a FAILED
// expectation) as JSON with cause_json and cause_json_regex.
func assertFailure(t *testing.T, err error, wantError, wantCause, causeRE string, expect map[string]any) {
	t.Helper()
	var fe *failure.Error
	require.True(t, errors.As(err, &fe), "want a *failure.Error, got %v", err)
	assert.Equal(t, wantError, fe.Name)
	switch {
	case causeRE != "":
		assert.Regexp(t, regexp.MustCompile(`^(?:`+causeRE+`)$`), fe.Cause)
	case expect["cause_json"] != nil:
		got, perr := oj.ParseString(fe.Cause)
		require.NoError(t, perr, fe.Cause)
		want := expect["cause_json"].(map[string]any)
		res, _ := expect["cause_json_regex"].(map[string]any)
		for path, re := range res {
			name := strings.TrimPrefix(path, "$.")
			assert.Regexp(t, regexp.MustCompile(`^(?:`+re.(string)+`)$`), got.(map[string]any)[name])
			want = without(want, name)
			got = without(got.(map[string]any), name)
		}
		assert.True(t, jsonEqual(want, got), "want %s\n got %s", oj.JSON(want), oj.JSON(got))
	default:
		assert.Equal(t, wantCause, fe.Cause)
	}
}
