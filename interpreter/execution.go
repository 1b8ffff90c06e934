package interpreter

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter/maprun"
)

// Status is an execution's state, as DescribeExecution reports it.
type Status string

// The execution statuses.
const (
	Running  Status = "RUNNING"
	Succeed  Status = "SUCCEEDED"
	Failed   Status = "FAILED"
	TimedOut Status = "TIMED_OUT"
	Aborted  Status = "ABORTED"
)

// DefaultPayloadLimit is AWS's limit on a state's input, output or result: 256 KiB of JSON text.
const DefaultPayloadLimit = 256 * 1024

// Config says how an execution runs and what its context object holds.
type Config struct {
	Name             string
	ARN              string
	StateMachineName string
	StateMachineARN  string
	RoleARN          string
	// Express executions have no history limit and no RedriveCount in their context object.
	Express bool
	Invoker Invoker
	// Clock defaults to real time.
	Clock Clock
	// PayloadLimit is the largest state payload in bytes; 0 means DefaultPayloadLimit, negative none.
	PayloadLimit int
	// InputSize is the input's compact JSON size when the caller knows it, from the text the input was
	// decoded from (source.DecodeSized), so that it is not counted again; 0 or -1: counted from the input.
	InputSize int
	// Callbacks takes the answers to the execution's task tokens and hands out its activity tasks; nil
	// gives the execution its own.
	Callbacks *Callbacks
	// Activities queues the execution's activity tasks for workers; nil queues them in Callbacks.
	Activities ActivityQueue
	// Answers is where the execution's Tasks send their tokens' answers (TaskRequest.Answers): the
	// control plane, so that one path answers every token; nil sends them to Callbacks.
	Answers TaskAnswers
	// Durable keeps the execution's position for checkpoints and parks it once every frame waits; see
	// Parked.
	Durable bool
	// Events, when set, takes every history event as it is recorded; nil keeps none, only their count
	// (which the history limit needs): the execution's owner decides whether anyone will read them.
	Events EventSink
	// EventsBefore is the number of history events already recorded elsewhere (by the control plane, at
	// least ExecutionStarted): the execution numbers its events after them and, when it is not zero, does
	// not record ExecutionStarted itself.
	EventsBefore int64
	// OnEnd, when set, is called once the execution has ended or parked, before Done closes, while the
	// execution still holds its clock: its owner takes the clock (Hold) there to record the end before a
	// virtual clock moves on.
	OnEnd func()
	// Observer, when set, sees the value each pipeline stage of each state attempt produces, in order (see
	// Stage): TestState's inspection data, the console. It is called on the execution's goroutines,
	// concurrently for Parallel branches and Map iterations; it must not block, nor change the values.
	Observer func(StageEvent)
	// MapRuns runs Distributed Maps' children as child executions (see MapRunner); Objects is the S3 their
	// ItemReaders read. Either may be nil (see MapRunner).
	MapRuns MapRunner
	Objects maprun.Objects
	// RedriveCount is how many times the execution was redriven ($$.Execution.RedriveCount), RedriveTime
	// when last ($$.Execution.RedriveTime); the execution's TimeoutSeconds count from then.
	RedriveCount int64
	RedriveTime  time.Time
	// MaxDuration bounds the execution's life as the definition's TimeoutSeconds does (the shorter of the
	// two applies): the service's limit of its type (AWS: 5 minutes Express, a year Standard). 0: none.
	MaxDuration time.Duration
	// WaitScale, when set, multiplies the durations of Wait states (Step Functions Local's WAIT_TIME_SCALE):
	// 0 makes them end at once.
	WaitScale *float64
}

// Result is how an execution ended.
type Result struct {
	Status Status
	Output any
	// Error and Cause are empty when the execution succeeded, or failed without them (a Fail state with
	// neither Error nor Cause).
	Error     string
	Cause     string
	StartDate time.Time
	StopDate  time.Time
	// Parked is set when the execution stopped at a wait (Status RUNNING); see Program.Resume.
	Parked *Parked
	// Final, for a durable execution that failed, was aborted or timed out, is where each of its frames
	// stood when it ended: what a redrive starts from (RedrivePoint).
	Final []byte
}

