package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// Durable executions. Under a real clock a STANDARD execution parks at the waits of its top-level states
// (interpreter.Parked): the step that parks it stores its checkpoint, a "wake" timer and its task token, and
// its goroutine ends. The scheduler claims due timers and resumes those executions; an answer to a parked
// token is stored with a timer due at once, so the answer survives a restart too. At start the service
// runs again every RUNNING execution that has no checkpoint (it had not parked when the last process died)
// from its input; parked ones wait for their timers, which fire at once if they fell due meanwhile.

// wakeTimer is the key of a parked execution's timer.
const wakeTimer = "wake"

// timerLease is how long the scheduler holds a claimed timer: a resume that dies with its process is
// retried after it.
const timerLease = 10 * time.Second

// schedulerBatch is the most timers the scheduler claims at once; wakers the most executions it wakes at
// once, so that their reads (record, token, last event) run side by side on the store's read pool.
const (
	schedulerBatch = 64
	wakers         = 8
)

// parkedRecord is what a parked execution's store record keeps as its checkpoint.
type parkedRecord struct {
	Checkpoint json.RawMessage `json:"checkpoint"`
	Token      string          `json:"token,omitempty"`
	Heartbeat  time.Duration   `json:"heartbeat,omitempty"`
	Deadline   time.Time       `json:"deadline,omitzero"`
	// LastEvent is the id of the execution's latest event when it parked.
	LastEvent int64 `json:"lastEvent,omitempty"`
	// MockCalls are a mock-config test case's invocations per state so far, so that its numbered responses
	// go on where they were.
	MockCalls map[string]int `json:"mockCalls,omitempty"`
}

// durable reports whether executions of a record park.
func (s *Service) durable(express bool) bool { return s.parking && !express }

// parkStep completes an execution's step when it parked: its checkpoint, its timer and its token.
func (s *Service) parkStep(step *store.Step, rec *store.Execution, p *interpreter.Parked, calls map[string]int, now time.Time) error {
	cp, err := json.Marshal(parkedRecord{Checkpoint: p.Checkpoint, Token: p.Token, Heartbeat: p.Heartbeat, Deadline: p.Deadline,
		LastEvent: p.LastEvent, MockCalls: calls})
	if err != nil {
		return err
	}
	arn := rec.Arn
	rec.Checkpoint = cp
	if !p.Due.IsZero() {
		step.SetTimers = append(step.SetTimers, store.Timer{TimerKey: store.TimerKey{ExecutionArn: arn, Key: wakeTimer}, Due: p.Due.Truncate(time.Microsecond)})
	}
	if p.Token != "" {
		step.Tokens = append(step.Tokens, store.Token{Token: p.Token, ExecutionArn: arn, Status: store.TokenPending, Created: now})
	}
	return nil
}

// schedule wakes parked executions as their timers fall due, until the service closes.
func (s *Service) schedule() {
	defer s.wg.Done()
	owner := interpreter.NewUUID()
	busy := make(chan struct{}, wakers)
	for {
		timers, err := s.store.ClaimDueTimers(s.ctx, s.now(), owner, timerLease, schedulerBatch)
		if err == nil {
			for _, t := range timers {
				if t.Key != wakeTimer {
					continue
				}
				busy <- struct{}{}
				s.wg.Add(1)
				go func() {
					defer s.wg.Done()
					s.wake(t.ExecutionArn)
					<-busy
				}()
			}
			if len(timers) == schedulerBatch {
				continue
			}
		}
		sleep := time.Second
		if next, ok, err := s.store.NextTimer(s.ctx); err == nil && ok {
			sleep = min(max(next.Sub(s.now()), time.Millisecond), time.Second)
		}
		t := time.NewTimer(sleep)
		select {
		case <-t.C:
		case <-s.poke:
			t.Stop()
		case <-s.ctx.Done():
			t.Stop()
			return
		}
	}
}

// pokeScheduler makes the scheduler look at its timers now.
func (s *Service) pokeScheduler() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// wake resumes a parked execution whose timer fell due: with its token's answer when there is one.
func (s *Service) wake(arn string) {
	s.mu.Lock()
	busy := s.running[arn] != nil || s.waking[arn]
	if !busy {
		s.waking[arn] = true
	}
	s.mu.Unlock()
	if busy {
		return // its own step will reschedule it; the claimed timer comes back after its lease
	}
	defer func() {
		s.mu.Lock()
		delete(s.waking, arn)
		s.mu.Unlock()
	}()
	ctx := s.ctx
	rec, err := s.store.GetExecution(ctx, arn)
	if err != nil || rec.Status != store.Running || len(rec.Checkpoint) == 0 {
		return
	}
	var pr parkedRecord
	if err := json.Unmarshal(rec.Checkpoint, &pr); err != nil {
		s.failExecution(rec, "the execution's checkpoint cannot be read: "+err.Error())
		return
	}
	var wake interpreter.Wake
	var answered *store.Token
	if pr.Token != "" {
		tok, err := s.store.GetToken(ctx, pr.Token)
		if err != nil {
			return
		}
		switch tok.Status {
		case store.TokenSucceeded:
			wake = interpreter.Wake{Answered: true, Output: tok.Output}
		case store.TokenFailed:
			wake = interpreter.Wake{Answered: true, Failed: true, Error: deref(tok.Error), Cause: deref(tok.Cause)}
		}
		closed := *tok
		closed.Status = store.TokenClosed
		answered = &closed
	}
	prog, input, cfg, err := s.rebuild(ctx, rec, pr.MockCalls)
	if err != nil {
		s.failExecution(rec, err.Error())
		return
	}
	// Events a run after the park recorded before it died stay; without a stored history
	// (Options.NoHistory) the numbering goes on from the park.
	after := max(rec.LastEvent, pr.LastEvent)
	_, err = s.run(launch{rec: rec, cfg: cfg, answered: answered, after: after,
		start: func(cfg interpreter.Config) (*interpreter.Execution, error) {
			return prog.Resume(s.ctx, input, pr.Checkpoint, wake, cfg)
		}})
	if err != nil && !errors.Is(err, errClosed) {
		s.failExecution(rec, err.Error())
	}
}

