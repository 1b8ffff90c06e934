package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aslrun/aslrun/server/store/storetest"
)

func BenchmarkCommit(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	defer s.Close()
	storetest.BenchmarkCommit(b, s)
}

// BenchmarkFootprint reports the file size of 100,000 executions waiting on a task token; run it with
// -benchtime=1x.
func BenchmarkFootprint(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "footprint.db")
		s := open(b, path)
		storetest.Fill(b, s, n)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(info.Size())/n, "file-bytes/execution")
	}
}
