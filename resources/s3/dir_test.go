package s3

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter/maprun"
)

func openTestDir(t *testing.T) (*Store, string) {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "data"), 0o755))
	s, err := OpenDir(root)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, root
}

func TestOpenDir(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err := OpenDir(filepath.Join(root, "missing"))
	assert.ErrorContains(t, err, "missing does not exist")
	_, err = OpenDir(file)
	assert.ErrorContains(t, err, "is not a directory")
	s, err := OpenDir(root)
	require.NoError(t, err)
	assert.Equal(t, root, s.Dir())
	assert.NoError(t, s.Close())
	assert.Equal(t, "", New(Options{}).Dir())
}

func TestDirFilesAreObjects(t *testing.T) {
	s, root := openTestDir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "data", "in", "2026"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "data", "in", "2026", "rows.csv"), []byte("a,b\n1,2\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(root, "other"), 0o755))

	out := mustCall(t, s, "getObject", map[string]any{"Bucket": "data", "Key": "in/2026/rows.csv"})
	assert.Equal(t, "a,b\n1,2\n", out["Body"])
	assert.Equal(t, quotedMD5("a,b\n1,2\n"), out["ETag"])

	mustCall(t, s, "putObject", map[string]any{"Bucket": "data", "Key": "out/result.json", "Body": map[string]any{"ok": true}})
	b, err := os.ReadFile(filepath.Join(root, "data", "out", "result.json"))
	require.NoError(t, err)
	assert.Equal(t, `{"ok":true}`, string(b))

	// A file changed behind the store's back has a new ETag.
	path := filepath.Join(root, "data", "in", "2026", "rows.csv")
	require.NoError(t, os.WriteFile(path, []byte("changed"), 0o644))
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(path, later, later))
	out = mustCall(t, s, "headObject", map[string]any{"Bucket": "data", "Key": "in/2026/rows.csv"})
	assert.Equal(t, quotedMD5("changed"), out["ETag"])
	assert.Equal(t, later.UTC().Format(time.RFC3339), out["LastModified"])

	buckets, err := s.b.buckets()
	require.NoError(t, err)
	assert.Equal(t, []string{"data", "other"}, buckets)
}

