package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

// returns is a handler that returns v.
func returns(v any) Handler {
	return HandlerFunc(func(context.Context, *Call) (any, error) { return v, nil })
}

func TestRegistryPriority(t *testing.T) {
	const fnARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
	r := NewRegistry()
	r.Lambda("fn", returns("function"))
	r.Resource(fnARN, returns("resource"))
	r.Resource("arn:aws:states:::sns:publish", returns("sns"))
	r.State("Bound", returns("state"))

	tests := []struct {
		name, state, resource string
		want                  any
	}{
		{"the state binding wins over the resource", "Bound", fnARN, "state"},
		{"the state binding wins for any resource", "Bound", "arn:aws:states:::sqs:sendMessage", "state"},
		{"an exact resource wins over the function", "Other", fnARN, "resource"},
		{"the function serves its other names", "Other", "arn:aws:lambda:eu-west-1:123456789012:function:fn:$LATEST", "function"},
		{"a service resource", "Other", "arn:aws:states:::sns:publish", "sns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: tt.resource, StateName: tt.state})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// A registration after calls changes what serves the next ones: the handlers a resource's route cached
// are looked up again.
func TestRegistryRegistersAfterCalls(t *testing.T) {
	const fnARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
	r := NewRegistry()
	call := func(state string) any {
		t.Helper()
		got, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: fnARN, StateName: state})
		require.NoError(t, err)
		return got
	}
	steps := []struct {
		name     string
		register func()
		state    string
		want     any
	}{
		{"the function", func() { r.Lambda("fn", returns("function")) }, "S", "function"},
		{"the function replaced", func() { r.Lambda("fn", returns("function 2")) }, "S", "function 2"},
		{"the exact resource, registered after", func() { r.Resource(fnARN, returns("resource")) }, "S", "resource"},
		{"a state binding, registered after", func() { r.State("Bound", returns("state")) }, "Bound", "state"},
		{"other states still the resource", func() {}, "S", "resource"},
		{"the resource replaced, with state bindings", func() { r.Resource(fnARN, returns("resource 2")) }, "S", "resource 2"},
	}
	for _, st := range steps {
		st.register()
		assert.Equal(t, st.want, call(st.state), st.name)
		assert.Equal(t, st.want, call(st.state), st.name+", called again")
	}
}

func TestRegistryUnknownResource(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", returns(nil))
	const where = ` in a handler file (--handlers FILE, or NAME.handlers.json beside NAME.asl.json; README: Handler files)`
	tests := []struct{ name, resource, keys string }{
		{"a placeholder", "${NotifyArn}", `"${NotifyArn}" or "state:Notify"`},
		// The key "fn" would bind the Lambda function fn, which does not serve the Resource "fn".
		{"a Resource that is not an ARN is no Lambda function", "fn", `"state:Notify"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: tt.resource, StateName: "Notify"})
			fe := requireFailure(t, err)
			assert.Equal(t, failure.TaskFailed, fe.Name)
			assert.Equal(t, `no handler for the resource "`+tt.resource+`" of the state "Notify": `+
				`bind one under the key `+tt.keys+where, fe.Cause)
		})
	}
}

// TestRegistryUnboundService: an AWS service call that nothing serves is a States.Runtime failure (no Catch
// of States.ALL hides a missing binding) saying every way to bind one.
func TestRegistryUnboundService(t *testing.T) {
	tests := []struct{ resource, want string }{
		{"arn:aws:states:::sqs:sendMessage", `The state 'Notify' calls arn:aws:states:::sqs:sendMessage, which no handler, endpoint or embedded ` +
			`service serves: bind one under the key "arn:aws:states:::sqs:sendMessage" or "state:Notify" in a handler file (--handlers FILE, ` +
			`or NAME.handlers.json beside NAME.asl.json; README: Handler files); or bind the service sqs to an endpoint that answers its API ` +
			`("$endpoints": {"sqs": URL} in the handler file, --endpoint sqs=URL, or AWS_ENDPOINT_URL_SQS); or call AWS itself with ` +
			`{"aws": true} under the key "arn:aws:states:::sqs:sendMessage"`},
		{"arn:aws:states:::aws-sdk:nosuch:getThing", `The state 'Notify' calls arn:aws:states:::aws-sdk:nosuch:getThing, which no handler ` +
			`serves; aslrun's generic call path cannot build this call`},
		{"arn:aws:states:::ecs:runTask.sync", `The state 'Notify' calls arn:aws:states:::ecs:runTask.sync, which no handler, endpoint or embedded service serves: bind one`},
		{"arn:aws:states:::glue:startCrawler.sync", `The state 'Notify' calls arn:aws:states:::glue:startCrawler.sync, which no handler serves: bind one`},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			_, err := NewRegistry().Invoke(context.Background(), &interpreter.TaskRequest{Resource: tt.resource, StateName: "Notify"})
			fe := requireFailure(t, err)
			assert.Equal(t, failure.Runtime, fe.Name)
			assert.Contains(t, fe.Cause, tt.want)
		})
	}
}

