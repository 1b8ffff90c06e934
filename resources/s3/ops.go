package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/resources/awserr"
)

// Actions returns the S3 API actions Call serves, by the names of Step Functions' aws-sdk integration.
func Actions() []string {
	return []string{"copyObject", "deleteObject", "getObject", "headObject", "listObjectsV2", "putObject"}
}

// Call runs an S3 API action ("GetObject" or "getObject") on a request in the shape Step Functions' aws-sdk
// integration gives it ({"Bucket": ..., "Key": ...}) and returns the response in that shape: PascalCase
// members, a getObject's Body as a string, dates as ISO 8601 text. Errors are *awserr.Error with S3's code.
//
// A request parameter the embedded S3 does not honour fails with NotImplemented rather than be ignored;
// those that change nothing here (ExpectedBucketOwner, RequestPayer, checksums, server-side encryption,
// ACL, tags) are accepted.
func (s *Store) Call(ctx context.Context, action string, request map[string]any) (map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if request == nil {
		request = map[string]any{}
	}
	switch strings.ToLower(action) {
	case "getobject":
		return s.getObject(request)
	case "headobject":
		return s.headObject(request)
	case "putobject":
		return s.putObject(request)
	case "deleteobject":
		return s.deleteObject(request)
	case "copyobject":
		return s.copyObject(request)
	case "listobjectsv2":
		return s.listObjectsV2(ctx, request)
	}
	return nil, awserr.Newf("NotImplemented", 501, "The embedded S3 does not implement the action %s (it implements %s)", action, strings.Join(Actions(), ", "))
}

// Parameters every action accepts that change nothing for an S3 on one machine.
var inert = []string{"ExpectedBucketOwner", "RequestPayer"}

// Parameters of a write that only concern how S3 protects or bills what it stores.
var inertWrite = []string{"ACL", "BucketKeyEnabled", "ChecksumAlgorithm", "ServerSideEncryption", "SSEKMSKeyId", "StorageClass", "Tagging"}

// params reads a request's parameters, refusing any the action does not know.
type params struct {
	action string
	req    map[string]any
}

func newParams(action string, req map[string]any, known ...string) (params, error) {
	names := make([]string, 0, len(req))
	for name := range req {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !contains(known, name) && !contains(inert, name) {
			return params{}, errNotImplemented(action, name)
		}
	}
	return params{action, req}, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (p params) str(name string) (string, bool, error) {
	v, ok := p.req[name]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, errInvalidArgument("The parameter %s of %s must be a string", name, p.action)
	}
	return s, true, nil
}

func (p params) required(name string) (string, error) {
	s, ok, err := p.str(name)
	if err == nil && !ok {
		err = errInvalidArgument("The parameter %s of %s is required", name, p.action)
	}
	return s, err
}

// bucketKey reads and checks Bucket and Key.
func (p params) bucketKey() (string, string, error) {
	bucket, err := p.required("Bucket")
	if err != nil {
		return "", "", err
	}
	key, err := p.required("Key")
	if err != nil {
		return "", "", err
	}
	if err := checkBucket(bucket); err != nil {
		return "", "", err
	}
	return bucket, key, checkKey(key)
}

// attributes reads ContentType and Metadata. S3 keeps metadata names in lower case.
func (p params) attributes() (attributes, error) {
	ct, _, err := p.str("ContentType")
	if err != nil {
		return attributes{}, err
	}
	a := attributes{contentType: ct}
	raw, ok := p.req["Metadata"]
	if !ok || raw == nil {
		return a, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return attributes{}, errInvalidArgument("The parameter Metadata of %s must be an object of strings", p.action)
	}
	a.metadata = make(map[string]string, len(m))
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			return attributes{}, errInvalidArgument("The metadata %q of %s must be a string", k, p.action)
		}
		a.metadata[strings.ToLower(k)] = s
	}
	return a, nil
}

