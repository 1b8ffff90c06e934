package storetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

func testCreateExecution(t *testing.T, s store.Store) {
	e := Execution("m", "e1")
	e.Cause = ptr("") // present but empty differs from absent
	got, err := s.CreateExecution(ctx(), e, Events(1, 2))
	require.NoError(t, err)
	require.Equal(t, int64(1), e.Version, "the caller's record is at the stored version")
	want := Execution("m", "e1")
	want.Cause, want.Version, want.LastEvent = ptr(""), 1, 2
	require.Equal(t, want, got)
	got.Checkpoint[0] = 'X'
	got, err = s.GetExecution(ctx(), e.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Nil(t, got.Output)
	require.Nil(t, got.Error)

	again := Execution("m", "e1")
	again.Input = `{"n":2}`
	existing, err := s.CreateExecution(ctx(), again, Events(1, 1))
	require.ErrorIs(t, err, store.ErrExists)
	require.Equal(t, `{"n":1}`, existing.Input, "the existing execution comes back for idempotency checks")

	_, err = s.GetExecution(ctx(), e.Arn+"x")
	require.ErrorIs(t, err, store.ErrNotFound)

	gap := Execution("m", "gap")
	_, err = s.CreateExecution(ctx(), gap, Events(2, 1))
	require.ErrorIs(t, err, store.ErrInvalid, "the first event is 1")
	_, err = s.GetExecution(ctx(), gap.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.CreateExecution(ctx(), &store.Execution{}, nil)
	require.ErrorIs(t, err, store.ErrInvalid)

	none := Execution("m", "no-events")
	_, err = s.CreateExecution(ctx(), none, nil)
	require.NoError(t, err)
	evs, _, err := s.History(ctx(), none.Arn, store.Page{}, false)
	require.NoError(t, err)
	require.Empty(t, evs)
}

func testListExecutions(t *testing.T, s store.Store) {
	for i := range 9 {
		machine := []string{"a", "b"}[i%2]
		e := create(t, s, machine, fmt.Sprintf("e%d", i))
		if i%3 == 0 {
			e.Status = store.Succeeded
			require.NoError(t, s.Commit(ctx(), store.Step{Execution: e}))
		}
	}
	list := func(f store.ExecutionFilter, max int) []string {
		var names []string
		token := ""
		for {
			page, next, err := s.ListExecutions(ctx(), f, store.Page{Token: token, Max: max})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), max)
			for _, e := range page {
				names = append(names, e.Name)
			}
			if next == "" {
				return names
			}
			token = next
		}
	}
	machineA := Execution("a", "").StateMachineArn
	require.Equal(t, []string{"e8", "e7", "e6", "e5", "e4", "e3", "e2", "e1", "e0"}, list(store.ExecutionFilter{}, 4), "newest first")
	require.Equal(t, []string{"e8", "e6", "e4", "e2", "e0"}, list(store.ExecutionFilter{StateMachineArn: machineA}, 2))
	require.Equal(t, []string{"e6", "e3", "e0"}, list(store.ExecutionFilter{Status: store.Succeeded}, 1))
	require.Equal(t, []string{"e8", "e4", "e2"}, list(store.ExecutionFilter{StateMachineArn: machineA, Status: store.Running}, 2))
	require.Empty(t, list(store.ExecutionFilter{StateMachineArn: machineA + "x"}, 2))

	page, next, err := s.ListExecutions(ctx(), store.ExecutionFilter{}, store.Page{Max: 3})
	require.NoError(t, err)
	require.Len(t, page, 3)
	create(t, s, "a", "late")
	page, _, err = s.ListExecutions(ctx(), store.ExecutionFilter{}, store.Page{Token: next, Max: 3})
	require.NoError(t, err)
	require.Equal(t, "e5", page[0].Name, "an execution started after the first page does not shift the next")

	_, _, err = s.ListExecutions(ctx(), store.ExecutionFilter{}, store.Page{Token: "%%%"})
	require.ErrorIs(t, err, store.ErrInvalidToken)
	_, _, err = s.ListExecutions(ctx(), store.ExecutionFilter{}, store.Page{Token: store.NextToken(store.KindHistory, 1)})
	require.ErrorIs(t, err, store.ErrInvalidToken)
}

func testUnfinished(t *testing.T, s store.Store) {
	statuses := []string{store.Running, store.Succeeded, store.PendingRedrive, store.Failed, store.Running, store.TimedOut, store.Aborted}
	for i, status := range statuses {
		e := create(t, s, "m", fmt.Sprintf("e%d", i))
		if status != store.Running {
			e.Status = status
			require.NoError(t, s.Commit(ctx(), store.Step{Execution: e}))
		}
	}
	got, err := s.Unfinished(ctx())
	require.NoError(t, err)
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
		require.Equal(t, definition, e.Definition, "a resumed execution needs its definition")
	}
	require.Equal(t, []string{"e0", "e2", "e4"}, names)
}

