package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aslrun/aslrun/server/store"
)

const mapRunColumns = `seq, arn, execution_arn, status, start_date, stop_date, max_concurrency,
	tolerated_failure_percentage, tolerated_failure_count, items, executions, redrive_count, redrive_date FROM map_runs`

func scanMapRun(row pgx.Row) (int64, *store.MapRun, error) {
	var (
		seq                 int64
		m                   store.MapRun
		startDate, stopDate pgtype.Timestamptz
		redriveDate         pgtype.Timestamptz
	)
	err := row.Scan(&seq, &m.Arn, &m.ExecutionArn, &m.Status, &startDate, &stopDate, &m.MaxConcurrency,
		&m.ToleratedFailurePercentage, &m.ToleratedFailureCount, &m.Items, &m.Executions, &m.RedriveCount, &redriveDate)
	if err != nil {
		return 0, nil, err
	}
	m.StartDate, m.StopDate, m.RedriveDate = timeOf(startDate), timeOf(stopDate), timeOf(redriveDate)
	return seq, &m, nil
}

// changeError carries the error of UpdateMapRun's change out of the transaction, to be returned as it is.
type changeError struct{ err error }

func (c changeError) Error() string { return c.err.Error() }

func (s *Store) createMapRun(ctx context.Context, m *store.MapRun) error {
	if m.Arn == "" || m.ExecutionArn == "" {
		return fmt.Errorf("%w: a Map Run needs an ARN and an execution", store.ErrInvalid)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO map_runs (arn, execution_arn, status, start_date, stop_date, max_concurrency,
		tolerated_failure_percentage, tolerated_failure_count, items, executions, redrive_count, redrive_date)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		m.Arn, m.ExecutionArn, m.Status, timestamp(m.StartDate), timestamp(m.StopDate), m.MaxConcurrency,
		m.ToleratedFailurePercentage, m.ToleratedFailureCount, m.Items, m.Executions, m.RedriveCount, timestamp(m.RedriveDate))
	switch {
	case violates(err, uniqueViolation):
		return fmt.Errorf("%w: map run %s", store.ErrExists, m.Arn)
	case violates(err, foreignKeyViolation):
		return fmt.Errorf("%w: execution %s", store.ErrNotFound, m.ExecutionArn)
	}
	return err
}

// loadMapRun reads one Map Run through q, with suffix appended to the query (FOR UPDATE); ErrNotFound when
// there is none.
func loadMapRun(ctx context.Context, q querier, arn, suffix string) (int64, *store.MapRun, error) {
	seq, m, err := scanMapRun(q.QueryRow(ctx, `SELECT `+mapRunColumns+` WHERE arn = $1`+suffix, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, fmt.Errorf("%w: map run %s", store.ErrNotFound, arn)
	}
	return seq, m, err
}

func (s *Store) getMapRun(ctx context.Context, arn string) (*store.MapRun, error) {
	_, m, err := loadMapRun(ctx, s.pool, arn, "")
	return m, err
}

// updateMapRun locks the row (FOR UPDATE) before reading it, so that concurrent writers, on this node or
// another, take turns and each changes what the previous one stored.
func (s *Store) updateMapRun(ctx context.Context, arn string, change func(*store.MapRun) error) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		seq, m, err := loadMapRun(ctx, tx, arn, " FOR UPDATE")
		if err != nil {
			return err
		}
		if err := change(m); err != nil {
			return changeError{err}
		}
		_, err = tx.Exec(ctx, `UPDATE map_runs SET status = $1, start_date = $2, stop_date = $3, max_concurrency = $4,
			tolerated_failure_percentage = $5, tolerated_failure_count = $6, items = $7, executions = $8,
			redrive_count = $9, redrive_date = $10 WHERE seq = $11`,
			m.Status, timestamp(m.StartDate), timestamp(m.StopDate), m.MaxConcurrency, m.ToleratedFailurePercentage,
			m.ToleratedFailureCount, m.Items, m.Executions, m.RedriveCount, timestamp(m.RedriveDate), seq)
		return err
	})
}

func (s *Store) listMapRuns(ctx context.Context, executionArn string, p store.Page) ([]*store.MapRun, string, error) {
	before, err := p.Cursor(store.KindMapRuns)
	if err != nil {
		return nil, "", err
	}
	err = s.pool.QueryRow(ctx, `SELECT 1 FROM executions WHERE arn = $1`, executionArn).Scan(new(int))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", fmt.Errorf("%w: execution %s", store.ErrNotFound, executionArn)
	}
	if err != nil {
		return nil, "", err
	}
	if before == 0 {
		before = 1<<63 - 1
	}
	rows, err := s.pool.Query(ctx, `SELECT `+mapRunColumns+` WHERE execution_arn = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
		executionArn, before, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.MapRun
	next, err := page(rows, p.Size(), func(r pgx.Rows) (int64, error) {
		seq, m, err := scanMapRun(r)
		out = append(out, m)
		return seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindMapRuns, next), nil
}