func (s *Store) getObject(req map[string]any) (map[string]any, error) {
	p, err := newParams("getObject", req, "Bucket", "Key", "ChecksumMode")
	if err != nil {
		return nil, err
	}
	bucket, key, err := p.bucketKey()
	if err != nil {
		return nil, err
	}
	body, info, err := s.b.open(bucket, key)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	etag := info.etag
	if etag == "" {
		info.size = int64(len(data)) // what was read, should the file have grown since it was opened
		etag = largeETag(info.size, info.modTime)
		if info.size <= partSize {
			sum := md5.Sum(data)
			etag = md5ETag(sum[:])
		}
	}
	out := objectHeaders(info, etag)
	// Step Functions gives the body as text. Ours: bytes that are not UTF-8 become U+FFFD, as JSON text
	// can hold only Unicode.
	out["Body"] = strings.ToValidUTF8(string(data), "\uFFFD")
	return out, nil
}

func (s *Store) headObject(req map[string]any) (map[string]any, error) {
	p, err := newParams("headObject", req, "Bucket", "Key", "ChecksumMode")
	if err != nil {
		return nil, err
	}
	bucket, key, err := p.bucketKey()
	if err != nil {
		return nil, err
	}
	info, err := s.b.stat(bucket, key)
	if err == nil {
		var etag string
		if etag, err = s.b.etag(bucket, info); err == nil {
			return objectHeaders(info, etag), nil
		}
	}
	if isCode(err, CodeNoSuchKey) || isCode(err, CodeNoSuchBucket) {
		// A HEAD response has no body, so no code or message: the AWS SDK for Java 2, which Step Functions'
		// aws-sdk integrations use, raises NoSuchKeyException for its 404 with no message, bucket or key.
		return nil, awserr.New(CodeNoSuchKey, 404, "")
	}
	return nil, err
}

// objectHeaders are GetObject's and HeadObject's response members.
func objectHeaders(info objectInfo, etag string) map[string]any {
	ct := info.attrs.contentType
	if ct == "" {
		ct = defaultContentType
	}
	metadata := make(map[string]any, len(info.attrs.metadata))
	for k, v := range info.attrs.metadata {
		metadata[k] = v
	}
	return map[string]any{
		"AcceptRanges":         "bytes",
		"ContentLength":        info.size,
		"ContentType":          ct,
		"ETag":                 etag,
		"LastModified":         isoDate(info.modTime),
		"Metadata":             metadata,
		"ServerSideEncryption": "AES256", // S3 encrypts every new object with SSE-S3 since January 2023
	}
}

// isoDate is how Step Functions' aws-sdk integrations render a timestamp: ISO 8601 in UTC, whole
// seconds for S3's (its dates have no finer precision). Ours: the recorded cases mask these dates.
func isoDate(t time.Time) string { return lastModified(t).Format(time.RFC3339) }

// ensureBucket checks that a bucket exists, creating it when the store creates buckets on first write.
func (s *Store) ensureBucket(bucket string) error {
	ok, err := s.b.bucketExists(bucket)
	switch {
	case err != nil:
		return err
	case ok:
		return nil
	case s.autoCreate:
		return s.b.createBucket(bucket)
	}
	return errNoSuchBucket()
}

func (s *Store) putObject(req map[string]any) (map[string]any, error) {
	p, err := newParams("putObject", req, append([]string{"Bucket", "Key", "Body", "ContentType", "Metadata"}, inertWrite...)...)
	if err != nil {
		return nil, err
	}
	bucket, key, err := p.bucketKey()
	if err != nil {
		return nil, err
	}
	attrs, err := p.attributes()
	if err != nil {
		return nil, err
	}
	var body []byte
	if v, ok := req["Body"]; ok {
		// Step Functions sends Body as its JSON text, even a string (quotes included): recorded on AWS,
		// a Body of "text data" stores the 11 bytes "text data" with its quotes.
		body = []byte(value.JSON(v))
	}
	if err := s.ensureBucket(bucket); err != nil {
		return nil, err
	}
	info, err := s.b.write(bucket, key, bytes.NewReader(body), attrs)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ETag": info.etag, "ServerSideEncryption": "AES256"}, nil
}

