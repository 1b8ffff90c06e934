package interpreter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
)

const tokenTask = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
	"Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"HeartbeatSeconds":10,"TimeoutSeconds":100,
	"Catch":[{"ErrorEquals":["Declined"],"Next":"Caught"}],"End":true},
	"Caught":{"Type":"Pass","End":true}}}`

// worker is a resource that hands the token to fn in a goroutine holding the clock, as a queue consumer would.
func worker(fn func(cb interpreter.TaskAnswers, token string, clock interpreter.Clock)) interpreter.Invoker {
	return interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		release := req.Clock.Hold()
		go func() {
			defer release()
			fn(req.Answers, req.Token, req.Clock)
		}()
		return map[string]any{"MessageId": "m-1"}, nil
	})
}

func eventTypes(events []interpreter.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Type())
	}
	return out
}

func TestWaitForTaskToken(t *testing.T) {
	sleep := func(clock interpreter.Clock, s int) {
		_ = clock.Sleep(context.Background(), time.Duration(s)*time.Second)
	}
	tests := []struct {
		name    string
		work    func(cb interpreter.TaskAnswers, token string, clock interpreter.Clock)
		status  interpreter.Status
		output  string
		errName string
		elapsed time.Duration
		last    string
	}{
		{name: "success", work: func(cb interpreter.TaskAnswers, token string, _ interpreter.Clock) {
			_ = cb.SendTaskSuccess(token, `{"courier":"Ann"}`)
		}, status: interpreter.Succeed, output: `{"courier":"Ann"}`, last: "TaskSucceeded"},
		{name: "failure caught", work: func(cb interpreter.TaskAnswers, token string, _ interpreter.Clock) {
			_ = cb.SendTaskFailure(token, "Declined", "no courier")
		}, status: interpreter.Succeed, output: `{"Cause":"no courier","Error":"Declined"}`, last: "TaskFailed"},
		{name: "heartbeats keep it alive", work: func(cb interpreter.TaskAnswers, token string, clock interpreter.Clock) {
			for range 3 {
				sleep(clock, 8)
				_ = cb.SendTaskHeartbeat(token)
			}
			sleep(clock, 8)
			_ = cb.SendTaskSuccess(token, `"done"`)
		}, status: interpreter.Succeed, output: `"done"`, elapsed: 32 * time.Second, last: "TaskSucceeded"},
		{name: "heartbeat timeout", work: func(cb interpreter.TaskAnswers, token string, clock interpreter.Clock) {
			sleep(clock, 8)
			_ = cb.SendTaskHeartbeat(token)
		}, status: interpreter.Failed, errName: "States.HeartbeatTimeout", elapsed: 18 * time.Second, last: "TaskTimedOut"},
		{name: "nobody answers", work: func(cb interpreter.TaskAnswers, token string, clock interpreter.Clock) {
			for range 20 {
				sleep(clock, 9)
				_ = cb.SendTaskHeartbeat(token)
			}
		}, status: interpreter.Failed, errName: "States.Timeout", elapsed: 100 * time.Second, last: "TaskTimedOut"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, history := runLogged(t, tokenTask, `{}`, worker(tt.work))
			require.Equal(t, tt.status, res.Status, "%s %s", res.Error, res.Cause)
			assert.Equal(t, tt.errName, res.Error)
			if tt.output != "" {
				assert.Equal(t, tt.output, oj.JSON(res.Output, &oj.Options{Sort: true}))
			}
			assert.Equal(t, tt.elapsed, res.StopDate.Sub(res.StartDate))
			types := eventTypes(history)
			assert.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", tt.last},
				types[:6])
		})
	}
}

func TestHeartbeatWithoutHeartbeatSeconds(t *testing.T) {
	def := strings.Replace(tokenTask, `"HeartbeatSeconds":10,`, "", 1)
	res, _ := run(t, def, `{}`, worker(func(cb interpreter.TaskAnswers, token string, _ interpreter.Clock) {
		_ = cb.SendTaskHeartbeat(token)
		_ = cb.SendTaskSuccess(token, `"ok"`)
	}))
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	assert.Equal(t, "ok", res.Output)
}

func TestCallbackErrors(t *testing.T) {
	var token string
	var answers []error
	// The worker goes on answering after the execution took its answer: wait for it before reading.
	worked := make(chan struct{})
	inv := worker(func(cb interpreter.TaskAnswers, tok string, _ interpreter.Clock) {
		defer close(worked)
		token = tok
		answers = append(answers,
			cb.SendTaskSuccess(tok, `{not json`),
			cb.SendTaskSuccess(tok, `1`),
			cb.SendTaskSuccess(tok, `2`),
			cb.SendTaskHeartbeat(tok),
			cb.SendTaskSuccess("garbage", `1`),
			cb.SendTaskSuccess("AQ"+strings.Repeat("A", 64), `1`))
	})
	res, _ := run(t, tokenTask, `{}`, inv)
	<-worked
	require.Equal(t, interpreter.Succeed, res.Status)
	assert.Equal(t, int64(1), res.Output)
	assert.True(t, strings.HasPrefix(token, "AQ"))
	codes := make([]string, len(answers))
	for i, err := range answers {
		if err != nil {
			codes[i] = err.(*interpreter.CallbackError).Code
		}
	}
	assert.Equal(t, []string{"InvalidOutput", "", "TaskTimedOut", "TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}, codes)
	assert.EqualError(t, answers[2], "TaskTimedOut: Task Timed Out: 'Provided task does not exist anymore'")
}

func TestTokenOfTimedOutTask(t *testing.T) {
	cb := interpreter.NewCallbacks()
	var token string
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		token = req.Token
		return nil, nil
	})
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters":{"FunctionName":"f","Payload":{"t.$":"$$.Task.Token"}},"TimeoutSeconds":5,"End":true}}}`
	clock := interpreter.NewVirtualClock(epoch)
	cfg := interpreter.NewConfig("test", "exec", false)
	cfg.Clock, cfg.Invoker, cfg.Callbacks = clock, inv, cb
	res := compile(t, def).Run(context.Background(), map[string]any{}, cfg)
	require.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, "States.Timeout", res.Error)
	err := cb.SendTaskSuccess(token, `{}`)
	require.Error(t, err)
	assert.Equal(t, "TaskTimedOut", err.(*interpreter.CallbackError).Code)
}

