package interpreter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
)

// taskState runs a resource through the execution's Invoker.
type taskState struct {
	resource    string
	credentials *template
	// lambda marks a legacy Lambda function ARN, whose history events are LambdaFunction*.
	lambda       bool
	resourceType string
	resourceName string
	waitForToken bool
	// activity marks an activity ARN: the task is handed to a worker polling GetActivityTask, unless the
	// Invoker binds it (see Binder).
	activity      bool
	timeout       time.Duration
	heartbeat     time.Duration
	timeoutPath   *jsonpath.Path
	heartbeatPath *jsonpath.Path
	// The JSONata forms: Credentials and the expressions of TimeoutSeconds and HeartbeatSeconds.
	credentialsATA ataNode
	timeoutExpr    *ataExpr
	heartbeatExpr  *ataExpr
}

// DefaultTaskTimeout is AWS's default TimeoutSeconds for a Task: 99999999 seconds, a year or so.
const DefaultTaskTimeout = 99999999 * time.Second

func (c *compiler) task(m *machine, n *node, s *asl.Task, fail failFunc) error {
	if err := c.produces(m, n, s.IO, s.ResultFields, s.Errors, fail); err != nil {
		return err
	}
	t := &taskState{resource: s.Resource, timeout: DefaultTaskTimeout}
	t.lambda = strings.HasPrefix(s.Resource, "arn:aws:lambda:") || strings.Contains(s.Resource, ":lambda:") && strings.Contains(s.Resource, ":function:")
	// An integration ARN with a region and an account runs as its plain arn:aws:states::: form; the
	// history names it by that form too (ours: AWS's events for the long form are not recorded).
	t.resourceType, t.resourceName = splitResource(asl.PlainResource(s.Resource), t.lambda)
	t.waitForToken = strings.HasSuffix(s.Resource, ".waitForTaskToken")
	t.activity = isActivity(s.Resource)
	n.tokens = t.waitForToken || t.activity
	if err := c.parameters(n, s.Parameters, s.Arguments, fail); err != nil {
		return err
	}
	var err error
	if s.Credentials != nil {
		if t.credentials, err = compileTemplate(s.Credentials); err != nil {
			return fail("Credentials", err)
		}
	}
	if n.ata {
		if t.credentialsATA, err = c.ata("Credentials", s.Credentials); err != nil {
			return fail("Credentials", err)
		}
		t.credentials = nil
		if t.timeoutExpr, err = c.ataString("TimeoutSeconds", s.TimeoutSeconds.Expr); err != nil {
			return fail("TimeoutSeconds", err)
		}
		if t.heartbeatExpr, err = c.ataString("HeartbeatSeconds", s.HeartbeatSeconds.Expr); err != nil {
			return fail("HeartbeatSeconds", err)
		}
	}
	if s.TimeoutSeconds.Set {
		t.timeout = time.Duration(s.TimeoutSeconds.Value) * time.Second
	}
	if s.HeartbeatSeconds.Set {
		t.heartbeat = time.Duration(s.HeartbeatSeconds.Value) * time.Second
	}
	if s.TimeoutSecondsPath != "" {
		if t.timeoutPath, err = jsonpath.ParseReference(s.TimeoutSecondsPath); err != nil {
			return fail("TimeoutSecondsPath", err)
		}
	}
	if s.HeartbeatSecondsPath != "" {
		if t.heartbeatPath, err = jsonpath.ParseReference(s.HeartbeatSecondsPath); err != nil {
			return fail("HeartbeatSecondsPath", err)
		}
	}
	n.impl = t
	return nil
}

// splitResource gives the resourceType and resource that task history events name:
// "arn:aws:states:::lambda:invoke" is type "lambda", resource "invoke".
func splitResource(arn string, lambda bool) (string, string) {
	if lambda {
		return "lambda", arn
	}
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) == 7 && parts[2] == "states" && parts[3] == "" && parts[4] == "" {
		return parts[5], parts[6]
	}
	return "", arn
}

