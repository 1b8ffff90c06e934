package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aslrun/aslrun/server/store"
)

// claimDueTimers is the body of ClaimDueTimers: one UPDATE leases the earliest ready timers, picked through the
// ready_at index. SKIP LOCKED lets nodes claiming at once take disjoint timers instead of queueing on the
// same rows; a timer another node leased meanwhile fails the ready_at recheck and is passed over.
func (s *Store) claimDueTimers(ctx context.Context, now time.Time, owner string, lease time.Duration, n int) ([]store.Timer, error) {
	if n <= 0 {
		return nil, nil
	}
	until := timestamp(now.Add(lease))
	rows, err := s.pool.Query(ctx, `UPDATE timers SET owner = $1, lease_until = $2, ready_at = greatest(coalesce(due, 'epoch'), $2)
		WHERE (execution_arn, key) IN (SELECT execution_arn, key FROM timers WHERE ready_at <= $3
			ORDER BY ready_at, execution_arn, key LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING execution_arn, key, due, owner, lease_until`,
		owner, until, timestamp(now), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Timer
	for rows.Next() {
		var t store.Timer
		var due, leaseUntil pgtype.Timestamptz
		if err := rows.Scan(&t.ExecutionArn, &t.Key, &due, &t.Owner, &leaseUntil); err != nil {
			return nil, err
		}
		t.Due, t.LeaseUntil = timeOf(due), timeOf(leaseUntil)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// RETURNING follows no ORDER BY: restore due order.
	slices.SortFunc(out, func(a, b store.Timer) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ExecutionArn, b.ExecutionArn), cmp.Compare(a.Key, b.Key))
	})
	return out, nil
}

// releaseTimers is the body of ReleaseTimers.
func (s *Store) releaseTimers(ctx context.Context, owner string) error {
	_, err := s.pool.Exec(ctx, `UPDATE timers SET owner = '', lease_until = NULL, ready_at = coalesce(due, 'epoch') WHERE owner = $1`, owner)
	return err
}

// NextTimer implements store.Store.
func (s *Store) NextTimer(ctx context.Context) (time.Time, bool, error) {
	var next pgtype.Timestamptz
	if err := s.pool.QueryRow(ctx, `SELECT min(ready_at) FROM timers`).Scan(&next); err != nil {
		return time.Time{}, false, unreachable(err)
	}
	return timeOf(next), next.Valid, nil
}
