package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

func testActivityTasks(t *testing.T, s store.Store) {
	e := create(t, s, "m", "e")
	a, b := activityRecord("a").Arn, activityRecord("b").Arn
	task := func(token, activity string, created time.Time) store.ActivityTask {
		return store.ActivityTask{Token: token, ActivityArn: activity, ExecutionArn: e.Arn, Input: `{"t":"` + token + `"}`, Status: store.TaskScheduled, Created: created}
	}
	none, err := s.ClaimActivityTask(ctx(), a, "w1")
	require.NoError(t, err)
	require.Nil(t, none)

	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, ActivityTasks: []store.ActivityTask{
		task("late", a, t0.Add(time.Second)), task("early", a, t0), task("other", b, t0),
	}}))
	got, err := s.ClaimActivityTask(ctx(), a, "w1")
	require.NoError(t, err)
	want := task("early", a, t0)
	want.Status, want.WorkerName = store.TaskStarted, "w1"
	require.Equal(t, &want, got, "the oldest task first, started for its worker")
	got, err = s.ClaimActivityTask(ctx(), a, "w2")
	require.NoError(t, err)
	require.Equal(t, "late", got.Token)
	require.Equal(t, "w2", got.WorkerName)
	none, err = s.ClaimActivityTask(ctx(), a, "w3")
	require.NoError(t, err)
	require.Nil(t, none)

	// A task put back to SCHEDULED (its worker timed out) is claimable again; a DONE one is not.
	again := task("early", a, t0)
	done := task("late", a, t0)
	done.Status = store.TaskDone
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, ActivityTasks: []store.ActivityTask{again, done}}))
	got, err = s.ClaimActivityTask(ctx(), a, "w4")
	require.NoError(t, err)
	require.Equal(t, "early", got.Token)
	require.Equal(t, "w4", got.WorkerName)
	none, err = s.ClaimActivityTask(ctx(), a, "w5")
	require.NoError(t, err)
	require.Nil(t, none)

	got, err = s.ClaimActivityTask(ctx(), b, "w1")
	require.NoError(t, err)
	require.Equal(t, "other", got.Token)
}
