package service

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
	"github.com/aslrun/aslrun/server/store/sqlite"
)

func TestParseArn(t *testing.T) {
	tests := []struct {
		arn     string
		allowed []string
		err     string
	}{
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m", []string{arnStateMachine}, ""},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:1", []string{arnStateMachine}, ""},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:prod", []string{arnStateMachine}, ""},
		{"arn:aws:states:eu-west-1:000000000000:execution:m:e", []string{arnExecution, arnExpress}, ""},
		{"arn:aws:states:us-east-1:123456789012:express:m:e:id", []string{arnExecution, arnExpress}, ""},
		{"orders", []string{arnStateMachine}, "Invalid Arn: 'Invalid ARN prefix: orders'"},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", []string{arnStateMachine}, "Invalid Arn: 'Invalid ARN prefix: arn:aws:lambda:us-east-1:123456789012:function:f'"},
		{"arn:aws:states:us-east-1:123456789012:execution:m:e", []string{arnStateMachine}, "Invalid Arn: 'Resource type not valid in this context: execution'"},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:1:extra", []string{arnStateMachine}, "Invalid Arn: 'Invalid ARN format: arn:aws:states:us-east-1:123456789012:stateMachine:m:1:extra'"},
		{"arn:aws:states:us-east-1:123456789012:execution::e", []string{arnExecution}, "Invalid Arn: 'Invalid ARN format: arn:aws:states:us-east-1:123456789012:execution::e'"},
	}
	for _, tt := range tests {
		_, err := parseArn(tt.arn, tt.allowed...)
		if tt.err == "" {
			assert.NoError(t, err, tt.arn)
			continue
		}
		require.Error(t, err, tt.arn)
		assert.Equal(t, CodeInvalidArn+": "+tt.err, err.Error())
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"orders", "run-1_2", "v1.2", "é"} {
		assert.True(t, validName(ok), ok)
	}
	for _, bad := range []string{"a b", "a/b", "a:b", "a*", "a\tb", "a\u0085b", "a\u3000b", "{x}"} {
		assert.False(t, validName(bad), bad)
	}
}

func TestViolations(t *testing.T) {
	var v violations
	assert.NoError(t, v.err())
	v.required("name", "")
	v.maxResults(-1, 1000)
	assert.EqualError(t, v.err(), "ValidationException: 2 validation errors detected: "+
		"Value null at 'name' failed to satisfy constraint: Member must not be null; "+
		"Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0")
}

var backends = map[string]func(t *testing.T) store.Store{
	"memory": func(*testing.T) store.Store { return memory.New() },
	"sqlite": func(t *testing.T) store.Store {
		st, err := sqlite.Open(filepath.Join(t.TempDir(), "aslrun.db"))
		require.NoError(t, err)
		return st
	},
}

// waitMachine waits an hour: its executions stay RUNNING for as long as a test needs.
const waitMachine = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`

// TestCloseLeavesExecutionsRunning: executions interrupted by Close keep their RUNNING record for a resume,
// and a later process can still stop them.
func TestCloseLeavesExecutionsRunning(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			defer st.Close()
			s, err := New(Options{Store: st})
			require.NoError(t, err)
			sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "w", Definition: waitMachine, RoleArn: "arn:aws:iam::123456789012:role/r"})
			require.NoError(t, err)
			started, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "long"})
			require.NoError(t, err)
			s.Close()
			_, err = s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: "late"})
			assert.ErrorContains(t, err, "shutting down")

			e, err := st.GetExecution(ctx, started.ExecutionArn)
			require.NoError(t, err)
			assert.Equal(t, store.Running, e.Status)

			// The next process finds it RUNNING with no goroutine behind it, and can still stop it.
			next, err := New(Options{Store: st})
			require.NoError(t, err)
			defer next.Close()
			stopped, err := next.StopExecution(ctx, &StopExecutionInput{ExecutionArn: started.ExecutionArn, Cause: "restart"})
			require.NoError(t, err)
			d, err := next.DescribeExecution(ctx, &DescribeExecutionInput{ExecutionArn: started.ExecutionArn})
			require.NoError(t, err)
			assert.Equal(t, store.Aborted, d.Status)
			assert.Equal(t, "restart", *d.Cause)
			assert.True(t, time.Time(stopped.StopDate).Equal(time.Time(d.StopDate)))
			h, err := next.GetExecutionHistory(ctx, &GetExecutionHistoryInput{ExecutionArn: started.ExecutionArn})
			require.NoError(t, err)
			// WaitStateEntered is there when the execution committed it before Close: either is right.
			n := len(h.Events)
			require.Contains(t, []int{2, 3}, n)
			if n == 3 {
				assert.Contains(t, string(h.Events[1]), `"type":"WaitStateEntered"`)
			}
			assert.Contains(t, string(h.Events[n-1]), `"type":"ExecutionAborted"`)
			assert.Contains(t, string(h.Events[n-1]), fmt.Sprintf(`"previousEventId":%d`, n-1))

			// Stopping a finished execution changes nothing.
			again, err := next.StopExecution(ctx, &StopExecutionInput{ExecutionArn: started.ExecutionArn, Cause: "twice"})
			require.NoError(t, err)
			assert.True(t, time.Time(stopped.StopDate).Equal(time.Time(again.StopDate)))
		})
	}
}

func TestGetActivityTaskEndsWithService(t *testing.T) {
	ctx := context.Background()
	s, err := New(Options{Store: memory.New()})
	require.NoError(t, err)
	a, err := s.CreateActivity(ctx, &CreateActivityInput{Name: "idle"})
	require.NoError(t, err)
	done := make(chan *GetActivityTaskOutput)
	go func() {
		out, err := s.GetActivityTask(ctx, &GetActivityTaskInput{ActivityArn: a.ActivityArn})
		assert.NoError(t, err)
		done <- out
	}()
	time.Sleep(20 * time.Millisecond)
	s.Close()
	select {
	case out := <-done:
		assert.Equal(t, &GetActivityTaskOutput{}, out)
	case <-time.After(5 * time.Second):
		t.Fatal("the poll outlived the service")
	}
}

func TestTimeJSON(t *testing.T) {
	b, err := Time(time.UnixMilli(1700000000123)).MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, "1700000000.123", string(b))
	b, err = Time(time.Unix(1700000000, 0)).MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, "1700000000", string(b))
}
