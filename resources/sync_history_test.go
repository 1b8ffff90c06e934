package resources_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

// A .sync Task records its job's submission as AWS does: TaskSubmitted, with the submit's response (a
// stub's as written), between TaskStarted and the job's end.
func TestSyncStubHistory(t *testing.T) {
	r, err := resources.ParseHandlers([]byte(`{"state:Run": {"sync": {"submit": {"JobId": "j1", "JobName": "n"},
		"status": [{"Jobs": [{"Status": "RUNNING"}]}, {"Jobs": [{"Status": "SUCCEEDED"}]}]}}}`))
	require.NoError(t, err)
	sm := compileDef(t, `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync",
		"Parameters":{"JobName":"n","JobQueue":"q","JobDefinition":"d"},"End":true}}}`)
	cfg := interpreter.NewConfig("m", "e", false)
	log := &interpreter.EventLog{}
	cfg.Invoker, cfg.Clock, cfg.Events = r, interpreter.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), log
	res := sm.Run(context.Background(), map[string]any{}, cfg)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	var types []string
	for _, e := range log.Events() {
		switch e.Type() {
		case "TaskScheduled", "TaskStarted", "TaskSucceeded":
			types = append(types, e.Type())
		case "TaskSubmitted":
			types = append(types, e.Type())
			assert.Equal(t, map[string]any{"JobId": "j1", "JobName": "n"}, e.Output)
			resource, typ := e.Resource()
			assert.Equal(t, "batch", typ)
			assert.Equal(t, "submitJob.sync", resource)
		}
	}
	assert.Equal(t, []string{"TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"}, types)
}
