package resources_test

import (
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

const approveARN = "arn:aws:states:us-east-1:123456789012:activity:approve"

// approveDef runs the activity approveARN in the state Approve, catching Rejected.
const approveDef = `{"StartAt":"Approve","States":{"Approve":{"Type":"Task","Resource":"` + approveARN + `",
	"TimeoutSeconds":60,"Catch":[{"ErrorEquals":["Rejected"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
	"Caught":{"Type":"Pass","End":true}}}`

func TestRegistryBinds(t *testing.T) {
	r := resources.NewRegistry()
	require.NoError(t, r.AddHandlers("h.json", []byte(`{"`+approveARN+`": {"return": 1}, "state:Review": {"return": 2}, "fn": {"return": 3}}`)))
	tests := []struct {
		name, resource, state string
		binds                 bool
	}{
		{"the exact resource", approveARN, "Any", true},
		{"the state name", "arn:aws:states:us-east-1:123456789012:activity:review", "Review", true},
		{"another activity", "arn:aws:states:us-east-1:123456789012:activity:other", "Other", false},
		{"the same activity name elsewhere", "arn:aws:states:eu-west-1:123456789012:activity:approve", "Other", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.binds, r.Binds(tt.resource, tt.state))
		})
	}
}

func TestActivityHandlers(t *testing.T) {
	tests := []struct {
		name, handlers string
		output         string
		events         []string
	}{
		{"bound by the activity ARN", `{"` + approveARN + `": {"return": {"approved": true}}}`, `{"approved":true}`,
			[]string{"ActivityScheduled", "ActivityStarted", "ActivitySucceeded"}},
		{"bound by the state name", `{"state:Approve": {"return": {"approved": "by state"}}}`, `{"approved":"by state"}`,
			[]string{"ActivityScheduled", "ActivityStarted", "ActivitySucceeded"}},
		{"a thrown error is caught", `{"` + approveARN + `": {"throw": {"error": "Rejected", "cause": "too much"}}}`,
			`{"error":{"Error":"Rejected","Cause":"too much"}}`, []string{"ActivityScheduled", "ActivityStarted", "ActivityFailed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := resources.ParseHandlers([]byte(tt.handlers))
			require.NoError(t, err)
			res, history := runLogged(t, approveDef, r)
			require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
			assert.JSONEq(t, tt.output, oj.JSON(res.Output))
			assert.Equal(t, tt.events, activityEvents(history))
		})
	}
}

func TestMockedActivity(t *testing.T) {
	cfg, err := resources.ParseMockConfig([]byte(`{"StateMachines":{"M":{"TestCases":{
		"Approved":{"Approve":"OK"},"Rejected":{"Approve":"No"},"Unmocked":{}}}},
		"MockedResponses":{"OK":{"0":{"Return":{"approved":true}}},"No":{"0":{"Throw":{"Error":"Rejected","Cause":"too much"}}}}}`))
	require.NoError(t, err)
	base, err := resources.ParseHandlers([]byte(`{"state:Review": {"return": 1}}`))
	require.NoError(t, err)
	tests := []struct {
		testCase string
		status   interpreter.Status
		errName  string
		output   string
		events   []string
	}{
		{"Approved", interpreter.Succeed, "", `{"approved":true}`, []string{"ActivityScheduled", "ActivityStarted", "ActivitySucceeded"}},
		{"Rejected", interpreter.Succeed, "", `{"error":{"Error":"Rejected","Cause":"too much"}}`,
			[]string{"ActivityScheduled", "ActivityStarted", "ActivityFailed"}},
		// Neither the mock nor its base binds the activity: it waits for a worker that never comes.
		{"Unmocked", interpreter.Failed, "States.Timeout", "", []string{"ActivityScheduled", "ActivityTimedOut"}},
	}
	for _, tt := range tests {
		t.Run(tt.testCase, func(t *testing.T) {
			inv, err := cfg.Invoker("M", tt.testCase, base, nil)
			require.NoError(t, err)
			b, ok := inv.(interpreter.Binder)
			require.True(t, ok, "a mock invoker is a Binder")
			assert.True(t, b.Binds("arn:aws:states:us-east-1:123456789012:activity:review", "Review"), "the base's bindings count")

			res, history := runLogged(t, approveDef, inv)
			require.Equal(t, tt.status, res.Status, "%s: %s", res.Error, res.Cause)
			assert.Equal(t, tt.errName, res.Error)
			if tt.output != "" {
				assert.JSONEq(t, tt.output, oj.JSON(res.Output))
			}
			assert.Equal(t, tt.events, activityEvents(history))
		})
	}
}

// activityEvents are the types of an execution's Activity* events, in order.
func activityEvents(history []interpreter.Event) []string {
	var types []string
	for _, e := range history {
		if strings.HasPrefix(e.Type(), "Activity") {
			types = append(types, e.Type())
		}
	}
	return types
}
