package interpreter

import (
	"container/heap"
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Clock is the time an execution sees. Waits, retry back-offs, timeouts and heartbeats all go through it,
// so a virtual clock can skip them.
type Clock interface {
	Now() time.Time
	// Sleep returns after d, or with ctx's error when ctx ends first.
	Sleep(ctx context.Context, d time.Duration) error
	// Hold marks the caller as busy until the returned release is called: a virtual clock does not jump
	// while anyone holds it. Executions hold it while they compute; workers that will answer a task token
	// hold it while they work.
	Hold() (release func())
	// Idle wraps a blocking wait on something other than the clock (children, a task token): the caller
	// stops counting as busy until wait returns. ready reports, without blocking, whether what the caller
	// waits for has arrived: a virtual clock never moves while an idle caller is ready to go on, since the
	// waker may already have stopped counting as busy before the caller runs. ready must stay true until
	// the caller is back (sticky state, not a channel the caller drains), and must not call the clock.
	Idle(ready func() bool, wait func())
}

// RealClock is wall-clock time.
type RealClock struct{}

// Now returns the wall-clock time.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d of real time.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Hold does nothing on a real clock.
func (RealClock) Hold() func() { return func() {} }

// Idle just waits.
func (RealClock) Idle(_ func() bool, wait func()) { wait() }

// VirtualClock is simulated time: whenever nothing holds it, it jumps to the earliest pending timer, so a
// 300 s Wait costs nothing while timers still fire in order.
type VirtualClock struct {
	mu sync.Mutex
	// now (Unix nanoseconds) is read without the lock, since every history event is stamped with it.
	now    atomic.Int64
	busy   int
	timers timerHeap
	seq    uint64
	// idle holds the ready checks of the callers inside Idle.
	idle map[*func() bool]struct{}
}

// NewVirtualClock starts simulated time at start.
func NewVirtualClock(start time.Time) *VirtualClock {
	c := &VirtualClock{idle: map[*func() bool]struct{}{}}
	c.now.Store(start.UnixNano())
	return c
}

// Now returns the simulated time.
func (c *VirtualClock) Now() time.Time {
	return time.Unix(0, c.now.Load()).UTC()
}

type vtimer struct {
	at  time.Time
	seq uint64
	ch  chan struct{}
	idx int
	// ctx is the sleeper's: once it has ended the sleeper is about to wake, so time must not move.
	ctx context.Context
}

type timerHeap []*vtimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].idx = i; h[j].idx = j }
func (h *timerHeap) Push(x any)   { t := x.(*vtimer); t.idx = len(*h); *h = append(*h, t) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	t.idx = -1
	return t
}
func (h timerHeap) peek() *vtimer { return h[0] }
func (h *timerHeap) remove(t *vtimer) {
	if t.idx >= 0 {
		heap.Remove(h, t.idx)
	}
}

// Sleep parks the caller until simulated time reaches now+d. The caller must hold the clock (be busy);
// it stops counting as busy while it sleeps and counts again when it wakes.
func (c *VirtualClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	t := &vtimer{at: c.Now().Add(max(d, 0)), seq: c.seq, ch: make(chan struct{}), ctx: ctx}
	c.seq++
	heap.Push(&c.timers, t)
	c.busy--
	c.advance()
	c.mu.Unlock()
	select {
	case <-t.ch:
		return nil // advance counted us busy again before waking us
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		select {
		case <-t.ch: // fired while we were cancelled: already counted busy
		default:
			c.timers.remove(t)
			c.busy++
		}
		return ctx.Err()
	}
}

// Hold counts the caller as busy.
func (c *VirtualClock) Hold() func() {
	c.mu.Lock()
	c.busy++
	c.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			c.busy--
			c.advance()
			c.mu.Unlock()
		})
	}
}

// Idle stops counting the caller as busy while wait runs.
func (c *VirtualClock) Idle(ready func() bool, wait func()) {
	w := &ready
	c.mu.Lock()
	c.idle[w] = struct{}{}
	c.busy--
	c.advance()
	c.mu.Unlock()
	wait()
	c.mu.Lock()
	delete(c.idle, w)
	c.busy++
	c.mu.Unlock()
}

// advance fires the earliest timer when nobody is busy, no idle caller is ready to go on and no sleeper
// is being woken by its context. Called with mu held.
func (c *VirtualClock) advance() {
	if c.busy > 0 || c.timers.Len() == 0 {
		return
	}
	for w := range c.idle {
		if (*w)() {
			return
		}
	}
	for _, t := range c.timers {
		if t.ctx.Err() != nil {
			return
		}
	}
	t := heap.Pop(&c.timers).(*vtimer)
	if t.at.After(c.Now()) {
		c.now.Store(t.at.UnixNano())
	}
	c.busy++ // the sleeper is busy from the moment it is woken
	close(t.ch)
}
