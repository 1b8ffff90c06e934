package jsonata

import (
	"context"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/value"
)

// DefaultMaxBytes is the memory budget of an evaluation when Options.MaxBytes is 0: large enough
// for the reference suite's biggest legitimate value ([1..10000000], about 240 MB of estimated
// values), small enough that one expression cannot take the process down.
const DefaultMaxBytes = 256 << 20

// Estimated sizes of the values an evaluation builds. They are what Go spends on 64-bit platforms,
// rounded: an interface slot of an array, a float64 boxed into one, a member of an object (key
// slot, map entry and its share of the buckets), the headers of a string.
const (
	slotBytes   = 16
	numberBytes = 8
	memberBytes = 64
)

// meter holds the limits of one evaluation: the time left and the memory budget, spent where
// values are built. A limit crossed is sticky: a builder that cannot return an error stops
// building, and eval reports the error at the next node.
type meter struct {
	ctx      context.Context
	deadline time.Time
	// timeout is Options.Timeout until the first check of the time sets the deadline from it: an
	// evaluation that ends before (most do, within a few hundred nodes) reads no clock.
	timeout time.Duration
	ticks   uint32
	limit   int64 // the budget in bytes
	left    int64 // what remains of it
	err     error
}

// charge spends n estimated bytes; false means the budget (or the time) ran out and the caller
// must not build the value. Time is checked every 1024 charges, so loops that build are bounded
// in time as well.
func (m *meter) charge(n int) bool {
	if m.err != nil {
		return false
	}
	m.left -= int64(n)
	if m.left < 0 {
		m.err = newError("U1002", -1, "", float64(m.limit))
		return false
	}
	m.ticks++
	if m.ticks&1023 == 0 {
		return m.checkTime() == nil
	}
	return true
}

// chargeSlots spends n array slots.
func (m *meter) chargeSlots(n int) bool { return m.charge(n * slotBytes) }

// poll checks the time every 4096 iterations of a loop that builds nothing (a comparison loop).
func (m *meter) poll(i int) error {
	if i&4095 != 0 {
		return m.err
	}
	return m.checkTime()
}

// checkTime fails the evaluation once its deadline passed or its context ended.
func (m *meter) checkTime() error {
	if m.err != nil {
		return m.err
	}
	var now time.Time
	if m.timeout > 0 || !m.deadline.IsZero() {
		now = time.Now()
	}
	if m.timeout > 0 {
		if d := now.Add(m.timeout); m.deadline.IsZero() || d.Before(m.deadline) {
			m.deadline = d
		}
		m.timeout = 0
	}
	if !m.deadline.IsZero() && now.After(m.deadline) {
		m.err = &Error{Code: "U1001", Position: -1, Message: "Expression evaluation timeout: Check for infinite loop"}
	} else if m.ctx != nil && m.ctx.Err() != nil {
		m.err = &Error{Code: "U1001", Position: -1, Message: "Expression evaluation cancelled: " + m.ctx.Err().Error()}
	}
	return m.err
}

// fits reports whether n more bytes would stay within the budget, without spending them: for
// builders that learn the size as they go (a JSON rendering), then charge what they built.
func (m *meter) fits(n int) bool {
	if m.err == nil && int64(n) > m.left {
		m.err = newError("U1002", -1, "", float64(m.limit))
	}
	return m.err == nil
}

// reserve makes room for n more bytes in b within the budget. Builder.Grow doubles the capacity,
// where appending alone grows a large buffer by a quarter at a time and so allocates five times
// its final size. The builder's owner charges its capacity once it is done.
func (m *meter) reserve(b *strings.Builder, n int) bool {
	if b.Cap()-b.Len() >= n {
		return m.err == nil
	}
	if !m.fits(2*b.Cap() + n) {
		return false
	}
	b.Grow(n)
	return true
}

// chargeValue spends what a value built outside the evaluator (a host function's result) holds.
func (m *meter) chargeValue(v any) {
	switch x := v.(type) {
	case string:
		m.charge(len(x))
	case []any:
		if m.chargeSlots(len(x)) {
			for _, it := range x {
				m.chargeValue(it)
			}
		}
	case map[string]any:
		if m.charge(len(x) * memberBytes) {
			for k, it := range x {
				m.charge(len(k))
				m.chargeValue(it)
			}
		}
	case *value.Object:
		if m.charge(x.Len() * memberBytes) {
			for _, e := range x.Members() {
				m.charge(len(e.Key))
				m.chargeValue(e.Value)
			}
		}
	}
}
