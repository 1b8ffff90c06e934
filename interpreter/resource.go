package interpreter

import (
	"context"
	"time"
)

// Invoker runs the resource of a Task state. The interpreter knows no AWS service: package resources
// implements this for Lambda, the embedded services and the user's handlers.
//
// Invoke returns the task's result, or an error: a *failure.Error is seen by Retry and Catch under its
// name; any other error becomes States.TaskFailed with the error's text as the cause.
type Invoker interface {
	Invoke(ctx context.Context, req *TaskRequest) (any, error)
}

// Binder is implemented by Invokers that can tell which Tasks they bind themselves. An activity Task is
// handed to workers polling GetActivityTask unless its execution's Invoker is a Binder that binds it: then
// the Invoker runs it like any other Task, so that handlers and mocks can stand in for the workers.
type Binder interface {
	// Binds reports whether the Invoker has a binding of its own for the resource or the state's name.
	Binds(resource, stateName string) bool
}

// InlineInvoker is implemented by Invokers that can tell which Tasks they answer inline: at once, in
// process, without waiting on anything (I/O, the clock, a task token, another goroutine). A Task calls
// those on its own goroutine, with no goroutine, context or timer of its own: on a virtual clock no time
// passes while it works, so its TimeoutSeconds and HeartbeatSeconds cannot run out first; on a real clock
// a call that outlasted them fails with States.Timeout or States.HeartbeatTimeout, as their timers would
// have made it. Tasks that wait for a token, and activities, are never called inline.
type InlineInvoker interface {
	Invoker
	// Inline reports whether the Invoker answers req inline (req's Context is not set yet). An inline call
	// uses req's Context and Submitted before it returns: they read the Task's frame as it is; and it keeps
	// no reference to req, which the frame's next Task call reuses.
	Inline(req *TaskRequest) bool
}

// InvokerFunc adapts a function to Invoker.
type InvokerFunc func(ctx context.Context, req *TaskRequest) (any, error)

// Invoke calls f.
func (f InvokerFunc) Invoke(ctx context.Context, req *TaskRequest) (any, error) { return f(ctx, req) }

// TaskRequest is one invocation of a Task's resource.
type TaskRequest struct {
	// Resource is the state's Resource ARN as written.
	Resource string
	// Input is the effective input: the state input after InputPath and Parameters (or Arguments).
	Input any
	// StateName is the Task state's name; handlers may be bound to it.
	StateName string
	// Token is the task token of a .waitForTaskToken task (also in Context as $$.Task.Token).
	Token string
	// Context builds the context object ($$) as the state saw it when it called the resource: a handler
	// that does not read it costs nothing. Nil when the caller gave none.
	Context func() map[string]any
	// ExecutionArn and StateMachineArn name the execution, without building Context (the optimized
	// events:putEvents adds them to each event's resources).
	ExecutionArn, StateMachineArn string
	// Credentials is the state's Credentials field after evaluation, if any.
	Credentials any
	// Timeout and HeartbeatTimeout are the state's limits (0 when not set).
	Timeout, HeartbeatTimeout time.Duration
	// Heartbeat reports that the task is alive, resetting its heartbeat timer.
	Heartbeat func()
	// Submitted reports that the resource of a Run a Job (.sync) task took the job, with the submitting
	// call's response: AWS records it as TaskSubmitted before the job's end. Nil for a .waitForTaskToken
	// task (its handler's answer is the submission) and an activity.
	Submitted func(output any)
	// Clock is the execution's clock: handlers that wait use it, so virtual time stays consistent.
	Clock Clock
	// Answers takes the answer to Token (a mock answers at once; a worker later).
	Answers TaskAnswers
}
