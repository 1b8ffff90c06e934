package httpapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetExecutionHistory(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		machine := e.create(t, "pass", passMachine, "")
		arn := e.start(t, machine, "h", `{"a":1}`)
		e.wait(t, arn)

		var events []types.HistoryEvent
		pages := sfn.NewGetExecutionHistoryPaginator(e.sfn, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 3})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(page.Events), 3)
			events = append(events, page.Events...)
		}
		var kinds []types.HistoryEventType
		for i, ev := range events {
			kinds = append(kinds, ev.Type)
			assert.Equal(t, int64(i+1), ev.Id)
			assert.False(t, ev.Timestamp.IsZero())
		}
		assert.Equal(t, []types.HistoryEventType{"ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
			"PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}, kinds)
		started := events[0].ExecutionStartedEventDetails
		require.NotNil(t, started)
		assert.JSONEq(t, `{"a":1}`, aws.ToString(started.Input))
		assert.Equal(t, roleArn, aws.ToString(started.RoleArn))
		assert.Equal(t, "A", aws.ToString(events[1].StateEnteredEventDetails.Name))
		assert.Equal(t, `{"a":1,"c":"done"}`, aws.ToString(events[7].ExecutionSucceededEventDetails.Output))

		reversed, err := e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), ReverseOrder: true})
		require.NoError(t, err)
		require.Len(t, reversed.Events, 8)
		assert.Equal(t, types.HistoryEventTypeExecutionSucceeded, reversed.Events[0].Type)
		assert.Nil(t, reversed.NextToken)

		noData, err := e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), IncludeExecutionData: aws.Bool(false)})
		require.NoError(t, err)
		require.Len(t, noData.Events, 8)
		assert.Nil(t, noData.Events[0].ExecutionStartedEventDetails.Input)
		assert.Equal(t, roleArn, aws.ToString(noData.Events[0].ExecutionStartedEventDetails.RoleArn))
		assert.Nil(t, noData.Events[7].ExecutionSucceededEventDetails.Output)

		_, err = e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), NextToken: aws.String("bogus")})
		isA[*types.InvalidToken](t, err)
		_, err = e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn + "x")})
		isA[*types.ExecutionDoesNotExist](t, err)
	})
}

// TestHistoryEventJSON checks the wire shape of events: numbers for ids and epoch-second timestamps, the
// details under the event type's key.
func TestHistoryEventJSON(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		machine := e.create(t, "pass", passMachine, "")
		arn := e.start(t, machine, "wire", `{"a":1}`)
		e.wait(t, arn)
		status, body := post(t, e.url, "AWSStepFunctions.GetExecutionHistory", `{"executionArn":"`+arn+`","maxResults":2}`)
		require.Equal(t, 200, status, "%v", body)
		events := body["events"].([]any)
		require.Len(t, events, 2)
		first := events[0].(map[string]any)
		assert.Equal(t, float64(1), first["id"])
		assert.Equal(t, "ExecutionStarted", first["type"])
		assert.IsType(t, float64(0), first["timestamp"])
		assert.Equal(t, map[string]any{"input": `{"a":1}`, "inputDetails": map[string]any{"truncated": false}, "roleArn": roleArn},
			first["executionStartedEventDetails"])
		second := events[1].(map[string]any)
		assert.Equal(t, float64(1), second["previousEventId"])
		assert.Equal(t, map[string]any{"name": "A", "input": `{"a":1}`, "inputDetails": map[string]any{"truncated": false}},
			second["stateEnteredEventDetails"])
		assert.IsType(t, "", body["nextToken"])

		status, body = post(t, e.url, "AWSStepFunctions.DescribeExecution", `{"executionArn":"`+arn+`"}`)
		require.Equal(t, 200, status)
		assert.IsType(t, float64(0), body["startDate"])
		assert.IsType(t, float64(0), body["stopDate"])
	})
}
