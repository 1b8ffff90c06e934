package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// memory keeps buckets in memory. An object's content is never changed once stored (a put stores a new
// slice), so a reader keeps what it opened.
type memory struct {
	now func() time.Time

	mu    sync.Mutex
	store map[string]*memBucket
}

type memBucket struct {
	objects map[string]*memObject
	// keys are the object keys in order, rebuilt after a key is added or removed; a walk holds on to
	// the slice it started with, so the slice is never changed in place.
	keys []string
}

type memObject struct {
	data []byte
	info objectInfo
}

func newMemory(now func() time.Time) *memory {
	return &memory{now: now, store: map[string]*memBucket{}}
}

func (m *memory) close() error { return nil }
func (m *memory) dir() string  { return "" }

func (m *memory) createBucket(bucket string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.store[bucket] == nil {
		m.store[bucket] = &memBucket{objects: map[string]*memObject{}}
	}
	return nil
}

func (m *memory) bucketExists(bucket string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.store[bucket] != nil, nil
}

func (m *memory) buckets() ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.store))
	for name := range m.store {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// object finds an object; the caller holds m.mu.
func (m *memory) object(bucket, key string) (*memObject, error) {
	b := m.store[bucket]
	if b == nil {
		return nil, errNoSuchBucket()
	}
	o := b.objects[key]
	if o == nil {
		return nil, errNoSuchKey()
	}
	return o, nil
}

func (m *memory) open(bucket, key string) (io.ReadCloser, objectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, err := m.object(bucket, key)
	if err != nil {
		return nil, objectInfo{}, err
	}
	return memReader{bytes.NewReader(o.data)}, o.info, nil
}

// memReader is an object's content as an io.ReadCloser that is also an io.ReaderAt and io.Seeker.
type memReader struct{ *bytes.Reader }

func (memReader) Close() error { return nil }

func (m *memory) stat(bucket, key string) (objectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, err := m.object(bucket, key)
	if err != nil {
		return objectInfo{}, err
	}
	return o.info, nil
}

func (m *memory) write(bucket, key string, body io.Reader, attrs attributes) (objectInfo, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return objectInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.store[bucket]
	if b == nil {
		return objectInfo{}, errNoSuchBucket()
	}
	info := objectInfo{key: key, size: int64(len(data)), modTime: m.now(), attrs: attrs}
	if info.size > partSize {
		info.etag = largeETag(info.size, info.modTime)
	} else {
		sum := md5.Sum(data)
		info.etag = md5ETag(sum[:])
	}
	if b.objects[key] == nil {
		b.keys = nil
	}
	b.objects[key] = &memObject{data: data, info: info}
	return info, nil
}

func (m *memory) remove(bucket, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.store[bucket]
	if b == nil {
		return errNoSuchBucket()
	}
	if b.objects[key] != nil {
		delete(b.objects, key)
		b.keys = nil
	}
	return nil
}

// sortedKeys returns the bucket's keys in order; the caller holds m.mu.
func (b *memBucket) sortedKeys() []string {
	if b.keys == nil {
		keys := make([]string, 0, len(b.objects))
		for k := range b.objects {
			keys = append(keys, k)
		}
		slices.Sort(keys) // Go compares strings bytewise: S3's UTF-8 binary order
		b.keys = keys
	}
	return b.keys
}

func (m *memory) walk(ctx context.Context, bucket, prefix, from string, fn func(objectInfo) (string, error)) error {
	m.mu.Lock()
	b := m.store[bucket]
	if b == nil {
		m.mu.Unlock()
		return errNoSuchBucket()
	}
	keys := b.sortedKeys()
	m.mu.Unlock()
	if from < prefix {
		from = prefix
	}
	// fn runs without the lock, so it may use the store; objects removed meanwhile are skipped.
	for i := sort.SearchStrings(keys, from); i < len(keys) && strings.HasPrefix(keys[i], prefix); {
		if err := ctx.Err(); err != nil {
			return err
		}
		m.mu.Lock()
		o := b.objects[keys[i]]
		m.mu.Unlock()
		if o == nil {
			i++
			continue
		}
		next, err := fn(o.info)
		if err != nil {
			return err
		}
		if next > keys[i] {
			i += sort.SearchStrings(keys[i:], next)
		} else {
			i++
		}
	}
	return nil
}

func (m *memory) etag(_ string, o objectInfo) (string, error) { return o.etag, nil }
