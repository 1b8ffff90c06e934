package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

func testCommit(t *testing.T, s store.Store) {
	e := create(t, s, "m", "e")
	e.Status, e.Output, e.Error, e.Cause = store.Failed, ptr(`{"r":1}`), ptr("States.TaskFailed"), ptr("boom")
	e.StopDate, e.Checkpoint = t0.Add(time.Second), []byte("checkpoint-1")
	// Immutable fields are not the step's to change.
	e.Input, e.Name, e.StateMachineArn, e.Definition, e.StartDate, e.Express = "{}", "renamed", "other", "{}", t0.Add(time.Hour), true
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(2, 3)}))
	require.Equal(t, int64(2), e.Version)

	want := Execution("m", "e")
	want.Status, want.Output, want.Error, want.Cause = store.Failed, ptr(`{"r":1}`), ptr("States.TaskFailed"), ptr("boom")
	want.StopDate, want.Checkpoint, want.Version, want.LastEvent = t0.Add(time.Second), []byte("checkpoint-1"), 2, 4
	got, err := s.GetExecution(ctx(), want.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got)
	evs, _, err := s.History(ctx(), e.Arn, store.Page{}, false)
	require.NoError(t, err)
	require.Len(t, evs, 4)

	// A step may carry no events: a token answered, a checkpoint refreshed.
	got.Status, got.Output, got.Error, got.Cause, got.StopDate = store.Running, nil, nil, nil, time.Time{}
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: got}))
	got, _ = s.GetExecution(ctx(), e.Arn)
	require.Equal(t, int64(3), got.Version)
	require.Nil(t, got.Output, "Output can be cleared, as a redrive does")
	require.Nil(t, got.Error)
	require.True(t, got.StopDate.IsZero())
}

func testCommitRejects(t *testing.T, s store.Store) {
	e := create(t, s, "m", "e")
	other := create(t, s, "m", "other")
	stale := *e
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(2, 1)}))

	cases := []struct {
		name string
		step store.Step
		err  error
	}{
		{"stale version", store.Step{Execution: &stale, Events: Events(3, 1)}, store.ErrConflict},
		{"future version", store.Step{Execution: withVersion(e, 9)}, store.ErrConflict},
		{"unknown execution", store.Step{Execution: Execution("m", "missing")}, store.ErrNotFound},
		{"no execution", store.Step{}, store.ErrInvalid},
		{"gap", store.Step{Execution: e, Events: Events(4, 1)}, store.ErrInvalid},
		{"repeat", store.Step{Execution: e, Events: Events(2, 1)}, store.ErrInvalid},
		{"out of order", store.Step{Execution: e, Events: append(Events(4, 1), Events(3, 1)...)}, store.ErrInvalid},
		{"another execution's event", store.Step{Execution: e, Events: []store.Event{{ExecutionArn: other.Arn, ID: 3}}}, store.ErrInvalid},
		{"timer of unknown execution", store.Step{Execution: e, SetTimers: []store.Timer{timer("nope", "wait", t0)}}, store.ErrNotFound},
		{"token of unknown execution", store.Step{Execution: e, Tokens: []store.Token{{Token: "t", ExecutionArn: "nope"}}}, store.ErrNotFound},
		{"task of unknown execution", store.Step{Execution: e, ActivityTasks: []store.ActivityTask{{Token: "t", ActivityArn: "a", ExecutionArn: "nope"}}}, store.ErrNotFound},
		{"timer without key", store.Step{Execution: e, SetTimers: []store.Timer{timer(e.Arn, "", t0)}}, store.ErrInvalid},
		{"delete without key", store.Step{Execution: e, DeleteTimers: []store.TimerKey{{ExecutionArn: e.Arn}}}, store.ErrInvalid},
		{"token without value", store.Step{Execution: e, Tokens: []store.Token{{ExecutionArn: e.Arn}}}, store.ErrInvalid},
		{"task without activity", store.Step{Execution: e, ActivityTasks: []store.ActivityTask{{Token: "t", ExecutionArn: e.Arn}}}, store.ErrInvalid},
	}
	for _, c := range cases {
		require.ErrorIs(t, s.Commit(ctx(), c.step), c.err, c.name)
	}
	require.Equal(t, int64(2), e.Version, "a failed commit leaves the caller's version alone")
	got, _ := s.GetExecution(ctx(), e.Arn)
	require.Equal(t, int64(2), got.Version)
	evs, _, _ := s.History(ctx(), e.Arn, store.Page{}, false)
	require.Len(t, evs, 2)
}

