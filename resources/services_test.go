package resources_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/dynamodb"
	"github.com/aslrun/aslrun/resources/sns"
	"github.com/aslrun/aslrun/resources/sqs"
)

func servicesRegistry(t *testing.T) (*resources.Registry, *resources.Services) {
	t.Helper()
	s := resources.NewServices()
	require.NoError(t, s.DynamoDB.CreateTable("Orders", dynamodb.KeySchema{PartitionKey: dynamodb.Attribute{Name: "id", Type: "S"}}))
	reg := resources.NewRegistry()
	reg.UseEnv(&resources.Env{Services: s})
	return reg, s
}

func task(resource, params string) string {
	return `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + resource + `","Parameters":` + params + `,"End":true}}}`
}

func TestDynamoDBIntegration(t *testing.T) {
	tests := []struct {
		name, resource, params string
		errName, causePrefix   string
		check                  func(t *testing.T, out map[string]any)
	}{
		{name: "putItem", resource: "arn:aws:states:::dynamodb:putItem",
			params: `{"TableName":"Orders","Item":{"id":{"S":"o2"},"total":{"N":"5"}}}`,
			check: func(t *testing.T, out map[string]any) {
				assert.Contains(t, out, "SdkHttpMetadata")
				assert.Contains(t, out, "SdkResponseMetadata")
			}},
		{name: "getItem", resource: "arn:aws:states:::dynamodb:getItem", params: `{"TableName":"Orders","Key":{"id":{"S":"o1"}}}`,
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, map[string]any{"id": map[string]any{"S": "o1"}, "total": map[string]any{"N": "10"}}, out["Item"])
			}},
		{name: "aws-sdk getItem has no metadata", resource: "arn:aws:states:::aws-sdk:dynamodb:getItem",
			params: `{"TableName":"Orders","Key":{"id":{"S":"o1"}}}`,
			check: func(t *testing.T, out map[string]any) {
				assert.NotContains(t, out, "SdkHttpMetadata")
				assert.Contains(t, out, "Item")
			}},
		{name: "condition fails", resource: "arn:aws:states:::dynamodb:putItem",
			params:  `{"TableName":"Orders","Item":{"id":{"S":"o1"}},"ConditionExpression":"attribute_not_exists(id)"}`,
			errName: "DynamoDB.ConditionalCheckFailedException",
			causePrefix: "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; " +
				"Error Code: ConditionalCheckFailedException; Request ID: "},
		{name: "condition fails through aws-sdk", resource: "arn:aws:states:::aws-sdk:dynamodb:putItem",
			params:  `{"TableName":"Orders","Item":{"id":{"S":"o1"}},"ConditionExpression":"attribute_not_exists(id)"}`,
			errName: "DynamoDb.ConditionalCheckFailedException", causePrefix: "The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: "},
		{name: "missing table", resource: "arn:aws:states:::dynamodb:putItem", params: `{"TableName":"Nope","Item":{"id":{"S":"x"}}}`,
			errName: "DynamoDB.ResourceNotFoundException"},
		{name: "validation error is the generic exception", resource: "arn:aws:states:::dynamodb:putItem",
			params: `{"TableName":"Orders","Item":{"total":{"N":"1"}}}`, errName: "DynamoDB.AmazonDynamoDBException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, s := servicesRegistry(t)
			_, err := s.DynamoDB.Call(context.Background(), "PutItem", map[string]any{"TableName": "Orders",
				"Item": map[string]any{"id": map[string]any{"S": "o1"}, "total": map[string]any{"N": "10"}}})
			require.NoError(t, err)
			res := runWith(t, task(tt.resource, tt.params), reg)
			if tt.errName != "" {
				require.Equal(t, interpreter.Failed, res.Status)
				assert.Equal(t, tt.errName, res.Error)
				assert.Contains(t, res.Cause, tt.causePrefix)
				return
			}
			require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
			tt.check(t, res.Output.(map[string]any))
		})
	}
}

