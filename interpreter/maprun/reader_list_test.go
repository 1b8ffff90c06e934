package maprun

import (
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"testing"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListObjects(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {
		"file_0.txt":               "0HelloWorld!",
		"processData/a.jpg":        "aaaa",
		"processData/images/b.jpg": "bb",
		"processData/z.jpg":        "z",
		"processData10/c.jpg":      "c",
	}})
	meta := func(key string, size int64) map[string]any {
		return map[string]any{"Etag": etagOf(objs, key), "Key": key, "LastModified": testModified().Unix(), "Size": size, "StorageClass": "STANDARD"}
	}
	for _, tc := range []struct {
		name   string
		params map[string]any
		want   []any
	}{
		{"all", map[string]any{"Bucket": "b"}, []any{meta("file_0.txt", 12), meta("processData/a.jpg", 4), meta("processData/images/b.jpg", 2),
			meta("processData/z.jpg", 1), meta("processData10/c.jpg", 1)}},
		{"prefix", map[string]any{"Bucket": "b", "Prefix": "processData/"}, []any{meta("processData/a.jpg", 4), meta("processData/images/b.jpg", 2), meta("processData/z.jpg", 1)}},
		{"prefix without a slash", map[string]any{"Bucket": "b", "Prefix": "processData"}, []any{meta("processData/a.jpg", 4), meta("processData/images/b.jpg", 2),
			meta("processData/z.jpg", 1), meta("processData10/c.jpg", 1)}},
		{"start after", map[string]any{"Bucket": "b", "Prefix": "processData/", "StartAfter": "processData/images/b.jpg"}, []any{meta("processData/z.jpg", 1)}},
		{"delimiter", map[string]any{"Bucket": "b", "Prefix": "processData/", "Delimiter": "/", "MaxKeys": int64(1)}, []any{meta("processData/a.jpg", 4), meta("processData/z.jpg", 1)}},
		{"nothing", map[string]any{"Bucket": "b", "Prefix": "none/"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, origins, err := readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: tc.params})
			require.NoError(t, err)
			assert.Equal(t, tc.want, items)
			for _, o := range origins {
				assert.Equal(t, Origin{Source: "S3://b"}, o)
			}
		})
	}
	t.Run("etag keeps its quotes", func(t *testing.T) {
		items, _, err := readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b", "Prefix": "file_0"}})
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf(`"%x"`, md5.Sum([]byte("0HelloWorld!"))), items[0].(map[string]any)["Etag"])
		assert.Equal(t, int64(1668699881), items[0].(map[string]any)["LastModified"])
	})
	t.Run("max items", func(t *testing.T) {
		items, _, err := readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b"}, Config: ReaderConfig{MaxItems: 2}})
		require.NoError(t, err)
		assert.Len(t, items, 2)
	})
	t.Run("missing bucket", func(t *testing.T) {
		_, _, err := readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "nob"}})
		requireFailure(t, err, failure.ItemReaderFailed, "The specified bucket does not exist (bucket nob)")
	})
}

// etagOf is the ETag readerObjects lists for an object.
func etagOf(objs *readerObjects, key string) string {
	var etag string
	objs.List(context.Background(), "b", key, func(o Object) error {
		if o.Key == key {
			etag = o.ETag
		}
		return nil
	})
	return etag
}

func TestListObjectsStopsEarly(t *testing.T) {
	keys := map[string]string{}
	for i := range 500 {
		keys[string(rune('a'+i%26))+string(rune('a'+i/26))] = "x"
	}
	objs := &countingObjects{readerObjects: newObjects(map[string]map[string]string{"b": keys})}
	it, err := Open(context.Background(), objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b"}})
	require.NoError(t, err)
	_, err = it.Next()
	require.NoError(t, err)
	require.NoError(t, it.Close())
	// The lister stopped long before the end: it is bounded by the channel, not by the listing.
	assert.Less(t, objs.listed, 200)
	assert.ErrorIs(t, objs.err, context.Canceled)
	_, err = it.Next()
	assert.ErrorIs(t, err, io.EOF)
}

// countingObjects counts what List hands out and keeps how the listing ended.
type countingObjects struct {
	*readerObjects
	listed int
	err    error
}

func (c *countingObjects) List(ctx context.Context, bucket, prefix string, fn func(Object) error) error {
	c.err = c.readerObjects.List(ctx, bucket, prefix, func(o Object) error {
		c.listed++
		return fn(o)
	})
	return c.err
}

func TestLoadAndFlatten(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {
		"logs/":           "",
		"logs/00.json":    `[{"h": 0}, {"h": 1}]`,
		"logs/01.json.gz": gzipped(`[{"h": 2}]`),
		"logs/02.json":    `[]`,
		"logs/03.json":    `{"k": "v"}`,
		"other/x.json":    `[{"h": 9}]`,
		"bad/0.csv":       "a\n1\n",
		"bad/1.csv":       "a\n\"2\n",
	}})
	items, origins, err := readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b", "Prefix": "logs/"},
		Config: ReaderConfig{InputType: "JSON", Transformation: "LOAD_AND_FLATTEN"}})
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"h": int64(0)}, map[string]any{"h": int64(1)}, map[string]any{"h": int64(2)}, map[string]any{"Key": "k", "Value": "v"}}, items)
	assert.Equal(t, []Origin{{Source: "S3://b/logs/00.json"}, {Source: "S3://b/logs/00.json"}, {Source: "S3://b/logs/01.json.gz"},
		{Source: "S3://b/logs/03.json", Entry: true, Key: "k"}}, origins)

	items, _, err = readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b", "Prefix": "bad/"},
		Config: ReaderConfig{InputType: "CSV", Transformation: "LOAD_AND_FLATTEN"}})
	requireFailure(t, err, failure.ItemReaderFailed, "line 2 of s3://b/bad/1.csv is malformed")
	assert.Equal(t, []any{row("a", "1")}, items)

	items, _, err = readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b", "Prefix": "logs/"},
		Config: ReaderConfig{InputType: "JSON", Transformation: "LOAD_AND_FLATTEN", MaxItems: 2}})
	require.NoError(t, err)
	assert.Len(t, items, 2)

	_, _, err = readAll(t, objs, ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "nob"},
		Config: ReaderConfig{InputType: "JSON", Transformation: "LOAD_AND_FLATTEN"}})
	requireFailure(t, err, failure.ItemReaderFailed, "bucket does not exist")
}
