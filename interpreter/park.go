package interpreter

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
)

// Parking: with Config.Durable, an execution that reaches a wait in one of its top-level states (a Wait
// state, a retry back-off, a .waitForTaskToken task once its resource took the request) stops there and
// hands back a checkpoint instead of holding a goroutine. Its owner stores the checkpoint and wakes it with
// Program.Resume when the time comes or the token is answered, in this process or after a restart. Waits
// inside a Parallel branch or a Map iteration keep their goroutine: their siblings run on.

// Parked says what a parked execution waits for. Result.Parked holds it.
type Parked struct {
	// Checkpoint is the execution's resume state, for Program.Resume. Its format is the interpreter's own.
	Checkpoint []byte
	// Due is when to wake the execution if nothing else does: the end of the wait or back-off, or the
	// task's next deadline (heartbeat, timeout); the zero time when there is none.
	Due time.Time
	// Token is the task token the execution waits for; empty for a timer.
	Token string
	// Heartbeat is the task's HeartbeatSeconds: each SendTaskHeartbeat moves Due to now+Heartbeat, never past
	// Deadline.
	Heartbeat time.Duration
	// Deadline is the latest Due can become (the task's TimeoutSeconds, or the execution's).
	Deadline time.Time
	// LastEvent is the id of the execution's latest event: a resumed execution numbers on from it.
	LastEvent int64
}

// Wake is why a parked execution resumes: its timer fell due (the zero Wake), or its token was answered.
type Wake struct {
	Answered bool
	// Output is SendTaskSuccess's JSON text; Failed marks SendTaskFailure, with Error and Cause.
	Output       string
	Failed       bool
	Error, Cause string
}

// The phases a top-level state parks in.
const (
	phaseWait  = "wait"
	phaseRetry = "retry"
	phaseToken = "token"
)

// parkSignal stops a top-level state at a wait. It travels up in an outcome; the state's process fills in
// where the state stands, and Execution.run turns it into a Parked result.
type parkSignal struct {
	phase string
	due   time.Time
	// The token phase: the token, the task's deadline and heartbeat.
	token     string
	deadline  time.Time
	heartbeat time.Duration
	cp        checkpoint
}

// checkpoint is where a parked execution stands.
type checkpoint struct {
	Phase        string             `json:"phase"`
	State        string             `json:"state"`
	Input        json.RawMessage    `json:"input"`
	Vars         map[string]rawJSON `json:"vars,omitempty"`
	EnteredEvent int64              `json:"enteredEvent"`
	EnteredTime  time.Time          `json:"enteredTime"`
	RetryCount   int                `json:"retryCount,omitempty"`
	Attempts     []int              `json:"attempts,omitempty"`
	// LastEvent is the id of the latest event: the next one continues from it.
	LastEvent int64     `json:"lastEvent"`
	Start     time.Time `json:"start"`
	// The token phase's task: its token, its deadline (TimeoutSeconds) and HeartbeatSeconds.
	Token     string        `json:"token,omitempty"`
	Deadline  time.Time     `json:"deadline,omitzero"`
	Heartbeat time.Duration `json:"heartbeat,omitempty"`
}

type rawJSON = json.RawMessage

// parks reports whether a wait in this frame's current state parks the execution.
func (f *frame) parks() bool { return f.park && f.ex.cfg.Durable }

// parkAt fills a signal in with where the frame stands in state n, on raw input: the outcome of a state
// that parks.
func (f *frame) parkAt(ps *parkSignal, n *node, raw any, attempts []int) outcome {
	ps.cp = checkpoint{Phase: ps.phase, State: n.name, Input: rawJSON(compactJSON(raw)),
		EnteredEvent: f.enteredEvent, EnteredTime: f.enteredTime, RetryCount: f.retryCount, Attempts: attempts,
		LastEvent: f.last, Start: f.ex.start, Token: ps.token, Deadline: ps.deadline, Heartbeat: ps.heartbeat}
	f.vars.each(func(name string, x any) {
		if ps.cp.Vars == nil {
			ps.cp.Vars = map[string]rawJSON{}
		}
		ps.cp.Vars[name] = rawJSON(compactJSON(x))
	})
	return outcome{parked: ps}
}

