package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// A running execution's events are committed once it has been quiet for flushDelay (it waits: a Wait,
// a task token, a slow Task), and at least every maxFlushDelay while it keeps busy. An execution that ends
// or parks sooner commits its events once, with its outcome, as it did before history was live.
const (
	flushDelay    = 5 * time.Millisecond
	maxFlushDelay = 100 * time.Millisecond
)

// ExecutionEvent is one history event of an execution, as subscribers see it.
type ExecutionEvent struct {
	ExecutionArn string
	Event        interpreter.Event
}

// subscriber is one Subscribe call.
type subscriber struct {
	arn string
	fn  func(ExecutionEvent)
}

// Subscribe calls fn with each history event of the execution arn (of every execution when arn is "") as
// it is recorded, in id order per execution, until the returned cancel is called. An execution that keeps
// no history and started while no one subscribed publishes nothing: it records no events. fn runs on one
// of the execution's goroutines, one event at a time: it must not block (copy the event to a buffered
// channel and drop or disconnect when it is full), and must not change the event's payloads.
func (s *Service) Subscribe(arn string, fn func(ExecutionEvent)) (cancel func()) {
	sub := &subscriber{arn: arn, fn: fn}
	s.subMu.Lock()
	s.subs[sub] = struct{}{}
	s.subMu.Unlock()
	return func() {
		s.subMu.Lock()
		delete(s.subs, sub)
		s.subMu.Unlock()
	}
}

// subscribed reports whether anyone subscribed to the events of the execution arn: to its own, or to
// every execution's (a console's page follows one execution: the others need not record for it).
func (s *Service) subscribed(arn string) bool {
	s.subMu.RLock()
	defer s.subMu.RUnlock()
	for sub := range s.subs {
		if sub.arn == "" || sub.arn == arn {
			return true
		}
	}
	return false
}

// publish hands an event to its subscribers.
func (s *Service) publish(arn string, e interpreter.Event) {
	s.subMu.RLock()
	defer s.subMu.RUnlock()
	for sub := range s.subs {
		if sub.arn == "" || sub.arn == arn {
			sub.fn(ExecutionEvent{ExecutionArn: arn, Event: e})
		}
	}
}

// recorder takes one running execution's events as the interpreter records them (it is the execution's
// interpreter.EventSink), encodes each once into the JSON the store keeps, puts them in id order
// (concurrent branches number their events from one counter but report them on their own goroutines),
// publishes them, and commits them while the execution runs.
type recorder struct {
	s   *Service
	arn string
	// keep: events go to the store (otherwise only subscribers see them); live: they are committed as the
	// execution runs, not only with its outcome.
	keep, live bool

	mu sync.Mutex
	// next is the id of the next event to release; early[i] holds the event next+i when it came before
	// next did (a concurrent branch's), marked by its non-zero ID.
	next  int64
	early []recorded
	// incoming are events whose branches found mu taken, for its holder to place (Record).
	incoming atomic.Pointer[pending]
	// ready are released events not yet committed; err is the first that could not be recorded.
	ready []store.Event
	err   error
	timer *time.Timer
	ended bool
	// first is when the oldest event not committed came, last when the latest did.
	first, last time.Time

	// commitMu serialises the commits, which share rec and its version.
	commitMu sync.Mutex
	rec      *store.Execution

	// A durable execution's commits carry its checkpoint (watch): ex and its invoker, the tokens whose
	// rows are known to be stored, the count of unclean stops it ran through without progress, and stop,
	// which ends the lease renewals.
	ex      *interpreter.Execution
	inv     interpreter.Invoker
	known   map[string]bool
	crashes int
	stop    chan struct{}
}

// watch makes the commits of a durable execution carry its checkpoint and renews its lease while it runs.
func (r *recorder) watch(ex *interpreter.Execution, inv interpreter.Invoker) {
	r.commitMu.Lock()
	r.ex, r.inv, r.known, r.stop = ex, inv, map[string]bool{}, make(chan struct{})
	r.commitMu.Unlock()
	r.s.wg.Add(1)
	go func() {
		defer r.s.wg.Done()
		t := time.NewTicker(r.s.renew)
		defer t.Stop()
		for {
			select {
			case <-t.C:
			case <-r.stop:
				return
			case <-r.s.ctx.Done():
				return
			}
			if r.s.ctx.Err() == nil {
				r.renew()
			}
		}
	}()
}

