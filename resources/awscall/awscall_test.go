package awscall

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
)

// seen is what a fake server received.
type seen struct {
	method, path, query, body string
	header                    http.Header
}

// fake answers every request with one response and records the request.
func fake(t *testing.T, status int, header map[string]string, body string) (*httptest.Server, *seen) {
	t.Helper()
	got := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*got = seen{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery, body: string(b), header: r.Header.Clone()}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	v, err := source.DecodePlain([]byte(s))
	require.NoError(t, err)
	return v
}

func TestCallProtocols(t *testing.T) {
	cases := []struct {
		name, service, action, params string
		respHeader                    map[string]string
		respBody                      string
		method, path, query, target   string
		contentType, reqBody          string
		reqHeader                     map[string]string
		want                          string
	}{{
		name: "AWS JSON 1.1", service: "secretsmanager", action: "getSecretValue", params: `{"SecretId": "db"}`,
		respBody: `{"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:db", "Name": "db", "SecretString": "pw", "CreatedDate": 1.7e9}`,
		method:   "POST", path: "/", target: "secretsmanager.GetSecretValue", contentType: "application/x-amz-json-1.1",
		reqBody: `{"SecretId":"db"}`,
		want:    `{"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:db", "Name": "db", "SecretString": "pw", "CreatedDate": 1.7e9}`,
	}, {
		name: "AWS JSON 1.1, camelCase wire", service: "ecs", action: "describeClusters", params: `{"Clusters": ["c1"], "Include": ["TAGS"]}`,
		respBody: `{"clusters": [{"clusterArn": "arn:c1", "clusterName": "c1", "status": "ACTIVE", "tags": [{"key": "k", "value": "v"}]}], "failures": []}`,
		method:   "POST", path: "/", target: "AmazonEC2ContainerServiceV20141113.DescribeClusters", contentType: "application/x-amz-json-1.1",
		reqBody: `{"clusters":["c1"],"include":["TAGS"]}`,
		want:    `{"Clusters": [{"ClusterArn": "arn:c1", "ClusterName": "c1", "Status": "ACTIVE", "Tags": [{"Key": "k", "Value": "v"}]}], "Failures": []}`,
	}, {
		name: "AWS JSON 1.0", service: "sfn", action: "describeExecution", params: `{"ExecutionArn": "arn:e"}`,
		respBody: `{"executionArn": "arn:e", "status": "SUCCEEDED"}`,
		method:   "POST", path: "/", target: "AWSStepFunctions.DescribeExecution", contentType: "application/x-amz-json-1.0",
		reqBody: `{"executionArn":"arn:e"}`,
		want:    `{"ExecutionArn": "arn:e", "Status": "SUCCEEDED"}`,
	}, {
		name: "EventBridge", service: "eventbridge", action: "putEvents",
		params:   `{"Entries": [{"Source": "app", "DetailType": "t", "Detail": "{\"a\":1}", "EventBusName": "default"}]}`,
		respBody: `{"Entries": [{"EventId": "e-1"}], "FailedEntryCount": 0}`,
		method:   "POST", path: "/", target: "AWSEvents.PutEvents", contentType: "application/x-amz-json-1.1",
		reqBody: `{"Entries":[{"Detail":"{\"a\":1}","DetailType":"t","EventBusName":"default","Source":"app"}]}`,
		want:    `{"Entries": [{"EventId": "e-1"}], "FailedEntryCount": 0}`,
	}, {
		name: "query", service: "sns", action: "publish",
		params: `{"TopicArn": "arn:t", "Message": "hi", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}}`,
		respBody: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult>` +
			`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
		method: "POST", path: "/", contentType: "application/x-www-form-urlencoded; charset=utf-8",
		reqBody: "Action=Publish&Message=hi&MessageAttributes.entry.1.Name=k&MessageAttributes.entry.1.Value.DataType=String" +
			"&MessageAttributes.entry.1.Value.StringValue=v&TopicArn=arn%3At&Version=2010-03-31",
		want: `{"MessageId": "m-1"}`,
	}, {
		name: "query lists", service: "sts", action: "getCallerIdentity", params: `{}`,
		respBody: `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123</Account><Arn>arn:u</Arn><UserId>U</UserId>` +
			`</GetCallerIdentityResult></GetCallerIdentityResponse>`,
		method: "POST", path: "/", contentType: "application/x-www-form-urlencoded; charset=utf-8",
		reqBody: "Action=GetCallerIdentity&Version=2011-06-15",
		want:    `{"Account": "123", "Arn": "arn:u", "UserId": "U"}`,
	}, {
		name: "query member lists", service: "sns", action: "listTopics", params: `{}`,
		respBody: `<ListTopicsResponse><ListTopicsResult><Topics><member><TopicArn>arn:a</TopicArn></member></Topics></ListTopicsResult></ListTopicsResponse>`,
		method:   "POST", path: "/", contentType: "application/x-www-form-urlencoded; charset=utf-8",
		reqBody: "Action=ListTopics&Version=2010-03-31",
		want:    `{"Topics": [{"TopicArn": "arn:a"}]}`,
	}, {
		name: "REST-JSON", service: "batch", action: "submitJob", params: `{"JobName": "j", "JobQueue": "q", "JobDefinition": "d", "Parameters": {"In": "x"}}`,
		respBody: `{"jobArn": "arn:j", "jobId": "id-1", "jobName": "j"}`,
		method:   "POST", path: "/v1/submitjob", contentType: "application/json",
		reqBody: `{"jobDefinition":"d","jobName":"j","jobQueue":"q","parameters":{"In":"x"}}`,
		want:    `{"JobArn": "arn:j", "JobId": "id-1", "JobName": "j"}`,
	}, {
		name: "REST-JSON URI labels", service: "emrserverless", action: "getJobRun", params: `{"ApplicationId": "app 1", "JobRunId": "r1"}`,
		respBody: `{"jobRun": {"state": "SUCCESS"}}`,
		method:   "GET", path: "/applications/app%201/jobruns/r1",
		want: `{"JobRun": {"State": "SUCCESS"}}`,
	}, {
		name: "REST-JSON payload and headers", service: "lambda", action: "invoke",
		params:     `{"FunctionName": "fn", "Payload": {"a": 1}, "Qualifier": "live", "InvocationType": "RequestResponse"}`,
		respHeader: map[string]string{"X-Amz-Executed-Version": "3"},
		respBody:   `{"ok":true}`,
		method:     "POST", path: "/2015-03-31/functions/fn/invocations", query: "Qualifier=live",
		reqHeader: map[string]string{"X-Amz-Invocation-Type": "RequestResponse"},
		reqBody:   `{"a":1}`,
		want:      `{"Payload": "{\"ok\":true}", "ExecutedVersion": "3", "StatusCode": 200}`,
	}, {
		name: "REST-XML list", service: "s3", action: "listObjectsV2", params: `{"Bucket": "b", "Prefix": "in/", "MaxKeys": 10}`,
		respBody: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>` +
			`<Prefix>in/</Prefix><KeyCount>1</KeyCount><MaxKeys>10</MaxKeys><IsTruncated>false</IsTruncated>` +
			`<Contents><Key>in/a.json</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified><ETag>"e"</ETag><Size>12</Size>` +
			`<StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>`,
		method: "GET", path: "/b", query: "list-type=2&max-keys=10&prefix=in%2F",
		want: `{"Name": "b", "Prefix": "in/", "KeyCount": 1, "MaxKeys": 10, "IsTruncated": false, "Contents": [{"Key": "in/a.json",` +
			` "LastModified": "2024-01-02T03:04:05.000Z", "ETag": "\"e\"", "Size": 12, "StorageClass": "STANDARD"}]}`,
	}, {
		name: "REST-XML get", service: "s3", action: "getObject", params: `{"Bucket": "b", "Key": "dir/a b.txt", "Range": "bytes=0-4"}`,
		respHeader: map[string]string{"Content-Type": "text/plain", "ETag": `"e"`, "Last-Modified": "Tue, 02 Jan 2024 03:04:05 GMT", "x-amz-meta-owner": "me"},
		respBody:   "hello",
		method:     "GET", path: "/b/dir/a%20b.txt", reqHeader: map[string]string{"Range": "bytes=0-4"},
		want: `{"Body": "hello", "ContentType": "text/plain", "ContentLength": 5, "ETag": "\"e\"", "LastModified": "2024-01-02T03:04:05Z",` +
			` "Metadata": {"owner": "me"}}`,
	}, {
		name: "REST-XML put", service: "s3", action: "putObject", params: `{"Bucket": "b", "Key": "k", "Body": {"x": 1}, "ContentType": "application/json", "Metadata": {"m": "1"}}`,
		respHeader: map[string]string{"ETag": `"e"`},
		method:     "PUT", path: "/b/k", reqBody: `{"x":1}`, reqHeader: map[string]string{"Content-Type": "application/json", "X-Amz-Meta-M": "1"},
		want: `{"ETag": "\"e\""}`,
	}, {
		name: "REST-XML copy", service: "s3", action: "copyObject", params: `{"Bucket": "b", "Key": "k2", "CopySource": "b/k"}`,
		respBody: `<CopyObjectResult><ETag>"e"</ETag><LastModified>2024-01-02T03:04:05.000Z</LastModified></CopyObjectResult>`,
		method:   "PUT", path: "/b/k2", reqHeader: map[string]string{"X-Amz-Copy-Source": "b/k"},
		want: `{"CopyObjectResult": {"ETag": "\"e\"", "LastModified": "2024-01-02T03:04:05.000Z"}}`,
	}, {
		name: "REST-XML wrapped list", service: "s3", action: "listBuckets", params: `{}`,
		respBody: `<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets>` +
			`<Owner><ID>o</ID></Owner></ListAllMyBucketsResult>`,
		method: "GET", path: "/",
		want: `{"Buckets": [{"Name": "a", "CreationDate": "2024-01-02T03:04:05.000Z"}], "Owner": {"ID": "o"}}`,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, got := fake(t, 200, tc.respHeader, tc.respBody)
			c := New(Options{Endpoints: map[string]string{tc.service: srv.URL}, Getenv: env(nil)})
			out, err := c.Call(context.Background(), tc.service, tc.action, decodeJSON(t, tc.params))
			require.NoError(t, err)
			assert.Equal(t, decodeJSON(t, tc.want), out)
			assert.Equal(t, tc.method, got.method)
			assert.Equal(t, tc.path, got.path)
			assert.Equal(t, tc.query, got.query)
			assert.Equal(t, tc.target, got.header.Get("X-Amz-Target"))
			if tc.contentType != "" {
				assert.Equal(t, tc.contentType, got.header.Get("Content-Type"))
			}
			assert.Equal(t, tc.reqBody, got.body)
			for k, v := range tc.reqHeader {
				assert.Equal(t, v, got.header.Get(k), k)
			}
			signing, _ := Lookup(tc.service)
			assert.Regexp(t, `^AWS4-HMAC-SHA256 Credential=aslrun/\d{8}/us-east-1/`+signing.Signing+`/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$`,
				got.header.Get("Authorization"))
		})
	}
}

func TestCallErrors(t *testing.T) {
	cases := []struct {
		name, service, action string
		status                int
		header                map[string]string
		body                  string
		wantName, wantCause   string
	}{{
		name: "AWS JSON", service: "secretsmanager", action: "getSecretValue", status: 400,
		header:    map[string]string{"X-Amzn-RequestId": "r-1"},
		body:      `{"__type": "ResourceNotFoundException", "Message": "Secrets Manager can't find the specified secret."}`,
		wantName:  "SecretsManager.ResourceNotFoundException",
		wantCause: "Secrets Manager can't find the specified secret. (Service: SecretsManager, Status Code: 400, Request ID: r-1)",
	}, {
		name: "AWS JSON, namespaced code without the suffix", service: "dynamodb", action: "getItem", status: 400,
		body:     `{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailed", "message": "no"}`,
		wantName: "DynamoDb.ConditionalCheckFailedException", wantCause: "no (Service: DynamoDb, Status Code: 400, Request ID: )",
	}, {
		name: "REST-JSON", service: "lambda", action: "invoke", status: 404,
		header:   map[string]string{"X-Amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/coral/", "X-Amzn-RequestId": "r-2"},
		body:     `{"Type": "User", "message": "Function not found: fn"}`,
		wantName: "Lambda.ResourceNotFoundException", wantCause: "Function not found: fn (Service: Lambda, Status Code: 404, Request ID: r-2)",
	}, {
		name: "query", service: "sns", action: "publish", status: 404,
		body:     `<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-3</RequestId></ErrorResponse>`,
		wantName: "Sns.NotFoundException", wantCause: "Topic does not exist (Service: Sns, Status Code: 404, Request ID: r-3)",
	}, {
		name: "REST-XML", service: "s3", action: "getObject", status: 404,
		body:     `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>r-4</RequestId></Error>`,
		wantName: "S3.NoSuchKeyException", wantCause: "The specified key does not exist. (Service: S3, Status Code: 404, Request ID: r-4)",
	}, {
		name: "REST-XML HEAD without a body", service: "s3", action: "headObject", status: 404,
		wantName: "S3.NoSuchKeyException", wantCause: "(Service: S3, Status Code: 404, Request ID: )",
	}, {
		name: "no code", service: "ecs", action: "describeClusters", status: 500, body: "oops",
		wantName: "Ecs.EcsException", wantCause: `"oops" (Service: Ecs, Status Code: 500, Request ID: )`,
	}}
	params := map[string]map[string]any{"s3": {"Bucket": "b", "Key": "k"}, "lambda": {"FunctionName": "fn"}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := fake(t, tc.status, tc.header, tc.body)
			c := New(Options{Endpoints: map[string]string{tc.service: srv.URL}, Getenv: env(nil)})
			_, err := c.Call(context.Background(), tc.service, tc.action, params[tc.service])
			var fe *failure.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.wantName, fe.Name)
			assert.Equal(t, tc.wantCause, fe.Cause)
		})
	}
}