// Execution is one running execution of a Program.
type Execution struct {
	prog  *Program
	cfg   Config
	clock Clock
	// now is clock.Now, made once: JSONata reads it (Options.Now) in each state.
	now       func() time.Time
	input     any
	start     time.Time
	ctx       context.Context
	cancel    context.CancelCauseFunc
	history   *history
	callbacks *Callbacks
	answers   TaskAnswers
	// activities queues activity tasks: Config.Activities, or callbacks.
	activities ActivityQueue
	limit      int
	// timeout is the execution's life: TimeoutSeconds or Config.MaxDuration, the shorter (0: none).
	timeout time.Duration
	done    chan struct{}
	result  *Result
	// contextBase is the part of the context object that never changes during the execution.
	contextBase map[string]any
	// root is the execution's own frame. posMu guards the positions of its frames (Durable), the
	// recording of events with them, and waits.
	root  *frame
	posMu sync.Mutex
	waits waiters
}

// errStopped and errTimedOut end an execution from outside its states.
type stopError struct {
	status Status
	fe     *failure.Error
}

func (e *stopError) Error() string { return string(e.status) }

// Start begins an execution of p with input and returns at once.
func (p *Program) Start(ctx context.Context, input any, cfg Config) *Execution {
	ex := p.newExecution(ctx, input, cfg, time.Time{})
	root := &frame{ex: ex, ctx: ex.ctx, vars: &variables{}, last: cfg.EventsBefore}
	if ex.track() {
		root.pos = &position{phase: phaseNext, state: p.root.start.name, input: input}
	}
	ex.root = root
	ex.history.n.Store(cfg.EventsBefore)
	ex.begin(func() (outcome, error) {
		if cfg.EventsBefore == 0 {
			root.event(Event{Kind: ExecutionStarted, Input: input})
		}
		// A state's input is the output before it, which attempt checked; only the execution's input is new.
		if cfg.InputSize > 0 && ex.limit >= 0 {
			root.sizes.Remember(input, cfg.InputSize)
		}
		if err := root.checkSize(input); err != nil {
			return outcome{}, failure.New(failure.DataLimitExceeded, "The execution input exceeds the maximum number of bytes service limit.")
		}
		return root.runFrom(p.root.start, input)
	}, root)
	return ex
}

// newExecution prepares an execution that started at start (now when zero).
func (p *Program) newExecution(ctx context.Context, input any, cfg Config, start time.Time) *Execution {
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	ex := &Execution{prog: p, cfg: cfg, clock: cfg.Clock, input: input, done: make(chan struct{})}
	ex.now = ex.clock.Now
	ex.callbacks = cfg.Callbacks
	if ex.callbacks == nil {
		ex.callbacks = NewCallbacks()
	}
	ex.answers = cfg.Answers
	if ex.answers == nil {
		ex.answers = ex.callbacks
	}
	ex.activities = cfg.Activities
	if ex.activities == nil {
		ex.activities = ex.callbacks
	}
	ex.limit = cfg.PayloadLimit
	if ex.limit == 0 {
		ex.limit = DefaultPayloadLimit
	}
	ex.timeout = p.timeout
	if cfg.MaxDuration > 0 && (ex.timeout == 0 || cfg.MaxDuration < ex.timeout) {
		ex.timeout = cfg.MaxDuration
	}
	ex.ctx, ex.cancel = context.WithCancelCause(ctx)
	ex.start = start
	if start.IsZero() {
		ex.start = ex.clock.Now()
	}
	ex.history = &history{}
	if !cfg.Express {
		ex.history.limit = MaxHistoryEvents
	}
	ex.contextBase = ex.buildContextBase()
	// The execution's own goroutine works from the start.
	ex.waits = waiters{busy: 1, park: make(chan struct{})}
	return ex
}

// begin runs body, the execution's work in root, in its own goroutine.
func (ex *Execution) begin(body func() (outcome, error), root *frame) {
	release := ex.clock.Hold()
	go func() {
		defer release()
		ex.run(body, root)
	}()
}

// Run executes p on input and waits for the result.
func (p *Program) Run(ctx context.Context, input any, cfg Config) *Result {
	return p.Start(ctx, input, cfg).Wait()
}

// Wait blocks until the execution ends and returns its result.
func (ex *Execution) Wait() *Result {
	<-ex.done
	return ex.result
}

