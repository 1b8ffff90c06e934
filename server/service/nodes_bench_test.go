package service

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
