package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
)

// fakeCaller answers the submit with one response and each describe with the next of its responses, the
// last one repeating, and records the calls.
type fakeCaller struct {
	submit   string
	statuses []string
	calls    []string // service:action JSON-of-params
	times    []time.Time
	clock    interpreter.Clock
}

func (f *fakeCaller) Call(_ context.Context, service, action string, params any) (any, error) {
	f.calls = append(f.calls, service+":"+action+" "+compact(params))
	f.times = append(f.times, f.clock.Now())
	if len(f.calls) == 1 {
		return source.DecodePlain([]byte(f.submit))
	}
	i := min(len(f.calls)-2, len(f.statuses)-1)
	return source.DecodePlain([]byte(f.statuses[i]))
}

func compact(v any) string { return oj.JSON(v, &oj.Options{Sort: true}) }

func TestRun(t *testing.T) {
	cases := []struct {
		name, resource, params, submit string
		statuses                       []string
		describe                       string // the describe call as the fake saw it
		output                         string // expected output; empty when it fails
		failure                        string // expected error name
		cause                          string // expected cause, when it fails
		polls                          int
		elapsed                        time.Duration
	}{
		{
			name: "ecs stops with exit code 0", resource: "arn:aws:states:::ecs:runTask.sync",
			params: `{"Cluster":"c","TaskDefinition":"td"}`,
			submit: `{"Tasks":[{"TaskArn":"arn:t1","ClusterArn":"arn:c","LastStatus":"PROVISIONING"}],"Failures":[]}`,
			statuses: []string{`{"Tasks":[{"TaskArn":"arn:t1","LastStatus":"RUNNING"}]}`,
				`{"Tasks":[{"TaskArn":"arn:t1","LastStatus":"STOPPED","StopCode":"EssentialContainerExited","Containers":[{"Name":"app","ExitCode":0}]}]}`},
			describe: `ecs:describeTasks {"Cluster":"arn:c","Tasks":["arn:t1"]}`,
			output:   `{"Containers":[{"ExitCode":0,"Name":"app"}],"LastStatus":"STOPPED","StopCode":"EssentialContainerExited","TaskArn":"arn:t1"}`,
			polls:    2, elapsed: 10 * time.Second,
		},
		{
			name: "ecs exit code non-zero fails", resource: "arn:aws:states:::ecs:runTask.sync",
			submit:   `{"Tasks":[{"TaskArn":"arn:t1"}]}`,
			statuses: []string{`{"Tasks":[{"TaskArn":"arn:t1","LastStatus":"STOPPED","Containers":[{"Name":"app","ExitCode":0},{"Name":"side","ExitCode":2}]}]}`},
			describe: `ecs:describeTasks {"Tasks":["arn:t1"]}`,
			failure:  failure.TaskFailed,
			cause:    `{"Containers":[{"ExitCode":0,"Name":"app"},{"ExitCode":2,"Name":"side"}],"LastStatus":"STOPPED","TaskArn":"arn:t1"}`,
			polls:    1, elapsed: 5 * time.Second,
		},
		{
			name: "ecs in the API's camelCase, failed to start", resource: "arn:aws:states:::ecs:runTask.sync",
			submit:   `{"tasks":[{"taskArn":"arn:t1"}]}`,
			statuses: []string{`{"tasks":[{"taskArn":"arn:t1","lastStatus":"STOPPED","stopCode":"TaskFailedToStart","containers":[{"name":"app"}]}]}`},
			describe: `ecs:describeTasks {"Tasks":["arn:t1"]}`,
			failure:  failure.TaskFailed,
			polls:    1, elapsed: 5 * time.Second,
		},
		{
			name: "ecs run with failures", resource: "arn:aws:states:::ecs:runTask.sync",
			submit:  `{"Tasks":[],"Failures":[{"Reason":"RESOURCE:MEMORY"}]}`,
			failure: "AmazonECS.Unknown", cause: `{"Failures":[{"Reason":"RESOURCE:MEMORY"}],"Tasks":[]}`,
		},
		{
			name: "batch succeeds", resource: "arn:aws:states:::batch:submitJob.sync",
			submit:   `{"JobId":"j1","JobName":"n"}`,
			statuses: []string{`{"Jobs":[{"JobId":"j1","Status":"RUNNABLE"}]}`, `{"Jobs":[{"JobId":"j1","Status":"RUNNING"}]}`, `{"Jobs":[{"JobId":"j1","Status":"SUCCEEDED"}]}`},
			describe: `batch:describeJobs {"Jobs":["j1"]}`,
			output:   `{"JobId":"j1","Status":"SUCCEEDED"}`, polls: 3, elapsed: 15 * time.Second,
		},
		{
			name: "batch fails", resource: "arn:aws:states:::batch:submitJob.sync",
			submit:   `{"JobId":"j1"}`,
			statuses: []string{`{"Jobs":[{"JobId":"j1","Status":"FAILED","StatusReason":"Essential container in task exited"}]}`},
			describe: `batch:describeJobs {"Jobs":["j1"]}`,
			failure:  failure.TaskFailed, cause: `{"JobId":"j1","Status":"FAILED","StatusReason":"Essential container in task exited"}`,
			polls: 1, elapsed: 5 * time.Second,
		},
		{
			name: "glue polls each minute, then each 5 minutes", resource: "arn:aws:states:::glue:startJobRun.sync",
			params: `{"JobName":"etl"}`, submit: `{"JobRunId":"jr_1"}`,
			statuses: append(repeat(`{"JobRun":{"Id":"jr_1","JobRunState":"RUNNING"}}`, 11), `{"JobRun":{"Id":"jr_1","JobRunState":"SUCCEEDED"}}`),
			describe: `glue:getJobRun {"JobName":"etl","RunId":"jr_1"}`,
			output:   `{"Id":"jr_1","JobName":"etl","JobRunState":"SUCCEEDED"}`,
			polls:    12, elapsed: 10*time.Minute + 2*5*time.Minute,
		},
		{
			name: "glue timeout fails", resource: "arn:aws:states:::glue:startJobRun.sync",
			params: `{"JobName":"etl"}`, submit: `{"JobRunId":"jr_1"}`,
			statuses: []string{`{"JobRun":{"Id":"jr_1","JobRunState":"TIMEOUT"}}`},
			describe: `glue:getJobRun {"JobName":"etl","RunId":"jr_1"}`,
			failure:  failure.TaskFailed, cause: `{"Id":"jr_1","JobName":"etl","JobRunState":"TIMEOUT"}`,
			polls: 1, elapsed: time.Minute,
		},
		{
			name: "athena succeeds", resource: "arn:aws:states:::athena:startQueryExecution.sync",
			submit:   `{"QueryExecutionId":"q1"}`,
			statuses: []string{`{"QueryExecution":{"QueryExecutionId":"q1","Status":{"State":"SUCCEEDED"}}}`},
			describe: `athena:getQueryExecution {"QueryExecutionId":"q1"}`,
			output:   `{"QueryExecution":{"QueryExecutionId":"q1","Status":{"State":"SUCCEEDED"}}}`, polls: 1, elapsed: 5 * time.Second,
		},
		{
			name: "athena cancelled fails", resource: "arn:aws:states:::athena:startQueryExecution.sync",
			submit:   `{"QueryExecutionId":"q1"}`,
			statuses: []string{`{"QueryExecution":{"QueryExecutionId":"q1","Status":{"State":"CANCELLED"}}}`},
			describe: `athena:getQueryExecution {"QueryExecutionId":"q1"}`,
			failure:  failure.TaskFailed, polls: 1, elapsed: 5 * time.Second,
		},
		{
			name: "codebuild succeeds", resource: "arn:aws:states:::codebuild:startBuild.sync",
			params: `{"ProjectName":"p"}`, submit: `{"Build":{"Id":"p:1","BuildStatus":"IN_PROGRESS"}}`,
			statuses: []string{`{"Builds":[{"Id":"p:1","BuildStatus":"SUCCEEDED"}]}`},
			describe: `codebuild:batchGetBuilds {"Ids":["p:1"]}`,
			output:   `{"Build":{"BuildStatus":"SUCCEEDED","Id":"p:1"}}`, polls: 1, elapsed: 5 * time.Second,
		},
		{
			name: "codebuild fault fails", resource: "arn:aws:states:::codebuild:startBuild.sync",
			submit:   `{"Build":{"Id":"p:1"}}`,
			statuses: []string{`{"Builds":[{"Id":"p:1","BuildStatus":"FAULT"}]}`},
			describe: `codebuild:batchGetBuilds {"Ids":["p:1"]}`,
			failure:  failure.TaskFailed, cause: `{"Build":{"BuildStatus":"FAULT","Id":"p:1"}}`, polls: 1, elapsed: 5 * time.Second,
		},
		{
			name: "sagemaker training completes", resource: "arn:aws:states:::sagemaker:createTrainingJob.sync",
			params: `{"TrainingJobName":"tj"}`, submit: `{"TrainingJobArn":"arn:tj"}`,
			statuses: []string{`{"TrainingJobName":"tj","TrainingJobStatus":"InProgress"}`, `{"TrainingJobName":"tj","TrainingJobStatus":"Completed"}`},
			describe: `sagemaker:describeTrainingJob {"TrainingJobName":"tj"}`,
			output:   `{"TrainingJobName":"tj","TrainingJobStatus":"Completed"}`, polls: 2, elapsed: 10 * time.Second,
		},
		{
			name: "sagemaker transform stopped fails", resource: "arn:aws:states:::sagemaker:createTransformJob.sync",
			params: `{"TransformJobName":"x"}`, submit: `{"TransformJobArn":"arn:x"}`,
			statuses: []string{`{"TransformJobName":"x","TransformJobStatus":"Stopped"}`},
			describe: `sagemaker:describeTransformJob {"TransformJobName":"x"}`,
			failure:  failure.TaskFailed, polls: 1, elapsed: 5 * time.Second,
		},
		{
			name: "emr step completes", resource: "arn:aws:states:::elasticmapreduce:addStep.sync",
			params: `{"ClusterId":"j-1","Step":{"Name":"s"}}`, submit: `{"StepId":"s-1"}`,
			statuses: []string{`{"Step":{"Id":"s-1","Status":{"State":"COMPLETED"}}}`},
			describe: `elasticmapreduce:describeStep {"ClusterId":"j-1","StepId":"s-1"}`,
			output:   `{"Step":{"Id":"s-1","Status":{"State":"COMPLETED"}}}`, polls: 1, elapsed: 5 * time.Second,
		},
		{
			name: "emr serverless fails", resource: "arn:aws:states:::emr-serverless:startJobRun.sync",
			params: `{"ApplicationId":"a1"}`, submit: `{"JobRunId":"r1","Arn":"arn:r1"}`,
			statuses: []string{`{"JobRun":{"JobRunId":"r1","State":"RUNNING"}}`, `{"JobRun":{"JobRunId":"r1","State":"FAILED"}}`},
			describe: `emr-serverless:getJobRun {"ApplicationId":"a1","JobRunId":"r1"}`,
			failure:  failure.TaskFailed, cause: `{"JobRun":{"JobRunId":"r1","State":"FAILED"}}`, polls: 2, elapsed: 10 * time.Second,
		},
		{
			name: "a submit response without the job's id", resource: "arn:aws:states:::batch:submitJob.sync",
			submit: `{"JobName":"n"}`, failure: failure.Runtime,
			cause: `cannot follow the batch:submitJob.sync job: the submit response has no string JobId: {"JobName":"n"}`,
		},
		{
			name: "parameters without the job's name", resource: "arn:aws:states:::sagemaker:createTrainingJob.sync",
			submit: `{"TrainingJobArn":"arn:tj"}`, failure: failure.Runtime,
			cause: `cannot follow the sagemaker:createTrainingJob.sync job: the Task's parameters have no string TrainingJobName: {"TrainingJobArn":"arn:tj"}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			job, ok := Lookup(tc.resource)
			require.True(t, ok)
			clock := interpreter.NewVirtualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			release := clock.Hold()
			defer release()
			start := clock.Now()
			fake := &fakeCaller{submit: tc.submit, statuses: tc.statuses, clock: clock}
			params := map[string]any{}
			if tc.params != "" {
				v, err := source.DecodePlain([]byte(tc.params))
				require.NoError(t, err)
				params = v.(map[string]any)
			}
			// The submit's response is reported once the job is taken, before the first poll.
			var reported map[string]any
			callsAtReport := 0
			out, err := job.Run(context.Background(), fake, clock, params, func(resp map[string]any) {
				reported, callsAtReport = resp, len(fake.calls)
			})
			if tc.polls > 0 {
				require.NotNil(t, reported)
				assert.JSONEq(t, tc.submit, compact(reported))
				assert.Equal(t, 1, callsAtReport)
			} else {
				assert.Nil(t, reported, "a job the service did not take is not reported")
			}
			if tc.failure != "" {
				var fe *failure.Error
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tc.failure, fe.Name)
				if tc.cause != "" {
					assert.Equal(t, tc.cause, fe.Cause)
				}
			} else {
				require.NoError(t, err)
				assert.JSONEq(t, tc.output, compact(out))
			}
			assert.Equal(t, tc.polls, len(fake.calls)-1, "describe calls")
			if tc.polls > 0 {
				assert.Equal(t, tc.describe, fake.calls[1])
				assert.Equal(t, tc.elapsed, fake.times[len(fake.times)-1].Sub(start))
			}
		})
	}
}

func TestLookup(t *testing.T) {
	for _, r := range Resources() {
		_, ok := Lookup(r)
		assert.True(t, ok, r)
	}
	for _, r := range []string{"arn:aws:states:::ecs:runTask", "arn:aws:states:::ecs:runTask.waitForTaskToken",
		"arn:aws:states:::aws-sdk:ecs:runTask.sync", "arn:aws:states:::states:startExecution.sync", "ecs:runTask.sync"} {
		_, ok := Lookup(r)
		assert.False(t, ok, r)
	}
}

// A describe error ends the job with that error, and a context that ends stops the polling.
func TestRunErrors(t *testing.T) {
	job, _ := Lookup("arn:aws:states:::batch:submitJob.sync")
	clock := interpreter.NewVirtualClock(time.Now())
	release := clock.Hold()
	defer release()
	boom := failure.New("Batch.ClientException", "no such queue")
	_, err := job.Run(context.Background(), errCaller{boom}, clock, nil, nil)
	assert.Equal(t, boom, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fake := &fakeCaller{submit: `{"JobId":"j1"}`, statuses: []string{`{"Jobs":[{"Status":"RUNNING"}]}`}, clock: clock}
	_, err = job.Run(ctx, fake, clock, nil, nil)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}

type errCaller struct{ err error }

func (e errCaller) Call(context.Context, string, string, any) (any, error) { return nil, e.err }

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