// Done is closed when the execution has ended.
func (ex *Execution) Done() <-chan struct{} { return ex.done }

// Stop aborts the execution, as StopExecution does.
func (ex *Execution) Stop(errName, cause string) {
	ex.cancel(&stopError{status: Aborted, fe: &failure.Error{Name: errName, Cause: cause}})
}

func (ex *Execution) run(body func() (outcome, error), root *frame) {
	defer close(ex.done)
	if ex.cfg.OnEnd != nil {
		defer ex.cfg.OnEnd()
	}
	if ex.timeout > 0 {
		stop := ex.startTimeout()
		defer stop()
	}
	oc, err := body()
	res := &Result{StartDate: ex.start}
	var se *stopError
	switch {
	case err == nil && !oc.parked:
		res.Status, res.Output = Succeed, oc.out
		root.event(Event{Kind: ExecutionSucceeded, Output: oc.out})
	case errors.As(context.Cause(ex.ctx), &se):
		res.Status, res.Error, res.Cause = se.status, se.fe.Name, se.fe.Cause
		kind := ExecutionAborted
		if se.status == TimedOut {
			kind = ExecutionTimedOut
		}
		root.event(Event{Kind: kind, Error: se.fe.Name, Cause: se.fe.Cause})
	case oc.parked:
		res.Status = Running
		if res.Parked, err = ex.Checkpoint(nil); err != nil {
			fe := failure.New(failure.Runtime, "the execution could not be parked: "+err.Error())
			res.Status, res.Error, res.Cause, res.Parked = Failed, fe.Name, fe.Cause, nil
			root.event(Event{Kind: ExecutionFailed, Error: fe.Name, Cause: fe.Cause})
		}
	default:
		fe := asFailure(err, "", 0)
		res.Status, res.Error, res.Cause = Failed, fe.Name, fe.Cause
		root.event(Event{Kind: ExecutionFailed, Error: fe.Name, Cause: fe.Cause})
	}
	ex.cancel(nil)
	if res.Status != Running {
		res.StopDate = ex.clock.Now()
	}
	if res.Status != Running && res.Status != Succeed && ex.track() {
		if final, err := ex.Checkpoint(nil); err == nil {
			res.Final = final.Checkpoint
		}
	}
	ex.result = res
}

// startTimeout fails the execution with States.Timeout when its timeout passes; at once when it passed
// while the execution was parked.
func (ex *Execution) startTimeout() (stop func()) {
	if !ex.clock.Now().Before(ex.deadline()) {
		ex.timeOut()
		return func() {}
	}
	ctx, cancel := context.WithCancel(ex.ctx)
	release := ex.clock.Hold()
	go func() {
		defer release()
		if ex.clock.Sleep(ctx, ex.deadline().Sub(ex.clock.Now())) == nil {
			ex.timeOut()
		}
	}()
	return cancel
}

// deadline is when the execution's timeout (TimeoutSeconds, or the limit of Config.MaxDuration) ends: from
// its start, or from its latest redrive (for the limit too: aslrun's choice).
func (ex *Execution) deadline() time.Time {
	from := ex.start
	if ex.cfg.RedriveTime.After(from) {
		from = ex.cfg.RedriveTime
	}
	return from.Add(ex.timeout)
}

func (ex *Execution) timeOut() {
	ex.cancel(&stopError{status: TimedOut, fe: &failure.Error{Name: failure.Timeout, Cause: "The execution timed out."}})
}

// frame is one thread of control: the whole execution, a Parallel branch or a Map iteration.
type frame struct {
	ex  *Execution
	ctx context.Context
	// last is the id of this frame's latest event, the previous event of the next one.
	last int64
	// The current state, for $$.State and error causes.
	stateName    string
	enteredEvent int64
	enteredTime  time.Time
	retryCount   int
	// token is $$.Task.Token.
	token string
	// ctxObject caches $$ for the current state; anything it shows that changes clears it.
	ctxObject map[string]any
	// item is $$.Map.Item while the frame evaluates a Map's ItemSelector.
	item mapItemView
	// vars are the workflow variables this frame sees.
	vars *variables
	// retries: the current state has a Retry field, so $$.State shows RetryCount.
	retries bool
	// pos is where the frame stands, kept when the execution is durable (nil otherwise: a Map iteration's
	// frame stays small).
	pos *position
	// sizes knows the sizes of the documents this frame handed on and of their large parts, so that the
	// payload limit costs what each state's new data costs.
	sizes value.Sizer
	// inlineContext and inlineSubmitted are the Context and Submitted of the frame's inline Task calls
	// (invokeInline), built once per frame rather than on every call: an inline handler answers before its
	// state ends, so they read the frame as it is. taskNode is the Task state being called.
	inlineContext   func() map[string]any
	inlineSubmitted func(any)
	taskNode        *node
	// req is the request of the frame's Task calls (taskRequest).
	req *TaskRequest
	// ata is the frame's JSONata working memory, made once for the frame (see ataEnv).
	ata *ataMemory
}