// result is the Parked a signal makes, with the execution's own deadline applied.
func (ps *parkSignal) result(ex *Execution) (*Parked, error) {
	b, err := json.Marshal(ps.cp)
	if err != nil {
		return nil, err
	}
	p := &Parked{Checkpoint: b, Due: ps.due, Token: ps.token, Heartbeat: ps.heartbeat, Deadline: ps.deadline, LastEvent: ps.cp.LastEvent}
	if ex.prog.timeout > 0 {
		end := ex.start.Add(ex.prog.timeout)
		if p.Due.IsZero() || end.Before(p.Due) {
			p.Due = end
		}
		if p.Deadline.IsZero() || end.Before(p.Deadline) {
			p.Deadline = end
		}
	}
	return p, nil
}

// resumePoint is what the action of a state that parked takes up when it resumes: where it stood and why
// it woke.
type resumePoint struct {
	cp   *checkpoint
	wake Wake
}

// Resume continues a parked execution of p from its checkpoint. input is the execution's input (for the
// context object); cfg names the execution as Start's does and should set Durable again.
func (p *Program) Resume(ctx context.Context, input any, cpText []byte, wake Wake, cfg Config) (*Execution, error) {
	var cp checkpoint
	if err := json.Unmarshal(cpText, &cp); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	n := p.root.nodes[cp.State]
	if n == nil {
		return nil, fmt.Errorf("checkpoint: the state machine has no state %q", cp.State)
	}
	raw, err := source.Decode(cp.Input)
	if err != nil {
		return nil, fmt.Errorf("checkpoint input: %w", err)
	}
	vars := &variables{}
	for name, text := range cp.Vars {
		v, err := source.Decode(text)
		if err != nil {
			return nil, fmt.Errorf("checkpoint variable %s: %w", name, err)
		}
		vars.set(map[string]any{name: v})
	}
	ex := p.newExecution(ctx, input, cfg, cp.Start)
	// Events recorded after the checkpoint (a run that crashed before its next park) stay: numbering goes on
	// after them.
	last := max(cp.LastEvent, cfg.EventsBefore)
	ex.history.n.Store(last)
	root := &frame{ex: ex, ctx: ex.ctx, vars: vars, park: true, last: last,
		stateName: n.name, enteredEvent: cp.EnteredEvent, enteredTime: cp.EnteredTime, retryCount: cp.RetryCount, retries: len(n.retry) > 0}
	// A back-off that is over leaves nothing to take up: the state simply tries again.
	var resume *resumePoint
	if cp.Phase != phaseRetry {
		resume = &resumePoint{cp: &cp, wake: wake}
	}
	ex.begin(func() (outcome, error) {
		if err := root.ctx.Err(); err != nil {
			return outcome{}, err
		}
		oc, err := root.process(n, raw, cp.Attempts, resume)
		if err != nil || oc.parked != nil || oc.next == nil {
			return oc, err
		}
		return root.runFrom(oc.next, oc.out)
	}, root)
	return ex, nil
}

// resumedTask completes a parked .waitForTaskToken task from its wake: the answer, or a deadline.
func (t *taskState) resumedTask(f *frame, n *node, r *resumePoint) (actionOutcome, error) {
	var result any
	var err error
	switch {
	case r.wake.Answered && r.wake.Failed:
		err = &failure.Error{Name: r.wake.Error, Cause: r.wake.Cause}
	case r.wake.Answered:
		if result, err = source.DecodeString(r.wake.Output); err != nil {
			err = failure.New(failure.TaskFailed, "the task's output is not JSON: "+err.Error())
		}
	case !f.ex.clock.Now().Before(r.cp.Deadline):
		err = failure.New(failure.Timeout, "")
	default:
		err = failure.New(failure.HeartbeatTimeout, "")
	}
	return t.completed(f, n, result, err)
}
