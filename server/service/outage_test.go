package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/postgres"
	"github.com/aslrun/aslrun/server/store/postgres/pgtest"
)

// TestStoreOutage: the database goes away while executions run and wait. The node answers
// ServiceUnavailable and reports the store unready; executions that end meanwhile keep their outcome and
// commit it once the database is back, without running their Tasks again; timers that fell due meanwhile
// fire after it. Nothing is lost, every history dense with one terminal event.
func TestStoreOutage(t *testing.T) {
	ctx := context.Background()
	proxy, url := pgtest.NewProxy(t, pgtest.URL(t))
	st, err := postgres.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	var calls atomic.Int64
	release := make(chan struct{})
	inv := interpreter.InvokerFunc(func(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
		calls.Add(1)
		select {
		case <-release:
			return req.Input, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	s, err := New(Options{Store: st, NodeID: "n1", Invoker: inv})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	create := func(name, def string) string {
		sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: name, Definition: def, RoleArn: "arn:aws:iam::123456789012:role/r"})
		require.NoError(t, err)
		return sm.StateMachineArn
	}
	waiter := create("waiter", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	tasker := create("tasker", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	var arns []string
	for i := range 30 {
		m := waiter
		if i%3 == 0 {
			m = tasker
		}
		out, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: m, Name: fmt.Sprint("e", i), Input: `{}`})
		require.NoError(t, err)
		arns = append(arns, out.ExecutionArn)
	}
	require.Eventually(t, func() bool { return calls.Load() == 10 }, 5*time.Second, time.Millisecond)

	proxy.Down()
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	require.ErrorIs(t, s.StoreReady(short), store.ErrUnavailable)
	_, err = s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: waiter, Name: "during"})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeServiceUnavailable, apiErr.Code)
	assert.Equal(t, 503, apiErr.Status())
	close(release) // the Tasks end while their outcome cannot be stored
	time.Sleep(1500 * time.Millisecond)
	proxy.Up()

	for _, arn := range arns {
		awaitSucceeded(t, s, arn, 10*time.Second)
		h, err := s.GetExecutionHistory(ctx, &GetExecutionHistoryInput{ExecutionArn: arn, MaxResults: 1000})
		require.NoError(t, err)
		terminal := 0
		for i, raw := range h.Events {
			var e struct {
				ID   int64  `json:"id"`
				Type string `json:"type"`
			}
			require.NoError(t, json.Unmarshal(raw, &e))
			require.Equal(t, int64(i+1), e.ID, "dense ids: %s", arn)
			if strings.HasPrefix(e.Type, "Execution") && e.Type != "ExecutionStarted" {
				terminal++
			}
		}
		assert.Equal(t, 1, terminal, "one terminal event: %s", arn)
	}
	assert.Equal(t, int64(10), calls.Load(), "no Task ran twice")
	require.NoError(t, s.StoreReady(ctx))
}
