package main

import (
	"context"
	"fmt"
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
