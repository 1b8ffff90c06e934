package postgres

import (
	"context"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// Timers set by one node wake the schedulers of the others through LISTEN/NOTIFY: a step that sets a
// timer due soon (a queued child execution, an answered token, a park of less than a poll) notifies
// the channel in its transaction, and each node's listener pokes its scheduler, which claims the timer
// at once instead of at its next poll (up to a second later).

// wakeChannel is the channel the notifications go on.
const wakeChannel = "aslrun_timers"

// notifyWithin is how soon a timer must be due for its step to notify: the schedulers poll at least
// once a second, so a later timer is seen in time without one.
const notifyWithin = time.Second

var _ store.Waker = (*Store)(nil)

// soon reports whether any of the timers is due within notifyWithin.
func soon(timers []store.Timer) bool {
	limit := time.Now().Add(notifyWithin)
	for _, t := range timers {
		if t.Owner == "" && !t.Due.After(limit) {
			return true
		}
	}
	return false
}

// Wakeups implements store.Waker: a connection of its own listens until ctx ends, reconnecting with
// back-off while the database is away (the schedulers' polls cover that time).
func (s *Store) Wakeups(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go func() {
		wait := 100 * time.Millisecond
		for ctx.Err() == nil {
			if s.listen(ctx, ch) {
				wait = 100 * time.Millisecond
			}
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
			wait = min(wait*2, 5*time.Second)
		}
	}()
	return ch
}

// listen waits for notifications on one connection until it fails or ctx ends; it reports whether it
// listened at all.
func (s *Store) listen(ctx context.Context, ch chan<- struct{}) bool {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return false
	}
	// Taken out of the pool: a listening connection must not serve other statements.
	conn := pc.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+wakeChannel); err != nil {
		return false
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true
		}
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
