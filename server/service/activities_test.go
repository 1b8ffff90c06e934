package service

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
)

// newTestService is a service over a memory store on the real clock.
func newTestService(t testing.TB, opts Options) *Service {
	t.Helper()
	opts.Store = memory.New()
	opts.PollTimeout = 3 * time.Second
	s, err := New(opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// awaitSucceeded waits until the execution has SUCCEEDED.
func awaitSucceeded(t *testing.T, s *Service, arn string, within time.Duration) {
	t.Helper()
	require.Eventually(t, func() bool {
		d, err := s.DescribeExecution(context.Background(), &DescribeExecutionInput{ExecutionArn: arn})
		require.NoError(t, err)
		return d.Status == store.Succeeded
	}, within, 2*time.Millisecond)
}

// TestActivityTasksAreRows: an activity Task queues a store row; GetActivityTask claims it, the Task sees
// its worker; once answered the row is closed, so no worker takes it again.
func TestActivityTasksAreRows(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, Options{})
	act, err := s.CreateActivity(ctx, &CreateActivityInput{Name: "approve"})
	require.NoError(t, err)
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + act.ActivityArn + `","End":true}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"n":1}`})
	require.NoError(t, err)

	task, err := s.GetActivityTask(ctx, &GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: "w1"})
	require.NoError(t, err)
	require.NotEmpty(t, task.TaskToken)
	assert.JSONEq(t, `{"n":1}`, task.Input)
	_, err = s.SendTaskSuccess(ctx, &SendTaskSuccessInput{TaskToken: task.TaskToken, Output: `{"ok":true}`})
	require.NoError(t, err)
	awaitSucceeded(t, s, run.ExecutionArn, 20*time.Second) // generous: it failed at 5 s on a machine with load 18

	h, err := s.History(ctx, run.ExecutionArn)
	require.NoError(t, err)
	var started struct {
		Details struct {
			WorkerName string `json:"workerName"`
		} `json:"activityStartedEventDetails"`
	}
	require.NoError(t, json.Unmarshal(h[3], &started))
	assert.Equal(t, "w1", started.Details.WorkerName)
	again, err := s.store.ClaimActivityTask(ctx, act.ActivityArn, "w2")
	require.NoError(t, err)
	assert.Nil(t, again, "an answered task is closed")
}

// TestActivityTaskFromAnotherProcess: a long poll takes a task that another process sharing the store
// queued, within its look-again interval.
func TestActivityTaskFromAnotherProcess(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, Options{})
	act, err := s.CreateActivity(ctx, &CreateActivityInput{Name: "elsewhere"})
	require.NoError(t, err)
	e := &store.Execution{Arn: s.arn(DefaultRegion, arnExecution, "m", "e"), StateMachineArn: s.arn(DefaultRegion, arnStateMachine, "m"), Name: "e",
		Status: store.Running, Input: "{}", StartDate: s.now()}
	e, err = s.store.CreateExecution(ctx, e, nil)
	require.NoError(t, err)
	go func() {
		time.Sleep(100 * time.Millisecond)
		_ = s.store.Commit(ctx, store.Step{Execution: e, ActivityTasks: []store.ActivityTask{{Token: "AQ-other", ActivityArn: act.ActivityArn,
			ExecutionArn: e.Arn, Input: `{"from":"elsewhere"}`, Status: store.TaskScheduled, Created: s.now()}}})
	}()
	task, err := s.GetActivityTask(ctx, &GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: "w"})
	require.NoError(t, err)
	assert.Equal(t, "AQ-other", task.TaskToken)
	assert.JSONEq(t, `{"from":"elsewhere"}`, task.Input)
}

// TestStoppedParkedActivityIsClosed: stopping an execution parked on an activity task closes the task, so
// that no worker takes it any more.
func TestStoppedParkedActivityIsClosed(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, Options{})
	act, err := s.CreateActivity(ctx, &CreateActivityInput{Name: "approve"})
	require.NoError(t, err)
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + act.ActivityArn + `","End":true}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{}`})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return parkedCount(s) == 0 }, 5*time.Second, time.Millisecond, "parked")
	_, err = s.StopExecution(ctx, &StopExecutionInput{ExecutionArn: run.ExecutionArn})
	require.NoError(t, err)
	task, err := s.store.ClaimActivityTask(ctx, act.ActivityArn, "w")
	require.NoError(t, err)
	assert.Nil(t, task, "the stopped execution's task is closed")
}
