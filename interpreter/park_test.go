package interpreter_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// manualClock is a clock the test sets. A sleep never ends by itself: parked executions do not sleep, so
// only the timers a running task arms do, and they must not fire.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *manualClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func (c *manualClock) Hold() func()                    { return func() {} }
func (c *manualClock) Idle(_ func() bool, wait func()) { wait() }

// durable runs or resumes executions of one definition with parking on, the way the server does.
type durable struct {
	t     *testing.T
	prog  *interpreter.Program
	clock *manualClock
	cfg   interpreter.Config
	input any
	// events are every event so far, across runs.
	events []interpreter.Event
}

func newDurable(t *testing.T, def, input string, inv interpreter.Invoker) *durable {
	in, err := oj.ParseString(input)
	require.NoError(t, err)
	d := &durable{t: t, prog: compile(t, def), clock: &manualClock{now: epoch}, input: in}
	d.cfg = interpreter.NewConfig("test", "exec", false)
	d.cfg.Clock, d.cfg.Invoker, d.cfg.Durable = d.clock, inv, true
	return d
}

func (d *durable) keep(res *interpreter.Result, log *interpreter.EventLog) *interpreter.Result {
	h := log.Events()
	if len(d.events) > 0 && len(h) > 0 {
		require.Equal(d.t, d.events[len(d.events)-1].ID+1, h[0].ID, "the resumed history continues the stored one")
	}
	d.events = append(d.events, h...)
	return res
}

func (d *durable) start() *interpreter.Result {
	cfg, log := d.logged()
	return d.keep(d.prog.Run(context.Background(), d.input, cfg), log)
}

func (d *durable) resume(p *interpreter.Parked, w interpreter.Wake) *interpreter.Result {
	cfg, log := d.logged()
	ex, err := d.prog.Resume(context.Background(), d.input, p.Checkpoint, w, cfg)
	require.NoError(d.t, err)
	return d.keep(ex.Wait(), log)
}

// logged is the configuration of a run that keeps its events in log.
func (d *durable) logged() (interpreter.Config, *interpreter.EventLog) {
	cfg, log := d.cfg, &interpreter.EventLog{}
	cfg.Events = log
	return cfg, log
}

// crashAt runs an execution until at returns (it sees the events recorded so far), checkpoints it with
// the events that checkpoint follows, and stops it as a crash would; d.resume then takes it up.
func (d *durable) crashAt(at func(recorded func() []interpreter.Event)) *interpreter.Parked {
	cfg, log := d.logged()
	recorded := log.Events
	ctx, crash := context.WithCancel(context.Background())
	ex := d.prog.Start(ctx, d.input, cfg)
	at(recorded)
	p, err := ex.Checkpoint(func() { d.events = recorded() })
	require.NoError(d.t, err)
	crash()
	ex.Wait()
	d.cfg.EventsBefore = p.LastEvent
	return p
}

func (d *durable) types() []string {
	var out []string
	for _, e := range d.events {
		out = append(out, e.Type())
	}
	return out
}