func TestCallRefusals(t *testing.T) {
	c := New(Options{Endpoints: map[string]string{"batch": "http://127.0.0.1:1", "s3": "http://127.0.0.1:1", "nosuch": "http://127.0.0.1:1"}, Getenv: env(nil)})
	cases := []struct{ name, service, action, params, want string }{
		{"unknown service", "nosuch", "doIt", `{}`, "aslrun cannot call the service 'nosuch' (aws-sdk:nosuch:doIt)"},
		{"unrouted REST action", "batch", "createComputeEnvironment", `{}`, "aslrun cannot call the action 'createComputeEnvironment' of the batch API"},
		{"parameter with no place", "s3", "getObject", `{"Bucket": "b", "Key": "k", "Colour": "red"}`, "it sends no parameter Colour"},
		{"missing URI label", "s3", "getObject", `{"Bucket": "b"}`, "the parameter Key is required"},
		{"not an object", "s3", "getObject", `[1]`, "must be a JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Call(context.Background(), tc.service, tc.action, decodeJSON(t, tc.params))
			var fe *failure.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, failure.Runtime, fe.Name)
			assert.Contains(t, fe.Cause, tc.want)
		})
	}
}

func TestCallEndpointDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c := New(Options{Endpoints: map[string]string{"ecs": "http://" + addr}, Getenv: env(nil)})
	_, err = c.Call(context.Background(), "ecs", "describeClusters", map[string]any{})
	var fe *failure.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Ecs.SdkClientException", fe.Name)
	assert.Contains(t, fe.Cause, "Unable to execute HTTP request: http://"+addr+"/ failed:")
	assert.Contains(t, fe.Cause, "connection refused")
}

