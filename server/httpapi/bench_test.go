package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/service"
)

// BenchmarkStartExecution starts executions of a 3-state Pass machine over loopback HTTP from 32 concurrent
// connections. starts/s is the rate StartExecution answers at; done/s counts until every execution's
// outcome is committed too. The +log variants write the access log (text) to a file, as serve does to
// stderr.
func BenchmarkStartExecution(b *testing.B) {
	for _, name := range []string{"memory", "sqlite", "memory+log", "sqlite+log"} {
		b.Run(name, func(b *testing.B) {
			backend, logged := strings.CutSuffix(name, "+log")
			var so serverOptions
			if logged {
				f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
				require.NoError(b, err)
				b.Cleanup(func() { _ = f.Close() })
				so.accessLog = f
			}
			e := newServer(b, backends[backend](b), service.Options{}, so)
			machine := e.create(b, "bench", passMachine, "")
			const conns = 32
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
			var n atomic.Int64
			b.SetParallelism((conns + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			start, cpu := time.Now(), cpuTime(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := fmt.Sprintf(`{"stateMachineArn":%q,"name":"e%d","input":"{\"k\":1}"}`, machine, n.Add(1))
					req, _ := http.NewRequest(http.MethodPost, e.url, bytes.NewBufferString(body))
					req.Header.Set("X-Amz-Target", "AWSStepFunctions.StartExecution")
					req.Header.Set("Content-Type", "application/x-amz-json-1.0")
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			started := time.Since(start)
			waitIdle(b, e, machine)
			done := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/started.Seconds(), "starts/s")
			b.ReportMetric(float64(b.N)/done.Seconds(), "done/s")
			// The process's CPU time (server, client and GC) per execution, its outcome committed: on a
			// shared machine a steadier measure than the rates.
			b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// waitIdle waits until no execution of the machine is RUNNING.
func waitIdle(b *testing.B, e *env, machine string) {
	for deadline := time.Now().Add(time.Minute); ; {
		status, body := post(b, e.url, "AWSStepFunctions.ListExecutions",
			fmt.Sprintf(`{"stateMachineArn":%q,"statusFilter":"RUNNING","maxResults":1}`, machine))
		require.Equal(b, http.StatusOK, status)
		if len(body["executions"].([]any)) == 0 {
			return
		}
		require.True(b, time.Now().Before(deadline), "executions still running")
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkAccessLog is the cost of WithAccessLog's line, written to a file, around an answer that costs
// nothing.
func BenchmarkAccessLog(b *testing.B) {
	answer := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Amzn-Requestid", "9fe8ea18-abae-4831-8750-ffbba2378be4")
		_, _ = w.Write([]byte(`{}`))
	})
	for _, format := range []string{"none", httpapi.LogText, httpapi.LogJSON} {
		b.Run(format, func(b *testing.B) {
			h := http.Handler(answer)
			if format != "none" {
				f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
				require.NoError(b, err)
				b.Cleanup(func() { _ = f.Close() })
				lh, err := httpapi.NewLogHandler(f, format)
				require.NoError(b, err)
				h = httpapi.WithAccessLog(slog.New(lh), answer)
			}
			req := httptest.NewRequest(http.MethodPost, "/", nil)
			req.Header.Set("X-Amz-Target", "AWSStepFunctions.StartExecution")
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
