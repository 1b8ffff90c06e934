package maprun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
)

// memObjects is a map-backed Objects: buckets must exist; failPut, when set, can refuse a Put.
type memObjects struct {
	mu      sync.Mutex
	buckets map[string]map[string][]byte
	failPut func(key string) error
}

func newMemObjects(buckets ...string) *memObjects {
	m := &memObjects{buckets: map[string]map[string][]byte{}}
	for _, b := range buckets {
		m.buckets[b] = map[string][]byte{}
	}
	return m
}

func (m *memObjects) Get(_ context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[bucket]
	if !ok {
		return nil, 0, &ObjectError{Code: "NoSuchBucket", Bucket: bucket}
	}
	body, ok := b[key]
	if !ok {
		return nil, 0, &ObjectError{Code: "NoSuchKey", Bucket: bucket, Key: key}
	}
	return io.NopCloser(bytes.NewReader(body)), int64(len(body)), nil
}

func (m *memObjects) List(_ context.Context, bucket, prefix string, fn func(Object) error) error {
	m.mu.Lock()
	b, ok := m.buckets[bucket]
	var objs []Object
	for k, v := range b {
		if strings.HasPrefix(k, prefix) {
			objs = append(objs, Object{Key: k, Size: int64(len(v)), StorageClass: "STANDARD"})
		}
	}
	m.mu.Unlock()
	if !ok {
		return &ObjectError{Code: "NoSuchBucket", Bucket: bucket}
	}
	slices.SortFunc(objs, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	for _, o := range objs {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

func (m *memObjects) Put(_ context.Context, bucket, key string, body io.Reader) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failPut != nil {
		if err := m.failPut(key); err != nil {
			return err
		}
	}
	b, ok := m.buckets[bucket]
	if !ok {
		return &ObjectError{Code: "NoSuchBucket", Bucket: bucket}
	}
	b[key] = data
	return nil
}

func (m *memObjects) keys(bucket string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ks []string
	for k := range m.buckets[bucket] {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (m *memObjects) object(bucket, key string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return string(m.buckets[bucket][key])
}

const (
	testMapRun  = "arn:aws:states:us-east-1:123456789012:mapRun:orders/Map:ad9b5f27-090b-3ac6-9beb-243cd77144a7"
	testMachine = "arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map"
	testDir     = "jobs/ad9b5f27-090b-3ac6-9beb-243cd77144a7/"
)

var testStart = time.Date(2025, 2, 4, 1, 49, 50, 99_000_000, time.UTC)

func succeeded(i int, output string) ChildResult {
	return ChildResult{
		ExecutionARN:    fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:orders/Map:c%d", i),
		Name:            fmt.Sprintf("c%d", i),
		StateMachineARN: testMachine,
		Status:          StatusSucceeded,
		Input:           fmt.Sprintf(`{"n":%d}`, i),
		Output:          output,
		StartDate:       testStart,
		StopDate:        testStart.Add(64 * time.Millisecond),
	}
}

func failed(i int) ChildResult {
	r := succeeded(i, "")
	r.Status, r.Error, r.Cause = StatusFailed, "States.TaskFailed", "bad \"item\"\n"
	return r
}

func pending(i int) ChildResult {
	return ChildResult{Status: StatusPending, Input: fmt.Sprintf(`{"n":%d}`, i)}
}

func succeededRecord(i int, output string) string {
	return fmt.Sprintf(`{"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:orders/Map:c%d",`+
		`"Input":"{\"n\":%d}","InputDetails":{"Included":true},"Name":"c%d","Output":%q,`+
		`"OutputDetails":{"Included":true},"RedriveCount":0,"RedriveStatus":"NOT_REDRIVABLE",`+
		`"RedriveStatusReason":"Execution is SUCCEEDED and cannot be redriven","StartDate":"2025-02-04T01:49:50.099Z",`+
		`"StateMachineArn":"%s","Status":"SUCCEEDED","StopDate":"2025-02-04T01:49:50.163Z"}`, i, i, i, output, testMachine)
}

func failedRecord(i int) string {
	return fmt.Sprintf(`{"Cause":"bad \"item\"\n","Error":"States.TaskFailed",`+
		`"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:orders/Map:c%d",`+
		`"Input":"{\"n\":%d}","InputDetails":{"Included":true},"Name":"c%d",`+
		`"OutputDetails":{"Included":true},"RedriveCount":0,"RedriveStatus":"REDRIVABLE_BY_MAP_RUN",`+
		`"StartDate":"2025-02-04T01:49:50.099Z","StateMachineArn":"%s","Status":"FAILED","StopDate":"2025-02-04T01:49:50.163Z"}`,
		i, i, i, testMachine)
}

func pendingRecord(i int) string {
	return fmt.Sprintf(`{"Input":"{\"n\":%d}","InputDetails":{"Included":true},"Status":"PENDING"}`, i)
}

func newTestWriter(t testing.TB, objs Objects, spec WriterSpec) *Writer {
	t.Helper()
	spec.Bucket, spec.MapRunARN = "out", testMapRun
	if spec.Prefix == "" {
		spec.Prefix = "jobs"
	}
	if spec.TempDir == "" {
		spec.TempDir = t.TempDir()
	}
	w, err := NewWriter(objs, spec)
	require.NoError(t, err)
	return w
}

func TestWriterFiles(t *testing.T) {
	out0, out1 := `[{"a":1},{"a":2}]`, `{"b":true}`
	tests := []struct {
		name   string
		config WriterConfig
		// the files expected besides the manifest, by name under testDir
		files map[string]string
	}{
		{"default is NONE and JSON", WriterConfig{}, map[string]string{
			"SUCCEEDED_0.json": "[" + succeededRecord(0, out0) + "," + succeededRecord(1, out1) + "]",
			"FAILED_0.json":    "[" + failedRecord(2) + "]",
			"PENDING_0.json":   "[" + pendingRecord(3) + "]",
		}},
		{"NONE JSONL", WriterConfig{TransformNone, OutputJSONL}, map[string]string{
			"SUCCEEDED_0.json": succeededRecord(0, out0) + "\n" + succeededRecord(1, out1) + "\n",
			"FAILED_0.json":    failedRecord(2) + "\n",
			"PENDING_0.json":   pendingRecord(3) + "\n",
		}},
		{"COMPACT keeps the outputs; a failure stays whole", WriterConfig{TransformCompact, OutputJSON}, map[string]string{
			"SUCCEEDED_0.json": `[[{"a":1},{"a":2}],{"b":true}]`,
			"FAILED_0.json":    "[" + failedRecord(2) + "]",
			"PENDING_0.json":   "[" + pendingRecord(3) + "]",
		}},
		{"COMPACT JSONL", WriterConfig{TransformCompact, OutputJSONL}, map[string]string{
			"SUCCEEDED_0.json": "[{\"a\":1},{\"a\":2}]\n{\"b\":true}\n",
			"FAILED_0.json":    failedRecord(2) + "\n",
			"PENDING_0.json":   pendingRecord(3) + "\n",
		}},
		{"FLATTEN splices array outputs", WriterConfig{TransformFlatten, OutputJSON}, map[string]string{
			"SUCCEEDED_0.json": `[{"a":1},{"a":2},{"b":true}]`,
			"FAILED_0.json":    "[" + failedRecord(2) + "]",
			"PENDING_0.json":   "[" + pendingRecord(3) + "]",
		}},
		{"FLATTEN JSONL", WriterConfig{TransformFlatten, OutputJSONL}, map[string]string{
			"SUCCEEDED_0.json": "{\"a\":1}\n{\"a\":2}\n{\"b\":true}\n",
			"FAILED_0.json":    failedRecord(2) + "\n",
			"PENDING_0.json":   pendingRecord(3) + "\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := newMemObjects("out")
			w := newTestWriter(t, objs, WriterSpec{Config: tt.config})
			ctx := t.Context()
			require.NoError(t, w.Add(ctx, succeeded(0, out0)))
			require.NoError(t, w.Add(ctx, succeeded(1, out1)))
			require.NoError(t, w.Add(ctx, failed(2)))
			require.NoError(t, w.Add(ctx, pending(3)))
			d, err := w.Close(ctx)
			require.NoError(t, err)
			assert.Equal(t, Details{MapRunArn: testMapRun, ResultWriterDetails: Location{Bucket: "out", Key: testDir + "manifest.json"}}, d)

			var want []string
			for name, body := range tt.files {
				want = append(want, testDir+name)
				assert.Equal(t, body, objs.object("out", testDir+name), name)
			}
			want = append(want, testDir+"manifest.json")
			slices.Sort(want)
			assert.Equal(t, want, objs.keys("out"))
			size := func(name string) int { return len(tt.files[name]) }
			assert.JSONEq(t, fmt.Sprintf(`{"DestinationBucket":"out","MapRunArn":%q,"ResultFiles":{
				"FAILED":[{"Key":"%sFAILED_0.json","Size":%d}],
				"PENDING":[{"Key":"%sPENDING_0.json","Size":%d}],
				"SUCCEEDED":[{"Key":"%sSUCCEEDED_0.json","Size":%d}]}}`, testMapRun,
				testDir, size("FAILED_0.json"), testDir, size("PENDING_0.json"), testDir, size("SUCCEEDED_0.json")),
				objs.object("out", testDir+"manifest.json"))
		})
	}
}

func TestWriterManifest(t *testing.T) {
	tests := []struct {
		name, prefix, dir string
		results           []ChildResult
		manifest          string
	}{
		{"no results: empty lists, no files", "jobs", testDir, nil,
			`{"DestinationBucket":"out","MapRunArn":"` + testMapRun + `","ResultFiles":{"FAILED":[],"PENDING":[],"SUCCEEDED":[]}}`},
		{"only successes", "jobs/", testDir, []ChildResult{succeeded(0, `1`)},
			`{"DestinationBucket":"out","MapRunArn":"` + testMapRun + `","ResultFiles":{"FAILED":[],"PENDING":[],"SUCCEEDED":[{"Key":"` +
				testDir + `SUCCEEDED_0.json","Size":` + fmt.Sprint(len(succeededRecord(0, "1"))+2) + `}]}}`},
		{"nested prefix", "a/b", "a/b/ad9b5f27-090b-3ac6-9beb-243cd77144a7/", []ChildResult{pending(0)},
			`{"DestinationBucket":"out","MapRunArn":"` + testMapRun + `","ResultFiles":{"FAILED":[],"PENDING":[{"Key":"` +
				`a/b/ad9b5f27-090b-3ac6-9beb-243cd77144a7/PENDING_0.json","Size":` + fmt.Sprint(len(pendingRecord(0))+2) + `}],"SUCCEEDED":[]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := newMemObjects("out")
			w := newTestWriter(t, objs, WriterSpec{Prefix: tt.prefix})
			for _, r := range tt.results {
				require.NoError(t, w.Add(t.Context(), r))
			}
			d, err := w.Close(t.Context())
			require.NoError(t, err)
			assert.Equal(t, tt.dir+"manifest.json", d.ResultWriterDetails.Key)
			// Compared as text: the key order is AWS's.
			assert.Equal(t, tt.manifest, objs.object("out", tt.dir+"manifest.json"))
			assert.Len(t, objs.keys("out"), len(tt.results)+1)
		})
	}
}

func TestWriterNoPrefix(t *testing.T) {
	objs := newMemObjects("out")
	w, err := NewWriter(objs, WriterSpec{Bucket: "out", MapRunARN: testMapRun, TempDir: t.TempDir()})
	require.NoError(t, err)
	d, err := w.Close(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "ad9b5f27-090b-3ac6-9beb-243cd77144a7/manifest.json", d.ResultWriterDetails.Key)
	assert.Equal(t, map[string]any{"MapRunArn": testMapRun,
		"ResultWriterDetails": map[string]any{"Bucket": "out", "Key": "ad9b5f27-090b-3ac6-9beb-243cd77144a7/manifest.json"}}, d.Value())
}

func TestWriterSplitsBySize(t *testing.T) {
	record := len(succeededRecord(0, "1")) // every record of c0..c9 has this length
	tests := []struct {
		name    string
		output  OutputType
		limit   int64
		perFile []int
	}{
		// "[" r "," r "," r "]" fits in 3r+4 bytes, not in 3r+3.
		{"JSON, three per file", OutputJSON, int64(3*record + 4), []int{3, 3, 3, 1}},
		{"JSON, one byte short of three", OutputJSON, int64(3*record + 3), []int{2, 2, 2, 2, 2}},
		{"JSONL, three per file", OutputJSONL, int64(3*record + 3), []int{3, 3, 3, 1}},
		{"a record larger than the limit gets a file of its own", OutputJSON, 10, slices.Repeat([]int{1}, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := newMemObjects("out")
			w := newTestWriter(t, objs, WriterSpec{MaxFileSize: tt.limit, Config: WriterConfig{OutputType: tt.output}})
			for i := range 10 {
				require.NoError(t, w.Add(t.Context(), succeeded(i, "1")))
			}
			_, err := w.Close(t.Context())
			require.NoError(t, err)
			var m Manifest
			require.NoError(t, json.Unmarshal([]byte(objs.object("out", testDir+"manifest.json")), &m))
			require.Len(t, m.ResultFiles.SUCCEEDED, len(tt.perFile))
			n := 0
			for i, f := range m.ResultFiles.SUCCEEDED {
				assert.Equal(t, fmt.Sprintf("%sSUCCEEDED_%d.json", testDir, i), f.Key)
				body := objs.object("out", f.Key)
				assert.Equal(t, int64(len(body)), f.Size)
				if tt.limit > int64(record+2) {
					assert.LessOrEqual(t, f.Size, tt.limit)
				}
				lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
				if tt.output == OutputJSON {
					var recs []json.RawMessage
					require.NoError(t, json.Unmarshal([]byte(body), &recs))
					lines = make([]string, len(recs))
					for j, r := range recs {
						lines[j] = string(r)
					}
				}
				require.Len(t, lines, tt.perFile[i], f.Key)
				for _, l := range lines {
					assert.Equal(t, succeededRecord(n, "1"), l) // in the order added, none lost
					n++
				}
			}
			assert.Equal(t, 10, n)
		})
	}
}

func TestWriterConcurrentAdd(t *testing.T) {
	objs := newMemObjects("out")
	w := newTestWriter(t, objs, WriterSpec{MaxFileSize: 4 << 10, Config: WriterConfig{TransformCompact, OutputJSONL}})
	const workers, each = 8, 500
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				n := g*each + i
				r := succeeded(n, fmt.Sprintf(`{"n":%d}`, n))
				if n%7 == 0 {
					r = failed(n)
				}
				assert.NoError(t, w.Add(t.Context(), r))
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(workers*each), w.Written())
	_, err := w.Close(t.Context())
	require.NoError(t, err)

	var m Manifest
	require.NoError(t, json.Unmarshal([]byte(objs.object("out", testDir+"manifest.json")), &m))
	assert.Greater(t, len(m.ResultFiles.SUCCEEDED), 1, "the small limit splits the files")
	seen := map[int]int{}
	for _, files := range [][]ResultFile{m.ResultFiles.SUCCEEDED, m.ResultFiles.FAILED} {
		for _, f := range files {
			for l := range strings.Lines(objs.object("out", f.Key)) {
				var v struct {
					N     *int
					Input string
				}
				require.NoError(t, json.Unmarshal([]byte(l), &v), l)
				if v.N == nil { // a failure's record
					var in struct{ N int }
					require.NoError(t, json.Unmarshal([]byte(v.Input), &in))
					v.N = &in.N
				}
				seen[*v.N]++
			}
		}
	}
	require.Len(t, seen, workers*each)
	for n, c := range seen {
		assert.Equal(t, 1, c, "result %d", n)
	}
}

func TestWriterFailures(t *testing.T) {
	errDenied := errors.New("Access Denied")
	tests := []struct {
		name     string
		objs     *memObjects
		limit    int64
		add      int
		failAdd  bool // the failure comes from Add (a full file), not from Close
		contains []string
	}{
		{"missing bucket", newMemObjects("other"), 0, 3, false,
			[]string{"bucket 'out'", "key '" + testDir + "SUCCEEDED_0.json'", "The specified bucket does not exist"}},
		{"manifest refused", &memObjects{buckets: map[string]map[string][]byte{"out": {}}, failPut: func(key string) error {
			if strings.HasSuffix(key, "manifest.json") {
				return errDenied
			}
			return nil
		}}, 0, 3, false, []string{"bucket 'out'", "key '" + testDir + "manifest.json'", "Access Denied"}},
		{"a full file refused while adding", &memObjects{buckets: map[string]map[string][]byte{"out": {}}, failPut: func(string) error {
			return errDenied
		}}, 600, 5, true, []string{"key '" + testDir + "SUCCEEDED_0.json'", "Access Denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			w := newTestWriter(t, tt.objs, WriterSpec{MaxFileSize: tt.limit, TempDir: tmp})
			var err error
			for i := 0; i < tt.add && err == nil; i++ {
				err = w.Add(t.Context(), succeeded(i, "1"))
			}
			if tt.failAdd {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
				_, err = w.Close(t.Context())
			}
			var f *failure.Error
			require.ErrorAs(t, err, &f)
			assert.Equal(t, failure.ResultWriterFailed, f.Name)
			for _, c := range tt.contains {
				assert.Contains(t, f.Cause, c)
			}
			assert.Empty(t, entriesOf(t, tmp), "temp files removed on failure")
			// The writer stays failed.
			assert.Equal(t, err, w.Add(t.Context(), succeeded(9, "1")))
			_, err2 := w.Close(t.Context())
			assert.Equal(t, err, err2)
		})
	}
}

func entriesOf(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	return es
}

func TestWriterTempFiles(t *testing.T) {
	for _, end := range []string{"Close", "Abort"} {
		t.Run(end, func(t *testing.T) {
			tmp := t.TempDir()
			objs := newMemObjects("out")
			w := newTestWriter(t, objs, WriterSpec{TempDir: tmp})
			require.NoError(t, w.Add(t.Context(), succeeded(0, "1")))
			require.NoError(t, w.Add(t.Context(), failed(1)))
			require.NoError(t, w.Add(t.Context(), pending(2)))
			assert.Len(t, entriesOf(t, tmp), 3, "one spool file per kind")
			if end == "Close" {
				_, err := w.Close(t.Context())
				require.NoError(t, err)
			} else {
				w.Abort()
				assert.Empty(t, objs.keys("out"), "Abort writes nothing")
			}
			assert.Empty(t, entriesOf(t, tmp))
			assert.Error(t, w.Add(t.Context(), succeeded(3, "1")), "nothing is added after the end")
			w.Abort() // harmless after the end
		})
	}
}

func TestWriterBadInput(t *testing.T) {
	objs := newMemObjects("out")
	tests := []struct {
		name string
		spec WriterSpec
	}{
		{"no Map Run id", WriterSpec{Bucket: "out", MapRunARN: "arn:aws:states:us-east-1:1:mapRun:m/Map:"}},
		{"not an ARN", WriterSpec{Bucket: "out", MapRunARN: "run"}},
		{"empty bucket", WriterSpec{MapRunARN: testMapRun}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewWriter(objs, tt.spec)
			assert.Error(t, err)
		})
	}
	w := newTestWriter(t, objs, WriterSpec{Config: WriterConfig{Transformation: TransformCompact}})
	r := succeeded(0, "1")
	r.Status = "RUNNING"
	assert.ErrorContains(t, w.Add(t.Context(), r), "not a final one")
	assert.ErrorContains(t, w.Add(t.Context(), succeeded(1, `{"a":`)), "not JSON")
	require.NoError(t, w.Add(t.Context(), succeeded(2, "1")), "a bad result does not end the writer")
}

// TestWriterMemoryBounded checks that the heap does not grow with the number of results: they go to
// the spool files.
func TestWriterMemoryBounded(t *testing.T) {
	w := newTestWriter(t, discard{}, WriterSpec{})
	defer w.Abort()
	add := func(from, to int) {
		for i := from; i < to; i++ {
			require.NoError(t, w.Add(t.Context(), succeeded(i, `{"ok":true}`)))
		}
	}
	add(0, 10_000)
	before := heapAfterGC()
	add(10_000, 110_000)
	after := heapAfterGC()
	assert.Less(t, after, before+2<<20, "heap grew from %d to %d bytes over 100,000 results", before, after)
}

func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// discard is an Objects that reads what is put and keeps nothing.
type discard struct{}

func (discard) Get(context.Context, string, string) (io.ReadCloser, int64, error) {
	return nil, 0, errors.New("discard keeps nothing")
}
func (discard) List(context.Context, string, string, func(Object) error) error { return nil }
func (discard) Put(_ context.Context, _, _ string, body io.Reader) error {
	_, err := io.Copy(io.Discard, body)
	return err
}

// BenchmarkWriter adds 1,000,000 small results and closes the writer, for each transformation (a NONE
// record is about 450 bytes): results/s, and the heap after adding them all (it stays near the spool
// buffers, whatever the number of results).
func BenchmarkWriter(b *testing.B) {
	const n = 1_000_000
	results := make([]ChildResult, 1000)
	for i := range results {
		results[i] = succeeded(i, `[{"ok":true},{"n":1}]`)
	}
	ctx := context.Background()
	for _, t := range []Transformation{TransformNone, TransformCompact, TransformFlatten} {
		b.Run(string(t), func(b *testing.B) {
			var heap uint64
			for b.Loop() {
				w := newTestWriter(b, discard{}, WriterSpec{Config: WriterConfig{Transformation: t}})
				for i := range n {
					if err := w.Add(ctx, results[i%len(results)]); err != nil {
						b.Fatal(err)
					}
				}
				heap = heapAfterGC()
				if _, err := w.Close(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "results/s")
			b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		})
	}
}
