package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources"
)

// tokenMachine waits at a .waitForTaskToken task whose resource captureTokens answers by handing out the token.
const tokenMachine = `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","HeartbeatSeconds":3600,
	"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
	"Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}`

// captureTokens registers the resource of tokenMachine: it sends each task token on the channel.
func (e *env) captureTokens() <-chan string {
	tokens := make(chan string, 16)
	e.reg.Resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken", resources.HandlerFunc(
		func(_ context.Context, call *resources.Call) (any, error) {
			tokens <- call.Token
			return map[string]any{}, nil
		}))
	return tokens
}

func TestStartAndDescribeExecution(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		machine := e.create(t, "pass", passMachine, "")
		arn := e.start(t, machine, "run-1", `{"a": 1}`)
		assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:pass:run-1", arn)
		d := e.wait(t, arn)
		assert.Equal(t, types.ExecutionStatusSucceeded, d.Status)
		assert.Equal(t, "run-1", aws.ToString(d.Name))
		assert.Equal(t, machine, aws.ToString(d.StateMachineArn))
		assert.Equal(t, `{"a": 1}`, aws.ToString(d.Input), "the input as given")
		assert.Equal(t, `{"a":1,"c":"done"}`, aws.ToString(d.Output))
		assert.True(t, d.OutputDetails.Included)
		assert.False(t, d.StopDate.Before(*d.StartDate))
		assert.Nil(t, d.Error)

		// A generated name is a UUID; a missing input is {}.
		out, err := e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine)})
		require.NoError(t, err)
		d = e.wait(t, aws.ToString(out.ExecutionArn))
		assert.Len(t, aws.ToString(d.Name), 36)
		assert.Equal(t, "{}", aws.ToString(d.Input))

		for _, text := range []string{"{", `{"a":{"b":},"c":1}`} { // ojg's parser, which read inputs before, panicked on the second
			_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(text)})
			bad := isA[*types.InvalidExecutionInput](t, err)
			assert.True(t, strings.HasPrefix(bad.ErrorMessage(), "Invalid State Machine Execution Input: '"), bad.ErrorMessage())
		}
		_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String("a/b")})
		isA[*types.InvalidName](t, err)
		_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine),
			Input: aws.String(`"` + strings.Repeat("a", 262144) + `"`)})
		v := isA[*types.ValidationException](t, err)
		assert.Equal(t, "1 validation error detected: Value at 'input' failed to satisfy constraint: "+
			"Member must have size less than or equal to 262144 bytes in UTF-8 encoding", v.ErrorMessage())
		missing := strings.Replace(machine, ":pass", ":missing", 1)
		_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(missing)})
		isA[*types.StateMachineDoesNotExist](t, err)

		_, err = e.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn + "x")})
		gone := isA[*types.ExecutionDoesNotExist](t, err)
		assert.Equal(t, "Execution Does Not Exist: '"+arn+"x'", gone.ErrorMessage())
		_, err = e.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(machine)})
		isA[*types.InvalidArn](t, err)
	})
}

func TestStartExecutionIsIdempotent(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tokens := e.captureTokens()
		machine := e.create(t, "ask", tokenMachine, "")
		first, err := e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String("same"), Input: aws.String(`{}`)})
		require.NoError(t, err)
		token := <-tokens

		// While it runs, the same name and input is the same execution; another input is refused.
		again, err := e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String("same"), Input: aws.String(`{}`)})
		require.NoError(t, err)
		assert.Equal(t, aws.ToString(first.ExecutionArn), aws.ToString(again.ExecutionArn))
		assert.True(t, first.StartDate.Equal(*again.StartDate))
		_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String("same"), Input: aws.String(`{"x":1}`)})
		exists := isA[*types.ExecutionAlreadyExists](t, err)
		assert.Equal(t, "Execution Already Exists: '"+aws.ToString(first.ExecutionArn)+"'", exists.ErrorMessage())

		_, err = e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
		require.NoError(t, err)
		assert.Equal(t, types.ExecutionStatusSucceeded, e.wait(t, aws.ToString(first.ExecutionArn)).Status)
		// Once it has ended, the name is taken whatever the input.
		_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String("same"), Input: aws.String(`{}`)})
		isA[*types.ExecutionAlreadyExists](t, err)
		assert.Empty(t, tokens, "the repeated start ran nothing")
	})
}

