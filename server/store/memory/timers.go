package memory

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// ClaimDueTimers implements store.Store: the earliest claimable timers, returned in due order. It scans
// every timer: fine for the sizes this backend serves.
func (s *Store) ClaimDueTimers(_ context.Context, now time.Time, owner string, lease time.Duration, n int) ([]store.Timer, error) {
	if n <= 0 {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*store.Timer
	for _, t := range s.timers {
		if !readyAt(t).After(now) {
			due = append(due, t)
		}
	}
	slices.SortFunc(due, func(a, b *store.Timer) int {
		return cmp.Or(readyAt(a).Compare(readyAt(b)), cmp.Compare(a.ExecutionArn, b.ExecutionArn), cmp.Compare(a.Key, b.Key))
	})
	out := make([]store.Timer, 0, min(n, len(due)))
	for _, t := range due[:min(n, len(due))] {
		t.Owner, t.LeaseUntil = owner, now.Add(lease)
		out = append(out, *t)
	}
	slices.SortFunc(out, byDue)
	return out, nil
}

// ReleaseTimers implements store.Store.
func (s *Store) ReleaseTimers(_ context.Context, owner string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.timers {
		if t.Owner == owner {
			t.Owner, t.LeaseUntil = "", time.Time{}
		}
	}
	return nil
}

// NextTimer implements store.Store.
func (s *Store) NextTimer(context.Context) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next time.Time
	found := false
	for _, t := range s.timers {
		if at := readyAt(t); !found || at.Before(next) {
			next, found = at, true
		}
	}
	return next, found, nil
}

// byDue is the order claimed timers are returned in.
func byDue(a, b store.Timer) int {
	return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ExecutionArn, b.ExecutionArn), cmp.Compare(a.Key, b.Key))
}

// readyAt is when a timer can be claimed: when due, or when the current lease on it ends.
func readyAt(t *store.Timer) time.Time {
	if t.LeaseUntil.After(t.Due) {
		return t.LeaseUntil
	}
	return t.Due
}