// testExecutionTestCase checks that the mock-config test case is kept wherever a resumed execution is read
// from, and that Commit leaves it alone: it is fixed when the execution starts.
func testExecutionTestCase(t *testing.T, s store.Store) {
	const testCase = "HappyPath"
	e := Execution("m", "mocked")
	e.TestCase = testCase
	got, err := s.CreateExecution(ctx(), e, Events(1, 1))
	require.NoError(t, err)
	require.Equal(t, testCase, got.TestCase)
	plain := create(t, s, "m", "plain")

	check := func(when string) {
		t.Helper()
		got, err := s.GetExecution(ctx(), e.Arn)
		require.NoError(t, err)
		require.Equal(t, testCase, got.TestCase, "GetExecution %s", when)
		got, err = s.GetExecution(ctx(), plain.Arn)
		require.NoError(t, err)
		require.Empty(t, got.TestCase, "GetExecution %s", when)
		unfinished, err := s.Unfinished(ctx())
		require.NoError(t, err)
		require.Len(t, unfinished, 2)
		require.Equal(t, testCase, unfinished[0].TestCase, "Unfinished %s", when)
		require.Empty(t, unfinished[1].TestCase, "Unfinished %s", when)
		list, _, err := s.ListExecutions(ctx(), store.ExecutionFilter{}, store.Page{})
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, testCase, list[1].TestCase, "ListExecutions %s", when)
	}
	check("after CreateExecution")

	e.TestCase = "Other" // not a mutable field: the step must not carry it into the store
	e.Checkpoint = []byte("checkpoint-1")
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(2, 1)}))
	check("after Commit")
	got, err = s.GetExecution(ctx(), e.Arn)
	require.NoError(t, err)
	require.Equal(t, []byte("checkpoint-1"), got.Checkpoint, "the step itself was applied")

	got.TestCase = "Changed"
	check("after changing a returned copy")
}

func testHistory(t *testing.T, s store.Store) {
	e := Execution("m", "e")
	_, err := s.CreateExecution(ctx(), e, Events(1, 3))
	require.NoError(t, err)
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(4, 4)}))

	all, next, err := s.History(ctx(), e.Arn, store.Page{}, false)
	require.NoError(t, err)
	require.Empty(t, next)
	want := Events(1, 7)
	for i := range want {
		want[i].ExecutionArn = e.Arn
	}
	require.Equal(t, want, all)

	ids := func(reverse bool, max int) [][]int64 {
		var pages [][]int64
		token := ""
		for {
			evs, next, err := s.History(ctx(), e.Arn, store.Page{Token: token, Max: max}, reverse)
			require.NoError(t, err)
			var page []int64
			for _, ev := range evs {
				page = append(page, ev.ID)
			}
			pages = append(pages, page)
			if next == "" {
				return pages
			}
			token = next
		}
	}
	require.Equal(t, [][]int64{{1, 2, 3}, {4, 5, 6}, {7}}, ids(false, 3))
	require.Equal(t, [][]int64{{7, 6, 5}, {4, 3, 2}, {1}}, ids(true, 3))
	require.Equal(t, [][]int64{{1, 2, 3, 4, 5, 6, 7}}, ids(false, 7))
	require.Equal(t, [][]int64{{7, 6, 5, 4, 3, 2, 1}}, ids(true, 7))

	_, next, err = s.History(ctx(), e.Arn, store.Page{Max: 2}, false)
	require.NoError(t, err)
	_, _, err = s.History(ctx(), e.Arn, store.Page{Token: next}, true)
	require.ErrorIs(t, err, store.ErrInvalidToken, "a forward token does not page backwards")
	_, _, err = s.History(ctx(), e.Arn, store.Page{Token: "nope"}, false)
	require.ErrorIs(t, err, store.ErrInvalidToken)
	_, _, err = s.History(ctx(), e.Arn+"x", store.Page{}, false)
	require.ErrorIs(t, err, store.ErrNotFound)

	all[0].Data[0] = 'X'
	again, _, _ := s.History(ctx(), e.Arn, store.Page{Max: 1}, false)
	require.Equal(t, want[0], again[0], "events come out as copies")
}

// testLastEvent: the store keeps the id of an execution's latest event, whatever callers set, and
// hands it out with the record.
func testLastEvent(t *testing.T, s store.Store) {
	e := create(t, s, "m", "last")
	require.Equal(t, int64(1), e.LastEvent)
	e.LastEvent = 99
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: e, Events: Events(2, 2)}))
	require.Equal(t, int64(3), e.LastEvent, "Commit advances the caller's record")
	got, err := s.GetExecution(ctx(), e.Arn)
	require.NoError(t, err)
	require.Equal(t, int64(3), got.LastEvent)
	require.NoError(t, s.Commit(ctx(), store.Step{Execution: got}))
	unfinished, err := s.Unfinished(ctx())
	require.NoError(t, err)
	for _, u := range unfinished {
		if u.Arn == e.Arn {
			require.Equal(t, int64(3), u.LastEvent)
		}
	}
}
