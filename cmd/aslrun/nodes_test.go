package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store/postgres/pgtest"
)

// The postgres issue's Done-when: two nodes on one PostgreSQL database; 100 executions with a 2 s Wait and
// 50 whose Map items wait 2 s are started on node A, which is then killed with SIGKILL; node B finishes all
// 150, each history dense with one terminal event.
func TestTwoNodesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	db := pgtest.URL(t)
	a, urlA := serverProcess(t, "--store", db, "--node-id", "a")
	_, urlB := serverProcess(t, "--store", db, "--node-id", "b")
	clientA, clientB := sfnClient(urlA), sfnClient(urlB)
	waiter := createMachine(t, clientA, "waiter", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2,"Next":"P"},
		"P":{"Type":"Pass","Parameters":{"waited.$":"$.n"},"End":true}}}`)
	mapper := createMachine(t, clientA, "mapper", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{
		"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2,"End":true}}}}}}`)
	var (
		mu   sync.Mutex
		arns []string
		wg   sync.WaitGroup
	)
	for i := range 150 {
		wg.Go(func() {
			m, input := waiter, fmt.Sprintf(`{"n":%d}`, i)
			if i >= 100 {
				m, input = mapper, `[1,2,3,4,5]`
			}
			arn := startExecution(t, clientA, m, input)
			mu.Lock()
			arns = append(arns, arn)
			mu.Unlock()
		})
	}
	wg.Wait()
	time.Sleep(300 * time.Millisecond) // the parks land
	require.NoError(t, a.Process.Kill())
	_ = a.Wait()
	killed := time.Now()

	for _, arn := range arns {
		d := awaitEnd(t, clientB, arn, 30*time.Second)
		require.Equal(t, types.ExecutionStatusSucceeded, d.Status, aws.ToString(d.Cause))
		h, err := clientB.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
		require.NoError(t, err)
		terminal := 0
		for i, e := range h.Events {
			require.Equal(t, int64(i+1), e.Id, "dense ids")
			switch e.Type {
			case types.HistoryEventTypeExecutionSucceeded, types.HistoryEventTypeExecutionFailed,
				types.HistoryEventTypeExecutionAborted, types.HistoryEventTypeExecutionTimedOut:
				terminal++
			}
		}
		assert.Equal(t, 1, terminal, "one terminal event: %s", arn)
	}
	t.Logf("node B finished all %d executions %v after node A was killed", len(arns), time.Since(killed).Round(time.Millisecond))
}

// BenchmarkFailover measures how soon a node takes over the work of one killed with SIGKILL, for two
// leases. Node A runs 20 executions looping through a Task (an exec handler that takes 0.2 s) and has 20
// more just started on a 1 s Wait; then it is killed. running-s is the time from the kill until node B has
// recorded an event of every one of A's running executions (their leases ran out); parked-s until B has
// ended every waiting one.
//
//	go test ./cmd/aslrun -run xxx -bench Failover -benchtime 1x
func BenchmarkFailover(b *testing.B) {
	for _, lease := range []string{"2s", "6s"} {
		b.Run("lease="+lease, func(b *testing.B) {
			var running, parked time.Duration
			for range b.N {
				r, p := failover(b, lease)
				running, parked = running+r, parked+p
			}
			b.ReportMetric(running.Seconds()/float64(b.N), "running-s")
			b.ReportMetric(parked.Seconds()/float64(b.N), "parked-s")
		})
	}
}

// failover runs one kill of BenchmarkFailover.
func failover(b *testing.B, lease string) (running, parked time.Duration) {
	b.StopTimer()
	ctx := context.Background()
	db := pgtest.URL(b)
	handlers := filepath.Join(b.TempDir(), "handlers.json")
	require.NoError(b, os.WriteFile(handlers, fmt.Appendf(nil, `{%q: {"exec": ["sh", "-c", "cat > /dev/null; sleep 0.2; echo {}"]}}`,
		countFunction), 0o600))
	a, urlA := serverProcess(b, "--store", db, "--node-id", "a", "--lease", lease, "--handlers", handlers)
	_, urlB := serverProcess(b, "--store", db, "--node-id", "b", "--lease", lease, "--handlers", handlers)
	clientA, clientB := sfnClient(urlA), sfnClient(urlB)
	loop := createMachine(b, clientA, "loop", fmt.Sprintf(`{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":%q,"ResultPath":null,"Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"S"}],"Default":"T"},"S":{"Type":"Succeed"}}}`, countFunction))
	waiter := createMachine(b, clientA, "waiter", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`)
	var loops, waits []string
	for range 20 {
		loops = append(loops, startExecution(b, clientA, loop, `{}`))
	}
	time.Sleep(time.Second) // the loops are well under way
	for range 20 {
		waits = append(waits, startExecution(b, clientA, waiter, `{}`))
	}
	b.StartTimer()
	require.NoError(b, a.Process.Kill())
	_ = a.Wait()
	killed := time.Now()
	last := func(arn string) int64 {
		h, err := clientB.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1, ReverseOrder: true})
		require.NoError(b, err)
		return h.Events[0].Id
	}
	before := map[string]int64{}
	for _, arn := range loops {
		before[arn] = last(arn)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, arn := range waits {
			d := awaitEnd(b, clientB, arn, 30*time.Second)
			require.Equal(b, types.ExecutionStatusSucceeded, d.Status)
		}
		parked = time.Since(killed)
	})
	for len(before) > 0 {
		for arn, id := range before {
			if last(arn) > id {
				delete(before, arn)
			}
		}
		require.Less(b, time.Since(killed), 60*time.Second, "node B did not take over")
		time.Sleep(20 * time.Millisecond)
	}
	running = time.Since(killed)
	wg.Wait()
	b.StopTimer()
	for _, arn := range loops {
		_, err := clientB.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)})
		require.NoError(b, err)
	}
	return running, parked
}
