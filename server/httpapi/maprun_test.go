package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMapRunOperations: a Map Run started through the API is described, listed and updated through it
// while it runs (its children one at a time, each waiting a second); UpdateMapRun's concurrency is taken
// up by the run, and its children are listed by the Map Run.
func TestMapRunOperations(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sm, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("slow"), RoleArn: aws.String(roleArn),
			Definition: aws.String(`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ToleratedFailureCount":2,"End":true,
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
					"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}}}}`)})
		require.NoError(t, err)
		run, err := e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`[1,2,3,4]`)})
		require.NoError(t, err)

		var mapRunArn string
		require.Eventually(t, func() bool {
			out, err := e.sfn.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: run.ExecutionArn})
			require.NoError(t, err)
			if len(out.MapRuns) == 1 {
				mapRunArn = aws.ToString(out.MapRuns[0].MapRunArn)
			}
			return mapRunArn != ""
		}, 5*time.Second, 10*time.Millisecond)
		d, err := e.sfn.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRunArn)})
		require.NoError(t, err)
		assert.Equal(t, types.MapRunStatusRunning, d.Status)
		assert.Equal(t, int32(1), d.MaxConcurrency)
		assert.Equal(t, int64(2), d.ToleratedFailureCount)
		assert.Equal(t, aws.ToString(run.ExecutionArn), aws.ToString(d.ExecutionArn))

		_, err = e.sfn.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRunArn), MaxConcurrency: aws.Int32(4),
			ToleratedFailurePercentage: aws.Float32(50)})
		require.NoError(t, err)
		require.Eventually(t, func() bool { // the other three children start at once, not one a second
			d, err := e.sfn.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRunArn)})
			require.NoError(t, err)
			return d.ExecutionCounts.Total == 4 && d.ExecutionCounts.Running >= 2
		}, 3*time.Second, 10*time.Millisecond)
		d, err = e.sfn.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRunArn)})
		require.NoError(t, err)
		assert.Equal(t, int32(4), d.MaxConcurrency)
		assert.InDelta(t, 50, d.ToleratedFailurePercentage, 0.001)

		require.Eventually(t, func() bool {
			out, err := e.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
			require.NoError(t, err)
			return out.Status == types.ExecutionStatusSucceeded
		}, 10*time.Second, 10*time.Millisecond)
		d, err = e.sfn.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRunArn)})
		require.NoError(t, err)
		assert.Equal(t, types.MapRunStatusSucceeded, d.Status)
		assert.Equal(t, int64(4), d.ItemCounts.Succeeded)
		assert.NotNil(t, d.StopDate)
		children, err := e.sfn.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: aws.String(mapRunArn)})
		require.NoError(t, err)
		assert.Len(t, children.Executions, 4)

		_, err = e.sfn.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRunArn), MaxConcurrency: aws.Int32(2)})
		var invalid *types.ValidationException
		assert.ErrorAs(t, err, &invalid, "a finished Map Run")
		_, err = e.sfn.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRunArn + "x")})
		var missing *types.ResourceNotFound
		assert.ErrorAs(t, err, &missing)
	})
}
