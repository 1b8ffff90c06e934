package s3

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aslrun/aslrun/resources/awserr"
)

// dirStore keeps buckets in a directory: bucket B's object K is the file B/K, a / in K a folder.
//
// Every access goes through an os.Root, which refuses any path that leaves the directory, also through a
// symbolic link (links inside it are followed; they must be relative). Keys that would need a path to
// leave it ("..", an empty segment) are refused before that. A write goes to a temporary file in the
// object's folder, renamed over the object once complete, so a crash never leaves part of an object.
//
// ETags and the attributes of a put (Content-Type, metadata) are kept in memory, for the files whose size
// and modification time have not changed since; a file written by anything else gets its ETag on first
// use and the default attributes.
type dirStore struct {
	path string
	root *os.Root

	mu    sync.Mutex
	cache map[string]cached // by the object's path, bucket/key
}

type cached struct {
	size    int64
	modTime time.Time
	etag    string
	attrs   attributes
}

// maxCached bounds the cache; past it an arbitrary entry makes room (its file is hashed again if used).
const maxCached = 1 << 16

func openDir(dir string) (*dirStore, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("the S3 root %s does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("the S3 root: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("the S3 root %s is not a directory", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("the S3 root: %w", err)
	}
	return &dirStore{path: dir, root: root, cache: map[string]cached{}}, nil
}

func (d *dirStore) close() error { return d.root.Close() }
func (d *dirStore) dir() string  { return d.path }

// objectPath is the path of an object under the root; keys a file cannot stand for are refused.
func (d *dirStore) objectPath(bucket, key string) (string, error) {
	for _, seg := range strings.Split(key, "/") {
		reason := ""
		switch {
		case seg == "":
			reason = "it has an empty segment (a leading, trailing or double /)"
		case seg == "." || seg == "..":
			reason = fmt.Sprintf("it has a %q segment", seg)
		case strings.IndexByte(seg, 0) >= 0:
			reason = "it holds a NUL character"
		case len(seg) > 255:
			reason = "a segment is longer than 255 bytes, the longest file name"
		case strings.HasPrefix(seg, tempPrefix):
			reason = "a segment starts with " + tempPrefix + ", which names the store's temporary files"
		}
		if reason != "" {
			return "", errInvalidArgument("The key %q of the bucket %q cannot be a file under the S3 root %s: %s", key, bucket, d.path, reason)
		}
	}
	return bucket + "/" + key, nil
}

// escapes reports whether os.Root refused a path for leaving the root. Its error has no exported value,
// and may be wrapped in several *fs.PathError.
func escapes(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if err.Error() == "path escapes from parent" {
			return true
		}
	}
	return false
}

func (d *dirStore) errEscape(bucket, key string) error {
	if key == "" {
		return awserr.Newf("AccessDenied", 403, "Access Denied: the folder of the bucket %q leads outside the S3 root %s (a symbolic link must be relative and stay inside the root)", bucket, d.path)
	}
	return awserr.Newf("AccessDenied", 403, "Access Denied: the key %q of the bucket %q leads outside the S3 root %s (a symbolic link must be relative and stay inside the root)", key, bucket, d.path)
}

// missing reports whether an error says that a path does not exist, or that part of it is a file.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func (d *dirStore) createBucket(bucket string) error {
	err := d.root.Mkdir(bucket, 0o755)
	if errors.Is(err, fs.ErrExist) {
		if ok, err := d.bucketExists(bucket); ok || err != nil {
			return err
		}
		return errInvalidArgument("The bucket %q cannot be a folder of the S3 root %s: a file has its name", bucket, d.path)
	}
	if escapes(err) {
		return d.errEscape(bucket, "")
	}
	return err
}

func (d *dirStore) bucketExists(bucket string) (bool, error) {
	fi, err := d.root.Stat(bucket)
	switch {
	case missing(err):
		return false, nil
	case escapes(err):
		return false, d.errEscape(bucket, "")
	case err != nil:
		return false, err
	}
	return fi.IsDir(), nil
}

