package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aslrun/aslrun/server/store"
)

const executionColumns = `x.seq, x.arn, x.state_machine_arn, x.name, x.status, x.input, x.output, x.error, x.cause,
	x.start_date, x.stop_date, d.text, x.test_case, x.checkpoint, x.version, x.express, x.transient, x.last_event,
	x.map_run_arn, x.version_arn, x.alias_arn, x.redrive_count, x.redrive_date,
	x.trace_header
	FROM executions x JOIN definitions d ON d.hash = x.definition`

func scanExecution(row pgx.Row) (int64, *store.Execution, error) {
	var (
		seq                 int64
		e                   store.Execution
		startDate, stopDate pgtype.Timestamptz
		redriveDate         pgtype.Timestamptz
	)
	err := row.Scan(&seq, &e.Arn, &e.StateMachineArn, &e.Name, &e.Status, &e.Input, &e.Output, &e.Error, &e.Cause,
		&startDate, &stopDate, &e.Definition, &e.TestCase, &e.Checkpoint, &e.Version, &e.Express, &e.Transient, &e.LastEvent,
		&e.MapRunArn, &e.StateMachineVersionArn, &e.StateMachineAliasArn, &e.RedriveCount, &redriveDate, &e.TraceHeader)
	if err != nil {
		return 0, nil, err
	}
	e.RedriveDate = timeOf(redriveDate)
	e.StartDate, e.StopDate, e.Checkpoint = timeOf(startDate), timeOf(stopDate), blob(e.Checkpoint)
	return seq, &e, nil
}

// loadExecution reads one execution through q (a transaction or the pool); ErrNotFound when there is none.
func loadExecution(ctx context.Context, q querier, arn string) (*store.Execution, error) {
	_, e, err := scanExecution(q.QueryRow(ctx, `SELECT `+executionColumns+` WHERE x.arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: execution %s", store.ErrNotFound, arn)
	}
	return e, err
}

// querier is what pgx.Tx and *pgxpool.Pool share.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// CreateExecution implements store.Store. The unique ARN decides between nodes starting the same execution:
// the INSERT that loses waits for the winner's transaction, then finds its row.
func (s *Store) CreateExecution(ctx context.Context, e *store.Execution, events []store.Event, timers ...store.Timer) (*store.Execution, error) {
	created, err := s.createExecution(ctx, e, events, timers)
	return created, unreachable(err)
}

func (s *Store) createExecution(ctx context.Context, e *store.Execution, events []store.Event, timers []store.Timer) (*store.Execution, error) {
	if e.Arn == "" {
		return nil, fmt.Errorf("%w: an execution needs an ARN", store.ErrInvalid)
	}
	if err := store.CheckEvents(e.Arn, 0, events); err != nil {
		return nil, err
	}
	hash := sha256.Sum256([]byte(e.Definition))
	var existing *store.Execution
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO definitions (hash, text) VALUES ($1, $2) ON CONFLICT DO NOTHING`, hash[:], e.Definition); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO executions (arn, state_machine_arn, name, status, input, output, error, cause,
			start_date, stop_date, definition, test_case, checkpoint, version, express, transient, last_event, map_run_arn,
			version_arn, alias_arn, redrive_count, redrive_date, trace_header)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15, $16, $17, $18, $19, $20, $21, $22)
			ON CONFLICT (arn) DO NOTHING RETURNING seq`,
			e.Arn, e.StateMachineArn, e.Name, e.Status, e.Input, e.Output, e.Error, e.Cause,
			timestamp(e.StartDate), timestamp(e.StopDate), hash[:], e.TestCase, blob(e.Checkpoint), e.Express, e.Transient,
			len(events), e.MapRunArn, e.StateMachineVersionArn, e.StateMachineAliasArn, e.RedriveCount,
			timestamp(e.RedriveDate), e.TraceHeader).Scan(new(int64))
		if errors.Is(err, pgx.ErrNoRows) {
			// Taken. Read committed: this statement sees the row the conflicting transaction committed.
			if existing, err = loadExecution(ctx, tx, e.Arn); err != nil {
				return err
			}
			return fmt.Errorf("%w: execution %s", store.ErrExists, e.Arn)
		}
		if err != nil {
			return err
		}
		for _, t := range timers {
			// Claimable once due and no longer leased.
			ready := t.Due
			if t.LeaseUntil.After(ready) {
				ready = t.LeaseUntil
			}
			if _, err := tx.Exec(ctx, `INSERT INTO timers (execution_arn, key, due, owner, lease_until, ready_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				e.Arn, t.Key, timestamp(t.Due), t.Owner, timestamp(t.LeaseUntil), ready); err != nil {
				return err
			}
		}
		if soon(timers) {
			if _, err := tx.Exec(ctx, `NOTIFY `+wakeChannel); err != nil {
				return err
			}
		}
		if len(events) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, insertEventsSQL, eventArgs(e.Arn, events)...)
		return err
	})
	if err != nil {
		return existing, err
	}
	e.Version, e.LastEvent = 1, int64(len(events))
	return e.Clone(), nil
}

