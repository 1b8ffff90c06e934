package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources/awserr"
)

// StateMachines starts the executions that arn:aws:states:::states:startExecution asks for: the local
// definitions of aslrun execute (LocalStateMachines), or the state machines of aslrun serve.
type StateMachines interface {
	StartExecution(ctx context.Context, req *StartRequest) (*Started, error)
}

// StartRequest is a StartExecution call from a Task.
type StartRequest struct {
	StateMachineArn string
	// Name is the execution's name; empty for a generated one.
	Name  string
	Input any
	// Clock and Callbacks are the parent's: a nested execution lives in the same time as its parent.
	Clock     interpreter.Clock
	Callbacks *interpreter.Callbacks
}

// Started is an execution that a Task started.
type Started struct {
	ExecutionArn, Name, StateMachineArn string
	Input                               any
	StartDate                           time.Time
	// Done is closed when the execution has ended; Result then tells how.
	Done   <-chan struct{}
	Result func() *interpreter.Result
}

var stepFunctions = service{
	optimized: "StepFunctions", sdk: "Sfn", javaService: "AWSStepFunctions",
	javaExceptions: map[string]string{
		"StateMachineDoesNotExist": "StateMachineDoesNotExistException", "ExecutionAlreadyExists": "ExecutionAlreadyExistsException",
		"InvalidName": "InvalidNameException", "InvalidArn": "InvalidArnException", "InvalidExecutionInput": "InvalidExecutionInputException",
		"ExecutionLimitExceeded": "ExecutionLimitExceededException", "StateMachineDeleting": "StateMachineDeletingException",
	},
	fallback: "AWSStepFunctionsException", sdkFallback: "SfnException",
}

// StateMachines sets where states:startExecution finds the state machines it starts.
func (r *Registry) StateMachines(m StateMachines) {
	r.mu.Lock()
	r.machines = m
	r.mu.Unlock()
}

// startExecutionPattern reads arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken].
func startExecutionPattern(resource string) (pattern string, ok bool) {
	rest, ok := strings.CutPrefix(resource, "arn:aws:states:::states:startExecution")
	switch rest {
	case "", ".sync", ".sync:2", ".waitForTaskToken":
		return rest, ok
	}
	return "", false
}

// invokeStartExecution serves states:startExecution: request-response answers with the new execution's
// ARN and start date; .sync and .sync:2 wait for it to end and answer with DescribeExecution's fields
// (Output as JSON text for .sync, as JSON for .sync:2); .waitForTaskToken answers like request-response and
// the interpreter then waits for the token.
func (r *Registry) invokeStartExecution(ctx context.Context, pattern string, call *Call) (any, error) {
	r.mu.RLock()
	machines := r.machines
	r.mu.RUnlock()
	params, _ := call.Input.(map[string]any)
	arn, _ := params["StateMachineArn"].(string)
	if machines == nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"the state %q starts an execution of %q, but no state machines are available to start", call.StateName, arn))
	}
	req := &StartRequest{StateMachineArn: arn, Input: map[string]any{}, Clock: call.Clock}
	if name, ok := params["Name"].(string); ok {
		req.Name = name
	}
	switch in := params["Input"].(type) {
	case nil:
	case string:
		v, err := source.DecodeString(in)
		if err != nil {
			return nil, stepFunctions.taskError(awserr.Newf("InvalidExecutionInput", http.StatusBadRequest,
				"Invalid State Machine Execution Input: '%v'", err), false)
		}
		req.Input = v
	default:
		req.Input = in
	}
	req.Callbacks = call.Callbacks
	started, err := machines.StartExecution(ctx, req)
	if err != nil {
		return nil, stepFunctions.taskError(err, false)
	}
	if pattern == "" || pattern == ".waitForTaskToken" {
		return withSdkMetadata(map[string]any{
			"ExecutionArn": started.ExecutionArn,
			"StartDate":    started.StartDate.UnixMilli(),
		}, call, "application/x-amz-json-1.0"), nil
	}
	done := func() bool {
		select {
		case <-started.Done:
			return true
		default:
			return false
		}
	}
	wait := func() {
		select {
		case <-started.Done:
		case <-ctx.Done():
		}
	}
	if call.Clock != nil {
		call.Clock.Idle(func() bool { return done() || ctx.Err() != nil }, wait)
	} else {
		wait()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := started.Result()
	out := map[string]any{
		"ExecutionArn":    started.ExecutionArn,
		"Input":           oj.JSON(started.Input, &oj.Options{Sort: true}),
		"InputDetails":    map[string]any{"Included": true},
		"Name":            started.Name,
		"StartDate":       res.StartDate.UnixMilli(),
		"StateMachineArn": started.StateMachineArn,
		"Status":          string(res.Status),
		"StopDate":        res.StopDate.UnixMilli(),
	}
	if res.Status == interpreter.Succeed {
		out["OutputDetails"] = map[string]any{"Included": true}
		out["Output"] = oj.JSON(res.Output, &oj.Options{Sort: true})
		if pattern == ".sync:2" {
			out["Output"] = res.Output
		}
		return out, nil
	}
	if res.Error != "" {
		out["Error"] = res.Error
	}
	if res.Cause != "" {
		out["Cause"] = res.Cause
	}
	// A nested execution that did not succeed fails the Task with States.TaskFailed; the cause is the
	// execution's description, so a Catch can read the child's error and cause.
	return nil, failure.New(failure.TaskFailed, oj.JSON(out, &oj.Options{Sort: true}))
}

