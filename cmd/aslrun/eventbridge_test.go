package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/eventbridge"
)

// A Task puts an event; a fixture rule matches it and starts the state machine beside the definition, whose
// execution ends before aslrun execute does; --dump-services shows the event and how the execution ended.
func TestExecuteEventBridgeChain(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "order.asl.json", `{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
		"Parameters":{"Entries":[{"Source":"shop.orders","DetailType":"Order Placed","Detail":{"orderId":"o-1","total":250}},
		                         {"Source":"shop.orders","DetailType":"Order Placed","Detail":{"orderId":"o-2","total":5}}]},
		"ResultSelector":{"count.$":"$.FailedEntryCount","ids.$":"$.Entries[*].EventId","status.$":"$.SdkHttpMetadata.HttpStatusCode"},"End":true}}}`)
	write(t, dir, "fulfil.asl.json", `{"StartAt":"Check","States":{"Check":{"Type":"Choice",
		"Choices":[{"Variable":"$.detail.total","NumericGreaterThan":100,"Next":"Big"}],"Default":"Small"},
		"Big":{"Type":"Succeed"},"Small":{"Type":"Fail","Error":"TooSmall"}}}`)
	write(t, dir, "fixtures.json", `{"eventbridge":{"rules":[{"name":"orders","eventPattern":{"source":["shop.orders"],"detail":{"total":[{"numeric":[">",100]}]}},
		"targets":[{"stateMachine":"fulfil"}]}]}}`)
	write(t, dir, "order.handlers.json", `{"$fixtures":"fixtures.json"}`)

	code, stdout, stderr := aslrun(t, "", "execute", def, "--dump-services")
	require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	var out struct {
		Count  int64
		IDs    []string
		Status int
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, int64(0), out.Count)
	assert.Len(t, out.IDs, 2)
	assert.Equal(t, 200, out.Status)

	var dump struct {
		EventBridge map[string]struct {
			Events []struct {
				Event      map[string]any
				Deliveries []map[string]any
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stderr), &dump), stderr)
	events := dump.EventBridge["default"].Events
	require.Len(t, events, 2)
	first := events[0]
	assert.Equal(t, out.IDs[0], first.Event["id"])
	assert.Equal(t, "Order Placed", first.Event["detail-type"])
	assert.Equal(t, map[string]any{"orderId": "o-1", "total": float64(250)}, first.Event["detail"])
	// The optimized integration adds the state machine's and the execution's ARNs.
	require.Len(t, first.Event["resources"], 2)
	assert.Contains(t, first.Event["resources"].([]any)[0], ":stateMachine:order")
	assert.Contains(t, first.Event["resources"].([]any)[1], ":execution:order:")
	require.Len(t, first.Deliveries, 1)
	assert.Equal(t, "SUCCEEDED", first.Deliveries[0]["Status"])
	assert.Contains(t, first.Deliveries[0]["ExecutionArn"], ":execution:fulfil:")
	assert.Empty(t, events[1].Deliveries) // a total of 5 matches no rule
}

