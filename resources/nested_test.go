package resources_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/awserr"
)

func TestStartExecution(t *testing.T) {
	dir := t.TempDir()
	child := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Yes"}],"Default":"No"},
		"Yes":{"Type":"Pass","Parameters":{"got.$":"$.n"},"End":true},
		"No":{"Type":"Fail","Error":"ChildError","Cause":"not ok"}}}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Child.asl.json"), []byte(child), 0o644))
	parent := func(resource, input string) string {
		return `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"` + resource + `",
			"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Child","Name":"kid",` + input + `},
			"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Caught"}],"End":true},
			"Caught":{"Type":"Pass","End":true}}}`
	}
	tests := []struct {
		name     string
		resource string
		input    string
		check    func(t *testing.T, out map[string]any)
		// events are the Task's resource events; a .sync Task records the started execution as TaskSubmitted.
		events string
	}{
		{"request-response", "arn:aws:states:::states:startExecution", `"Input":{"ok":true,"n":1}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:Child:kid", out["ExecutionArn"])
			assert.IsType(t, int64(0), out["StartDate"])
			assert.Contains(t, out, "SdkHttpMetadata")
		}, "TaskScheduled TaskStarted TaskSucceeded"},
		{".sync", "arn:aws:states:::states:startExecution.sync", `"Input":{"ok":true,"n":1}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "SUCCEEDED", out["Status"])
			assert.Equal(t, `{"got":1}`, out["Output"])
			assert.Equal(t, `{"n":1,"ok":true}`, out["Input"])
			assert.Equal(t, "kid", out["Name"])
		}, "TaskScheduled TaskStarted TaskSubmitted TaskSucceeded"},
		{".sync:2 with input text", "arn:aws:states:::states:startExecution.sync:2", `"Input":"{\"ok\":true,\"n\":2}"`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, map[string]any{"got": int64(2)}, out["Output"])
		}, "TaskScheduled TaskStarted TaskSubmitted TaskSucceeded"},
		{"child fails", "arn:aws:states:::states:startExecution.sync:2", `"Input":{"ok":false}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "States.TaskFailed", out["Error"])
			cause, err := oj.ParseString(out["Cause"].(string))
			require.NoError(t, err)
			assert.Equal(t, "FAILED", cause.(map[string]any)["Status"])
			assert.Equal(t, "ChildError", cause.(map[string]any)["Error"])
			assert.Equal(t, "not ok", cause.(map[string]any)["Cause"])
		}, "TaskScheduled TaskStarted TaskSubmitted TaskFailed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := resources.NewRegistry()
			clock := interpreter.NewVirtualClock(epoch)
			reg.StateMachines(&localMachines{dir: dir, inv: reg, clock: clock})
			log := &interpreter.EventLog{}
			res := runEvents(t, parent(tt.resource, tt.input), reg, clock, log)
			require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
			tt.check(t, res.Output.(map[string]any))
			var types []string
			for _, e := range log.Events() {
				if !strings.HasPrefix(e.Type(), "Task") || strings.HasPrefix(e.Type(), "TaskState") {
					continue
				}
				types = append(types, e.Type())
				if e.Kind == interpreter.TaskSubmitted {
					out := e.Output.(map[string]any)
					assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:Child:kid", out["ExecutionArn"])
					assert.Contains(t, out, "StartDate")
					assert.Contains(t, out, "SdkHttpMetadata")
				}
			}
			assert.Equal(t, tt.events, strings.Join(types, " "))
		})
	}
}

func TestStartExecutionErrors(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Child.asl.json"), []byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`), 0o644))
	tests := []struct {
		name, params, errName string
	}{
		{"missing machine", `"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Nope"`, "StepFunctions.StateMachineDoesNotExistException"},
		{"bad arn", `"StateMachineArn":"nope"`, "StepFunctions.InvalidArnException"},
		{"bad name", `"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Child","Name":"a b"`, "StepFunctions.InvalidNameException"},
		{"bad input", `"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Child","Input":"{"`, "StepFunctions.InvalidExecutionInputException"},
		{"name reused", `"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Child","Name":"same"`, "StepFunctions.ExecutionAlreadyExistsException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := resources.NewRegistry()
			clock := interpreter.NewVirtualClock(epoch)
			reg.StateMachines(&localMachines{dir: dir, inv: reg, clock: clock})
			def := `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync",
				"Parameters":{` + tt.params + `},"Next":"Again"},
				"Again":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{` + tt.params + `},"End":true}}}`
			res := runOn(t, def, reg, clock)
			require.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, tt.errName, res.Error)
			assert.Contains(t, res.Cause, "(Service: AWSStepFunctions; Status Code: 400; Error Code: ")
		})
	}
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func runWith(t *testing.T, def string, inv interpreter.Invoker) *interpreter.Result {
	return runOn(t, def, inv, interpreter.NewVirtualClock(epoch))
}