// NewUUID makes a random (version 4) UUID, as AWS names executions by default.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	// Written by hand rather than with fmt: the server makes one per request and per unnamed execution.
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

// isActivity reports whether a resource is an activity: arn:PARTITION:states:REGION:ACCOUNT:activity:NAME.
func isActivity(arn string) bool {
	parts := strings.Split(arn, ":")
	return len(parts) == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity" && parts[6] != ""
}

// taskToken gives an attempt of a Task that waits for its token (or of an activity) a token of its own,
// before Parameters or Arguments so that they can hand $$.Task.Token on; a resumed attempt takes up the
// token it parked with.
func (f *frame) taskToken(resume *resumePoint) {
	if resume != nil {
		f.token = resume.cp.Token
	} else {
		f.token = newToken()
	}
	f.ctxObject = nil
}

func (t *taskState) run(f *frame, n *node, in stateInput) (actionOutcome, error) {
	if in.resume != nil {
		return t.resumedTask(f, n, in.resume)
	}
	req := f.taskRequest()
	if err := t.request(f, in, req); err != nil {
		return actionOutcome{}, err
	}
	params, timeout, heartbeat := req.Input, req.Timeout, req.HeartbeatTimeout
	req.StateName, req.Token, req.Clock, req.Answers = n.name, f.token, f.ex.clock, f.ex.answers
	req.ExecutionArn, req.StateMachineArn = f.ex.cfg.ARN, f.ex.cfg.StateMachineARN
	kinds := t.kinds()
	sched := Event{Kind: kinds.scheduled, state: n, Input: params}
	if t.activity {
		sched.About = &About{HeartbeatInSeconds: int64(heartbeat / time.Second)}
		if timeout != DefaultTaskTimeout {
			sched.About.TimeoutInSeconds = int64(timeout / time.Second)
		}
	}
	f.event(sched)
	if !t.activity {
		f.event(Event{Kind: kinds.started, state: n})
	}
	result, parked, err := t.invoke(f, req, t.waitEvents(f, n), nil)
	if parked {
		return actionOutcome{parked: true}, nil
	}
	return t.completed(f, n, result, err)
}

// waitEvents records what a waiting task learns; for a durable execution, the task's position moves to
// its wait in the same step.
func (t *taskState) waitEvents(f *frame, n *node) taskEvents { return taskEvents{f: f, n: n} }

// completed records how the task's resource answered and hands the result on.
func (t *taskState) completed(f *frame, n *node, result any, err error) (actionOutcome, error) {
	kinds := t.kinds()
	if err != nil && f.ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// The call ended because the branch was stopped (a sibling failed, the execution was stopped or
		// timed out): the task did not fail, so AWS records no failure of it.
		return actionOutcome{}, f.ctx.Err()
	}
	if err != nil {
		fe := asFailure(err, n.name, f.enteredEvent)
		var se *stateError
		if !errors.As(err, &se) {
			e := Event{Kind: kinds.failed, state: n, Error: fe.Name, Cause: fe.Cause}
			if fe.Name == failure.Timeout || fe.Name == failure.HeartbeatTimeout {
				e.Kind = kinds.timedOut
			}
			f.record(e, func(p *position, _ int64) { p.phase, p.err, p.result = phaseFailed, fe, nil })
		}
		return actionOutcome{}, err
	}
	if err := f.checkSize(result); err != nil {
		return actionOutcome{}, err
	}
	f.record(Event{Kind: kinds.succeeded, state: n, Output: result}, func(p *position, _ int64) { p.phase, p.result, p.err, p.token = phaseResult, result, nil, f.token })
	return actionOutcome{result: result, next: n.next}, nil
}

