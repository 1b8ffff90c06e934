package maprun

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
)

// readerObjects is an in-memory Objects for the reader tests: bucket -> key -> body; bodies are
// io.ReaderAt unless streamOnly, and listings have ETags and dates (the writer tests have their own).
type readerObjects struct {
	buckets map[string]map[string][]byte
	// streamOnly serves bodies that are not io.ReaderAt, as a network store does.
	streamOnly bool
}

// testModified is when every object of readerObjects was last modified.
func testModified() time.Time { return time.Date(2022, 11, 17, 15, 44, 41, 0, time.UTC) }

func newObjects(buckets map[string]map[string]string) *readerObjects {
	m := &readerObjects{buckets: map[string]map[string][]byte{}}
	for b, objs := range buckets {
		m.buckets[b] = map[string][]byte{}
		for k, v := range objs {
			m.buckets[b][k] = []byte(v)
		}
	}
	return m
}

type bytesBody struct{ *bytes.Reader }

func (bytesBody) Close() error { return nil }

func (m *readerObjects) Get(_ context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	objs, ok := m.buckets[bucket]
	if !ok {
		return nil, 0, &ObjectError{Code: "NoSuchBucket", Bucket: bucket}
	}
	b, ok := objs[key]
	if !ok {
		return nil, 0, &ObjectError{Code: "NoSuchKey", Bucket: bucket, Key: key}
	}
	if m.streamOnly {
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}
	return bytesBody{bytes.NewReader(b)}, int64(len(b)), nil
}

