// Package maprun is what a Distributed Map does around its children: it reads the items (ItemReader),
// groups them (ItemBatcher) and writes the children's results (ResultWriter). It knows S3 only through
// Objects, so the embedded S3, a directory and real S3 all serve it.
package maprun

import (
	"context"
	"io"
	"time"
)

// Objects is the S3 a Map Run reads its items from and writes its results to.
//
// Errors for a missing bucket or key are *ObjectError, so a Map can fail with AWS's cause; any other error
// is the store's own (an I/O error, a refused request).
type Objects interface {
	// Get opens an object for reading. Size is its length in bytes. The body may also be an io.ReaderAt
	// (a file, an in-memory object), which lets a Parquet reader seek instead of spooling.
	Get(ctx context.Context, bucket, key string) (body io.ReadCloser, size int64, err error)
	// List calls fn for each object whose key starts with prefix, in key order (S3's UTF-8 binary order),
	// until fn returns an error, which List returns.
	List(ctx context.Context, bucket, prefix string, fn func(Object) error) error
	// Put writes an object whole, replacing any object under that key. Body is read to its end.
	Put(ctx context.Context, bucket, key string, body io.Reader) error
}

// Object is one entry of a listing, with the fields s3:listObjectsV2 gives a Distributed Map's items.
type Object struct {
	Key          string
	ETag         string // quoted, as S3 sends it: "\"9b2cf535f27731c974343645a3985328\""
	LastModified time.Time
	Size         int64
	StorageClass string // STANDARD unless the store knows better
}

// ObjectError is a missing bucket or key.
type ObjectError struct {
	// Code is S3's error code: NoSuchBucket or NoSuchKey.
	Code   string
	Bucket string
	Key    string
}

func (e *ObjectError) Error() string {
	if e.Code == "NoSuchBucket" {
		return "The specified bucket does not exist (bucket " + e.Bucket + ")"
	}
	return "The specified key does not exist (bucket " + e.Bucket + ", key " + e.Key + ")"
}
