package s3

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter/maprun"
)

// benchBucket fills a directory store's bucket with folders of small files.
func benchBucket(b *testing.B, folders, files int) *Store {
	b.Helper()
	root := b.TempDir()
	for f := range folders {
		dir := filepath.Join(root, "data", fmt.Sprintf("part-%04d", f))
		require.NoError(b, os.MkdirAll(dir, 0o755))
		for i := range files {
			require.NoError(b, os.WriteFile(filepath.Join(dir, fmt.Sprintf("row-%05d.json", i)), []byte(`{"n":1}`), 0o644))
		}
	}
	s, err := OpenDir(root)
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkDirList lists 10,000 files in 100 folders, as a Distributed Map's listObjectsV2 reader does
// (ETags included: hashed on the first listing, then cached).
func BenchmarkDirList(b *testing.B) {
	s := benchBucket(b, 100, 100)
	ctx := context.Background()
	for b.Loop() {
		n := 0
		require.NoError(b, s.List(ctx, "data", "", func(maprun.Object) error { n++; return nil }))
		require.Equal(b, 10_000, n)
	}
}

// BenchmarkDirListDelimiter lists the 100 folders of that bucket as common prefixes: a folder is
// skipped, not walked.
func BenchmarkDirListDelimiter(b *testing.B) {
	s := benchBucket(b, 100, 100)
	ctx := context.Background()
	for b.Loop() {
		out, err := s.Call(ctx, "listObjectsV2", map[string]any{"Bucket": "data", "Delimiter": "/"})
		require.NoError(b, err)
		require.Equal(b, int64(100), out["KeyCount"])
	}
}

// BenchmarkDirPut writes 1 KiB objects: temporary file, rename, MD5.
func BenchmarkDirPut(b *testing.B) {
	s := benchBucket(b, 0, 0)
	require.NoError(b, s.CreateBucket("data"))
	body := strings.Repeat("x", 1024)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		require.NoError(b, s.Put(ctx, "data", fmt.Sprintf("out/%d.json", i%1000), strings.NewReader(body)))
		i++
	}
}