func TestParkAtWaitAndResume(t *testing.T) {
	d := newDurable(t, `{"StartAt":"A","TimeoutSeconds":100,"States":{
		"A":{"Type":"Pass","Assign":{"v":1},"Next":"W"},
		"W":{"Type":"Wait","Seconds":30,"Next":"B"},
		"B":{"Type":"Pass","Parameters":{"v.$":"$v","in.$":"$"},"End":true}}}`, `{"k":"x"}`, echo)
	res := d.start()
	require.Equal(t, interpreter.Running, res.Status)
	require.NotNil(t, res.Parked)
	assert.Equal(t, epoch.Add(30*time.Second), res.Parked.Due)
	assert.Empty(t, res.Parked.Waits)

	d.clock.set(res.Parked.Due)
	res = d.resume(res.Parked, interpreter.Wake{})
	require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
	assert.Equal(t, map[string]any{"v": int64(1), "in": map[string]any{"k": "x"}}, value.Plain(res.Output))
	assert.Equal(t, []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
		"WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}, d.types())
}

func TestParkOnTokenAndResume(t *testing.T) {
	def := `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","HeartbeatSeconds":10,"TimeoutSeconds":60,
			"Parameters":{"token.$":"$$.Task.Token"},"ResultPath":"$.answer",
			"Catch":[{"ErrorEquals":["States.Timeout","States.HeartbeatTimeout"],"ResultPath":"$.error","Next":"Late"}],"End":true},
		"Late":{"Type":"Pass","End":true}}}`
	submit := interpreter.InvokerFunc(func(context.Context, *interpreter.TaskRequest) (any, error) {
		return map[string]any{"MessageId": "m"}, nil
	})
	tests := []struct {
		name   string
		at     time.Duration
		answer *interpreter.Answer
		status interpreter.Status
		output string
		last   string
	}{
		{name: "answered", at: 5 * time.Second, answer: &interpreter.Answer{Output: `{"ok":1}`},
			status: interpreter.Succeed, output: `{"answer":{"ok":1},"in":1}`, last: "TaskSucceeded"},
		{name: "failed", at: 5 * time.Second, answer: &interpreter.Answer{Failed: true, Error: "Nope", Cause: "no"},
			status: interpreter.Failed, last: "TaskFailed"},
		{name: "heartbeat missed", at: 10 * time.Second,
			status: interpreter.Succeed, output: `{"error":{"Error":"States.HeartbeatTimeout"},"in":1}`, last: "TaskTimedOut"},
		{name: "timed out", at: 60 * time.Second,
			status: interpreter.Succeed, output: `{"error":{"Error":"States.Timeout"},"in":1}`, last: "TaskTimedOut"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDurable(t, def, `{"in":1}`, submit)
			res := d.start()
			require.Equal(t, interpreter.Running, res.Status)
			p := res.Parked
			require.NotNil(t, p)
			require.Len(t, p.Waits, 1)
			w := p.Waits[0]
			assert.NotEmpty(t, w.Token)
			assert.Equal(t, epoch.Add(10*time.Second), p.Due)
			assert.Equal(t, epoch.Add(10*time.Second), w.Due)
			assert.Equal(t, epoch.Add(60*time.Second), w.Deadline)
			assert.Equal(t, 10*time.Second, w.Heartbeat)
			assert.Equal(t, "TaskSubmitted", d.events[len(d.events)-1].Type())

			d.clock.set(epoch.Add(tc.at))
			var wake interpreter.Wake
			if tc.answer != nil {
				wake.Answers = map[string]interpreter.Answer{w.Token: *tc.answer}
			}
			res = d.resume(p, wake)
			require.Equal(t, tc.status, res.Status, res.Cause)
			if tc.output != "" {
				assert.Equal(t, tc.output, oj.JSON(res.Output, &oj.Options{Sort: true}))
			}
			types := d.types()
			assert.Contains(t, types, tc.last)
			assert.Equal(t, 1, count(types, "TaskStateEntered"), "the task is not entered again")
		})
	}
}

