package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the one engine must do under aslrun serve, through the SDK as a user would, on the real clock.

const testRole = "arn:aws:iam::123456789012:role/r"

// createMachine creates a state machine and returns its ARN.
func createMachine(t testing.TB, client *sfn.Client, name, definition string) string {
	t.Helper()
	out, err := client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(definition), RoleArn: aws.String(testRole)})
	require.NoError(t, err)
	return aws.ToString(out.StateMachineArn)
}

// startExecution starts an execution and returns its ARN.
func startExecution(t testing.TB, client *sfn.Client, machine, input string) string {
	t.Helper()
	out, err := client.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(input)})
	require.NoError(t, err)
	return aws.ToString(out.ExecutionArn)
}

// awaitEnd polls an execution until it is no longer RUNNING.
func awaitEnd(t testing.TB, client *sfn.Client, arn string, within time.Duration) *sfn.DescribeExecutionOutput {
	t.Helper()
	var d *sfn.DescribeExecutionOutput
	require.Eventually(t, func() bool {
		var err error
		d, err = client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		require.NoError(t, err)
		return d.Status != types.ExecutionStatusRunning
	}, within, 10*time.Millisecond, "%s is still running", arn)
	return d
}

// historyTypes lists the types of an execution's events, as GetExecutionHistory shows them now.
func historyTypes(t *testing.T, client *sfn.Client, arn string) []string {
	t.Helper()
	h, err := client.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	require.NoError(t, err)
	var out []string
	for _, e := range h.Events {
		out = append(out, string(e.Type))
	}
	return out
}

// TestServeRunsTheExampleWorkflows: each example workflow, with its sidecar handler file as --handlers,
// ends under serve as it does under execute, on both stores; their queue workers answer the tokens of
// executions parked in the store.
func TestServeRunsTheExampleWorkflows(t *testing.T) {
	workflows := []struct{ name, input string }{
		{"checkout", "input.json"},
		{"cloud-pizza", "input.json"},
		{"simple-order-flow", "input.json"},
		{"order-processing", "input-payment-processed.json"},
	}
	for _, store := range []string{"--memory", "--data"} {
		for _, w := range workflows {
			t.Run(w.name+" "+store, func(t *testing.T) {
				def := filepath.Join("..", "..", "definitions", w.name+".asl.json")
				input := filepath.Join("..", "..", "definitions", "inputs", w.name, w.input)
				code, want, stderr := aslrun(t, "", "execute", def, "--input", input)
				require.Equal(t, 0, code, stderr)

				args := []string{"--handlers", filepath.Join("..", "..", "definitions", w.name+".handlers.json"), store}
				if store == "--data" {
					args = append(args, t.TempDir())
				}
				url, _ := startServe(t, args...)
				client := sdkClient(url)
				text, err := os.ReadFile(def)
				require.NoError(t, err)
				in, err := os.ReadFile(input)
				require.NoError(t, err)
				arn := startExecution(t, client, createMachine(t, client, w.name, string(text)), string(in))
				d := awaitEnd(t, client, arn, 20*time.Second)
				require.Equal(t, types.ExecutionStatusSucceeded, d.Status, "%s: %s", aws.ToString(d.Error), aws.ToString(d.Cause))
				assert.JSONEq(t, withoutVolatile(t, want), withoutVolatile(t, aws.ToString(d.Output)))
			})
		}
	}
}

// withoutVolatile drops what differs between two runs of one workflow (message ids, request ids, dates)
// from an output.
func withoutVolatile(t *testing.T, text string) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(text), &v))
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				switch k {
				case "SdkHttpMetadata", "SdkResponseMetadata", "MessageId", "orderId", "Date":
					x[k] = "..."
				default:
					x[k] = walk(e)
				}
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	require.NoError(t, err)
	return string(b)
}

