package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// Durable executions. Under a real clock a STANDARD execution is durable (interpreter.Config.Durable):
// while it runs, each commit of its events carries a checkpoint consistent with them, its owner's node id
// and a "wake" timer due when the owner's lease ends (renewed while it runs); once every frame of it waits
// (a Wait, a back-off, a task token, an activity task, at any depth of Parallel and Map), it parks: the
// step that parks it stores its checkpoint, the wake timer at its earliest due time and its tokens, and
// its goroutines end. The scheduler claims due timers and resumes those executions from their
// checkpoints; an answer to a parked token is stored with a timer due at once, so the answer survives a
// restart too. A node that dies leaves its running executions with a lease timer that falls due: whoever
// claims it resumes them from their last commit. At start a node resumes its own at once
// (ResumeUnfinished).

// wakeTimer is the key of an execution's timer: a parked one's wake-up, a running one's lease.
const wakeTimer = "wake"

// DefaultLease is how long a node holds a running execution, or a timer it claimed, without renewing
// (Options.Lease): a node that dies has its work taken over by the others this long after its last renewal.
// It renews every third of it, so a slow commit or a pause does not cost it its work.
const DefaultLease = 6 * time.Second

// maxCrashes is how many unclean stops in a row an execution may be running through, without recording
// progress in between, before it is failed rather than run again: it is likely what kills the process.
const maxCrashes = 3

// parkedRecord is what an execution's store record keeps as its checkpoint.
type parkedRecord struct {
	Checkpoint json.RawMessage `json:"checkpoint"`
	// Waits are the tokens it waits for, with their due times as heartbeats moved them; Beats the latest
	// heartbeat per token, Workers the workers that took activity tasks while it was parked.
	Waits   []interpreter.Wait   `json:"waits,omitempty"`
	Beats   map[string]time.Time `json:"beats,omitempty"`
	Workers map[string]string    `json:"workers,omitempty"`
	// Timer is when its earliest wait that is not a token's ends.
	Timer time.Time `json:"timer,omitzero"`
	// LastEvent is the id of the execution's latest event when the checkpoint was taken.
	LastEvent int64 `json:"lastEvent,omitempty"`
	// MockCalls are a mock-config test case's invocations per state so far, so that its numbered responses
	// go on where they were.
	MockCalls map[string]int `json:"mockCalls,omitempty"`
	// Running marks a checkpoint taken while Owner ran the execution (not parked); Crashes counts the
	// unclean stops it was resumed after without progress since.
	Running bool   `json:"running,omitempty"`
	Owner   string `json:"owner,omitempty"`
	Crashes int    `json:"crashes,omitempty"`
	// Clean marks the checkpoint of a service that closed cleanly: its next resume is no crash.
	Clean bool `json:"clean,omitempty"`
}

// due is when to wake a parked execution.
func (pr *parkedRecord) due() time.Time {
	due := pr.Timer
	for _, w := range pr.Waits {
		if due.IsZero() || (!w.Due.IsZero() && w.Due.Before(due)) {
			due = w.Due
		}
	}
	return due
}

// durable reports whether executions of a record park.
func (s *Service) durable(express bool) bool { return s.parking && !express }

// checkpointStep fills in a step that stores a checkpoint: the record's checkpoint, the wake timer (the
// lease of a running execution, or a parked one's due time) and the rows of tokens the store does not
// hold yet. A token answered in the store meanwhile wakes a parked execution at once.
func (s *Service) checkpointStep(step *store.Step, rec *store.Execution, pr *parkedRecord, known map[string]bool) error {
	now := s.now()
	due := now.Add(s.lease)
	if !pr.Running {
		due = pr.due()
	}
	for _, w := range pr.Waits {
		if known[w.Token] {
			continue
		}
		tok, err := s.store.GetToken(s.ctx, w.Token)
		switch {
		case errors.Is(err, store.ErrNotFound):
			step.Tokens = append(step.Tokens, store.Token{Token: w.Token, ExecutionArn: rec.Arn, Status: store.TokenPending, Created: now})
		case err != nil:
			return err
		case tok.Status != store.TokenPending && !pr.Running:
			due = now // answered while the execution took its wait up again
		}
		if known != nil {
			known[w.Token] = true
		}
	}
	cp, err := json.Marshal(pr)
	if err != nil {
		return err
	}
	rec.Checkpoint = cp
	step.DeleteTimers = nil
	if !due.IsZero() {
		step.SetTimers = append(step.SetTimers, store.Timer{TimerKey: store.TimerKey{ExecutionArn: rec.Arn, Key: wakeTimer}, Due: due.Truncate(time.Microsecond)})
	} else {
		step.DeleteTimers = []store.TimerKey{{ExecutionArn: rec.Arn, Key: wakeTimer}}
	}
	return nil
}

// parkedRecordOf is what a parked (or running, when running) execution's record keeps.
func (s *Service) parkedRecordOf(p *interpreter.Parked, calls map[string]int, running bool) *parkedRecord {
	pr := &parkedRecord{Checkpoint: p.Checkpoint, Waits: p.Waits, Timer: p.Timer, LastEvent: p.LastEvent, MockCalls: calls,
		Running: running}
	if running {
		pr.Owner, pr.Clean = s.node, s.closing.Load()
	}
	return pr
}

