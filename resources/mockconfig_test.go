package resources_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

func TestParseMockConfigErrors(t *testing.T) {
	tests := []struct{ name, config, err string }{
		{"not json", `{`, "invalid JSON"},
		{"no state machines", `{"MockedResponses":{}}`, "StateMachines must be an object"},
		{"unknown key", `{"StateMachines":{},"Extra":1}`, `unknown top-level key "Extra"`},
		{"missing response", `{"StateMachines":{"M":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{}}`, `no mocked response "R"`},
		{"both return and throw", `{"StateMachines":{},"MockedResponses":{"R":{"0":{"Return":1,"Throw":{"Error":"E"}}}}}`, `exactly one of "Return" or "Throw"`},
		{"gap", `{"StateMachines":{},"MockedResponses":{"R":{"0":{"Return":1},"2":{"Return":2}}}}`, "no gaps"},
		{"bad range", `{"StateMachines":{},"MockedResponses":{"R":{"2-1":{"Return":1}}}}`, "not an invocation number"},
		{"throw without error", `{"StateMachines":{},"MockedResponses":{"R":{"0":{"Throw":{"Cause":"c"}}}}}`, `Throw needs a string "Error"`},
		{"bad expectation", `{"StateMachines":{},"x-aslrun-expect":{"M":{"T":{"status":1}}}}`, "x-aslrun-expect.M.T.status must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := resources.ParseMockConfig([]byte(tt.config))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestMockedWaitForTaskToken(t *testing.T) {
	cfg, err := resources.ParseMockConfig([]byte(`{"StateMachines":{"M":{"TestCases":{"T":{"Wait":"R"}}}},
		"MockedResponses":{"R":{"0":{"Return":{"courier":"Ann"}}}}}`))
	require.NoError(t, err)
	inv, err := cfg.Invoker("M", "T", nil, nil)
	require.NoError(t, err)
	def := `{"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"MessageBody":{"t.$":"$$.Task.Token"}},"Next":"Unmocked"},
		"Unmocked":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`
	res, history := runLogged(t, def, inv)
	require.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, "States.TaskFailed", res.Error)
	assert.Contains(t, res.Cause, `the state "Unmocked" is not mocked in the test case "T"`)
	var submitted bool
	for _, e := range history {
		if e.Kind == interpreter.TaskSucceeded {
			assert.Equal(t, map[string]any{"courier": "Ann"}, e.Output)
		}
		submitted = submitted || e.Kind == interpreter.TaskSubmitted
	}
	assert.True(t, submitted)
	_, err = inv.Invoke(context.Background(), &interpreter.TaskRequest{StateName: "Wait"})
	require.Error(t, err, "a second invocation has no mocked response")
	assert.Contains(t, err.Error(), "defines no invocation 1")
}

// TestMocksAreInline: a mocked state answers from the file, inline; another state as the base invoker does.
func TestMocksAreInline(t *testing.T) {
	cfg, err := resources.ParseMockConfig([]byte(`{"StateMachines":{"M":{"TestCases":{"T":{"Mocked":"R"}}}},
		"MockedResponses":{"R":{"0":{"Return":1}}}}`))
	require.NoError(t, err)
	base, err := resources.ParseHandlers([]byte(`{"echo": {"echo": true}, "ex": {"exec": ["true"]}}`))
	require.NoError(t, err)
	for _, tt := range []struct {
		name, state, resource string
		base                  interpreter.Invoker
		inline                bool
	}{
		{"mocked", "Mocked", "arn:aws:lambda:us-east-1:1:function:ex", base, true},
		{"base echo", "Other", "arn:aws:lambda:us-east-1:1:function:echo", base, true},
		{"base exec", "Other", "arn:aws:lambda:us-east-1:1:function:ex", base, false},
		{"no base", "Other", "arn:aws:lambda:us-east-1:1:function:ex", nil, true},
		{"base not inline", "Other", "arn:aws:lambda:us-east-1:1:function:echo",
			interpreter.InvokerFunc(func(context.Context, *interpreter.TaskRequest) (any, error) { return nil, nil }), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := cfg.Invoker("M", "T", tt.base, nil)
			require.NoError(t, err)
			in, ok := inv.(interpreter.InlineInvoker)
			require.True(t, ok)
			assert.Equal(t, tt.inline, in.Inline(&interpreter.TaskRequest{StateName: tt.state, Resource: tt.resource}))
		})
	}
}