// outcome is how a state, or one attempt at it, ended: with its output and the next state, nil when the
// machine ends; or parked (every frame waits), with nothing else set. Small enough (three fields) for the
// compiler to keep in registers on the way up: a larger one costs several per cent on short states.
type outcome struct {
	out    any
	next   *node
	parked bool
}

// event records an event in this frame's chain.
func (f *frame) event(e Event) int64 { return f.record(e, nil) }

// record records an event in this frame's chain and, for a durable execution, moves the frame's position
// with change in the same step, so that a checkpoint is always consistent with the events before it.
func (f *frame) record(e Event, change func(p *position, id int64)) int64 {
	if !f.ex.track() {
		return f.recordEvent(e)
	}
	f.ex.posMu.Lock()
	defer f.ex.posMu.Unlock()
	id := f.recordEvent(e)
	if change != nil {
		change(f.pos, id)
	}
	return id
}

func (f *frame) recordEvent(e Event) int64 {
	id, ok := f.ex.history.next()
	if sink := f.ex.cfg.Events; sink != nil {
		e.ID, e.PreviousEventID, e.Timestamp = id, f.last, f.ex.clock.Now()
		sink.Record(e)
	}
	f.last = id
	if !ok {
		f.ex.cancel(&stopError{status: Failed, fe: &failure.Error{Name: failure.Runtime,
			Cause: "The execution reached the maximum number of history events (25000)."}})
	}
	return id
}

// runMachine runs the machine of a Parallel branch or a Map iteration from its start state to its end,
// or until the execution parks.
func (f *frame) runMachine(m *machine, input any) (outcome, error) {
	return f.runFrom(m.start, input)
}

// runFrom runs states from n until one ends the machine or parks.
func (f *frame) runFrom(n *node, input any) (outcome, error) {
	for {
		if err := f.ctx.Err(); err != nil {
			return outcome{}, err
		}
		oc, err := f.step(n, input)
		if err != nil || oc.parked || oc.next == nil {
			return oc, err
		}
		n, input = oc.next, oc.out
	}
}

// step runs one state: its entered event, then its work with Retry and Catch, up to its exited event.
func (f *frame) step(n *node, raw any) (outcome, error) {
	f.stateName, f.enteredTime, f.retryCount, f.token, f.ctxObject = n.name, f.ex.clock.Now(), 0, "", nil
	f.retries = len(n.retry) > 0
	f.enteredEvent = f.record(Event{Kind: stateKind(n.typ, false), state: n, Input: raw}, func(p *position, id int64) {
		*p = position{phase: phaseEnter, state: n.name, input: raw, enteredEvent: id, enteredTime: f.enteredTime}
	})
	return f.process(n, raw, nil, nil)
}

