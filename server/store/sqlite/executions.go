package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/aslrun/aslrun/server/store"
)

const executionColumns = `x.seq, x.arn, x.state_machine_arn, x.name, x.status, x.input, x.output, x.error, x.cause,
	x.start_date, x.stop_date, d.text, x.test_case, x.checkpoint, x.version, x.express, x.transient, x.last_event,
	x.map_run_arn, x.version_arn, x.alias_arn, x.redrive_count, x.redrive_date,
	x.trace_header
	FROM executions x JOIN definitions d ON d.hash = x.definition`

// executionRow is an execution with the columns records do not show.
type executionRow struct {
	seq int64
	*store.Execution
}

func scanExecution(row scanner) (executionRow, error) {
	var (
		e                   store.Execution
		r                   = executionRow{Execution: &e}
		output, errorName   sql.Null[string]
		cause               sql.Null[string]
		startDate, stopDate sql.Null[int64]
		redriveDate         sql.Null[int64]
	)
	err := row.Scan(&r.seq, &e.Arn, &e.StateMachineArn, &e.Name, &e.Status, &e.Input, &output, &errorName, &cause,
		&startDate, &stopDate, &e.Definition, &e.TestCase, &e.Checkpoint, &e.Version, &e.Express, &e.Transient, &e.LastEvent,
		&e.MapRunArn, &e.StateMachineVersionArn, &e.StateMachineAliasArn, &e.RedriveCount, &redriveDate, &e.TraceHeader)
	if err != nil {
		return executionRow{}, err
	}
	e.RedriveDate = timeOf(redriveDate)
	e.Output, e.Error, e.Cause = pointer(output), pointer(errorName), pointer(cause)
	e.StartDate, e.StopDate, e.Checkpoint = timeOf(startDate), timeOf(stopDate), bytesOf(e.Checkpoint)
	return r, nil
}

// loadExecution reads one execution with queryRow (a transaction's or the pool's); ErrNotFound when there is none.
func loadExecution(queryRow func(query string, args ...any) scanner, arn string) (executionRow, error) {
	r, err := scanExecution(queryRow(`SELECT `+executionColumns+` WHERE x.arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: execution %s", store.ErrNotFound, arn)
	}
	return r, err
}

// CreateExecution implements store.Store.
func (s *Store) CreateExecution(ctx context.Context, e *store.Execution, events []store.Event, timers ...store.Timer) (*store.Execution, error) {
	if e.Arn == "" {
		return nil, fmt.Errorf("%w: an execution needs an ARN", store.ErrInvalid)
	}
	if err := store.CheckEvents(e.Arn, 0, events); err != nil {
		return nil, err
	}
	var existing *store.Execution
	hash := sha256.Sum256([]byte(e.Definition))
	stored := s.definitionStored(hash)
	err := s.write(ctx, func(tx *tx) error {
		existing = nil // fn may run again; see op
		// A definition already committed costs no statement: most executions run one seen before.
		if !stored {
			if _, err := tx.exec(`INSERT INTO definitions (hash, text) VALUES (?, ?) ON CONFLICT DO NOTHING`, hash[:], e.Definition); err != nil {
				return err
			}
		}
		res, err := tx.exec(`INSERT INTO executions (arn, state_machine_arn, name, status, input, output, error, cause,
			start_date, stop_date, definition, test_case, checkpoint, version, express, transient, last_event, map_run_arn,
			version_arn, alias_arn, redrive_count, redrive_date, trace_header)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Arn, e.StateMachineArn, e.Name, e.Status, e.Input, optional(e.Output), optional(e.Error), optional(e.Cause),
			micros(e.StartDate), micros(e.StopDate), hash[:], e.TestCase, blob(e.Checkpoint), e.Express, e.Transient, len(events),
			e.MapRunArn, e.StateMachineVersionArn, e.StateMachineAliasArn, e.RedriveCount, micros(e.RedriveDate), e.TraceHeader)
		if uniqueViolation(err) {
			// The ARN is taken, which the insert finds out without a query first in the one writer's time:
			// the execution that holds it answers for AWS's idempotency.
			r, err := loadExecution(tx.queryRow, e.Arn)
			if err != nil {
				return err
			}
			existing = r.Execution
			return fmt.Errorf("%w: execution %s", store.ErrExists, e.Arn)
		}
		if err != nil {
			return err
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for _, t := range timers {
			ready := max(t.Due.UnixMicro(), t.LeaseUntil.UnixMicro(), 0) // claimable once due and no longer leased
			if _, err := tx.exec(`INSERT INTO timers (execution_arn, key, due, owner, lease_until, ready_at) VALUES (?, ?, ?, ?, ?, ?)`,
				e.Arn, t.Key, micros(t.Due), t.Owner, micros(t.LeaseUntil), ready); err != nil {
				return err
			}
		}
		return insertEvents(tx, seq, events)
	})
	if err != nil {
		return existing, err
	}
	s.definitionCommitted(hash)
	e.Version, e.LastEvent = 1, int64(len(events))
	return e.Clone(), nil
}

