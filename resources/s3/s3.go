// Package s3 is an embedded emulation of Amazon S3 for Step Functions: the aws-sdk:s3 Task integrations
// (getObject, putObject, listObjectsV2, headObject, deleteObject, copyObject) and the objects a
// Distributed Map reads its items from and writes its results to (it implements maprun.Objects).
//
// A Store keeps its buckets in memory (New), or in a directory (OpenDir, aslrun's --s3-root): each
// sub-folder is a bucket and each file under it an object whose key is its path, with / between folders.
//
// Requests and responses are the shapes Step Functions' aws-sdk integration gives the S3 API, as generic
// JSON values; errors are *awserr.Error with S3's codes, statuses and messages.
package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/interpreter/maprun"
	"github.com/aslrun/aslrun/resources/awserr"
)

// Options configures a Store. The zero value is usable.
type Options struct {
	// AutoCreate makes a write to an unknown bucket of an in-memory store create the bucket instead of
	// failing with NoSuchBucket. A directory store never creates buckets: its buckets are its folders.
	AutoCreate bool
	// Now stamps the objects of an in-memory store (LastModified); time.Now when nil. A directory store
	// reads its files' modification times.
	Now func() time.Time
}

// Store is an S3: buckets of objects, in memory or in a directory. It is safe for concurrent use.
type Store struct {
	b          backend
	autoCreate bool
}

var _ maprun.Objects = (*Store)(nil)

// New returns an empty in-memory Store.
func New(opts Options) *Store {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Store{b: newMemory(now), autoCreate: opts.AutoCreate}
}

// OpenDir returns a Store over the directory dir: its sub-folders are the buckets, the files under them
// the objects. Nothing is read until it is used; dir must exist and be a directory.
func OpenDir(dir string) (*Store, error) {
	d, err := openDir(dir)
	if err != nil {
		return nil, err
	}
	return &Store{b: d}, nil
}

// Close releases the directory a Store was opened on; it does nothing for an in-memory Store.
func (s *Store) Close() error { return s.b.close() }

// Dir is the directory of a directory Store, "" for an in-memory one.
func (s *Store) Dir() string { return s.b.dir() }

// CreateBucket creates a bucket (a folder of a directory Store); creating one that exists does nothing.
func (s *Store) CreateBucket(bucket string) error {
	if err := checkBucket(bucket); err != nil {
		return err
	}
	return s.b.createBucket(bucket)
}

// backend is where a Store keeps its objects. Its methods take checked bucket names and keys (checkBucket,
// checkKey), and report S3's errors (a missing bucket or key, a key the backend cannot hold) as
// *awserr.Error; anything else is an I/O error.
type backend interface {
	close() error
	dir() string
	createBucket(bucket string) error
	// bucketExists reports whether the bucket exists; buckets lists them in name order.
	bucketExists(bucket string) (bool, error)
	buckets() ([]string, error)
	// open opens an object for reading; the body is also an io.ReaderAt.
	open(bucket, key string) (io.ReadCloser, objectInfo, error)
	stat(bucket, key string) (objectInfo, error)
	// write replaces the object with body, read to its end. The bucket exists.
	write(bucket, key string, body io.Reader, attrs attributes) (objectInfo, error)
	// remove deletes an object; a missing one is no error.
	remove(bucket, key string) error
	// walk calls fn with the objects whose keys start with prefix and are >= from, in key order (S3's
	// UTF-8 binary order), until fn returns an error, which walk returns. fn may return a key from which
	// to go on, past the one it was given: walk then skips the keys before it.
	walk(ctx context.Context, bucket, prefix, from string, fn func(objectInfo) (string, error)) error
	// etag is the object's ETag, which a backend may compute only when asked.
	etag(bucket string, o objectInfo) (string, error)
}

// objectInfo is what a backend knows of an object besides its content.
type objectInfo struct {
	key     string
	size    int64
	modTime time.Time
	etag    string // when the backend knows it already
	attrs   attributes
}

// attributes are what a put sets besides the content.
type attributes struct {
	contentType string
	metadata    map[string]string
}

// defaultContentType is what S3 answers for an object stored without a Content-Type.
const defaultContentType = "binary/octet-stream"

// partSize is the part size of a multipart upload as the AWS CLI and SDK transfer managers make them
// (8 MiB): an object larger than this is taken to have been uploaded in such parts.
const partSize = 8 << 20

// md5ETag is S3's ETag of an object uploaded whole: the quoted MD5 hex of its content.
func md5ETag(sum []byte) string { return `"` + hex.EncodeToString(sum) + `"` }

// largeETag is the ETag of an object over partSize bytes. S3 gives a multipart upload the ETag
// "<MD5 of the parts' MD5s>-<part count>", which is no digest of the content either; hashing a large file
// again on every listing would cost a read of it, so this one is made from the size and the modification
// time, and changes when they do. Ours: S3 does not say what a local copy's ETag is.
func largeETag(size int64, modTime time.Time) string {
	sum := md5.Sum(fmt.Appendf(nil, "%d:%d", size, modTime.UnixNano()))
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sum[:]), (size+partSize-1)/partSize)
}

// maxKeyLength is S3's limit on a key's UTF-8 length.
const maxKeyLength = 1024

// bucketRE accepts the bucket names S3 has accepted, including the legacy us-east-1 ones (capitals,
// underscores, up to 255 characters); checkBucket also refuses "." and "..", which name no folder.
var bucketRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`) })

func checkBucket(bucket string) error {
	if !bucketRE().MatchString(bucket) || bucket == "." || bucket == ".." || strings.HasPrefix(bucket, tempPrefix) {
		return awserr.Newf("InvalidBucketName", 400, "The specified bucket is not valid. (bucket %q)", bucket)
	}
	return nil
}

func checkKey(key string) error {
	if key == "" {
		return awserr.New("InvalidArgument", 400, "The key must not be empty")
	}
	if len(key) > maxKeyLength {
		return awserr.New("KeyTooLongError", 400, "Your key is too long")
	}
	return nil
}

// tempPrefix starts the names of the temporary files a directory store writes an object to before it
// renames them into place; listings skip them and keys may not use them.
const tempPrefix = ".aslrun-tmp-"

// lastModified is S3's LastModified: whole seconds, UTC.
func lastModified(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
