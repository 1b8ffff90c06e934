package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/storetest"
)

// TestUnusable: with a canceled context, or once closed, every method returns an error and none panics.
func TestUnusable(t *testing.T) {
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	live := open(t, filepath.Join(t.TempDir(), "live.db"))
	defer live.Close()
	closed := open(t, filepath.Join(t.TempDir(), "closed.db"))
	require.NoError(t, closed.Close())

	for name, c := range map[string]struct {
		s   store.Store
		ctx context.Context
	}{"canceled": {live, canceled}, "closed": {closed, t.Context()}} {
		t.Run(name, func(t *testing.T) {
			s, ctx := c.s, c.ctx
			e := storetest.Execution("m", "e")
			_, _, errNext := s.NextTimer(ctx)
			_, errCreate := s.CreateExecution(ctx, e, nil)
			errs := []error{
				s.CreateStateMachine(ctx, storetest.Machine("m")),
				s.UpdateStateMachine(ctx, storetest.Machine("m")),
				s.DeleteStateMachine(ctx, "arn"),
				s.CreateActivity(ctx, &store.Activity{Arn: "arn", Name: "a"}),
				s.DeleteActivity(ctx, "arn"),
				s.SetTags(ctx, "arn", nil, nil),
				s.Commit(ctx, store.Step{Execution: e}),
				errNext, errCreate,
				second(s.GetStateMachine(ctx, "arn")),
				third(s.ListStateMachines(ctx, store.Page{})),
				second(s.GetActivity(ctx, "arn")),
				third(s.ListActivities(ctx, store.Page{})),
				second(s.GetExecution(ctx, e.Arn)),
				third(s.ListExecutions(ctx, store.ExecutionFilter{Status: store.Running}, store.Page{})),
				second(s.Unfinished(ctx)),
				third(s.History(ctx, e.Arn, store.Page{}, false)),
				second(s.ClaimDueTimers(ctx, time.Now(), "o", time.Second, 1)),
				second(s.GetToken(ctx, "t")),
				second(s.ClaimActivityTask(ctx, "arn", "w")),
			}
			for i, err := range errs {
				require.Error(t, err, "call %d", i)
			}
		})
	}
}

func second[A any](_ A, err error) error { return err }

func third[A, B any](_ A, _ B, err error) error { return err }
