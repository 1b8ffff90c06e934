package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// putGetDef writes the input's text to an object, reads it back, then fails to read a missing one and
// catches S3's error.
const putGetDef = `{"StartAt":"Put","States":{
	"Put":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:putObject",
		"Parameters":{"Bucket":"data","Key":"out/greeting.json","Body.$":"$.greeting"},"ResultPath":"$.put","Next":"Get"},
	"Get":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket":"data","Key":"out/greeting.json"},
		"ResultSelector":{"body.$":"States.StringToJson($.Body)","length.$":"$.ContentLength"},"ResultPath":"$.got","Next":"Missing"},
	"Missing":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket":"data","Key":"nope"},
		"Catch":[{"ErrorEquals":["S3.NoSuchKeyException"],"ResultPath":"$.caught","Next":"Done"}],"End":true},
	"Done":{"Type":"Pass","Parameters":{"got.$":"$.got","error.$":"$.caught.Error"},"End":true}}}`

func TestExecuteWithS3Root(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "data"), 0o755))
	def := write(t, t.TempDir(), "s3.asl.json", putGetDef)
	code, stdout, stderr := aslrun(t, "", "execute", def, "--s3-root", root, "--input", `{"greeting":{"hello":"world"}}`, "--dump-services")
	require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	assert.JSONEq(t, `{"got":{"body":{"hello":"world"},"length":17},"error":"S3.NoSuchKeyException"}`, stdout)

	b, err := os.ReadFile(filepath.Join(root, "data", "out", "greeting.json"))
	require.NoError(t, err)
	assert.Equal(t, `{"hello":"world"}`, string(b), "the object is a file of the root")

	var dump map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(stderr), &dump), stderr)
	objects := dump["s3"]["data"].(map[string]any)["Objects"].(map[string]any)
	assert.Equal(t, `{"hello":"world"}`, objects["out/greeting.json"].(map[string]any)["Body"])

	// Without --s3-root S3 is in memory, and a bucket is made on first write.
	code, stdout, stderr = aslrun(t, "", "execute", def, "--input", `{"greeting":1}`)
	require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	assert.JSONEq(t, `{"got":{"body":1,"length":1},"error":"S3.NoSuchKeyException"}`, stdout)
}

func TestExecuteS3FixturesInMemory(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "read.asl.json", `{"StartAt":"Get","States":{"Get":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject",
		"Parameters":{"Bucket":"input","Key":"k.txt"},"OutputPath":"$.Body","End":true}}}`)
	write(t, dir, "read.handlers.json", `{"$fixtures": "fixtures.json"}`)
	write(t, dir, "fixtures.json", `{"s3": {"input": {"k.txt": "seeded"}}}`)
	code, stdout, stderr := aslrun(t, "", "execute", def)
	require.Equal(t, 0, code, stderr)
	assert.JSONEq(t, `"seeded"`, stdout)
}

func TestS3RootFlagErrors(t *testing.T) {
	file := write(t, t.TempDir(), "file", "x")
	missing := filepath.Join(t.TempDir(), "missing")
	def := write(t, t.TempDir(), "d.asl.json", validDef)
	mocks := write(t, t.TempDir(), "mocks.json", `{"StateMachines":{"d":{"TestCases":{"T":{}}}},"MockedResponses":{}}`)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"execute", def, "--s3-root", missing}, "--s3-root: the S3 root " + missing + " does not exist"},
		{[]string{"execute", def, "--s3-root", file}, "is not a directory"},
		{[]string{"test", def, "--mock-config", mocks, "--s3-root", missing}, "does not exist"},
		{[]string{"serve", "--memory", "--s3-root", file}, "--s3-root: the S3 root " + file + " is not a directory"},
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(tt.args, nil, &out, &errOut), tt.args)
		assert.Contains(t, errOut.String(), tt.want, tt.args)
	}
}

func TestTestCommandWithS3Root(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "data", "in"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "data", "in", "n.txt"), []byte("7"), 0o644))
	def := write(t, t.TempDir(), "reader.asl.json", `{"StartAt":"Get","States":{"Get":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject",
		"Parameters":{"Bucket":"data","Key":"in/n.txt"},"OutputPath":"$.Body","End":true}}}`)
	mocks := write(t, t.TempDir(), "mocks.json", `{"StateMachines":{"reader":{"TestCases":{"Unmocked":{}}}},"MockedResponses":{},
		"x-aslrun-expect":{"reader":{"Unmocked":{"status":"SUCCEEDED","output":"7"}}}}`)
	code, stdout, stderr := aslrun(t, "", "test", def, "--mock-config", mocks, "--s3-root", root)
	assert.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	assert.Contains(t, stdout, `PASS Unmocked SUCCEEDED "7"`)
}

func TestServeWithS3Root(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "data"), 0o755))
	url, _ := startServe(t, "--memory", "--s3-root", root)
	client := sdkClient(url)
	ctx := context.Background()
	sm, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("s3"),
		Definition: aws.String(putGetDef), RoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
	require.NoError(t, err)
	started, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`{"greeting":"hi"}`)})
	require.NoError(t, err)
	var out *sfn.DescribeExecutionOutput
	require.Eventually(t, func() bool {
		out, err = client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: started.ExecutionArn})
		return err == nil && out.Status != "RUNNING"
	}, 10*time.Second, 5*time.Millisecond)
	require.Equal(t, "SUCCEEDED", string(out.Status), "%s %s", aws.ToString(out.Error), aws.ToString(out.Cause))
	assert.JSONEq(t, `{"got":{"body":"hi","length":4},"error":"S3.NoSuchKeyException"}`, aws.ToString(out.Output))
	assert.FileExists(t, filepath.Join(root, "data", "out", "greeting.json"))
}

// distributedDef reads a CSV from S3 in batches and writes the results back with ResultWriter.
const distributedDef = `{"StartAt":"Map","States":{"Map":{"Type":"Map",
	"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},
		"Parameters":{"Bucket":"data","Key":"in/rows.csv"}},
	"ItemBatcher":{"MaxItemsPerBatch":2},
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Count",
		"States":{"Count":{"Type":"Pass","Parameters":{"n.$":"States.ArrayLength($.Items)"},"End":true}}},
	"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"data","Prefix":"results"}},
	"End":true}}}`

func TestExecuteDistributedMapOnS3Root(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "data", "in"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "data", "in", "rows.csv"), []byte("id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n"), 0o644))
	def := write(t, t.TempDir(), "dmap.asl.json", distributedDef)
	code, stdout, stderr := aslrun(t, "", "execute", def, "--s3-root", root)
	require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	var out struct {
		ResultWriterDetails struct{ Bucket, Key string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	assert.Equal(t, "data", out.ResultWriterDetails.Bucket)
	manifest, err := os.ReadFile(filepath.Join(root, "data", filepath.FromSlash(out.ResultWriterDetails.Key)))
	require.NoError(t, err, "the manifest is a file of the root")
	assert.Contains(t, string(manifest), `"ResultFiles"`)

	// The same without --s3-root: the bucket is not there.
	code, stdout, _ = aslrun(t, "", "execute", def)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "States.ItemReaderFailed")
}