// insertEventsSQL appends events to an execution, named by ARN, in one statement whatever their number.
const insertEventsSQL = `INSERT INTO events (execution, id, timestamp, type, data)
	SELECT x.seq, u.* FROM executions x, unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::bytea[]) u WHERE x.arn = $1`

// eventArgs are insertEventsSQL's arguments: one array per column.
func eventArgs(arn string, events []store.Event) []any {
	ids := make([]int64, len(events))
	times := make([]pgtype.Timestamptz, len(events))
	types := make([]string, len(events))
	data := make([][]byte, len(events))
	for i, ev := range events {
		ids[i], times[i], types[i], data[i] = ev.ID, timestamp(ev.Timestamp), ev.Type, ev.Data
	}
	return []any{arn, ids, times, types, data}
}

// GetExecution implements store.Store.
func (s *Store) GetExecution(ctx context.Context, arn string) (*store.Execution, error) {
	e, err := loadExecution(ctx, s.pool, arn)
	return e, unreachable(err)
}

// listExecutions is the body of ListExecutions.
func (s *Store) listExecutions(ctx context.Context, f store.ExecutionFilter, p store.Page) ([]*store.Execution, string, error) {
	before, err := p.Cursor(store.KindExecutions)
	if err != nil {
		return nil, "", err
	}
	var where []string
	var args []any
	arg := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if before > 0 {
		arg("x.seq <", before)
	}
	if f.StateMachineArn != "" {
		arg("x.state_machine_arn =", f.StateMachineArn)
	}
	if f.Status != "" {
		arg("x.status =", f.Status)
	}
	if f.MapRunArn != "" {
		arg("x.map_run_arn =", f.MapRunArn)
	}
	if f.StateMachineVersionArn != "" {
		arg("x.version_arn =", f.StateMachineVersionArn)
	}
	if f.StateMachineAliasArn != "" {
		arg("x.alias_arn =", f.StateMachineAliasArn)
	}
	query := `SELECT ` + executionColumns
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, p.Size()+1)
	rows, err := s.pool.Query(ctx, query+` ORDER BY x.seq DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, "", err
	}
	var out []*store.Execution
	next, err := page(rows, p.Size(), func(r pgx.Rows) (int64, error) {
		seq, e, err := scanExecution(r)
		out = append(out, e)
		return seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindExecutions, next), nil
}

// unfinished is the body of Unfinished.
func (s *Store) unfinished(ctx context.Context) ([]*store.Execution, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+executionColumns+` WHERE x.status IN ($1, $2) ORDER BY x.seq`, store.Running, store.PendingRedrive)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Execution
	for rows.Next() {
		_, e, err := scanExecution(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// history is the body of History.
func (s *Store) history(ctx context.Context, arn string, p store.Page, reverse bool) ([]store.Event, string, error) {
	kind, query := store.KindHistory, `SELECT id, timestamp, type, data FROM events WHERE execution = $1 AND id > $2 ORDER BY id LIMIT $3`
	if reverse {
		kind, query = store.KindHistoryReverse, `SELECT id, timestamp, type, data FROM events WHERE execution = $1 AND id < $2 ORDER BY id DESC LIMIT $3`
	}
	cursor, err := p.Cursor(kind)
	if err != nil {
		return nil, "", err
	}
	var seq, last int64
	err = s.pool.QueryRow(ctx, `SELECT seq, last_event FROM executions WHERE arn = $1`, arn).Scan(&seq, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", fmt.Errorf("%w: execution %s", store.ErrNotFound, arn)
	}
	if err != nil {
		return nil, "", err
	}
	if reverse && cursor == 0 {
		cursor = last + 1
	}
	rows, err := s.pool.Query(ctx, query, seq, cursor, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []store.Event
	next, err := page(rows, p.Size(), func(r pgx.Rows) (int64, error) {
		ev := store.Event{ExecutionArn: arn}
		var ts pgtype.Timestamptz
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
