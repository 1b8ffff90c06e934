package maprun

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/failure"
)

// DefaultMaxFileSize is the largest result file AWS writes (5 GB, S3's limit for one PUT): past it the
// results go on in the next file, SUCCEEDED_1.json and so on.
const DefaultMaxFileSize int64 = 5 << 30

// WriterSpec says where and how a Map Run's results are written.
type WriterSpec struct {
	// Bucket and Prefix are the ResultWriter's evaluated Parameters (or Arguments).
	Bucket string
	Prefix string
	// MapRunARN names the Map Run; its last segment (the Map Run's id) is the folder under Prefix.
	MapRunARN string
	Config    WriterConfig
	// MaxFileSize bounds each result file, in bytes; 0 means DefaultMaxFileSize. A single entry larger
	// than the bound still gets a file of its own.
	MaxFileSize int64
	// TempDir holds the spool files; "" means os.TempDir().
	TempDir string
}

// ResultFile is one result file in the manifest.
type ResultFile struct {
	Key  string
	Size int64
}

// ResultFiles lists the result files by kind, in the manifest's order. A kind without results has an
// empty list and no file.
type ResultFiles struct {
	FAILED    []ResultFile
	PENDING   []ResultFile
	SUCCEEDED []ResultFile
}

// Manifest is manifest.json.
type Manifest struct {
	DestinationBucket string
	MapRunArn         string
	ResultFiles       ResultFiles
}

// Details is a Distributed Map's output when its results went to S3.
type Details struct {
	MapRunArn           string
	ResultWriterDetails Location
}

// Location is where manifest.json is.
type Location struct {
	Bucket string
	Key    string
}

// Value is d as a JSON value, the state's result.
func (d Details) Value() map[string]any {
	return map[string]any{
		"MapRunArn":           d.MapRunArn,
		"ResultWriterDetails": map[string]any{"Bucket": d.ResultWriterDetails.Bucket, "Key": d.ResultWriterDetails.Key},
	}
}

// The result files, in the manifest's order.
const (
	kindFailed = iota
	kindPending
	kindSucceeded
	kinds
)

func kindName(k int) string {
	return [kinds]string{"FAILED", "PENDING", "SUCCEEDED"}[k]
}

func kindOf(s Status) (int, bool) {
	switch s {
	case StatusSucceeded:
		return kindSucceeded, true
	case StatusFailed, StatusTimedOut, StatusAborted:
		return kindFailed, true
	case StatusPending:
		return kindPending, true
	}
	return 0, false
}

// spoolBuffer is the write buffer of each spool file: memory is three of these plus the entries of the
// results being added, whatever the number of results.
const spoolBuffer = 64 << 10

// spool is the result file being filled for one kind: a temporary file, put to S3 when full or at Close.
type spool struct {
	f     *os.File
	w     *bufio.Writer
	size  int64 // bytes of the current file so far, without its closing "]"
	count int   // entries in the current file
	files []ResultFile
}

// Writer writes a Map Run's results to S3 as its children finish: SUCCEEDED_n.json, FAILED_n.json and
// PENDING_n.json under PREFIX/<map run id>/, then manifest.json. Results are spooled to temporary files,
// so memory does not grow with their number. Add may be called from several goroutines.
type Writer struct {
	objs      Objects
	bucket    string
	dir       string // PREFIX/<map run id>/
	mapRunARN string
	limit     int64
	jsonl     bool
	transform Transformation
	tempDir   string
	scratch   sync.Pool // of *entries

	mu      sync.Mutex
	spools  [kinds]*spool
	written int64
	err     error // the first failure, or errClosed; the writer does nothing after it
}

var errClosed = errors.New("maprun: the result writer is closed")

// NewWriter returns a Writer for one Map Run. Transformation defaults to NONE and OutputType to JSON.
func NewWriter(objs Objects, spec WriterSpec) (*Writer, error) {
	if objs == nil {
		return nil, errors.New("maprun: NewWriter needs an Objects")
	}
	i := strings.LastIndexByte(spec.MapRunARN, ':')
	if i < 0 || i == len(spec.MapRunARN)-1 {
		return nil, fmt.Errorf("maprun: %q is not a Map Run ARN", spec.MapRunARN)
	}
	if spec.Bucket == "" {
		return nil, failure.New(failure.ResultWriterFailed, "The bucket name of the ResultWriter is empty")
	}
	w := &Writer{
		objs:      objs,
		bucket:    spec.Bucket,
		dir:       resultDir(spec.Prefix, spec.MapRunARN[i+1:]),
		mapRunARN: spec.MapRunARN,
		limit:     spec.MaxFileSize,
		jsonl:     spec.Config.OutputType == OutputJSONL,
		transform: spec.Config.Transformation,
		tempDir:   spec.TempDir,
	}
	if w.limit <= 0 {
		w.limit = DefaultMaxFileSize
	}
	if w.transform == "" {
		w.transform = TransformNone
	}
	w.scratch.New = func() any { return new(entries) }
	return w, nil
}

// resultDir is PREFIX/ID/. AWS documents "csvProcessJobs" giving "csvProcessJobs/ID/manifest.json"; it
// does not say what a prefix ending in "/" gives: we do not double the slash. No prefix gives "ID/".
func resultDir(prefix, id string) string {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix + id + "/"
}

