package resources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/internal/awstest"
	"github.com/aslrun/aslrun/interpreter/maprun"
)

// onlyReader hides every method of a reader but Read, as a body that cannot seek.
type onlyReader struct{ io.Reader }

// TestAWSObjectsAgainstMoto puts, lists and gets objects through the SDK-backed Objects against moto's S3.
func TestAWSObjectsAgainstMoto(t *testing.T) {
	url := awstest.StartMoto(t)
	awstest.IsolateEnv(t, "http://127.0.0.1:1") // nothing listens there: only S3's own endpoint may be used
	t.Setenv("AWS_ENDPOINT_URL_S3", url)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	require.NoError(t, err)
	client := s3api.NewFromConfig(cfg, func(o *s3api.Options) { o.UsePathStyle = true })
	_, err = client.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String("bkt")})
	require.NoError(t, err)

	objs := &awsObjects{reg: NewRegistry()}
	// A spool file, as the ResultWriter hands it: sent from its position on.
	spool, err := os.Create(filepath.Join(t.TempDir(), "spool"))
	require.NoError(t, err)
	defer spool.Close()
	_, err = spool.WriteString("skip[1,2,3]")
	require.NoError(t, err)
	_, err = spool.Seek(4, io.SeekStart)
	require.NoError(t, err)

	start := time.Now().Add(-time.Minute)
	puts := []struct {
		key  string
		body io.Reader
		want string
	}{
		{"dir/b.json", spool, "[1,2,3]"},
		{"dir/a.json", strings.NewReader(`{"x":1}`), `{"x":1}`},
		{"dir/c.txt", onlyReader{strings.NewReader("not seekable")}, "not seekable"},
		{"other.txt", strings.NewReader(""), ""},
	}
	for _, p := range puts {
		require.NoError(t, objs.Put(ctx, "bkt", p.key, p.body), p.key)
	}
	for _, p := range puts {
		body, size, err := objs.Get(ctx, "bkt", p.key)
		require.NoError(t, err, p.key)
		data, err := io.ReadAll(body)
		require.NoError(t, err)
		require.NoError(t, body.Close())
		assert.Equal(t, p.want, string(data), p.key)
		assert.Equal(t, int64(len(p.want)), size, p.key)
	}

	var listed []maprun.Object
	require.NoError(t, objs.List(ctx, "bkt", "dir/", func(o maprun.Object) error {
		listed = append(listed, o)
		return nil
	}))
	require.Len(t, listed, 3)
	for i, key := range []string{"dir/a.json", "dir/b.json", "dir/c.txt"} {
		o := listed[i]
		assert.Equal(t, key, o.Key, "in key order")
		assert.Regexp(t, `^"[0-9a-f]{32}"$`, o.ETag, "quoted, as S3 sends it")
		assert.Equal(t, "STANDARD", o.StorageClass)
		assert.WithinRange(t, o.LastModified, start, time.Now().Add(time.Minute))
		assert.Equal(t, time.UTC, o.LastModified.Location())
	}
	assert.Equal(t, int64(7), listed[1].Size)

	stop := errors.New("stop")
	n := 0
	err = objs.List(ctx, "bkt", "", func(maprun.Object) error { n++; return stop })
	assert.ErrorIs(t, err, stop, "the callback's error ends the listing")
	assert.Equal(t, 1, n)

	for _, tc := range []struct {
		name string
		err  error
		want maprun.ObjectError
	}{
		{"get a missing key", getErr(objs.Get(ctx, "bkt", "nope")), maprun.ObjectError{Code: "NoSuchKey", Bucket: "bkt", Key: "nope"}},
		{"get from a missing bucket", getErr(objs.Get(ctx, "no-bucket", "k")), maprun.ObjectError{Code: "NoSuchBucket", Bucket: "no-bucket", Key: "k"}},
		{"list a missing bucket", objs.List(ctx, "no-bucket", "", func(maprun.Object) error { return nil }),
			maprun.ObjectError{Code: "NoSuchBucket", Bucket: "no-bucket"}},
		{"put to a missing bucket", objs.Put(ctx, "no-bucket", "k", strings.NewReader("x")),
			maprun.ObjectError{Code: "NoSuchBucket", Bucket: "no-bucket", Key: "k"}},
	} {
		var oe *maprun.ObjectError
		require.ErrorAs(t, tc.err, &oe, tc.name)
		assert.Equal(t, tc.want, *oe, tc.name)
	}
}

func getErr(body io.ReadCloser, _ int64, err error) error {
	if body != nil {
		body.Close()
	}
	return err
}

func TestAWSObjectsUnreachable(t *testing.T) {
	awstest.IsolateEnv(t, "http://127.0.0.1:1")
	objs := &awsObjects{reg: NewRegistry()}
	_, _, err := objs.Get(context.Background(), "bkt", "k")
	require.Error(t, err)
	var oe *maprun.ObjectError
	assert.NotErrorAs(t, err, &oe, "a refused connection is no missing object: %v", err)
	assert.Contains(t, err.Error(), "S3: ")
}

