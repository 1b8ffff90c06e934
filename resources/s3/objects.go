package s3

import (
	"context"
	"io"

	"github.com/aslrun/aslrun/interpreter/maprun"
)

// The Store is the maprun.Objects of a Distributed Map: its ItemReader reads objects and listings, its
// ResultWriter writes objects. A missing bucket or key is a *maprun.ObjectError.

// Get opens an object for reading; the body is also an io.ReaderAt (a file, or the object in memory).
func (s *Store) Get(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if err := checkBucket(bucket); err != nil {
		return nil, 0, err
	}
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	body, info, err := s.b.open(bucket, key)
	if err != nil {
		return nil, 0, objectError(err, bucket, key)
	}
	return body, info.size, nil
}

// List calls fn for each object whose key starts with prefix, in key order, until fn returns an error,
// which List returns. The listing streams: fn may use the store.
func (s *Store) List(ctx context.Context, bucket, prefix string, fn func(maprun.Object) error) error {
	if err := checkBucket(bucket); err != nil {
		return err
	}
	var fnErr error
	err := s.b.walk(ctx, bucket, prefix, "", func(o objectInfo) (string, error) {
		etag, err := s.b.etag(bucket, o)
		if isCode(err, CodeNoSuchKey) {
			return "", nil // removed since the walk saw it
		}
		if err != nil {
			return "", err
		}
		fnErr = fn(maprun.Object{Key: o.key, ETag: etag, LastModified: lastModified(o.modTime), Size: o.size, StorageClass: "STANDARD"})
		return "", fnErr
	})
	if err != nil && err == fnErr {
		return err
	}
	return objectError(err, bucket, "")
}

// Put writes an object whole, replacing any object under that key; an in-memory Store with AutoCreate
// creates the bucket.
func (s *Store) Put(ctx context.Context, bucket, key string, body io.Reader) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkBucket(bucket); err != nil {
		return err
	}
	if err := checkKey(key); err != nil {
		return err
	}
	if err := s.ensureBucket(bucket); err != nil {
		return objectError(err, bucket, key)
	}
	_, err := s.b.write(bucket, key, body, attributes{})
	return objectError(err, bucket, key)
}
