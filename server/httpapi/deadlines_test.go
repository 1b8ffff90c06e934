package httpapi_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/httpserver"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

// TestWaitsOutlastRequestTimeout: under a server whose request timeout is far shorter than a long poll
// or a synchronous execution, both still run to their end and answer.
func TestWaitsOutlastRequestTimeout(t *testing.T) {
	const requestTimeout, wait = 200 * time.Millisecond, 1200 * time.Millisecond
	e := newServer(t, memory.New(), service.Options{PollTimeout: wait}, serverOptions{
		limits: &httpserver.Options{ReadHeaderTimeout: requestTimeout, RequestTimeout: requestTimeout, IdleTimeout: time.Second},
		// The access log wraps the answer: the waits must still move its connection's deadlines.
		accessLog: io.Discard})
	ctx := context.Background()

	t.Run("empty long poll", func(t *testing.T) {
		t.Parallel()
		act, err := e.sfn.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("idle")})
		require.NoError(t, err)
		start := time.Now()
		out, err := e.sfn.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
		require.NoError(t, err)
		assert.Nil(t, out.TaskToken)
		assert.GreaterOrEqual(t, time.Since(start), wait-50*time.Millisecond)
	})
	t.Run("sync execution", func(t *testing.T) {
		t.Parallel()
		arn := e.create(t, "slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`, types.StateMachineTypeExpress)
		out, err := e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"k":1}`)})
		require.NoError(t, err)
		assert.Equal(t, types.SyncExecutionStatusSucceeded, out.Status)
		assert.JSONEq(t, `{"k":1}`, aws.ToString(out.Output))
	})
	t.Run("ordinary calls after a wait on the same connection", func(t *testing.T) {
		t.Parallel()
		time.Sleep(wait + 300*time.Millisecond)
		_, err := e.sfn.ListActivities(ctx, &sfn.ListActivitiesInput{})
		require.NoError(t, err)
	})
}
