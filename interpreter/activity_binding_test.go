package interpreter_test

import (
	"context"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

const approveARN = "arn:aws:states:us-east-1:123456789012:activity:approve"

// binder is an Invoker that binds the Tasks of one resource or one state name.
type binder struct {
	resource, state string
	interpreter.InvokerFunc
}

func (b binder) Binds(resource, state string) bool { return resource == b.resource || state == b.state }

func TestBoundActivity(t *testing.T) {
	def := `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + approveARN + `",
		"Parameters":{"amount.$":"$.amount","token.$":"$$.Task.Token"},"TimeoutSeconds":60,"HeartbeatSeconds":20,
		"Catch":[{"ErrorEquals":["Rejected"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
		"Caught":{"Type":"Pass","End":true}}}`
	approve := func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		in, _ := value.AsMap(req.Input)
		if in["token"] == "" || in["token"] != req.Token {
			return nil, failure.New("NoToken", "the activity did not get its task token")
		}
		return map[string]any{"approved": in["amount"]}, nil
	}
	reject := func(context.Context, *interpreter.TaskRequest) (any, error) {
		return nil, failure.New("Rejected", "too much")
	}
	tests := []struct {
		name    string
		inv     interpreter.Invoker
		status  interpreter.Status
		output  string
		errName string
		events  []string
	}{
		{name: "bound by the activity ARN", inv: binder{resource: approveARN, InvokerFunc: approve},
			status: interpreter.Succeed, output: `{"approved":5}`,
			events: []string{"ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited"}},
		{name: "bound by the state name", inv: binder{state: "A", InvokerFunc: approve},
			status: interpreter.Succeed, output: `{"approved":5}`,
			events: []string{"ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited"}},
		{name: "handler error is caught", inv: binder{resource: approveARN, InvokerFunc: reject},
			status: interpreter.Succeed, output: `{"amount":5,"error":{"Error":"Rejected","Cause":"too much"}}`,
			events: []string{"ActivityScheduled", "ActivityStarted", "ActivityFailed", "TaskStateExited", "PassStateEntered"}},
		{name: "HeartbeatSeconds applies", inv: binder{resource: approveARN, InvokerFunc: blocking(0, 0).(interpreter.InvokerFunc)},
			status: interpreter.Failed, errName: failure.HeartbeatTimeout,
			events: []string{"ActivityScheduled", "ActivityStarted", "ActivityTimedOut"}},
		{name: "not bound: waits for a worker", inv: binder{resource: "arn:aws:states:us-east-1:123456789012:activity:other", InvokerFunc: approve},
			status: interpreter.Failed, errName: failure.HeartbeatTimeout,
			events: []string{"ActivityScheduled", "ActivityTimedOut"}},
		{name: "not a Binder: waits for a worker", inv: interpreter.InvokerFunc(approve),
			status: interpreter.Failed, errName: failure.HeartbeatTimeout,
			events: []string{"ActivityScheduled", "ActivityTimedOut"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, history := runLogged(t, def, `{"amount":5}`, tt.inv)
			require.Equal(t, tt.status, res.Status, "%s: %s", res.Error, res.Cause)
			assert.Equal(t, tt.errName, res.Error)
			if tt.output != "" {
				assert.JSONEq(t, tt.output, oj.JSON(res.Output))
			}
			types := eventTypes(history)
			require.GreaterOrEqual(t, len(types), 2+len(tt.events), "%v", types)
			assert.Equal(t, tt.events, types[2:2+len(tt.events)])
			b, err := history[2].MarshalJSON()
			require.NoError(t, err)
			assert.Contains(t, string(b), `"timeoutInSeconds":60`)
			assert.Contains(t, string(b), `"heartbeatInSeconds":20`)
			if types[3] == "ActivityStarted" {
				b, err := history[3].MarshalJSON()
				require.NoError(t, err)
				assert.Contains(t, string(b), `"activityStartedEventDetails":{"workerName":"aslrun"}`)
			}
			if tt.errName == failure.HeartbeatTimeout {
				assert.Equal(t, 20*time.Second, res.StopDate.Sub(res.StartDate))
			}
		})
	}
}