// testCommitAtomic fails a step on its last check and verifies it left nothing behind.
func testCommitAtomic(t *testing.T, s store.Store) {
	e := create(t, s, "m", "e")
	activity := activityRecord("a").Arn
	before, err := s.GetExecution(ctx(), e.Arn)
	require.NoError(t, err)

	changed := *e
	changed.Status, changed.Checkpoint, changed.Output = store.Succeeded, []byte("half"), ptr("{}")
	step := store.Step{
		Execution:     &changed,
		SetTimers:     []store.Timer{timer(e.Arn, "wait", t0)},
		Tokens:        []store.Token{{Token: "tok", ExecutionArn: e.Arn, Status: store.TokenPending}},
		ActivityTasks: []store.ActivityTask{{Token: "tok", ActivityArn: activity, ExecutionArn: e.Arn, Status: store.TaskScheduled}},
		// Two good events, then one with a repeated ID: a backend that writes as it goes has written plenty.
		Events: append(Events(2, 2), Events(3, 1)...),
	}
	require.ErrorIs(t, s.Commit(ctx(), step), store.ErrInvalid)

	got, err := s.GetExecution(ctx(), e.Arn)
	require.NoError(t, err)
	require.Equal(t, before, got)
	evs, _, err := s.History(ctx(), e.Arn, store.Page{}, false)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	_, ok, err := s.NextTimer(ctx())
	require.NoError(t, err)
	require.False(t, ok)
	_, err = s.GetToken(ctx(), "tok")
	require.ErrorIs(t, err, store.ErrNotFound)
	task, err := s.ClaimActivityTask(ctx(), activity, "w")
	require.NoError(t, err)
	require.Nil(t, task)

	// The same step with the bad event dropped goes through: the failure was the event, not the rest.
	step.Events = Events(2, 2)
	require.NoError(t, s.Commit(ctx(), step))
	evs, _, _ = s.History(ctx(), e.Arn, store.Page{}, false)
	require.Len(t, evs, 3)
}

// testCommitOtherExecution lets a child's step wake its parent: timers, tokens and tasks may name any execution.
func testCommitOtherExecution(t *testing.T, s store.Store) {
	parent := create(t, s, "m", "parent")
	child := create(t, s, "m", "child")
	child.Status = store.Succeeded
	require.NoError(t, s.Commit(ctx(), store.Step{
		Execution: child,
		SetTimers: []store.Timer{timer(parent.Arn, "child:done", t0)},
		Tokens:    []store.Token{{Token: "p", ExecutionArn: parent.Arn, Status: store.TokenSucceeded, Output: "{}"}},
	}))
	timers, err := s.ClaimDueTimers(ctx(), t0, "sched", time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, timers, 1)
	require.Equal(t, store.TimerKey{ExecutionArn: parent.Arn, Key: "child:done"}, timers[0].TimerKey)
	tok, err := s.GetToken(ctx(), "p")
	require.NoError(t, err)
	require.Equal(t, parent.Arn, tok.ExecutionArn)
	got, _ := s.GetExecution(ctx(), parent.Arn)
	require.Equal(t, int64(1), got.Version, "the parent's own record is untouched")
}

func testFinishedDropsTimers(t *testing.T, s store.Store) {
	e := create(t, s, "m", "e")
	other := create(t, s, "m", "other")
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, SetTimers: []store.Timer{
		timer(e.Arn, "wait", t0), timer(e.Arn, "heartbeat:x", t0), timer(other.Arn, "wait", t0.Add(time.Hour)),
	}}))
	e.Status = store.Aborted
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e}))
	next, ok, err := s.NextTimer(ctx())
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, t0.Add(time.Hour), next, "only the other execution's timer is left")
}

func testTokens(t *testing.T, s store.Store) {
	e := create(t, s, "m", "e")
	_, err := s.GetToken(ctx(), "tok")
	require.ErrorIs(t, err, store.ErrNotFound)

	tok := store.Token{Token: "tok", ExecutionArn: e.Arn, StateName: "Wait for human", Status: store.TokenPending, Created: t0}
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Tokens: []store.Token{tok}}))
	got, err := s.GetToken(ctx(), "tok")
	require.NoError(t, err)
	require.Equal(t, tok, *got)

	tok.Status, tok.Error, tok.Cause, tok.HeartbeatAt = store.TokenFailed, ptr("Rejected"), ptr(""), t0.Add(time.Second)
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Tokens: []store.Token{tok}}))
	got, err = s.GetToken(ctx(), "tok")
	require.NoError(t, err)
	require.Equal(t, tok, *got)
	*got.Error = "changed"
	got, _ = s.GetToken(ctx(), "tok")
	require.Equal(t, "Rejected", *got.Error)
}

func timer(arn, key string, due time.Time) store.Timer {
	return store.Timer{TimerKey: store.TimerKey{ExecutionArn: arn, Key: key}, Due: due}
}

func withVersion(e *store.Execution, v int64) *store.Execution {
	c := e.Clone()
	c.Version = v
	return c
}
