package resources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"time"

	"github.com/aslrun/aslrun/interpreter/maprun"
	"github.com/aslrun/aslrun/resources/awscall"
)

// awsObjects is the maprun.Objects of real S3 (or of the endpoint bound to s3: $endpoints, --endpoint,
// AWS_ENDPOINT_URL_S3), through the generic call path (package awscall): a Distributed Map's ItemReader and
// ResultWriter where the handler file binds their resources to {"aws": true} (see Registry.Objects).
// Nothing is read from the environment until the first call, so that a handler file loads offline.
type awsObjects struct {
	reg *Registry
}

// Get opens an object with GetObject. The body streams from S3; it is no io.ReaderAt, so a Parquet reader
// spools it.
func (o *awsObjects) Get(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	resp, err := o.reg.awsClient().Open(ctx, "s3", "getObject", map[string]any{"Bucket": bucket, "Key": key})
	if err != nil {
		return nil, 0, awsObjectError(err, bucket, key)
	}
	return resp.Body, resp.ContentLength, nil
}

// List lists the objects under prefix with ListObjectsV2, a page (1,000 keys) at a time, in S3's key order.
func (o *awsObjects) List(ctx context.Context, bucket, prefix string, fn func(maprun.Object) error) error {
	params := map[string]any{"Bucket": bucket}
	if prefix != "" {
		params["Prefix"] = prefix
	}
	for {
		resp, err := o.reg.awsClient().Do(ctx, "s3", "listObjectsV2", params)
		if err != nil {
			return awsObjectError(err, bucket, "")
		}
		contents, _ := resp.Result["Contents"].([]any)
		for _, c := range contents {
			m, _ := c.(map[string]any)
			obj := maprun.Object{StorageClass: "STANDARD"}
			obj.Key, _ = m["Key"].(string)
			obj.ETag, _ = m["ETag"].(string)
			obj.Size, _ = m["Size"].(int64)
			if class, _ := m["StorageClass"].(string); class != "" {
				obj.StorageClass = class
			}
			if at, _ := m["LastModified"].(string); at != "" {
				if t, err := time.Parse(time.RFC3339, at); err == nil {
					obj.LastModified = t.UTC()
				}
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
		token, _ := resp.Result["NextContinuationToken"].(string)
		if truncated, _ := resp.Result["IsTruncated"].(bool); !truncated || token == "" {
			return nil
		}
		params["ContinuationToken"] = token
	}
}

// Put writes an object with PutObject. A body that can seek (the writer's spool file, a bytes.Reader) is
// sent from where it stands with its length, so nothing is held whole in memory; any other body is
// spooled to a temporary file first, since PutObject needs the length before the first byte.
func (o *awsObjects) Put(ctx context.Context, bucket, key string, body io.Reader) error {
	seeker, ok := body.(io.ReadSeeker)
	if !ok {
		tmp, err := os.CreateTemp("", "aslrun-put-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, body); err != nil {
			return err
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		seeker = tmp
	}
	if err := o.reg.awsClient().Send(ctx, "s3", "putObject", map[string]any{"Bucket": bucket, "Key": key}, seeker); err != nil {
		return awsObjectError(err, bucket, key)
	}
	return nil
}

// awsObjectError makes S3's NoSuchBucket and NoSuchKey a *maprun.ObjectError, so the Map fails with the
// cause the embedded S3 gives; other errors (access denied, a refused connection) name the service's code
// and status, or the URL that did not answer.
func awsObjectError(err error, bucket, key string) error {
	var se *awscall.ServiceError
	if errors.As(err, &se) {
		if se.Code == "NoSuchBucket" || se.Code == "NoSuchKey" {
			return &maprun.ObjectError{Code: se.Code, Bucket: bucket, Key: key}
		}
	}
	return fmt.Errorf("S3: %w", err)
}

// splitObjects is the S3 of Distributed Maps when the handler file sends only one direction to real S3:
// reads (Get, List: ItemReader) go to one store, writes (Put: ResultWriter) to the other. A nil store is
// an error at use, not at wiring, as a Map without an S3 is.
type splitObjects struct {
	read, write maprun.Objects
}

func (s splitObjects) Get(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	if s.read == nil {
		return nil, 0, errNoObjects()
	}
	return s.read.Get(ctx, bucket, key)
}

func (s splitObjects) List(ctx context.Context, bucket, prefix string, fn func(maprun.Object) error) error {
	if s.read == nil {
		return errNoObjects()
	}
	return s.read.List(ctx, bucket, prefix, fn)
}

func (s splitObjects) Put(ctx context.Context, bucket, key string, body io.Reader) error {
	if s.write == nil {
		return errNoObjects()
	}
	return s.write.Put(ctx, bucket, key, body)
}

func errNoObjects() error { return errors.New("no S3 store serves this execution") }

// objectRoutes are the directions of a Distributed Map's S3 that the handler files send to real S3.
type objectRoutes struct{ read, write bool }

// mapObjectsKey tells whether a handler file key is a resource of a Distributed Map's S3 rather than of a
// Task: arn:aws:states:::s3:getObject and s3:listObjectsV2 (ItemReader: read) or s3:putObject
// (ResultWriter: write), in any aws partition.
func mapObjectsKey(key string) (write, ok bool) {
	parts := strings.Split(key, ":")
	if len(parts) != 7 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "states" ||
		parts[3] != "" || parts[4] != "" || parts[5] != "s3" {
		return false, false
	}
	switch parts[6] {
	case "getObject", "listObjectsV2":
		return false, true
	case "putObject":
		return true, true
	}
	return false, false
}

// parseObjectsStub checks the stub of a Distributed Map's S3 resource: {"aws": true} only, since no Task
// calls these resources and nothing else could stand in for a store.
func parseObjectsStub(v any) error {
	const only = `the resource of a Distributed Map's ItemReader or ResultWriter is no Task: its only stub is {"aws": true}, ` +
		`which sends the Map's reads (s3:getObject, s3:listObjectsV2) or writes (s3:putObject) to real S3 (or AWS_ENDPOINT_URL_S3)`
	stub, ok := v.(map[string]any)
	if !ok {
		return errors.New(only)
	}
	for _, k := range stubKinds {
		if _, has := stub[k]; has && k != "aws" {
			return fmt.Errorf("%s, not %q", only, k)
		}
	}
	if stub["aws"] != true {
		return errors.New(only)
	}
	return nil
}

// Objects is the S3 of Distributed Maps: embedded (the Services' S3, or nil), except for the directions
// the handler files bound to {"aws": true}, which go to real S3 through the SDK (AWS_ENDPOINT_URL_S3
// honoured). The rule is per direction, so that a Map may read real input and keep its results local, or
// the reverse: s3:getObject or s3:listObjectsV2 sends every read (Get and List, since a manifest or
// LOAD_AND_FLATTEN listing reads the objects it names from the same store), s3:putObject every write.
func (r *Registry) Objects(embedded maprun.Objects) maprun.Objects {
	r.mu.RLock()
	routes := r.objects
	r.mu.RUnlock()
	remote := &awsObjects{reg: r}
	switch {
	case routes.read && routes.write:
		return remote
	case routes.read:
		return splitObjects{read: remote, write: embedded}
	case routes.write:
		return splitObjects{read: embedded, write: remote}
	}
	return embedded
}