// unwatch ends the lease renewals: the execution ended or parked.
func (r *recorder) unwatch() {
	if r.stop != nil {
		close(r.stop)
	}
}

// checkpoint commits the events recorded so far with a checkpoint consistent with them and renews the
// lease; with no new event, only to renew. Called with commitMu held. A failed commit puts the events
// back: the next commit retries them.
func (r *recorder) checkpoint(renew bool) {
	var batch []store.Event
	p, err := r.ex.Checkpoint(func() { batch = r.take() })
	if err != nil || (len(batch) == 0 && !renew) {
		r.putBack(batch)
		return
	}
	if slices.ContainsFunc(batch, func(e store.Event) bool { return strings.HasSuffix(e.Type, "StateExited") }) {
		r.crashes = 0 // progress: a crash after this is not a crash loop
	}
	pr := r.s.parkedRecordOf(p, mockCalls(r.inv), true)
	pr.Crashes = r.crashes
	err = r.commit(func(step *store.Step) error {
		*step = store.Step{Execution: r.rec, Events: batch}
		return r.s.checkpointStep(step, r.rec, pr, r.known)
	})
	if errors.Is(err, store.ErrConflict) {
		// Another run moved the execution on: its lease is lost (its owner was taken for dead). This run
		// stops, its Tasks' handlers with it, and records nothing more.
		r.ex.Stop("States.Runtime", "the execution's lease was lost")
		return
	}
	if err != nil {
		r.putBack(batch)
	}
}

// renew commits where a durable execution stands, renewing its lease, unless it has ended: while it
// works without recording, and as the service closes.
func (r *recorder) renew() {
	r.commitMu.Lock()
	defer r.commitMu.Unlock()
	r.mu.Lock()
	ended := r.ended
	r.unlock()
	if r.ex != nil && !ended {
		r.checkpoint(true)
	}
}

// commit commits the step prepare makes. Answers, heartbeats and workers taking activity tasks move a
// running execution's record version on without recording anything of it: when only they did, the step
// is made again (what they changed may change it) and committed on the new version.
//
// While the store cannot be reached it tries again, with back-off, until it can or the service stops
// (errClosed: the record stays as last committed, for a later resume). A commit whose answer was lost may
// have landed: a conflict after one is checked against what the store holds.
func (r *recorder) commit(prepare func(step *store.Step) error) error {
	wait, conflicts, sent := retryFirst, 0, false
	for {
		var step store.Step
		err := prepare(&step)
		if err == nil {
			sent = true
			err = r.s.store.Commit(context.Background(), step)
		}
		var cur *store.Execution
		if errors.Is(err, store.ErrConflict) && conflicts < 3 {
			conflicts++
			var gerr error
			if cur, gerr = r.s.store.GetExecution(context.Background(), r.arn); errors.Is(gerr, store.ErrUnavailable) {
				err = gerr
			} else if gerr != nil {
				return err
			}
		}
		switch {
		case errors.Is(err, store.ErrUnavailable):
			if !r.s.backOff(&wait) {
				return errClosed
			}
		case cur == nil:
			return err
		case sent && landed(cur, step):
			r.rec.Version, r.rec.LastEvent = cur.Version, cur.LastEvent
			return nil
		case cur.Status != store.Running || cur.LastEvent != r.rec.LastEvent:
			return err // another run moved it on
		default:
			r.rec.Version = cur.Version
		}
	}
}

// landed reports whether the store holds a step that was sent but whose answer was lost: its last event and
// status. Only the execution's owner records its events, so an event of that id is the step's own.
func landed(cur *store.Execution, step store.Step) bool {
	n := len(step.Events)
	return n > 0 && cur.LastEvent == step.Events[n-1].ID && cur.Status == step.Execution.Status
}