func TestSQSCallbackEndToEnd(t *testing.T) {
	reg, s := servicesRegistry(t)
	cb := interpreter.NewCallbacks()
	// The worker of the queue answers the token it finds in the message, as checkout's courier worker does.
	s.SQS.Subscribe("couriers", func(_ context.Context, m sqs.Message) error {
		body, err := oj.ParseString(m.Body)
		if err != nil {
			return err
		}
		return cb.SendTaskSuccess(body.(map[string]any)["token"].(string), `{"courier":"Ann"}`)
	})
	def := `{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/couriers","MessageBody":{"token.$":"$$.Task.Token","order":7}},
		"HeartbeatSeconds":5,"Next":"Notify"},
		"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:done","Message.$":"$"},
		"ResultSelector":{"id.$":"$.MessageId"},"ResultPath":"$.published","End":true}}}`
	sm := compileDef(t, def)
	cfg := interpreter.NewConfig("m", "e", false)
	log := &interpreter.EventLog{}
	cfg.Invoker, cfg.Clock, cfg.Callbacks, cfg.Events = reg, interpreter.NewVirtualClock(epoch), cb, log
	res := sm.Run(context.Background(), map[string]any{}, cfg)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	out := value.Plain(res.Output).(map[string]any)
	assert.Equal(t, "Ann", out["courier"])
	assert.NotEmpty(t, out["published"].(map[string]any)["id"])

	dump := s.Dump()
	queue := dump["sqs"].(map[string]any)["couriers"].(map[string]any)
	msgs := queue["Messages"].([]any)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0].(map[string]any)["Body"], `"order":7`)
	topic := dump["sns"].(map[string]any)["done"].(map[string]any)
	assert.Len(t, topic["Messages"].([]any), 1)
	var submitted map[string]any
	for _, e := range log.Events() {
		if e.Kind == interpreter.TaskSubmitted {
			submitted = e.Output.(map[string]any)
		}
	}
	require.NotNil(t, submitted)
	assert.Contains(t, submitted, "MD5OfMessageBody")
	assert.Contains(t, submitted, "SdkHttpMetadata")
}

func compileDef(t *testing.T, def string) *interpreter.Program {
	t.Helper()
	sm, diags := asl.Check([]byte(def), asl.Options{})
	require.False(t, asl.HasErrors(diags), "%v", diags)
	prog, err := interpreter.Compile(sm)
	require.NoError(t, err)
	return prog
}

func TestS3Integration(t *testing.T) {
	causeRE := func(message string) string {
		return `^` + regexp.QuoteMeta(message) + `\(Service: S3, Status Code: \d+, Request ID: [0-9A-F]{16}, Extended Request ID: [A-Za-z0-9+/=]+\)$`
	}
	tests := []struct {
		name, resource, params string
		errName, cause         string // cause: a regular expression
		check                  func(t *testing.T, out map[string]any)
	}{
		{name: "getObject", resource: "arn:aws:states:::aws-sdk:s3:getObject", params: `{"Bucket":"input","Key":"rows.csv"}`,
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, "a,b\n1,2\n", out["Body"])
				assert.Equal(t, int64(8), out["ContentLength"])
				assert.NotContains(t, out, "SdkHttpMetadata", "aws-sdk integrations answer the response alone")
			}},
		{name: "putObject stores the JSON text of Body", resource: "arn:aws:states:::aws-sdk:s3:putObject",
			params: `{"Bucket":"input","Key":"out/x.json","Body":{"n":1}}`,
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, `"082c26c8a6bc75226a31da5495cc9292"`, out["ETag"])
			}},
		{name: "missing key", resource: "arn:aws:states:::aws-sdk:s3:getObject", params: `{"Bucket":"input","Key":"nope"}`,
			errName: "S3.NoSuchKeyException", cause: causeRE("The specified key does not exist. ")},
		{name: "missing bucket", resource: "arn:aws:states:::aws-sdk:s3:getObject", params: `{"Bucket":"nobucket","Key":"k"}`,
			errName: "S3.NoSuchBucketException", cause: causeRE("The specified bucket does not exist ")},
		{name: "headObject's 404 has no message", resource: "arn:aws:states:::aws-sdk:s3:headObject", params: `{"Bucket":"input","Key":"nope"}`,
			errName: "S3.NoSuchKeyException", cause: causeRE("")},
		{name: "copy onto itself", resource: "arn:aws:states:::aws-sdk:s3:copyObject", params: `{"Bucket":"input","Key":"rows.csv","CopySource":"input/rows.csv"}`,
			errName: "S3.InvalidRequestException", cause: `^This copy request is illegal .* \(Service: S3, Status Code: 400, `},
		{name: "codes without an exception class are S3Exception", resource: "arn:aws:states:::aws-sdk:s3:getObject",
			params: `{"Bucket":"input","Key":"rows.csv","Range":"bytes=0-1"}`, errName: "S3.S3Exception",
			cause: causeRE("The embedded S3 does not implement the parameter Range of getObject ")},
		{name: "other actions are not served", resource: "arn:aws:states:::aws-sdk:s3:createBucket", params: `{"Bucket":"b"}`,
			errName: "States.Runtime", cause: "which no handler, endpoint or embedded service serves"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, s := servicesRegistry(t)
			require.NoError(t, s.S3.LoadFixturesJSON([]byte(`{"input": {"rows.csv": "a,b\n1,2\n"}}`)))
			res := runWith(t, task(tt.resource, tt.params), reg)
			if tt.errName != "" {
				require.Equal(t, interpreter.Failed, res.Status)
				assert.Equal(t, tt.errName, res.Error)
				assert.Regexp(t, tt.cause, res.Cause)
				return
			}
			require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
			tt.check(t, res.Output.(map[string]any))
		})
	}
}

