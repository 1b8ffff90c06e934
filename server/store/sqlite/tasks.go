package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aslrun/aslrun/server/store"
)

// GetToken implements store.Store.
func (s *Store) GetToken(ctx context.Context, token string) (*store.Token, error) {
	t := store.Token{Token: token}
	var errorName, cause sql.Null[string]
	var created, heartbeat sql.Null[int64]
	err := s.queryRow(ctx, `SELECT execution_arn, state_name, status, output, error, cause, created, heartbeat_at
		FROM tokens WHERE token = ?`, token).Scan(&t.ExecutionArn, &t.StateName, &t.Status, &t.Output, &errorName, &cause, &created, &heartbeat)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: task token", store.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	t.Error, t.Cause, t.Created, t.HeartbeatAt = pointer(errorName), pointer(cause), timeOf(created), timeOf(heartbeat)
	return &t, nil
}

// ClaimActivityTask implements store.Store: one UPDATE takes the oldest scheduled task through its index.
func (s *Store) ClaimActivityTask(ctx context.Context, activityArn, worker string) (*store.ActivityTask, error) {
	var task *store.ActivityTask
	err := s.write(ctx, func(tx *tx) error {
		task = nil // fn may run again; see op
		t := store.ActivityTask{}
		var created sql.Null[int64]
		err := tx.queryRow(`UPDATE activity_tasks SET status = ?, worker_name = ?
			WHERE seq = (SELECT seq FROM activity_tasks WHERE activity_arn = ? AND status = ? ORDER BY created, seq LIMIT 1)
			RETURNING token, activity_arn, execution_arn, input, status, worker_name, created`,
			store.TaskStarted, worker, activityArn, store.TaskScheduled).
			Scan(&t.Token, &t.ActivityArn, &t.ExecutionArn, &t.Input, &t.Status, &t.WorkerName, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		t.Created = timeOf(created)
		task = &t
		return nil
	})
	return task, err
}
