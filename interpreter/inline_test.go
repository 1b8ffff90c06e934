package interpreter_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

// inlineInvoker declares every call inline (interpreter.InlineInvoker) and runs fn.
type inlineInvoker struct{ fn interpreter.InvokerFunc }

func (i inlineInvoker) Invoke(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
	return i.fn(ctx, req)
}

func (inlineInvoker) Inline(*interpreter.TaskRequest) bool { return true }

// sleeper sleeps steps times d on the execution's clock, with a heartbeat after each, then answers "done".
func sleeper(steps int, d time.Duration) interpreter.InvokerFunc {
	return func(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
		for range steps {
			if err := req.Clock.Sleep(ctx, d); err != nil {
				return nil, err
			}
			req.Heartbeat()
		}
		return "done", nil
	}
}

// TestInlineTimeouts runs Tasks whose handlers take virtual time, in a goroutine of their own (an
// InvokerFunc) and inline. A handler run in its goroutine is cut off when its timer fires; an inline one is
// meant to take no time, and one that does anyway fails as its timer would have made it, once it returns.
func TestInlineTimeouts(t *testing.T) {
	tests := []struct {
		name   string
		fields string
		fn     interpreter.InvokerFunc
		// err is the error, "" for success; elapsed and inlineElapsed the execution's duration in each mode.
		err                    string
		elapsed, inlineElapsed time.Duration
	}{
		{"answers at once", `"TimeoutSeconds":2,"HeartbeatSeconds":1`, sleeper(0, 0), "", 0, 0},
		{"within TimeoutSeconds", `"TimeoutSeconds":5`, sleeper(1, 3*time.Second), "", 3 * time.Second, 3 * time.Second},
		{"past TimeoutSeconds", `"TimeoutSeconds":5`, sleeper(1, 10*time.Second), failure.Timeout, 5 * time.Second, 10 * time.Second},
		{"at TimeoutSeconds", `"TimeoutSeconds":5`, sleeper(1, 5*time.Second), failure.Timeout, 5 * time.Second, 5 * time.Second},
		{"past HeartbeatSeconds", `"TimeoutSeconds":100,"HeartbeatSeconds":4`, sleeper(1, 10*time.Second),
			failure.HeartbeatTimeout, 4 * time.Second, 10 * time.Second},
		{"heartbeats keep it alive", `"TimeoutSeconds":100,"HeartbeatSeconds":4`, sleeper(3, 3*time.Second), "",
			9 * time.Second, 9 * time.Second},
		{"a late heartbeat", `"TimeoutSeconds":100,"HeartbeatSeconds":4`, sleeper(2, 5*time.Second),
			failure.HeartbeatTimeout, 4 * time.Second, 10 * time.Second},
		{"heartbeat runs out before the timeout", `"TimeoutSeconds":8,"HeartbeatSeconds":4`, sleeper(1, 9*time.Second),
			failure.HeartbeatTimeout, 4 * time.Second, 9 * time.Second},
		{"timeout first", `"TimeoutSeconds":5,"HeartbeatSeconds":4`, sleeper(2, 3*time.Second),
			failure.Timeout, 5 * time.Second, 6 * time.Second},
		{"the default timeout", ``, sleeper(1, 24*time.Hour), "", 24 * time.Hour, 24 * time.Hour},
	}
	for _, tt := range tests {
		for _, mode := range []struct {
			name    string
			inv     interpreter.Invoker
			elapsed time.Duration
		}{{"goroutine", tt.fn, tt.elapsed}, {"inline", inlineInvoker{tt.fn}, tt.inlineElapsed}} {
			t.Run(tt.name+"/"+mode.name, func(t *testing.T) {
				def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",` +
					tt.fields + `"End":true}}}`
				if tt.fields != "" {
					def = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",` +
						tt.fields + `,"End":true}}}`
				}
				res, _ := run(t, def, `{}`, mode.inv)
				if tt.err == "" {
					require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
					assert.Equal(t, "done", res.Output)
				} else {
					require.Equal(t, interpreter.Failed, res.Status)
					assert.Equal(t, tt.err, res.Error)
				}
				assert.Equal(t, mode.elapsed, res.StopDate.Sub(res.StartDate))
			})
		}
	}
}