func (s *Store) deleteObject(req map[string]any) (map[string]any, error) {
	p, err := newParams("deleteObject", req, "Bucket", "Key")
	if err != nil {
		return nil, err
	}
	bucket, key, err := p.bucketKey()
	if err != nil {
		return nil, err
	}
	if err := s.b.remove(bucket, key); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Store) copyObject(req map[string]any) (map[string]any, error) {
	p, err := newParams("copyObject", req, append([]string{"Bucket", "Key", "CopySource", "MetadataDirective", "ContentType", "Metadata"}, inertWrite...)...)
	if err != nil {
		return nil, err
	}
	bucket, key, err := p.bucketKey()
	if err != nil {
		return nil, err
	}
	source, err := p.required("CopySource")
	if err != nil {
		return nil, err
	}
	srcBucket, srcKey, err := parseCopySource(source)
	if err != nil {
		return nil, err
	}
	directive, _, err := p.str("MetadataDirective")
	if err != nil {
		return nil, err
	}
	if directive != "" && directive != "COPY" && directive != "REPLACE" {
		return nil, errInvalidArgument("Unknown metadata directive.")
	}
	if srcBucket == bucket && srcKey == key && directive != "REPLACE" {
		return nil, awserr.New("InvalidRequest", 400, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	body, info, err := s.b.open(srcBucket, srcKey)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	attrs := info.attrs
	if directive == "REPLACE" {
		if attrs, err = p.attributes(); err != nil {
			return nil, err
		}
	}
	if err := s.ensureBucket(bucket); err != nil {
		return nil, err
	}
	copied, err := s.b.write(bucket, key, body, attrs)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"CopyObjectResult":     map[string]any{"ETag": copied.etag, "LastModified": isoDate(copied.modTime)},
		"ServerSideEncryption": "AES256",
	}, nil
}

// parseCopySource reads CopySource, "bucket/key" with the key URL-encoded or not, a leading / allowed.
func parseCopySource(source string) (string, string, error) {
	bad := errInvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	if strings.Contains(source, "?versionId=") {
		return "", "", errNotImplemented("copyObject", "CopySource's versionId")
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(source, "/"), "/")
	if !ok || bucket == "" || key == "" {
		return "", "", bad
	}
	if k, err := url.PathUnescape(key); err == nil {
		key = k
	}
	if err := checkBucket(bucket); err != nil {
		return "", "", err
	}
	return bucket, key, checkKey(key)
}

// S3 answers at most this many keys per ListObjectsV2 call.
const maxListKeys = 1000

// errStop ends a walk that has what it needs.
var errStop = errors.New("stop")

func (s *Store) listObjectsV2(ctx context.Context, req map[string]any) (map[string]any, error) {
	p, err := newParams("listObjectsV2", req, "Bucket", "Prefix", "Delimiter", "MaxKeys", "ContinuationToken", "StartAfter", "FetchOwner")
	if err != nil {
		return nil, err
	}
	bucket, err := p.required("Bucket")
	if err != nil {
		return nil, err
	}
	if err := checkBucket(bucket); err != nil {
		return nil, err
	}
	prefix, _, err := p.str("Prefix")
	if err != nil {
		return nil, err
	}
	delimiter, hasDelimiter, err := p.str("Delimiter")
	if err != nil {
		return nil, err
	}
	token, hasToken, err := p.str("ContinuationToken")
	if err != nil {
		return nil, err
	}
	startAfter, hasStartAfter, err := p.str("StartAfter")
	if err != nil {
		return nil, err
	}
	if owner, ok := req["FetchOwner"]; ok && owner != false && owner != nil {
		return nil, errNotImplemented("listObjectsV2", "FetchOwner")
	}
	maxKeys, err := p.maxKeys()
	if err != nil {
		return nil, err
	}
	from := ""
	switch {
	case hasToken:
		if from, err = decodeToken(token); err != nil {
			return nil, err
		}
	case hasStartAfter:
		from = startAfter + "\x00" // the first key after it
	}
	var (
		contents, prefixes []any
		count              int64
		truncated          bool
		next               string // where a next page starts
	)
	limit := min(maxKeys, maxListKeys)
	if limit == 0 {
		// Ours: S3 answers an empty page; it does not say whether more keys exist.
		if ok, err := s.b.bucketExists(bucket); err != nil || !ok {
			return nil, orNoSuchBucket(err)
		}
	} else {
		err = s.b.walk(ctx, bucket, prefix, from, func(o objectInfo) (string, error) {
			if count == limit {
				truncated = true
				return "", errStop
			}
			count++
			if hasDelimiter && delimiter != "" {
				if i := strings.Index(o.key[len(prefix):], delimiter); i >= 0 {
					common := o.key[:len(prefix)+i+len(delimiter)]
					prefixes = append(prefixes, map[string]any{"Prefix": common})
					next = prefixEnd(common)
					if next == "" {
						return "", errStop // no key sorts after this prefix's
					}
					return next, nil
				}
			}
			etag, err := s.b.etag(bucket, o)
			if isCode(err, CodeNoSuchKey) {
				count--
				return "", nil // removed since the walk saw it
			}
			if err != nil {
				return "", err
			}
			contents = append(contents, map[string]any{
				"ETag": etag, "Key": o.key, "LastModified": isoDate(o.modTime), "Size": o.size, "StorageClass": "STANDARD",
			})
			next = o.key + "\x00"
			return "", nil
		})
		if err != nil && !errors.Is(err, errStop) {
			return nil, err
		}
	}
	out := map[string]any{"IsTruncated": truncated, "KeyCount": count, "MaxKeys": maxKeys, "Name": bucket, "Prefix": prefix}
	if len(contents) > 0 {
		out["Contents"] = contents
	}
	if len(prefixes) > 0 {
		out["CommonPrefixes"] = prefixes
	}
	if hasDelimiter {
		out["Delimiter"] = delimiter
	}
	if hasToken {
		out["ContinuationToken"] = token
	}
	if hasStartAfter {
		out["StartAfter"] = startAfter
	}
	if truncated {
		out["NextContinuationToken"] = encodeToken(next)
	}
	return out, nil
}

func orNoSuchBucket(err error) error {
	if err == nil {
		return errNoSuchBucket()
	}
	return err
}

// maxKeys reads MaxKeys: 1000 when absent; more is answered as 1000 keys, as S3 does.
func (p params) maxKeys() (int64, error) {
	v, ok := p.req["MaxKeys"]
	if !ok || v == nil {
		return maxListKeys, nil
	}
	var n int64
	switch t := v.(type) {
	case int64:
		n = t
	case float64:
		if t != math.Trunc(t) || t > math.MaxInt32 {
			n = -1
		} else {
			n = int64(t)
		}
	case json.Number:
		var err error
		if n, err = t.Int64(); err != nil {
			n = -1
		}
	default:
		n = -1
	}
	if n < 0 || n > math.MaxInt32 {
		return 0, errInvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647")
	}
	return n, nil
}

// prefixEnd is the first string after every string that starts with prefix; "" when there is none.
func prefixEnd(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}

// A continuation token is where the next page starts, opaque to the caller as S3's are.
const tokenVersion = "1"

func encodeToken(from string) string {
	return base64.StdEncoding.EncodeToString([]byte(tokenVersion + from))
}

func decodeToken(token string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(token)
	if err != nil || !bytes.HasPrefix(b, []byte(tokenVersion)) {
		return "", errInvalidArgument("The continuation token provided is incorrect")
	}
	return string(b[len(tokenVersion):]), nil
}
