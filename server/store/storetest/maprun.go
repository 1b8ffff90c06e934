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

// MapRun returns a complete, running Map Run record of the execution, named name; every field is set, so
// that a backend that loses one fails the suite.
func MapRun(executionArn, name string) *store.MapRun {
	return &store.MapRun{
		Arn: executionArn + "/map:" + name, ExecutionArn: executionArn, Status: store.Running,
		StartDate: t0, MaxConcurrency: 40, ToleratedFailurePercentage: 12.5, ToleratedFailureCount: 3,
		RedriveCount: 2, RedriveDate: t0.Add(time.Minute),
		Items:      store.MapRunCounts{Pending: 1, Running: 2, Succeeded: 3, Failed: 4, TimedOut: 5, Aborted: 6, Total: 21, ResultsWritten: 7, FailuresNotRedrivable: 8, PendingRedrive: 9},
		Executions: store.MapRunCounts{Pending: 11, Running: 12, Succeeded: 13, Failed: 14, TimedOut: 15, Aborted: 16, Total: 81, ResultsWritten: 17, FailuresNotRedrivable: 18, PendingRedrive: 19},
	}
}

func testMapRuns(t *testing.T, s store.Store) {
	e := create(t, s, "m", "parent")
	m := MapRun(e.Arn, "a")
	require.NoError(t, s.CreateMapRun(ctx(), m))
	m.Status = store.Failed // the store kept its own copy
	got, err := s.GetMapRun(ctx(), m.Arn)
	require.NoError(t, err)
	require.Equal(t, MapRun(e.Arn, "a"), got)
	got.Items.Total = 0
	got, err = s.GetMapRun(ctx(), m.Arn)
	require.NoError(t, err)
	require.Equal(t, MapRun(e.Arn, "a"), got, "records come out as copies")

	finished := MapRun(e.Arn, "finished")
	finished.Status, finished.StopDate = store.Succeeded, t0.Add(time.Minute)
	finished.Items, finished.Executions = store.MapRunCounts{}, store.MapRunCounts{}
	require.NoError(t, s.CreateMapRun(ctx(), finished))
	got, err = s.GetMapRun(ctx(), finished.Arn)
	require.NoError(t, err)
	require.Equal(t, finished, got)

	dup := MapRun(e.Arn, "a")
	dup.Status = store.Aborted
	require.ErrorIs(t, s.CreateMapRun(ctx(), dup), store.ErrExists)
	got, err = s.GetMapRun(ctx(), dup.Arn)
	require.NoError(t, err)
	require.Equal(t, store.Running, got.Status, "a clash changes nothing")

	orphan := MapRun(e.Arn+"x", "b")
	require.ErrorIs(t, s.CreateMapRun(ctx(), orphan), store.ErrNotFound, "its execution must exist")
	_, err = s.GetMapRun(ctx(), orphan.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.CreateMapRun(ctx(), &store.MapRun{ExecutionArn: e.Arn}), store.ErrInvalid)
	require.ErrorIs(t, s.CreateMapRun(ctx(), &store.MapRun{Arn: "arn"}), store.ErrInvalid)
}

func testUpdateMapRun(t *testing.T, s store.Store) {
	e := create(t, s, "m", "parent")
	m := MapRun(e.Arn, "a")
	require.NoError(t, s.CreateMapRun(ctx(), m))

	var held *store.MapRun
	require.NoError(t, s.UpdateMapRun(ctx(), m.Arn, func(r *store.MapRun) error {
		require.Equal(t, m, r, "change gets the stored record")
		r.Status, r.StopDate = store.Succeeded, t0.Add(time.Hour)
		r.MaxConcurrency, r.ToleratedFailurePercentage, r.ToleratedFailureCount = 5, 0.25, 0
		r.Items.Succeeded, r.Executions.Running = 100, 0
		r.Arn, r.ExecutionArn = "other", "other" // the key and the owner are not the caller's to change
		held = r
		return nil
	}))
	want := MapRun(e.Arn, "a")
	want.Status, want.StopDate = store.Succeeded, t0.Add(time.Hour)
	want.MaxConcurrency, want.ToleratedFailurePercentage, want.ToleratedFailureCount = 5, 0.25, 0
	want.Items.Succeeded, want.Executions.Running = 100, 0
	got, err := s.GetMapRun(ctx(), m.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got)
	held.Items.Succeeded = 7
	got, err = s.GetMapRun(ctx(), m.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got, "the record change edited is not the store's")

	refused := errors.New("refused")
	err = s.UpdateMapRun(ctx(), m.Arn, func(r *store.MapRun) error {
		r.Status, r.Items.Total = store.Aborted, 0
		return fmt.Errorf("changing: %w", refused)
	})
	require.ErrorIs(t, err, refused, "change's error comes back")
	require.NotErrorIs(t, err, store.ErrUnavailable)
	got, err = s.GetMapRun(ctx(), m.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got, "a change that fails stores nothing")

	called := false
	err = s.UpdateMapRun(ctx(), m.Arn+"x", func(*store.MapRun) error { called = true; return nil })
	require.ErrorIs(t, err, store.ErrNotFound)
	require.False(t, called, "there is nothing to change")
}