func TestS3PutThenGet(t *testing.T) {
	reg, s := servicesRegistry(t)
	def := `{"StartAt":"Put","States":{
		"Put":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:putObject","Parameters":{"Bucket":"made-on-first-use","Key":"a/b.txt","Body.$":"$.text"},"ResultPath":"$.put","Next":"Get"},
		"Get":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket":"made-on-first-use","Key":"a/b.txt"},
			"ResultSelector":{"body.$":"$.Body","etag.$":"$.ETag"},"ResultPath":"$.got","End":true}}}`
	prog := compileDef(t, def)
	cfg := interpreter.NewConfig("m", "e", false)
	cfg.Invoker, cfg.Clock = reg, interpreter.NewVirtualClock(epoch)
	res := prog.Run(context.Background(), map[string]any{"text": "hello"}, cfg)
	require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
	out := value.Plain(res.Output).(map[string]any)
	assert.Equal(t, `"hello"`, out["got"].(map[string]any)["body"])
	assert.Equal(t, out["put"].(map[string]any)["ETag"], out["got"].(map[string]any)["etag"])
	objects := s.Dump()["s3"].(map[string]any)["made-on-first-use"].(map[string]any)["Objects"].(map[string]any)
	assert.Equal(t, `"hello"`, objects["a/b.txt"].(map[string]any)["Body"])
}

func TestServicesFixturesAndS3Root(t *testing.T) {
	dir := t.TempDir()
	fixtures := filepath.Join(dir, "fixtures.json")
	require.NoError(t, os.WriteFile(fixtures, []byte(`{"s3": {"input": {"k.txt": "v", "j.json": {"a": [1]}}, "empty": {}}, "_note": "comment"}`), 0o644))

	mem := resources.NewServices()
	require.NoError(t, mem.LoadFixtures(fixtures))
	assert.Equal(t, "", mem.S3.Dir())
	dump := mem.Dump()["s3"].(map[string]any)
	assert.Contains(t, dump, "empty")
	assert.Equal(t, `{"a":[1]}`, dump["input"].(map[string]any)["Objects"].(map[string]any)["j.json"].(map[string]any)["Body"])

	root := t.TempDir()
	onDisk, err := resources.OpenServices(resources.ServiceOptions{S3Root: root})
	require.NoError(t, err)
	defer onDisk.Close()
	assert.Equal(t, root, onDisk.S3.Dir())
	require.NoError(t, onDisk.LoadFixtures(fixtures))
	b, err := os.ReadFile(filepath.Join(root, "input", "k.txt"))
	require.NoError(t, err)
	assert.Equal(t, "v", string(b), "the fixtures are files of the root")
	r, size, err := onDisk.Objects().Get(context.Background(), "input", "k.txt")
	require.NoError(t, err)
	require.NoError(t, r.Close())
	assert.Equal(t, int64(1), size)

	_, err = resources.OpenServices(resources.ServiceOptions{S3Root: filepath.Join(root, "missing")})
	assert.ErrorContains(t, err, "does not exist")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"s4": {}}`), 0o644))
	assert.ErrorContains(t, mem.LoadFixtures(bad), `unknown section "s4" (the sections are dynamodb, sqs, sns, s3 and eventbridge;`)
	require.NoError(t, os.WriteFile(bad, []byte(`{"s3": {"b": 1}}`), 0o644))
	assert.ErrorContains(t, mem.LoadFixtures(bad), `bad.json: s3 fixtures: bucket "b": want an object of keys and contents`)
}

func TestServicesWithoutS3(t *testing.T) {
	s := &resources.Services{DynamoDB: dynamodb.New(), SQS: sqs.New(sqs.Options{}), SNS: sns.New(sns.Options{})}
	assert.NotContains(t, s.Dump(), "s3")
	assert.Nil(t, s.Objects())
	assert.NoError(t, s.Close())
	fixtures := filepath.Join(t.TempDir(), "f.json")
	require.NoError(t, os.WriteFile(fixtures, []byte(`{"s3": {}}`), 0o644))
	assert.ErrorContains(t, s.LoadFixtures(fixtures), "these services have no S3")
	reg := resources.NewRegistry()
	reg.UseEnv(&resources.Env{Services: s})
	res := runWith(t, task("arn:aws:states:::aws-sdk:s3:getObject", `{"Bucket":"b","Key":"k"}`), reg)
	assert.Equal(t, "States.Runtime", res.Error)
	assert.Contains(t, res.Cause, "which no handler, endpoint or embedded service serves")
}