// Add writes one child's result. Results may come in any order; they are written in the order they come.
// An error is a *failure.Error States.ResultWriterFailed (the writer is then finished, its temporary
// files removed), or a plain error for a result that is not one (an unknown status, an output that is
// not JSON).
func (w *Writer) Add(ctx context.Context, r ChildResult) error {
	k, ok := kindOf(r.Status)
	if !ok {
		return fmt.Errorf("maprun: the result of %s has status %q, not a final one", r.ExecutionARN, r.Status)
	}
	e := w.scratch.Get().(*entries)
	defer w.scratch.Put(e)
	e.reset()
	if err := e.add(&r, w.transform); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	start := 0
	for _, end := range e.ends {
		if err := w.write(ctx, k, e.buf[start:end]); err != nil {
			return w.fail(err)
		}
		start = end
	}
	w.written++
	return nil
}

// Written is the number of results added so far (DescribeMapRun's resultsWritten).
func (w *Writer) Written() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written
}

// write appends one entry to the file of kind k, putting the file to S3 first if the entry would make
// it larger than the limit.
func (w *Writer) write(ctx context.Context, k int, entry []byte) error {
	s := w.spools[k]
	if s == nil {
		f, err := os.CreateTemp(w.tempDir, "aslrun-results-*")
		if err != nil {
			return err
		}
		s = &spool{f: f, w: bufio.NewWriterSize(f, spoolBuffer)}
		w.spools[k] = s
	}
	extra := int64(2) // "," before the entry and "]" after it
	if w.jsonl {
		extra = 1 // "\n" after it
	}
	if s.count > 0 && s.size+int64(len(entry))+extra > w.limit {
		if err := w.putFile(ctx, k); err != nil {
			return err
		}
	}
	switch {
	case w.jsonl:
		s.w.Write(entry)
		s.w.WriteByte('\n')
		s.size += int64(len(entry)) + 1
	case s.count == 0:
		s.w.WriteByte('[')
		s.w.Write(entry)
		s.size += int64(len(entry)) + 1
	default:
		s.w.WriteByte(',')
		s.w.Write(entry)
		s.size += int64(len(entry)) + 1
	}
	s.count++
	return nil // a write error stays in s.w, and Flush reports it
}

// putFile finishes the current file of kind k, puts it to S3 and empties the spool for the next one.
func (w *Writer) putFile(ctx context.Context, k int) error {
	s := w.spools[k]
	if !w.jsonl {
		s.w.WriteByte(']')
		s.size++
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	key := w.dir + kindName(k) + "_" + strconv.Itoa(len(s.files)) + ".json"
	if err := w.objs.Put(ctx, w.bucket, key, s.f); err != nil {
		return w.putFailed(key, err)
	}
	s.files = append(s.files, ResultFile{Key: key, Size: s.size})
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.w.Reset(s.f)
	s.size, s.count = 0, 0
	return nil
}

// putFailed is the failure of a Put, naming the bucket and key. AWS does not document the cause's text.
func (w *Writer) putFailed(key string, err error) *failure.Error {
	return failure.New(failure.ResultWriterFailed,
		fmt.Sprintf("Failed to write the Map Run's results to S3 (bucket '%s', key '%s'): %v", w.bucket, key, err))
}

// fail ends the writer with err (a spool file error becomes a ResultWriterFailed failure too) and
// removes its temporary files. The caller holds w.mu.
func (w *Writer) fail(err error) error {
	var f *failure.Error
	if !errors.As(err, &f) {
		f = failure.New(failure.ResultWriterFailed, "Failed to spool the Map Run's results: "+err.Error())
	}
	w.err = f
	w.removeSpools()
	return f
}

func (w *Writer) removeSpools() {
	for k, s := range w.spools {
		if s != nil {
			s.f.Close()
			os.Remove(s.f.Name())
			w.spools[k] = nil
		}
	}
}

// Close puts the last result files and manifest.json, removes the temporary files and returns the Map's
// output. A failure is a *failure.Error States.ResultWriterFailed.
func (w *Writer) Close(ctx context.Context) (Details, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return Details{}, w.err
	}
	m := Manifest{DestinationBucket: w.bucket, MapRunArn: w.mapRunARN}
	lists := [kinds]*[]ResultFile{&m.ResultFiles.FAILED, &m.ResultFiles.PENDING, &m.ResultFiles.SUCCEEDED}
	for k, s := range w.spools {
		if s != nil && s.count > 0 {
			if err := w.putFile(ctx, k); err != nil {
				return Details{}, w.fail(err)
			}
		}
		*lists[k] = []ResultFile{}
		if s != nil {
			*lists[k] = s.files
		}
	}
	body, err := json.Marshal(m)
	if err != nil {
		return Details{}, w.fail(err)
	}
	key := w.dir + "manifest.json"
	if err := w.objs.Put(ctx, w.bucket, key, bytes.NewReader(body)); err != nil {
		return Details{}, w.fail(w.putFailed(key, err))
	}
	w.removeSpools()
	w.err = errClosed
	return Details{MapRunArn: w.mapRunARN, ResultWriterDetails: Location{Bucket: w.bucket, Key: key}}, nil
}

// Abort removes the temporary files without writing anything more (files already put stay in S3). It
// may be called at any time, also after Close.
func (w *Writer) Abort() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.removeSpools()
	if w.err == nil {
		w.err = errClosed
	}
}
