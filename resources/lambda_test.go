package resources

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

const lambdaInvoke = "arn:aws:states:::lambda:invoke"

// echo returns its event.
var echo = HandlerFunc(func(_ context.Context, call *Call) (any, error) { return call.Input, nil })

func invoke(t *testing.T, r *Registry, resource, state string, input any) (any, error) {
	t.Helper()
	return r.Invoke(context.Background(), &interpreter.TaskRequest{
		Resource: resource, StateName: state, Input: input,
		Context: func() map[string]any {
			return map[string]any{"Execution": map[string]any{"Id": "arn:aws:states:eu-west-1:111111111111:execution:sm:run-1"}}
		},
	})
}

func requireFailure(t *testing.T, err error) *failure.Error {
	t.Helper()
	var fe *failure.Error
	require.True(t, errors.As(err, &fe), "want a *failure.Error, got %v", err)
	return fe
}

func TestParseFunction(t *testing.T) {
	tests := []struct {
		in                         string
		ok                         bool
		name, qualifier            string
		partition, region, account string
	}{
		{in: "fn", ok: true, name: "fn"},
		{in: "fn:$LATEST", ok: true, name: "fn", qualifier: "$LATEST"},
		{in: "fn:prod", ok: true, name: "fn", qualifier: "prod"},
		{in: "fn:7", ok: true, name: "fn", qualifier: "7"},
		{in: "my-fn_2.x", ok: true, name: "my-fn_2.x"},
		{in: "123456789012:function:fn", ok: true, name: "fn", account: "123456789012"},
		{in: "123456789012:function:fn:$LATEST", ok: true, name: "fn", qualifier: "$LATEST", account: "123456789012"},
		{in: "arn:aws:lambda:us-east-1:123456789012:function:fn", ok: true, name: "fn",
			partition: "aws", region: "us-east-1", account: "123456789012"},
		{in: "arn:aws:lambda:us-east-1:123456789012:function:fn:prod", ok: true, name: "fn", qualifier: "prod",
			partition: "aws", region: "us-east-1", account: "123456789012"},
		{in: "arn:aws:lambda:{region}:{account}:function:fn:$LATEST", ok: true, name: "fn", qualifier: "$LATEST",
			partition: "aws", region: "{region}", account: "{account}"},
		{in: "arn:aws-cn:lambda:cn-north-1:123456789012:function:fn", ok: true, name: "fn",
			partition: "aws-cn", region: "cn-north-1", account: "123456789012"},
		{in: ""},
		{in: "bad name"},
		{in: "fn:bad qualifier"},
		{in: "fn:a:b"},
		{in: "123456789012:function:"},
		{in: "123456789012:function:fn:1:2"},
		{in: "arn:aws:lambda:us-east-1:123456789012:function:"},
		{in: "arn:aws:lambda:us-east-1:123456789012:layer:fn"},
		{in: "arn:aws:states:::lambda:invoke"},
		{in: "arn:aws:s3:::bucket"},
		{in: "arn:other:lambda:us-east-1:123456789012:function:fn"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			fn, ok := parseFunction(tt.in)
			require.Equal(t, tt.ok, ok)
			if ok {
				assert.Equal(t, functionRef{partition: tt.partition, region: tt.region, account: tt.account,
					name: tt.name, qualifier: tt.qualifier}, fn)
			}
		})
	}
}

// TestFunctionNames registers a function under one form of its name and calls it under every other form,
// through both Lambda resources.
func TestFunctionNames(t *testing.T) {
	forms := []string{
		"fn",
		"fn:$LATEST",
		"fn:prod",
		"123456789012:function:fn",
		"123456789012:function:fn:1",
		"arn:aws:lambda:us-east-1:123456789012:function:fn",
		"arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST",
		"arn:aws:lambda:{region}:{account}:function:fn:$LATEST",
		"arn:aws-us-gov:lambda:us-gov-west-1:210987654321:function:fn",
	}
	for _, registered := range forms {
		r := NewRegistry()
		r.Lambda(registered, returns("called"))
		for _, called := range forms {
			t.Run(registered+" called as "+called, func(t *testing.T) {
				got, err := invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": called})
				require.NoError(t, err)
				assert.Equal(t, "called", got.(map[string]any)["Payload"])
				if strings.HasPrefix(called, "arn:") {
					got, err = invoke(t, r, called, "S", nil)
					require.NoError(t, err)
					assert.Equal(t, "called", got)
				}
			})
		}
	}
}

