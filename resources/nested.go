package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources/awserr"
)

// StateMachines starts the executions that arn:aws:states:::states:startExecution asks for: the control
// plane (server/service), which runs them as child executions beside their parent.
type StateMachines interface {
	StartExecution(ctx context.Context, req *StartRequest) (*Started, error)
}

// StartRequest is a StartExecution call from a Task.
type StartRequest struct {
	StateMachineArn string
	// Name is the execution's name; empty for a generated one.
	Name  string
	Input any
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
	req := &StartRequest{StateMachineArn: arn, Input: map[string]any{}}
	if name, ok := params["Name"].(string); ok {
		req.Name = name
	}
	switch in := params["Input"].(type) {
	case nil:
	case string:
		v, err := source.DecodePlain([]byte(in))
		if err != nil {
			return nil, stepFunctions.taskError(awserr.Newf("InvalidExecutionInput", http.StatusBadRequest,
				"Invalid State Machine Execution Input: '%v'", err), false)
		}
		req.Input = v
	default:
		req.Input = in
	}
	if env := r.environment(); env != nil && env.Services != nil && env.Services.EventBridge != nil {
		// A chain of EventBridge rule deliveries goes on through the child; named here (as AWS would
		// name it), it is known before it runs.
		if req.Name == "" {
			req.Name = interpreter.NewUUID()
		}
		env.Services.EventBridge.Inherit(call.ExecutionArn, arn, req.Name)
	}
	started, err := machines.StartExecution(ctx, req)
	if err != nil {
		return nil, stepFunctions.taskError(err, false)
	}
	response := withSdkMetadata(map[string]any{
		"ExecutionArn": started.ExecutionArn,
		"StartDate":    started.StartDate.UnixMilli(),
	}, call, "application/x-amz-json-1.0")
	if pattern == "" || pattern == ".waitForTaskToken" {
		return response, nil
	}
	// .sync: the started execution is the submitted job (TaskSubmitted), followed to its end.
	call.Submitted(response)
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
		"Input":           value.JSON(started.Input),
		"InputDetails":    map[string]any{"Included": true},
		"Name":            started.Name,
		"StartDate":       res.StartDate.UnixMilli(),
		"StateMachineArn": started.StateMachineArn,
		"Status":          string(res.Status),
		"StopDate":        res.StopDate.UnixMilli(),
	}
	if res.Status == interpreter.Succeed {
		out["OutputDetails"] = map[string]any{"Included": true}
		out["Output"] = value.JSON(res.Output)
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
	return nil, failure.New(failure.TaskFailed, value.JSON(out))
}

// LocalDefinition finds the definition of the state machine NAME beside a definition, for aslrun execute and
// test: NAME.asl.json (or .asl.yaml, .asl.yml, .json, .yaml, .yml) in dir. It returns the file's path and
// text, or StateMachineDoesNotExist.
func LocalDefinition(dir, name string) (path string, data []byte, err error) {
	for _, ext := range []string{".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"} {
		path = filepath.Join(dir, name+ext)
		data, err = os.ReadFile(path)
		if err == nil {
			return path, data, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("state machine %s: %w", name, err)
		}
	}
	return "", nil, awserr.Newf("StateMachineDoesNotExist", http.StatusBadRequest,
		"State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:%s' (no %s.asl.json in %s)", name, name, dir)
}
