package interpreter

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
)

// Durable executions (Config.Durable). Every frame (the execution, each Parallel branch, each Map
// iteration) keeps its position up to date as it records its events, so that Execution.Checkpoint can
// save where the whole execution stands, consistent with the events recorded so far, at any moment. A
// wait anywhere (a Wait state, a retry back-off, a task token, an activity task) waits in memory while
// something else in the execution still works; once every frame waits, the execution parks: its
// goroutines end and Result.Parked holds the checkpoint. Its owner stores it and wakes it with
// Program.Resume when a wait's time comes or a token is answered, in this process or after a restart.
// Resume takes up every frame where it stood: finished branches and iterations keep their results and
// recorded Task results are not asked for again; only a Task that was in flight runs again.

// Parked says what a parked execution waits for. Result.Parked holds it.
type Parked struct {
	// Checkpoint is the execution's resume state, for Program.Resume. Its format is the interpreter's own.
	Checkpoint []byte
	// Due is when to wake the execution if no token is answered first: the earliest end of a wait, a
	// back-off or a task's deadline, or the execution's timeout; zero when there is none.
	Due time.Time
	// Timer is when the earliest wait that is no task's (a Wait state, a back-off, the execution's
	// timeout) ends; zero when there is none. Due is the earlier of Timer and the Waits' Due.
	Timer time.Time
	// Waits are the task tokens the execution waits for.
	Waits []Wait
	// LastEvent is the id of the execution's latest event: a resumed execution numbers on from it.
	LastEvent int64
}

// Wait is a task token a parked execution waits for.
type Wait struct {
	Token string `json:"token"`
	// Activity is the ARN of the activity whose task's token this is; empty for other tasks.
	Activity string `json:"activity,omitempty"`
	// Due is when the task times out if not answered: its deadline, or its heartbeat's end.
	Due time.Time `json:"due,omitzero"`
	// Heartbeat is the task's HeartbeatSeconds: each SendTaskHeartbeat moves Due to now+Heartbeat, never
	// past Deadline.
	Heartbeat time.Duration `json:"heartbeat,omitempty"`
	// Deadline is the task's TimeoutSeconds from when it began.
	Deadline time.Time `json:"deadline,omitzero"`
}

// Wake is what happened to a parked execution's waits while it was parked.
type Wake struct {
	// Answers are the answered tokens.
	Answers map[string]Answer
	// Beats are the latest heartbeats of tokens, where there were any.
	Beats map[string]time.Time
	// Workers name the workers that took activity tasks, by token.
	Workers map[string]string
}

// Answer is a worker's answer to a task token.
type Answer struct {
	// Output is SendTaskSuccess's JSON text; Failed marks SendTaskFailure, with Error and Cause.
	Output       string
	Failed       bool
	Error, Cause string
}

// The phases of a frame's position.
const (
	// phaseNext: about to enter State with Input.
	phaseNext = "next"
	// phaseEnter: State was entered; its attempt runs (again).
	phaseEnter = "enter"
	// phaseWait, phaseRetry: a Wait state, a retry back-off, until Due.
	phaseWait  = "wait"
	phaseRetry = "retry"
	// phaseToken: a task waits for its token's answer (or an activity task for a worker).
	phaseToken = "token"
	// phaseResult, phaseFailed: the state's action ended with Result, or with Error and Cause.
	phaseResult = "result"
	phaseFailed = "failed"
	// phaseFork: a Parallel or Map state runs its children.
	phaseFork = "fork"
	// phaseItem: a Map iteration recorded MapIterationStarted and has not entered its first state.
	phaseItem = "item"
	// phaseEnd: the frame's machine ended with Result.
	phaseEnd = "end"
	// phaseMapRun: a Distributed Map's Map Run (MapRun) runs: resumed, the state takes it up again.
	phaseMapRun = "maprun"
)

// position is where a frame stands: what its checkpoint saves. It changes under Execution.posMu.
type position struct {
	phase        string
	state        string
	input        any
	attempts     []int
	retryCount   int
	enteredEvent int64
	enteredTime  time.Time
	token        string
	result       any
	err          *failure.Error
	// The waits: Due; a task's deadline, heartbeat, the time its heartbeat period began, the worker that
	// took an activity task.
	due, deadline time.Time
	heartbeat     time.Duration
	beat          time.Time
	activity      string
	worker        string
	fork          *forkPosition
	mapRun        string
}

// forkPosition is how far a Parallel or Map state's children are: the results of finished ones and the
// frames of those running. The others have not started.
type forkPosition struct {
	done     map[int]any
	failures int
	children map[int]*frame
}

