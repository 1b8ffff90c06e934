package maprun

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
)

// The values of ReaderConfig's fields.
const (
	inputJSON     = "JSON"
	inputJSONL    = "JSONL"
	inputCSV      = "CSV"
	inputParquet  = "PARQUET"
	inputManifest = "MANIFEST"

	headerFirstRow = "FIRST_ROW"
	headerGiven    = "GIVEN"

	manifestInventory = "S3_INVENTORY"
	manifestAthena    = "ATHENA_DATA"

	readerTransformNone = "NONE"
	loadAndFlatten      = "LOAD_AND_FLATTEN"
)

// The limits AWS documents for an ItemReader.
const (
	// maxReaderItems: "You can specify a limit of up to 100,000,000 after which the Distributed Map stops
	// reading items."
	maxReaderItems = 100_000_000
	// maxItemBytes: "Step Functions supports reading an item of up to 8 MB from a text delimited file,
	// JSON, or JSON Lines file".
	maxItemBytes = 8 << 20
	// maxFileBytes: "Step Functions supports 10 GB as the maximum size of an individual file in Amazon S3."
	maxFileBytes = 10 << 30
)

// ReaderConfig is an ItemReader's ReaderConfig, its paths and expressions already evaluated.
type ReaderConfig struct {
	// InputType is JSON, JSONL, CSV, PARQUET or MANIFEST (an S3 inventory); with ManifestType ATHENA_DATA
	// it is the format of the data files; with s3:listObjectsV2 it is set only for LOAD_AND_FLATTEN.
	InputType string
	// CSVHeaderLocation is FIRST_ROW (the default) or GIVEN, with CSVHeaders.
	CSVHeaderLocation string
	CSVHeaders        []string
	// CSVDelimiter is COMMA (the default), PIPE, SEMICOLON, SPACE or TAB.
	CSVDelimiter string
	// ItemsPointer is a JSON Pointer (RFC 6901) to the array or object to iterate in a JSON file.
	ItemsPointer string
	// MaxItems stops the reader after that many items; 0 is no limit (beyond AWS's 100,000,000).
	MaxItems int64
	// ManifestType is S3_INVENTORY or ATHENA_DATA.
	ManifestType string
	// Transformation is NONE (the default) or LOAD_AND_FLATTEN (s3:listObjectsV2 only).
	Transformation string
}

