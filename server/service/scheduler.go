package service

import (
	"encoding/json"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// The scheduler: it claims due timers under leases and wakes the parked executions they belong to. A
// claimed timer whose wake dies with its process is claimed again when its lease (Options.Lease) ends.

// schedulerBatch is the most timers the scheduler claims at once; wakers the most executions it wakes at
// once, so that their reads (record, token, last event) run side by side on the store's read pool.
const (
	schedulerBatch = 64
	wakers         = 8
)

// schedule wakes parked executions as their timers fall due, until the service closes.
func (s *Service) schedule() {
	defer s.wg.Done()
	// Claims are the node's: started again, it takes back what its previous process held (ResumeUnfinished).
	owner := s.node
	busy := make(chan struct{}, wakers)
	// Another node's timers due at once: a store shared by nodes tells (store.Waker).
	var wakeups <-chan struct{}
	if w, ok := s.store.(store.Waker); ok && s.shared {
		wakeups = w.Wakeups(s.ctx)
	}
	for {
		timers, err := s.store.ClaimDueTimers(s.ctx, s.now(), owner, s.lease, schedulerBatch)
		if err == nil {
			for _, t := range timers {
				if t.Key != wakeTimer {
					continue
				}
				busy <- struct{}{}
				s.wg.Add(1)
				go func() {
					defer s.wg.Done()
					s.wake(t.ExecutionArn)
					<-busy
				}()
			}
			if len(timers) == schedulerBatch {
				continue
			}
		}
		sleep := time.Second
		if next, ok, err := s.store.NextTimer(s.ctx); err == nil && ok {
			sleep = min(max(next.Sub(s.now()), time.Millisecond), time.Second)
		}
		t := time.NewTimer(sleep)
		select {
		case <-t.C:
		case <-s.poke:
			t.Stop()
		case <-wakeups:
			t.Stop()
		case <-s.ctx.Done():
			t.Stop()
			return
		}
	}
}

// pokeScheduler makes the scheduler look at its timers now.
func (s *Service) pokeScheduler() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// wakeAgain wakes an execution again that a wake found busy, once it is neither running nor being woken.
func (s *Service) wakeAgain(arn string) {
	s.mu.Lock()
	again := s.rewake[arn] && s.running[arn] == nil && !s.waking[arn] && s.ctx.Err() == nil
	if again {
		delete(s.rewake, arn)
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if again {
		go func() {
			defer s.wg.Done()
			s.wake(arn)
		}()
	}
}

// wake resumes a parked execution whose timer fell due: with its token's answer when there is one.
func (s *Service) wake(arn string) {
	s.mu.Lock()
	busy := s.running[arn] != nil || s.waking[arn]
	if busy {
		s.rewake[arn] = true
	} else {
		s.waking[arn] = true
	}
	s.mu.Unlock()
	if busy {
		return
	}
	defer func() {
		s.mu.Lock()
		delete(s.waking, arn)
		s.mu.Unlock()
		s.wakeAgain(arn)
	}()
	rec, err := s.store.GetExecution(s.ctx, arn)
	if err != nil || rec.Status != store.Running {
		return
	}
	var pr parkedRecord
	if len(rec.Checkpoint) > 0 {
		if err := json.Unmarshal(rec.Checkpoint, &pr); err != nil {
			s.failExecution(rec, "the execution's checkpoint cannot be read: "+err.Error())
			return
		}
	}
	// A running execution's lease fell due: its owner stopped without finishing it or renewing.
	_ = s.resume(rec, &pr, pr.Running || len(rec.Checkpoint) == 0)
}