func TestFunctionNotFound(t *testing.T) {
	causeRE := func(arn string) *regexp.Regexp {
		return regexp.MustCompile(`^Function not found: ` + regexp.QuoteMeta(arn) +
			` \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)$`)
	}
	tests := []struct {
		name, resource string
		input          any
		arn            string
	}{
		{"lambda:invoke, bare name: the execution's region and account, $LATEST", lambdaInvoke,
			map[string]any{"FunctionName": "nope"}, "arn:aws:lambda:eu-west-1:111111111111:function:nope:$LATEST"},
		{"lambda:invoke, qualified", lambdaInvoke,
			map[string]any{"FunctionName": "nope:prod"}, "arn:aws:lambda:eu-west-1:111111111111:function:nope:prod"},
		{"lambda:invoke, Qualifier parameter", lambdaInvoke,
			map[string]any{"FunctionName": "nope", "Qualifier": "3"}, "arn:aws:lambda:eu-west-1:111111111111:function:nope:3"},
		{"lambda:invoke, full ARN keeps its region and account", lambdaInvoke,
			map[string]any{"FunctionName": "arn:aws:lambda:us-west-2:222222222222:function:nope"},
			"arn:aws:lambda:us-west-2:222222222222:function:nope:$LATEST"},
		{"lambda:invoke, placeholders take the execution's", lambdaInvoke,
			map[string]any{"FunctionName": "arn:aws:lambda:{region}:{account}:function:nope:$LATEST"},
			"arn:aws:lambda:eu-west-1:111111111111:function:nope:$LATEST"},
		{"legacy ARN", "arn:aws:lambda:us-east-1:123456789012:function:nope", map[string]any{},
			"arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := invoke(t, NewRegistry(), tt.resource, "S", tt.input)
			fe := requireFailure(t, err)
			assert.Equal(t, "Lambda.ResourceNotFoundException", fe.Name)
			assert.Regexp(t, causeRE(tt.arn), fe.Cause)
		})
	}
}

func TestExecutionRegionAccountDefaults(t *testing.T) {
	region, account := executionRegionAccount(nil)
	assert.Equal(t, "us-east-1", region)
	assert.Equal(t, "123456789012", account)
}

func TestLambdaInvokeWithoutFunctionName(t *testing.T) {
	// Workflow 002 runs lambda:invoke tasks without FunctionName; a state binding serves them as the function.
	r := NewRegistry()
	r.State("CheckInventory", HandlerFunc(func(_ context.Context, call *Call) (any, error) {
		return map[string]any{"ItemStock": int64(20), "event": call.Input}, nil
	}))
	got, err := invoke(t, r, lambdaInvoke, "CheckInventory", map[string]any{"Payload": map[string]any{"bookId": "343222"}})
	require.NoError(t, err)
	env := got.(map[string]any)
	assert.Equal(t, map[string]any{"ItemStock": int64(20), "event": map[string]any{"bookId": "343222"}}, env["Payload"])
	assert.Equal(t, "$LATEST", env["ExecutedVersion"])
	assert.Equal(t, int64(200), env["StatusCode"])

	for _, input := range []any{map[string]any{"Payload": 1}, map[string]any{"FunctionName": 7}, "not an object"} {
		_, err = invoke(t, r, lambdaInvoke, "Unbound", input)
		fe := requireFailure(t, err)
		assert.Equal(t, failure.Runtime, fe.Name)
		assert.Equal(t, `The state "Unbound" invokes arn:aws:states:::lambda:invoke without a FunctionName string in its `+
			`parameters, and no handler is bound to the state (key "state:Unbound" in the handler file)`, fe.Cause)
	}
}

