package service

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store/sqlite"
)

// BenchmarkParkedTokens parks ASLRUN_PARKED executions (default 100,000) of a .waitForTaskToken machine in
// one service on SQLite, reports the process's resident memory while they wait (rss-MiB) and the
// goroutines left, then answers every token and waits until all have succeeded.
//
//	go test ./server/service -run xxx -bench ParkedTokens -benchtime 1x
func BenchmarkParkedTokens(b *testing.B) {
	benchParked(b, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"token.$":"$$.Task.Token"},"End":true}}}`, `{}`, 1, `{"ok":true}`)
}

// BenchmarkParkedInMap does the same with executions whose two Map iterations each wait for a task token:
// they park inside the iterations, and resume once per answer that finds them parked.
//
//	go test ./server/service -run xxx -bench ParkedInMap -benchtime 1x
func BenchmarkParkedInMap(b *testing.B) {
	benchParked(b, `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},"End":true}}}}}}`,
		`[1,2]`, 2, `[{"ok":true},{"ok":true}]`)
}

// benchParked parks ASLRUN_PARKED executions of definition on input, each waiting for tokens task tokens,
// answers them all and checks that an execution's output is want.
func benchParked(b *testing.B, definition, input string, tokens int, want string) {
	n := 100000
	if v := os.Getenv("ASLRUN_PARKED"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for range b.N {
		st, err := sqlite.Open(filepath.Join(b.TempDir(), "aslrun.db"))
		require.NoError(b, err)
		var mu sync.Mutex
		var issued []string
		inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
			mu.Lock()
			issued = append(issued, req.Token)
			mu.Unlock()
			return map[string]any{}, nil
		})
		svc, err := New(Options{Store: st, Invoker: inv})
		require.NoError(b, err)
		ctx := context.Background()
		sm, err := svc.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "parked", RoleArn: "arn:aws:iam::123456789012:role/r",
			Definition: definition})
		require.NoError(b, err)
		start := time.Now()
		var wg sync.WaitGroup
		starts := make(chan int)
		for range 32 {
			wg.Go(func() {
				for i := range starts {
					_, err := svc.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: fmt.Sprint("e", i), Input: input})
					if err != nil {
						b.Error(err)
					}
				}
			})
		}
		for i := range n {
			starts <- i
		}
		close(starts)
		wg.Wait()
		waitUntil(b, func() bool { return parkedCount(svc) == 0 && len(tokensOf(&mu, &issued)) == tokens*n })
		parked := time.Since(start)
		runtime.GC()
		b.ReportMetric(rssMiB(), "rss-MiB")
		b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines")
		b.ReportMetric(float64(n)/parked.Seconds(), "parked/s")

		answered := time.Now()
		answers := make(chan string)
		for range 32 {
			wg.Go(func() {
				for tok := range answers {
					if _, err := svc.SendTaskSuccess(ctx, &SendTaskSuccessInput{TaskToken: tok, Output: `{"ok":true}`}); err != nil {
						b.Error(err)
					}
				}
			})
		}
		for _, tok := range tokensOf(&mu, &issued) {
			answers <- tok
		}
		close(answers)
		wg.Wait()
		waitUntil(b, func() bool {
			out, err := svc.ListExecutions(ctx, &ListExecutionsInput{StateMachineArn: sm.StateMachineArn, StatusFilter: "RUNNING", MaxResults: 1})
			return err == nil && len(out.Executions) == 0
		})
		b.ReportMetric(float64(n)/time.Since(answered).Seconds(), "completed/s")
		out, err := svc.ListExecutions(ctx, &ListExecutionsInput{StateMachineArn: sm.StateMachineArn, StatusFilter: "SUCCEEDED", MaxResults: 1000})
		require.NoError(b, err)
		require.Len(b, out.Executions, min(n, 1000))
		d, err := svc.DescribeExecution(ctx, &DescribeExecutionInput{ExecutionArn: out.Executions[0].ExecutionArn})
		require.NoError(b, err)
		require.JSONEq(b, want, deref(d.Output))
		svc.Close()
		require.NoError(b, st.Close())
	}
}

func tokensOf(mu *sync.Mutex, tokens *[]string) []string {
	mu.Lock()
	defer mu.Unlock()
	return *tokens
}

// parkedCount is the number of executions running in this process (not parked).
func parkedCount(s *Service) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.running)
}

func waitUntil(b *testing.B, cond func() bool) {
	for deadline := time.Now().Add(10 * time.Minute); !cond(); {
		if time.Now().After(deadline) {
			b.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rssMiB reads the process's resident set size (Linux); 0 elsewhere.
func rssMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