// LocalStateMachines runs the definitions in a directory as the state machines that states:startExecution
// starts, for aslrun execute: the state machine arn:aws:states:REGION:ACCOUNT:stateMachine:NAME is the file
// NAME.asl.json (or .asl.yaml, .asl.yml, .json, .yaml, .yml) in Dir, run as a STANDARD state machine with
// the given Invoker.
type LocalStateMachines struct {
	Dir     string
	Invoker interpreter.Invoker
	mu      sync.Mutex
	// programs caches compiled definitions by state machine name; names holds the execution names used.
	programs map[string]*interpreter.Program
	names    map[string]bool
}

var (
	stateMachineARN = regexp.MustCompile(`^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:([A-Za-z0-9_-]{1,80})$`)
	executionName   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
)

// StartExecution starts an execution of a local definition.
func (l *LocalStateMachines) StartExecution(ctx context.Context, req *StartRequest) (*Started, error) {
	m := stateMachineARN.FindStringSubmatch(req.StateMachineArn)
	if m == nil {
		return nil, awserr.Newf("InvalidArn", http.StatusBadRequest, "Invalid Arn: 'Resource type not valid in this context: %s'", req.StateMachineArn)
	}
	machine := m[1]
	prog, err := l.program(machine)
	if err != nil {
		return nil, err
	}
	name := req.Name
	if name == "" {
		name = interpreter.NewUUID()
	} else if !executionName.MatchString(name) {
		return nil, awserr.Newf("InvalidName", http.StatusBadRequest, "Invalid Name: '%s'", name)
	}
	cfg := interpreter.NewConfig(machine, name, false)
	l.mu.Lock()
	if l.names[cfg.ARN] {
		l.mu.Unlock()
		return nil, awserr.Newf("ExecutionAlreadyExists", http.StatusBadRequest, "Execution Already Exists: '%s'", cfg.ARN)
	}
	if l.names == nil {
		l.names = map[string]bool{}
	}
	l.names[cfg.ARN] = true
	l.mu.Unlock()
	cfg.Invoker, cfg.Clock, cfg.Callbacks = l.Invoker, req.Clock, req.Callbacks
	// The child outlives the Task only if the parent ends first; it stops with the parent's run.
	ex := prog.Start(context.WithoutCancel(ctx), req.Input, cfg)
	started := &Started{ExecutionArn: cfg.ARN, Name: name, StateMachineArn: cfg.StateMachineARN, Input: req.Input,
		Done: ex.Done(), Result: ex.Wait}
	started.StartDate = time.Now()
	if req.Clock != nil {
		started.StartDate = req.Clock.Now()
	}
	return started, nil
}

// program compiles a local definition once.
func (l *LocalStateMachines) program(machine string) (*interpreter.Program, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p, ok := l.programs[machine]; ok {
		return p, nil
	}
	var data []byte
	var path string
	for _, ext := range []string{".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"} {
		path = filepath.Join(l.Dir, machine+ext)
		b, err := os.ReadFile(path)
		if err == nil {
			data = b
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("state machine %s: %w", machine, err)
		}
	}
	if data == nil {
		return nil, awserr.Newf("StateMachineDoesNotExist", http.StatusBadRequest,
			"State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:%s' (no %s.asl.json in %s)", machine, machine, l.Dir)
	}
	sm, diags := asl.Check(data, asl.Options{Type: "STANDARD"})
	if asl.HasErrors(diags) {
		return nil, fmt.Errorf("state machine %s (%s): %s", machine, path, asl.InvalidDefinitionMessage(diags))
	}
	p, err := interpreter.Compile(sm)
	if err != nil {
		return nil, fmt.Errorf("state machine %s (%s): %w", machine, path, err)
	}
	if l.programs == nil {
		l.programs = map[string]*interpreter.Program{}
	}
	l.programs[machine] = p
	return p, nil
}