// request builds the Task's request for its effective input, with the limits and Credentials: a JSONata
// Task's expressions, or the paths and template of a JSONPath Task, which read the input before Parameters.
// It fills req, which is empty.
func (t *taskState) request(f *frame, in stateInput, req *TaskRequest) error {
	if in.env != nil {
		return t.jsonataRequest(in.env, in.value, req)
	}
	sc := scope{doc: in.selected, f: f}
	req.Resource, req.Input = t.resource, in.value
	var err error
	if req.Timeout, req.HeartbeatTimeout, err = t.limits(sc); err != nil {
		return err
	}
	if t.credentials != nil {
		if req.Credentials, err = t.credentials.apply(sc); err != nil {
			return err
		}
	}
	return nil
}

// taskRequest is the frame's request for its next Task call, reused: an inline call is done with it once
// it returned (InlineInvoker), and invoke gives a call in a goroutine, which may outlive the state, a
// copy of its own.
func (f *frame) taskRequest() *TaskRequest {
	if f.req == nil {
		f.req = new(TaskRequest)
	} else {
		*f.req = TaskRequest{}
	}
	return f.req
}

// jsonataRequest builds a JSONata Task's request: its effective input, the limits and Credentials.
func (t *taskState) jsonataRequest(env *ataEnv, input any, req *TaskRequest) error {
	req.Resource, req.Input, req.Timeout, req.HeartbeatTimeout = t.resource, input, t.timeout, t.heartbeat
	var err error
	if t.timeoutExpr != nil {
		if req.Timeout, err = t.timeoutExpr.evalSeconds(env); err != nil {
			return err
		}
	}
	if t.heartbeatExpr != nil {
		if req.HeartbeatTimeout, err = t.heartbeatExpr.evalSeconds(env); err != nil {
			return err
		}
	}
	if t.credentialsATA != nil {
		if req.Credentials, err = t.credentialsATA.eval(env); err != nil {
			return err
		}
	}
	return nil
}

// limits reads TimeoutSecondsPath and HeartbeatSecondsPath.
func (t *taskState) limits(sc scope) (time.Duration, time.Duration, error) {
	timeout, heartbeat := t.timeout, t.heartbeat
	read := func(p *jsonpath.Path, field string) (time.Duration, error) {
		v, ok := sc.get(p)
		secs, whole := wholeNumber(v)
		if !ok || !whole || secs < 1 {
			return 0, runtimeErrorf("The %s parameter does not reference a positive integer value: %s", field, p)
		}
		return time.Duration(secs) * time.Second, nil
	}
	var err error
	if t.timeoutPath != nil {
		if timeout, err = read(t.timeoutPath, "TimeoutSecondsPath"); err != nil {
			return 0, 0, err
		}
	}
	if t.heartbeatPath != nil {
		if heartbeat, err = read(t.heartbeatPath, "HeartbeatSecondsPath"); err != nil {
			return 0, 0, err
		}
	}
	return timeout, heartbeat, nil
}