// checkpoint is a frame's position as stored.
type checkpoint struct {
	Phase        string               `json:"phase"`
	State        string               `json:"state,omitempty"`
	Input        jsonValue            `json:"input"`
	Vars         map[string]jsonValue `json:"vars,omitempty"`
	EnteredEvent int64                `json:"enteredEvent,omitempty"`
	EnteredTime  time.Time            `json:"enteredTime,omitzero"`
	RetryCount   int                  `json:"retryCount,omitempty"`
	Attempts     []int                `json:"attempts,omitempty"`
	// LastEvent is the id of the frame's latest event: its next one follows it.
	LastEvent int64     `json:"lastEvent"`
	Token     string    `json:"token,omitempty"`
	Result    jsonValue `json:"result"`
	Error     string    `json:"error,omitempty"`
	Cause     string    `json:"cause,omitempty"`
	Due       time.Time `json:"due,omitzero"`
	Deadline  time.Time `json:"deadline,omitzero"`
	// Heartbeat is in nanoseconds; Beat is when the current heartbeat period began.
	Heartbeat time.Duration `json:"heartbeat,omitempty"`
	Beat      time.Time     `json:"beat,omitzero"`
	Activity  string        `json:"activity,omitempty"`
	Worker    string        `json:"worker,omitempty"`
	Fork      *forkPoint    `json:"fork,omitempty"`
	MapRun    string        `json:"mapRun,omitempty"`
	// Redrive marks a Map Run that a redrive takes up: its children that did not succeed are redriven.
	Redrive bool `json:"redrive,omitempty"`
}

type forkPoint struct {
	Done     map[int]jsonValue   `json:"done,omitempty"`
	Failures int                 `json:"failures,omitempty"`
	Children map[int]*checkpoint `json:"children,omitempty"`
}

// rootCheckpoint is a whole execution's checkpoint.
type rootCheckpoint struct {
	checkpoint
	Start time.Time `json:"start"`
	// Events is the id of the execution's latest event.
	Events int64 `json:"events"`
}

// jsonValue is a value written as JSON text only when the checkpoint is marshalled, outside the lock.
type jsonValue struct{ v any }

func (j jsonValue) MarshalJSON() ([]byte, error) { return []byte(compactJSON(j.v)), nil }

func (j *jsonValue) UnmarshalJSON(b []byte) error {
	v, err := source.Decode(b)
	j.v = v
	return err
}

// track reports whether the execution keeps positions: it is durable.
func (ex *Execution) track() bool { return ex.cfg.Durable }

// move changes the frame's position, for a step that records no event.
func (f *frame) move(change func(p *position)) {
	if !f.ex.track() {
		return
	}
	f.ex.posMu.Lock()
	change(f.pos)
	f.ex.posMu.Unlock()
}

// capture copies the frame's position for a checkpoint. Called with posMu held; values are shared, not
// copied: the execution never changes a value once made.
func (f *frame) capture() *checkpoint {
	p := f.pos
	cp := &checkpoint{Phase: p.phase, State: p.state, Input: jsonValue{p.input}, EnteredEvent: p.enteredEvent, EnteredTime: p.enteredTime,
		RetryCount: p.retryCount, Attempts: slices.Clone(p.attempts), LastEvent: f.last, Token: p.token, Result: jsonValue{p.result},
		Due: p.due, Deadline: p.deadline, Heartbeat: p.heartbeat, Beat: p.beat, Activity: p.activity, Worker: p.worker, MapRun: p.mapRun}
	if p.err != nil {
		cp.Error, cp.Cause = p.err.Name, p.err.Cause
	}
	if f.vars != nil && len(f.vars.vals) > 0 {
		cp.Vars = make(map[string]jsonValue, len(f.vars.vals))
		for name, x := range f.vars.vals {
			cp.Vars[name] = jsonValue{x}
		}
	}
	if fp := p.fork; fp != nil {
		cp.Fork = &forkPoint{Failures: fp.failures, Done: make(map[int]jsonValue, len(fp.done)), Children: make(map[int]*checkpoint, len(fp.children))}
		for i, v := range fp.done {
			cp.Fork.Done[i] = jsonValue{v}
		}
		for i, cf := range fp.children {
			cp.Fork.Children[i] = cf.capture()
		}
	}
	return cp
}

