package memory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
	"github.com/aslrun/aslrun/server/store/storetest"
)

// TestRetention runs scripts of steps against a store with a Retention and checks which executions it
// still holds, newest first. Steps: "start X", "finish X", "rerun X" (a finished X runs again), "wait D"
// (the store's clock moves on by D).
func TestRetention(t *testing.T) {
	tests := []struct {
		name   string
		retain memory.Retention
		steps  []string
		want   []string
	}{
		{"unbounded keeps all", memory.Retention{},
			[]string{"start a", "start b", "finish a", "finish b", "wait 1000h", "start c"}, []string{"c", "b", "a"}},
		{"count drops the first finished", memory.Retention{Executions: 2},
			[]string{"start a", "start b", "start c", "start d", "finish b", "finish a", "finish c"}, []string{"d", "c", "a"}},
		{"count never drops running ones", memory.Retention{Executions: 1},
			[]string{"start a", "start b", "start c", "finish c"}, []string{"c", "b", "a"}},
		{"age drops at the next start", memory.Retention{For: time.Hour},
			[]string{"start a", "start b", "finish a", "wait 30m", "finish b", "wait 31m", "start c"}, []string{"c", "b"}},
		{"age drops at the next finish", memory.Retention{For: time.Hour},
			[]string{"start a", "start b", "finish a", "wait 61m", "finish b"}, []string{"b"}},
		{"age is kept to the limit", memory.Retention{For: time.Hour},
			[]string{"start a", "finish a", "wait 60m", "start b"}, []string{"b", "a"}},
		{"either bound drops", memory.Retention{Executions: 2, For: time.Hour},
			[]string{"start a", "finish a", "start b", "finish b", "wait 2h", "start c", "finish c"}, []string{"c"}},
		{"a rerun is not finished", memory.Retention{Executions: 1},
			[]string{"start a", "finish a", "rerun a", "start b", "finish b", "start c"}, []string{"c", "b", "a"}},
		{"a rerun counts from its new finish", memory.Retention{Executions: 1},
			[]string{"start a", "start b", "finish a", "rerun a", "finish b", "finish a"}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			s := memory.New(memory.WithRetention(tt.retain), memory.WithClock(func() time.Time { return now }))
			records := map[string]*store.Execution{}
			for _, step := range tt.steps {
				verb, arg, _ := strings.Cut(step, " ")
				switch verb {
				case "start":
					e := storetest.Execution("m", arg)
					_, err := s.CreateExecution(ctx, e, storetest.Events(1, 1))
					require.NoError(t, err, step)
					records[arg] = e
				case "finish", "rerun":
					e := records[arg]
					e.Status, e.StopDate = store.Succeeded, now
					if verb == "rerun" {
						e.Status, e.StopDate = store.Running, time.Time{}
					}
					require.NoError(t, s.Commit(ctx, store.Step{Execution: e}), step)
				case "wait":
					d, err := time.ParseDuration(arg)
					require.NoError(t, err)
					now = now.Add(d)
				default:
					t.Fatalf("unknown step %q", step)
				}
			}
			assert.Equal(t, tt.want, names(t, s))
			for name, e := range records {
				_, err := s.GetExecution(ctx, e.Arn)
				if slices.Contains(tt.want, name) {
					assert.NoError(t, err, name)
				} else {
					assert.ErrorIs(t, err, store.ErrNotFound, name)
				}
			}
		})
	}
}

