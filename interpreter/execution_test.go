package interpreter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func compile(t *testing.T, def string) *interpreter.Program {
	t.Helper()
	sm, diags := asl.Check([]byte(def), asl.Options{})
	require.False(t, asl.HasErrors(diags), "%v", diags)
	p, err := interpreter.Compile(sm)
	require.NoError(t, err)
	return p
}

func run(t *testing.T, def, input string, inv interpreter.Invoker) (*interpreter.Result, *interpreter.VirtualClock) {
	t.Helper()
	return runWith(t, def, input, inv, nil)
}

// runLogged runs as run does, keeping the history.
func runLogged(t *testing.T, def, input string, inv interpreter.Invoker) (*interpreter.Result, []interpreter.Event) {
	t.Helper()
	log := &interpreter.EventLog{}
	res, _ := runWith(t, def, input, inv, log)
	return res, log.Events()
}

func runWith(t *testing.T, def, input string, inv interpreter.Invoker, events interpreter.EventSink) (*interpreter.Result, *interpreter.VirtualClock) {
	t.Helper()
	clock := interpreter.NewVirtualClock(epoch)
	cfg := interpreter.NewConfig("test", "exec", false)
	cfg.Clock, cfg.Invoker, cfg.Events = clock, inv, events
	in, err := source.DecodeString(input) // objects are Objects, as execute and StartExecution decode them
	require.NoError(t, err)
	res := compile(t, def).Run(context.Background(), in, cfg)
	res.Output = value.Plain(res.Output) // compared with maps
	return res, clock
}

// failing fails its first n calls with err, then returns "ok".
func failing(n int, err error) (interpreter.Invoker, *int) {
	calls := 0
	return interpreter.InvokerFunc(func(context.Context, *interpreter.TaskRequest) (any, error) {
		calls++
		if calls <= n {
			return nil, err
		}
		return "ok", nil
	}), &calls
}

func TestRetryBackoffInVirtualTime(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
		"Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":2,"MaxAttempts":3,"BackoffRate":3}]}}}`
	tests := []struct {
		name     string
		failures int
		status   interpreter.Status
		calls    int
		elapsed  time.Duration
	}{
		{"first try", 0, interpreter.Succeed, 1, 0},
		{"two retries", 2, interpreter.Succeed, 3, (2 + 6) * time.Second},
		{"retries spent", 5, interpreter.Failed, 4, (2 + 6 + 18) * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, calls := failing(tt.failures, failure.New("Boom", "bang"))
			res, _ := run(t, def, `{}`, inv)
			assert.Equal(t, tt.status, res.Status)
			assert.Equal(t, tt.calls, *calls)
			assert.Equal(t, tt.elapsed, res.StopDate.Sub(res.StartDate))
			if tt.status == interpreter.Failed {
				assert.Equal(t, "Boom", res.Error)
				assert.Equal(t, "bang", res.Cause)
			}
		})
	}
}

func TestMaxDelayCapsBackoff(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
		"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"MaxAttempts":3,"BackoffRate":10,"MaxDelaySeconds":15}]}}}`
	inv, _ := failing(3, failure.New("Boom", ""))
	res, _ := run(t, def, `{}`, inv)
	assert.Equal(t, interpreter.Succeed, res.Status)
	assert.Equal(t, (10+15+15)*time.Second, res.StopDate.Sub(res.StartDate))
}

func TestCatchAfterRetriesAndResultPath(t *testing.T) {
	def := `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"Done",
			"Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":1}],
			"Catch":[{"ErrorEquals":["Other"],"Next":"Done"},{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Done"}]},
		"Done":{"Type":"Succeed"}}}`
	inv, calls := failing(10, failure.New("Boom", "bang"))
	res, _ := run(t, def, `{"keep":1}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status)
	assert.Equal(t, 2, *calls)
	assert.Equal(t, map[string]any{"keep": int64(1), "err": map[string]any{"Error": "Boom", "Cause": "bang"}}, res.Output)
}

func TestRuntimeErrorsAreNotCaught(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.missing","Next":"D"},"D":{"Type":"Succeed"}}}`
	res, _ := run(t, def, `{}`, nil)
	assert.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, failure.Runtime, res.Error)
	assert.True(t, strings.HasPrefix(res.Cause, "An error occurred while executing the state 'P' (entered at the event id #2)."), res.Cause)
}

