package service

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/postgres"
	"github.com/aslrun/aslrun/server/store/postgres/pgtest"
)

// BenchmarkNodes runs 1, 2 and 3 nodes (services, each with its own connection pool) on one PostgreSQL
// database, in this process, and starts b.N executions spread over them from 32 clients: starts/s is
// how fast StartExecution answers, done/s how fast the executions end and transitions/s how many states
// they enter per second (a 3-state Pass machine, and one with a 1 s Wait and a Pass, which parks and is
// woken by whichever node's scheduler claims its timer first).
//
//	go test ./server/service -run xxx -bench Nodes -benchtime 2000x
func BenchmarkNodes(b *testing.B) {
	srv := pgtest.New(b)
	machines := map[string]string{
		"pass": `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"C"},"C":{"Type":"Pass","End":true}}}`,
		"wait": `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","End":true}}}`,
	}
	states := map[string]int{"pass": 3, "wait": 2}
	for _, machine := range []string{"pass", "wait"} {
		for nodes := 1; nodes <= 3; nodes++ {
			b.Run(fmt.Sprintf("%s/nodes=%d", machine, nodes), func(b *testing.B) {
				ctx := context.Background()
				url := srv.URL(b)
				var svcs []*Service
				for i := range nodes {
					st, err := postgres.Open(ctx, url)
					require.NoError(b, err)
					b.Cleanup(func() { _ = st.Close() })
					s, err := New(Options{Store: st, NodeID: fmt.Sprint("n", i), Shared: true})
					require.NoError(b, err)
					b.Cleanup(s.Close)
					svcs = append(svcs, s)
				}
				sm, err := svcs[0].CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", Definition: machines[machine],
					RoleArn: "arn:aws:iam::123456789012:role/r"})
				require.NoError(b, err)
				var n atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				start := time.Now()
				for range 32 {
					wg.Go(func() {
						for {
							i := n.Add(1)
							if i > int64(b.N) {
								return
							}
							s := svcs[int(i)%nodes]
							if _, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: fmt.Sprint("e", i)}); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				started := time.Since(start)
				waitUntil(b, func() bool {
					out, err := svcs[0].ListExecutions(ctx, &ListExecutionsInput{StateMachineArn: sm.StateMachineArn, StatusFilter: store.Running, MaxResults: 1})
					return err == nil && len(out.Executions) == 0
				})
				done := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(b.N)/started.Seconds(), "starts/s")
				b.ReportMetric(float64(b.N)/done.Seconds(), "done/s")
				b.ReportMetric(float64(b.N*states[machine])/done.Seconds(), "transitions/s")
			})
		}
	}
}

// BenchmarkNodesTokenAnswer: an execution parks on a task token on node A; the token is answered on node
// B. answer-ms is the time from SendTaskSuccess to the execution's end: node B stores the answer with a
// timer due at once, and whichever node claims it first (B's own scheduler, poked; or A's, woken by the
// store's notification) resumes the execution.
//
//	go test ./server/service -run xxx -bench NodesTokenAnswer -benchtime 50x
func BenchmarkNodesTokenAnswer(b *testing.B) {
	ctx := context.Background()
	url := pgtest.URL(b)
	tokens := make(chan string, 1)
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		tokens <- req.Token
		return map[string]any{}, nil
	})
	var svcs []*Service
	for _, id := range []string{"a", "b"} {
		st, err := postgres.Open(ctx, url)
		require.NoError(b, err)
		b.Cleanup(func() { _ = st.Close() })
		s, err := New(Options{Store: st, NodeID: id, Shared: true, Invoker: inv})
		require.NoError(b, err)
		b.Cleanup(s.Close)
		svcs = append(svcs, s)
	}
	sm, err := svcs[0].CreateStateMachine(ctx, &CreateStateMachineInput{Name: "token", RoleArn: "arn:aws:iam::123456789012:role/r",
		Definition: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			"Parameters":{"token.$":"$$.Task.Token"},"End":true}}}`})
	require.NoError(b, err)
	var answering time.Duration
	b.ResetTimer()
	for range b.N {
		run, err := svcs[0].StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn})
		require.NoError(b, err)
		token := <-tokens
		waitUntil(b, func() bool { // parked: the token is the store's
			_, err := svcs[1].store.GetToken(ctx, token)
			return err == nil
		})
		start := time.Now()
		_, err = svcs[1].SendTaskSuccess(ctx, &SendTaskSuccessInput{TaskToken: token, Output: `{}`})
		require.NoError(b, err)
		waitUntil(b, func() bool {
			d, err := svcs[1].DescribeExecution(ctx, &DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
			return err == nil && d.Status == store.Succeeded
		})
		answering += time.Since(start)
	}
	b.ReportMetric(float64(answering.Microseconds())/1000/float64(b.N), "answer-ms")
}