func TestRegistryConcurrentUse(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", echo)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			r.State(fmt.Sprint("S", i), returns(i))
		}()
		go func() {
			defer wg.Done()
			got, err := r.Invoke(context.Background(), &interpreter.TaskRequest{
				Resource: lambdaInvoke, StateName: "other", Input: map[string]any{"FunctionName": "fn", "Payload": int64(i)}})
			assert.NoError(t, err)
			assert.Equal(t, int64(i), got.(map[string]any)["Payload"])
		}()
	}
	wg.Wait()
}

func TestRegistryCall(t *testing.T) {
	var got *Call
	r := NewRegistry()
	r.Resource("arn:aws:states:::sns:publish", HandlerFunc(func(_ context.Context, call *Call) (any, error) {
		got = call
		call.Heartbeat() // never nil
		return nil, nil
	}))
	clock := interpreter.RealClock{}
	_, err := r.Invoke(context.Background(), &interpreter.TaskRequest{
		Resource:  "arn:aws:states:::sns:publish",
		Input:     map[string]any{"Message": "hi"},
		StateName: "Notify",
		Token:     "tok",
		Context:   func() map[string]any { return map[string]any{"Task": map[string]any{"Token": "tok"}} },
		Clock:     clock,
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"Message": "hi"}, got.Input)
	assert.Equal(t, "arn:aws:states:::sns:publish", got.Resource)
	assert.Equal(t, "Notify", got.StateName)
	assert.Equal(t, "tok", got.Token)
	assert.Equal(t, map[string]any{"Task": map[string]any{"Token": "tok"}}, got.Context())
	assert.Equal(t, clock, got.Clock)
}