// rebuild makes the program, input and configuration of a stored execution, to run it again: a mock-config
// test case's executions run mocked again, its responses numbered on from calls.
func (s *Service) rebuild(ctx context.Context, rec *store.Execution, calls map[string]int) (*interpreter.Program, any, interpreter.Config, error) {
	var cfg interpreter.Config
	typ := store.TypeStandard
	if rec.Express {
		typ = store.TypeExpress
	}
	prog, err := s.program(&store.StateMachine{Arn: rec.StateMachineArn, Definition: rec.Definition, Type: typ})
	if err != nil {
		return nil, nil, cfg, err
	}
	input, err := oj.ParseString(rec.Input)
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
		Express: rec.Express, Invoker: invoker, Clock: s.clock, Durable: s.durable(rec.Express)}
	if sm, err := s.store.GetStateMachine(ctx, rec.StateMachineArn); err == nil {
		cfg.RoleARN = sm.RoleArn
	}
	return prog, input, cfg, nil
}

// failExecution ends an execution that cannot run again (its definition or checkpoint is broken).
func (s *Service) failExecution(rec *store.Execution, cause string) {
	_, _ = s.abortOrphan(s.ctx, rec, &StopExecutionInput{Error: "States.Runtime", Cause: cause}, store.Failed)
}

// ResumeUnfinished runs again every execution a previous process left running without a checkpoint, from
// its input; parked ones need nothing, their timers wake them. The owner of the store calls it once at
// start (aslrun serve does); a store shared with other running services must not be resumed twice.
func (s *Service) ResumeUnfinished(ctx context.Context) error {
	recs, err := s.store.Unfinished(ctx)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if rec.Status != store.Running || len(rec.Checkpoint) > 0 {
			continue
		}
		prog, input, cfg, err := s.rebuild(ctx, rec, nil)
		if err != nil {
			s.failExecution(rec, err.Error())
			continue
		}
		// The events it recorded before the crash stay; its states run again after them.
		l := launch{rec: rec, cfg: cfg, after: rec.LastEvent, start: func(cfg interpreter.Config) (*interpreter.Execution, error) {
			return prog.Start(s.ctx, input, cfg), nil
		}}
		if _, err := s.run(l); err != nil {
			return err
		}
	}
	return nil
}

// answerParked takes a SendTaskSuccess or SendTaskFailure for a token whose execution is parked: the
// answer is stored with a timer due now, which resumes the execution.
func (s *Service) answerParked(ctx context.Context, token string, answer func(*store.Token)) error {
	for attempt := 0; ; attempt++ {
		tok, rec, err := s.pendingToken(ctx, token)
		if err != nil {
			return err
		}
		answer(tok)
		step := store.Step{Execution: rec, Tokens: []store.Token{*tok},
			SetTimers: []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: rec.Arn, Key: wakeTimer}, Due: s.now()}}}
		err = s.store.Commit(ctx, step)
		if errors.Is(err, store.ErrConflict) && attempt < 3 {
			continue // a heartbeat or a resume moved the execution on: look again
		}
		if err != nil {
			return internal(err)
		}
		s.pokeScheduler()
		return nil
	}
}

// heartbeatParked moves a parked task's heartbeat deadline on.
func (s *Service) heartbeatParked(ctx context.Context, token string) error {
	_, rec, err := s.pendingToken(ctx, token)
	if err != nil {
		return err
	}
	var pr parkedRecord
	if err := json.Unmarshal(rec.Checkpoint, &pr); err != nil || pr.Heartbeat <= 0 {
		return nil // no heartbeat deadline to move
	}
	due := s.now().Add(pr.Heartbeat)
	if !pr.Deadline.IsZero() && pr.Deadline.Before(due) {
		due = pr.Deadline
	}
	step := store.Step{Execution: rec, SetTimers: []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: rec.Arn, Key: wakeTimer}, Due: due.Truncate(time.Microsecond)}}}
	if err := s.store.Commit(ctx, step); err != nil && !errors.Is(err, store.ErrConflict) {
		return internal(err)
	}
	return nil
}

// pendingToken finds a parked execution's unanswered token and the execution. The callbacks hand a token
// over only after its park is stored, so a token they do not know is in the store or nowhere.
func (s *Service) pendingToken(ctx context.Context, token string) (*store.Token, *store.Execution, error) {
	tok, err := s.store.GetToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, &Error{Code: interpreter.ErrTaskDoesNotExist, Message: "Task Does Not Exist: 'Provided task does not exist'"}
	}
	if err != nil {
		return nil, nil, internal(err)
	}
	rec, err := s.store.GetExecution(ctx, tok.ExecutionArn)
	if err != nil {
		return nil, nil, internal(err)
	}
	if tok.Status != store.TokenPending || rec.Status != store.Running {
		return nil, nil, taskTimedOut()
	}
	return tok, rec, nil
}

func taskTimedOut() error {
	return &Error{Code: "TaskTimedOut", Message: "Task Timed Out: 'Provided task does not exist anymore'"}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