func TestCallbackFlow(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tokens := e.captureTokens()
		machine := e.create(t, "ask", tokenMachine, "")

		ok := e.start(t, machine, "ok", `{}`)
		token := <-tokens
		_, err := e.sfn.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(token)})
		require.NoError(t, err)
		_, err = e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{`)})
		isA[*types.InvalidOutput](t, err)
		_, err = e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"courier":"Ann"}`)})
		require.NoError(t, err)
		d := e.wait(t, ok)
		assert.Equal(t, types.ExecutionStatusSucceeded, d.Status)
		assert.Equal(t, `{"courier":"Ann"}`, aws.ToString(d.Output))
		// A second answer comes too late.
		_, err = e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
		isA[*types.TaskTimedOut](t, err)

		failed := e.start(t, machine, "failed", `{}`)
		token = <-tokens
		_, err = e.sfn.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(token), Error: aws.String("Courier.Missing"), Cause: aws.String("nobody came")})
		require.NoError(t, err)
		d = e.wait(t, failed)
		assert.Equal(t, types.ExecutionStatusFailed, d.Status)
		assert.Equal(t, "Courier.Missing", aws.ToString(d.Error))
		assert.Equal(t, "nobody came", aws.ToString(d.Cause))
		assert.Nil(t, d.Output)

		_, err = e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("nonsense"), Output: aws.String(`{}`)})
		isA[*types.InvalidToken](t, err)
		_, err = e.sfn.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("AQ" + strings.Repeat("A", 64))})
		isA[*types.TaskDoesNotExist](t, err)
		_, err = e.sfn.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(token), Error: aws.String(strings.Repeat("e", 257))})
		apiError(t, err, "ValidationException")
	})
}

func TestStopExecution(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tokens := e.captureTokens()
		machine := e.create(t, "ask", tokenMachine, "")
		arn := e.start(t, machine, "stopped", `{}`)
		<-tokens
		out, err := e.sfn.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Error: aws.String("Operator"), Cause: aws.String("changed my mind")})
		require.NoError(t, err)
		d := e.wait(t, arn)
		assert.Equal(t, types.ExecutionStatusAborted, d.Status)
		assert.Equal(t, "Operator", aws.ToString(d.Error))
		assert.Equal(t, "changed my mind", aws.ToString(d.Cause))
		assert.True(t, out.StopDate.Equal(*d.StopDate))

		h, err := e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), ReverseOrder: true, MaxResults: 1})
		require.NoError(t, err)
		require.Len(t, h.Events, 1)
		assert.Equal(t, types.HistoryEventTypeExecutionAborted, h.Events[0].Type)
		assert.Equal(t, "Operator", aws.ToString(h.Events[0].ExecutionAbortedEventDetails.Error))

		_, err = e.sfn.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn + "-missing")})
		isA[*types.ExecutionDoesNotExist](t, err)
	})
}

