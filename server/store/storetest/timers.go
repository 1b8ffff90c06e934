package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

func testTimers(t *testing.T, s store.Store) {
	_, ok, err := s.NextTimer(ctx())
	require.NoError(t, err)
	require.False(t, ok)
	none, err := s.ClaimDueTimers(ctx(), t0.Add(time.Hour), "a", time.Minute, 10)
	require.NoError(t, err)
	require.Empty(t, none)

	e := create(t, s, "m", "e")
	f := create(t, s, "m", "f")
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, SetTimers: []store.Timer{
		timer(e.Arn, "wait", t0.Add(2*time.Second)), timer(f.Arn, "wait", t0), timer(e.Arn, "heartbeat:x", t0.Add(time.Second)),
	}}))
	next, ok, err := s.NextTimer(ctx())
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, t0, next)

	none, err = s.ClaimDueTimers(ctx(), t0.Add(-time.Microsecond), "a", time.Minute, 10)
	require.NoError(t, err)
	require.Empty(t, none, "nothing is due yet")
	none, err = s.ClaimDueTimers(ctx(), t0.Add(time.Hour), "a", time.Minute, 0)
	require.NoError(t, err)
	require.Empty(t, none)

	now := t0.Add(time.Second)
	claimed, err := s.ClaimDueTimers(ctx(), now, "a", 10*time.Second, 10)
	require.NoError(t, err)
	require.Equal(t, []store.Timer{
		{TimerKey: store.TimerKey{ExecutionArn: f.Arn, Key: "wait"}, Due: t0, Owner: "a", LeaseUntil: now.Add(10 * time.Second)},
		{TimerKey: store.TimerKey{ExecutionArn: e.Arn, Key: "heartbeat:x"}, Due: t0.Add(time.Second), Owner: "a", LeaseUntil: now.Add(10 * time.Second)},
	}, claimed, "due timers, earliest first, at or before now")
	none, err = s.ClaimDueTimers(ctx(), now, "b", time.Minute, 10)
	require.NoError(t, err)
	require.Empty(t, none, "leased timers are not claimed twice")

	next, _, _ = s.NextTimer(ctx())
	require.Equal(t, t0.Add(2*time.Second), next, "a leased timer is not the next thing to do")
	claimed, err = s.ClaimDueTimers(ctx(), t0.Add(5*time.Second), "b", time.Minute, 1)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.Equal(t, "wait", claimed[0].Key)
	require.Equal(t, e.Arn, claimed[0].ExecutionArn)
	next, _, _ = s.NextTimer(ctx())
	require.Equal(t, now.Add(10*time.Second), next, "when a's lease ends")

	// Committing a step that deletes a timer completes it; setting one again clears its lease.
	require.NoError(t, s.Commit(ctx(), store.Step{
		Execution:    e,
		DeleteTimers: []store.TimerKey{{ExecutionArn: e.Arn, Key: "heartbeat:x"}, {ExecutionArn: e.Arn, Key: "absent"}},
		SetTimers:    []store.Timer{timer(e.Arn, "wait", t0.Add(3*time.Second))},
	}))
	claimed, err = s.ClaimDueTimers(ctx(), t0.Add(5*time.Second), "c", time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.Equal(t, store.TimerKey{ExecutionArn: e.Arn, Key: "wait"}, claimed[0].TimerKey)
	require.Equal(t, t0.Add(3*time.Second), claimed[0].Due)

	// Delete then set of the same key in one step reschedules it.
	require.NoError(t, s.Commit(ctx(), store.Step{
		Execution:    e,
		DeleteTimers: []store.TimerKey{{ExecutionArn: e.Arn, Key: "wait"}},
		SetTimers:    []store.Timer{timer(e.Arn, "wait", t0.Add(time.Hour))},
	}))
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: f, DeleteTimers: []store.TimerKey{{ExecutionArn: f.Arn, Key: "wait"}}}))
	next, _, _ = s.NextTimer(ctx())
	require.Equal(t, t0.Add(time.Hour), next)
}

// testTimerLeaseExpiry: a scheduler that dies holding timers delays them by the lease and no more.
func testTimerLeaseExpiry(t *testing.T, s store.Store) {
	e := create(t, s, "m", "e")
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, SetTimers: []store.Timer{timer(e.Arn, "wait", t0)}}))
	claimed, err := s.ClaimDueTimers(ctx(), t0, "crashed", 30*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)

	none, err := s.ClaimDueTimers(ctx(), t0.Add(30*time.Second-time.Microsecond), "b", 30*time.Second, 10)
	require.NoError(t, err)
	require.Empty(t, none)
	claimed, err = s.ClaimDueTimers(ctx(), t0.Add(30*time.Second), "b", 30*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1, "the expired lease is claimed again")
	require.Equal(t, "b", claimed[0].Owner)
	require.Equal(t, t0.Add(time.Minute), claimed[0].LeaseUntil)
	require.Equal(t, t0, claimed[0].Due)

	// Released by its owner (started again), the timer is claimable at once; others' releases change nothing.
	require.NoError(t, s.ReleaseTimers(ctx(), "c"))
	none, err = s.ClaimDueTimers(ctx(), t0.Add(31*time.Second), "c", 30*time.Second, 10)
	require.NoError(t, err)
	require.Empty(t, none)
	require.NoError(t, s.ReleaseTimers(ctx(), "b"))
	claimed, err = s.ClaimDueTimers(ctx(), t0.Add(31*time.Second), "c", 30*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1, "released")
}

// testCreateLeased: an execution created with a claimed timer is its creator's until the lease ends, or
// until the creator, started again, releases it.
func testCreateLeased(t *testing.T, s store.Store) {
	e := &store.Execution{Arn: "arn:aws:states:us-east-1:123456789012:execution:m:leased", StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
		Name: "leased", Status: store.Running, Input: "{}", StartDate: t0}
	lease := store.Timer{TimerKey: store.TimerKey{Key: "wake"}, Due: t0, Owner: "creator", LeaseUntil: t0.Add(10 * time.Second)}
	_, err := s.CreateExecution(ctx(), e, Events(1, 1), lease)
	require.NoError(t, err)
	none, err := s.ClaimDueTimers(ctx(), t0.Add(5*time.Second), "other", time.Minute, 10)
	require.NoError(t, err)
	require.Empty(t, none, "leased by its creator")
	next, ok, err := s.NextTimer(ctx())
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, t0.Add(10*time.Second), next)

	require.NoError(t, s.ReleaseTimers(ctx(), "creator"))
	claimed, err := s.ClaimDueTimers(ctx(), t0.Add(5*time.Second), "creator", time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1, "released by its creator, started again")
	require.Equal(t, e.Arn, claimed[0].ExecutionArn)
}
