package service_test

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

// TestExpressFootprint: aslrun serve --memory runs 100,000 StartSyncExecution calls of a small Express
// machine in bounded memory, as the store keeps no Express execution once it has ended. Before it did, the
// heap grew by about 3 KB per call here (its record and history events), 300 MB in all. It takes a few
// seconds; -short skips it.
func TestExpressFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 executions")
	}
	const n = 100_000
	ctx := context.Background()
	svc, err := service.New(service.Options{Store: memory.New(memory.WithRetention(memory.Retention{
		Executions: memory.DefaultRetainExecutions, For: memory.DefaultRetainFor}))})
	require.NoError(t, err)
	defer svc.Close()
	sm, err := svc.CreateStateMachine(ctx, &service.CreateStateMachineInput{Name: "small", Type: "EXPRESS",
		Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"done","ResultPath":"$.c","Next":"Q"},"Q":{"Type":"Pass","End":true}}}`,
		RoleArn:    "arn:aws:iam::123456789012:role/r"})
	require.NoError(t, err)

	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()
	for i := range n {
		out, err := svc.StartSyncExecution(ctx, &service.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"a":1}`})
		require.NoError(t, err)
		if i == 0 {
			require.Equal(t, "SUCCEEDED", out.Status)
			require.JSONEq(t, `{"a":1,"c":"done"}`, *out.Output)
		}
	}
	grown := int64(heap()) - int64(before)
	debug.FreeOSMemory()
	rss := vmRSS(t)
	t.Logf("after %d executions: heap in use grew by %d KB (%d B per execution), VmRSS %d MB", n, grown>>10, grown/n, rss>>20)
	assert.Less(t, grown, int64(16<<20), "the heap must not grow with the number of finished Express executions")
	assert.Less(t, rss, int64(200<<20))
}

// vmRSS is this process's resident set size, from /proc/self/status (0 where there is none).
func vmRSS(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Logf("no VmRSS: %v", err)
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	return 0
}