// eventsPerInsert is how many events one INSERT statement takes: a statement per event cost more in
// binding and stepping than the rows themselves.
const eventsPerInsert = 16

// insertEventsSQL[n] inserts n events.
var insertEventsSQL = func() (q [eventsPerInsert + 1]string) {
	for n := 1; n <= eventsPerInsert; n++ {
		q[n] = `INSERT INTO events (execution, id, timestamp, type, data) VALUES (?, ?, ?, ?, ?)` +
			strings.Repeat(`, (?, ?, ?, ?, ?)`, n-1)
	}
	return q
}()

// insertEvents appends events, already checked, to the execution numbered seq.
func insertEvents(tx *tx, seq int64, events []store.Event) error {
	args := make([]any, 0, 5*min(len(events), eventsPerInsert))
	for len(events) > 0 {
		n := min(len(events), eventsPerInsert)
		args = args[:0]
		for _, ev := range events[:n] {
			args = append(args, seq, ev.ID, micros(ev.Timestamp), ev.Type, ev.Data)
		}
		if _, err := tx.exec(insertEventsSQL[n], args...); err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}

// GetExecution implements store.Store.
func (s *Store) GetExecution(ctx context.Context, arn string) (*store.Execution, error) {
	r, err := loadExecution(func(query string, args ...any) scanner { return s.queryRow(ctx, query, args...) }, arn)
	if err != nil {
		return nil, err
	}
	return r.Execution, nil
}

// ListExecutions implements store.Store.
func (s *Store) ListExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]*store.Execution, string, error) {
	before, err := p.Cursor(store.KindExecutions)
	if err != nil {
		return nil, "", err
	}
	var where []string
	var args []any
	if before > 0 {
		where, args = append(where, "x.seq < ?"), append(args, before)
	}
	if f.StateMachineArn != "" {
		where, args = append(where, "x.state_machine_arn = ?"), append(args, f.StateMachineArn)
	}
	if f.Status != "" {
		where, args = append(where, "x.status = ?"), append(args, f.Status)
	}
	if f.MapRunArn != "" {
		where, args = append(where, "x.map_run_arn = ?"), append(args, f.MapRunArn)
	}
	if f.StateMachineVersionArn != "" {
		where, args = append(where, "x.version_arn = ?"), append(args, f.StateMachineVersionArn)
	}
	if f.StateMachineAliasArn != "" {
		where, args = append(where, "x.alias_arn = ?"), append(args, f.StateMachineAliasArn)
	}
	query := `SELECT ` + executionColumns
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.query(ctx, query+` ORDER BY x.seq DESC LIMIT ?`, append(args, p.Size()+1)...)
	if err != nil {
		return nil, "", err
	}
	var out []*store.Execution
	next, err := page(rows, p.Size(), func(r *sql.Rows) (int64, error) {
		x, err := scanExecution(r)
		out = append(out, x.Execution)
		return x.seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindExecutions, next), nil
}

// Unfinished implements store.Store.
func (s *Store) Unfinished(ctx context.Context) ([]*store.Execution, error) {
	rows, err := s.query(ctx, `SELECT `+executionColumns+` WHERE x.status IN (?, ?) ORDER BY x.seq`, store.Running, store.PendingRedrive)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Execution
	for rows.Next() {
		x, err := scanExecution(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x.Execution)
	}
	return out, rows.Err()
}

// History implements store.Store.
func (s *Store) History(ctx context.Context, arn string, p store.Page, reverse bool) ([]store.Event, string, error) {
	kind, query := store.KindHistory, `SELECT id, timestamp, type, data FROM events WHERE execution = ? AND id > ? ORDER BY id LIMIT ?`
	if reverse {
		kind, query = store.KindHistoryReverse, `SELECT id, timestamp, type, data FROM events WHERE execution = ? AND id < ? ORDER BY id DESC LIMIT ?`
	}
	cursor, err := p.Cursor(kind)
	if err != nil {
		return nil, "", err
	}
	var seq, last int64
	err = s.queryRow(ctx, `SELECT seq, last_event FROM executions WHERE arn = ?`, arn).Scan(&seq, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("%w: execution %s", store.ErrNotFound, arn)
	}
	if err != nil {
		return nil, "", err
	}
	if reverse && cursor == 0 {
		cursor = last + 1
	}
	rows, err := s.query(ctx, query, seq, cursor, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []store.Event
	next, err := page(rows, p.Size(), func(r *sql.Rows) (int64, error) {
		ev := store.Event{ExecutionArn: arn}
		var ts sql.Null[int64]
		err := r.Scan(&ev.ID, &ts, &ev.Type, &ev.Data)
		ev.Timestamp = timeOf(ts)
		out = append(out, ev)
		return ev.ID, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(kind, next), nil
}
