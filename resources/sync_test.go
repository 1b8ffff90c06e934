package resources

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

func TestSyncStubLoadErrors(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"not a modelled job", `{"arn:aws:states:::ecs:runTask": {"sync": {"submit": {}, "status": [{}]}}}`,
			`"sync" answers the .sync jobs aslrun models, and "arn:aws:states:::ecs:runTask" is none (arn:aws:states:::athena:startQueryExecution.sync, `},
		{"a function", `{"fn": {"sync": {"submit": {}, "status": [{}]}}}`, `"sync" answers .sync jobs, not Lambda functions`},
		{"not an object", `{"state:S": {"sync": true}}`, `"sync" must be an object {"submit": RESPONSE, "status": [RESPONSE, ...]}, not a boolean`},
		{"unknown key", `{"state:S": {"sync": {"submit": {}, "status": [{}], "statuses": []}}}`, `"sync": unknown key "statuses"`},
		{"no submit", `{"state:S": {"sync": {"status": [{}]}}}`, `"sync": "submit" must be the submitting call's response, an object, not null`},
		{"empty status", `{"state:S": {"sync": {"submit": {}, "status": []}}}`, `"sync": "status" must be a non-empty array`},
		{"a status not an object", `{"state:S": {"sync": {"submit": {}, "status": [{}, "STOPPED"]}}}`, `"sync": "status"[1] must be the describe call's response, an object, not a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHandlers([]byte(tt.file))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A sync stub bound to a state serves the state's .sync resource, each invocation from the first status
// on; a resource that is no modelled job is a States.Runtime naming the ones that are.
func TestSyncStubByState(t *testing.T) {
	r, err := ParseHandlers([]byte(`{"state:Run": {"sync": {"submit": {"JobId": "1"},
		"status": [{"Jobs": [{"Status": "RUNNING"}]}, {"Jobs": [{"Status": "SUCCEEDED", "n": 2}]}]}}}`))
	require.NoError(t, err)
	for range 2 {
		out, err := syncInvoke(r, "arn:aws:states:::batch:submitJob.sync", "Run")
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"Status": "SUCCEEDED", "n": int64(2)}, out)
	}
	_, err = syncInvoke(r, "arn:aws:states:::batch:submitJob", "Run")
	fe := requireFailure(t, err)
	assert.Equal(t, failure.Runtime, fe.Name)
	assert.Contains(t, fe.Cause, `the resource "arn:aws:states:::batch:submitJob" of the state "Run" is not a .sync job aslrun models`)
}

// SyncHandler makes its calls through the caller it is given, in Step Functions' names.
func TestSyncHandlerCaller(t *testing.T) {
	c := &recordingCaller{answers: []any{
		map[string]any{"Tasks": []any{map[string]any{"TaskArn": "t", "ClusterArn": "c"}}},
		map[string]any{"Tasks": []any{map[string]any{"LastStatus": "STOPPED", "Containers": []any{map[string]any{"ExitCode": int64(3)}}}}},
	}}
	r := NewRegistry()
	r.Resource("arn:aws:states:::ecs:runTask.sync", SyncHandler(c))
	_, err := syncInvoke(r, "arn:aws:states:::ecs:runTask.sync", "S")
	assert.Equal(t, failure.TaskFailed, requireFailure(t, err).Name)
	assert.Equal(t, []string{"ecs runTask", "ecs describeTasks"}, c.calls)
	assert.True(t, SyncJob("arn:aws:states:::ecs:runTask.sync"))
	assert.False(t, SyncJob("arn:aws:states:::ecs:runTask"))
}

type recordingCaller struct {
	answers []any
	calls   []string
}

func (c *recordingCaller) Call(_ context.Context, service, action string, _ any) (any, error) {
	c.calls = append(c.calls, service+" "+action)
	return c.answers[len(c.calls)-1], nil
}

func syncInvoke(r *Registry, resource, state string) (any, error) {
	clock := interpreter.NewVirtualClock(time.Now())
	defer clock.Hold()()
	return r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: resource, StateName: state,
		Input: map[string]any{}, Clock: clock})
}

// invokeWith invokes a resource with the given parameters on a virtual clock.
func invokeWith(r *Registry, resource string, params map[string]any) (any, error) {
	clock := interpreter.NewVirtualClock(time.Now())
	defer clock.Hold()()
	return r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: resource, StateName: "S", Input: params, Clock: clock})
}

// A .sync job nothing serves fails as any unbound service call does (States.Runtime), and says how a sync
// stub or an endpoint answers it.
func TestSyncJobUnbound(t *testing.T) {
	_, err := syncInvoke(NewRegistry(), "arn:aws:states:::glue:startJobRun.sync", "Etl")
	fe := requireFailure(t, err)
	assert.Equal(t, failure.Runtime, fe.Name)
	assert.Contains(t, fe.Cause, `--endpoint glue=URL`)
	assert.Contains(t, fe.Cause, `"arn:aws:states:::glue:startJobRun.sync" or "state:Etl"`)
	assert.Contains(t, fe.Cause, `{"sync": {"submit": RESPONSE, "status": [RESPONSE, ...]}} answers this .sync job's calls`)
}
