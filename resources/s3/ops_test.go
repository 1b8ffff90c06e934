package s3

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/awserr"
)

var isoRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// step is one call and what it must give: members of the response (compared one by one), or an error.
type step struct {
	action  string
	req     map[string]any
	want    map[string]any
	without []string // members the response must not have
	code    string   // S3's error code
	status  int
	message string
}

func TestOperations(t *testing.T) {
	k := func(bucket, key string, more ...any) map[string]any {
		m := map[string]any{"Bucket": bucket, "Key": key}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "put a string stores its JSON text, get gives it back as text", steps: []step{
			{action: "putObject", req: k("data", "a.txt", "Body", "text data"),
				want: map[string]any{"ETag": `"2b5df3712557f503a9977a8ea893b2c9"`, "ServerSideEncryption": "AES256"}},
			{action: "getObject", req: k("data", "a.txt"), want: map[string]any{
				"Body": `"text data"`, "ContentLength": int64(11), "ContentType": "binary/octet-stream", "AcceptRanges": "bytes",
				"ETag": `"2b5df3712557f503a9977a8ea893b2c9"`, "Metadata": map[string]any{}, "ServerSideEncryption": "AES256"}},
		}},
		{name: "put JSON values as their text, as AWS recorded", steps: []step{
			{action: "putObject", req: k("data", "d", "Body", map[string]any{"Dict": "Value"}), want: map[string]any{"ETag": `"49e31cee5aec8faf3345893addb14346"`}},
			{action: "putObject", req: k("data", "l", "Body", []any{"List", "Data"}), want: map[string]any{"ETag": `"6b23860357f6e63a0272b7f1143a663a"`}},
			{action: "putObject", req: k("data", "b", "Body", false), want: map[string]any{"ETag": `"68934a3e9455fa72420237eb05902327"`}},
			{action: "putObject", req: k("data", "n", "Body", int64(0)), want: map[string]any{"ETag": `"cfcd208495d565ef66e7dff9f98764da"`}},
			{action: "getObject", req: k("data", "d"), want: map[string]any{"Body": `{"Dict":"Value"}`}},
			{action: "putObject", req: k("data", "empty"), want: map[string]any{"ETag": `"d41d8cd98f00b204e9800998ecf8427e"`}},
			{action: "getObject", req: k("data", "empty"), want: map[string]any{"Body": "", "ContentLength": int64(0)}},
		}},
		{name: "content type and metadata are kept, metadata names in lower case", steps: []step{
			{action: "putObject", req: k("data", "x/y.json", "Body", 1.5, "ContentType", "application/json", "Metadata", map[string]any{"Owner": "me"})},
			{action: "headObject", req: k("data", "x/y.json"), want: map[string]any{
				"ContentType": "application/json", "Metadata": map[string]any{"owner": "me"}, "ContentLength": int64(3), "ETag": quotedMD5("1.5")},
				without: []string{"Body"}},
		}},
		{name: "missing key and bucket", steps: []step{
			{action: "getObject", req: k("data", "nope"), code: "NoSuchKey", status: 404, message: "The specified key does not exist."},
			{action: "getObject", req: k("nobucket", "x"), code: "NoSuchBucket", status: 404, message: "The specified bucket does not exist"},
			{action: "headObject", req: k("data", "nope"), code: "NoSuchKey", status: 404, message: ""},
			{action: "headObject", req: k("nobucket", "x"), code: "NoSuchKey", status: 404, message: ""},
			{action: "putObject", req: k("nobucket", "x", "Body", "b"), code: "NoSuchBucket", status: 404},
			{action: "deleteObject", req: k("nobucket", "x"), code: "NoSuchBucket"},
			{action: "listObjectsV2", req: map[string]any{"Bucket": "nobucket"}, code: "NoSuchBucket"},
			{action: "listObjectsV2", req: map[string]any{"Bucket": "nobucket", "MaxKeys": int64(0)}, code: "NoSuchBucket"},
			{action: "copyObject", req: k("data", "c", "CopySource", "data/nope"), code: "NoSuchKey"},
			{action: "copyObject", req: k("data", "c", "CopySource", "nobucket/x"), code: "NoSuchBucket"},
		}},
		{name: "a folder is no object", steps: []step{
			{action: "putObject", req: k("data", "dir/file", "Body", "x")},
			{action: "getObject", req: k("data", "dir"), code: "NoSuchKey"},
			{action: "getObject", req: k("data", "dir/file/deeper"), code: "NoSuchKey"},
			{action: "deleteObject", req: k("data", "dir"), want: map[string]any{}},
			{action: "getObject", req: k("data", "dir/file"), want: map[string]any{"Body": `"x"`}},
		}},
		{name: "delete", steps: []step{
			{action: "putObject", req: k("data", "a/b/c", "Body", "x")},
			{action: "deleteObject", req: k("data", "a/b/c"), want: map[string]any{}},
			{action: "getObject", req: k("data", "a/b/c"), code: "NoSuchKey"},
			{action: "deleteObject", req: k("data", "a/b/c"), want: map[string]any{}},
			// The folders a and a/b went with their last object, so a is free to be an object.
			{action: "putObject", req: k("data", "a", "Body", "y")},
			{action: "getObject", req: k("data", "a"), want: map[string]any{"Body": `"y"`}},
		}},
		{name: "copy", steps: []step{
			{action: "putObject", req: k("data", "src", "Body", "payload", "ContentType", "text/plain")},
			{action: "copyObject", req: k("data", "dst/copy", "CopySource", "data/src"), want: map[string]any{"ServerSideEncryption": "AES256"}},
			{action: "getObject", req: k("data", "dst/copy"), want: map[string]any{"Body": `"payload"`, "ContentType": "text/plain", "ETag": quotedMD5(`"payload"`)}},
			{action: "copyObject", req: k("data", "enc", "CopySource", "/data/dst%2Fcopy", "MetadataDirective", "REPLACE", "ContentType", "text/csv")},
			{action: "headObject", req: k("data", "enc"), want: map[string]any{"ContentType": "text/csv"}},
			{action: "copyObject", req: k("data", "src", "CopySource", "data/src"), code: "InvalidRequest", status: 400},
			{action: "copyObject", req: k("data", "src", "CopySource", "data/src", "MetadataDirective", "REPLACE")},
			{action: "headObject", req: k("data", "src"), want: map[string]any{"ContentType": "binary/octet-stream"}},
			{action: "copyObject", req: k("data", "x", "CopySource", "data"), code: "InvalidArgument"},
			{action: "copyObject", req: k("data", "x", "CopySource", "data/src?versionId=3"), code: "NotImplemented"},
			{action: "copyObject", req: k("nobucket", "x", "CopySource", "data/src"), code: "NoSuchBucket"},
		}},
		{name: "bad requests", steps: []step{
			{action: "getObject", req: map[string]any{"Bucket": "data"}, code: "InvalidArgument", message: "The parameter Key of getObject is required"},
			{action: "getObject", req: k("data", ""), code: "InvalidArgument"},
			{action: "getObject", req: map[string]any{"Bucket": "data", "Key": int64(7)}, code: "InvalidArgument"},
			{action: "getObject", req: k("data", string(make([]byte, 1025))), code: "KeyTooLongError"},
			{action: "getObject", req: k("Bad/Name", "x"), code: "InvalidBucketName"},
			{action: "getObject", req: k("..", "x"), code: "InvalidBucketName"},
			{action: "getObject", req: k("data", "x", "Range", "bytes=0-1"), code: "NotImplemented", status: 501,
				message: "The embedded S3 does not implement the parameter Range of getObject"},
			{action: "getObject", req: k("data", "x", "ExpectedBucketOwner", "123456789012"), code: "NoSuchKey"},
			{action: "putObject", req: k("data", "x", "Metadata", map[string]any{"a": 1}), code: "InvalidArgument"},
			{action: "createBucket", req: map[string]any{"Bucket": "b"}, code: "NotImplemented"},
			{action: "listObjectsV2", req: map[string]any{"Bucket": "data", "MaxKeys": int64(-1)}, code: "InvalidArgument"},
			{action: "listObjectsV2", req: map[string]any{"Bucket": "data", "ContinuationToken": "!!"}, code: "InvalidArgument",
				message: "The continuation token provided is incorrect"},
			{action: "listObjectsV2", req: map[string]any{"Bucket": "data", "FetchOwner": true}, code: "NotImplemented"},
		}},
	}
	for _, tt := range tests {
		for name, s := range backends(t) {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				for i, st := range tt.steps {
					out, err := call(t, s, st.action, st.req)
					if st.code != "" {
						require.Error(t, err, "step %d", i)
						var e *awserr.Error
						require.ErrorAs(t, err, &e, "step %d", i)
						assert.Equal(t, st.code, e.Code, "step %d: %v", i, err)
						if st.status != 0 {
							assert.Equal(t, st.status, e.Status, "step %d", i)
						}
						if st.message != "" || st.code == "NoSuchKey" && st.action == "headObject" {
							assert.Equal(t, st.message, e.Message, "step %d", i)
						}
						continue
					}
					require.NoError(t, err, "step %d", i)
					for k, v := range st.want {
						assert.Equal(t, v, out[k], "step %d: %s", i, k)
					}
					for _, k := range st.without {
						assert.NotContains(t, out, k, "step %d", i)
					}
					if lm, ok := out["LastModified"]; ok {
						assert.Regexp(t, isoRE, lm, "step %d", i)
					}
				}
			})
		}
	}
}

