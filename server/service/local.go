package service

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
)

// The CLI's service: aslrun execute and test run their executions on a Service over the memory store,
// usually with a virtual clock, exactly as aslrun serve runs them.

// NewLocal returns a service over a new memory store (opts.Store is ignored).
func NewLocal(opts Options) (*Service, error) {
	opts.Store = memory.New()
	return New(opts)
}

// LocalRun is one execution that RunLocal runs to its end.
type LocalRun struct {
	// StateMachine, Definition and Type make the state machine (created unless it exists).
	StateMachine, Definition, Type string
	// Execution is the execution's name ("" for a generated one); TestCase runs a test case of the mock
	// config (Options.Mocks) instead of the Invoker.
	Execution, TestCase string
	Input               any
	// History keeps the execution's history in the store, for GetExecutionHistory, whatever
	// Options.NoHistory says.
	History bool
}

// Finished is how a local run ended.
type Finished struct {
	ExecutionArn, Name string
	Result             *interpreter.Result
}

// RunLocal creates the state machine, runs one execution of it and waits for its end. Subscribe first to
// see its events as they happen.
func (s *Service) RunLocal(ctx context.Context, in LocalRun) (*Finished, error) {
	created, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: in.StateMachine, Definition: in.Definition,
		Type: in.Type, RoleArn: "arn:aws:iam::" + s.account + ":role/aslrun"})
	if err != nil {
		return nil, err
	}
	arn := created.StateMachineArn
	if in.TestCase != "" {
		arn += "#" + in.TestCase
	}
	st, err := s.begin(ctx, &StartExecutionInput{StateMachineArn: arn, Name: in.Execution, Input: oj.JSON(in.Input, &oj.Options{Sort: true})}, false)
	if err != nil {
		return nil, err
	}
	st.history = in.History
	r, err := s.execute(st)
	if err != nil {
		return nil, err
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.rec.Status == store.Running {
		return nil, errors.New("the execution parked: a local run needs the virtual clock or a service that resumes it")
	}
	return &Finished{ExecutionArn: st.rec.Arn, Name: st.rec.Name, Result: r.res}, nil
}

// History reads an execution's whole history, oldest first, as GetExecutionHistory's events.
func (s *Service) History(ctx context.Context, arn string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	token := ""
	for {
		events, next, err := s.store.History(ctx, arn, store.Page{Token: token, Max: store.MaxPageSize}, false)
		if err != nil {
			return nil, storeError(err, func() *Error { return executionDoesNotExist(arn) })
		}
		for _, e := range events {
			out = append(out, e.Data)
		}
		if next == "" {
			return out, nil
		}
		token = next
	}
}