func TestDirRefusesKeysOutsideTheRoot(t *testing.T) {
	s, root := openTestDir(t)
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "data", "inside"), []byte("in"), 0o644))
	rel, err := filepath.Rel(filepath.Join(root, "data"), filepath.Join(outside, "secret"))
	require.NoError(t, err)
	require.NoError(t, os.Symlink(rel, filepath.Join(root, "data", "rel-out")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "data", "abs-out")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "data", "dir-out")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "linked-bucket")))

	tests := []struct {
		name, bucket, key string
		code, contains    string
	}{
		{"dot dot", "data", "../x", "InvalidArgument", `has a ".." segment`},
		{"dot dot deeper", "data", "a/../../x", "InvalidArgument", `has a ".." segment`},
		{"dot", "data", "./x", "InvalidArgument", `has a "." segment`},
		{"absolute", "data", "/etc/passwd", "InvalidArgument", "empty segment"},
		{"double slash", "data", "a//b", "InvalidArgument", "empty segment"},
		{"trailing slash", "data", "a/", "InvalidArgument", "empty segment"},
		{"NUL", "data", "a\x00b", "InvalidArgument", "NUL"},
		{"temporary name", "data", "a/" + tempPrefix + "x", "InvalidArgument", tempPrefix},
		{"long segment", "data", strings.Repeat("x", 256), "InvalidArgument", "255 bytes"},
		{"relative link out", "data", "rel-out", "AccessDenied", "leads outside the S3 root"},
		{"absolute link out", "data", "abs-out", "AccessDenied", "leads outside the S3 root"},
		{"through a folder link out", "data", "dir-out/secret", "AccessDenied", "leads outside the S3 root"},
		{"bucket linked out", "linked-bucket", "secret", "AccessDenied", `the bucket "linked-bucket"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, action := range []string{"getObject", "headObject", "putObject", "deleteObject"} {
				req := map[string]any{"Bucket": tt.bucket, "Key": tt.key}
				if action == "putObject" {
					req["Body"] = "pwned"
				}
				_, err := call(t, s, action, req)
				require.Error(t, err, action)
				assert.Equal(t, tt.code, code(err), "%s: %v", action, err)
				assert.Contains(t, err.Error(), tt.contains, action)
				assert.Contains(t, err.Error(), tt.bucket, "the error names the bucket")
				if tt.bucket == "data" {
					assert.Contains(t, err.Error(), strings.ReplaceAll(tt.key, "\x00", `\x00`), "the error names the key")
				}
			}
			_, _, err := s.Get(context.Background(), tt.bucket, tt.key)
			assert.Equal(t, tt.code, code(err))
			err = s.Put(context.Background(), tt.bucket, tt.key, strings.NewReader("pwned"))
			assert.Equal(t, tt.code, code(err))
		})
	}
	b, err := os.ReadFile(filepath.Join(outside, "secret"))
	require.NoError(t, err)
	assert.Equal(t, "secret", string(b), "nothing outside the root was written")
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Len(t, entries, 1)

	// A listing that meets a link out of the root fails rather than leave the root or hide the object.
	_, err = call(t, s, "listObjectsV2", map[string]any{"Bucket": "data"})
	assert.Equal(t, "AccessDenied", code(err))
	assert.ErrorContains(t, err, `"abs-out"`, "the first in key order")
	// One that does not reach the link lists.
	out := mustCall(t, s, "listObjectsV2", map[string]any{"Bucket": "data", "Prefix": "in"})
	assert.Equal(t, int64(1), out["KeyCount"])

	// The in-memory S3 takes such keys, as S3 does.
	mem := New(Options{AutoCreate: true})
	mustCall(t, mem, "putObject", map[string]any{"Bucket": "data", "Key": "../x", "Body": "v"})
	assert.Equal(t, `"v"`, mustCall(t, mem, "getObject", map[string]any{"Bucket": "data", "Key": "../x"})["Body"])
}

func TestDirFollowsLinksInsideTheRoot(t *testing.T) {
	s, root := openTestDir(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "shared", "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "shared", "sub", "f.txt"), []byte("shared"), 0o644))
	require.NoError(t, os.Symlink("../shared/sub", filepath.Join(root, "data", "linked")))
	require.NoError(t, os.Symlink("linked/f.txt", filepath.Join(root, "data", "file-link")))

	assert.Equal(t, "shared", mustCall(t, s, "getObject", map[string]any{"Bucket": "data", "Key": "linked/f.txt"})["Body"])
	assert.Equal(t, "shared", mustCall(t, s, "getObject", map[string]any{"Bucket": "data", "Key": "file-link"})["Body"])
	var keys []string
	require.NoError(t, s.List(context.Background(), "data", "", func(o maprun.Object) error {
		keys = append(keys, o.Key)
		assert.Equal(t, int64(6), o.Size)
		return nil
	}))
	assert.Equal(t, []string{"file-link", "linked/f.txt"}, keys)
	// Deleting the object behind a link removes the link, not its target.
	mustCall(t, s, "deleteObject", map[string]any{"Bucket": "data", "Key": "file-link"})
	_, err := os.Stat(filepath.Join(root, "shared", "sub", "f.txt"))
	assert.NoError(t, err)
}

func TestDirFileAndFolderConflicts(t *testing.T) {
	s, _ := openTestDir(t)
	put(t, s, "a", "file")
	put(t, s, "d/x", "file")
	_, err := call(t, s, "putObject", map[string]any{"Bucket": "data", "Key": "a/b", "Body": "x"})
	assert.Equal(t, "InvalidArgument", code(err))
	assert.ErrorContains(t, err, `The key "a/b" of the bucket "data" cannot be a file`)
	_, err = call(t, s, "putObject", map[string]any{"Bucket": "data", "Key": "d", "Body": "x"})
	assert.Equal(t, "InvalidArgument", code(err))
	assert.ErrorContains(t, err, "it is a folder holding other keys")
}

// failingReader gives some bytes, then fails: a write cut short.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), r.n)
	for i := range p[:n] {
		p[i] = 'x'
	}
	r.n -= n
	return n, nil
}

func TestDirWritesAreAtomic(t *testing.T) {
	s, root := openTestDir(t)
	put(t, s, "obj", "old")
	err := s.Put(context.Background(), "data", "obj", &failingReader{n: 100_000})
	require.ErrorContains(t, err, "connection reset")
	b, err := os.ReadFile(filepath.Join(root, "data", "obj"))
	require.NoError(t, err)
	assert.Equal(t, "old", string(b), "the object is whole, as it was")
	err = s.Put(context.Background(), "data", "new/obj", &failingReader{n: 10})
	require.Error(t, err)
	_, err = os.Stat(filepath.Join(root, "data", "new", "obj"))
	assert.True(t, errors.Is(err, os.ErrNotExist), "no part of an object")
	entries, err := os.ReadDir(filepath.Join(root, "data", "new"))
	require.NoError(t, err)
	assert.Empty(t, entries, "no temporary file is left")

	// A temporary file a crash left behind is no object.
	require.NoError(t, os.WriteFile(filepath.Join(root, "data", tempPrefix+"123"), []byte("half"), 0o644))
	var keys []string
	require.NoError(t, s.List(context.Background(), "data", "", func(o maprun.Object) error {
		keys = append(keys, o.Key)
		return nil
	}))
	assert.Equal(t, []string{"obj"}, keys)
}

func TestLargeObjectsETag(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", (partSize+partSize/2)/16) // 12 MiB: two 8 MiB parts
	for name, s := range backends(t) {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, s.Put(context.Background(), "data", "big", strings.NewReader(big)))
			out := mustCall(t, s, "headObject", map[string]any{"Bucket": "data", "Key": "big"})
			etag := out["ETag"].(string)
			assert.Regexp(t, `^"[0-9a-f]{32}-2"$`, etag, "a multipart upload's ETag, made without hashing the content")
			assert.Equal(t, int64(len(big)), out["ContentLength"])
			var listed string
			require.NoError(t, s.List(context.Background(), "data", "big", func(o maprun.Object) error {
				listed = o.ETag
				return nil
			}))
			assert.Equal(t, etag, listed)
			r, size, err := s.Get(context.Background(), "data", "big")
			require.NoError(t, err)
			defer r.Close()
			assert.Equal(t, int64(len(big)), size)
			ra, ok := r.(io.ReaderAt)
			require.True(t, ok, "the body is an io.ReaderAt")
			buf := make([]byte, 4)
			_, err = ra.ReadAt(buf, 16)
			require.NoError(t, err)
			assert.Equal(t, "0123", string(buf))
		})
	}
}
