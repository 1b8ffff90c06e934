package maprun

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dirObjects serves the files of a directory: root/bucket/key. Only Get is used here.
type dirObjects struct{ root string }

func (d dirObjects) Get(_ context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	f, err := os.Open(filepath.Join(d.root, bucket, key))
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func (dirObjects) List(context.Context, string, string, func(Object) error) error {
	return errors.ErrUnsupported
}

func (dirObjects) Put(context.Context, string, string, io.Reader) error { return errors.ErrUnsupported }

// BenchmarkCSVMillionRows reads a CSV file of 1,000,000 rows from disk and batches it by 100, reporting
// items/s and the most live heap seen (sampled every 100,000 items): it must not grow with the rows.
func BenchmarkCSVMillionRows(b *testing.B) {
	const rows = 1_000_000
	dir := b.TempDir()
	require.NoError(b, os.MkdirAll(filepath.Join(dir, "b"), 0o755))
	f, err := os.Create(filepath.Join(dir, "b", "ratings.csv"))
	require.NoError(b, err)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "userId,movieId,rating,timestamp")
	for i := range rows {
		fmt.Fprintf(w, "%d,%d,%d.5,%d\n", i/20, i%7919, i%5, 1256677221+i)
	}
	require.NoError(b, w.Flush())
	require.NoError(b, f.Close())
	objs := dirObjects{dir}
	spec := ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "ratings.csv"}, Config: ReaderConfig{InputType: "CSV"}}

	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var maxLive uint64
	var elapsed time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		it, err := Open(context.Background(), objs, spec)
		require.NoError(b, err)
		batches := Batch(it, BatchSpec{MaxItemsPerBatch: 100})
		n := 0
		for {
			v, err := batches.Next()
			if err == io.EOF {
				break
			}
			require.NoError(b, err)
			n += len(v.(map[string]any)["Items"].([]any))
			if n%100_000 == 0 {
				metrics.Read(live)
				maxLive = max(maxLive, live[0].Value.Uint64())
			}
		}
		require.NoError(b, batches.Close())
		require.Equal(b, rows, n)
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "items/s")
	b.ReportMetric(float64(maxLive)/(1<<20), "max-live-MiB")
}