// checkBucketDir fails with NoSuchBucket unless the bucket's folder exists.
func (d *dirStore) checkBucketDir(bucket string) error {
	ok, err := d.bucketExists(bucket)
	if err == nil && !ok {
		err = errNoSuchBucket()
	}
	return err
}

func (d *dirStore) buckets() ([]string, error) {
	f, err := d.root.Open(".")
	if err != nil {
		return nil, err
	}
	entries, err := f.ReadDir(-1)
	_ = f.Close() // read only
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if checkBucket(e.Name()) != nil {
			continue
		}
		if ok, err := d.bucketExists(e.Name()); err == nil && ok {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// fileInfo stats an object's file: NoSuchBucket, NoSuchKey (also for a folder), or refused.
func (d *dirStore) fileInfo(bucket, key string) (string, fs.FileInfo, error) {
	if err := d.checkBucketDir(bucket); err != nil {
		return "", nil, err
	}
	p, err := d.objectPath(bucket, key)
	if err != nil {
		return "", nil, err
	}
	fi, err := d.root.Stat(p)
	switch {
	case missing(err):
		return "", nil, errNoSuchKey()
	case escapes(err):
		return "", nil, d.errEscape(bucket, key)
	case err != nil:
		return "", nil, err
	case fi.IsDir():
		return "", nil, errNoSuchKey()
	case !fi.Mode().IsRegular():
		return "", nil, errInvalidArgument("The key %q of the bucket %q is not a regular file under the S3 root %s", key, bucket, d.path)
	}
	return p, fi, nil
}

// info describes an object's file, with what the cache knows of it.
func (d *dirStore) info(p, key string, fi fs.FileInfo) objectInfo {
	o := objectInfo{key: key, size: fi.Size(), modTime: fi.ModTime()}
	d.mu.Lock()
	c, ok := d.cache[p]
	d.mu.Unlock()
	if ok && c.size == o.size && c.modTime.Equal(o.modTime) {
		o.etag, o.attrs = c.etag, c.attrs
	}
	return o
}

func (d *dirStore) remember(p string, c cached) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.cache[p]; !ok && len(d.cache) >= maxCached {
		for k := range d.cache {
			delete(d.cache, k)
			break
		}
	}
	d.cache[p] = c
}

func (d *dirStore) forget(p string) {
	d.mu.Lock()
	delete(d.cache, p)
	d.mu.Unlock()
}

func (d *dirStore) open(bucket, key string) (io.ReadCloser, objectInfo, error) {
	p, _, err := d.fileInfo(bucket, key)
	if err != nil {
		return nil, objectInfo{}, err
	}
	f, err := d.root.Open(p)
	switch {
	case missing(err):
		return nil, objectInfo{}, errNoSuchKey()
	case escapes(err):
		return nil, objectInfo{}, d.errEscape(bucket, key)
	case err != nil:
		return nil, objectInfo{}, err
	}
	// The size and time of the file opened, which may have been replaced since the stat.
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, objectInfo{}, err
	}
	return f, d.info(p, key, fi), nil
}

func (d *dirStore) stat(bucket, key string) (objectInfo, error) {
	p, fi, err := d.fileInfo(bucket, key)
	if err != nil {
		return objectInfo{}, err
	}
	return d.info(p, key, fi), nil
}