// process runs the pipeline of a state that has been entered, retrying and catching its errors as its
// Retry and Catch say. attempts counts the retries spent per retrier (nil: none yet); resume, when the
// execution resumes at this state, is for its first attempt to take up.
func (f *frame) process(n *node, raw any, attempts []int, resume *resumePoint) (outcome, error) {
	if attempts == nil {
		attempts = make([]int, len(n.retry))
	}
	if resume != nil && resume.cp.Phase == phaseRetry {
		// Parked in a back-off, which may not be over.
		if parked, err := f.backOff(resume.cp.Due, attempts); parked || err != nil {
			return outcome{parked: parked}, err
		}
		resume = nil
	}
	for {
		oc, err := f.attempt(n, raw, resume)
		resume = nil
		if err == nil {
			return oc, nil
		}
		if f.ctx.Err() != nil {
			return outcome{}, f.ctx.Err()
		}
		fe := asFailure(err, n.name, f.enteredEvent)
		if fe.Name == failure.Runtime {
			return outcome{}, fe
		}
		inTask := n.typ == "Task"
		if i := firstMatch(n.retry, fe.Name, inTask); i >= 0 && attempts[i] < n.retry[i].maxAttempts {
			d := n.retry[i].delay(attempts[i])
			attempts[i]++
			f.retryCount++
			f.ctxObject = nil
			if parked, err := f.backOff(f.ex.clock.Now().Add(d), attempts); parked || err != nil {
				return outcome{parked: parked}, err
			}
			continue
		}
		for _, c := range n.catch {
			if failure.Matches(c.errors, fe.Name, inTask) {
				oc, err := f.caught(n, c, raw, errorOutput(fe))
				if err != nil {
					return outcome{}, asFailure(err, n.name, f.enteredEvent)
				}
				return oc, nil
			}
		}
		return outcome{}, fe
	}
}

// backOff waits out a retry's back-off until due, then sets the frame up for its next attempt.
func (f *frame) backOff(due time.Time, attempts []int) (parked bool, err error) {
	f.move(func(p *position) {
		p.phase, p.due, p.attempts, p.retryCount, p.result, p.err = phaseRetry, due, slices.Clone(attempts), f.retryCount, nil, nil
	})
	if parked, err := f.sleepUntil(due); parked || err != nil {
		return parked, err
	}
	f.move(func(p *position) { p.phase = phaseEnter })
	return false, nil
}

// firstMatch is the index of the first retrier whose ErrorEquals matches, or -1. Only that retrier
// counts: once its attempts are spent the error goes to Catch, even if a later retrier would match.
func firstMatch(rs []*retrier, name string, inTask bool) int {
	for i, r := range rs {
		if failure.Matches(r.errors, name, inTask) {
			return i
		}
	}
	return -1
}

// caught hands on the error output as catcher c says, sets its variables and records the exited event.
func (f *frame) caught(n *node, c *catcher, raw any, errOut map[string]any) (outcome, error) {
	var out any = errOut
	var vals map[string]any
	var err error
	if n.ata {
		env := f.ataEnv(raw).withErrorOutput(errOut)
		if vals, err = c.assign.eval(f, nil, env); err != nil {
			return outcome{}, err
		}
		if c.output != nil {
			if out, err = c.output.eval(env); err != nil {
				return outcome{}, err
			}
		}
	} else {
		if vals, err = c.assign.eval(f, errOut, nil); err != nil {
			return outcome{}, err
		}
		if out, err = c.resultPath.apply(f, raw, errOut); err != nil {
			return outcome{}, err
		}
	}
	if err := f.exit(n, out, vals, c.next); err != nil {
		return outcome{}, err
	}
	return outcome{out: out, next: c.next}, nil
}

// checkSize fails a payload larger than the execution's limit.
func (f *frame) checkSize(v any) error {
	if f.ex.limit < 0 {
		return nil
	}
	if f.payloadSize(v) < 0 {
		return stateErrorf(failure.DataLimitExceeded,
			"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", f.stateName)
	}
	return nil
}

// payloadSize is v's size, -1 past the execution's limit; the frame remembers it for the documents made
// from v.
func (f *frame) payloadSize(v any) int {
	if size := f.sizes.Measure(v, f.ex.limit); size <= f.ex.limit {
		return size
	}
	return -1
}

// NewConfig names an execution the way a local run does: in region us-east-1 of account 123456789012.
// Express executions have AWS's express ARN form, which carries a unique id after the name.
func NewConfig(stateMachine, execution string, express bool) Config {
	const prefix = "arn:aws:states:us-east-1:123456789012:"
	arn := prefix + "execution:" + stateMachine + ":" + execution
	if express {
		arn = prefix + "express:" + stateMachine + ":" + execution + ":" + NewUUID()
	}
	return Config{
		Name:             execution,
		ARN:              arn,
		StateMachineName: stateMachine,
		StateMachineARN:  prefix + "stateMachine:" + stateMachine,
		RoleARN:          "arn:aws:iam::123456789012:role/aslrun",
		Express:          express,
	}
}