func TestRegistryErrorsPassThrough(t *testing.T) {
	plain := errors.New("disk full")
	r := NewRegistry()
	r.Resource("arn:aws:states:::sns:publish", HandlerFunc(func(context.Context, *Call) (any, error) { return nil, plain }))
	r.Lambda("fn", HandlerFunc(func(context.Context, *Call) (any, error) { return nil, context.Canceled }))

	_, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: "arn:aws:states:::sns:publish"})
	assert.Same(t, plain, err, "the interpreter turns other errors into States.TaskFailed")
	_, err = r.Invoke(context.Background(), &interpreter.TaskRequest{
		Resource: "arn:aws:states:::lambda:invoke", Input: map[string]any{"FunctionName": "fn"}})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestNormalise(t *testing.T) {
	type order struct {
		ID    string `json:"id"`
		Items []int  `json:"items"`
	}
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"generic values stay", map[string]any{"a": []any{int64(1), 1.5, "x", true, nil}}, map[string]any{"a": []any{int64(1), 1.5, "x", true, nil}}},
		{"a Go int becomes int64", 3, int64(3)},
		{"a big number stays", json.Number("123456789012345678901234567890"), json.Number("123456789012345678901234567890")},
		{"a struct goes through its json tags", order{"o-1", []int{1, 2}}, map[string]any{"id": "o-1", "items": []any{int64(1), int64(2)}}},
		{"a typed map", map[string]string{"k": "v"}, map[string]any{"k": "v"}},
		{"nested non-generic values", map[string]any{"n": []int{7}}, map[string]any{"n": []any{int64(7)}}},
		{"non-generic values in an array", []any{int32(7)}, []any{int64(7)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalise(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := normalise(make(chan int))
	assert.ErrorContains(t, err, "cannot be serialised to JSON")
}

func TestRegisterPanics(t *testing.T) {
	r := NewRegistry()
	assert.PanicsWithValue(t, `resources: "bad name" is not a Lambda function name or ARN`, func() { r.Lambda("bad name", returns(nil)) })
	assert.PanicsWithValue(t, `resources: nil handler for "S"`, func() { r.State("S", nil) })
}

// TestInline checks which Tasks the registry answers inline: those whose handler says it answers at once
// (the echo, return and throw stubs, a sequence of them, an InlineFunc), by whatever binding reaches it.
func TestInline(t *testing.T) {
	r, err := ParseHandlers([]byte(`{
		"arn:aws:lambda:us-east-1:123456789012:function:echo": {"echo": true},
		"ret": {"return": 1},
		"boom": {"throw": {"error": "E"}},
		"seq": {"sequence": [{"echo": true}, {"throw": {"error": "E"}}]},
		"seqexec": {"sequence": [{"echo": true}, {"exec": ["true"]}]},
		"ex": {"exec": ["true"]},
		"state:Bound": {"return": 2},
		"arn:aws:states:::sns:publish": {"return": {}}
	}`))
	require.NoError(t, err)
	r.Lambda("gofunc", HandlerFunc(func(context.Context, *Call) (any, error) { return 1, nil }))
	r.Lambda("goinline", InlineFunc(func(context.Context, *Call) (any, error) { return 1, nil }))
	const invoke = "arn:aws:states:::lambda:invoke"
	for _, tt := range []struct {
		name, resource, state string
		input                 any
		inline                bool
	}{
		{"legacy echo", "arn:aws:lambda:us-east-1:123456789012:function:echo", "S", nil, true},
		{"legacy return, other account", "arn:aws:lambda:eu-west-1:111111111111:function:ret:prod", "S", nil, true},
		{"lambda:invoke throw", invoke, "S", map[string]any{"FunctionName": "boom"}, true},
		{"lambda:invoke without FunctionName", invoke, "S", map[string]any{}, false},
		{"lambda:invoke of an unknown function", invoke, "S", map[string]any{"FunctionName": "nope"}, false},
		{"sequence of inline stubs", "arn:aws:lambda:us-east-1:1:function:seq", "S", nil, true},
		{"sequence with exec", "arn:aws:lambda:us-east-1:1:function:seqexec", "S", nil, false},
		{"exec", "arn:aws:lambda:us-east-1:1:function:ex", "S", nil, false},
		{"state binding", "arn:aws:states:::sqs:sendMessage", "Bound", nil, true},
		{"resource binding", "arn:aws:states:::sns:publish", "S", nil, true},
		{"embedded service", "arn:aws:states:::sqs:sendMessage", "S", nil, false},
		{"unknown function", "arn:aws:lambda:us-east-1:1:function:nope", "S", nil, false},
		{"Go HandlerFunc", "arn:aws:lambda:us-east-1:1:function:gofunc", "S", nil, false},
		{"Go InlineFunc", "arn:aws:lambda:us-east-1:1:function:goinline", "S", nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.inline, r.Inline(&interpreter.TaskRequest{Resource: tt.resource, StateName: tt.state, Input: tt.input}))
		})
	}
}
