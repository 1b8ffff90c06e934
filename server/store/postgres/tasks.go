package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aslrun/aslrun/server/store"
)

// GetToken implements store.Store.
func (s *Store) GetToken(ctx context.Context, token string) (*store.Token, error) {
	t, err := s.getToken(ctx, token)
	return t, unreachable(err)
}

func (s *Store) getToken(ctx context.Context, token string) (*store.Token, error) {
	t := store.Token{Token: token}
	var created, heartbeat pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT execution_arn, state_name, status, output, error, cause, created, heartbeat_at
		FROM tokens WHERE token = $1`, token).Scan(&t.ExecutionArn, &t.StateName, &t.Status, &t.Output, &t.Error, &t.Cause, &created, &heartbeat)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: task token", store.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	t.Created, t.HeartbeatAt = timeOf(created), timeOf(heartbeat)
	return &t, nil
}

// claimActivityTask is the body of ClaimActivityTask: one UPDATE takes the oldest scheduled task through its index,
// skipping tasks other workers are claiming at that moment rather than waiting for them.
func (s *Store) claimActivityTask(ctx context.Context, activityArn, worker string) (*store.ActivityTask, error) {
	t := store.ActivityTask{}
	var created pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `UPDATE activity_tasks SET status = $1, worker_name = $2
		WHERE seq = (SELECT seq FROM activity_tasks WHERE activity_arn = $3 AND status = $4
			ORDER BY created NULLS FIRST, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING token, activity_arn, execution_arn, input, status, worker_name, created`,
		store.TaskStarted, worker, activityArn, store.TaskScheduled).
		Scan(&t.Token, &t.ActivityArn, &t.ExecutionArn, &t.Input, &t.Status, &t.WorkerName, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.Created = timeOf(created)
	return &t, nil
}
