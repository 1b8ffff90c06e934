package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aslrun/aslrun/server/store"
)

// Commit implements store.Store, in one transaction of three round trips: the version-checked UPDATE, then
// the rest of the step pipelined in one batch, then COMMIT. Any error rolls all of it back.
func (s *Store) Commit(ctx context.Context, st store.Step) error {
	if err := st.Validate(); err != nil {
		return err
	}
	e := st.Execution
	n := int64(len(st.Events))
	var lastEvent int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// The row lock this UPDATE takes serialises steps of one execution; the one that waited finds the
		// version moved on and matches nothing.
		var seq int64
		var transient bool
		err := tx.QueryRow(ctx, `UPDATE executions SET status = $3, output = $4, error = $5, cause = $6, stop_date = $7,
			checkpoint = $8, version = version + 1, last_event = last_event + $9 WHERE arn = $1 AND version = $2
			RETURNING seq, last_event, transient`,
			e.Arn, e.Version, e.Status, e.Output, e.Error, e.Cause, timestamp(e.StopDate), blob(e.Checkpoint), n).
			Scan(&seq, &lastEvent, &transient)
		if errors.Is(err, pgx.ErrNoRows) {
			return stale(ctx, tx, e)
		}
		if err != nil {
			return err
		}
		if err := store.CheckEvents(e.Arn, lastEvent-n, st.Events); err != nil {
			return err
		}
		b := &pgx.Batch{}
		if n > 0 {
			b.Queue(insertEventsSQL, eventArgs(seq, st.Events)...)
		}
		queueTimers(b, st)
		queueTokens(b, st)
		switch {
		case store.Finished(e.Status) && transient:
			b.Queue(`DELETE FROM executions WHERE seq = $1`, seq) // its rows go with it: ON DELETE CASCADE
		case store.Finished(e.Status):
			b.Queue(`DELETE FROM timers WHERE execution_arn = $1`, e.Arn)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if violates(err, foreignKeyViolation) {
		return fmt.Errorf("%w: the step names an execution that does not exist", store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	e.Version, e.LastEvent = e.Version+1, lastEvent
	return nil
}

// stale explains why the version-checked UPDATE matched no row: the execution is absent, or at another version.
func stale(ctx context.Context, tx pgx.Tx, e *store.Execution) error {
	var version int64
	err := tx.QueryRow(ctx, `SELECT version FROM executions WHERE arn = $1`, e.Arn).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: execution %s", store.ErrNotFound, e.Arn)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: execution %s is at version %d, not %d", store.ErrConflict, e.Arn, version, e.Version)
}

// queueTimers deletes, then sets, the step's timers; setting one clears its lease.
func queueTimers(b *pgx.Batch, st store.Step) {
	for _, k := range st.DeleteTimers {
		b.Queue(`DELETE FROM timers WHERE execution_arn = $1 AND key = $2`, k.ExecutionArn, k.Key)
	}
	for _, t := range st.SetTimers {
		b.Queue(`INSERT INTO timers (execution_arn, key, due, owner, lease_until, ready_at)
			VALUES ($1, $2, $3::timestamptz, '', NULL, coalesce($3::timestamptz, 'epoch'))
			ON CONFLICT (execution_arn, key) DO UPDATE SET due = excluded.due, owner = '', lease_until = NULL, ready_at = excluded.ready_at`,
			t.ExecutionArn, t.Key, timestamp(t.Due))
	}
}

// queueTokens inserts or replaces the step's tokens and activity tasks by token.
func queueTokens(b *pgx.Batch, st store.Step) {
	for _, t := range st.Tokens {
		b.Queue(`INSERT INTO tokens (token, execution_arn, state_name, status, output, error, cause, created, heartbeat_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (token) DO UPDATE SET execution_arn = excluded.execution_arn, state_name = excluded.state_name,
			status = excluded.status, output = excluded.output, error = excluded.error, cause = excluded.cause,
			created = excluded.created, heartbeat_at = excluded.heartbeat_at`,
			t.Token, t.ExecutionArn, t.StateName, t.Status, t.Output, t.Error, t.Cause, timestamp(t.Created), timestamp(t.HeartbeatAt))
	}
	for _, t := range st.ActivityTasks {
		b.Queue(`INSERT INTO activity_tasks (token, activity_arn, execution_arn, input, status, worker_name, created)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (token) DO UPDATE SET activity_arn = excluded.activity_arn, execution_arn = excluded.execution_arn,
			input = excluded.input, status = excluded.status, worker_name = excluded.worker_name, created = excluded.created`,
			t.Token, t.ActivityArn, t.ExecutionArn, t.Input, t.Status, t.WorkerName, timestamp(t.Created))
	}
}
