package resources_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
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
	}{
		{"request-response", "arn:aws:states:::states:startExecution", `"Input":{"ok":true,"n":1}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:Child:kid", out["ExecutionArn"])
			assert.IsType(t, int64(0), out["StartDate"])
			assert.Contains(t, out, "SdkHttpMetadata")
		}},
		{".sync", "arn:aws:states:::states:startExecution.sync", `"Input":{"ok":true,"n":1}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "SUCCEEDED", out["Status"])
			assert.Equal(t, `{"got":1}`, out["Output"])
			assert.Equal(t, `{"n":1,"ok":true}`, out["Input"])
			assert.Equal(t, "kid", out["Name"])
		}},
		{".sync:2 with input text", "arn:aws:states:::states:startExecution.sync:2", `"Input":"{\"ok\":true,\"n\":2}"`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, map[string]any{"got": int64(2)}, out["Output"])
		}},
		{"child fails", "arn:aws:states:::states:startExecution.sync:2", `"Input":{"ok":false}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "States.TaskFailed", out["Error"])
			cause, err := oj.ParseString(out["Cause"].(string))
			require.NoError(t, err)
			assert.Equal(t, "FAILED", cause.(map[string]any)["Status"])
			assert.Equal(t, "ChildError", cause.(map[string]any)["Error"])
			assert.Equal(t, "not ok", cause.(map[string]any)["Cause"])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := resources.NewRegistry()
			reg.StateMachines(&resources.LocalStateMachines{Dir: dir, Invoker: reg})
			res := runWith(t, parent(tt.resource, tt.input), reg)
			require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
			tt.check(t, res.Output.(map[string]any))
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
			reg.StateMachines(&resources.LocalStateMachines{Dir: dir, Invoker: reg})
			def := `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync",
				"Parameters":{` + tt.params + `},"Next":"Again"},
				"Again":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{` + tt.params + `},"End":true}}}`
			res := runWith(t, def, reg)
			require.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, tt.errName, res.Error)
			assert.Contains(t, res.Cause, "(Service: AWSStepFunctions; Status Code: 400; Error Code: ")
		})
	}
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func runWith(t *testing.T, def string, inv interpreter.Invoker) *interpreter.Result {
	t.Helper()
	prog := compileDef(t, def)
	cfg := interpreter.NewConfig("parent", "p1", false)
	cfg.Invoker, cfg.Clock = inv, interpreter.NewVirtualClock(epoch)
	return prog.Run(context.Background(), map[string]any{}, cfg)
}