// TestRetentionDropsRows: an execution that goes takes its history, task tokens and Map Runs with it.
func TestRetentionDropsRows(t *testing.T) {
	ctx := context.Background()
	s := memory.New(memory.WithRetention(memory.Retention{Executions: 1}))
	var arns []string
	for i := range 2 {
		e := storetest.Execution("m", fmt.Sprint(i))
		_, err := s.CreateExecution(ctx, e, storetest.Events(1, 1))
		require.NoError(t, err)
		require.NoError(t, s.CreateMapRun(ctx, storetest.MapRun(e.Arn, "r")))
		token := store.Token{Token: "t" + fmt.Sprint(i), ExecutionArn: e.Arn, Status: store.TokenPending}
		require.NoError(t, s.Commit(ctx, store.Step{Execution: e, Events: storetest.Events(2, 1), Tokens: []store.Token{token}}))
		token.Status = store.TokenSucceeded
		e.Status = store.Succeeded
		require.NoError(t, s.Commit(ctx, store.Step{Execution: e, Tokens: []store.Token{token}}))
		arns = append(arns, e.Arn)
	}
	_, _, err := s.History(ctx, arns[0], store.Page{}, false)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetToken(ctx, "t0")
	require.ErrorIs(t, err, store.ErrNotFound)
	events, _, err := s.History(ctx, arns[1], store.Page{}, false)
	require.NoError(t, err)
	require.Len(t, events, 2)
	_, err = s.GetToken(ctx, "t1")
	require.NoError(t, err)
	_, err = s.GetMapRun(ctx, storetest.MapRun(arns[0], "r").Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = s.ListMapRuns(ctx, arns[0], store.Page{})
	require.ErrorIs(t, err, store.ErrNotFound)
	runs, _, err := s.ListMapRuns(ctx, arns[1], store.Page{})
	require.NoError(t, err)
	require.Len(t, runs, 1)
}

// TestRetentionMapRunChildren: the MapRunArn filter lists a Map Run's kept children, page after page,
// while the retention drops the older ones under it.
func TestRetentionMapRunChildren(t *testing.T) {
	ctx := context.Background()
	s := memory.New(memory.WithRetention(memory.Retention{Executions: 10}))
	parent := storetest.Execution("m", "parent")
	_, err := s.CreateExecution(ctx, parent, nil)
	require.NoError(t, err)
	run := storetest.MapRun(parent.Arn, "r")
	require.NoError(t, s.CreateMapRun(ctx, run))
	finish := func(i int) {
		e := storetest.Execution("child", fmt.Sprint(i))
		e.MapRunArn = run.Arn
		_, err := s.CreateExecution(ctx, e, nil)
		require.NoError(t, err)
		e.Status = store.Failed
		require.NoError(t, s.Commit(ctx, store.Step{Execution: e}))
	}
	for i := range 100 {
		finish(i)
	}
	filter := store.ExecutionFilter{MapRunArn: run.Arn}
	first, next, err := s.ListExecutions(ctx, filter, store.Page{Max: 4})
	require.NoError(t, err)
	require.Equal(t, "99", first[0].Name)
	for i := 100; i < 104; i++ {
		finish(i)
	}
	rest, last, err := s.ListExecutions(ctx, filter, store.Page{Token: next, Max: 100})
	require.NoError(t, err)
	require.Empty(t, last)
	var got []string
	for _, e := range rest {
		got = append(got, e.Name)
	}
	assert.Equal(t, []string{"95", "94"}, got)
	_, err = s.GetMapRun(ctx, run.Arn)
	require.NoError(t, err, "a running execution keeps its Map Run")
}

// TestRetentionPages: listing pages stay right while dropped executions are compacted away under them.
func TestRetentionPages(t *testing.T) {
	ctx := context.Background()
	s := memory.New(memory.WithRetention(memory.Retention{Executions: 10}))
	finish := func(i int) {
		e := storetest.Execution("m", fmt.Sprint(i))
		_, err := s.CreateExecution(ctx, e, nil)
		require.NoError(t, err)
		e.Status = store.Failed
		require.NoError(t, s.Commit(ctx, store.Step{Execution: e}))
	}
	for i := range 100 {
		finish(i)
	}
	first, next, err := s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{Max: 4})
	require.NoError(t, err)
	require.Equal(t, "99", first[0].Name)
	for i := 100; i < 104; i++ {
		finish(i) // drops 90..93, which the page token does not point past
	}
	rest, last, err := s.ListExecutions(ctx, store.ExecutionFilter{}, store.Page{Token: next, Max: 100})
	require.NoError(t, err)
	require.Empty(t, last)
	var got []string
	for _, e := range rest {
		got = append(got, e.Name)
	}
	assert.Equal(t, []string{"95", "94"}, got)
}

func names(t *testing.T, s *memory.Store) []string {
	t.Helper()
	list, _, err := s.ListExecutions(context.Background(), store.ExecutionFilter{}, store.Page{})
	require.NoError(t, err)
	out := []string{}
	for _, e := range list {
		out = append(out, e.Name)
	}
	return out
}
