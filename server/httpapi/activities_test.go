package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActivities(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var arns []string
		for i := range 3 {
			out, err := e.sfn.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(fmt.Sprintf("work-%d", i))})
			require.NoError(t, err)
			arns = append(arns, aws.ToString(out.ActivityArn))
		}
		assert.Equal(t, "arn:aws:states:us-east-1:123456789012:activity:work-0", arns[0])
		// Creating again under the name is the same activity.
		again, err := e.sfn.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("work-0")})
		require.NoError(t, err)
		assert.Equal(t, arns[0], aws.ToString(again.ActivityArn))

		d, err := e.sfn.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(arns[1])})
		require.NoError(t, err)
		assert.Equal(t, "work-1", aws.ToString(d.Name))
		assert.False(t, d.CreationDate.IsZero())

		var listed []string
		pages := sfn.NewListActivitiesPaginator(e.sfn, &sfn.ListActivitiesInput{MaxResults: 2})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			require.NoError(t, err)
			for _, a := range page.Activities {
				listed = append(listed, aws.ToString(a.ActivityArn))
			}
		}
		assert.Equal(t, arns, listed)

		_, err = e.sfn.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(arns[2])})
		require.NoError(t, err)
		_, err = e.sfn.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(arns[2])})
		missing := isA[*types.ActivityDoesNotExist](t, err)
		assert.Equal(t, "Activity Does Not Exist: '"+arns[2]+"'", missing.ErrorMessage())
		_, err = e.sfn.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(arns[2])})
		require.NoError(t, err, "deleting what does not exist succeeds")
		_, err = e.sfn.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arns[2])})
		isA[*types.ActivityDoesNotExist](t, err)
		_, err = e.sfn.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a:b")})
		isA[*types.InvalidName](t, err)
		_, err = e.sfn.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String("work-0")})
		isA[*types.InvalidArn](t, err)

		// No task: the long poll ends empty.
		start := time.Now()
		empty, err := e.sfn.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arns[0])})
		require.NoError(t, err)
		assert.Nil(t, empty.TaskToken)
		assert.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond, "the poll waited")
	})
}

func TestActivityFlow(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		act, err := e.sfn.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("pack")})
		require.NoError(t, err)
		machine := e.create(t, "packing", `{"StartAt":"Pack","States":{"Pack":{"Type":"Task","Resource":"`+
			aws.ToString(act.ActivityArn)+`","HeartbeatSeconds":60,"End":true}}}`, "")

		// A worker already polling gets the task as soon as it is scheduled.
		got := make(chan *sfn.GetActivityTaskOutput, 1)
		go func() {
			out, err := e.sfn.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("w1")})
			assert.NoError(t, err)
			got <- out
		}()
		time.Sleep(50 * time.Millisecond)
		arn := e.start(t, machine, "box-1", `{"item":"book"}`)
		var task *sfn.GetActivityTaskOutput
		select {
		case task = <-got:
		case <-time.After(5 * time.Second):
			t.Fatal("no task")
		}
		require.NotNil(t, task.TaskToken)
		assert.JSONEq(t, `{"item":"book"}`, aws.ToString(task.Input))
		_, err = e.sfn.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken})
		require.NoError(t, err)
		_, err = e.sfn.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"packed":true}`)})
		require.NoError(t, err)
		d := e.wait(t, arn)
		assert.Equal(t, types.ExecutionStatusSucceeded, d.Status)
		assert.Equal(t, `{"packed":true}`, aws.ToString(d.Output))

		// A task scheduled before anyone polls waits for the next poll.
		arn = e.start(t, machine, "box-2", `{"item":"pen"}`)
		require.Eventually(t, func() bool {
			h, err := e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
			return err == nil && len(h.Events) > 0
		}, 5*time.Second, 5*time.Millisecond)
		task, err = e.sfn.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("w2")})
		require.NoError(t, err)
		require.NotNil(t, task.TaskToken)
		_, err = e.sfn.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: aws.String("Broken")})
		require.NoError(t, err)
		d = e.wait(t, arn)
		assert.Equal(t, types.ExecutionStatusFailed, d.Status)
		assert.Equal(t, "Broken", aws.ToString(d.Error))

		h, err := e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
		require.NoError(t, err)
		var typesSeen []types.HistoryEventType
		for _, ev := range h.Events {
			typesSeen = append(typesSeen, ev.Type)
			if ev.Type == types.HistoryEventTypeActivityStarted {
				assert.Equal(t, "w2", aws.ToString(ev.ActivityStartedEventDetails.WorkerName))
			}
		}
		assert.Contains(t, typesSeen, types.HistoryEventTypeActivityScheduled)
		assert.Contains(t, typesSeen, types.HistoryEventTypeActivityStarted)
		assert.Contains(t, typesSeen, types.HistoryEventTypeActivityFailed)
	})
}

func TestTags(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		machine := e.create(t, "tagged", passMachine, "")
		act, err := e.sfn.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("tagged"),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}})
		require.NoError(t, err)
		for _, arn := range []string{machine, aws.ToString(act.ActivityArn)} {
			_, err := e.sfn.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{
				{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("cost"), Value: aws.String("42")}}})
			require.NoError(t, err)
			_, err = e.sfn.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"cost", "absent"}})
			require.NoError(t, err)
			out, err := e.sfn.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			require.NoError(t, err)
			got := map[string]string{}
			for _, tag := range out.Tags {
				got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			want := map[string]string{"env": "dev"}
			if arn != machine {
				want["team"] = "ops"
			}
			assert.Equal(t, want, got)
		}
		missing := machine + "-gone"
		_, err = e.sfn.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(missing)})
		nf := isA[*types.ResourceNotFound](t, err)
		assert.Equal(t, "Resource not found: '"+missing+"'", nf.ErrorMessage())
		_, err = e.sfn.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(missing), Tags: []types.Tag{}})
		isA[*types.ResourceNotFound](t, err)
		_, err = e.sfn.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String("nonsense"), TagKeys: []string{"a"}})
		isA[*types.InvalidArn](t, err)
		var many []types.Tag
		for i := range 51 {
			many = append(many, types.Tag{Key: aws.String(fmt.Sprint(i)), Value: aws.String("v")})
		}
		_, err = e.sfn.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(machine), Tags: many})
		isA[*types.TooManyTags](t, err)
	})
}
