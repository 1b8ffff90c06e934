package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

// testTransient: a Transient execution is kept, rows and all, while it runs, and dropped whole by the
// commit that finishes it; an execution that is not Transient stays once finished.
func testTransient(t *testing.T, s store.Store) {
	quick := Execution("m", "quick")
	quick.Transient = true
	_, err := s.CreateExecution(ctx(), quick, Events(1, 1))
	require.NoError(t, err)
	kept := create(t, s, "m", "kept")
	got, err := s.GetExecution(ctx(), quick.Arn)
	require.NoError(t, err)
	require.True(t, got.Transient)

	activity := activityRecord("a").Arn
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: quick, Events: Events(2, 1),
		SetTimers: []store.Timer{timer(quick.Arn, "wait", t0)},
		Tokens:    []store.Token{{Token: "tok", ExecutionArn: quick.Arn, Status: store.TokenPending, Created: t0}},
		ActivityTasks: []store.ActivityTask{{Token: "task", ActivityArn: activity, ExecutionArn: quick.Arn, Input: `{}`,
			Status: store.TaskScheduled, Created: t0}},
	}))
	_, err = s.GetToken(ctx(), "tok")
	require.NoError(t, err, "a step that leaves it running keeps it")
	running, err := s.Unfinished(ctx())
	require.NoError(t, err)
	require.Len(t, running, 2)

	for _, e := range []*store.Execution{quick, kept} {
		e.Status, e.Output, e.StopDate = store.Succeeded, ptr(`{}`), t0.Add(time.Second)
		require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(e.LastEvent+1, 1)}))
	}
	require.Equal(t, int64(3), quick.Version, "the caller's record is what is left of it")
	require.Equal(t, int64(3), quick.LastEvent)

	_, err = s.GetExecution(ctx(), quick.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = s.History(ctx(), quick.Arn, store.Page{}, false)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetToken(ctx(), "tok")
	require.ErrorIs(t, err, store.ErrNotFound)
	task, err := s.ClaimActivityTask(ctx(), activity, "w")
	require.NoError(t, err)
	require.Nil(t, task)
	_, ok, err := s.NextTimer(ctx())
	require.NoError(t, err)
	require.False(t, ok)
	list, _, err := s.ListExecutions(ctx(), store.ExecutionFilter{}, store.Page{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, kept.Arn, list[0].Arn)
	require.ErrorIs(t, s.Commit(ctx(), store.Step{Execution: quick}), store.ErrNotFound)

	got, err = s.GetExecution(ctx(), kept.Arn)
	require.NoError(t, err)
	require.Equal(t, store.Succeeded, got.Status)
}
