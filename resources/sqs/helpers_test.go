package sqs

import (
	"errors"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/awserr"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// fakeClock is a virtual clock: Now moves only by Advance, which fires the After timers it passes.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{c.t.Add(d), ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(c.t) {
			kept = append(kept, tm)
		} else {
			tm.c <- c.t
		}
	}
	c.timers = kept
}

// pending is the number of timers not fired yet.
func (c *fakeClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// holds counts hold and release calls, as the emulator's busy tracking would.
type holds struct{ held, released atomic.Int32 }

func (h *holds) hold() func() {
	h.held.Add(1)
	return func() { h.released.Add(1) }
}

func (h *holds) busy() int32 { return h.held.Load() - h.released.Load() }

func newTestBroker(t *testing.T, clock *fakeClock, queues ...string) *Broker {
	t.Helper()
	b := New(Options{Now: clock.Now, After: clock.After})
	for _, q := range queues {
		_, err := b.CreateQueue(q, nil)
		require.NoError(t, err)
	}
	return b
}

func requireAWSError(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	var e *awserr.Error
	require.True(t, errors.As(err, &e), "want *awserr.Error, got %v", err)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, status, e.Status)
	assert.Equal(t, message, e.Message)
}

func messages(t *testing.T, b *Broker, queue string) []any {
	t.Helper()
	q, ok := b.Dump()[queue].(map[string]any)
	require.True(t, ok, "queue %s in dump", queue)
	return q["Messages"].([]any)
}

func lastStatus(t *testing.T, b *Broker, queue string) map[string]any {
	t.Helper()
	msgs := messages(t, b, queue)
	require.NotEmpty(t, msgs)
	return msgs[len(msgs)-1].(map[string]any)
}
