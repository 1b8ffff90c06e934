package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aslrun/aslrun/server/store"
)

// Commit implements store.Store in one transaction and two round trips: BEGIN and the whole step go in one
// pipelined batch, whose first statement is the version-checked UPDATE; COMMIT or ROLLBACK follows once the
// batch's results are read. Statements after an UPDATE that matched nothing still run, harmlessly: the
// transaction is rolled back. Any error rolls all of it back.
func (s *Store) Commit(ctx context.Context, st store.Step) error {
	return unreachable(s.commit(ctx, st))
}

func (s *Store) commit(ctx context.Context, st store.Step) error {
	if err := st.Validate(); err != nil {
		return err
	}
	e := st.Execution
	n := int64(len(st.Events))
	if n > 0 {
		// Dense among themselves here; that they continue the stored history is checked against the UPDATE's result.
		if err := store.CheckEvents(e.Arn, st.Events[0].ID-1, st.Events); err != nil {
			return err
		}
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection released inside a transaction (ROLLBACK failed) is closed by the pool, not reused.
	defer conn.Release()

	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	// The row lock this UPDATE takes serialises steps of one execution; the one that waited finds the version
	// moved on and matches nothing.
	b.Queue(`UPDATE executions SET status = $3, output = $4, error = $5, cause = $6, stop_date = $7,
		checkpoint = $8, redrive_count = $10, redrive_date = $11, version = version + 1, last_event = last_event + $9
		WHERE arn = $1 AND version = $2 RETURNING last_event`,
		e.Arn, e.Version, e.Status, e.Output, e.Error, e.Cause, timestamp(e.StopDate), blob(e.Checkpoint), n,
		e.RedriveCount, timestamp(e.RedriveDate))
	if n > 0 {
		b.Queue(insertEventsSQL, eventArgs(e.Arn, st.Events)...)
	}
	queueTimers(b, st)
	if soon(st.SetTimers) {
		b.Queue(`NOTIFY ` + wakeChannel)
	}
	queueTokens(b, st)
	if store.Finished(e.Status) {
		// Nothing is left to wake; a transient execution goes whole, its rows with it (ON DELETE CASCADE).
		b.Queue(`DELETE FROM timers WHERE execution_arn = $1`, e.Arn)
		b.Queue(`DELETE FROM executions WHERE arn = $1 AND transient`, e.Arn)
	}
	br := conn.SendBatch(ctx, b)
	var lastEvent int64
	_, err = br.Exec()
	if err == nil {
		err = br.QueryRow().Scan(&lastEvent)
	}
	updated := err == nil
	if err == nil {
		// The primary key (execution, id) refuses a repeated ID, but only this check tells it from other errors.
		err = store.CheckEvents(e.Arn, lastEvent-n, st.Events)
	}
	err = errors.Join(err, br.Close())
	if err == nil {
		_, err = conn.Exec(ctx, `COMMIT`)
		if err == nil {
			e.Version, e.LastEvent = e.Version+1, lastEvent
			return nil
		}
	}
	_, _ = conn.Exec(ctx, `ROLLBACK`)
	switch {
	case !updated && errors.Is(err, pgx.ErrNoRows):
		return stale(ctx, conn, e)
	case errors.Is(err, store.ErrInvalid):
		return store.CheckEvents(e.Arn, lastEvent-n, st.Events)
	case violates(err, foreignKeyViolation):
		return fmt.Errorf("%w: the step names an execution that does not exist", store.ErrNotFound)
	}
	return err
}

// stale explains why the version-checked UPDATE matched no row: the execution is absent, or at another version.
// It asks on the step's connection: waiting for another could exhaust the pool.
func stale(ctx context.Context, conn *pgxpool.Conn, e *store.Execution) error {
	var version int64
	err := conn.QueryRow(ctx, `SELECT version FROM executions WHERE arn = $1`, e.Arn).Scan(&version)
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