func TestLastModifiedIsTheWriteTime(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 900_000_000, time.UTC)
	s := New(Options{Now: func() time.Time { return at }})
	require.NoError(t, s.CreateBucket("data"))
	put(t, s, "k", "v")
	out := mustCall(t, s, "headObject", map[string]any{"Bucket": "data", "Key": "k"})
	assert.Equal(t, "2026-03-01T12:00:00Z", out["LastModified"])
	out = mustCall(t, s, "copyObject", map[string]any{"Bucket": "data", "Key": "k2", "CopySource": "data/k"})
	assert.Equal(t, "2026-03-01T12:00:00Z", out["CopyObjectResult"].(map[string]any)["LastModified"])
}

func TestAutoCreate(t *testing.T) {
	s := New(Options{AutoCreate: true})
	_, err := call(t, s, "getObject", map[string]any{"Bucket": "fresh", "Key": "k"})
	assert.Equal(t, "NoSuchBucket", code(err), "only a write creates a bucket")
	mustCall(t, s, "putObject", map[string]any{"Bucket": "fresh", "Key": "k", "Body": "v"})
	out := mustCall(t, s, "getObject", map[string]any{"Bucket": "fresh", "Key": "k"})
	assert.Equal(t, `"v"`, out["Body"])
}

func TestListObjectsV2(t *testing.T) {
	keys := []string{"a-c", "a/b", "a/c/d", "a/c/e", "a0", "b", "photos/2025/x.jpg", "photos/2026/y.jpg", "photos/readme"}
	list := func(t *testing.T, s *Store, req map[string]any) map[string]any {
		req["Bucket"] = "data"
		return mustCall(t, s, "listObjectsV2", req)
	}
	contentKeys := func(out map[string]any) []string {
		var ks []string
		c, _ := out["Contents"].([]any)
		for _, e := range c {
			ks = append(ks, e.(map[string]any)["Key"].(string))
		}
		return ks
	}
	prefixes := func(out map[string]any) []string {
		var ps []string
		c, _ := out["CommonPrefixes"].([]any)
		for _, e := range c {
			ps = append(ps, e.(map[string]any)["Prefix"].(string))
		}
		return ps
	}
	for name, s := range backends(t) {
		for _, key := range keys {
			put(t, s, key, key)
		}
		t.Run(name, func(t *testing.T) {
			out := list(t, s, map[string]any{})
			assert.Equal(t, keys, contentKeys(out), "S3's UTF-8 binary order: - before / before 0")
			assert.Equal(t, map[string]any{"IsTruncated": false, "KeyCount": int64(9), "MaxKeys": int64(1000), "Name": "data", "Prefix": ""},
				map[string]any{"IsTruncated": out["IsTruncated"], "KeyCount": out["KeyCount"], "MaxKeys": out["MaxKeys"], "Name": out["Name"], "Prefix": out["Prefix"]})
			first := out["Contents"].([]any)[0].(map[string]any)
			assert.Equal(t, quotedMD5("a-c"), first["ETag"])
			assert.Equal(t, int64(3), first["Size"])
			assert.Equal(t, "STANDARD", first["StorageClass"])
			assert.Regexp(t, isoRE, first["LastModified"])
			assert.NotContains(t, out, "NextContinuationToken")
			assert.NotContains(t, out, "CommonPrefixes")

			out = list(t, s, map[string]any{"Prefix": "a/"})
			assert.Equal(t, []string{"a/b", "a/c/d", "a/c/e"}, contentKeys(out))
			assert.Equal(t, "a/", out["Prefix"])

			out = list(t, s, map[string]any{"Delimiter": "/"})
			assert.Equal(t, []string{"a-c", "a0", "b"}, contentKeys(out))
			assert.Equal(t, []string{"a/", "photos/"}, prefixes(out))
			assert.Equal(t, int64(5), out["KeyCount"])
			assert.Equal(t, "/", out["Delimiter"])

			out = list(t, s, map[string]any{"Delimiter": "/", "Prefix": "photos/"})
			assert.Equal(t, []string{"photos/readme"}, contentKeys(out))
			assert.Equal(t, []string{"photos/2025/", "photos/2026/"}, prefixes(out))

			out = list(t, s, map[string]any{"StartAfter": "a/c/d"})
			assert.Equal(t, keys[3:], contentKeys(out))
			assert.Equal(t, "a/c/d", out["StartAfter"])

			out = list(t, s, map[string]any{"Prefix": "zzz"})
			assert.NotContains(t, out, "Contents")
			assert.Equal(t, int64(0), out["KeyCount"])

			out = list(t, s, map[string]any{"MaxKeys": int64(0)})
			assert.Equal(t, false, out["IsTruncated"])
			assert.Equal(t, int64(0), out["KeyCount"])
		})
		t.Run(name+"/pages", func(t *testing.T) {
			for _, req := range []map[string]any{{}, {"Delimiter": "/"}} {
				var got []string
				var token any
				pages := 0
				for {
					r := map[string]any{"MaxKeys": int64(2)}
					for k, v := range req {
						r[k] = v
					}
					if token != nil {
						r["ContinuationToken"] = token
					}
					out := list(t, s, r)
					pages++
					got = append(got, contentKeys(out)...)
					got = append(got, prefixes(out)...)
					assert.LessOrEqual(t, out["KeyCount"], int64(2))
					if token != nil {
						assert.Equal(t, token, out["ContinuationToken"])
					}
					if out["IsTruncated"] == false {
						assert.NotContains(t, out, "NextContinuationToken")
						break
					}
					token = out["NextContinuationToken"]
					require.NotEmpty(t, token)
				}
				if req["Delimiter"] == nil {
					assert.Equal(t, keys, got)
					assert.Equal(t, 5, pages)
				} else {
					assert.ElementsMatch(t, []string{"a-c", "a/", "a0", "b", "photos/"}, got)
					assert.Equal(t, 3, pages)
				}
			}
		})
	}
}

func TestPrefixEnd(t *testing.T) {
	assert.Equal(t, "b", prefixEnd("a"))
	assert.Equal(t, "a0", prefixEnd("a/"))
	assert.Equal(t, "b", prefixEnd("a\xff"))
	assert.Equal(t, "", prefixEnd("\xff\xff"))
	assert.Equal(t, "", prefixEnd(""))
}
