package s3

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// LoadFixturesJSON creates the buckets and objects of a fixtures file's "s3" section:
//
//	{"bucket-name": {"key/path.csv": "text content", "data.json": [1, 2]}, "empty-bucket": {}}
//
// A string is stored as its text; any other JSON value as its JSON text, as written. A directory Store
// writes them as files, replacing those of the same names.
func (s *Store) LoadFixturesJSON(data []byte) error {
	var section map[string]json.RawMessage
	if err := json.Unmarshal(data, &section); err != nil || section == nil {
		return fmt.Errorf(`s3 fixtures: want {"bucket": {"key": content}}: %s`, firstLine(data, err))
	}
	buckets := make([]string, 0, len(section))
	for b := range section {
		buckets = append(buckets, b)
	}
	sort.Strings(buckets)
	for _, bucket := range buckets {
		var objects map[string]json.RawMessage
		if err := json.Unmarshal(section[bucket], &objects); err != nil || objects == nil {
			return fmt.Errorf(`s3 fixtures: bucket %q: want an object of keys and contents`, bucket)
		}
		if err := s.CreateBucket(bucket); err != nil {
			return fmt.Errorf("s3 fixtures: bucket %q: %w", bucket, err)
		}
		keys := make([]string, 0, len(objects))
		for k := range objects {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			content, err := fixtureContent(objects[key])
			if err == nil {
				err = checkKey(key)
			}
			if err == nil {
				_, err = s.b.write(bucket, key, bytes.NewReader(content), attributes{})
			}
			if err != nil {
				return fmt.Errorf("s3 fixtures: bucket %q, key %q: %w", bucket, key, err)
			}
		}
	}
	return nil
}

// fixtureContent is a string's text, or any other value's JSON text as written (compacted).
func fixtureContent(raw json.RawMessage) ([]byte, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return []byte(text), nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func firstLine(data []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	s, _, _ := strings.Cut(string(data), "\n")
	return "got " + s
}

// Dump bounds: the objects listed per bucket, and the largest content shown.
const (
	dumpObjects = 1000
	dumpBody    = 4096
)

// Dump returns every bucket and its objects, for inspection after a run: bucket -> {"Objects": {key:
// {"Size", "ETag", "LastModified", "Body"}}}, Body only for contents of at most 4 KiB that are UTF-8
// text. A bucket lists its first 1000 keys, with "Truncated": true when it has more; a bucket that cannot
// be read has "Error".
func (s *Store) Dump() map[string]any {
	out := map[string]any{}
	buckets, err := s.b.buckets()
	if err != nil {
		return map[string]any{"Error": err.Error()}
	}
	for _, bucket := range buckets {
		objects := map[string]any{}
		entry := map[string]any{"Objects": objects}
		err := s.b.walk(context.Background(), bucket, "", "", func(o objectInfo) (string, error) {
			if len(objects) == dumpObjects {
				entry["Truncated"] = true
				return "", errStop
			}
			etag, err := s.b.etag(bucket, o)
			if err != nil {
				return "", err
			}
			obj := map[string]any{"Size": o.size, "ETag": etag, "LastModified": isoDate(o.modTime)}
			if o.size <= dumpBody {
				if body, ok := s.smallBody(bucket, o.key); ok {
					obj["Body"] = body
				}
			}
			objects[o.key] = obj
			return "", nil
		})
		if err != nil && err != errStop {
			entry["Error"] = err.Error()
		}
		out[bucket] = entry
	}
	return out
}

// smallBody reads an object of at most dumpBody bytes that is UTF-8 text.
func (s *Store) smallBody(bucket, key string) (string, bool) {
	r, _, err := s.b.open(bucket, key)
	if err != nil {
		return "", false
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, dumpBody+1))
	if err != nil || len(b) > dumpBody || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}