func (d *dirStore) write(bucket, key string, body io.Reader, attrs attributes) (objectInfo, error) {
	if err := d.checkBucketDir(bucket); err != nil {
		return objectInfo{}, err
	}
	p, err := d.objectPath(bucket, key)
	if err != nil {
		return objectInfo{}, err
	}
	folder := path.Dir(p)
	if err := d.root.MkdirAll(folder, 0o755); err != nil {
		if escapes(err) {
			return objectInfo{}, d.errEscape(bucket, key)
		}
		if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) {
			return objectInfo{}, errInvalidArgument("The key %q of the bucket %q cannot be a file under the S3 root %s: part of its folder path is an object", key, bucket, d.path)
		}
		return objectInfo{}, err
	}
	// A link leading out of the root is refused, as it is when read, rather than replaced.
	if fi, err := d.root.Stat(p); escapes(err) {
		return objectInfo{}, d.errEscape(bucket, key)
	} else if err == nil && fi.IsDir() {
		return objectInfo{}, errInvalidArgument("The key %q of the bucket %q cannot be a file under the S3 root %s: it is a folder holding other keys", key, bucket, d.path)
	}
	var r [8]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails
	tmp := folder + "/" + tempPrefix + hex.EncodeToString(r[:])
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if escapes(err) {
			return objectInfo{}, d.errEscape(bucket, key)
		}
		return objectInfo{}, err
	}
	sum := md5.New()
	fi, err := copyAndStat(f, io.TeeReader(body, hashUpTo(sum, partSize+1)))
	if err == nil {
		err = d.root.Rename(tmp, p)
	}
	if err != nil {
		_ = d.root.Remove(tmp) // best effort: a leftover is skipped by listings
		if escapes(err) {
			return objectInfo{}, d.errEscape(bucket, key)
		}
		return objectInfo{}, err
	}
	o := objectInfo{key: key, size: fi.Size(), modTime: fi.ModTime(), attrs: attrs, etag: largeETag(fi.Size(), fi.ModTime())}
	if o.size <= partSize {
		o.etag = md5ETag(sum.Sum(nil))
	}
	d.remember(p, cached{size: o.size, modTime: o.modTime, etag: o.etag, attrs: attrs})
	return o, nil
}