// runOn runs def on clock, which the executions it starts share.
func runOn(t *testing.T, def string, inv interpreter.Invoker, clock interpreter.Clock) *interpreter.Result {
	t.Helper()
	return runEvents(t, def, inv, clock, nil)
}

// runLogged runs as runWith does, keeping the history.
func runLogged(t *testing.T, def string, inv interpreter.Invoker) (*interpreter.Result, []interpreter.Event) {
	t.Helper()
	log := &interpreter.EventLog{}
	res := runEvents(t, def, inv, interpreter.NewVirtualClock(epoch), log)
	events := log.Events()
	for i := range events { // compared with maps
		events[i].Input, events[i].Output = value.Plain(events[i].Input), value.Plain(events[i].Output)
	}
	return res, events
}

func runEvents(t *testing.T, def string, inv interpreter.Invoker, clock interpreter.Clock, events interpreter.EventSink) *interpreter.Result {
	t.Helper()
	prog := compileDef(t, def)
	cfg := interpreter.NewConfig("parent", "p1", false)
	cfg.Invoker, cfg.Clock, cfg.Events = inv, clock, events
	res := prog.Run(context.Background(), map[string]any{}, cfg)
	res.Output = value.Plain(res.Output) // compared with maps
	return res
}

// localMachines starts the definitions of a directory as the control plane would (server/service runs them
// for real; cmd/aslrun tests that path): enough to check what the Task makes of the child's outcome.
type localMachines struct {
	dir   string
	inv   interpreter.Invoker
	clock interpreter.Clock
	names map[string]bool
}

func (l *localMachines) StartExecution(_ context.Context, req *resources.StartRequest) (*resources.Started, error) {
	parts := strings.Split(req.StateMachineArn, ":")
	if len(parts) != 7 || parts[5] != "stateMachine" {
		return nil, awserr.Newf("InvalidArn", 400, "Invalid Arn: '%s'", req.StateMachineArn)
	}
	if strings.ContainsAny(req.Name, " ") {
		return nil, awserr.Newf("InvalidName", 400, "Invalid Name: '%s'", req.Name)
	}
	if l.names == nil {
		l.names = map[string]bool{}
	}
	if l.names[req.Name] {
		return nil, awserr.Newf("ExecutionAlreadyExists", 400, "Execution Already Exists: '%s'", req.Name)
	}
	l.names[req.Name] = true
	_, data, err := resources.LocalDefinition(l.dir, parts[6])
	if err != nil {
		return nil, err
	}
	sm, diags := asl.Check(data, asl.Options{})
	if asl.HasErrors(diags) {
		return nil, fmt.Errorf("%v", diags)
	}
	prog, err := interpreter.Compile(sm)
	if err != nil {
		return nil, err
	}
	cfg := interpreter.NewConfig(parts[6], req.Name, false)
	cfg.Invoker, cfg.Clock = l.inv, l.clock
	ex := prog.Start(context.Background(), req.Input, cfg)
	return &resources.Started{ExecutionArn: cfg.ARN, Name: req.Name, StateMachineArn: cfg.StateMachineARN, Input: req.Input,
		StartDate: epoch, Done: ex.Done(), Result: ex.Wait}, nil
}
