package resources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/aslrun/aslrun/interpreter/maprun"
)

// awsObjects is the maprun.Objects of real S3 (or of AWS_ENDPOINT_URL_S3), through the SDK client the aws
// stub uses (newAWSS3Client): a Distributed Map's ItemReader and ResultWriter where the handler file binds
// their resources to {"aws": true} (see Registry.Objects). The client is built on first use, so that a
// handler file loads offline.
type awsObjects struct {
	client awsStubLazy[*s3api.Client]
}

func (o *awsObjects) s3(ctx context.Context) (*s3api.Client, error) {
	return o.client.get(ctx, newAWSS3Client)
}

// Get opens an object with GetObject. The body streams from S3; it is no io.ReaderAt, so a Parquet reader
// spools it.
func (o *awsObjects) Get(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	client, err := o.s3(ctx)
	if err != nil {
		return nil, 0, err
	}
	out, err := client.GetObject(ctx, &s3api.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, 0, awsObjectError(err, bucket, key)
	}
	return out.Body, aws.ToInt64(out.ContentLength), nil
}

// List lists the objects under prefix with ListObjectsV2, a page (1,000 keys) at a time, in S3's key order.
func (o *awsObjects) List(ctx context.Context, bucket, prefix string, fn func(maprun.Object) error) error {
	client, err := o.s3(ctx)
	if err != nil {
		return err
	}
	in := &s3api.ListObjectsV2Input{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	pages := s3api.NewListObjectsV2Paginator(client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return awsObjectError(err, bucket, "")
		}
		for _, c := range page.Contents {
			class := string(c.StorageClass)
			if class == "" {
				class = "STANDARD"
			}
			obj := maprun.Object{Key: aws.ToString(c.Key), ETag: aws.ToString(c.ETag), Size: aws.ToInt64(c.Size), StorageClass: class}
			if c.LastModified != nil {
				obj.LastModified = c.LastModified.UTC()
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
	}
	return nil
}

// Put writes an object with PutObject. A body that can seek (the writer's spool file, a bytes.Reader) is
// sent from where it stands with its length, so nothing is held whole in memory; any other body is
// spooled to a temporary file first, since PutObject needs the length before the first byte.
func (o *awsObjects) Put(ctx context.Context, bucket, key string, body io.Reader) error {
	client, err := o.s3(ctx)
	if err != nil {
		return err
	}
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
	length, err := remaining(seeker)
	if err != nil {
		return err
	}
	_, err = client.PutObject(ctx, &s3api.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: seeker, ContentLength: aws.Int64(length)})
	if err != nil {
		return awsObjectError(err, bucket, key)
	}
	return nil
}

// remaining is the number of bytes from a body's position to its end; the position stays.
func remaining(s io.Seeker) (int64, error) {
	at, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	if _, err := s.Seek(at, io.SeekStart); err != nil {
		return 0, err
	}
	return end - at, nil
}

// awsObjectError makes S3's NoSuchBucket and NoSuchKey a *maprun.ObjectError, so the Map fails with the
// cause the embedded S3 gives; other errors (access denied, a refused connection) stay the SDK's, whose
// text names the operation, the status and S3's code.
func awsObjectError(err error, bucket, key string) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		if code := api.ErrorCode(); code == "NoSuchBucket" || code == "NoSuchKey" {
			return &maprun.ObjectError{Code: code, Bucket: bucket, Key: key}
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
	remote := &awsObjects{}
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