func TestListExecutions(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		tokens := e.captureTokens()
		machine := e.create(t, "ask", tokenMachine, "")
		var arns []string
		for i := range 5 {
			arns = append(arns, e.start(t, machine, fmt.Sprintf("run-%d", i), `{}`))
		}
		for range 2 {
			_, err := e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(<-tokens), Output: aws.String(`{}`)})
			require.NoError(t, err)
		}
		var names []string
		pages := sfn.NewListExecutionsPaginator(e.sfn, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine), MaxResults: 2})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			require.NoError(t, err)
			for _, x := range page.Executions {
				names = append(names, aws.ToString(x.Name))
				assert.Equal(t, machine, aws.ToString(x.StateMachineArn))
			}
		}
		assert.Equal(t, []string{"run-4", "run-3", "run-2", "run-1", "run-0"}, names, "newest first")

		for _, arn := range arns {
			d, err := e.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			require.NoError(t, err)
			if d.Status == types.ExecutionStatusRunning {
				continue
			}
			e.wait(t, arn)
		}
		count := func(status types.ExecutionStatus) int {
			out, err := e.sfn.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine), StatusFilter: status})
			require.NoError(t, err)
			return len(out.Executions)
		}
		require.Eventually(t, func() bool { return count(types.ExecutionStatusSucceeded) == 2 }, 5e9, 5e6)
		assert.Equal(t, 3, count(types.ExecutionStatusRunning))

		_, err := e.sfn.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine), StatusFilter: "DONE"})
		v := isA[*types.ValidationException](t, err)
		assert.Contains(t, v.ErrorMessage(), "Value 'DONE' at 'statusFilter' failed to satisfy constraint")
		_, err = e.sfn.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine + "-missing")})
		isA[*types.StateMachineDoesNotExist](t, err)
		_, err = e.sfn.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine), NextToken: aws.String("bogus")})
		isA[*types.InvalidToken](t, err)
		for range 3 {
			_, err := e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(<-tokens), Output: aws.String(`{}`)})
			require.NoError(t, err)
		}
	})
}

func TestDescribeStateMachineForExecution(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		machine := e.create(t, "pass", passMachine, "")
		arn := e.start(t, machine, "", `{}`)
		e.wait(t, arn)
		_, err := e.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine),
			Definition: aws.String(`{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}`)})
		require.NoError(t, err)
		out, err := e.sfn.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn)})
		require.NoError(t, err)
		assert.Equal(t, passMachine, aws.ToString(out.Definition), "the definition the execution ran")
		assert.Equal(t, "pass", aws.ToString(out.Name))
		assert.Equal(t, machine, aws.ToString(out.StateMachineArn))
		assert.Equal(t, roleArn, aws.ToString(out.RoleArn))
		assert.False(t, out.UpdateDate.IsZero())
		_, err = e.sfn.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn + "x")})
		isA[*types.ExecutionDoesNotExist](t, err)
	})
}

func TestStartSyncExecution(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		express := e.create(t, "quick", passMachine, types.StateMachineTypeExpress)
		out, err := e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(express), Input: aws.String(`{"a":1}`)})
		require.NoError(t, err)
		assert.Equal(t, types.SyncExecutionStatusSucceeded, out.Status)
		assert.Equal(t, `{"a":1,"c":"done"}`, aws.ToString(out.Output))
		assert.True(t, strings.HasPrefix(aws.ToString(out.ExecutionArn), "arn:aws:states:us-east-1:123456789012:express:quick:"), aws.ToString(out.ExecutionArn))
		assert.False(t, out.StopDate.Before(*out.StartDate))
		require.NotNil(t, out.BillingDetails)
		assert.GreaterOrEqual(t, out.BillingDetails.BilledDurationInMilliseconds, int64(100))

		failing := e.create(t, "failing", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}}`, types.StateMachineTypeExpress)
		out, err = e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(failing)})
		require.NoError(t, err)
		assert.Equal(t, types.SyncExecutionStatusFailed, out.Status)
		assert.Equal(t, "E", aws.ToString(out.Error))
		assert.Equal(t, "C", aws.ToString(out.Cause))

		standard := e.create(t, "standard", passMachine, "")
		_, err = e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(standard)})
		isA[*types.StateMachineTypeNotSupported](t, err)

		// StartExecution of an EXPRESS state machine runs too, under an express ARN. (limits_test.go: the
		// API then serves neither.)
		arn := e.start(t, express, "async", `{}`)
		assert.Contains(t, arn, ":express:quick:async:")
	})
}
