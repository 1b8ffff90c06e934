package service

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
)

// TestLocalRunOnTheRealClock: aslrun execute --clock real parks at a Wait like serve does and the scheduler
// resumes it; a subscriber sees every event once, in order, although no history is kept.
func TestLocalRunOnTheRealClock(t *testing.T) {
	s, err := NewLocal(Options{NoHistory: true})
	require.NoError(t, err)
	defer s.Close()
	var seen []string
	var ids []int64
	defer s.Subscribe("", func(e ExecutionEvent) {
		seen, ids = append(seen, e.Event.Type()), append(ids, e.Event.ID)
	})()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fin, err := s.RunLocal(ctx, LocalRun{StateMachine: "w", Type: "STANDARD", Input: map[string]any{},
		Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Result":"done","End":true}}}`})
	require.NoError(t, err)
	assert.Equal(t, interpreter.Succeed, fin.Result.Status)
	assert.Equal(t, "done", fin.Result.Output)
	assert.Equal(t, []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited",
		"ExecutionSucceeded"}, seen)
	assert.Equal(t, []int64{1, 2, 3, 4, 5, 6}, ids)
}

// TestResumeAfterLiveEvents: an execution interrupted while its history was live (some events of its
// running step stored) runs again from its input in the next process, numbering its events after the
// stored ones: the history stays dense and shows the Task that ran again.
func TestResumeAfterLiveEvents(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			defer st.Close()
			hang := interpreter.InvokerFunc(func(ctx context.Context, _ *interpreter.TaskRequest) (any, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			})
			s, err := New(Options{Store: st, Invoker: hang})
			require.NoError(t, err)
			sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
				Definition: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`})
			require.NoError(t, err)
			run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"n":1}`})
			require.NoError(t, err)
			require.Eventually(t, func() bool {
				rec, err := st.GetExecution(ctx, run.ExecutionArn)
				require.NoError(t, err)
				return rec.LastEvent == 4 // ExecutionStarted, TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted
			}, 5*time.Second, 2*time.Millisecond)
			s.Close()

			echo := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) { return req.Input, nil })
			next, err := New(Options{Store: st, Invoker: echo})
			require.NoError(t, err)
			defer next.Close()
			require.NoError(t, next.ResumeUnfinished(ctx))
			awaitSucceeded(t, next, run.ExecutionArn, 5*time.Second)
			h, err := next.History(ctx, run.ExecutionArn)
			require.NoError(t, err)
			var types []string
			for i, raw := range h {
				var e struct {
					ID   int64  `json:"id"`
					Type string `json:"type"`
				}
				require.NoError(t, json.Unmarshal(raw, &e))
				assert.Equal(t, int64(i+1), e.ID)
				types = append(types, e.Type)
			}
			// Resumed from the checkpoint committed with the events: the state is not entered again, only the
			// task that was in flight runs again.
			assert.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
				"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
				"ExecutionSucceeded"}, types)
		})
	}
}

// TestCrashLoopGuard: an execution that was running through maxCrashes unclean stops in a row, with no
// state finished in between, is failed rather than run again; a clean Close does not count.
func TestCrashLoopGuard(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	hang := interpreter.InvokerFunc(func(ctx context.Context, _ *interpreter.TaskRequest) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	crash := func(s *Service) { s.cancel(); s.wg.Wait() } // no clean commit: as a kill -9 leaves it
	s, err := New(Options{Store: st, Invoker: hang})
	require.NoError(t, err)
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	require.NoError(t, err)
	committed := func(n int64) func() bool {
		return func() bool {
			rec, err := st.GetExecution(ctx, run.ExecutionArn)
			require.NoError(t, err)
			return rec.LastEvent >= n
		}
	}
	require.Eventually(t, committed(4), 5*time.Second, 2*time.Millisecond)
	crash(s)
	events := int64(4)
	for i, stop := range []string{"clean", "crash", "crash"} {
		s, err = New(Options{Store: st, Invoker: hang})
		require.NoError(t, err)
		require.NoError(t, s.ResumeUnfinished(ctx))
		events += 2 // the task in flight is scheduled and started again
		require.Eventually(t, committed(events), 5*time.Second, 2*time.Millisecond, "resume %d", i)
		if stop == "clean" {
			s.Close()
		} else {
			crash(s)
		}
	}
	s, err = New(Options{Store: st, Invoker: hang})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.ResumeUnfinished(ctx))
	d, err := s.DescribeExecution(ctx, &DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
	require.NoError(t, err)
	assert.Equal(t, store.Failed, d.Status)
	assert.Equal(t, "States.Runtime", deref(d.Error))
	assert.Contains(t, deref(d.Cause), "stopped uncleanly 3 times in a row")
}

// TestLostLeaseStopsTheRun: when another run moves an execution on (its owner was taken for dead), the
// run that lost the lease stops its Tasks and records nothing more.
func TestLostLeaseStopsTheRun(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	cancelled := make(chan struct{})
	hang := interpreter.InvokerFunc(func(ctx context.Context, _ *interpreter.TaskRequest) (any, error) {
		<-ctx.Done()
		close(cancelled)
		return nil, ctx.Err()
	})
	s, err := New(Options{Store: st, Invoker: hang})
	require.NoError(t, err)
	defer s.Close()
	s.renew = 20 * time.Millisecond
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	require.NoError(t, err)
	var rec *store.Execution
	require.Eventually(t, func() bool {
		rec, err = st.GetExecution(ctx, run.ExecutionArn)
		require.NoError(t, err)
		return rec.LastEvent == 4
	}, 5*time.Second, 2*time.Millisecond)
	// Another node resumes it and records an event.
	ev := s.storedEvent(rec.Arn, &interpreter.Event{ID: 5, PreviousEventID: 4, Timestamp: time.Now(), Kind: interpreter.LambdaFunctionScheduled})
	require.NoError(t, st.Commit(ctx, store.Step{Execution: rec, Events: []store.Event{ev}}))
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the task of the run that lost its lease was not stopped")
	}
	require.Eventually(t, func() bool { return parkedCount(s) == 0 }, 5*time.Second, 2*time.Millisecond)
	rec, err = st.GetExecution(ctx, run.ExecutionArn)
	require.NoError(t, err)
	assert.Equal(t, store.Running, rec.Status, "the run that lost the lease records nothing")
	assert.Equal(t, int64(5), rec.LastEvent)
}