// invoke calls the resource, failing it with States.Timeout after TimeoutSeconds and with
// States.HeartbeatTimeout when HeartbeatSeconds pass without a heartbeat. A .waitForTaskToken task waits,
// once the resource has taken the request, for the token's answer; an activity task waits for a worker to
// take it and answer, unless the Invoker binds the activity and runs it itself. In a durable execution
// those waits park the execution once every frame waits (parked); resumed, the task takes its wait up
// again from r without calling anything.
func (t *taskState) invoke(f *frame, req *TaskRequest, ev taskEvents, r *resumePoint) (result any, parked bool, err error) {
	inv := f.ex.cfg.Invoker
	if inv == nil && !t.activity && r == nil {
		return nil, false, failure.New(failure.TaskFailed, "no resource handler is configured for '"+req.Resource+"'")
	}
	if in, ok := inv.(InlineInvoker); ok && r == nil && !t.activity && req.Token == "" && in.Inline(req) {
		if f.inlineContext == nil {
			f.inlineContext = func() map[string]any { return f.stateContext().object() }
			f.inlineSubmitted = func(v any) { taskEvents{f: f, n: f.taskNode}.submitted(v, nil) }
		}
		f.taskNode, req.Context = ev.n, f.inlineContext
		result, err = invokeInline(f, in, req, f.inlineSubmitted)
		return result, false, err
	}
	if r == nil {
		own := *req
		req = &own
		req.Context = f.taskContext()
	}
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	w := &taskWait{notify: make(chan struct{}, 1)}
	req.Heartbeat = func() { w.update(func() { w.beats++ }) }
	clock, callbacks := f.ex.clock, f.ex.callbacks
	begun := clock.Now()
	deadline := begun.Add(req.Timeout)
	beat := begun
	if req.Token != "" {
		callbacks.register(req.Token, w)
		defer func() {
			if parked {
				callbacks.park(req.Token, w)
			} else {
				callbacks.close(req.Token)
			}
		}()
	}
	// external: the task waits for someone else (a worker, an answer), not for its handler.
	external := false
	// activityDone hands an activity task back to the queue once the task no longer waits for it.
	var activityDone func(parked bool)
	defer func() {
		if activityDone != nil {
			activityDone(parked)
		}
	}()
	var seen taskProgress
	bound := t.activity && binds(inv, req)
	switch {
	case r != nil:
		cp := r.cp
		deadline, beat, req.HeartbeatTimeout = cp.Deadline, cp.Beat, cp.Heartbeat
		if beat.IsZero() {
			beat = begun // a checkpoint from before heartbeat periods were saved
		}
		if b, ok := r.wake.Beats[cp.Token]; ok && b.After(beat) {
			beat = b
		}
		w.submitted, w.worker = !t.activity, cp.Worker
		seen = w.taskProgress
		if worker := r.wake.Workers[cp.Token]; worker != "" && w.worker == "" {
			w.worker = worker
		}
		now := clock.Now()
		if a, ok := r.wake.Answers[cp.Token]; ok {
			w.answer, w.answerErr = a.value()
			w.answered = true
		} else if !now.Before(deadline) {
			w.timedOut = failure.Timeout
		} else if req.HeartbeatTimeout > 0 && !now.Before(beat.Add(req.HeartbeatTimeout)) {
			w.timedOut = failure.HeartbeatTimeout
		}
		external = true
		if t.activity {
			activityDone = f.ex.activities.Resume(ScheduledActivity{Activity: t.resource, Token: req.Token, Clock: clock,
				Started: w.started})
		}
	case t.activity && !bound:
		done, err := f.ex.activities.Schedule(ScheduledActivity{Activity: t.resource, Token: req.Token,
			Input: compactJSON(req.Input), Clock: clock, Started: w.started})
		if err != nil {
			return nil, false, failure.New(failure.Runtime, "the activity task could not be scheduled: "+err.Error())
		}
		activityDone = done
		external = true
		// Only once its row is queued is the task's wait worth saving: before, a resume schedules it again.
		f.move(func(p *position) { t.waitAt(p, req, deadline, beat) })
	default:
		if t.activity {
			// No worker takes a bound activity: aslrun runs it and is the worker ActivityStarted names.
			w.update(func() { w.worker = "aslrun" })
		}
		if !t.waitForToken && !t.activity {
			req.Submitted = func(v any) { w.update(func() { w.submitted, w.submittedValue = true, v }) }
		}
		release := clock.Hold()
		go func() {
			defer release()
			v, err := inv.Invoke(ctx, req)
			w.update(func() {
				switch {
				case err == nil && t.waitForToken:
					w.submitted, w.submittedValue = true, v
				default:
					w.done, w.value, w.err = true, v, err
				}
			})
		}()
	}
	// Timers run as their own sleepers so that a virtual clock can fire them when nothing else moves.
	startTimer := func(d time.Duration, name string) context.CancelFunc {
		tctx, tcancel := context.WithCancel(ctx)
		rel := clock.Hold()
		go func() {
			defer rel()
			if clock.Sleep(tctx, d) == nil {
				w.update(func() {
					if w.timedOut == "" {
						w.timedOut = name
					}
				})
			}
		}()
		return tcancel
	}
	stopTimeout := startTimer(deadline.Sub(clock.Now()), failure.Timeout)
	defer stopTimeout()
	stopBeat := func() {}
	if req.HeartbeatTimeout > 0 {
		stopBeat = startTimer(beat.Add(req.HeartbeatTimeout).Sub(clock.Now()), failure.HeartbeatTimeout)
	}
	defer func() { stopBeat() }()
	for {
		ready := func() bool { return w.ready(&seen) || f.ctx.Err() != nil }
		if external && f.ex.track() && !ready() {
			if f.await(func(park <-chan struct{}) {
				select {
				case <-w.notify:
				case <-f.ctx.Done():
				case <-park:
				}
			}) {
				if activityDone != nil {
					// From now on the queue notes a worker that takes the task for the parked execution;
					// one that took it before is recorded here, with the park.
					activityDone(true)
					activityDone = nil
					w.mu.Lock()
					worker := w.worker
					w.mu.Unlock()
					if worker != "" && seen.worker == "" {
						ev.started(worker)
					}
				}
				return nil, true, nil
			}
		} else {
			clock.Idle(ready, func() {
				for !ready() {
					select {
					case <-w.notify:
					case <-f.ctx.Done():
					}
				}
			})
		}
		w.mu.Lock()
		now := w.taskProgress
		w.mu.Unlock()
		switch {
		case now.submitted && !seen.submitted && !t.waitForToken:
			// A .sync job was submitted: the handler still runs it, so the task does not wait elsewhere.
			ev.submitted(now.submittedValue, nil)
		case now.submitted && !seen.submitted:
			d, b := deadline, beat // copies: the closure escapes, beat must not
			ev.submitted(now.submittedValue, func(p *position) { t.waitAt(p, req, d, b) })
			external = true
		}
		if now.worker != "" && seen.worker == "" {
			ev.started(now.worker)
		}
		switch {
		case now.done && !clock.Now().Before(deadline):
			// The timeout's timer, due when the answer came, may not have been seen yet: at the same time
			// the timeout wins, as for an inline call (invokeInline), not whichever goroutine ran first.
			return nil, false, failure.New(failure.Timeout, "")
		case now.done:
			return now.value, false, now.err
		case now.answered && (now.submitted || t.activity):
			return now.answer, false, now.answerErr
		case now.timedOut != "":
			return nil, false, failure.New(now.timedOut, "")
		case f.ctx.Err() != nil:
			return nil, false, f.ctx.Err()
		}
		if now.beats > seen.beats && req.HeartbeatTimeout > 0 {
			stopBeat()
			stopBeat = startTimer(req.HeartbeatTimeout, failure.HeartbeatTimeout)
			beat = clock.Now()
			d, b := deadline, beat
			f.move(func(p *position) {
				p.beat = b
				p.due = t.due(d, b, req.HeartbeatTimeout)
			})
		}
		seen = now
	}
}

