package main

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A .sync Task answered by a sync stub runs to the job's end in virtual time: its output is the job's
// description, its failure States.TaskFailed with the description as the cause.
func TestExecuteSyncJobs(t *testing.T) {
	const catchDef = `{"StartAt":"Job","States":{"Job":{"Type":"Task","Resource":"%s","Parameters":%s,
		"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Failed"}],"End":true},
		"Failed":{"Type":"Pass","Parameters":{"error.$":"$.Error","cause.$":"States.StringToJson($.Cause)"},"End":true}}}`
	tests := []struct {
		name, resource, params, stub, output string
		elapsed                              time.Duration
	}{
		{
			name: "ecs task stops with exit code 0", resource: "arn:aws:states:::ecs:runTask.sync",
			params: `{"Cluster":"c","TaskDefinition":"td"}`,
			stub: `{"submit":{"Tasks":[{"TaskArn":"arn:t","ClusterArn":"arn:c"}]},
				"status":[{"Tasks":[{"LastStatus":"RUNNING"}]},{"Tasks":[{"LastStatus":"STOPPED","Containers":[{"ExitCode":0}]}]}]}`,
			output:  `{"LastStatus":"STOPPED","Containers":[{"ExitCode":0}]}`,
			elapsed: 10 * time.Second,
		},
		{
			name: "ecs task exits with 1", resource: "arn:aws:states:::ecs:runTask.sync",
			params: `{"Cluster":"c","TaskDefinition":"td"}`,
			stub: `{"submit":{"Tasks":[{"TaskArn":"arn:t","ClusterArn":"arn:c"}]},
				"status":[{"Tasks":[{"LastStatus":"RUNNING"}]},{"Tasks":[{"LastStatus":"RUNNING"}]},{"Tasks":[{"LastStatus":"STOPPED","Containers":[{"ExitCode":1}]}]}]}`,
			output:  `{"error":"States.TaskFailed","cause":{"LastStatus":"STOPPED","Containers":[{"ExitCode":1}]}}`,
			elapsed: 15 * time.Second,
		},
		{
			name: "batch job succeeds", resource: "arn:aws:states:::batch:submitJob.sync",
			params: `{"JobName":"j","JobQueue":"q","JobDefinition":"d"}`,
			stub:   `{"submit":{"JobId":"1"},"status":[{"Jobs":[{"JobId":"1","Status":"SUCCEEDED"}]}]}`,
			output: `{"JobId":"1","Status":"SUCCEEDED"}`, elapsed: 5 * time.Second,
		},
		{
			name: "glue run fails after 15 minutes", resource: "arn:aws:states:::glue:startJobRun.sync",
			params: `{"JobName":"etl"}`,
			stub: `{"submit":{"JobRunId":"jr"},"status":[{"JobRun":{"JobRunState":"RUNNING"}},{"JobRun":{"JobRunState":"RUNNING"}},
				{"JobRun":{"JobRunState":"RUNNING"}},{"JobRun":{"JobRunState":"RUNNING"}},{"JobRun":{"JobRunState":"RUNNING"}},
				{"JobRun":{"JobRunState":"RUNNING"}},{"JobRun":{"JobRunState":"RUNNING"}},{"JobRun":{"JobRunState":"RUNNING"}},
				{"JobRun":{"JobRunState":"RUNNING"}},{"JobRun":{"JobRunState":"RUNNING"}},{"JobRun":{"JobRunState":"FAILED"}}]}`,
			output:  `{"error":"States.TaskFailed","cause":{"JobName":"etl","JobRunState":"FAILED"}}`,
			elapsed: 10*time.Minute + 5*time.Minute,
		},
		{
			name: "athena query succeeds", resource: "arn:aws:states:::athena:startQueryExecution.sync",
			params: `{"QueryString":"SELECT 1"}`,
			stub:   `{"submit":{"QueryExecutionId":"q"},"status":[{"QueryExecution":{"Status":{"State":"SUCCEEDED"}}}]}`,
			output: `{"QueryExecution":{"Status":{"State":"SUCCEEDED"}}}`, elapsed: 5 * time.Second,
		},
		{
			name: "codebuild fails", resource: "arn:aws:states:::codebuild:startBuild.sync",
			params: `{"ProjectName":"p"}`,
			stub:   `{"submit":{"Build":{"Id":"p:1"}},"status":[{"Builds":[{"Id":"p:1","BuildStatus":"FAILED"}]}]}`,
			output: `{"error":"States.TaskFailed","cause":{"Build":{"Id":"p:1","BuildStatus":"FAILED"}}}`, elapsed: 5 * time.Second,
		},
		{
			name: "sagemaker training completes", resource: "arn:aws:states:::sagemaker:createTrainingJob.sync",
			params: `{"TrainingJobName":"tj"}`,
			stub:   `{"submit":{"TrainingJobArn":"arn:tj"},"status":[{"TrainingJobStatus":"Completed"}]}`,
			output: `{"TrainingJobStatus":"Completed"}`, elapsed: 5 * time.Second,
		},
		{
			name: "emr step completes", resource: "arn:aws:states:::elasticmapreduce:addStep.sync",
			params: `{"ClusterId":"j-1","Step":{}}`,
			stub:   `{"submit":{"StepId":"s-1"},"status":[{"Step":{"Status":{"State":"COMPLETED"}}}]}`,
			output: `{"Step":{"Status":{"State":"COMPLETED"}}}`, elapsed: 5 * time.Second,
		},
		{
			name: "emr serverless run succeeds", resource: "arn:aws:states:::emr-serverless:startJobRun.sync",
			params: `{"ApplicationId":"a"}`,
			stub:   `{"submit":{"JobRunId":"r"},"status":[{"JobRun":{"State":"SUCCESS"}}]}`,
			output: `{"JobRun":{"State":"SUCCESS"}}`, elapsed: 5 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			def := write(t, dir, "job.asl.json", fmt.Sprintf(catchDef, tt.resource, tt.params))
			handlers := write(t, dir, "h.json", fmt.Sprintf(`{%q: {"sync": %s}}`, tt.resource, tt.stub))
			code, stdout, stderr := aslrun(t, "", "execute", def, "--handlers", handlers, "--format", "json")
			require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
			var env struct {
				Output              json.RawMessage
				StartDate, StopDate time.Time
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &env))
			assert.JSONEq(t, tt.output, string(env.Output))
			// Virtual time: the polls cost nothing but still advance the clock at AWS's cadence.
			assert.Equal(t, tt.elapsed, env.StopDate.Sub(env.StartDate).Truncate(time.Second))
		})
	}
}

// The Task's TimeoutSeconds ends a job that runs longer, on the same virtual clock as the polls.
func TestExecuteSyncJobTimeout(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "job.asl.json", `{"StartAt":"R","States":{"R":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync",
		"TimeoutSeconds":12,"Parameters":{"JobName":"j"},"End":true}}}`)
	handlers := write(t, dir, "h.json", `{"arn:aws:states:::batch:submitJob.sync": {"sync": {"submit": {"JobId": "1"},
		"status": [{"Jobs": [{"Status": "RUNNING"}]}]}}}`)
	code, stdout, stderr := aslrun(t, "", "execute", def, "--handlers", handlers, "--format", "json")
	require.Equal(t, 1, code, stderr)
	var env struct {
		Error               string
		StartDate, StopDate time.Time
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &env))
	assert.Equal(t, "States.Timeout", env.Error)
	assert.Equal(t, 12*time.Second, env.StopDate.Sub(env.StartDate).Truncate(time.Second))
}
