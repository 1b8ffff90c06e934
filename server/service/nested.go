package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// Nested executions: a Task's states:startExecution starts a real execution of this service, stored and
// listed like any other, with its own history. A .sync Task waits for it with WhenEnded.

// Nested is an execution a Task started.
type Nested struct {
	ExecutionArn, Name, StateMachineArn string
	StartDate                           time.Time
	// Done is closed when the execution has ended (also when it parked and ended in a later run); Outcome
	// then tells how.
	Done <-chan struct{}

	s   *Service
	run *run
}

// Outcome reads how the nested execution ended, once Done is closed. An execution that ended in the run
// that started it answers from that run: an Express one is gone from the store by then.
func (n *Nested) Outcome(ctx context.Context) (*interpreter.Result, error) {
	select {
	case <-n.run.done: // closed just after Done, once the run has let go of the execution
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if n.run.err == nil && n.run.rec.Status != store.Running {
		return resultOf(n.run.rec)
	}
	return n.s.outcome(ctx, n.ExecutionArn)
}

// StartNested starts an execution for a Task: of the state machine the store holds under machineArn, or
// under its name in the region of ctx (the Task's execution) and this service's account (definitions name {region} and {account} in many
// ways), or else of the definition Options.Definitions finds, which is created as a state machine first.
// name is the execution's name ("" for a generated one), input its input. The errors are the API's.
func (s *Service) StartNested(ctx context.Context, machineArn, name string, input any) (*Nested, error) {
	ref, err := parseMachineRef(machineArn)
	if err != nil {
		return nil, err
	}
	sm, err := s.nestedMachine(ctx, ref.machine, ref.machine[strings.LastIndexByte(ref.machine, ':')+1:])
	if err != nil {
		return nil, err
	}
	start := sm.Arn
	if qualified := cmp.Or(ref.version, ref.alias); qualified != "" {
		start += qualified[len(ref.machine):] // the version or alias of the state machine found
	}
	st, err := s.begin(ctx, &StartExecutionInput{StateMachineArn: start, Name: name, Input: value.JSON(input)}, beginOptions{parsed: input})
	if err != nil {
		return nil, err
	}
	if st.existing {
		return nil, newError(CodeExecutionAlreadyExists, "Execution Already Exists: '%s'", st.rec.Arn)
	}
	// Watch before it runs, so that a quick end is not missed.
	done := s.WhenEnded(st.rec.Arn)
	r, err := s.execute(st)
	if err != nil {
		return nil, internal(err)
	}
	return &Nested{ExecutionArn: st.rec.Arn, Name: st.rec.Name, StateMachineArn: sm.Arn, StartDate: st.rec.StartDate, Done: done,
		s: s, run: r}, nil
}

// nestedMachine finds the state machine a Task starts.
func (s *Service) nestedMachine(ctx context.Context, arn, name string) (*store.StateMachine, error) {
	for _, a := range []string{arn, s.arn(s.regionFor(ctx), arnStateMachine, name)} {
		sm, err := s.store.GetStateMachine(ctx, a)
		if err == nil {
			return sm, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, internal(err)
		}
	}
	if s.definitions == nil {
		return nil, stateMachineDoesNotExist(arn)
	}
	path, def, err := s.definitions(name)
	if err != nil {
		return nil, err
	}
	_, err = s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: name, Definition: string(def), RoleArn: "arn:aws:iam::" + s.account + ":role/aslrun"})
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.Code == CodeInvalidDefinition {
		return nil, fmt.Errorf("state machine %s (%s): %s", name, path, apiErr.Message)
	}
	if err != nil && !(errors.As(err, &apiErr) && apiErr.Code == CodeStateMachineAlreadyExists) {
		return nil, err
	}
	return s.getStateMachine(ctx, s.arn(s.regionFor(ctx), arnStateMachine, name))
}

// WhenEnded returns a channel that is closed when the execution arn has ended, in this process: at once
// when it already has.
func (s *Service) WhenEnded(arn string) <-chan struct{} {
	ch := make(chan struct{})
	s.mu.Lock()
	s.ended[arn] = append(s.ended[arn], ch)
	s.mu.Unlock()
	if rec, err := s.store.GetExecution(s.ctx, arn); err == nil && store.Finished(rec.Status) {
		s.notifyEnded(arn)
	}
	return ch
}

// notifyEnded tells those who wait for an execution that it has ended.
func (s *Service) notifyEnded(arn string) {
	s.mu.Lock()
	chans := s.ended[arn]
	delete(s.ended, arn)
	s.mu.Unlock()
	for _, ch := range chans {
		close(ch)
	}
}

// outcome reads how an execution ended from the store, as a Task that waited for it reports it.
func (s *Service) outcome(ctx context.Context, arn string) (*interpreter.Result, error) {
	rec, err := s.store.GetExecution(ctx, arn)
	if err != nil {
		return nil, storeError(err, func() *Error { return executionDoesNotExist(arn) })
	}
	return resultOf(rec)
}

// resultOf is a stored execution's outcome as the interpreter reports one.
func resultOf(rec *store.Execution) (*interpreter.Result, error) {
	res := &interpreter.Result{Status: interpreter.Status(rec.Status), Error: deref(rec.Error), Cause: deref(rec.Cause),
		StartDate: rec.StartDate, StopDate: rec.StopDate}
	if rec.Output != nil {
		var err error
		if res.Output, err = source.DecodeString(*rec.Output); err != nil {
			return nil, internal(err)
		}
	}
	return res, nil
}