func (m *readerObjects) List(ctx context.Context, bucket, prefix string, fn func(Object) error) error {
	objs, ok := m.buckets[bucket]
	if !ok {
		return &ObjectError{Code: "NoSuchBucket", Bucket: bucket}
	}
	var keys []string
	for k := range objs {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		o := Object{Key: k, ETag: fmt.Sprintf("%q", fmt.Sprintf("%x", md5.Sum(objs[k]))), LastModified: testModified(), Size: int64(len(objs[k]))}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

func (m *readerObjects) Put(_ context.Context, bucket, key string, body io.Reader) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if m.buckets[bucket] == nil {
		m.buckets[bucket] = map[string][]byte{}
	}
	m.buckets[bucket][key] = b
	return nil
}

func gzipped(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func zstded(s string) string {
	w, _ := zstd.NewWriter(nil)
	defer w.Close()
	return string(w.EncodeAll([]byte(s), nil))
}

const (
	getObject   = "arn:aws:states:::s3:getObject"
	listObjects = "arn:aws:states:::s3:listObjectsV2"
)

// readAll opens spec and reads every item, with each item's origin.
func readAll(t *testing.T, objs Objects, spec ReaderSpec) ([]any, []Origin, error) {
	t.Helper()
	it, err := Open(context.Background(), objs, spec)
	if err != nil {
		return nil, nil, err
	}
	defer func() { require.NoError(t, it.Close()) }()
	var items []any
	var origins []Origin
	for {
		v, err := it.Next()
		if err == io.EOF {
			return items, origins, nil
		}
		if err != nil {
			return items, origins, err
		}
		items = append(items, value.Plain(v)) // compared with maps
		origins = append(origins, it.Origin())
	}
}

// requireFailure checks a failure's name and the words its cause holds.
func requireFailure(t *testing.T, err error, name string, cause ...string) {
	t.Helper()
	require.Error(t, err)
	f, ok := err.(*failure.Error)
	require.True(t, ok, "%T %v is not a *failure.Error", err, err)
	assert.Equal(t, name, f.Name)
	for _, c := range cause {
		assert.Contains(t, f.Cause, c)
	}
}

func TestParseReaderConfig(t *testing.T) {
	full := map[string]any{
		"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": []any{"a", "b"}, "CSVDelimiter": "PIPE",
		"MaxItems": int64(5), "MaxItemsPath": "$.n", "Transformation": "NONE",
	}
	cfg, err := ParseReaderConfig(full)
	require.NoError(t, err)
	assert.Equal(t, ReaderConfig{InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"a", "b"},
		CSVDelimiter: "PIPE", MaxItems: 5, Transformation: "NONE"}, cfg)

	cfg, err = ParseReaderConfig(map[string]any{"InputType": "JSON", "ItemsPointer": "/a/b", "MaxItems": 7.0, "ManifestType": "ATHENA_DATA"})
	require.NoError(t, err)
	assert.Equal(t, ReaderConfig{InputType: "JSON", ItemsPointer: "/a/b", MaxItems: 7, ManifestType: "ATHENA_DATA"}, cfg)

	cfg, err = ParseReaderConfig(nil)
	require.NoError(t, err)
	assert.Equal(t, ReaderConfig{}, cfg)

	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"not an object", []any{}, "ReaderConfig must be an object, not an array"},
		{"unknown field", map[string]any{"Format": "CSV"}, `unknown field "Format"`},
		{"input type", map[string]any{"InputType": "XML"}, `InputType must be one of CSV, JSON, JSONL, MANIFEST, PARQUET, not "XML"`},
		{"input type not a string", map[string]any{"InputType": int64(1)}, "not a number"},
		{"header location", map[string]any{"CSVHeaderLocation": "LAST_ROW"}, "CSVHeaderLocation must be one of FIRST_ROW, GIVEN"},
		{"delimiter", map[string]any{"CSVDelimiter": ","}, "CSVDelimiter must be one of COMMA, PIPE, SEMICOLON, SPACE, TAB"},
		{"manifest type", map[string]any{"ManifestType": "CSV"}, "ManifestType must be one of ATHENA_DATA, S3_INVENTORY"},
		{"transformation", map[string]any{"Transformation": "FLATTEN"}, "Transformation must be one of LOAD_AND_FLATTEN, NONE"},
		{"headers not an array", map[string]any{"CSVHeaders": "a,b"}, "CSVHeaders must be an array of strings, not a string"},
		{"header not a string", map[string]any{"CSVHeaders": []any{"a", int64(2)}}, "CSVHeaders[1] must be a string, not a number"},
		{"pointer not a string", map[string]any{"ItemsPointer": int64(1)}, "ItemsPointer must be a string"},
		{"pointer without slash", map[string]any{"ItemsPointer": "a/b"}, `must start with "/"`},
		{"pointer bad escape", map[string]any{"ItemsPointer": "/a~2"}, `"~" must be followed by 0 or 1`},
		{"max items fraction", map[string]any{"MaxItems": 1.5}, "MaxItems must be an integer, not 1.5"},
		{"max items negative", map[string]any{"MaxItems": int64(-1)}, "between 0 and 100000000, not -1"},
		{"max items too big", map[string]any{"MaxItems": int64(100_000_001)}, "between 0 and 100000000, not 100000001"},
		{"max items string", map[string]any{"MaxItems": "5"}, "MaxItems must be an integer, not a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseReaderConfig(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestOpenRefusesWrongSpecs(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {"k": "[]"}})
	params := map[string]any{"Bucket": "b", "Key": "k"}
	for _, tc := range []struct {
		name string
		spec ReaderSpec
		want string
	}{
		{"resource", ReaderSpec{Resource: "arn:aws:states:::s3:putObject", Parameters: params}, "neither"},
		{"resource not states", ReaderSpec{Resource: "arn:aws:lambda:::s3:getObject", Parameters: params}, "neither"},
		{"no bucket", ReaderSpec{Resource: getObject, Parameters: map[string]any{"Key": "k"}, Config: ReaderConfig{InputType: "JSON"}}, "parameter Bucket is required"},
		{"bucket not a string", ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": int64(1), "Key": "k"}, Config: ReaderConfig{InputType: "JSON"}}, "Bucket must be a non-empty string, not a number"},
		{"no key", ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b"}, Config: ReaderConfig{InputType: "JSON"}}, "parameter Key is required"},
		{"version", ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "k", "VersionId": "v1"}, Config: ReaderConfig{InputType: "JSON"}}, "VersionId is not supported"},
		{"unknown parameter", ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "k", "Range": "bytes=0-9"}, Config: ReaderConfig{InputType: "JSON"}}, `unknown field "Range"`},
		{"no input type", ReaderSpec{Resource: getObject, Parameters: params}, "InputType is required"},
		{"pointer with csv", ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "CSV", ItemsPointer: "/a"}}, "ItemsPointer is only supported with InputType JSON"},
		{"csv fields with json", ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "JSON", CSVDelimiter: "PIPE"}}, "only supported with CSV files"},
		{"given without headers", ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "CSV", CSVHeaderLocation: "GIVEN"}}, "CSVHeaders is required"},
		{"headers without given", ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "CSV", CSVHeaders: []string{"a"}}}, "CSVHeaders needs CSVHeaderLocation GIVEN"},
		{"flatten with getObject", ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "JSON", Transformation: "LOAD_AND_FLATTEN"}}, "only supported with s3:listObjectsV2"},
		{"athena json", ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "JSON", ManifestType: "ATHENA_DATA"}}, "CSV, JSONL or PARQUET with ManifestType ATHENA_DATA"},
		{"inventory with input type", ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "CSV", ManifestType: "S3_INVENTORY"}}, "must not be given with ManifestType S3_INVENTORY"},
		{"list with input type", ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b"}, Config: ReaderConfig{InputType: "JSON"}}, "when Transformation is LOAD_AND_FLATTEN"},
		{"flatten without input type", ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b"}, Config: ReaderConfig{Transformation: "LOAD_AND_FLATTEN"}}, "CSV, JSON, JSONL or PARQUET with Transformation LOAD_AND_FLATTEN"},
		{"list with manifest", ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b"}, Config: ReaderConfig{ManifestType: "S3_INVENTORY"}}, "ManifestType is only supported with s3:getObject"},
		{"list unknown parameter", ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b", "FetchOwner": true}}, `unsupported field "FetchOwner"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), objs, tc.spec)
			requireFailure(t, err, failure.ItemReaderFailed, tc.want)
		})
	}
}