func TestParkForRetryBackoff(t *testing.T) {
	inv, calls := failing(2, &interpreter.CallbackError{Code: "Boom"})
	d := newDurable(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
		"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3}]}}}`, `{}`, inv)
	res := d.start()
	var dues []time.Duration
	for res.Status == interpreter.Running {
		dues = append(dues, res.Parked.Due.Sub(d.clock.Now()))
		d.clock.set(res.Parked.Due)
		res = d.resume(res.Parked, interpreter.Wake{})
	}
	require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
	assert.Equal(t, []time.Duration{2 * time.Second, 6 * time.Second}, dues)
	assert.Equal(t, 3, *calls)
	assert.Equal(t, 1, count(d.types(), "TaskStateEntered"))
}

// A parked execution past its TimeoutSeconds times out when it wakes.
func TestParkedExecutionTimesOut(t *testing.T) {
	d := newDurable(t, `{"StartAt":"W","TimeoutSeconds":5,"States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`, `{}`, echo)
	res := d.start()
	require.Equal(t, interpreter.Running, res.Status)
	assert.Equal(t, epoch.Add(5*time.Second), res.Parked.Due)
	d.clock.set(res.Parked.Due)
	res = d.resume(res.Parked, interpreter.Wake{})
	assert.Equal(t, interpreter.TimedOut, res.Status)
	assert.Equal(t, "ExecutionTimedOut", d.events[len(d.events)-1].Type())
}

// Waits inside Parallel branches and Map iterations park the execution once every frame waits; resumed,
// each takes up its wait where it was and finished work is not done again.
func TestParkInsideBranchesAndIterations(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		calls[req.StateName+" "+oj.JSON(req.Input)]++
		return req.Input, nil
	})
	d := newDurable(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"W3","States":{"W3":{"Type":"Wait","Seconds":3,"End":true}}},
		{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"End":true,"ItemProcessor":{"StartAt":"A","States":{
			"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:a","Next":"W"},
			"W":{"Type":"Wait","SecondsPath":"$.s","Next":"B"},
			"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:b","End":true}}}}}}]}}}`,
		`{"items":[{"s":1},{"s":5},{"s":2}]}`, inv)
	res := d.start()
	var dues []time.Duration
	for res.Status == interpreter.Running {
		require.NotNil(t, res.Parked)
		dues = append(dues, res.Parked.Due.Sub(epoch))
		d.clock.set(res.Parked.Due)
		res = d.resume(res.Parked, interpreter.Wake{})
	}
	require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
	assert.Equal(t, `[{"items":[{"s":1},{"s":5},{"s":2}]},[{"s":1},{"s":5},{"s":2}]]`, oj.JSON(res.Output, &oj.Options{Sort: true}))
	// Items 0 and 1 wait from 0 s; item 2 starts once item 0 is done, at 1 s, and waits until 3 s.
	assert.Equal(t, []time.Duration{time.Second, 3 * time.Second, 5 * time.Second}, dues)
	for key, n := range calls {
		assert.Equal(t, 1, n, key)
	}
	assert.Len(t, calls, 6)
	types := d.types()
	assert.Equal(t, 1, count(types, "ParallelStateEntered"))
	assert.Equal(t, 3, count(types, "MapIterationStarted"))
	assert.Equal(t, 3, count(types, "WaitStateExited")-1)
	assert.Equal(t, 6, count(types, "LambdaFunctionSucceeded"))
}

// A checkpoint taken while the execution runs resumes it after a crash: what was recorded is not done
// again, only the task in flight runs again.
func TestCheckpointWhileRunning(t *testing.T) {
	started := make(chan string, 10)
	release := make(chan struct{})
	var mu sync.Mutex
	calls := map[string]int{}
	inv := interpreter.InvokerFunc(func(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
		mu.Lock()
		calls[req.StateName]++
		mu.Unlock()
		if req.StateName == "Slow" {
			started <- req.StateName
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return req.Input, nil
	})
	d := newDurable(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Fast","States":{"Fast":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"Then"},
			"Then":{"Type":"Pass","Result":"then","End":true}}},
		{"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:s","End":true}}}]}}}`, `{}`, inv)
	p := d.crashAt(func(recorded func() []interpreter.Event) {
		<-started
		// The fast branch has ended (in whatever order its events and the slow one's came).
		require.Eventually(t, func() bool {
			return slices.ContainsFunc(recorded(), func(e interpreter.Event) bool { return e.Type() == "PassStateExited" })
		}, 5*time.Second, time.Millisecond)
	})
	close(release)
	res := d.resume(p, interpreter.Wake{})
	require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
	assert.Equal(t, `["then",{}]`, oj.JSON(res.Output))
	assert.Equal(t, map[string]int{"Fast": 1, "Slow": 2}, calls, "only the task in flight runs again")
	assert.Equal(t, 1, count(d.types(), "ParallelStateEntered"))
	assert.Equal(t, 1, count(d.types(), "PassStateExited"))
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// A checkpoint taken at any moment, even before the first state, resumes the execution to its right end.
func TestCheckpointAtAnyMoment(t *testing.T) {
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) { return req.Input, nil })
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"M","Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:a","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]},
		"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:c","End":true}}}}}}`
	for i := range 50 {
		d := newDurable(t, def, `[1,2,3]`, inv)
		d.cfg.Clock = interpreter.RealClock{}
		p := d.crashAt(func(func() []interpreter.Event) { time.Sleep(time.Duration(i*10) * time.Microsecond) })
		res := d.resume(p, interpreter.Wake{})
		require.Equal(t, interpreter.Succeed, res.Status, "%d: %s %s", i, res.Error, res.Cause)
		assert.Equal(t, `[[1,2,3],[1,2,3]]`, oj.JSON(res.Output), i)
		for j, e := range d.events {
			require.Equal(t, int64(j+1), e.ID, "%d: dense ids", i)
		}
	}
}
