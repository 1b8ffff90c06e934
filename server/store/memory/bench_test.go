package memory_test

import (
	"runtime"
	"testing"

	"github.com/aslrun/aslrun/server/store/memory"
	"github.com/aslrun/aslrun/server/store/storetest"
)

func BenchmarkCommit(b *testing.B) {
	storetest.BenchmarkCommit(b, memory.New())
}

// BenchmarkFootprint reports the heap held by 100,000 executions waiting on a task token; run it with
// -benchtime=1x.
func BenchmarkFootprint(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := memory.New()
		storetest.Fill(b, s, n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-bytes/execution")
		runtime.KeepAlive(s)
	}
}
