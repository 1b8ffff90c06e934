package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aslrun/aslrun/server/store"
)

const mapRunColumns = `seq, arn, execution_arn, status, start_date, stop_date, max_concurrency,
	tolerated_failure_percentage, tolerated_failure_count, items, executions, redrive_count, redrive_date FROM map_runs`

func scanMapRun(row scanner) (int64, *store.MapRun, error) {
	var (
		seq                 int64
		m                   store.MapRun
		startDate, stopDate sql.Null[int64]
		redriveDate         sql.Null[int64]
		items, executions   []byte
	)
	err := row.Scan(&seq, &m.Arn, &m.ExecutionArn, &m.Status, &startDate, &stopDate, &m.MaxConcurrency,
		&m.ToleratedFailurePercentage, &m.ToleratedFailureCount, &items, &executions, &m.RedriveCount, &redriveDate)
	if err != nil {
		return 0, nil, err
	}
	m.StartDate, m.StopDate, m.RedriveDate = timeOf(startDate), timeOf(stopDate), timeOf(redriveDate)
	if err := json.Unmarshal(items, &m.Items); err != nil {
		return 0, nil, fmt.Errorf("map run %s: item counts: %w", m.Arn, err)
	}
	if err := json.Unmarshal(executions, &m.Executions); err != nil {
		return 0, nil, fmt.Errorf("map run %s: execution counts: %w", m.Arn, err)
	}
	return seq, &m, nil
}

// encodeCounts is a Map Run's two count columns.
func encodeCounts(m *store.MapRun) (items, executions string, err error) {
	i, err := json.Marshal(m.Items)
	if err != nil {
		return "", "", err
	}
	x, err := json.Marshal(m.Executions)
	if err != nil {
		return "", "", err
	}
	return string(i), string(x), nil
}

// CreateMapRun implements store.Store.
func (s *Store) CreateMapRun(ctx context.Context, m *store.MapRun) error {
	if m.Arn == "" || m.ExecutionArn == "" {
		return fmt.Errorf("%w: a Map Run needs an ARN and an execution", store.ErrInvalid)
	}
	items, executions, err := encodeCounts(m)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *tx) error {
		_, err := tx.exec(`INSERT INTO map_runs (arn, execution_arn, status, start_date, stop_date, max_concurrency,
			tolerated_failure_percentage, tolerated_failure_count, items, executions, redrive_count, redrive_date)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.Arn, m.ExecutionArn, m.Status, micros(m.StartDate), micros(m.StopDate), m.MaxConcurrency,
			m.ToleratedFailurePercentage, m.ToleratedFailureCount, items, executions, m.RedriveCount, micros(m.RedriveDate))
		return err
	})
	switch {
	case uniqueViolation(err):
		return fmt.Errorf("%w: map run %s", store.ErrExists, m.Arn)
	case violates(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY):
		return fmt.Errorf("%w: execution %s", store.ErrNotFound, m.ExecutionArn)
	}
	return err
}

// GetMapRun implements store.Store.
func (s *Store) GetMapRun(ctx context.Context, arn string) (*store.MapRun, error) {
	_, m, err := scanMapRun(s.queryRow(ctx, `SELECT `+mapRunColumns+` WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: map run %s", store.ErrNotFound, arn)
	}
	return m, err
}

// UpdateMapRun implements store.Store: the read and the write are one op of the writer, which runs ops
// one after another, so no other write comes between them.
func (s *Store) UpdateMapRun(ctx context.Context, arn string, change func(*store.MapRun) error) error {
	return s.write(ctx, func(tx *tx) error {
		seq, m, err := scanMapRun(tx.queryRow(`SELECT `+mapRunColumns+` WHERE arn = ?`, arn))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: map run %s", store.ErrNotFound, arn)
		}
		if err != nil {
			return err
		}
		if err := change(m); err != nil {
			return err
		}
		items, executions, err := encodeCounts(m)
		if err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE map_runs SET status = ?, start_date = ?, stop_date = ?, max_concurrency = ?,
			tolerated_failure_percentage = ?, tolerated_failure_count = ?, items = ?, executions = ?,
			redrive_count = ?, redrive_date = ? WHERE seq = ?`,
			m.Status, micros(m.StartDate), micros(m.StopDate), m.MaxConcurrency, m.ToleratedFailurePercentage,
			m.ToleratedFailureCount, items, executions, m.RedriveCount, micros(m.RedriveDate), seq)
		return err
	})
}

// ListMapRuns implements store.Store.
func (s *Store) ListMapRuns(ctx context.Context, executionArn string, p store.Page) ([]*store.MapRun, string, error) {
	before, err := p.Cursor(store.KindMapRuns)
	if err != nil {
		return nil, "", err
	}
	err = s.queryRow(ctx, `SELECT 1 FROM executions WHERE arn = ?`, executionArn).Scan(new(int))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("%w: execution %s", store.ErrNotFound, executionArn)
	}
	if err != nil {
		return nil, "", err
	}
	if before == 0 {
		before = 1<<63 - 1
	}
	rows, err := s.query(ctx, `SELECT `+mapRunColumns+` WHERE execution_arn = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
		executionArn, before, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.MapRun
	next, err := page(rows, p.Size(), func(r *sql.Rows) (int64, error) {
		seq, m, err := scanMapRun(r)
		out = append(out, m)
		return seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindMapRuns, next), nil
}