// TestTokenTasksAreNotInline: a Task that waits for its token takes the token's answer, not what its
// handler returned, even when the Invoker would answer it inline.
func TestTokenTasksAreNotInline(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"token.$":"$$.Task.Token"},"TimeoutSeconds":5,"End":true}}}`
	inv := inlineInvoker{func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		return "submitted", req.Answers.SendTaskSuccess(req.Token, `{"answer":1}`)
	}}
	res, _ := run(t, def, `{}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	assert.Equal(t, map[string]any{"answer": int64(1)}, res.Output)
}

// TestInlineEvents: an inline call records the same history as one in a goroutine.
func TestInlineEvents(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"U"},
		"U":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:g","End":true,
		"Retry":[{"ErrorEquals":["Again"],"MaxAttempts":1}]}}}`
	fn := func() interpreter.InvokerFunc {
		calls := 0
		return func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
			switch calls++; calls {
			case 1:
				req.Submitted(map[string]any{"job": "j-1"}) // as a .sync job's handler reports its submission
			case 2:
				return nil, errAgain
			}
			return req.Input, nil
		}
	}
	types := func(inv interpreter.Invoker) []string {
		res, history := runLogged(t, def, `{"a":1}`, inv)
		require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
		var out []string
		for _, e := range history {
			out = append(out, e.Type())
		}
		return out
	}
	goroutine := types(fn())
	assert.Equal(t, goroutine, types(inlineInvoker{fn()}))
	assert.Contains(t, goroutine, "LambdaFunctionFailed")
	assert.Contains(t, goroutine, "TaskSubmitted")
}

// TestInlineContext: an inline call's handler sees the $$ of its own state attempt, and its .sync
// submission is recorded for its own state, as a call in a goroutine's; the frame's inline Context and
// Submitted are built once and serve every Task after.
func TestInlineContext(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"U",
		"Retry":[{"ErrorEquals":["Again"],"IntervalSeconds":3,"MaxAttempts":1}]},
		"U":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:g","End":true}}}`
	type seen struct {
		contexts []map[string]any
		events   []string
	}
	watch := func(wrap func(interpreter.InvokerFunc) interpreter.Invoker) seen {
		var s seen
		calls := 0
		inv := wrap(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
			s.contexts = append(s.contexts, req.Context()["State"].(map[string]any))
			req.Submitted(map[string]any{"call": int64(calls)})
			if calls++; calls == 1 {
				return nil, errAgain
			}
			return req.Input, nil
		})
		res, history := runLogged(t, def, `{}`, inv)
		require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
		for _, e := range history {
			if e.Type() == "TaskSubmitted" {
				s.events = append(s.events, e.State())
			}
		}
		return s
	}
	goroutine := watch(func(fn interpreter.InvokerFunc) interpreter.Invoker { return fn })
	inline := watch(func(fn interpreter.InvokerFunc) interpreter.Invoker { return inlineInvoker{fn} })
	require.Len(t, inline.contexts, 3)
	assert.Equal(t, goroutine, inline)
	assert.Equal(t, []string{"T", "T", "U"}, inline.events)
	assert.Equal(t, []any{"T", "T", "U"}, []any{inline.contexts[0]["Name"], inline.contexts[1]["Name"], inline.contexts[2]["Name"]})
	assert.Equal(t, int64(1), inline.contexts[1]["RetryCount"])
	assert.NotEqual(t, inline.contexts[0]["EnteredTime"], inline.contexts[2]["EnteredTime"])
}

// TestGoroutineCallsOwnTheirRequest: a call in a goroutine may outlive its state (after its timeout), so
// its request stays its own while the frame's next Task calls reuse theirs.
func TestGoroutineCallsOwnTheirRequest(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"U"},
		"U":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:g","End":true}}}`
	var kept []*interpreter.TaskRequest
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		kept = append(kept, req)
		return req.Input, nil
	})
	res, _ := run(t, def, `{}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	require.Len(t, kept, 2)
	assert.Equal(t, []string{"T", "U"}, []string{kept[0].StateName, kept[1].StateName})
	assert.Equal(t, "arn:aws:lambda:us-east-1:1:function:f", kept[0].Resource)
}