// rebuild makes the program, input and configuration of a stored execution, to run it again: a mock-config
// test case's executions run mocked again, its responses numbered on from calls.
func (s *Service) rebuild(ctx context.Context, rec *store.Execution, calls map[string]int) (*interpreter.Program, any, interpreter.Config, error) {
	var cfg interpreter.Config
	typ := store.TypeStandard
	if rec.Express {
		typ = store.TypeExpress
	}
	prog, err := s.programs.compile(rec.Definition, typ)
	if err != nil {
		return nil, nil, cfg, err
	}
	input, err := source.DecodeString(rec.Input)
	if err != nil {
		return nil, nil, cfg, err
	}
	smName := rec.StateMachineArn[strings.LastIndex(rec.StateMachineArn, ":")+1:]
	invoker := s.invoker
	if rec.TestCase != "" {
		if s.mocks == nil {
			return nil, nil, cfg, fmt.Errorf("the execution runs the mock-config test case %q, but the server has no mock config (aslrun serve --mock-config)", rec.TestCase)
		}
		if invoker, err = s.mocks(smName, rec.TestCase, calls); err != nil {
			return nil, nil, cfg, err
		}
	}
	cfg = interpreter.Config{Name: rec.Name, ARN: rec.Arn, StateMachineName: smName, StateMachineARN: rec.StateMachineArn,
		Express: rec.Express, Invoker: invoker, Clock: s.clock, Durable: s.durable(rec.Express),
		RedriveCount: rec.RedriveCount, RedriveTime: rec.RedriveDate}
	var v *store.StateMachineVersion
	if rec.StateMachineVersionArn != "" {
		v, _ = s.store.GetStateMachineVersion(ctx, rec.StateMachineVersionArn) // deleted since: the state machine's role
	}
	if v != nil {
		cfg.RoleARN = v.RoleArn
	} else if sm, err := s.store.GetStateMachine(ctx, rec.StateMachineArn); err == nil {
		cfg.RoleARN = sm.RoleArn
	}
	return prog, input, cfg, nil
}

// failExecution ends an execution that cannot run again (its definition or checkpoint is broken).
func (s *Service) failExecution(rec *store.Execution, cause string) {
	_, _ = s.abortOrphan(s.ctx, rec, &StopExecutionInput{Error: "States.Runtime", Cause: cause}, store.Failed)
}

// ResumeUnfinished resumes, at once, every execution this node was running when its last process died:
// from its last checkpoint, or from its input when it had none. Parked executions need nothing, their
// timers wake them; those another node runs are its own, or, should it die, whoever claims their lease
// timer's. The owner of the store calls it once at start (aslrun serve does).
func (s *Service) ResumeUnfinished(ctx context.Context) error {
	// Wakes the previous process was doing when it died are due again now, not after their lease.
	if err := s.store.ReleaseTimers(ctx, s.node); err != nil {
		return err
	}
	recs, err := s.store.Unfinished(ctx)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if rec.Status != store.Running {
			continue
		}
		var pr parkedRecord
		if len(rec.Checkpoint) > 0 {
			if err := json.Unmarshal(rec.Checkpoint, &pr); err != nil {
				s.failExecution(rec, "the execution's checkpoint cannot be read: "+err.Error())
				continue
			}
			if !pr.Running || pr.Owner != s.node {
				continue
			}
		} else if s.shared {
			continue // its creation lease wakes it, here at once if it was ours (released above)
		}
		if err := s.resume(rec, &pr, true); err != nil && !errors.Is(err, errClosed) {
			return err
		}
	}
	return nil
}

// resume runs a stored RUNNING execution again: from its checkpoint with what happened to its waits, or
// from its input. crashed says its last run stopped uncleanly while it ran: it counts towards maxCrashes.
func (s *Service) resume(rec *store.Execution, pr *parkedRecord, crashed bool) error {
	ctx := s.ctx
	if crashed && !pr.Clean {
		pr.Crashes++
		if pr.Crashes >= maxCrashes {
			s.failExecution(rec, fmt.Sprintf("The execution was running when the server stopped uncleanly %d times in a row without progress; it is not run again, since it may be what stops the server.", pr.Crashes))
			return nil
		}
		// Counted before it runs, under this node's lease: a run that takes the process down must not
		// escape the count.
		pr.Running, pr.Owner = true, s.node
		step := store.Step{Execution: rec}
		if err := s.checkpointStep(&step, rec, pr, nil); err != nil {
			return err
		}
		if err := s.store.Commit(ctx, step); err != nil {
			return err
		}
	}
	var wake interpreter.Wake
	for _, w := range pr.Waits {
		tok, err := s.store.GetToken(ctx, w.Token)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		switch tok.Status {
		case store.TokenSucceeded:
			wake.Answers = setKey(wake.Answers, w.Token, interpreter.Answer{Output: tok.Output})
		case store.TokenFailed:
			wake.Answers = setKey(wake.Answers, w.Token, interpreter.Answer{Failed: true, Error: deref(tok.Error), Cause: deref(tok.Cause)})
		}
	}
	wake.Beats, wake.Workers = pr.Beats, pr.Workers
	prog, input, cfg, err := s.rebuild(ctx, rec, pr.MockCalls)
	if err != nil {
		s.failExecution(rec, err.Error())
		return nil
	}
	// Events a run after the checkpoint recorded before it died stay; without a stored history
	// (Options.NoHistory) the numbering goes on from the checkpoint.
	l := launch{rec: rec, cfg: cfg, after: max(rec.LastEvent, pr.LastEvent), crashes: pr.Crashes,
		start: func(ctx context.Context, cfg interpreter.Config) (*interpreter.Execution, error) {
			if len(pr.Checkpoint) == 0 {
				return prog.Start(ctx, input, cfg), nil
			}
			return prog.Resume(ctx, input, pr.Checkpoint, wake, cfg)
		}}
	if _, err := s.run(l); err != nil {
		if !errors.Is(err, errClosed) {
			s.failExecution(rec, err.Error())
		}
		return err
	}
	return nil
}

func setKey[V any](m map[string]V, k string, v V) map[string]V {
	if m == nil {
		m = map[string]V{}
	}
	m[k] = v
	return m
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
