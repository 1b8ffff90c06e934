package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/internal/awstest"
)

// TestExecuteDistributedMapOnRealS3 runs distributedDef (a CSV ItemReader, batches of 2, a ResultWriter)
// with the handler file sending the Map's reads, writes or both to moto's S3 (AWS_ENDPOINT_URL_S3), the
// rest to --s3-root: the items come from, and the manifest and results land in, the store each direction
// names.
func TestExecuteDistributedMapOnRealS3(t *testing.T) {
	client := awstest.MotoS3(t)
	ctx := context.Background()
	const rows = "id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n"
	def := write(t, t.TempDir(), "dmap.asl.json", distributedDef)

	// A bucket of its own in moto per case, so that each case sees only its own results.
	for _, tc := range []struct {
		name, bucket, bindings string
		readsAWS, writesAWS    bool
	}{
		{name: "reads and writes", bucket: "data", bindings: `"arn:aws:states:::s3:getObject": {"aws": true}, "arn:aws:states:::s3:putObject": {"aws": true}`,
			readsAWS: true, writesAWS: true},
		{name: "reads only", bucket: "data-r", bindings: `"arn:aws:states:::s3:getObject": {"aws": true}`, readsAWS: true},
		{name: "writes only", bucket: "data-w", bindings: `"arn:aws:states:::s3:putObject": {"aws": true}`, writesAWS: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := tc.bucket
			caseDef := def
			if bucket != "data" {
				caseDef = write(t, t.TempDir(), "dmap.asl.json", strings.ReplaceAll(distributedDef, `"Bucket":"data"`, `"Bucket":"`+bucket+`"`))
			}
			_, err := client.CreateBucket(ctx, &s3api.CreateBucketInput{Bucket: aws.String(bucket)})
			require.NoError(t, err)
			root := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(root, bucket, "in"), 0o755))
			if tc.readsAWS {
				_, err = client.PutObject(ctx, &s3api.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/rows.csv"), Body: strings.NewReader(rows)})
				require.NoError(t, err)
			} else {
				require.NoError(t, os.WriteFile(filepath.Join(root, bucket, "in", "rows.csv"), []byte(rows), 0o644))
			}
			handlers := write(t, t.TempDir(), "h.json", "{"+tc.bindings+"}")

			code, stdout, stderr := aslrun(t, "", "execute", caseDef, "--handlers", handlers, "--s3-root", root)
			require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
			var out struct {
				MapRunArn           string
				ResultWriterDetails struct{ Bucket, Key string }
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
			assert.Equal(t, bucket, out.ResultWriterDetails.Bucket)

			read := func(key string) []byte {
				if !tc.writesAWS {
					b, err := os.ReadFile(filepath.Join(root, bucket, filepath.FromSlash(key)))
					require.NoError(t, err, "the result %s is in --s3-root", key)
					return b
				}
				got, err := client.GetObject(ctx, &s3api.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				require.NoError(t, err, "the result %s is in moto", key)
				defer got.Body.Close()
				b, err := io.ReadAll(got.Body)
				require.NoError(t, err)
				return b
			}
			var manifest struct {
				MapRunArn, DestinationBucket string
				ResultFiles                  struct{ SUCCEEDED, FAILED, PENDING []struct{ Key string } }
			}
			require.NoError(t, json.Unmarshal(read(out.ResultWriterDetails.Key), &manifest))
			assert.Equal(t, out.MapRunArn, manifest.MapRunArn)
			assert.Equal(t, bucket, manifest.DestinationBucket)
			assert.Empty(t, manifest.ResultFiles.FAILED)
			require.Len(t, manifest.ResultFiles.SUCCEEDED, 1)
			var results []struct{ Status, Output string }
			require.NoError(t, json.Unmarshal(read(manifest.ResultFiles.SUCCEEDED[0].Key), &results))
			var items int
			for _, r := range results {
				assert.Equal(t, "SUCCEEDED", r.Status)
				var o struct{ N int }
				require.NoError(t, json.Unmarshal([]byte(r.Output), &o), r.Output)
				items += o.N
			}
			assert.Equal(t, 3, len(results), "children of 2 items at most")
			assert.Equal(t, 5, items, "every row read")

			// The other store holds no results.
			if tc.writesAWS {
				assert.NoDirExists(t, filepath.Join(root, bucket, "results"))
			} else {
				listed, err := client.ListObjectsV2(ctx, &s3api.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("results/")})
				require.NoError(t, err)
				assert.Empty(t, listed.Contents)
			}
		})
	}

	// A key moto does not have fails the Map as a missing key of the embedded S3 does.
	missing := write(t, t.TempDir(), "dmap.asl.json", strings.ReplaceAll(distributedDef, "in/rows.csv", "in/none.csv"))
	handlers := write(t, t.TempDir(), "h.json", `{"arn:aws:states:::s3:getObject": {"aws": true}}`)
	code, stdout, stderr := aslrun(t, "", "execute", missing, "--handlers", handlers)
	assert.Equal(t, 1, code, "stdout %s stderr %s", stdout, stderr)
	assert.Contains(t, stdout, `"error":"States.ItemReaderFailed"`)
	assert.Contains(t, stdout, "The specified key does not exist (bucket data, key in/none.csv)")
}
