package service

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// firstCallFails is an invoker whose Tasks fail on their first call when their input says "fail": true,
// counting the calls by state name and input.
type firstCallFails struct {
	mu    sync.Mutex
	calls map[string]int
}

func (f *firstCallFails) Invoke(_ context.Context, req *interpreter.TaskRequest) (any, error) {
	key := req.StateName
	in, _ := value.AsMap(req.Input)
	if n, ok := in["n"]; ok {
		key += "/" + string(must(json.Marshal(n)))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[key]++
	if in["fail"] == true && f.calls[key] == 1 {
		return nil, failure.New("Boom", "the first call of "+key)
	}
	return map[string]any{"ok": key}, nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// awaitStatus waits until the execution has the status.
func awaitStatus(t *testing.T, s *Service, arn, status string) *DescribeExecutionOutput {
	t.Helper()
	var d *DescribeExecutionOutput
	require.Eventually(t, func() bool {
		var err error
		d, err = s.DescribeExecution(context.Background(), &DescribeExecutionInput{ExecutionArn: arn})
		require.NoError(t, err)
		return d.Status == status
	}, 20*time.Second, 5*time.Millisecond, "%s is not %s", arn, status)
	return d
}

// The api issue's Done-when: a machine whose second Task failed is redriven after the cause is fixed: it
// succeeds, redriveCount 1, and the first Task ran once in total; the history goes on with
// ExecutionRedriven; a redrive of what succeeded is refused; the same client token answers again.
func TestRedriveExecution(t *testing.T) {
	ctx := context.Background()
	inv := &firstCallFails{calls: map[string]int{}}
	s := newTestService(t, Options{Invoker: inv})
	task := `"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"`
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"A","States":{"A":{` + task + `,"Parameters":{"step":"a"},"ResultPath":"$.a","Next":"B"},
			"B":{` + task + `,"Parameters":{"fail":true},"ResultPath":"$.b","Next":"C"},
			"C":{` + task + `,"Parameters":{"step":"c"},"ResultPath":"$.c","End":true}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"k":1}`})
	require.NoError(t, err)
	d := awaitStatus(t, s, run.ExecutionArn, store.Failed)
	assert.Equal(t, "REDRIVABLE", d.RedriveStatus)
	assert.Equal(t, int64(0), d.RedriveCount)

	out, err := s.RedriveExecution(ctx, &RedriveExecutionInput{ExecutionArn: run.ExecutionArn, ClientToken: "t1"})
	require.NoError(t, err)
	d = awaitStatus(t, s, run.ExecutionArn, store.Succeeded)
	assert.JSONEq(t, `{"k":1,"a":{"ok":"A"},"b":{"ok":"B"},"c":{"ok":"C"}}`, deref(d.Output))
	assert.Equal(t, int64(1), d.RedriveCount)
	assert.Equal(t, "Execution is SUCCEEDED and cannot be redriven", d.RedriveStatusReason)
	redriven, err := s.ListExecutions(ctx, &ListExecutionsInput{StateMachineArn: sm.StateMachineArn, RedriveFilter: "REDRIVEN"})
	require.NoError(t, err)
	require.Len(t, redriven.Executions, 1)
	assert.Equal(t, int64(1), redriven.Executions[0].RedriveCount)
	notRedriven, err := s.ListExecutions(ctx, &ListExecutionsInput{StateMachineArn: sm.StateMachineArn, RedriveFilter: "NOT_REDRIVEN"})
	require.NoError(t, err)
	assert.Empty(t, notRedriven.Executions)
	assert.Equal(t, "NOT_REDRIVABLE", d.RedriveStatus)
	assert.Equal(t, map[string]int{"A": 1, "B": 2, "C": 1}, inv.calls)
	types, _ := historyOf(t, s, run.ExecutionArn)
	assert.Equal(t, []string{"ExecutionStarted",
		"TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
		"TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed", "ExecutionFailed",
		"ExecutionRedriven",
		"TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
		"TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"}, types)

	again, err := s.RedriveExecution(ctx, &RedriveExecutionInput{ExecutionArn: run.ExecutionArn, ClientToken: "t1"})
	require.NoError(t, err, "the same client token answers again")
	assert.Equal(t, out.RedriveDate, again.RedriveDate)
	_, err = s.RedriveExecution(ctx, &RedriveExecutionInput{ExecutionArn: run.ExecutionArn})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeExecutionNotRedrivable, apiErr.Code)
	assert.Contains(t, apiErr.Message, "Execution is SUCCEEDED and cannot be redriven")
}

// TestRedriveStoppedWhileParked: an execution stopped while it waited is redriven from the state it
// waited in.
func TestRedriveStoppedWhileParked(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, Options{})
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "w", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"ResultPath":"$.p","Next":"W"},
			"W":{"Type":"Wait","SecondsPath":"$.wait","Next":"D"},"D":{"Type":"Pass","End":true}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"wait":1}`})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		types, _ := historyOf(t, s, run.ExecutionArn)
		return len(types) > 0 && types[len(types)-1] == "WaitStateEntered"
	}, 5*time.Second, 5*time.Millisecond)
	_, err = s.StopExecution(ctx, &StopExecutionInput{ExecutionArn: run.ExecutionArn})
	require.NoError(t, err)
	awaitStatus(t, s, run.ExecutionArn, store.Aborted)
	_, err = s.RedriveExecution(ctx, &RedriveExecutionInput{ExecutionArn: run.ExecutionArn})
	require.NoError(t, err)
	d := awaitStatus(t, s, run.ExecutionArn, store.Succeeded)
	assert.JSONEq(t, `{"wait":1,"p":1}`, deref(d.Output))
	types, _ := historyOf(t, s, run.ExecutionArn)
	assert.Equal(t, []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "ExecutionAborted",
		"ExecutionRedriven", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}, types)
}

// TestRedriveMapRun: a redriven parent takes up its failed Map Run: children that succeeded keep their
// results, the one that failed is redriven itself, and the Map Run succeeds.
func TestRedriveMapRun(t *testing.T) {
	ctx := context.Background()
	inv := &firstCallFails{calls: map[string]int{}}
	s := newTestService(t, Options{Invoker: inv})
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "dm", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
				"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn,
		Input: `[{"n":1},{"n":2,"fail":true},{"n":3}]`})
	require.NoError(t, err)
	awaitStatus(t, s, run.ExecutionArn, store.Failed)
	_, err = s.RedriveExecution(ctx, &RedriveExecutionInput{ExecutionArn: run.ExecutionArn})
	require.NoError(t, err)
	d := awaitStatus(t, s, run.ExecutionArn, store.Succeeded)
	assert.JSONEq(t, `[{"ok":"T/1"},{"ok":"T/2"},{"ok":"T/3"}]`, deref(d.Output))
	assert.Equal(t, map[string]int{"T/1": 1, "T/2": 2, "T/3": 1}, inv.calls)
	types, mapRunArn := historyOf(t, s, run.ExecutionArn)
	assert.Contains(t, types, "MapRunRedriven")
	m, err := s.DescribeMapRun(ctx, &DescribeMapRunInput{MapRunArn: mapRunArn})
	require.NoError(t, err)
	assert.Equal(t, store.Succeeded, m.Status)
	assert.Equal(t, int64(3), m.ExecutionCounts.Succeeded)
	assert.Equal(t, int64(1), m.RedriveCount)
	assert.False(t, time.Time(m.RedriveDate).IsZero())
}