// blocking never answers until its context ends, sending heartbeats every beat (0: none).
func blocking(beat time.Duration, beats int) interpreter.Invoker {
	return interpreter.InvokerFunc(func(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
		for i := 0; i < beats; i++ {
			if err := req.Clock.Sleep(ctx, beat); err != nil {
				return nil, err
			}
			req.Heartbeat()
		}
		req.Clock.Idle(func() bool { return ctx.Err() != nil }, func() { <-ctx.Done() })
		return nil, ctx.Err()
	})
}

func TestTaskTimeouts(t *testing.T) {
	tests := []struct {
		name    string
		fields  string
		inv     interpreter.Invoker
		err     string
		elapsed time.Duration
	}{
		{"TimeoutSeconds", `"TimeoutSeconds":30`, blocking(0, 0), failure.Timeout, 30 * time.Second},
		{"HeartbeatSeconds", `"TimeoutSeconds":100,"HeartbeatSeconds":10`, blocking(0, 0), failure.HeartbeatTimeout, 10 * time.Second},
		{"heartbeats keep it alive", `"TimeoutSeconds":100,"HeartbeatSeconds":10`, blocking(8*time.Second, 3), failure.HeartbeatTimeout, 34 * time.Second},
		{"timeout despite heartbeats", `"TimeoutSeconds":20,"HeartbeatSeconds":10`, blocking(8*time.Second, 5), failure.Timeout, 20 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",` + tt.fields + `,"End":true}}}`
			res, _ := run(t, def, `{}`, tt.inv)
			assert.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, tt.err, res.Error)
			assert.Equal(t, tt.elapsed, res.StopDate.Sub(res.StartDate))
		})
	}
}

func TestExecutionTimeout(t *testing.T) {
	def := `{"TimeoutSeconds":30,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":300,"End":true}}}`
	res, history := runLogged(t, def, `{}`, nil)
	assert.Equal(t, interpreter.TimedOut, res.Status)
	assert.Equal(t, failure.Timeout, res.Error)
	assert.Equal(t, 30*time.Second, res.StopDate.Sub(res.StartDate))
	last := history[len(history)-1]
	assert.Equal(t, "ExecutionTimedOut", last.Type())
}

func TestWaitsCostNothingInVirtualTime(t *testing.T) {
	def := `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":300,"Next":"B"},
		"B":{"Type":"Wait","TimestampPath":"$.until","End":true}}}`
	start := time.Now()
	res, _ := run(t, def, `{"until":"2026-01-02T00:00:00Z"}`, nil)
	assert.Equal(t, interpreter.Succeed, res.Status)
	assert.Equal(t, 24*time.Hour, res.StopDate.Sub(res.StartDate))
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestStop(t *testing.T) {
	p := compile(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}}`)
	cfg := interpreter.NewConfig("test", "exec", false)
	log := &interpreter.EventLog{}
	cfg.Events = log
	ex := p.Start(context.Background(), map[string]any{}, cfg)
	ex.Stop("Stopped", "by the test")
	res := ex.Wait()
	assert.Equal(t, interpreter.Aborted, res.Status)
	assert.Equal(t, "Stopped", res.Error)
	history := log.Events()
	assert.Equal(t, "ExecutionAborted", history[len(history)-1].Type())
}

func TestHistoryEvents(t *testing.T) {
	def := `{"StartAt":"P","States":{
		"P":{"Type":"Pass","Next":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"Par"},
		"Par":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"ResultPath":null,"Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":null,"End":true}}}`
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) { return req.Input, nil })
	res, history := runLogged(t, def, `{"items":[1]}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
	var types []string
	for i, e := range history {
		assert.Equal(t, int64(i+1), e.ID)
		types = append(types, e.Type())
	}
	assert.Equal(t, []string{
		"ExecutionStarted", "PassStateEntered", "PassStateExited",
		"TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
		"ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "PassStateExited", "ParallelStateSucceeded", "ParallelStateExited",
		"MapStateEntered", "MapStateStarted", "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
		"MapStateSucceeded", "MapStateExited", "ExecutionSucceeded",
	}, types)
	b, err := history[4].MarshalJSON()
	require.NoError(t, err)
	assert.Contains(t, string(b), `"lambdaFunctionScheduledEventDetails"`)
}