func TestLambdaInvokePayload(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", echo)
	tests := []struct {
		name    string
		payload any
		absent  bool
		want    any
	}{
		{name: "absent arrives as {}", absent: true, want: map[string]any{}},
		{name: "null arrives as {}", payload: nil, want: map[string]any{}},
		{name: "an object", payload: map[string]any{"a": int64(1)}, want: map[string]any{"a": int64(1)}},
		{name: "a JSON string is the request body", payload: `{"a":[1,2.5]}`, want: map[string]any{"a": []any{int64(1), 2.5}}},
		{name: "a JSON string literal", payload: `"HelloWorld"`, want: "HelloWorld"},
		{name: "other strings are sent as strings", payload: "hello", want: "hello"},
		{name: "a number", payload: int64(3), want: int64(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := map[string]any{"FunctionName": "fn", "Payload": tt.payload}
			if tt.absent {
				delete(input, "Payload")
			}
			got, err := invoke(t, r, lambdaInvoke, "S", input)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.(map[string]any)["Payload"])
		})
	}
	// A legacy ARN's event is the effective input, whatever it holds.
	got, err := invoke(t, r, "arn:aws:lambda:us-east-1:123456789012:function:fn", "S", map[string]any{"Payload": nil})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"Payload": nil}, got)
}

func TestLambdaInvokeEnvelope(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", returns(map[string]any{"ok": true}))
	clock := interpreter.NewVirtualClock(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	got, err := r.Invoke(context.Background(), &interpreter.TaskRequest{
		Resource: lambdaInvoke, Input: map[string]any{"FunctionName": "fn:5"}, Clock: clock})
	require.NoError(t, err)
	env := got.(map[string]any)
	assert.Equal(t, "5", env["ExecutedVersion"], "a version qualifier is the executed version")
	meta := env["SdkHttpMetadata"].(map[string]any)
	headers := meta["HttpHeaders"].(map[string]any)
	assert.Equal(t, "Fri, 01 Mar 2024 12:00:00 GMT", headers["Date"], "the date comes from the execution's clock")
	assert.Equal(t, "11", headers["Content-Length"], `len({"ok":true})`)
	assert.Equal(t, "5", headers["X-Amz-Executed-Version"])
	assert.Regexp(t, `^Root=1-65e1c340-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$`, headers["X-Amzn-Trace-Id"])
	assert.Equal(t, []any{"5"}, meta["AllHttpHeaders"].(map[string]any)["X-Amz-Executed-Version"])

	// An alias resolves to a version that does not exist locally.
	got, err = invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "fn", "Qualifier": "prod"})
	require.NoError(t, err)
	assert.Equal(t, "$LATEST", got.(map[string]any)["ExecutedVersion"])
}

func TestLambdaInvokeInvocationType(t *testing.T) {
	calls := 0
	r := NewRegistry()
	r.Lambda("fn", HandlerFunc(func(context.Context, *Call) (any, error) {
		calls++
		return nil, Fail("Boom", "ignored by Event")
	}))

	got, err := invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "fn", "InvocationType": "Event"})
	require.NoError(t, err, "an asynchronous invocation does not see the function's error")
	assert.Equal(t, 1, calls)
	env := got.(map[string]any)
	assert.Equal(t, int64(http.StatusAccepted), env["StatusCode"])
	assert.Equal(t, "", env["Payload"])
	assert.NotContains(t, env, "ExecutedVersion")
	assert.Equal(t, "0", env["SdkHttpMetadata"].(map[string]any)["HttpHeaders"].(map[string]any)["Content-Length"])

	got, err = invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "fn", "InvocationType": "DryRun"})
	require.NoError(t, err)
	assert.Equal(t, 1, calls, "a dry run does not run the function")
	assert.Equal(t, int64(http.StatusNoContent), got.(map[string]any)["StatusCode"])

	_, err = invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "fn", "InvocationType": "Sometimes"})
	fe := requireFailure(t, err)
	assert.Equal(t, "Lambda.AWSLambdaException", fe.Name)
	assert.Regexp(t, `^1 validation error detected: Value 'Sometimes' at 'invocationType' failed to satisfy constraint: `+
		`Member must satisfy enum value set: \[Event, RequestResponse, DryRun\] \(Service: AWSLambda; Status Code: 400; `+
		`Error Code: ValidationException; Request ID: [0-9a-f-]{36}; Proxy: null\)$`, fe.Cause)
}

