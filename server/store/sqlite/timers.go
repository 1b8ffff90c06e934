package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// ClaimDueTimers implements store.Store: one UPDATE picks the earliest ready timers through the ready_at
// index and leases them. (PostgreSQL would SELECT ... FOR UPDATE SKIP LOCKED; here the write lock serialises.)
func (s *Store) ClaimDueTimers(ctx context.Context, now time.Time, owner string, lease time.Duration, n int) ([]store.Timer, error) {
	if n <= 0 {
		return nil, nil
	}
	until := now.Add(lease)
	var out []store.Timer
	err := s.write(ctx, func(tx *tx) error {
		out = nil // fn may run again; see op
		rows, err := tx.query(`UPDATE timers SET owner = ?, lease_until = ?, ready_at = max(coalesce(due, 0), ?)
			WHERE (execution_arn, key) IN (SELECT execution_arn, key FROM timers WHERE ready_at <= ? ORDER BY ready_at, execution_arn, key LIMIT ?)
			RETURNING execution_arn, key, due, owner, lease_until`,
			owner, until.UnixMicro(), until.UnixMicro(), now.UnixMicro(), n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t store.Timer
			var due, leaseUntil sql.Null[int64]
			if err := rows.Scan(&t.ExecutionArn, &t.Key, &due, &t.Owner, &leaseUntil); err != nil {
				return err
			}
			t.Due, t.LeaseUntil = timeOf(due), timeOf(leaseUntil)
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// RETURNING follows no ORDER BY: restore due order.
	slices.SortFunc(out, func(a, b store.Timer) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ExecutionArn, b.ExecutionArn), cmp.Compare(a.Key, b.Key))
	})
	return out, nil
}

// ReleaseTimers implements store.Store.
func (s *Store) ReleaseTimers(ctx context.Context, owner string) error {
	return s.write(ctx, func(tx *tx) error {
		_, err := tx.exec(`UPDATE timers SET owner = '', lease_until = NULL, ready_at = coalesce(due, 0) WHERE owner = ?`, owner)
		return err
	})
}

// NextTimer implements store.Store.
func (s *Store) NextTimer(ctx context.Context) (time.Time, bool, error) {
	var next sql.Null[int64]
	if err := s.queryRow(ctx, `SELECT min(ready_at) FROM timers`).Scan(&next); err != nil {
		return time.Time{}, false, err
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMicro(next.V).UTC(), true, nil
}
