package interpreter

import (
	"math"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
)

// waitState delays for a number of seconds or until a timestamp, each fixed or read from the input.
type waitState struct {
	seconds       time.Duration
	timestamp     time.Time
	hasTimestamp  bool
	secondsPath   *jsonpath.Path
	timestampPath *jsonpath.Path
	// secondsExpr and timestampExpr are a JSONata state's expressions for Seconds and Timestamp.
	secondsExpr, timestampExpr *ataExpr
}

func (c *compiler) wait(m *machine, n *node, s *asl.Wait, fail failFunc) error {
	if err := c.io(n, s.IO, fail); err != nil {
		return err
	}
	w := waitState{}
	var err error
	switch {
	case n.ata && s.Seconds.Expr != "":
		if w.secondsExpr, err = c.ataString("Seconds", s.Seconds.Expr); err != nil {
			return fail("Seconds", err)
		}
	case n.ata && isExpression(s.Timestamp):
		if w.timestampExpr, err = c.ataString("Timestamp", s.Timestamp); err != nil {
			return fail("Timestamp", err)
		}
	case s.Seconds.Set:
		w.seconds = time.Duration(s.Seconds.Value) * time.Second
	case s.Timestamp != "":
		t, ok := parseTimestamp(s.Timestamp)
		if !ok {
			return fail("Timestamp", errString("String does not match RFC3339 timestamp"))
		}
		w.timestamp, w.hasTimestamp = t, true
	case s.SecondsPath != "":
		if w.secondsPath, err = jsonpath.ParseReference(s.SecondsPath); err != nil {
			return fail("SecondsPath", err)
		}
	case s.TimestampPath != "":
		if w.timestampPath, err = jsonpath.ParseReference(s.TimestampPath); err != nil {
			return fail("TimestampPath", err)
		}
	}
	n.impl = w
	return nil
}

func (w waitState) run(f *frame, n *node, in stateInput) (actionOutcome, error) {
	var due time.Time
	if in.resume != nil {
		// Parked: its time may have come.
		due = in.resume.cp.Due
	} else {
		d, err := w.duration(f, in)
		if err != nil {
			return actionOutcome{}, err
		}
		if scale := f.ex.cfg.WaitScale; scale != nil && d > 0 {
			d = time.Duration(float64(d) * *scale)
		}
		due = f.ex.clock.Now().Add(d)
	}
	f.move(func(p *position) { p.phase, p.due = phaseWait, due })
	parked, err := f.sleepUntil(due)
	if parked || err != nil {
		return actionOutcome{parked: parked}, err
	}
	return actionOutcome{result: in.value, next: n.next}, nil
}

// duration is how long to wait from now.
func (w waitState) duration(f *frame, in stateInput) (time.Duration, error) {
	sc := scope{doc: in.value, f: f}
	switch {
	case w.secondsExpr != nil:
		secs, err := w.secondsExpr.evalCount(in.env)
		if err != nil {
			return 0, err
		}
		return time.Duration(secs) * time.Second, nil
	case w.timestampExpr != nil:
		s, err := w.timestampExpr.evalString(in.env)
		if err != nil {
			return 0, err
		}
		t, ok := parseTimestamp(s)
		if !ok {
			return 0, stateErrorf(failure.QueryEvaluationError,
				"The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: %s", s)
		}
		return t.Sub(f.ex.clock.Now()), nil
	case w.secondsPath != nil:
		v, ok := sc.get(w.secondsPath)
		if !ok {
			return 0, runtimeErrorf("The SecondsPath parameter does not reference an input value: %s", w.secondsPath)
		}
		secs, ok := wholeNumber(v)
		if !ok || secs < 0 {
			return 0, runtimeErrorf("The SecondsPath parameter does not reference a positive integer value: %s == %s",
				w.secondsPath, compactJSON(v))
		}
		return time.Duration(secs) * time.Second, nil
	case w.timestampPath != nil:
		v, ok := sc.get(w.timestampPath)
		if !ok {
			return 0, runtimeErrorf("The TimestampPath parameter does not reference an input value: %s", w.timestampPath)
		}
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			text := s
			if _, isString := v.(string); !isString {
				text = compactJSON(v)
			}
			return 0, runtimeErrorf("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s",
				w.timestampPath, text)
		}
		return t.Sub(f.ex.clock.Now()), nil
	case w.hasTimestamp:
		return w.timestamp.Sub(f.ex.clock.Now()), nil
	}
	return w.seconds, nil
}

// parseTimestamp reads an RFC 3339 timestamp with a mandatory T and offset, as AWS requires.
func parseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// wholeNumber reads an integral JSON number.
func wholeNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	}
	return 0, false
}

// errString is a constant error text.
type errString string

func (e errString) Error() string { return string(e) }
