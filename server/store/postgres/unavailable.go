package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// The exported methods below implement store.Store over the unexported ones, marking errors of the
// connection as store.ErrUnavailable (unreachable), so that the service can tell a database that is down
// from a refused statement.

// ListExecutions implements store.Store.
func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]*store.Execution, string, error) {
	got, next, err := s.listExecutions(ctx, f, p)
	return got, next, unreachable(err)
}

// Unfinished implements store.Store.
func (s *Store) Unfinished(ctx context.Context) ([]*store.Execution, error) {
	got, err := s.unfinished(ctx)
	return got, unreachable(err)
}

// History implements store.Store.
func (s *Store) History(ctx context.Context, arn string, p store.Page, reverse bool) ([]store.Event, string, error) {
	got, next, err := s.history(ctx, arn, p, reverse)
	return got, next, unreachable(err)
}

// CreateStateMachine implements store.Store.
func (s *Store) CreateStateMachine(ctx context.Context, sm *store.StateMachine) error {
	return unreachable(s.createStateMachine(ctx, sm))
}

// GetStateMachine implements store.Store.
func (s *Store) GetStateMachine(ctx context.Context, arn string) (*store.StateMachine, error) {
	got, err := s.getStateMachine(ctx, arn)
	return got, unreachable(err)
}

// UpdateStateMachine implements store.Store.
func (s *Store) UpdateStateMachine(ctx context.Context, sm *store.StateMachine) error {
	return unreachable(s.updateStateMachine(ctx, sm))
}

// DeleteStateMachine implements store.Store.
func (s *Store) DeleteStateMachine(ctx context.Context, arn string) error {
	return unreachable(s.deleteStateMachine(ctx, arn))
}

// ListStateMachines implements store.Store.
func (s *Store) ListStateMachines(ctx context.Context, p store.Page) ([]*store.StateMachine, string, error) {
	got, next, err := s.listStateMachines(ctx, p)
	return got, next, unreachable(err)
}

// CreateActivity implements store.Store.
func (s *Store) CreateActivity(ctx context.Context, a *store.Activity) error {
	return unreachable(s.createActivity(ctx, a))
}

// GetActivity implements store.Store.
func (s *Store) GetActivity(ctx context.Context, arn string) (*store.Activity, error) {
	got, err := s.getActivity(ctx, arn)
	return got, unreachable(err)
}

// DeleteActivity implements store.Store.
func (s *Store) DeleteActivity(ctx context.Context, arn string) error {
	return unreachable(s.deleteActivity(ctx, arn))
}

// ListActivities implements store.Store.
func (s *Store) ListActivities(ctx context.Context, p store.Page) ([]*store.Activity, string, error) {
	got, next, err := s.listActivities(ctx, p)
	return got, next, unreachable(err)
}

// SetTags implements store.Store.
func (s *Store) SetTags(ctx context.Context, arn string, tags map[string]string, remove []string) error {
	return unreachable(s.setTags(ctx, arn, tags, remove))
}

// ClaimActivityTask implements store.Store.
func (s *Store) ClaimActivityTask(ctx context.Context, activityArn, worker string) (*store.ActivityTask, error) {
	got, err := s.claimActivityTask(ctx, activityArn, worker)
	return got, unreachable(err)
}

// ClaimDueTimers implements store.Store.
func (s *Store) ClaimDueTimers(ctx context.Context, now time.Time, owner string, lease time.Duration, n int) ([]store.Timer, error) {
	got, err := s.claimDueTimers(ctx, now, owner, lease, n)
	return got, unreachable(err)
}

// ReleaseTimers implements store.Store.
func (s *Store) ReleaseTimers(ctx context.Context, owner string) error {
	return unreachable(s.releaseTimers(ctx, owner))
}

// CreateMapRun implements store.Store.
func (s *Store) CreateMapRun(ctx context.Context, m *store.MapRun) error {
	return unreachable(s.createMapRun(ctx, m))
}

// GetMapRun implements store.Store.
func (s *Store) GetMapRun(ctx context.Context, arn string) (*store.MapRun, error) {
	got, err := s.getMapRun(ctx, arn)
	return got, unreachable(err)
}

// UpdateMapRun implements store.Store. An error of change comes back as change returned it: unreachable
// would take it for the connection's.
func (s *Store) UpdateMapRun(ctx context.Context, arn string, change func(*store.MapRun) error) error {
	err := s.updateMapRun(ctx, arn, change)
	if c, ok := errors.AsType[changeError](err); ok {
		return c.err
	}
	return unreachable(err)
}

// ListMapRuns implements store.Store.
func (s *Store) ListMapRuns(ctx context.Context, executionArn string, p store.Page) ([]*store.MapRun, string, error) {
	got, next, err := s.listMapRuns(ctx, executionArn, p)
	return got, next, unreachable(err)
}