// ParseReaderConfig reads a ReaderConfig from its JSON value, after the Map evaluated MaxItemsPath (the
// caller resolves it into MaxItems, so the field is passed over here) and any JSONata expressions.
func ParseReaderConfig(v any) (ReaderConfig, error) {
	var c ReaderConfig
	if v == nil {
		return c, nil
	}
	m, ok := value.Plain(v).(map[string]any)
	if !ok {
		return c, fmt.Errorf("ReaderConfig must be an object, not %s", typeName(v))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first error is the same on every run
	for _, k := range keys {
		x := m[k]
		var err error
		switch k {
		case "InputType":
			c.InputType, err = readerEnum(k, x, inputCSV, inputJSON, inputJSONL, inputManifest, inputParquet)
		case "CSVHeaderLocation":
			c.CSVHeaderLocation, err = readerEnum(k, x, headerFirstRow, headerGiven)
		case "CSVDelimiter":
			c.CSVDelimiter, err = readerEnum(k, x, "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")
		case "ManifestType":
			c.ManifestType, err = readerEnum(k, x, manifestAthena, manifestInventory)
		case "Transformation":
			c.Transformation, err = readerEnum(k, x, loadAndFlatten, readerTransformNone)
		case "CSVHeaders":
			c.CSVHeaders, err = stringsField(k, x)
		case "ItemsPointer":
			s, isString := x.(string)
			if !isString {
				return c, fmt.Errorf("ReaderConfig.ItemsPointer must be a string, not %s", typeName(x))
			}
			if _, err = ParsePointer(s); err == nil {
				c.ItemsPointer = s
			}
		case "MaxItems":
			c.MaxItems, err = maxItemsField(x)
		case "MaxItemsPath":
			// Resolved by the caller into MaxItems.
		default:
			err = fmt.Errorf("ReaderConfig has an unknown field %q", k)
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

func readerEnum(key string, v any, allowed ...string) (string, error) {
	s, ok := v.(string)
	if !ok || !slices.Contains(allowed, s) {
		return "", fmt.Errorf("ReaderConfig.%s must be one of %s, not %s", key, strings.Join(allowed, ", "), describe(v))
	}
	return s, nil
}

func stringsField(key string, v any) ([]string, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("ReaderConfig.%s must be an array of strings, not %s", key, typeName(v))
	}
	out := make([]string, len(a))
	for i, e := range a {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("ReaderConfig.%s[%d] must be a string, not %s", key, i, typeName(e))
		}
		out[i] = s
	}
	return out, nil
}

func maxItemsField(v any) (int64, error) {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case float64:
		if x != float64(int64(x)) {
			return 0, fmt.Errorf("ReaderConfig.MaxItems must be an integer, not %v", x)
		}
		n = int64(x)
	default:
		return 0, fmt.Errorf("ReaderConfig.MaxItems must be an integer, not %s", typeName(v))
	}
	if n < 0 || n > maxReaderItems {
		return 0, fmt.Errorf("ReaderConfig.MaxItems must be between 0 and %d, not %d", maxReaderItems, n)
	}
	return n, nil
}

// ReaderSpec is an ItemReader after the Map evaluated its Parameters (JSONPath) or Arguments (JSONata).
type ReaderSpec struct {
	// Resource is arn:<partition>:states:::s3:getObject or arn:<partition>:states:::s3:listObjectsV2.
	Resource string
	// Parameters are the evaluated Parameters or Arguments: Bucket and Key for s3:getObject; Bucket,
	// Prefix, StartAfter and Delimiter for s3:listObjectsV2.
	Parameters map[string]any
	Config     ReaderConfig
}

// Items is a stream of items.
type Items interface {
	// Next returns the next item, or io.EOF after the last. Any other error ends the stream: a failure
	// (*failure.Error, States.ItemReaderFailed for a reader) or the context's error.
	Next() (any, error)
	// Origin describes the item Next returned last.
	Origin() Origin
	// Close releases the stream's objects and goroutines; it may be called before the end.
	Close() error
}

// Origin is what the Map's context object tells of an item besides its index and value.
type Origin struct {
	// Source is $$.Map.Item.Source: S3://bucket/key of the file the item came from, or S3://bucket for
	// the metadata items of s3:listObjectsV2 (the spelling of AWS's documentation).
	Source string
	// Entry says the item is {"Key": ..., "Value": ...}, an entry of a JSON object: $$.Map.Item.Key is Key
	// and $$.Map.Item.Value is the entry's value.
	Entry bool
	Key   string
}

// Open starts reading the items spec describes. Errors are *failure.Error named States.ItemReaderFailed
// (a wrong spec, a missing bucket or object, an object that is not of its InputType) or ctx's error.
func Open(ctx context.Context, objs Objects, spec ReaderSpec) (Items, error) {
	action, err := readerAction(spec.Resource)
	if err != nil {
		return nil, err
	}
	cfg := spec.Config
	var it Items
	if action == "s3:listObjectsV2" {
		it, err = openListing(ctx, objs, spec.Parameters, &cfg)
	} else {
		it, err = openGetObject(ctx, objs, spec.Parameters, &cfg)
	}
	if err != nil {
		return nil, err
	}
	left := cfg.MaxItems
	if left == 0 {
		left = maxReaderItems
	}
	return &limited{Items: it, left: left}, nil
}

// readerAction is the S3 action of an ItemReader's Resource, in any partition.
func readerAction(resource string) (string, error) {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] == "states" && parts[3] == "" &&
		parts[4] == "" && (parts[5] == "s3:getObject" || parts[5] == "s3:listObjectsV2") {
		return parts[5], nil
	}
	return "", readerFailed("The ItemReader resource %q is neither arn:aws:states:::s3:getObject nor arn:aws:states:::s3:listObjectsV2", resource)
}

