package service

import (
	"context"
	"encoding/json"
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

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