// copyAndStat writes r to f and closes it, returning the file's size and modification time.
func copyAndStat(f *os.File, r io.Reader) (fs.FileInfo, error) {
	_, err := io.Copy(f, r)
	var fi fs.FileInfo
	if err == nil {
		fi, err = f.Stat()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return fi, err
}

// hashUpTo feeds h at most limit bytes: past partSize the digest is not used, so a large object is not
// hashed for nothing.
func hashUpTo(h hash.Hash, limit int64) io.Writer { return &limitedHash{h, limit} }

type limitedHash struct {
	h    hash.Hash
	left int64
}

func (l *limitedHash) Write(p []byte) (int, error) {
	n := len(p)
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	l.left -= int64(len(p))
	l.h.Write(p)
	return n, nil
}

func (d *dirStore) remove(bucket, key string) error {
	if err := d.checkBucketDir(bucket); err != nil {
		return err
	}
	p, err := d.objectPath(bucket, key)
	if err != nil {
		return err
	}
	if _, err := d.root.Stat(p); escapes(err) {
		return d.errEscape(bucket, key) // as when it is read, rather than remove the link
	}
	fi, err := d.root.Lstat(p)
	switch {
	case missing(err):
		return nil // S3 deletes a missing key without complaint
	case escapes(err):
		return d.errEscape(bucket, key)
	case err != nil:
		return err
	case fi.IsDir():
		return nil // a folder is no object
	}
	if err := d.root.Remove(p); err != nil && !missing(err) {
		return err
	}
	d.forget(p)
	// Folders left empty go too, so that their names are free for objects, as they are in S3.
	for folder := path.Dir(p); folder != bucket; folder = path.Dir(folder) {
		fi, err := d.root.Lstat(folder)
		if err != nil || !fi.IsDir() || d.root.Remove(folder) != nil {
			break
		}
	}
	return nil
}

func (d *dirStore) walk(ctx context.Context, bucket, prefix, from string, fn func(objectInfo) (string, error)) error {
	if err := d.checkBucketDir(bucket); err != nil {
		return err
	}
	if from < prefix {
		from = prefix
	}
	w := &walker{d: d, ctx: ctx, bucket: bucket, prefix: prefix, from: from, fn: fn}
	return w.folder("")
}

// walker lists a bucket's folders depth first, each in key order: a folder's name sorts as itself
// followed by "/", which is where its keys sort among its siblings.
type walker struct {
	d            *dirStore
	ctx          context.Context
	bucket       string
	prefix, from string
	fn           func(objectInfo) (string, error)
	done         bool // past the prefix: no key further on can match
}

type walkEntry struct {
	sortKey string // the key, or the folder's key prefix ending in /
	isDir   bool
	fi      fs.FileInfo // resolved when the entry is a link, else read only when the object is listed
	de      fs.DirEntry
	err     error // a link leading out of the root: the listing fails when it gets there
}

// folder lists the folder whose keys start with keyDir ("" or ending in /).
func (w *walker) folder(keyDir string) error {
	if len(keyDir) > maxKeyLength {
		return nil // no key of S3's length lies deeper (this also ends a loop of symbolic links)
	}
	entries, err := w.entries(keyDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		k := e.sortKey
		inPrefix := strings.HasPrefix(k, w.prefix) || e.isDir && strings.HasPrefix(w.prefix, k)
		if !inPrefix {
			if k > w.prefix {
				w.done = true
				return nil
			}
			continue
		}
		if e.isDir {
			if k >= w.from || strings.HasPrefix(w.from, k) {
				if err := w.folder(k); err != nil || w.done {
					return err
				}
			}
			continue
		}
		if k < w.from {
			continue
		}
		if e.err != nil {
			return e.err
		}
		fi := e.fi
		if fi == nil {
			if fi, err = e.de.Info(); missing(err) {
				continue // removed meanwhile
			} else if err != nil {
				return err
			}
		}
		p := w.bucket + "/" + k
		next, err := w.fn(w.d.info(p, k, fi))
		if err != nil {
			return err
		}
		if next > w.from {
			w.from = next
		}
	}
	return nil
}

// entries reads a folder's objects and sub-folders in key order, resolving symbolic links (inside the root
// only) and leaving out temporary files and anything that is neither a file nor a folder.
func (w *walker) entries(keyDir string) ([]walkEntry, error) {
	dirPath := w.bucket + "/" + strings.TrimSuffix(keyDir, "/")
	f, err := w.d.root.Open(dirPath)
	if err != nil {
		if escapes(err) {
			return nil, w.d.errEscape(w.bucket, keyDir)
		}
		return nil, err
	}
	list, err := f.ReadDir(-1)
	_ = f.Close() // read only
	if err != nil {
		return nil, err
	}
	entries := make([]walkEntry, 0, len(list))
	for _, de := range list {
		name := de.Name()
		if strings.HasPrefix(name, tempPrefix) {
			continue
		}
		mode := de.Type()
		var fi fs.FileInfo
		if mode&fs.ModeSymlink != 0 {
			fi, err = w.d.root.Stat(dirPath + "/" + name)
			if escapes(err) {
				entries = append(entries, walkEntry{sortKey: keyDir + name, err: w.d.errEscape(w.bucket, keyDir+name)})
				continue
			}
			if missing(err) {
				continue // a dangling link
			}
			if err != nil {
				return nil, err
			}
			mode = fi.Mode().Type()
		}
		switch {
		case mode.IsDir():
			entries = append(entries, walkEntry{sortKey: keyDir + name + "/", isDir: true})
		case mode.IsRegular():
			entries = append(entries, walkEntry{sortKey: keyDir + name, fi: fi, de: de})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].sortKey < entries[j].sortKey })
	return entries, nil
}

func (d *dirStore) etag(bucket string, o objectInfo) (string, error) {
	if o.etag != "" {
		return o.etag, nil
	}
	if o.size > partSize {
		return largeETag(o.size, o.modTime), nil
	}
	p := bucket + "/" + o.key
	f, err := d.root.Open(p)
	switch {
	case missing(err):
		return "", errNoSuchKey()
	case escapes(err):
		return "", d.errEscape(bucket, o.key)
	case err != nil:
		return "", err
	}
	defer f.Close()
	sum := md5.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	etag := md5ETag(sum.Sum(nil))
	d.remember(p, cached{size: o.size, modTime: o.modTime, etag: etag, attrs: o.attrs})
	return etag, nil
}