// TestHandlerFileObjectRoutes checks which of a Distributed Map's S3 directions the handler file sends to
// real S3, and that these resources take no other stub.
func TestHandlerFileObjectRoutes(t *testing.T) {
	embedded := NewServices().Objects()
	remote := &awsObjects{}
	for _, tc := range []struct {
		name  string
		files []string
		read  maprun.Objects // nil: the result is embedded itself
		write maprun.Objects
		error string
	}{
		{name: "no binding", files: []string{`{"fn": {"echo": true}}`}, read: embedded, write: embedded},
		{name: "getObject sends the reads", files: []string{`{"arn:aws:states:::s3:getObject": {"aws": true}}`}, read: remote, write: embedded},
		{name: "listObjectsV2 sends the reads", files: []string{`{"arn:aws:states:::s3:listObjectsV2": {"aws": true, "description": "x"}}`},
			read: remote, write: embedded},
		{name: "putObject sends the writes", files: []string{`{"arn:aws:states:::s3:putObject": {"aws": true}}`}, read: embedded, write: remote},
		{name: "both", files: []string{`{"arn:aws:states:::s3:getObject": {"aws": true}, "arn:aws:states:::s3:putObject": {"aws": true}}`},
			read: remote, write: remote},
		{name: "two files add up", files: []string{`{"arn:aws:states:::s3:putObject": {"aws": true}}`, `{"arn:aws-cn:states:::s3:listObjectsV2": {"aws": true}}`},
			read: remote, write: remote},
		{name: "a file with an error changes nothing", files: []string{`{"arn:aws:states:::s3:putObject": {"aws": true}, "bad key": {"echo": true}}`},
			read: embedded, write: embedded, error: "bad key"},
		{name: "return", files: []string{`{"arn:aws:states:::s3:getObject": {"return": {}}}`}, error: `is no Task: its only stub is {"aws": true}, which sends the Map's reads (s3:getObject, s3:listObjectsV2) or writes (s3:putObject) to real S3 (or AWS_ENDPOINT_URL_S3), not "return"`},
		{name: "echo", files: []string{`{"arn:aws:states:::s3:putObject": {"echo": true}}`}, error: `not "echo"`},
		{name: "aws and throw", files: []string{`{"arn:aws:states:::s3:putObject": {"aws": true, "throw": {"error": "E"}}}`}, error: `not "throw"`},
		{name: "aws false", files: []string{`{"arn:aws:states:::s3:putObject": {"aws": false}}`}, error: "is no Task"},
		{name: "no object", files: []string{`{"arn:aws:states:::s3:listObjectsV2": true}`}, error: "is no Task"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry()
			var err error
			for i, f := range tc.files {
				if err = r.AddHandlers(fmt.Sprintf("f%d.json", i), []byte(f)); err != nil {
					break
				}
			}
			if tc.error != "" {
				require.ErrorContains(t, err, tc.error)
			} else {
				require.NoError(t, err)
			}
			if tc.read == nil {
				return
			}
			got := r.Objects(embedded)
			switch {
			case tc.read == embedded && tc.write == embedded:
				assert.Same(t, embedded, got)
			case tc.read == remote && tc.write == remote:
				assert.IsType(t, remote, got)
			default:
				split, ok := got.(splitObjects)
				require.True(t, ok, "%T", got)
				assert.Equal(t, routeOf(embedded, tc.read), routeOf(embedded, split.read), "reads")
				assert.Equal(t, routeOf(embedded, tc.write), routeOf(embedded, split.write), "writes")
			}
		})
	}
}

// routeOf names where an Objects goes.
func routeOf(embedded, o maprun.Objects) string {
	switch {
	case o == embedded:
		return "embedded"
	case o == nil:
		return "none"
	}
	if _, ok := o.(*awsObjects); ok {
		return "aws"
	}
	return fmt.Sprintf("%T", o)
}

func TestSplitObjectsWithoutEmbedded(t *testing.T) {
	r, err := ParseHandlers([]byte(`{"arn:aws:states:::s3:putObject": {"aws": true}}`))
	require.NoError(t, err)
	objs := r.Objects(nil)
	ctx := context.Background()
	_, _, err = objs.Get(ctx, "b", "k")
	assert.EqualError(t, err, "no S3 store serves this execution")
	assert.EqualError(t, objs.List(ctx, "b", "", func(maprun.Object) error { return nil }), "no S3 store serves this execution")
	r, err = ParseHandlers([]byte(`{"arn:aws:states:::s3:getObject": {"aws": true}}`))
	require.NoError(t, err)
	assert.EqualError(t, r.Objects(nil).Put(ctx, "b", "k", strings.NewReader("x")), "no S3 store serves this execution")
	assert.Nil(t, NewRegistry().Objects(nil), "no S3 at all")
}
