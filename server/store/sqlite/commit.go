package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aslrun/aslrun/server/store"
)

// Commit implements store.Store. The transaction makes the step atomic: any error rolls all of it back.
func (s *Store) Commit(ctx context.Context, st store.Step) error {
	if err := st.Validate(); err != nil {
		return err
	}
	e := st.Execution
	var lastEvent int64
	err := s.write(ctx, func(tx *tx) error {
		var seq, version, last int64
		var transient bool
		err := tx.queryRow(`SELECT seq, version, last_event, transient FROM executions WHERE arn = ?`, e.Arn).Scan(&seq, &version, &last, &transient)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: execution %s", store.ErrNotFound, e.Arn)
		}
		if err != nil {
			return err
		}
		if version != e.Version {
			return fmt.Errorf("%w: execution %s is at version %d, not %d", store.ErrConflict, e.Arn, version, e.Version)
		}
		if err := store.CheckEvents(e.Arn, last, st.Events); err != nil {
			return err
		}
		lastEvent = last + int64(len(st.Events))
		if _, err := tx.exec(`UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop_date = ?,
			checkpoint = ?, redrive_count = ?, redrive_date = ?, version = version + 1, last_event = ? WHERE seq = ?`,
			e.Status, optional(e.Output), optional(e.Error), optional(e.Cause), micros(e.StopDate), blob(e.Checkpoint),
			e.RedriveCount, micros(e.RedriveDate), last+int64(len(st.Events)), seq); err != nil {
			return err
		}
		if err := insertEvents(tx, seq, st.Events); err != nil {
			return err
		}
		if err := applyTimers(tx, st); err != nil {
			return err
		}
		if err := applyTokens(tx, st); err != nil {
			return err
		}
		switch {
		case store.Finished(e.Status) && transient:
			return dropExecution(tx, seq, e.Arn)
		case store.Finished(e.Status):
			_, err = tx.exec(`DELETE FROM timers WHERE execution_arn = ?`, e.Arn)
		}
		return err
	})
	if violates(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) {
		return fmt.Errorf("%w: the step names an execution that does not exist", store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	e.Version, e.LastEvent = e.Version+1, lastEvent
	return nil
}

func applyTimers(tx *tx, st store.Step) error {
	for _, k := range st.DeleteTimers {
		if _, err := tx.exec(`DELETE FROM timers WHERE execution_arn = ? AND key = ?`, k.ExecutionArn, k.Key); err != nil {
			return err
		}
	}
	for _, t := range st.SetTimers {
		due := micros(t.Due)
		if _, err := tx.exec(`INSERT INTO timers (execution_arn, key, due, owner, lease_until, ready_at)
			VALUES (?, ?, ?, '', NULL, coalesce(?, 0))
			ON CONFLICT (execution_arn, key) DO UPDATE SET due = excluded.due, owner = '', lease_until = NULL, ready_at = excluded.ready_at`,
			t.ExecutionArn, t.Key, due, due); err != nil {
			return err
		}
	}
	return nil
}

func applyTokens(tx *tx, st store.Step) error {
	for _, t := range st.Tokens {
		if _, err := tx.exec(`INSERT INTO tokens (token, execution_arn, state_name, status, output, error, cause,
			created, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET execution_arn = excluded.execution_arn, state_name = excluded.state_name,
			status = excluded.status, output = excluded.output, error = excluded.error, cause = excluded.cause,
			created = excluded.created, heartbeat_at = excluded.heartbeat_at`,
			t.Token, t.ExecutionArn, t.StateName, t.Status, t.Output, optional(t.Error), optional(t.Cause),
			micros(t.Created), micros(t.HeartbeatAt)); err != nil {
			return err
		}
	}
	for _, t := range st.ActivityTasks {
		if _, err := tx.exec(`INSERT INTO activity_tasks (token, activity_arn, execution_arn, input, status,
			worker_name, created) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET activity_arn = excluded.activity_arn, execution_arn = excluded.execution_arn,
			input = excluded.input, status = excluded.status, worker_name = excluded.worker_name, created = excluded.created`,
			t.Token, t.ActivityArn, t.ExecutionArn, t.Input, t.Status, t.WorkerName, micros(t.Created)); err != nil {
			return err
		}
	}
	return nil
}

// dropExecution deletes an execution and every row that names it, the rows first for their foreign keys.
func dropExecution(tx *tx, seq int64, arn string) error {
	if _, err := tx.exec(`DELETE FROM events WHERE execution = ?`, seq); err != nil {
		return err
	}
	for _, table := range []string{"timers", "tokens", "activity_tasks"} {
		if _, err := tx.exec(`DELETE FROM `+table+` WHERE execution_arn = ?`, arn); err != nil {
			return err
		}
	}
	_, err := tx.exec(`DELETE FROM executions WHERE seq = ?`, seq)
	return err
}
