package resources

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/internal/awstest"
)

// TestAWSStubS3AgainstMoto runs the same calls through the aws stub against moto's S3 and through the
// embedded S3: the same results, the same errors.
func TestAWSStubS3AgainstMoto(t *testing.T) {
	client := awstest.MotoS3(t)
	ctx := context.Background()
	_, err := client.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("bkt")})
	require.NoError(t, err)

	remote, err := ParseHandlers([]byte(`{
		"arn:aws:states:::aws-sdk:s3:putObject": {"aws": true}, "arn:aws:states:::aws-sdk:s3:getObject": {"aws": true},
		"arn:aws:states:::aws-sdk:s3:headObject": {"aws": true}, "arn:aws:states:::aws-sdk:s3:listObjectsV2": {"aws": true},
		"arn:aws:states:::aws-sdk:s3:copyObject": {"aws": true}, "arn:aws:states:::aws-sdk:s3:deleteObject": {"aws": true}}`))
	require.NoError(t, err)
	services := NewServices()
	require.NoError(t, services.S3.CreateBucket("bkt"))
	embedded := NewRegistry()
	embedded.UseEnv(&Env{Services: services})

	sdk := func(action string) string { return "arn:aws:states:::aws-sdk:s3:" + action }
	obj := func(key string, more ...any) map[string]any {
		m := map[string]any{"Bucket": "bkt", "Key": key}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	steps := []struct {
		action string
		input  map[string]any
		error  string
	}{
		{action: "putObject", input: obj("dir/a.json", "Body", map[string]any{"x": int64(1)}, "ContentType", "application/json", "Metadata", map[string]any{"Team": "blue"})},
		{action: "putObject", input: obj("dir/b.txt", "Body", "text data")},
		{action: "getObject", input: obj("dir/a.json")},
		{action: "getObject", input: obj("dir/b.txt")},
		{action: "headObject", input: obj("dir/a.json")},
		{action: "listObjectsV2", input: map[string]any{"Bucket": "bkt", "Prefix": "dir/"}},
		{action: "listObjectsV2", input: map[string]any{"Bucket": "bkt", "Delimiter": "/"}},
		{action: "copyObject", input: obj("copy.json", "CopySource", "bkt/dir/a.json")},
		{action: "getObject", input: obj("copy.json")},
		{action: "deleteObject", input: obj("copy.json")},
		{action: "getObject", input: obj("copy.json"), error: "S3.NoSuchKeyException"},
		{action: "headObject", input: obj("copy.json"), error: "S3.NoSuchKeyException"},
		{action: "getObject", input: map[string]any{"Bucket": "no-such-bucket", "Key": "k"}, error: "S3.NoSuchBucketException"},
	}
	for i, st := range steps {
		want, wantErr := invoke(t, embedded, sdk(st.action), "S", st.input)
		got, gotErr := invoke(t, remote, sdk(st.action), "S", st.input)
		if st.error != "" {
			for _, err := range []error{wantErr, gotErr} {
				fe := requireFailure(t, err)
				assert.Equal(t, st.error, fe.Name, "step %d", i)
			}
			// The causes differ in their request ids only.
			cause := func(err error) string {
				c := requireFailure(t, err).Cause
				return c[:bytes.IndexByte([]byte(c), '(')]
			}
			assert.Equal(t, cause(wantErr), cause(gotErr), "step %d", i)
			continue
		}
		require.NoError(t, wantErr, "step %d", i)
		require.NoError(t, gotErr, "step %d", i)
		// Where moto is not S3: it does not encrypt by default, and its default Content-Type differs (the
		// recorded AWS cases have "AES256" and "binary/octet-stream").
		want, got = withoutDates(want), withoutDates(got)
		delete(want.(map[string]any), "ServerSideEncryption")
		if got.(map[string]any)["ContentType"] == "application/octet-stream" {
			got.(map[string]any)["ContentType"] = defaultS3ContentType
		}
		assert.Equal(t, want, got, "step %d: %s", i, st.action)
	}
	_, err = invoke(t, remote, sdk("getObject"), "S", obj("k", "Bogus", "x"))
	assert.Equal(t, failure.Runtime, requireFailure(t, err).Name, "a parameter aslrun's S3 table does not have")
}

const defaultS3ContentType = "binary/octet-stream"

// withoutDates masks the dates of a result, which differ between the two stores.
func withoutDates(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if k == "LastModified" {
				e = "date"
			}
			out[k] = withoutDates(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = withoutDates(e)
		}
		return out
	}
	return v
}

func TestAWSStubS3Errors(t *testing.T) {
	_, err := ParseHandlers([]byte(`{"arn:aws:states:::aws-sdk:s3:putBucketPolicy": {"aws": true}}`))
	assert.ErrorContains(t, err, "REST APIs only for the actions of its table")
	awstest.IsolateEnv(t, "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1")
	r, err := ParseHandlers([]byte(`{"arn:aws:states:::aws-sdk:s3:getObject": {"aws": true}}`))
	require.NoError(t, err)
	_, err = invoke(t, r, "arn:aws:states:::aws-sdk:s3:getObject", "S", map[string]any{"Bucket": "b", "Key": "k", "Colour": "red"})
	fe := requireFailure(t, err)
	assert.Equal(t, failure.Runtime, fe.Name)
	assert.Contains(t, fe.Cause, "The parameters of aws-sdk:s3:getObject do not fit aslrun's REST-XML call: it sends no parameter Colour")
	_, err = invoke(t, r, "arn:aws:states:::aws-sdk:s3:getObject", "S", map[string]any{"Bucket": "b", "Key": "k"})
	fe = requireFailure(t, err)
	assert.Equal(t, "S3.SdkClientException", fe.Name, "a connection refused is the SDK's client exception, which Retry can retry")
	assert.Contains(t, fe.Cause, "http://127.0.0.1:1/b/k")
}
