// Package storetest is the suite every store.Store backend must pass: call Run from the backend's tests.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// Run runs the suite. open returns an empty store for one subtest and arranges to close it (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"StateMachines", testStateMachines},
		{"ListStateMachines", testListStateMachines},
		{"Activities", testActivities},
		{"Tags", testTags},
		{"CreateExecution", testCreateExecution},
		{"ListExecutions", testListExecutions},
		{"Unfinished", testUnfinished},
		{"ExecutionTestCase", testExecutionTestCase},
		{"LastEvent", testLastEvent},
		{"History", testHistory},
		{"Commit", testCommit},
		{"CommitRejects", testCommitRejects},
		{"CommitAtomic", testCommitAtomic},
		{"CommitOtherExecution", testCommitOtherExecution},
		{"FinishedDropsTimers", testFinishedDropsTimers},
		{"Transient", testTransient},
		{"Tokens", testTokens},
		{"Timers", testTimers},
		{"TimerLeaseExpiry", testTimerLeaseExpiry},
		{"CreateLeased", testCreateLeased},
		{"ActivityTasks", testActivityTasks},
		{"ConcurrentCommits", testConcurrentCommits},
		{"ConcurrentSameExecution", testConcurrentSameExecution},
		{"ConcurrentFailures", testConcurrentFailures},
		{"ConcurrentActivityClaims", testConcurrentActivityClaims},
		{"ConcurrentTimerClaims", testConcurrentTimerClaims},
		{"MapRuns", testMapRuns},
		{"UpdateMapRun", testUpdateMapRun},
		{"ConcurrentMapRunUpdates", testConcurrentMapRunUpdates},
		{"ListMapRuns", testListMapRuns},
		{"MapRunChildren", testMapRunChildren},
		{"MapRunCascade", testMapRunCascade},
		{"Versions", testVersions},
		{"ListVersions", testListVersions},
		{"Aliases", testAliases},
		{"ListAliases", testListAliases},
		{"ConcurrentPublish", testConcurrentPublish},
		{"ExecutionVersions", testExecutionVersions},
		{"Configurations", testConfigurations},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// t0 has microseconds, so a backend that keeps less (store.Store promises the microsecond) fails the suite.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC)

const (
	account    = "arn:aws:states:us-east-1:123456789012:"
	definition = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
)

func ctx() context.Context { return context.Background() }

func ptr(s string) *string { return &s }

// Machine returns a complete state machine record named name.
func Machine(name string) *store.StateMachine {
	return &store.StateMachine{
		Arn: account + "stateMachine:" + name, Name: name, Type: store.TypeStandard, Definition: definition,
		RoleArn: "arn:aws:iam::123456789012:role/r", Status: store.MachineActive,
		CreationDate: t0, UpdateDate: t0, RevisionID: "rev-1",
		LoggingConfiguration: []byte(`{"level":"OFF"}`), TracingConfiguration: []byte(`{"enabled":false}`),
		Tags: map[string]string{"team": "core"},
	}
}

// Execution returns a running execution record of machine, named name.
func Execution(machine, name string) *store.Execution {
	return &store.Execution{
		Arn: account + "execution:" + machine + ":" + name, StateMachineArn: account + "stateMachine:" + machine,
		Name: name, Status: store.Running, Input: `{"n":1}`, StartDate: t0, Definition: definition,
		Checkpoint: []byte("checkpoint-0"),
	}
}

// Events returns n events with IDs from first, as a step would append them.
func Events(first int64, n int) []store.Event {
	evs := make([]store.Event, n)
	for i := range evs {
		id := first + int64(i)
		evs[i] = store.Event{
			ID: id, Timestamp: t0.Add(time.Duration(id) * time.Millisecond), Type: "PassStateEntered",
			Data: fmt.Appendf(nil, `{"id":%d,"type":"PassStateEntered"}`, id),
		}
	}
	return evs
}

// create stores an execution with its ExecutionStarted event and returns the caller's record (Version 1).
func create(t *testing.T, s store.Store, machine, name string) *store.Execution {
	t.Helper()
	e := Execution(machine, name)
	if _, err := s.CreateExecution(ctx(), e, Events(1, 1)); err != nil {
		t.Fatal(err)
	}
	return e
}