// invokeInline calls an Invoker that answers req inline (InlineInvoker) on the Task's goroutine, without
// the timers of invoke: the clock, read again once the call returned, tells whether one would have fired,
// and which first (at the same time, the timeout's, as invoke's timers fire). submitted records a .sync
// job's submission, as invoke does.
func invokeInline(f *frame, inv Invoker, req *TaskRequest, submitted func(any)) (any, error) {
	clock := f.ex.clock
	begun := clock.Now()
	req.Heartbeat, req.Submitted = noHeartbeat, submitted
	var beats *inlineBeats
	if req.HeartbeatTimeout > 0 {
		beats = &inlineBeats{clock: clock, every: req.HeartbeatTimeout, last: begun}
		req.Heartbeat = beats.beat
	}
	v, err := inv.Invoke(f.ctx, req)
	now := clock.Now()
	deadline := begun.Add(req.Timeout)
	if beats != nil {
		if beats.check(now); !beats.missed.IsZero() && beats.missed.Before(deadline) {
			return nil, failure.New(failure.HeartbeatTimeout, "")
		}
	}
	if !now.Before(deadline) {
		return nil, failure.New(failure.Timeout, "")
	}
	return v, err
}

// inlineBeats follows the heartbeats of an inline call.
type inlineBeats struct {
	clock Clock
	every time.Duration
	last  time.Time
	// missed is when HeartbeatSeconds first ran out without a heartbeat; zero while they did not.
	missed time.Time
}