// openGetObject reads one object: a file of InputType, or a manifest of files.
func openGetObject(ctx context.Context, objs Objects, params map[string]any, cfg *ReaderConfig) (Items, error) {
	bucket, key, err := getObjectParams(params)
	if err != nil {
		return nil, err
	}
	if cfg.Transformation != "" && cfg.Transformation != readerTransformNone {
		return nil, readerFailed("ReaderConfig.Transformation %s is only supported with s3:listObjectsV2", cfg.Transformation)
	}
	switch {
	case cfg.ManifestType == manifestInventory || (cfg.ManifestType == "" && cfg.InputType == inputManifest):
		if cfg.InputType != "" && cfg.InputType != inputManifest {
			return nil, readerFailed("ReaderConfig.InputType must not be given with ManifestType S3_INVENTORY")
		}
		if err := checkConfig(cfg, inputCSV); err != nil {
			return nil, err
		}
		return openInventory(ctx, objs, bucket, key, cfg)
	case cfg.ManifestType == manifestAthena:
		if cfg.InputType != inputCSV && cfg.InputType != inputJSONL && cfg.InputType != inputParquet {
			return nil, readerFailed("ReaderConfig.InputType must be CSV, JSONL or PARQUET with ManifestType ATHENA_DATA")
		}
		if err := checkConfig(cfg, cfg.InputType); err != nil {
			return nil, err
		}
		return openAthena(ctx, objs, bucket, key, cfg)
	case cfg.InputType == "":
		return nil, readerFailed("ReaderConfig.InputType is required with s3:getObject")
	}
	if err := checkConfig(cfg, cfg.InputType); err != nil {
		return nil, err
	}
	return openFile(ctx, objs, file{bucket, key}, cfg)
}

// getObjectParams reads s3:getObject's parameters.
func getObjectParams(params map[string]any) (bucket, key string, err error) {
	for k := range params {
		switch k {
		case "Bucket", "Key", "ExpectedBucketOwner":
		case "VersionId":
			// Refused rather than ignored: the stores behind Objects keep one version of an object.
			return "", "", readerFailed("The s3:getObject parameter VersionId is not supported: aslrun's S3 keeps one version of each object")
		default:
			return "", "", readerFailed("The s3:getObject parameters have an unknown field %q", k)
		}
	}
	if bucket, err = stringParam(params, "Bucket", true); err != nil {
		return "", "", err
	}
	key, err = stringParam(params, "Key", true)
	return bucket, key, err
}