func TestActivity(t *testing.T) {
	def := `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:approve",
		"TimeoutSeconds":60,"HeartbeatSeconds":20,"End":true}}}`
	arn := "arn:aws:states:us-east-1:123456789012:activity:approve"
	tests := []struct {
		name    string
		work    func(t *testing.T, cb *interpreter.Callbacks)
		status  interpreter.Status
		output  string
		errName string
		events  []string
	}{
		{name: "worker answers", work: func(t *testing.T, cb *interpreter.Callbacks) {
			task := cb.GetActivityTask(context.Background(), arn, "w1")
			require.NotNil(t, task)
			assert.JSONEq(t, `{"amount":5}`, task.Input)
			require.NoError(t, cb.SendTaskSuccess(task.Token, `{"approved":true}`))
			task.Release()
		}, status: interpreter.Succeed, output: `{"approved":true}`,
			events: []string{"ActivityScheduled", "ActivityStarted", "ActivitySucceeded"}},
		{name: "worker fails it", work: func(t *testing.T, cb *interpreter.Callbacks) {
			task := cb.GetActivityTask(context.Background(), arn, "w1")
			require.NoError(t, cb.SendTaskFailure(task.Token, "Rejected", "too much"))
			task.Release()
		}, status: interpreter.Failed, errName: "Rejected",
			events: []string{"ActivityScheduled", "ActivityStarted", "ActivityFailed"}},
		{name: "no worker", work: func(*testing.T, *interpreter.Callbacks) {}, status: interpreter.Failed,
			errName: "States.HeartbeatTimeout", events: []string{"ActivityScheduled", "ActivityTimedOut"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb := interpreter.NewCallbacks()
			clock := interpreter.NewVirtualClock(epoch)
			cfg := interpreter.NewConfig("test", "exec", false)
			log := &interpreter.EventLog{}
			cfg.Clock, cfg.Callbacks, cfg.Events = clock, cb, log
			// The worker is polling before the execution starts, as a worker fleet would be.
			done := make(chan struct{})
			go func() { defer close(done); tt.work(t, cb) }()
			time.Sleep(10 * time.Millisecond)
			res := compile(t, def).Run(context.Background(), map[string]any{"amount": int64(5)}, cfg)
			<-done
			require.Equal(t, tt.status, res.Status, "%s %s", res.Error, res.Cause)
			assert.Equal(t, tt.errName, res.Error)
			if tt.output != "" {
				assert.JSONEq(t, tt.output, oj.JSON(res.Output))
			}
			types := eventTypes(log.Events())
			assert.Equal(t, tt.events, types[2:2+len(tt.events)])
			if tt.name == "worker answers" {
				b, err := log.Events()[3].MarshalJSON()
				require.NoError(t, err)
				assert.Contains(t, string(b), `"activityStartedEventDetails":{"workerName":"w1"}`)
			}
		})
	}
}

// A .sync resource reports its job's submission (TaskRequest.Submitted) and goes on running: the history
// shows TaskSubmitted with the submit's response, then the job's end, as AWS records a Run a Job Task.
// Tasks that wait for a token or a worker get no Submitted: their submission is recorded otherwise.
func TestSyncSubmitted(t *testing.T) {
	tests := []struct {
		name, def, events string
		submitted         bool
	}{
		{".sync job succeeds", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync","End":true}}}`,
			"TaskScheduled TaskStarted TaskSubmitted TaskSucceeded", true},
		{".sync job fails", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","End":true}}}`,
			"TaskScheduled TaskStarted TaskSubmitted TaskFailed", true},
		{".waitForTaskToken", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}`,
			"TaskScheduled TaskStarted TaskSubmitted TaskSucceeded", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := interpreter.InvokerFunc(func(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
				assert.Equal(t, tt.submitted, req.Submitted != nil)
				if req.Submitted == nil {
					_ = req.Answers.SendTaskSuccess(req.Token, `"answered"`)
					return map[string]any{"MessageId": "m-1"}, nil
				}
				req.Submitted(map[string]any{"JobId": "j-1"})
				if err := req.Clock.Sleep(ctx, time.Minute); err != nil {
					return nil, err
				}
				if strings.Contains(req.Resource, "glue") {
					return nil, errors.New("job failed")
				}
				return map[string]any{"Status": "SUCCEEDED"}, nil
			})
			_, history := runLogged(t, tt.def, `{}`, inv)
			var types []string
			for _, e := range history {
				if strings.HasPrefix(e.Type(), "Task") && !strings.HasPrefix(e.Type(), "TaskState") {
					types = append(types, e.Type())
				}
				if e.Kind == interpreter.TaskSubmitted && tt.submitted {
					assert.Equal(t, map[string]any{"JobId": "j-1"}, e.Output)
				}
			}
			assert.Equal(t, tt.events, strings.Join(types, " "))
		})
	}
}