func TestExecuteEventBridgeFailures(t *testing.T) {
	tests := []struct{ name, resource, entries, error, cause string }{
		{"optimized: an entry fails the Task", "arn:aws:states:::events:putEvents", `[{"Source":"s","Detail":{}}]`,
			"EventBridge.FailedEntry", `"ErrorCode":"InvalidArgument","ErrorMessage":"Parameter DetailType is not valid. Reason: DetailType is a required argument."`},
		{"optimized: too many entries", "arn:aws:states:::events:putEvents", `[]`,
			"EventBridge.AmazonEventBridgeException", "Member must have length less than or equal to 10 and greater than or equal to 1 (Service: AmazonEventBridge; Status Code: 400; Error Code: ValidationException"},
		{"aws-sdk: Detail must be text", "arn:aws:states:::aws-sdk:eventbridge:putEvents", `[{"Source":"s","DetailType":"t","Detail":{}}]`,
			"EventBridge.EventBridgeException", "Entries[0]: Detail must be a string, not {} (Service: EventBridge, Status Code: 400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := write(t, t.TempDir(), "d.asl.json", `{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"`+tt.resource+`",
				"Parameters":{"Entries":`+tt.entries+`},"End":true}}}`)
			code, stdout, _ := aslrun(t, "", "execute", def, "--format", "json")
			assert.Equal(t, 1, code)
			var env struct{ Error, Cause string }
			require.NoError(t, json.Unmarshal([]byte(stdout), &env))
			assert.Equal(t, tt.error, env.Error)
			assert.Contains(t, env.Cause, tt.cause)
		})
	}

	// aws-sdk:eventbridge:putEvents answers with the response alone, failed entries included.
	def := write(t, t.TempDir(), "d.asl.json", `{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:eventbridge:putEvents",
		"Parameters":{"Entries":[{"Source":"s","DetailType":"t","Detail":"{\"a\":1}"},{"Source":"s","DetailType":"t","Detail":"[1]"}]},"End":true}}}`)
	code, stdout, stderr := aslrun(t, "", "execute", def)
	require.Equal(t, 0, code, stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, float64(1), out["FailedEntryCount"])
	assert.Equal(t, map[string]any{"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}, out["Entries"].([]any)[1])
	assert.NotContains(t, out, "SdkHttpMetadata")
}

// A rule that starts the state machine whose events it matches loops forever on EventBridge; under
// aslrun the chain stops after eventbridge.MaxChain deliveries, so execute ends, and the dump says why the
// last delivery was not made. A loop through a nested execution (startExecution) is bounded as well.
func TestExecuteEventBridgeLoop(t *testing.T) {
	const put = `"Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
		"Parameters":{"Entries":[{"Source":"loop","DetailType":"again","Detail":{}}]},"End":true}`
	tests := []struct{ name, def string }{
		{"the rule's target is the machine itself", `{"StartAt":"Put","States":{` + put + `}}`},
		{"through a nested execution", `{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync",
			"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child"},"End":true}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			def := write(t, dir, "loop.asl.json", tt.def)
			write(t, dir, "child.asl.json", `{"StartAt":"Put","States":{`+put+`}}`)
			write(t, dir, "fixtures.json", `{"eventbridge":{"rules":[{"name":"self","eventPattern":{"source":["loop"]},
				"targets":[{"stateMachine":"loop"}]}]}}`)
			write(t, dir, "loop.handlers.json", `{"$fixtures":"fixtures.json"}`)
			code, stdout, stderr := aslrun(t, "", "execute", def, "--dump-services")
			require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
			var dump struct {
				EventBridge map[string]struct {
					Events []struct{ Deliveries []map[string]any }
				}
			}
			require.NoError(t, json.Unmarshal([]byte(stderr), &dump), stderr)
			events := dump.EventBridge["default"].Events
			require.Len(t, events, eventbridge.MaxChain+1)
			for _, ev := range events[:eventbridge.MaxChain] {
				assert.Equal(t, "SUCCEEDED", ev.Deliveries[0]["Status"])
			}
			last := events[eventbridge.MaxChain].Deliveries[0]
			assert.Equal(t, "FAILED_TO_START", last["Status"])
			assert.Contains(t, last["Error"], "the chain of rule deliveries that began with an event of arn:aws:states:us-east-1:123456789012:execution:")
			assert.Contains(t, last["Error"], "has reached 16, aslrun's limit")
		})
	}
}

// Under serve, an event carries the Region and account of the execution that put it (--region and
// --account, else the Region each request names), and a rule's target given by name is the state machine
// there: the chain runs in that Region.
func TestServeEventBridgeRegion(t *testing.T) {
	tests := []struct {
		name            string
		flags           []string
		clientRegion    string
		region, account string
	}{
		{"--region and --account", []string{"--region", "eu-west-1", "--account", "111122223333"}, "us-east-1", "eu-west-1", "111122223333"},
		{"the request's Region", nil, "ap-southeast-2", "ap-southeast-2", "123456789012"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "fixtures.json", `{"eventbridge":{"rules":[{"name":"shop","eventPattern":{"source":["shop"]},"targets":[{"stateMachine":"echo"}]}]}}`)
			handlers := write(t, dir, "h.json", `{"$fixtures":"fixtures.json"}`)
			url, _ := startServe(t, append([]string{"--memory", "--handlers", handlers}, tt.flags...)...)
			client, ctx := sfn.New(sfn.Options{Region: tt.clientRegion, BaseEndpoint: aws.String(url),
				Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}), context.Background()
			role := aws.String("arn:aws:iam::" + tt.account + ":role/r")
			echo, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("echo"), RoleArn: role,
				Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)})
			require.NoError(t, err)
			put, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("put"), RoleArn: role,
				Definition: aws.String(`{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
					"Parameters":{"Entries":[{"Source":"shop","DetailType":"Order","Detail":{"n":1}}]},"End":true}}}`)})
			require.NoError(t, err)
			_, err = client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: put.StateMachineArn})
			require.NoError(t, err)

			var started *sfn.ListExecutionsOutput
			require.Eventually(t, func() bool {
				started, err = client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: echo.StateMachineArn})
				return err == nil && len(started.Executions) == 1
			}, 10*time.Second, 10*time.Millisecond, "the rule started no execution of echo")
			d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: started.Executions[0].ExecutionArn})
			require.NoError(t, err)
			var event map[string]any
			require.NoError(t, json.Unmarshal([]byte(aws.ToString(d.Input)), &event))
			assert.Equal(t, tt.region, event["region"])
			assert.Equal(t, tt.account, event["account"])
			assert.Contains(t, event["resources"], "arn:aws:states:"+tt.region+":"+tt.account+":stateMachine:put")
		})
	}
}
