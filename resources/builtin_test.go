package resources_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/sqs"
)

func TestHandlerFileSettings(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f.json"), []byte(`{"sqs":{"queues":["q"]}}`), 0o644))
	tests := []struct {
		name, file, err string
		noEnv           bool
	}{
		{name: "fixtures and no bindings", file: `{"$fixtures": "f.json"}`},
		{name: "unknown setting", file: `{"$other": 1}`, err: `unknown setting "$other"`},
		{name: "fixtures not a path", file: `{"$fixtures": 1}`, err: `"$fixtures" must be the path`},
		{name: "missing fixtures file", file: `{"$fixtures": "nope.json"}`, err: "nope.json"},
		{name: "bad worker entry", file: `{"$workers": [{"queue": "q"}]}`, err: `"$workers"[0] must be {"queue": Q, "builtin": NAME}`},
		{name: "unknown worker", file: `{"$workers": [{"queue": "q", "builtin": "nope/worker"}]}`, err: `no built-in worker "nope/worker"`},
		{name: "unknown builtin", file: `{"f": {"builtin": "nope/handler"}}`, err: `no built-in handler "nope/handler"`},
		{name: "builtin without services", file: `{"f": {"builtin": "x"}}`, noEnv: true, err: "need the embedded services"},
		{name: "settings without services", file: `{"$fixtures": "f.json"}`, noEnv: true, err: "need the embedded services"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := resources.NewRegistry()
			if !tt.noEnv {
				reg.UseEnv(&resources.Env{Services: resources.NewServices()})
			}
			err := reg.AddHandlers(filepath.Join(dir, "h.json"), []byte(tt.file))
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

// TestPanickingWorker: a worker that panics fails the Task waiting for the token its message carries, with
// States.TaskFailed and a cause naming the worker; the process goes on.
func TestPanickingWorker(t *testing.T) {
	// Names are global to the process: register once, whatever -count says.
	if _, workers := resources.Builtins(); !slices.Contains(workers, "test/panics") {
		resources.RegisterWorker("test/panics", func(*resources.Env) resources.Worker {
			return func(context.Context, sqs.Message) error { panic("boom") }
		})
	}
	dir := t.TempDir()
	def := filepath.Join(dir, "m.asl.json")
	require.NoError(t, os.WriteFile(def, []byte(`{"StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/jobs","MessageBody":{"token.$":"$$.Task.Token"}},
		"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Caught"}],"End":true},
		"Caught":{"Type":"Pass","End":true}}}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m.handlers.json"),
		[]byte(`{"$workers":[{"queue":"jobs","builtin":"test/panics"}]}`), 0o644))
	local, err := resources.NewLocal(def, interpreter.NewVirtualClock(epoch))
	require.NoError(t, err)
	data, err := os.ReadFile(def)
	require.NoError(t, err)
	res := compileDef(t, string(data)).Run(context.Background(), map[string]any{}, local.Config("m", "e"))
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	assert.Equal(t, map[string]any{"Error": "States.TaskFailed",
		"Cause": `the worker "test/panics" of the queue "jobs" panicked: boom`}, res.Output)
}
