package awscall

// The S3 members every object action may send as headers.
var s3ObjectHeaders = map[string]string{
	"ExpectedBucketOwner": "x-amz-expected-bucket-owner",
	"RequestPayer":        "x-amz-request-payer",
}

// The headers of S3's object writes.
var s3WriteHeaders = map[string]string{
	"ACL": "x-amz-acl", "CacheControl": "Cache-Control", "ContentDisposition": "Content-Disposition",
	"ContentEncoding": "Content-Encoding", "ContentLanguage": "Content-Language", "ContentType": "Content-Type",
	"Expires": "Expires", "ServerSideEncryption": "x-amz-server-side-encryption", "StorageClass": "x-amz-storage-class",
	"SSEKMSKeyId": "x-amz-server-side-encryption-aws-kms-key-id", "BucketKeyEnabled": "x-amz-server-side-encryption-bucket-key-enabled",
	"Tagging": "x-amz-tagging", "ChecksumAlgorithm": "x-amz-sdk-checksum-algorithm",
}

// The headers of S3's object responses, read into members.
var s3OutHeaders = map[string]string{
	"Accept-Ranges": "AcceptRanges", "Cache-Control": "CacheControl", "Content-Disposition": "ContentDisposition",
	"Content-Encoding": "ContentEncoding", "Content-Language": "ContentLanguage", "Content-Length": "ContentLength",
	"Content-Range": "ContentRange", "Content-Type": "ContentType", "ETag": "ETag", "Expires": "Expires",
	"Last-Modified": "LastModified", "x-amz-delete-marker": "DeleteMarker", "x-amz-expiration": "Expiration",
	"x-amz-server-side-encryption": "ServerSideEncryption", "x-amz-storage-class": "StorageClass",
	"x-amz-version-id": "VersionId", "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
	"x-amz-server-side-encryption-bucket-key-enabled": "BucketKeyEnabled", "x-amz-copy-source-version-id": "CopySourceVersionId",
}

// The headers of S3's writes read into members: PutObjectResponse and the like have no Content-* members.
var s3WriteOutHeaders = map[string]string{
	"ETag": "ETag", "x-amz-delete-marker": "DeleteMarker", "x-amz-expiration": "Expiration",
	"x-amz-server-side-encryption": "ServerSideEncryption", "x-amz-version-id": "VersionId",
	"x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId", "x-amz-server-side-encryption-bucket-key-enabled": "BucketKeyEnabled",
	"x-amz-copy-source-version-id": "CopySourceVersionId",
}

func s3Headers(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// s3Routes are the S3 actions a generic call makes (path-style URIs; the bucket moves to the host for
// AWS's own endpoints). Metadata (x-amz-meta-*) is handled by the REST-XML encoder.
var s3Routes = map[string]Route{
	"getObject": {Method: "GET", Path: "/{Bucket}/{Key+}", Result: "Body",
		Query: map[string]string{"VersionId": "versionId", "PartNumber": "partNumber", "ResponseContentType": "response-content-type",
			"ResponseCacheControl": "response-cache-control", "ResponseContentDisposition": "response-content-disposition",
			"ResponseContentEncoding": "response-content-encoding", "ResponseContentLanguage": "response-content-language", "ResponseExpires": "response-expires"},
		Header: s3Headers(s3ObjectHeaders, map[string]string{"Range": "Range", "IfMatch": "If-Match", "IfNoneMatch": "If-None-Match",
			"IfModifiedSince": "If-Modified-Since", "IfUnmodifiedSince": "If-Unmodified-Since", "ChecksumMode": "x-amz-checksum-mode"}),
		OutHeader: s3OutHeaders},
	"headObject": {Method: "HEAD", Path: "/{Bucket}/{Key+}",
		Query: map[string]string{"VersionId": "versionId", "PartNumber": "partNumber"},
		Header: s3Headers(s3ObjectHeaders, map[string]string{"Range": "Range", "IfMatch": "If-Match", "IfNoneMatch": "If-None-Match",
			"IfModifiedSince": "If-Modified-Since", "IfUnmodifiedSince": "If-Unmodified-Since", "ChecksumMode": "x-amz-checksum-mode"}),
		OutHeader: s3OutHeaders},
	"putObject": {Method: "PUT", Path: "/{Bucket}/{Key+}", Payload: "Body",
		Header:    s3Headers(s3ObjectHeaders, s3WriteHeaders, map[string]string{"ContentMD5": "Content-MD5", "IfMatch": "If-Match", "IfNoneMatch": "If-None-Match"}),
		OutHeader: s3WriteOutHeaders},
	"deleteObject": {Method: "DELETE", Path: "/{Bucket}/{Key+}",
		Query: map[string]string{"VersionId": "versionId"}, Header: s3ObjectHeaders, OutHeader: s3WriteOutHeaders},
	"copyObject": {Method: "PUT", Path: "/{Bucket}/{Key+}",
		Header: s3Headers(s3ObjectHeaders, s3WriteHeaders, map[string]string{"CopySource": "x-amz-copy-source",
			"MetadataDirective": "x-amz-metadata-directive", "TaggingDirective": "x-amz-tagging-directive",
			"CopySourceIfMatch": "x-amz-copy-source-if-match", "CopySourceIfNoneMatch": "x-amz-copy-source-if-none-match"}),
		OutHeader: s3WriteOutHeaders},
	"listObjectsV2": {Method: "GET", Path: "/{Bucket}?list-type=2",
		Query: map[string]string{"Prefix": "prefix", "Delimiter": "delimiter", "MaxKeys": "max-keys", "ContinuationToken": "continuation-token",
			"StartAfter": "start-after", "EncodingType": "encoding-type", "FetchOwner": "fetch-owner"},
		Header: s3ObjectHeaders},
	"listBuckets":  {Method: "GET", Path: "/", Query: map[string]string{"MaxBuckets": "max-buckets", "ContinuationToken": "continuation-token", "Prefix": "prefix"}},
	"createBucket": {Method: "PUT", Path: "/{Bucket}", Header: map[string]string{"ACL": "x-amz-acl"}, OutHeader: map[string]string{"Location": "Location"}},
	"deleteBucket": {Method: "DELETE", Path: "/{Bucket}", Header: s3ObjectHeaders},
}

// s3Lists are the S3 response elements that are list members, flattened or wrapped: an element of these
// names is always a JSON array, even of one entry.
var s3Lists = map[string]bool{"Contents": true, "CommonPrefixes": true, "Buckets": true}

// s3Numbers and s3Bools are the S3 response members that are no text.
var (
	s3Numbers = map[string]bool{"ContentLength": true, "Size": true, "KeyCount": true, "MaxKeys": true, "PartsCount": true, "TagCount": true}
	s3Bools   = map[string]bool{"IsTruncated": true, "DeleteMarker": true, "BucketKeyEnabled": true}
)
