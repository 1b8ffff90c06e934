package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/awserr"
)

// backends opens each kind of Store, empty but for the bucket "data"; the in-memory one does not create
// buckets, as the directory one cannot.
func backends(t *testing.T) map[string]*Store {
	t.Helper()
	mem := New(Options{})
	dir, err := OpenDir(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = dir.Close() })
	stores := map[string]*Store{"memory": mem, "dir": dir}
	for _, s := range stores {
		require.NoError(t, s.CreateBucket("data"))
	}
	return stores
}

func call(t *testing.T, s *Store, action string, req map[string]any) (map[string]any, error) {
	t.Helper()
	return s.Call(context.Background(), action, req)
}

func mustCall(t *testing.T, s *Store, action string, req map[string]any) map[string]any {
	t.Helper()
	out, err := call(t, s, action, req)
	require.NoError(t, err)
	return out
}

func put(t *testing.T, s *Store, key, body string) {
	t.Helper()
	_, err := s.b.write("data", key, strings.NewReader(body), attributes{})
	require.NoError(t, err)
}

func code(err error) string {
	var e *awserr.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func quotedMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}