// waits lists the tokens a checkpoint's frames wait for, and the earliest end of its other waits.
func (cp *checkpoint) waits(timer time.Time, out []Wait) (time.Time, []Wait) {
	switch cp.Phase {
	case phaseWait, phaseRetry:
		timer = earliest(timer, cp.Due)
	case phaseToken:
		out = append(out, Wait{Token: cp.Token, Activity: cp.Activity, Due: cp.Due, Heartbeat: cp.Heartbeat, Deadline: cp.Deadline})
	case phaseFork:
		for _, i := range slices.Sorted(maps.Keys(cp.Fork.Children)) {
			timer, out = cp.Fork.Children[i].waits(timer, out)
		}
	}
	return timer, out
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// Checkpoint saves where the running execution stands. with, when given, runs while the execution
// records nothing, so that its owner can take exactly the events the checkpoint follows.
func (ex *Execution) Checkpoint(with func()) (*Parked, error) {
	if !ex.track() {
		return nil, fmt.Errorf("the execution is not durable")
	}
	ex.posMu.Lock()
	if with != nil {
		with()
	}
	root := rootCheckpoint{checkpoint: *ex.root.capture(), Start: ex.start, Events: ex.history.n.Load()}
	ex.posMu.Unlock()
	return root.parked(ex)
}

// parked marshals a checkpoint into what its owner stores, with the execution's own deadline applied.
func (root *rootCheckpoint) parked(ex *Execution) (*Parked, error) {
	b, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	p := &Parked{Checkpoint: b, LastEvent: root.Events}
	p.Timer, p.Waits = root.waits(time.Time{}, nil)
	if ex.timeout > 0 {
		p.Timer = earliest(p.Timer, ex.deadline())
	}
	p.Due = p.Timer
	for _, w := range p.Waits {
		p.Due = earliest(p.Due, w.Due)
	}
	return p, nil
}

// resumePoint is what a state that parked takes up when it resumes: where it stood and what happened
// while it was parked.
type resumePoint struct {
	cp   *checkpoint
	wake *Wake
}

// Resume continues a parked (or interrupted) execution of p from its checkpoint. input is the
// execution's input (for the context object); cfg names the execution as Start's does and should set
// Durable again.
func (p *Program) Resume(ctx context.Context, input any, cpText []byte, wake Wake, cfg Config) (*Execution, error) {
	var cp rootCheckpoint
	if err := json.Unmarshal(cpText, &cp); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if err := cp.check(p.root); err != nil {
		return nil, err
	}
	ex := p.newExecution(ctx, input, cfg, cp.Start)
	// Events recorded after the checkpoint (a run that crashed before its next one) stay: numbering goes
	// on after them.
	ex.history.n.Store(max(cp.Events, cfg.EventsBefore))
	root := &frame{ex: ex, ctx: ex.ctx, vars: &variables{}}
	ex.root = root
	root.restore(&cp.checkpoint)
	if root.last < cfg.EventsBefore && cp.Phase != phaseFork {
		root.last = cfg.EventsBefore
	}
	ex.begin(func() (outcome, error) {
		if err := root.ctx.Err(); err != nil {
			return outcome{}, err
		}
		return root.resumeFrame(p.root, &cp.checkpoint, &wake)
	}, root)
	return ex, nil
}

// check makes sure a checkpoint names states the machine has.
func (cp *checkpoint) check(m *machine) error {
	switch cp.Phase {
	case "", phaseEnd, phaseItem:
		return nil // a child that has not started, has ended, or has not entered its first state
	}
	n := m.nodes[cp.State]
	if n == nil {
		return fmt.Errorf("checkpoint: the state machine has no state %q", cp.State)
	}
	if cp.Phase == phaseMapRun {
		if ms, ok := n.impl.(*mapState); !ok || ms.dist == nil {
			return fmt.Errorf("checkpoint: state %q is no Distributed Map", cp.State)
		}
	}
	if cp.Phase != phaseFork {
		return nil
	}
	if cp.Fork == nil {
		return fmt.Errorf("checkpoint: state %q has no children", cp.State)
	}
	for i, child := range cp.Fork.Children {
		var cm *machine
		switch impl := n.impl.(type) {
		case *parallelState:
			if i < 0 || i >= len(impl.branches) {
				return fmt.Errorf("checkpoint: state %q has no branch %d", cp.State, i)
			}
			cm = impl.branches[i]
		case *mapState:
			cm = impl.processor
		default:
			return fmt.Errorf("checkpoint: state %q runs no children", cp.State)
		}
		if err := child.check(cm); err != nil {
			return err
		}
	}
	return nil
}

// restore sets a frame up as its checkpoint left it.
func (f *frame) restore(cp *checkpoint) {
	f.last, f.stateName, f.enteredEvent, f.enteredTime, f.retryCount = cp.LastEvent, cp.State, cp.EnteredEvent, cp.EnteredTime, cp.RetryCount
	for name, v := range cp.Vars {
		f.vars.set(map[string]any{name: v.v})
	}
	f.pos = &position{phase: cp.Phase, state: cp.State, input: cp.Input.v, attempts: cp.Attempts, retryCount: cp.RetryCount, enteredEvent: cp.EnteredEvent,
		enteredTime: cp.EnteredTime, token: cp.Token, result: cp.Result.v, due: cp.Due, deadline: cp.Deadline,
		heartbeat: cp.Heartbeat, beat: cp.Beat, activity: cp.Activity, worker: cp.Worker, mapRun: cp.MapRun}
	if cp.Phase == phaseFailed {
		f.pos.err = &failure.Error{Name: cp.Error, Cause: cp.Cause}
	}
}

// resumeFrame continues a frame of machine m from its checkpoint to the end of m, or to the next park.
func (f *frame) resumeFrame(m *machine, cp *checkpoint, wake *Wake) (outcome, error) {
	switch cp.Phase {
	case phaseEnd:
		return outcome{out: cp.Result.v}, nil
	case phaseNext:
		return f.runFrom(m.nodes[cp.State], cp.Input.v)
	}
	n := m.nodes[cp.State]
	f.retries = len(n.retry) > 0
	var resume *resumePoint
	if cp.Phase != phaseEnter {
		resume = &resumePoint{cp: cp, wake: wake}
	}
	oc, err := f.process(n, cp.Input.v, slices.Clone(cp.Attempts), resume)
	if err != nil || oc.parked || oc.next == nil {
		return oc, err
	}
	return f.runFrom(oc.next, oc.out)
}

// resumedTask takes up a task that waited for its token when the execution parked.
func (t *taskState) resumedTask(f *frame, n *node, r *resumePoint) (actionOutcome, error) {
	req := &TaskRequest{Resource: t.resource, StateName: n.name, Token: r.cp.Token, Clock: f.ex.clock, Answers: f.ex.answers}
	result, parked, err := t.invoke(f, req, t.waitEvents(f, n), r)
	if parked {
		return actionOutcome{parked: true}, nil
	}
	return t.completed(f, n, result, err)
}

// waiters counts, for a durable execution, the goroutines of its frames that work; when none does, every
// frame waits and the execution parks.
type waiters struct {
	busy    int
	parking bool
	park    chan struct{}
}

// working adds n to the frames at work (n < 0: they stopped), and parks the execution when none is.
// Called with posMu held.
func (ex *Execution) working(n int) {
	ex.waits.busy += n
	if ex.waits.busy == 0 && !ex.waits.parking {
		ex.waits.parking = true
		close(ex.waits.park)
	}
}

// await waits in block, which returns when the frame's wait may be over or park is closed. It reports
// whether the execution parks instead: every frame waits.
func (f *frame) await(block func(park <-chan struct{})) (parked bool) {
	ex := f.ex
	ex.posMu.Lock()
	if ex.waits.parking {
		ex.posMu.Unlock()
		return true
	}
	ex.working(-1)
	park := ex.waits.park
	ex.posMu.Unlock()
	block(park)
	ex.posMu.Lock()
	defer ex.posMu.Unlock()
	if ex.waits.parking {
		return true
	}
	ex.working(1)
	return false
}

// parking reports whether the execution is parking: no new work starts.
func (ex *Execution) parking() bool {
	if !ex.track() {
		return false
	}
	ex.posMu.Lock()
	defer ex.posMu.Unlock()
	return ex.waits.parking
}

// sleepUntil waits until due; a durable execution parks there once every frame waits.
func (f *frame) sleepUntil(due time.Time) (parked bool, err error) {
	d := due.Sub(f.ex.clock.Now())
	if !f.ex.track() {
		return false, f.ex.clock.Sleep(f.ctx, d)
	}
	if d <= 0 {
		return false, nil
	}
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	fired := make(chan struct{})
	go func() {
		if f.ex.clock.Sleep(ctx, d) == nil {
			close(fired)
		}
	}()
	if f.await(func(park <-chan struct{}) {
		select {
		case <-fired:
		case <-park:
		case <-f.ctx.Done():
		}
	}) {
		return true, nil
	}
	return false, f.ctx.Err()
}
