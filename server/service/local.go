package service

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
)

// The CLI's service: aslrun execute and test run their executions on a Service over the memory store,
// usually with a virtual clock, exactly as aslrun serve runs them.

// NewLocal returns a service over a new memory store of its own; opts must name no store.
func NewLocal(opts Options) (*Service, error) {
	if opts.Store != nil {
		return nil, errors.New("service: NewLocal makes its own memory store; use New for another store")
	}
	opts.Store = memory.New()
	return New(opts)
}

// LocalRun is one execution that RunLocal runs to its end.
type LocalRun struct {
	// StateMachine, Definition and Type make the state machine (created unless it exists); Program, when
	// set, is Definition already compiled.
	StateMachine, Definition, Type string
	Program                        *interpreter.Program
	// Execution is the execution's name ("" for a generated one); TestCase runs a test case of the mock
	// config (Options.Mocks) instead of the Invoker.
	Execution, TestCase string
	Input               any
	// InputText is Input as JSON text, as the user gave it ("": written from Input); InputSize is Input's
	// compact size, as source.DecodeSized tells it (0 or -1: counted from Input).
	InputText string
	InputSize int
	// History keeps the execution's history in the store, for GetExecutionHistory, whatever
	// Options.NoHistory says.
	History bool
}

// Finished is how a local run ended.
type Finished struct {
	ExecutionArn, Name string
	Result             *interpreter.Result
	// Output is the output as JSON text (keys sorted), as DescribeExecution shows it; nil unless it succeeded.
	Output *string
}

// RunLocal creates the state machine, runs one execution of it and waits for its end. Subscribe first to
// see its events as they happen.
func (s *Service) RunLocal(ctx context.Context, in LocalRun) (*Finished, error) {
	created, err := s.createStateMachine(ctx, &CreateStateMachineInput{Name: in.StateMachine, Definition: in.Definition,
		Type: in.Type, RoleArn: "arn:aws:iam::" + s.account + ":role/aslrun"}, in.Program)
	if err != nil {
		return nil, err
	}
	arn := created.StateMachineArn
	if in.TestCase != "" {
		arn += "#" + in.TestCase
	}
	text := in.InputText
	if text == "" {
		text = value.JSON(in.Input)
	}
	st, err := s.begin(ctx, &StartExecutionInput{StateMachineArn: arn, Name: in.Execution, Input: text}, beginOptions{parsed: in.Input, size: in.InputSize, history: in.History})
	if err != nil {
		return nil, err
	}
	ended := s.WhenEnded(st.rec.Arn)
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
	if r.rec.Status != store.Running {
		return &Finished{ExecutionArn: st.rec.Arn, Name: st.rec.Name, Result: r.res, Output: r.rec.Output}, nil
	}
	// It parked (the real clock): the scheduler resumes it, maybe more than once, until it ends.
	select {
	case <-ended:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rec, err := s.store.GetExecution(ctx, st.rec.Arn)
	if err != nil {
		return nil, internal(err)
	}
	res, err := resultOf(rec)
	if err != nil {
		return nil, err
	}
	return &Finished{ExecutionArn: st.rec.Arn, Name: st.rec.Name, Result: res, Output: rec.Output}, nil
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