func stringParam(params map[string]any, name string, required bool) (string, error) {
	v, ok := params[name]
	if !ok {
		if required {
			return "", readerFailed("The ItemReader parameter %s is required", name)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok || (required && s == "") {
		return "", readerFailed("The ItemReader parameter %s must be a non-empty string, not %s", name, describe(v))
	}
	return s, nil
}

// checkConfig checks the fields that belong to one format: the CSV fields with CSV files only,
// ItemsPointer with JSON only, GIVEN with headers. format is the format of the files read.
func checkConfig(cfg *ReaderConfig, format string) error {
	if format != inputCSV && (cfg.CSVHeaderLocation != "" || cfg.CSVHeaders != nil || cfg.CSVDelimiter != "") {
		return readerFailed("ReaderConfig.CSVHeaderLocation, CSVHeaders and CSVDelimiter are only supported with CSV files")
	}
	if format != inputJSON && cfg.ItemsPointer != "" {
		return readerFailed("ReaderConfig.ItemsPointer is only supported with InputType JSON")
	}
	if cfg.CSVHeaderLocation == headerGiven && len(cfg.CSVHeaders) == 0 {
		return readerFailed("ReaderConfig.CSVHeaders is required with CSVHeaderLocation GIVEN")
	}
	if cfg.CSVHeaderLocation != headerGiven && cfg.CSVHeaders != nil {
		return readerFailed("ReaderConfig.CSVHeaders needs CSVHeaderLocation GIVEN")
	}
	return nil
}

// file is one S3 object.
type file struct{ bucket, key string }

// uri names the object in causes.
func (f file) uri() string { return "s3://" + f.bucket + "/" + f.key }

// source is the object's $$.Map.Item.Source.
func (f file) source() string { return "S3://" + f.bucket + "/" + f.key }

// openFile opens one object of the format cfg.InputType (JSON, JSONL, CSV or PARQUET). JSON, JSONL and
// CSV objects named *.gz or *.gzip are gunzipped and *.zst or *.zstd are unzstd'ed, as AWS does.
func openFile(ctx context.Context, objs Objects, f file, cfg *ReaderConfig) (Items, error) {
	body, size, err := objs.Get(ctx, f.bucket, f.key)
	if err != nil {
		return nil, objectFailed(err, f)
	}
	if size > maxFileBytes {
		body.Close()
		return nil, readerFailed("The object %s is larger than 10 GB, the largest file a Map reads", f.uri())
	}
	if cfg.InputType == inputParquet {
		return openParquet(body, size, f)
	}
	r, err := decompress(body, f)
	if err != nil {
		return nil, err
	}
	switch cfg.InputType {
	case inputJSON:
		ptr, _ := ParsePointer(cfg.ItemsPointer) // checked by ParseReaderConfig
		return openJSON(r, f, ptr)
	case inputJSONL:
		return openJSONL(r, f), nil
	}
	opts, err := csvOptionsOf(cfg, nil)
	if err != nil {
		r.Close()
		return nil, err
	}
	return openCSV(r, f, opts)
}

// decompress unpacks a body by its key's extension.
func decompress(body io.ReadCloser, f file) (io.ReadCloser, error) {
	lower := strings.ToLower(f.key)
	switch {
	case strings.HasSuffix(lower, ".gz") || strings.HasSuffix(lower, ".gzip"):
		zr, err := gzip.NewReader(bufio.NewReader(body))
		if err != nil {
			body.Close()
			return nil, readerFailed("The object %s is not a GZIP file: %v", f.uri(), err)
		}
		return &unpacked{Reader: zr, closers: []func() error{zr.Close, body.Close}}, nil
	case strings.HasSuffix(lower, ".zst") || strings.HasSuffix(lower, ".zstd"):
		zr, err := zstd.NewReader(body, zstd.WithDecoderConcurrency(1))
		if err != nil {
			body.Close()
			return nil, readerFailed("The object %s is not a ZSTD file: %v", f.uri(), err)
		}
		return &unpacked{Reader: zr, closers: []func() error{func() error { zr.Close(); return nil }, body.Close}}, nil
	}
	return body, nil
}

// unpacked is a decompressed body; closing it closes the decompressor and the body.
type unpacked struct {
	io.Reader
	closers []func() error
}

func (u *unpacked) Close() error {
	var errs []error
	for _, c := range u.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// readerFailed is the failure of an ItemReader.
func readerFailed(format string, args ...any) error {
	return failure.New(failure.ItemReaderFailed, fmt.Sprintf(format, args...))
}

// objectFailed turns an error of Objects into the reader's failure; the context's errors stay as they are.
func objectFailed(err error, f file) error {
	var oe *ObjectError
	switch {
	case errors.As(err, &oe):
		return readerFailed("%s", oe.Error())
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return readerFailed("Reading %s failed: %v", f.uri(), err)
}

// limited stops its stream after MaxItems items.
type limited struct {
	Items
	left int64
}

func (l *limited) Next() (any, error) {
	if l.left <= 0 {
		return nil, io.EOF
	}
	v, err := l.Items.Next()
	if err == nil {
		l.left--
	}
	return v, err
}

// chain reads several files one after the other: a manifest's, or those of a listing.
type chain struct {
	open func() (Items, error) // the next file's items, io.EOF after the last
	done func() error          // releases what open reads from
	cur  Items
}

func (c *chain) Next() (any, error) {
	for {
		if c.cur == nil {
			it, err := c.open()
			if err != nil {
				return nil, err
			}
			c.cur = it
		}
		v, err := c.cur.Next()
		if err != io.EOF {
			return v, err
		}
		if err := c.cur.Close(); err != nil {
			return nil, err
		}
		c.cur = nil
	}
}

func (c *chain) Origin() Origin {
	if c.cur == nil {
		return Origin{}
	}
	return c.cur.Origin()
}

func (c *chain) Close() error {
	var err error
	if c.cur != nil {
		err = c.cur.Close()
		c.cur = nil
	}
	return errors.Join(err, c.done())
}

// describe shows a value in a message: a string quoted, anything else by its type.
func describe(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return typeName(v)
}