func TestPayloadLimit(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	big := `{"s":"` + strings.Repeat("x", interpreter.DefaultPayloadLimit) + `"}`
	res, _ := run(t, def, big, nil)
	assert.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, failure.DataLimitExceeded, res.Error)
}

func TestHistoryLimit(t *testing.T) {
	def := `{"StartAt":"L","States":{"L":{"Type":"Pass","Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"E"}],"Default":"L"},"E":{"Type":"Succeed"}}}`
	res, history := runLogged(t, def, `{}`, nil)
	assert.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, failure.Runtime, res.Error)
	assert.LessOrEqual(t, len(history), interpreter.MaxHistoryEvents+2)
}

func TestProgramIsSharedByConcurrentExecutions(t *testing.T) {
	p := compile(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($.n, 1)"},"End":true}}}`)
	results := make(chan *interpreter.Result, 50)
	for i := range 50 {
		go func() {
			cfg := interpreter.NewConfig("test", "exec", false)
			cfg.Clock = interpreter.NewVirtualClock(epoch)
			results <- p.Run(context.Background(), map[string]any{"n": int64(i)}, cfg)
		}()
	}
	seen := map[int64]bool{}
	for range 50 {
		r := <-results
		require.Equal(t, interpreter.Succeed, r.Status)
		seen[value.Plain(r.Output).(map[string]any)["v"].(int64)] = true
	}
	assert.Len(t, seen, 50)
}

func TestDistributedMapFailureThreshold(t *testing.T) {
	def := func(tolerated string) string {
		return `{"StartAt":"M","States":{"M":{"Type":"Map",` + tolerated + `"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},
			"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"Bad"}],"Default":"Ok"},
			"Bad":{"Type":"Fail","Error":"ItemFailed"},"Ok":{"Type":"Pass","End":true}}},"End":true}}}`
	}
	res, _ := run(t, def(""), `[1,0,2]`, nil)
	assert.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, failure.ExceedToleratedFailure, res.Error)
	res, _ = run(t, def(`"ToleratedFailureCount":1,`), `[1,0,2]`, nil)
	assert.Equal(t, interpreter.Succeed, res.Status, res.Cause)
	res, _ = run(t, def(`"ToleratedFailurePercentage":20,`), `[1,0,2]`, nil)
	assert.Equal(t, failure.ExceedToleratedFailure, res.Error)
	// An inline Map fails with the iteration's own error.
	inline := strings.Replace(def(""), `"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"`, `"Mode":"INLINE"`, 1)
	res, _ = run(t, inline, `[1,0,2]`, nil)
	assert.Equal(t, "ItemFailed", res.Error)
}

// A Task whose call ends because its Parallel branch was stopped (a sibling branch failed) records no
// failure of its own, as AWS records none: the history shows the sibling's failure, then the Parallel's.
func TestStoppedSiblingTaskRecordsNoFailure(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:slow","End":true}}},
		{"StartAt":"Boom","States":{"Boom":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:boom","End":true}}}]}}}`
	inv := interpreter.InvokerFunc(func(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
		if strings.HasSuffix(req.Resource, ":slow") {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return nil, failure.New("Boom", "it broke")
	})
	res, events := runLogged(t, def, `{}`, inv)
	require.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, "Boom", res.Error)
	var failed []string
	for _, e := range events {
		if strings.HasSuffix(e.Type(), "Failed") {
			failed = append(failed, e.Type()+" "+e.Error)
		}
	}
	assert.Equal(t, []string{"LambdaFunctionFailed Boom", "ParallelStateFailed ", "ExecutionFailed Boom"}, failed)
}

// TestWaitingChildrenWaitTogether: iterations that wait run at once, whatever the number of processors
// (a fork of children that cannot wait runs them on a few goroutines): five Waits of 10 s take 10 s.
func TestWaitingChildrenWaitTogether(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":0,"ItemProcessor":{"StartAt":"W","States":{
		"W":{"Type":"Wait","Seconds":10,"Next":"P"},"P":{"Type":"Pass","End":true}}},"End":true}}}`
	res, _ := run(t, def, `[1,2,3,4,5]`, nil)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	assert.Equal(t, 10*time.Second, res.StopDate.Sub(res.StartDate))
	assert.Equal(t, []any{int64(1), int64(2), int64(3), int64(4), int64(5)}, res.Output)
}
