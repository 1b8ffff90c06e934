package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

const workers = 8

// testConcurrentCommits runs executions' steps in parallel, with readers alongside, as a server does.
func testConcurrentCommits(t *testing.T, s store.Store) {
	const steps = 20
	execs := make([]*store.Execution, workers)
	for i := range execs {
		execs[i] = create(t, s, "m", fmt.Sprintf("e%d", i))
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for _, e := range execs {
		wg.Go(func() {
			for i := range steps {
				e.Checkpoint = fmt.Appendf(nil, "step %d", i)
				err := s.Commit(ctx(), store.Step{
					Execution: e, Events: Events(e.Version*3-1, 3),
					SetTimers: []store.Timer{timer(e.Arn, "wait", t0.Add(time.Duration(i)*time.Second))},
				})
				if !assert.NoError(t, err) {
					return
				}
			}
		})
	}
	reader := sync.WaitGroup{}
	reader.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			_, _, err := s.ListExecutions(ctx(), store.ExecutionFilter{}, store.Page{})
			assert.NoError(t, err)
			_, _, err = s.History(ctx(), execs[0].Arn, store.Page{}, true)
			assert.NoError(t, err)
		}
	})
	wg.Wait()
	close(done)
	reader.Wait()

	for _, e := range execs {
		got, err := s.GetExecution(ctx(), e.Arn)
		require.NoError(t, err)
		require.Equal(t, int64(steps+1), got.Version)
		require.Equal(t, fmt.Sprintf("step %d", steps-1), string(got.Checkpoint))
		evs, _, err := s.History(ctx(), e.Arn, store.Page{}, false)
		require.NoError(t, err)
		require.Len(t, evs, 1+3*steps)
		for i, ev := range evs {
			require.Equal(t, int64(i+1), ev.ID)
		}
	}
}

// testConcurrentSameExecution races writers on one execution: versions serialise them, none is lost.
func testConcurrentSameExecution(t *testing.T, s store.Store) {
	const each = 5
	e := create(t, s, "m", "e")
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for won := 0; won < each; {
				cur, err := s.GetExecution(ctx(), e.Arn)
				if !assert.NoError(t, err) {
					return
				}
				// One event per step, so the last event ID is the version.
				cur.Checkpoint = fmt.Appendf(nil, "worker %d", w)
				err = s.Commit(ctx(), store.Step{Execution: cur, Events: Events(cur.Version+1, 1)})
				switch {
				case err == nil:
					won++
				case !errors.Is(err, store.ErrConflict):
					assert.NoError(t, err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := s.GetExecution(ctx(), e.Arn)
	require.NoError(t, err)
	require.Equal(t, int64(1+workers*each), got.Version)
	evs, _, err := s.History(ctx(), e.Arn, store.Page{Max: store.MaxPageSize}, false)
	require.NoError(t, err)
	require.Len(t, evs, 1+workers*each)
}

// testConcurrentFailures interleaves, across executions committing in parallel, steps that fail after
// writing part of themselves (their timer names a missing execution) with good ones: a backend that commits
// concurrent steps together must undo the failed ones alone.
func testConcurrentFailures(t *testing.T, s store.Store) {
	const steps = 10
	execs := make([]*store.Execution, workers)
	for i := range execs {
		execs[i] = create(t, s, "m", fmt.Sprintf("e%d", i))
	}
	var wg sync.WaitGroup
	for _, e := range execs {
		wg.Go(func() {
			for i := range steps {
				bad := *e
				bad.Status, bad.Checkpoint = store.Failed, []byte("bad")
				err := s.Commit(ctx(), store.Step{
					Execution: &bad, Events: Events(e.Version+1, 2),
					SetTimers: []store.Timer{timer(e.Arn, "wait", t0), timer(e.Arn+"-missing", "wait", t0)},
				})
				if !assert.ErrorIs(t, err, store.ErrNotFound) {
					return
				}
				e.Checkpoint = fmt.Appendf(nil, "step %d", i)
				if !assert.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(e.Version+1, 1)})) {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, e := range execs {
		got, err := s.GetExecution(ctx(), e.Arn)
		require.NoError(t, err)
		require.Equal(t, int64(1+steps), got.Version)
		require.Equal(t, store.Running, got.Status)
		require.Equal(t, fmt.Sprintf("step %d", steps-1), string(got.Checkpoint))
		evs, _, err := s.History(ctx(), e.Arn, store.Page{}, false)
		require.NoError(t, err)
		require.Len(t, evs, 1+steps)
	}
	_, ok, err := s.NextTimer(ctx())
	require.NoError(t, err)
	require.False(t, ok, "no failed step's timer")
}

func testConcurrentActivityClaims(t *testing.T, s store.Store) {
	const tasks = 40
	e := create(t, s, "m", "e")
	activity := activityRecord("a").Arn
	var scheduled []store.ActivityTask
	for i := range tasks {
		scheduled = append(scheduled, store.ActivityTask{
			Token: fmt.Sprintf("t%02d", i), ActivityArn: activity, ExecutionArn: e.Arn, Status: store.TaskScheduled, Created: t0,
		})
	}
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, ActivityTasks: scheduled}))
	claims := claimAll(t, func(worker string) ([]string, error) {
		task, err := s.ClaimActivityTask(ctx(), activity, worker)
		if task == nil || err != nil {
			return nil, err
		}
		assert.Equal(t, worker, task.WorkerName)
		return []string{task.Token}, nil
	})
	require.Len(t, claims, tasks, "every task claimed exactly once")
}

func testConcurrentTimerClaims(t *testing.T, s store.Store) {
	const timers = 50
	e := create(t, s, "m", "e")
	var set []store.Timer
	for i := range timers {
		set = append(set, timer(e.Arn, fmt.Sprintf("k%02d", i), t0.Add(time.Duration(i)*time.Millisecond)))
	}
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, SetTimers: set}))
	claims := claimAll(t, func(worker string) ([]string, error) {
		got, err := s.ClaimDueTimers(ctx(), t0.Add(time.Second), worker, time.Minute, 3)
		var keys []string
		for _, tm := range got {
			assert.Equal(t, worker, tm.Owner)
			keys = append(keys, tm.Key)
		}
		return keys, err
	})
	require.Len(t, claims, timers, "every timer claimed exactly once")
}

// claimAll runs workers calling claim until it returns nothing and returns who claimed what, failing on a
// double claim.
func claimAll(t *testing.T, claim func(worker string) ([]string, error)) map[string]string {
	var mu sync.Mutex
	owners := map[string]string{}
	var wg sync.WaitGroup
	for w := range workers {
		worker := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				keys, err := claim(worker)
				if !assert.NoError(t, err) || len(keys) == 0 {
					return
				}
				mu.Lock()
				for _, k := range keys {
					if prev, ok := owners[k]; ok {
						t.Errorf("%s claimed by %s and %s", k, prev, worker)
					}
					owners[k] = worker
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return owners
}