func TestOpenAnyPartition(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {"k": "[1]"}})
	items, _, err := readAll(t, objs, ReaderSpec{Resource: "arn:aws-cn:states:::s3:getObject",
		Parameters: map[string]any{"Bucket": "b", "Key": "k"}, Config: ReaderConfig{InputType: "JSON"}})
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1)}, items)
}

func TestMissingObjects(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {}})
	for _, tc := range []struct {
		name   string
		bucket string
		key    string
		cfg    ReaderConfig
		want   []string
	}{
		{"missing bucket", "nob", "k", ReaderConfig{InputType: "JSON"}, []string{"bucket does not exist", "nob"}},
		{"missing key", "b", "data/items.csv", ReaderConfig{InputType: "CSV"}, []string{"key does not exist", "bucket b", "data/items.csv"}},
		{"missing parquet", "b", "x.parquet", ReaderConfig{InputType: "PARQUET"}, []string{"key does not exist", "x.parquet"}},
		{"missing inventory", "b", "manifest.json", ReaderConfig{InputType: "MANIFEST"}, []string{"key does not exist", "manifest.json"}},
		{"missing athena manifest", "b", "q-manifest.csv", ReaderConfig{InputType: "CSV", ManifestType: "ATHENA_DATA"}, []string{"key does not exist", "q-manifest.csv"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": tc.bucket, "Key": tc.key}, Config: tc.cfg})
			requireFailure(t, err, failure.ItemReaderFailed, tc.want...)
		})
	}
}

func TestMaxItems(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {
		"a.json": `[1, 2, 3, 4]`,
		"a.csv":  "h\n1\n2\n3\n4\n",
	}})
	for _, tc := range []struct {
		key   string
		input string
		max   int64
		want  int
	}{
		{"a.json", "JSON", 2, 2},
		{"a.json", "JSON", 0, 4},
		{"a.json", "JSON", 10, 4},
		{"a.csv", "CSV", 3, 3},
		{"a.csv", "CSV", 1, 1},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.input, tc.max), func(t *testing.T) {
			items, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": tc.key},
				Config: ReaderConfig{InputType: tc.input, MaxItems: tc.max}})
			require.NoError(t, err)
			assert.Len(t, items, tc.want)
		})
	}
}

func TestObjectTooBig(t *testing.T) {
	objs := &sizedObjects{size: maxFileBytes + 1}
	_, err := Open(context.Background(), objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "huge.csv"}, Config: ReaderConfig{InputType: "CSV"}})
	requireFailure(t, err, failure.ItemReaderFailed, "s3://b/huge.csv", "larger than 10 GB")
	assert.True(t, objs.closed)
}

// sizedObjects claims an object of any size.
type sizedObjects struct {
	readerObjects
	size   int64
	closed bool
}

func (s *sizedObjects) Get(context.Context, string, string) (io.ReadCloser, int64, error) {
	return closeFunc(func() { s.closed = true }), s.size, nil
}

type closeFunc func()

func (closeFunc) Read([]byte) (int, error) { return 0, io.EOF }
func (c closeFunc) Close() error           { c(); return nil }

// brokenObjects fails every call with err.
type brokenObjects struct {
	readerObjects
	err error
}

func (b *brokenObjects) Get(context.Context, string, string) (io.ReadCloser, int64, error) {
	return nil, 0, b.err
}

func (b *brokenObjects) List(context.Context, string, string, func(Object) error) error { return b.err }

func TestStoreErrors(t *testing.T) {
	get := ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "k.json"}, Config: ReaderConfig{InputType: "JSON"}}
	list := ReaderSpec{Resource: listObjects, Parameters: map[string]any{"Bucket": "b"}}
	_, _, err := readAll(t, &brokenObjects{err: errors.New("disk on fire")}, get)
	requireFailure(t, err, failure.ItemReaderFailed, "Reading s3://b/k.json failed: disk on fire")
	_, _, err = readAll(t, &brokenObjects{err: errors.New("disk on fire")}, list)
	requireFailure(t, err, failure.ItemReaderFailed, "Reading s3://b/ failed: disk on fire")
	// A cancelled context is no failure of the reader: the caller sees its own error.
	_, _, err = readAll(t, &brokenObjects{err: context.Canceled}, get)
	assert.ErrorIs(t, err, context.Canceled)
	_, _, err = readAll(t, &brokenObjects{err: context.Canceled}, list)
	assert.ErrorIs(t, err, context.Canceled)
}