// The back-off while the store cannot be reached: from retryFirst, doubling up to retryMost.
const (
	retryFirst = 100 * time.Millisecond
	retryMost  = 2 * time.Second
)

// backOff sleeps *wait and doubles it, up to retryMost; false when the service is closing instead.
func (s *Service) backOff(wait *time.Duration) bool {
	if s.closing.Load() {
		return false
	}
	t := time.NewTimer(*wait)
	defer t.Stop()
	*wait = min(*wait*2, retryMost)
	select {
	case <-t.C:
		return !s.closing.Load()
	case <-s.ctx.Done():
		return false
	}
}

// putBack returns events that could not be committed to the head of the queue.
func (r *recorder) putBack(batch []store.Event) {
	if len(batch) == 0 {
		return
	}
	r.mu.Lock()
	r.ready = append(batch, r.ready...)
	r.unlock()
}

func newRecorder(s *Service, rec *store.Execution, after int64, keep, live bool) *recorder {
	return &recorder{s: s, arn: rec.Arn, rec: rec, keep: keep, live: keep && live, next: after + 1}
}

// recorded is an event taken, with its stored form when the history is kept.
type recorded struct {
	e      interpreter.Event
	stored store.Event
}

// sink is the execution's interpreter.EventSink: the recorder, or none when no one will read the events
// (no history is kept and no one subscribed when it started): the interpreter then only counts them.
func (r *recorder) sink() interpreter.EventSink {
	if !r.keep && !r.s.subscribed(r.arn) {
		return nil
	}
	return r
}

// Record takes an event of the execution. It is encoded here, on the execution's goroutine and outside
// the lock, so that concurrent branches encode their events in parallel. No branch waits for the lock:
// one that finds it taken leaves its event in incoming, which the holder takes in before it lets go
// (with many branches on few cores, waiting turns the lock into a convoy).
func (r *recorder) Record(e interpreter.Event) {
	ev := recorded{e: e}
	if r.keep {
		ev.stored = r.s.storedEvent(r.arn, &e)
	}
	if r.mu.TryLock() {
		r.place(ev)
	} else {
		p := &pending{ev: ev}
		for {
			p.next = r.incoming.Load()
			if r.incoming.CompareAndSwap(p.next, p) {
				break
			}
		}
		if !r.mu.TryLock() {
			return // the holder takes it in
		}
	}
	r.unlock()
}

// unlock lets mu go, having placed the events left in incoming; again if more came as it was let go,
// unless another holder took mu, who then does (no event stays in incoming with no holder to place it).
func (r *recorder) unlock() {
	for {
		r.takeIncoming()
		r.mu.Unlock()
		if r.incoming.Load() == nil || !r.mu.TryLock() {
			return
		}
	}
}

// pending is an event left for the lock's holder, in a list.
type pending struct {
	ev   recorded
	next *pending
}

// takeIncoming places the events left in incoming. Called with mu held.
func (r *recorder) takeIncoming() {
	var list *pending
	for p := r.incoming.Swap(nil); p != nil; {
		next := p.next
		p.next, list = list, p // reversed: in the order they came
		p = next
	}
	for ; list != nil; list = list.next {
		r.place(list.ev)
	}
}

// place releases ev if it is the next event, with the events after it that came early; else keeps it
// until its turn. Called with mu held.
func (r *recorder) place(ev recorded) {
	i := int(ev.e.ID - r.next)
	if i < 0 {
		r.err = cmp.Or(r.err, fmt.Errorf("history event %d came twice", ev.e.ID))
		return
	}
	if i > 0 {
		for len(r.early) <= i {
			r.early = append(r.early, recorded{})
		}
		r.early[i] = ev
		return
	}
	r.release(ev)
	r.early = r.early[min(1, len(r.early)):]
	for len(r.early) > 0 && r.early[0].e.ID != 0 {
		r.release(r.early[0])
		r.early = r.early[1:]
	}
	if r.live && len(r.ready) > 0 && !r.ended {
		r.last = time.Now()
		if r.timer == nil {
			r.first = r.last
			r.timer = time.AfterFunc(flushDelay, r.flush)
		}
	}
}