func TestLambdaInvokeRequestErrors(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", echo)
	tests := []struct {
		name      string
		input     map[string]any
		wantError string
		wantCause string
	}{
		{"malformed FunctionName", map[string]any{"FunctionName": "no such/name"}, "Lambda.AWSLambdaException",
			`^1 validation error detected: Value 'no such/name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: .* \(Service: AWSLambda; Status Code: 400; Error Code: ValidationException; .*\)$`},
		{"malformed Qualifier", map[string]any{"FunctionName": "fn", "Qualifier": "a b"}, "Lambda.AWSLambdaException",
			`^1 validation error detected: Value 'a b' at 'qualifier' failed to satisfy constraint: .*`},
		{"two qualifiers", map[string]any{"FunctionName": "fn:1", "Qualifier": "2"}, "Lambda.InvalidParameterValueException",
			`^The derived qualifier from the function name does not match the specified qualifier\. \(Service: AWSLambda; Status Code: 400; Error Code: InvalidParameterValueException; .*\)$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := invoke(t, r, lambdaInvoke, "S", tt.input)
			fe := requireFailure(t, err)
			assert.Equal(t, tt.wantError, fe.Name)
			assert.Regexp(t, tt.wantCause, fe.Cause)
		})
	}
}

func TestLambdaWaitForTaskTokenSubmitsTheEnvelope(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", echo)
	got, err := invoke(t, r, lambdaInvoke+".waitForTaskToken", "S", map[string]any{"FunctionName": "fn", "Payload": "1"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.(map[string]any)["Payload"])
}

func TestFail(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", HandlerFunc(func(context.Context, *Call) (any, error) {
		return nil, Fail("PaymentError", `card "4242" <declined>`)
	}))
	const goRuntime = `{"errorMessage":"card \"4242\" \u003cdeclined\u003e","errorType":"PaymentError"}`

	_, err := invoke(t, r, "arn:aws:lambda:us-east-1:123456789012:function:fn", "S", nil)
	fe := requireFailure(t, err)
	assert.Equal(t, "PaymentError", fe.Name)
	assert.Equal(t, goRuntime, fe.Cause, "a legacy ARN keeps the runtime's text")

	_, err = invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "fn"})
	fe = requireFailure(t, err)
	assert.Equal(t, "PaymentError", fe.Name)
	assert.Equal(t, `{"errorMessage":"card \"4242\" <declined>","errorType":"PaymentError"}`, fe.Cause,
		"lambda:invoke re-serialises it")
}

func TestCompactJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Python separators go, key order stays",
			`{"errorMessage": "m", "errorType": "E", "a": [1, 2.50, true, null, {}]}`,
			`{"errorMessage":"m","errorType":"E","a":[1,2.50,true,null,{}]}`},
		{"escapes as Jackson writes them",
			`{"s": "\u00e9 \/ \n\t\u0001 \"q\" \\ \ud83d\ude00"}`,
			"{\"s\":\"é / \\n\\t\\u0001 \\\"q\\\" \\\\ \U0001F600\"}"},
		{"control characters in upper-case hex", `["\u001f"]`, `["\u001F"]`},
		{"short escapes", `"\b\f\r"`, `"\b\f\r"`},
		{"a key that does not close", `{"a`, `{"a`},
		{"not JSON stays", `Task timed out after 3.00 seconds`, `Task timed out after 3.00 seconds`},
		{"trailing text stays", `{"a":1} extra`, `{"a":1} extra`},
		{"truncated JSON stays", `{"a": [1, 2`, `{"a": [1, 2`},
		{"empty stays", ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, compactJSON(tt.in))
		})
	}
}

func TestLambdaInvokeHandlerFaults(t *testing.T) {
	r := NewRegistry()
	r.Lambda("chan", returns(make(chan int)))
	_, err := invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "chan"})
	assert.ErrorContains(t, err, "cannot be serialised to JSON")

	// An asynchronous invocation still reports that the execution was cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	r.Lambda("cancels", HandlerFunc(func(context.Context, *Call) (any, error) {
		cancel()
		return nil, nil
	}))
	_, err = r.Invoke(ctx, &interpreter.TaskRequest{Resource: lambdaInvoke,
		Input: map[string]any{"FunctionName": "cancels", "InvocationType": "Event"}})
	assert.ErrorIs(t, err, context.Canceled)
}
