package interpreter

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
)

// stateError is a failure the interpreter raises while processing a state (a path that selects nothing,
// a value of the wrong type). When it leaves the state, AWS's prefix naming the state and its entered
// event is put before the cause.
type stateError struct {
	name  string
	cause string
}

func (e *stateError) Error() string { return e.name + ": " + e.cause }

func runtimeErrorf(format string, args ...any) error {
	return &stateError{name: failure.Runtime, cause: fmt.Sprintf(format, args...)}
}

func stateErrorf(name, format string, args ...any) error {
	return &stateError{name: name, cause: fmt.Sprintf(format, args...)}
}

// asFailure turns any error raised in a state into the named failure Retry, Catch and the execution see.
func asFailure(err error, state string, enteredEvent int64) *failure.Error {
	var se *stateError
	if errors.As(err, &se) {
		return &failure.Error{Name: se.name, Cause: fmt.Sprintf(
			"An error occurred while executing the state '%s' (entered at the event id #%d). %s", state, enteredEvent, se.cause)}
	}
	var fe *failure.Error
	if errors.As(err, &fe) {
		return fe
	}
	return &failure.Error{Name: failure.TaskFailed, Cause: err.Error()}
}

// retrier is a compiled Retry entry.
type retrier struct {
	errors      []string
	interval    time.Duration
	maxAttempts int
	backoff     float64
	maxDelay    time.Duration
	fullJitter  bool
}

// delay is the wait before retry number attempt (0-based): IntervalSeconds * BackoffRate^attempt, capped
// by MaxDelaySeconds, and drawn uniformly below that with FULL jitter.
func (r *retrier) delay(attempt int) time.Duration {
	d := float64(r.interval) * math.Pow(r.backoff, float64(attempt))
	if r.maxDelay > 0 && d > float64(r.maxDelay) {
		d = float64(r.maxDelay)
	}
	if d > float64(math.MaxInt64) {
		d = float64(math.MaxInt64)
	}
	if r.fullJitter {
		d = rand.Float64() * d
	}
	return time.Duration(d)
}

// catcher is a compiled Catch entry.
type catcher struct {
	errors     []string
	next       *node
	resultPath *resultPath
	// output (JSONata) replaces the error output; assign sets variables when the catcher is taken.
	output ataNode
	assign *assignment
}

// errorOutput is the value a catcher hands on: {"Error", "Cause"}, Cause left out when there is none.
func errorOutput(fe *failure.Error) map[string]any {
	out := map[string]any{"Error": fe.Name}
	if fe.Cause != "" {
		out["Cause"] = fe.Cause
	}
	return out
}

// JSONText is a value already written as JSON text: history events show it as it is (an execution's input
// as StartExecution got it) rather than writing the value again.
type JSONText string

// compactJSON writes v as AWS prints values in causes: compact, keys sorted (Go maps keep no order).
func compactJSON(v any) string {
	if t, ok := v.(JSONText); ok {
		return string(t)
	}
	return value.JSON(v)
}