// TestServeShowsLiveHistory: a Parallel branch waiting 3 s shows its WaitStateEntered in
// GetExecutionHistory while it waits.
func TestServeShowsLiveHistory(t *testing.T) {
	url, _ := startServe(t, "--memory")
	client := sdkClient(url)
	machine := createMachine(t, client, "live", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3,"End":true}}}]}}}`)
	arn := startExecution(t, client, machine, `{}`)
	require.Eventually(t, func() bool {
		return strings.Contains(strings.Join(historyTypes(t, client, arn), " "), "WaitStateEntered")
	}, 2*time.Second, 10*time.Millisecond)
	assert.Equal(t, []string{"ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "WaitStateEntered"}, historyTypes(t, client, arn))
	d, err := client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	require.NoError(t, err)
	assert.Equal(t, types.ExecutionStatusRunning, d.Status)
	_, err = client.StopExecution(context.Background(), &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)})
	require.NoError(t, err)
	types := historyTypes(t, client, arn)
	assert.Equal(t, "ExecutionAborted", types[len(types)-1])
}

// TestServeNestedExecution: states:startExecution.sync:2 starts a machine created through the API as a
// child execution of the same server, listed and described like any other. An Express child is not
// listed, as on AWS, yet its parent still gets its outcome.
func TestServeNestedExecution(t *testing.T) {
	tests := []struct {
		typ types.StateMachineType
	}{
		{types.StateMachineTypeStandard},
		{types.StateMachineTypeExpress},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			url, _ := startServe(t, "--memory")
			client := sdkClient(url)
			out, err := client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("Child"), Type: tt.typ,
				Definition: aws.String(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},
				"P":{"Type":"Pass","Parameters":{"doubled.$":"States.MathAdd($.n, $.n)"},"End":true}}}`), RoleArn: aws.String(testRole)})
			require.NoError(t, err)
			child := aws.ToString(out.StateMachineArn)
			parent := createMachine(t, client, "Parent", `{"StartAt":"S","States":{"S":{"Type":"Task",
				"Resource":"arn:aws:states:::states:startExecution.sync:2",
				"Parameters":{"StateMachineArn":"`+child+`","Name":"kid","Input":{"n.$":"$.n"}},
				"ResultSelector":{"out.$":"$.Output","status.$":"$.Status"},"End":true}}}`)
			d := awaitEnd(t, client, startExecution(t, client, parent, `{"n":21}`), 10*time.Second)
			require.Equal(t, types.ExecutionStatusSucceeded, d.Status, "%s: %s", aws.ToString(d.Error), aws.ToString(d.Cause))
			assert.JSONEq(t, `{"out":{"doubled":42},"status":"SUCCEEDED"}`, aws.ToString(d.Output))
			list, err := client.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(child)})
			if tt.typ == types.StateMachineTypeExpress {
				// As on AWS: an Express state machine's executions are not listed.
				var notSupported *types.StateMachineTypeNotSupported
				require.ErrorAs(t, err, &notSupported)
				return
			}
			require.NoError(t, err)
			require.Len(t, list.Executions, 1)
			assert.Equal(t, "kid", aws.ToString(list.Executions[0].Name))
			assert.Equal(t, types.ExecutionStatusSucceeded, list.Executions[0].Status)
		})
	}
}

// TestServeMockedTestCaseSurvivesParks: a mock-config test case started as "arn#Case" stays mocked
// across a top-level Wait, a retry back-off and a restart of the server while it waits; its numbered
// responses go on where they were.
func TestServeMockedTestCaseSurvivesParks(t *testing.T) {
	dir := t.TempDir()
	cfg := write(t, dir, "mocks.json", `{"StateMachines":{"flaky":{"TestCases":{"Case":{"Call":"Flaky"}}}},
		"MockedResponses":{"Flaky":{"0":{"Throw":{"Error":"Busy","Cause":"try again"}},"1":{"Return":{"mocked":true}}}}}`)
	data := t.TempDir()
	url, stop := startServe(t, "--data", data, "--mock-config", cfg)
	client := sdkClient(url)
	machine := createMachine(t, client, "flaky", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2,"Next":"Call"},
		"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:unbound",
			"Retry":[{"ErrorEquals":["Busy"],"IntervalSeconds":1,"MaxAttempts":1}],"End":true}}}`)
	arn := startExecution(t, client, machine+"#Case", `{}`)
	err, _ := stop()
	require.NoError(t, err)

	url, _ = startServe(t, "--data", data, "--mock-config", cfg)
	client = sdkClient(url)
	d := awaitEnd(t, client, arn, 10*time.Second)
	require.Equal(t, types.ExecutionStatusSucceeded, d.Status, "%s: %s", aws.ToString(d.Error), aws.ToString(d.Cause))
	assert.JSONEq(t, `{"mocked":true}`, aws.ToString(d.Output))
	assert.Equal(t, []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "TaskStateEntered",
		"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed",
		"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"},
		historyTypes(t, client, arn))
}

// TestExecuteNested: under execute, states:startExecution runs the sibling definition as a child execution
// of the same local service, in the same virtual time.
func TestExecuteNested(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Child.asl.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Yes"}],"Default":"No"},
		"Yes":{"Type":"Pass","Parameters":{"got.$":"$.n"},"End":true},
		"No":{"Type":"Fail","Error":"ChildError","Cause":"not ok"}}}`)
	parent := func(params string) string {
		return write(t, dir, "Parent.asl.json", `{"StartAt":"S","States":{"S":{"Type":"Task","TimeoutSeconds":60,
			"Resource":"arn:aws:states:::states:startExecution.sync:2",
			"Parameters":{"StateMachineArn":"arn:aws:states:{region}:{account}:stateMachine:Child",`+params+`},
			"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
			"Caught":{"Type":"Pass","OutputPath":"$.error.Error","End":true}}}`)
	}
	tests := []struct {
		name, params, output string
	}{
		{"child succeeds", `"Input":{"ok":true,"n":7}`, `{"got":7}`},
		{"child fails", `"Input":{"ok":false}`, `"States.TaskFailed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", "execute", parent(tt.params))
			require.Equal(t, 0, code, stderr)
			var out any
			require.NoError(t, json.Unmarshal([]byte(stdout), &out))
			if m, ok := out.(map[string]any); ok {
				out = m["Output"]
			}
			b, err := json.Marshal(out)
			require.NoError(t, err)
			assert.JSONEq(t, tt.output, string(b))
		})
	}
	missing := write(t, dir, "Missing.asl.json", `{"StartAt":"S","States":{"S":{"Type":"Task",
		"Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:Nope"},"End":true}}}`)
	code, stdout, _ := aslrun(t, "", "execute", missing)
	require.Equal(t, 1, code)
	assert.Contains(t, stdout, "StepFunctions.StateMachineDoesNotExistException")
}
