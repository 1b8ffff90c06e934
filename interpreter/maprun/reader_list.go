package maprun

import (
	"context"
	"io"
	"strings"
)

// openListing reads s3:listObjectsV2: the objects' metadata, or with LOAD_AND_FLATTEN the items of
// every object listed.
func openListing(ctx context.Context, objs Objects, params map[string]any, cfg *ReaderConfig) (Items, error) {
	var q listQuery
	if err := q.parse(params); err != nil {
		return nil, err
	}
	if cfg.ManifestType != "" {
		return nil, readerFailed("ReaderConfig.ManifestType is only supported with s3:getObject")
	}
	flatten := cfg.Transformation == loadAndFlatten
	switch {
	case flatten && cfg.InputType != inputCSV && cfg.InputType != inputJSON && cfg.InputType != inputJSONL && cfg.InputType != inputParquet:
		return nil, readerFailed("ReaderConfig.InputType must be CSV, JSON, JSONL or PARQUET with Transformation LOAD_AND_FLATTEN")
	case !flatten && cfg.InputType != "":
		return nil, readerFailed("ReaderConfig.InputType is only supported with s3:listObjectsV2 when Transformation is LOAD_AND_FLATTEN")
	}
	if err := checkConfig(cfg, cfg.InputType); err != nil {
		return nil, err
	}
	l := startListing(ctx, objs, q)
	if !flatten {
		return &listItems{l: l, source: "S3://" + q.bucket}, nil
	}
	open := func() (Items, error) {
		for {
			o, err := l.next()
			if err != nil {
				return nil, err
			}
			// A folder made in the S3 console is an empty object named with a trailing "/": no data file.
			if o.Size == 0 && strings.HasSuffix(o.Key, "/") {
				continue
			}
			return openFile(ctx, objs, file{q.bucket, o.Key}, cfg)
		}
	}
	return &chain{open: open, done: l.close}, nil
}

// listQuery is s3:listObjectsV2's parameters.
type listQuery struct {
	bucket, prefix, startAfter, delimiter string
}

func (q *listQuery) parse(params map[string]any) error {
	for k := range params {
		switch k {
		// MaxKeys sizes S3's pages, which Step Functions reads to the end: the items are the same.
		case "Bucket", "Prefix", "StartAfter", "Delimiter", "MaxKeys", "ExpectedBucketOwner":
		default:
			return readerFailed("The s3:listObjectsV2 parameters have an unknown or unsupported field %q", k)
		}
	}
	var err error
	if q.bucket, err = stringParam(params, "Bucket", true); err != nil {
		return err
	}
	if q.prefix, err = stringParam(params, "Prefix", false); err != nil {
		return err
	}
	if q.startAfter, err = stringParam(params, "StartAfter", false); err != nil {
		return err
	}
	q.delimiter, err = stringParam(params, "Delimiter", false)
	return err
}

// wants tells whether ListObjectsV2 returns the object among its Contents: after StartAfter, and not
// rolled up into a common prefix by the Delimiter.
func (q *listQuery) wants(key string) bool {
	if q.startAfter != "" && key <= q.startAfter {
		return false
	}
	return q.delimiter == "" || !strings.Contains(strings.TrimPrefix(key, q.prefix), q.delimiter)
}

// listing turns Objects.List, which calls back, into a stream read at the consumer's pace: a goroutine
// lists into a small channel and stops when the listing is closed.
type listing struct {
	objs   chan Object
	result chan error // List's error, sent once objs is closed
	cancel context.CancelFunc
	bucket string
	err    error
}

func startListing(ctx context.Context, objs Objects, q listQuery) *listing {
	ctx, cancel := context.WithCancel(ctx)
	l := &listing{objs: make(chan Object, 64), result: make(chan error, 1), cancel: cancel, bucket: q.bucket}
	go func() {
		defer close(l.objs)
		l.result <- objs.List(ctx, q.bucket, q.prefix, func(o Object) error {
			if !q.wants(o.Key) {
				return nil
			}
			select {
			case l.objs <- o:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return l
}

// next returns the next object listed, or io.EOF after the last.
func (l *listing) next() (Object, error) {
	if l.err != nil {
		return Object{}, l.err
	}
	o, ok := <-l.objs
	if ok {
		return o, nil
	}
	if err := <-l.result; err != nil {
		l.err = objectFailed(err, file{bucket: l.bucket})
	} else {
		l.err = io.EOF
	}
	return Object{}, l.err
}

// close stops the lister and waits for it.
func (l *listing) close() error {
	l.cancel()
	for range l.objs {
	}
	if l.err == nil {
		l.err = io.EOF
		<-l.result
	}
	return nil
}

// listItems are the objects' metadata, as a Distributed Map gives them to its children.
type listItems struct {
	l      *listing
	source string
}

func (it *listItems) Next() (any, error) {
	o, err := it.l.next()
	if err != nil {
		return nil, err
	}
	class := o.StorageClass
	if class == "" {
		class = "STANDARD"
	}
	// The names and the shape are AWS's documented ones: "Etag" (so spelled), the quoted ETag, and
	// LastModified in seconds since the epoch.
	return map[string]any{
		"Etag":         o.ETag,
		"Key":          o.Key,
		"LastModified": o.LastModified.Unix(),
		"Size":         o.Size,
		"StorageClass": class,
	}, nil
}

func (it *listItems) Origin() Origin { return Origin{Source: it.source} }

func (it *listItems) Close() error { return it.l.close() }