// release publishes the next event and queues it for the store. Called with mu held.
func (r *recorder) release(ev recorded) {
	r.next++
	r.s.publish(r.arn, ev.e)
	if r.keep {
		r.ready = append(r.ready, ev.stored)
	}
}

// eventBuffer is an encoder with its output buffer, reused through Service.encoders.
type eventBuffer struct {
	enc interpreter.EventEncoder
	buf []byte
}

// storedEvent is a history event as the store keeps it: the API's JSON, encoded once, its time to the
// store's microsecond.
func (s *Service) storedEvent(arn string, e *interpreter.Event) store.Event {
	b, _ := s.encoders.Get().(*eventBuffer)
	if b == nil {
		b = &eventBuffer{}
	}
	b.buf = b.enc.Append(b.buf[:0], e)
	data := slices.Clone(b.buf)
	s.encoders.Put(b)
	return store.Event{ExecutionArn: arn, ID: e.ID, Timestamp: e.Timestamp.Truncate(time.Microsecond), Type: e.Kind.String(), Data: data}
}

// take hands over the events ready to commit.
func (r *recorder) take() []store.Event {
	r.mu.Lock()
	defer r.unlock()
	r.takeIncoming()
	batch := r.ready
	r.ready, r.timer = nil, nil
	return batch
}

// flush commits the events recorded so far. A failed flush puts them back: the outcome's commit retries.
// Once the service closes nothing more is committed: the executions it interrupts record their end as they
// stop, which must not reach the store (they stay RUNNING, to resume).
func (r *recorder) flush() {
	r.mu.Lock()
	now := time.Now()
	if quiet := now.Sub(r.last); quiet < flushDelay && now.Sub(r.first) < maxFlushDelay && r.timer != nil && !r.ended {
		r.timer.Reset(flushDelay - quiet) // still busy: look again when it may have gone quiet
		r.unlock()
		return
	}
	r.unlock()
	r.commitMu.Lock()
	defer r.commitMu.Unlock()
	if r.s.ctx.Err() != nil {
		return
	}
	if r.ex != nil {
		r.checkpoint(false)
		return
	}
	batch := r.take()
	if len(batch) == 0 {
		return
	}
	if err := r.commit(func(step *store.Step) error {
		*step = store.Step{Execution: r.rec, Events: batch}
		return nil
	}); err != nil {
		r.putBack(batch)
	}
}

// commitSide commits a change the execution makes while it runs that is not history (an activity task's
// row), in turn with the history's commits, which share the record's version.
func (r *recorder) commitSide(step store.Step) error {
	r.commitMu.Lock()
	defer r.commitMu.Unlock()
	if r.s.ctx.Err() != nil {
		return errClosed
	}
	step.Execution = r.rec
	return r.commit(func(s *store.Step) error {
		*s = step
		return nil
	})
}

// final commits the execution's last step (its outcome or its park) with the events not committed yet:
// last fills in the record and the step. The execution has ended, so no event comes after these.
func (r *recorder) final(last func(rec *store.Execution, step *store.Step) error) error {
	r.commitMu.Lock()
	defer r.commitMu.Unlock()
	r.mu.Lock()
	r.takeIncoming()
	r.ended = true
	if r.timer != nil {
		r.timer.Stop()
	}
	err := r.err
	if slices.ContainsFunc(r.early, func(ev recorded) bool { return ev.e.ID != 0 }) && err == nil {
		err = fmt.Errorf("history events from %d on were not recorded densely", r.next)
	}
	r.unlock()
	if err != nil {
		return err
	}
	events := r.take()
	return r.commit(func(step *store.Step) error {
		*step = store.Step{}
		if err := last(r.rec, step); err != nil {
			return err
		}
		step.Execution = r.rec
		step.Events = append(slices.Clone(events), step.Events...)
		return nil
	})
}