// TestRestartTakesBackClaims: a timer the previous process claimed and died holding is due at once when
// the node starts again, not after the claim's lease.
func TestRestartTakesBackClaims(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	s, err := New(Options{Store: st, NodeID: "n1"})
	require.NoError(t, err)
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "w", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return parkedCount(s) == 0 }, 5*time.Second, time.Millisecond, "parked")
	s.cancel()
	s.wg.Wait()
	// The dead process had claimed the timer, due now, for 10 s.
	rec, err := st.GetExecution(ctx, run.ExecutionArn)
	require.NoError(t, err)
	require.NoError(t, st.Commit(ctx, store.Step{Execution: rec, SetTimers: []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: rec.Arn, Key: wakeTimer}, Due: time.Now()}}}))
	claimed, err := st.ClaimDueTimers(ctx, time.Now(), "n1", DefaultLease, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)

	next, err := New(Options{Store: st, NodeID: "n1"})
	require.NoError(t, err)
	defer next.Close()
	require.NoError(t, next.ResumeUnfinished(ctx))
	awaitSucceeded(t, next, run.ExecutionArn, 3*time.Second)
}

// TestCreationLease: an execution whose node died before its first step is run by the node that created
// it, started again, at once; by another node sharing the store once the lease has ended; never by another
// node while the lease holds.
func TestCreationLease(t *testing.T) {
	for _, tt := range []struct {
		node  string
		lease time.Duration
	}{{"a", time.Hour}, {"b", 300 * time.Millisecond}} {
		t.Run(tt.node, func(t *testing.T) {
			ctx := context.Background()
			st := memory.New()
			echo := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) { return req.Input, nil })
			s, err := New(Options{Store: st, NodeID: tt.node, Shared: true, Invoker: echo})
			require.NoError(t, err)
			defer s.Close()
			sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
				Definition: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`})
			require.NoError(t, err)
			// Node a created it, and died before its first step.
			now := time.Now()
			arn := s.arn(DefaultRegion, arnExecution, "m", "orphan")
			ev := s.startedEvent(arn, now, `{"n":1}`, nil)
			_, err = st.CreateExecution(ctx, &store.Execution{Arn: arn, StateMachineArn: sm.StateMachineArn, Name: "orphan", Status: store.Running,
				Input: `{"n":1}`, StartDate: now, Definition: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`},
				[]store.Event{ev}, store.Timer{TimerKey: store.TimerKey{ExecutionArn: arn, Key: wakeTimer}, Due: now, Owner: "a", LeaseUntil: now.Add(tt.lease)})
			require.NoError(t, err)
			require.NoError(t, s.ResumeUnfinished(ctx))
			if tt.node != "a" {
				time.Sleep(tt.lease / 2)
				d, err := s.DescribeExecution(ctx, &DescribeExecutionInput{ExecutionArn: arn})
				require.NoError(t, err)
				require.Equal(t, store.Running, d.Status, "not another node's while the lease holds")
			}
			awaitSucceeded(t, s, arn, 3*time.Second)
		})
	}
}