func (b *inlineBeats) beat() {
	now := b.clock.Now()
	b.check(now)
	b.last = now
}

func (b *inlineBeats) check(now time.Time) {
	if due := b.last.Add(b.every); b.missed.IsZero() && !now.Before(due) {
		b.missed = due
	}
}

// noHeartbeat is the Heartbeat of an inline call that has no HeartbeatSeconds to reset.
func noHeartbeat() {}

// waitAt moves a task's position to its wait for the token's answer.
func (t *taskState) waitAt(p *position, req *TaskRequest, deadline, beat time.Time) {
	p.phase, p.token, p.activity = phaseToken, req.Token, ""
	if t.activity {
		p.activity = t.resource
	}
	p.deadline, p.heartbeat, p.beat = deadline, req.HeartbeatTimeout, beat
	p.due = t.due(deadline, beat, req.HeartbeatTimeout)
}

// binds reports whether inv binds the activity Task of req, and so runs it in place of activity workers.
func binds(inv Invoker, req *TaskRequest) bool {
	b, ok := inv.(Binder)
	return ok && b.Binds(req.Resource, req.StateName)
}

// due is when a waiting task's next deadline falls: its heartbeat's, else its timeout's.
func (t *taskState) due(deadline, beat time.Time, heartbeat time.Duration) time.Time {
	if heartbeat > 0 {
		if b := beat.Add(heartbeat); b.Before(deadline) {
			return b
		}
	}
	return deadline
}

// taskEvents records what a waiting task learns while it waits: the events of the Task state n in the
// frame f. A struct and not closures: those cost two allocations on every Task.
type taskEvents struct {
	f *frame
	n *node
}

// submitted: the resource of a .waitForTaskToken task took the request (TaskSubmitted); wait moves the
// task's position to its wait. A .sync task's handler reports its job's submission with a nil wait.
func (ev taskEvents) submitted(out any, wait func(p *position)) {
	e := Event{Kind: TaskSubmitted, state: ev.n, Output: out}
	if wait == nil {
		ev.f.event(e)
		return
	}
	ev.f.record(e, func(p *position, _ int64) { wait(p) })
}

// started: a worker took an activity task (ActivityStarted).
func (ev taskEvents) started(worker string) {
	ev.f.record(Event{Kind: ActivityStarted, state: ev.n, About: &About{WorkerName: worker}}, func(p *position, _ int64) { p.worker = worker })
}

// taskWait is what a waiting Task learns from its handler, its token's answer and its timers. Its fields
// only ever move forward until the Task, busy again, has read them: that is what lets a virtual clock see
// that the Task is about to go on (see Clock.Idle).
type taskWait struct {
	mu sync.Mutex
	taskProgress
	notify chan struct{}
}

type taskProgress struct {
	done           bool
	value          any
	err            error
	submitted      bool
	submittedValue any
	// answered: the token was answered, with answer or answerErr. A .waitForTaskToken task takes the
	// answer only once its resource has taken the request (submitted), however fast the worker was.
	answered  bool
	answer    any
	answerErr error
	// as is the answer as it came, for the owner of an execution that parks before taking it.
	as       Answer
	worker   string
	timedOut string
	beats    int
}

func (w *taskWait) update(change func()) {
	w.mu.Lock()
	change()
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// started notes the worker that took the task's activity task.
func (w *taskWait) started(worker string) { w.update(func() { w.worker = worker }) }

// ready reports whether anything happened that the task has not seen yet.
func (w *taskWait) ready(seen *taskProgress) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.done || w.timedOut != "" || w.beats > seen.beats || w.submitted != seen.submitted || w.worker != seen.worker ||
		w.answered != seen.answered
}