// testConcurrentMapRunUpdates has many writers each count its own field, as a Map Run's children and the
// UpdateMapRun API do at once: every increment must survive.
func testConcurrentMapRunUpdates(t *testing.T, s store.Store) {
	const each = 10
	e := create(t, s, "m", "parent")
	m := &store.MapRun{Arn: e.Arn + "/map:a", ExecutionArn: e.Arn, Status: store.Running, StartDate: t0}
	require.NoError(t, s.CreateMapRun(ctx(), m))
	fields := []func(*store.MapRun) *int64{
		func(r *store.MapRun) *int64 { return &r.Items.Succeeded },
		func(r *store.MapRun) *int64 { return &r.Items.Failed },
		func(r *store.MapRun) *int64 { return &r.Executions.Running },
		func(r *store.MapRun) *int64 { return &r.MaxConcurrency },
	}
	var wg sync.WaitGroup
	for w := range 2 * len(fields) {
		field := fields[w%len(fields)]
		wg.Go(func() {
			for range each {
				err := s.UpdateMapRun(ctx(), m.Arn, func(r *store.MapRun) error {
					*field(r)++
					return nil
				})
				if !assert.NoError(t, err) {
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := s.GetMapRun(ctx(), m.Arn)
	require.NoError(t, err)
	for i, field := range fields {
		require.Equal(t, int64(2*each), *field(got), "field %d", i)
	}
}

func testListMapRuns(t *testing.T, s store.Store) {
	e := create(t, s, "m", "parent")
	other := create(t, s, "m", "other")
	for i := range 5 {
		require.NoError(t, s.CreateMapRun(ctx(), MapRun(e.Arn, fmt.Sprintf("r%d", i))))
		if i == 2 {
			require.NoError(t, s.CreateMapRun(ctx(), MapRun(other.Arn, "o")))
		}
	}
	list := func(arn string, max int) [][]string {
		var pages [][]string
		token := ""
		for {
			runs, next, err := s.ListMapRuns(ctx(), arn, store.Page{Token: token, Max: max})
			require.NoError(t, err)
			var names []string
			for _, r := range runs {
				names = append(names, r.Arn[len(arn+"/map:"):])
			}
			pages = append(pages, names)
			if next == "" {
				return pages
			}
			token = next
		}
	}
	require.Equal(t, [][]string{{"r4", "r3"}, {"r2", "r1"}, {"r0"}}, list(e.Arn, 2), "newest first")
	require.Equal(t, [][]string{{"r4", "r3", "r2", "r1", "r0"}}, list(e.Arn, 5))
	require.Equal(t, [][]string{{"o"}}, list(other.Arn, 2))
	lone := create(t, s, "m", "lone")
	require.Equal(t, [][]string{nil}, list(lone.Arn, 2))

	runs, _, err := s.ListMapRuns(ctx(), e.Arn, store.Page{})
	require.NoError(t, err)
	require.Equal(t, MapRun(e.Arn, "r4"), runs[0], "whole records")

	_, next, err := s.ListMapRuns(ctx(), e.Arn, store.Page{Max: 2})
	require.NoError(t, err)
	require.NoError(t, s.CreateMapRun(ctx(), MapRun(e.Arn, "late")))
	runs, _, err = s.ListMapRuns(ctx(), e.Arn, store.Page{Token: next, Max: 2})
	require.NoError(t, err)
	require.Equal(t, MapRun(e.Arn, "r2").Arn, runs[0].Arn, "a Map Run started after the first page does not shift the next")

	_, _, err = s.ListMapRuns(ctx(), e.Arn+"x", store.Page{})
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = s.ListMapRuns(ctx(), e.Arn, store.Page{Token: store.NextToken(store.KindExecutions, 1)})
	require.ErrorIs(t, err, store.ErrInvalidToken)
	_, _, err = s.ListMapRuns(ctx(), e.Arn, store.Page{Token: "%%%"})
	require.ErrorIs(t, err, store.ErrInvalidToken)
}

// testMapRunChildren: an execution keeps the Map Run that started it, and ListExecutions filters by it.
func testMapRunChildren(t *testing.T, s store.Store) {
	parent := create(t, s, "m", "parent")
	runs := []*store.MapRun{MapRun(parent.Arn, "a"), MapRun(parent.Arn, "b")}
	for _, r := range runs {
		require.NoError(t, s.CreateMapRun(ctx(), r))
	}
	for i := range 7 {
		child := Execution("child", fmt.Sprintf("c%d", i))
		child.MapRunArn = runs[i%2].Arn
		_, err := s.CreateExecution(ctx(), child, Events(1, 1))
		require.NoError(t, err)
		if i%3 == 0 {
			child.Status = store.Succeeded
			require.NoError(t, s.Commit(ctx(), store.Step{Execution: child}))
		}
		if i == 3 {
			create(t, s, "child", "plain")
		}
	}
	got, err := s.GetExecution(ctx(), Execution("child", "c1").Arn)
	require.NoError(t, err)
	require.Equal(t, runs[1].Arn, got.MapRunArn)
	got, err = s.GetExecution(ctx(), parent.Arn)
	require.NoError(t, err)
	require.Empty(t, got.MapRunArn)
	unfinished, err := s.Unfinished(ctx())
	require.NoError(t, err)
	require.Equal(t, runs[1].Arn, unfinished[1].MapRunArn, "c1 comes after the parent")

	list := func(f store.ExecutionFilter, max int) []string {
		var names []string
		token := ""
		for {
			page, next, err := s.ListExecutions(ctx(), f, store.Page{Token: token, Max: max})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), max)
			for _, e := range page {
				names = append(names, e.Name)
				require.Equal(t, f.MapRunArn, e.MapRunArn)
			}
			if next == "" {
				return names
			}
			token = next
		}
	}
	require.Equal(t, []string{"c6", "c4", "c2", "c0"}, list(store.ExecutionFilter{MapRunArn: runs[0].Arn}, 3))
	require.Equal(t, []string{"c5", "c3", "c1"}, list(store.ExecutionFilter{MapRunArn: runs[1].Arn}, 1))
	require.Equal(t, []string{"c6", "c0"}, list(store.ExecutionFilter{MapRunArn: runs[0].Arn, Status: store.Succeeded}, 1))
	require.Equal(t, []string{"c5", "c1"}, list(store.ExecutionFilter{MapRunArn: runs[1].Arn, Status: store.Running}, 5))
	require.Empty(t, list(store.ExecutionFilter{MapRunArn: runs[0].Arn + "x"}, 2))
	all, _, err := s.ListExecutions(ctx(), store.ExecutionFilter{StateMachineArn: Execution("child", "").StateMachineArn}, store.Page{})
	require.NoError(t, err)
	require.Len(t, all, 8, "without the filter, children are listed with the others")
	require.Equal(t, runs[0].Arn, all[0].MapRunArn)
	require.Equal(t, "plain", all[3].Name)
	require.Empty(t, all[3].MapRunArn)
}

// testMapRunCascade: a Map Run goes with its execution; its children, executions of their own, stay.
func testMapRunCascade(t *testing.T, s store.Store) {
	quick := Execution("m", "quick")
	quick.Transient = true
	_, err := s.CreateExecution(ctx(), quick, Events(1, 1))
	require.NoError(t, err)
	kept := create(t, s, "m", "kept")
	gone, stays := MapRun(quick.Arn, "a"), MapRun(kept.Arn, "a")
	for _, r := range []*store.MapRun{gone, stays, MapRun(quick.Arn, "b")} {
		require.NoError(t, s.CreateMapRun(ctx(), r))
	}
	child := Execution("child", "c")
	child.MapRunArn = gone.Arn
	_, err = s.CreateExecution(ctx(), child, Events(1, 1))
	require.NoError(t, err)

	for _, e := range []*store.Execution{quick, kept} {
		e.Status, e.StopDate = store.Succeeded, t0.Add(time.Second)
		require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(2, 1)}))
	}
	_, err = s.GetMapRun(ctx(), gone.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetMapRun(ctx(), MapRun(quick.Arn, "b").Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.UpdateMapRun(ctx(), gone.Arn, func(*store.MapRun) error { return nil }), store.ErrNotFound)
	_, _, err = s.ListMapRuns(ctx(), quick.Arn, store.Page{})
	require.ErrorIs(t, err, store.ErrNotFound)
	got, err := s.GetMapRun(ctx(), stays.Arn)
	require.NoError(t, err)
	require.Equal(t, stays, got, "a finished execution that is kept keeps its Map Runs")

	children, _, err := s.ListExecutions(ctx(), store.ExecutionFilter{MapRunArn: gone.Arn}, store.Page{})
	require.NoError(t, err)
	require.Len(t, children, 1, "a child is an execution of its own")
	require.Equal(t, child.Arn, children[0].Arn)
	require.ErrorIs(t, s.CreateMapRun(ctx(), MapRun(quick.Arn, "late")), store.ErrNotFound)
}