// recorder is an HTTP client that answers without a network, for calls to AWS's own endpoints.
type recorder struct{ req *http.Request }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.req = req
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

func TestEndpoints(t *testing.T) {
	cases := []struct {
		name, service, action string
		params                map[string]any
		opts                  map[string]string // endpoint bindings
		vars                  map[string]string
		wantURL, wantScope    string
	}{
		{"AWS", "secretsmanager", "getSecretValue", nil, nil, map[string]string{"AWS_REGION": "eu-west-1"},
			"https://secretsmanager.eu-west-1.amazonaws.com/", "/eu-west-1/secretsmanager/"},
		{"AWS China", "ecs", "listClusters", nil, nil, map[string]string{"AWS_REGION": "cn-north-1"},
			"https://ecs.cn-north-1.amazonaws.com.cn/", "/cn-north-1/ecs/"},
		{"global", "iam", "listRoles", nil, nil, map[string]string{"AWS_REGION": "eu-west-1"},
			"https://iam.amazonaws.com/", "/us-east-1/iam/"},
		{"S3 virtual-hosted", "s3", "getObject", map[string]any{"Bucket": "bkt", "Key": "a/b"}, nil, map[string]string{"AWS_REGION": "eu-west-1"},
			"https://bkt.s3.eu-west-1.amazonaws.com/a/b", "/eu-west-1/s3/"},
		{"S3 dotted bucket path-style", "s3", "getObject", map[string]any{"Bucket": "b.kt", "Key": "a"}, nil, map[string]string{"AWS_REGION": "eu-west-1"},
			"https://s3.eu-west-1.amazonaws.com/b.kt/a", "/eu-west-1/s3/"},
		{"AWS_ENDPOINT_URL_<SERVICE>", "eventbridge", "putEvents", nil, nil,
			map[string]string{"AWS_ENDPOINT_URL_EVENTBRIDGE": "http://e.local:1", "AWS_ENDPOINT_URL": "http://all.local:2"},
			"http://e.local:1/", "/us-east-1/events/"},
		{"AWS_ENDPOINT_URL", "sfn", "listStateMachines", nil, nil, map[string]string{"AWS_ENDPOINT_URL": "http://all.local:2/base"},
			"http://all.local:2/base", "/us-east-1/states/"},
		{"binding wins over the environment", "ecs", "listClusters", nil, map[string]string{"ecs": "http://bound.local:3"},
			map[string]string{"AWS_ENDPOINT_URL_ECS": "http://e.local:1"}, "http://bound.local:3/", "/us-east-1/ecs/"},
		{"ignored environment endpoints", "ecs", "listClusters", nil, nil,
			map[string]string{"AWS_ENDPOINT_URL_ECS": "http://e.local:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_REGION": "us-west-2"},
			"https://ecs.us-west-2.amazonaws.com/", "/us-west-2/ecs/"},
		{"S3 on an emulator path-style", "s3", "getObject", map[string]any{"Bucket": "bkt", "Key": "k"}, map[string]string{"s3": "http://127.0.0.1:9"}, nil,
			"http://127.0.0.1:9/bkt/k", "/us-east-1/s3/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "HOME": t.TempDir()}
			for k, v := range tc.vars {
				vars[k] = v
			}
			rec := &recorder{}
			c := New(Options{Endpoints: tc.opts, Getenv: env(vars), HTTPClient: &http.Client{Transport: rec}})
			params := tc.params
			if params == nil {
				params = map[string]any{}
			}
			_, err := c.Call(context.Background(), tc.service, tc.action, params)
			require.NoError(t, err)
			assert.Equal(t, tc.wantURL, rec.req.URL.String())
			assert.Contains(t, rec.req.Header.Get("Authorization"), "Credential=AKID/")
			assert.Contains(t, rec.req.Header.Get("Authorization"), tc.wantScope)
		})
	}
}

func TestCredentialsFromProfiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "credentials"), []byte("[default]\naws_access_key_id = DEF\naws_secret_access_key = s\n"+
		"[dev]\naws_access_key_id=DEV\naws_secret_access_key=s\naws_session_token = tok\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config"), []byte("[profile dev]\nregion = ap-south-1\n"+
		"[profile proc]\nregion=eu-north-1\ncredential_process = echo '{\"Version\":1,\"AccessKeyId\":\"PROC\",\"SecretAccessKey\":\"s\"}'\n"), 0o600))
	cases := []struct{ profile, wantKey, wantScope, wantToken string }{
		{"", "DEF", "/us-east-1/", ""},
		{"dev", "DEV", "/ap-south-1/", "tok"},
		{"proc", "PROC", "/eu-north-1/", ""},
	}
	for _, tc := range cases {
		t.Run("profile "+tc.profile, func(t *testing.T) {
			vars := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_CONFIG_FILE": filepath.Join(dir, "config"),
				"AWS_PROFILE": tc.profile}
			if tc.profile == "" {
				vars["AWS_REGION"] = "us-east-1"
			}
			rec := &recorder{}
			c := New(Options{Getenv: env(vars), HTTPClient: &http.Client{Transport: rec}, Now: func() time.Time { return time.Unix(1.7e9, 0) }})
			_, err := c.Call(context.Background(), "sqs", "listQueues", map[string]any{})
			require.NoError(t, err)
			assert.Contains(t, rec.req.Header.Get("Authorization"), "Credential="+tc.wantKey+"/20231114"+tc.wantScope)
			assert.Equal(t, tc.wantToken, rec.req.Header.Get("X-Amz-Security-Token"))
		})
	}
}

func TestNoRegionForAWS(t *testing.T) {
	c := New(Options{Getenv: env(map[string]string{"HOME": t.TempDir(), "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})})
	_, err := c.Call(context.Background(), "ecs", "listClusters", map[string]any{})
	var fe *failure.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, failure.Runtime, fe.Name)
	assert.Contains(t, fe.Cause, "no AWS region")
}
