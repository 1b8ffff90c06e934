package main

import (
	"context"
	"errors"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/interpreter/maprun"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/awserr"
	"github.com/aslrun/aslrun/server/service"
)

// newEngine wires the one stack every command runs executions on: the control plane over opts.Store (the
// memory store when nil) with the resources of reg and env. The service runs the Tasks through reg (or
// opts.Invoker, which wraps it), nested states:startExecution as its own child executions, the mock
// config's test cases, and answers the tokens of env's workers. Distributed Maps read and write env's S3, or real S3 where the handler file says
// so (Registry.Objects).
func newEngine(reg *resources.Registry, env *resources.Env, mocks *resources.MockConfig, opts service.Options) (*service.Service, error) {
	if opts.Invoker == nil {
		opts.Invoker = reg
	}
	if opts.Objects == nil {
		var embedded maprun.Objects
		if env.Services != nil {
			embedded = env.Services.Objects()
		}
		// The handler file may send the Maps' reads or writes to real S3.
		opts.Objects = reg.Objects(embedded)
	}
	if mocks != nil {
		opts.Mocks = func(machine, testCase string, calls map[string]int) (interpreter.Invoker, error) {
			return mocks.Invoker(machine, testCase, opts.Invoker, calls)
		}
	}
	var svc *service.Service
	var err error
	if opts.Store == nil {
		svc, err = service.NewLocal(opts)
	} else {
		svc, err = service.New(opts)
	}
	if err != nil {
		return nil, err
	}
	env.Answers = svc.Answers()
	reg.StateMachines(nestedMachines{svc})
	return svc, nil
}

// nestedMachines lets states:startExecution Tasks start child executions of the service.
type nestedMachines struct{ svc *service.Service }

func (n nestedMachines) StartExecution(ctx context.Context, req *resources.StartRequest) (*resources.Started, error) {
	nested, err := n.svc.StartNested(ctx, req.StateMachineArn, req.Name, req.Input)
	if err != nil {
		var e *service.Error
		if errors.As(err, &e) {
			// The Task reports the API's refusal as Step Functions' service error.
			return nil, awserr.New(e.Code, e.Status(), e.Message)
		}
		return nil, err
	}
	arn := nested.ExecutionArn
	outcome := func() *interpreter.Result {
		res, err := nested.Outcome(context.WithoutCancel(ctx))
		if err != nil {
			return &interpreter.Result{Status: interpreter.Failed, Error: failure.Runtime, Cause: "the nested execution's outcome cannot be read: " + err.Error()}
		}
		return res
	}
	return &resources.Started{ExecutionArn: arn, Name: nested.Name, StateMachineArn: nested.StateMachineArn, Input: req.Input,
		StartDate: nested.StartDate, Done: nested.Done, Result: outcome}, nil
}
