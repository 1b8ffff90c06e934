package resources

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/internal/awstest"
	"github.com/aslrun/aslrun/interpreter"
)

// stubFakeAWS answers Lambda's Invoke, DynamoDB and SQS in AWS JSON 1.0 and SNS in the Query protocol, as the
// services do, and records what it was sent.
type stubFakeAWS struct {
	mu       sync.Mutex
	requests []stubFakeRequest
	stop     chan struct{}
}

type stubFakeRequest struct {
	path, target, auth, contentType string
	body                            string
}

func (f *stubFakeAWS) last() stubFakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[len(f.requests)-1]
}

func (f *stubFakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := stubFakeRequest{r.URL.Path, r.Header.Get("X-Amz-Target"), r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()

	reply := func(status int, headers map[string]string, body string) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
	amzJSON := map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amzn-RequestId": "req-1"}
	switch {
	case strings.HasPrefix(req.path, "/2015-03-31/functions/"):
		name := strings.TrimSuffix(strings.TrimPrefix(req.path, "/2015-03-31/functions/"), "/invocations")
		switch name[strings.LastIndexByte(name, ':')+1:] {
		case "echo":
			reply(http.StatusOK, nil, req.body)
		case "fails":
			reply(http.StatusOK, map[string]string{"X-Amz-Function-Error": "Unhandled"}, `{"errorMessage":"declined","errorType":"PaymentError"}`)
		case "huge":
			reply(http.StatusOK, nil, `"`+strings.Repeat("a", stubPayloadLimit)+`"`)
		case "hangs":
			select {
			case <-r.Context().Done():
			case <-f.stop:
			}
		default:
			reply(http.StatusNotFound, map[string]string{"X-Amzn-ErrorType": "ResourceNotFoundException", "X-Amzn-RequestId": "req-2"},
				`{"Type":"User","Message":"Function not found: `+name+`"}`)
		}
	case req.target == "DynamoDB_20120810.GetItem":
		reply(http.StatusOK, amzJSON, `{"Item":{"id":{"S":"1"},"n":{"N":"12345678901234567"}}}`)
	case req.target == "DynamoDB_20120810.PutItem":
		reply(http.StatusBadRequest, amzJSON, `{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}`)
	case req.target == "DynamoDB_20120810.DeleteItem":
		reply(http.StatusOK, amzJSON, `not json`)
	case req.target == "DynamoDB_20120810.UpdateItem":
		reply(http.StatusOK, amzJSON, `{"Attributes":{"s":{"S":"`+strings.Repeat("a", stubPayloadLimit)+`"}}}`)
	case req.target == "AmazonSQS.SendMessage":
		if strings.Contains(req.body, "missing") {
			reply(http.StatusBadRequest, amzJSON, `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`)
			return
		}
		reply(http.StatusOK, amzJSON, `{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MessageId":"m-1"}`)
	case strings.Contains(req.body, "Action=Publish"):
		if strings.Contains(req.body, "missing") {
			reply(http.StatusNotFound, map[string]string{"Content-Type": "text/xml"}, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">`+
				`<Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>req-3</RequestId></ErrorResponse>`)
			return
		}
		reply(http.StatusOK, map[string]string{"Content-Type": "text/xml"}, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">`+
			`<PublishResult><MessageId>sns-1</MessageId></PublishResult><ResponseMetadata><RequestId>req-4</RequestId></ResponseMetadata></PublishResponse>`)
	default:
		reply(http.StatusBadRequest, nil, "unexpected request")
	}
}

func TestAWSStub(t *testing.T) {
	fake := &stubFakeAWS{stop: make(chan struct{})}
	srv := httptest.NewUnstartedServer(fake)
	// A connection per request: under load, the SDK reading a large reply on a reused connection sometimes
	// fails with "use of closed network connection" (aws/aws-sdk-go-v2#2737), which is not what this tests.
	srv.Config.SetKeepAlivesEnabled(false)
	srv.Start()
	defer srv.Close()
	defer close(fake.stop)
	awstest.IsolateEnv(t, srv.URL)

	r, err := ParseHandlers([]byte(`{
		"echo": {"aws": true},
		"arn:aws:lambda:eu-west-1:123456789012:function:fails": {"aws": true},
		"arn:aws:lambda:{region}:{account}:function:missing:live": {"aws": true},
		"huge": {"aws": true},
		"arn:aws:states:::dynamodb:getItem": {"aws": true},
		"arn:aws:states:::dynamodb:putItem": {"aws": true},
		"arn:aws:states:::dynamodb:deleteItem": {"aws": true},
		"arn:aws:states:::dynamodb:updateItem": {"aws": true},
		"arn:aws:states:::sqs:sendMessage": {"aws": true},
		"arn:aws:states:::sns:publish": {"aws": true}
	}`))
	require.NoError(t, err)

	fnARN := func(name string) string { return "arn:aws:lambda:us-east-1:123456789012:function:" + name }
	tests := []struct {
		name, resource string
		input          any
		want           any
		wantError      string
		wantCause      string // a regular expression, anchored
		// what the service was sent
		path, target, scope, body string
	}{
		{name: "Lambda success", resource: fnARN("echo"), input: map[string]any{"n": int64(1)}, want: map[string]any{"n": int64(1)},
			path: "/2015-03-31/functions/echo/invocations", scope: "/us-east-1/lambda/aws4_request", body: `{"n":1}`},
		{name: "Lambda function error, in the ARN's region", resource: fnARN("fails"), wantError: "PaymentError",
			wantCause: regexp.QuoteMeta(`{"errorMessage":"declined","errorType":"PaymentError"}`),
			path:      "/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:fails/invocations", scope: "/eu-west-1/lambda/aws4_request"},
		{name: "Lambda service error, placeholders dropped", resource: fnARN("missing"), wantError: "Lambda.ResourceNotFoundException",
			wantCause: regexp.QuoteMeta(`Function not found: missing:live (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: `) + `.*`,
			path:      "/2015-03-31/functions/missing:live/invocations", scope: "/us-east-1/lambda/aws4_request"},
		{name: "Lambda oversize payload", resource: fnARN("huge"), wantError: failure.DataLimitExceeded,
			wantCause: regexp.QuoteMeta(`The payload of the function huge exceeds the maximum number of bytes service limit (262144 bytes)`)},
		{name: "DynamoDB success", resource: "arn:aws:states:::dynamodb:getItem",
			input: map[string]any{"TableName": "t", "Key": map[string]any{"id": map[string]any{"S": "1"}}},
			want:  map[string]any{"Item": map[string]any{"id": map[string]any{"S": "1"}, "n": map[string]any{"N": "12345678901234567"}}},
			path:  "/", target: "DynamoDB_20120810.GetItem", scope: "/us-east-1/dynamodb/aws4_request", body: `{"Key":{"id":{"S":"1"}},"TableName":"t"}`},
		{name: "DynamoDB service error", resource: "arn:aws:states:::dynamodb:putItem", input: map[string]any{"TableName": "t"},
			wantError: "DynamoDB.ConditionalCheckFailedException",
			wantCause: regexp.QuoteMeta(`The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: req-1; Proxy: null)`),
			target:    "DynamoDB_20120810.PutItem"},
		{name: "DynamoDB non-JSON response", resource: "arn:aws:states:::dynamodb:deleteItem", wantError: failure.TaskFailed,
			wantCause: regexp.QuoteMeta(`The response of DynamoDb DeleteItem could not be read (`) + `.*` + regexp.QuoteMeta(`): "not json"`), body: `{}`},
		{name: "DynamoDB oversize response", resource: "arn:aws:states:::dynamodb:updateItem", wantError: failure.DataLimitExceeded,
			wantCause: regexp.QuoteMeta(`The response of DynamoDb UpdateItem exceeds the maximum number of bytes service limit (262144 bytes)`)},
		{name: "SQS success, a JSON body sent as text", resource: "arn:aws:states:::sqs:sendMessage",
			input: map[string]any{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": map[string]any{"a": int64(1)}},
			want:  map[string]any{"MD5OfMessageBody": "5d41402abc4b2a76b9719d911017c592", "MessageId": "m-1"},
			path:  "/", target: "AmazonSQS.SendMessage", scope: "/us-east-1/sqs/aws4_request",
			body: `{"MessageBody":"{\"a\":1}","QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q"}`},
		{name: "SQS service error", resource: "arn:aws:states:::sqs:sendMessage", input: map[string]any{"QueueUrl": "missing", "MessageBody": "m"},
			wantError: "SQS.QueueDoesNotExistException",
			wantCause: regexp.QuoteMeta(`The specified queue does not exist. (Service: AmazonSQS; Status Code: 400; Error Code: QueueDoesNotExist; Request ID: req-1; Proxy: null)`)},
		{name: "SNS success", resource: "arn:aws:states:::sns:publish",
			input: map[string]any{"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": map[string]any{"a": "b"},
				"MessageAttributes": map[string]any{"k": map[string]any{"DataType": "String", "StringValue": "v"}}},
			want: map[string]any{"MessageId": "sns-1"},
			path: "/", scope: "/us-east-1/sns/aws4_request",
			body: url.Values{"Action": {"Publish"}, "Version": {"2010-03-31"}, "TopicArn": {"arn:aws:sns:us-east-1:123456789012:t"},
				"Message": {`{"a":"b"}`}, "MessageAttributes.entry.1.Name": {"k"}, "MessageAttributes.entry.1.Value.DataType": {"String"},
				"MessageAttributes.entry.1.Value.StringValue": {"v"}}.Encode()},
		{name: "SNS service error", resource: "arn:aws:states:::sns:publish", input: map[string]any{"TopicArn": "missing", "Message": "m"},
			wantError: "SNS.NotFoundException",
			wantCause: regexp.QuoteMeta(`Topic does not exist (Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: req-3; Proxy: null)`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := invoke(t, r, tt.resource, "S", tt.input)
			if tt.wantError == "" {
				require.NoError(t, err)
				if m, ok := got.(map[string]any); ok && strings.Contains(tt.resource, ":states:::") {
					// An optimized integration's result carries the SDK's metadata (sdk_test.go checks its shape).
					assert.Contains(t, m, "SdkHttpMetadata")
					assert.Contains(t, m, "SdkResponseMetadata")
					got = withField(m, "SdkHttpMetadata", nil)
					delete(got.(map[string]any), "SdkHttpMetadata")
					delete(got.(map[string]any), "SdkResponseMetadata")
				}
				assert.Equal(t, tt.want, got)
			} else {
				fe := requireFailure(t, err)
				assert.Equal(t, tt.wantError, fe.Name)
				assert.Regexp(t, "^"+tt.wantCause+"$", fe.Cause)
			}
			sent := fake.last()
			assert.Regexp(t, `^AWS4-HMAC-SHA256 Credential=AKIDTEST/\d{8}/`, sent.auth, "signed")
			if tt.scope != "" {
				assert.Contains(t, sent.auth, tt.scope)
			}
			if tt.path != "" {
				assert.Equal(t, tt.path, sent.path)
			}
			if tt.target != "" {
				assert.Equal(t, tt.target, sent.target)
				assert.Equal(t, "application/x-amz-json-1.0", sent.contentType)
			}
			if tt.body != "" {
				if strings.HasPrefix(tt.body, "{") {
					assert.JSONEq(t, tt.body, sent.body)
				} else {
					want, _ := url.ParseQuery(tt.body)
					gotForm, err := url.ParseQuery(sent.body)
					require.NoError(t, err)
					assert.Equal(t, want, gotForm)
				}
			}
		})
	}

	t.Run("through lambda:invoke", func(t *testing.T) {
		got, err := invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "echo", "Payload": map[string]any{"x": true}})
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"x": true}, got.(map[string]any)["Payload"])
	})

	t.Run("hang until the caller ends", func(t *testing.T) {
		r, err := ParseHandlers([]byte(`{"hangs": {"aws": true}}`))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = r.Invoke(ctx, &interpreter.TaskRequest{Resource: fnARN("hangs")})
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
		assert.Less(t, time.Since(start), 5*time.Second)
	})
}

func TestAWSStubWithoutRegion(t *testing.T) {
	awstest.IsolateEnv(t, "")
	require.NoError(t, os.Unsetenv("AWS_REGION"))
	require.NoError(t, os.Unsetenv("AWS_ENDPOINT_URL")) // an emulator's calls default to us-east-1; AWS's need a region
	r, err := ParseHandlers([]byte(`{"fn": {"aws": true}, "arn:aws:states:::sns:publish": {"aws": true}}`))
	require.NoError(t, err, "the configuration is read on the first call")
	for _, resource := range []string{stubLegacyFn, "arn:aws:states:::sns:publish"} {
		_, err = invoke(t, r, resource, "S", nil)
		assert.ErrorContains(t, err, "no AWS region is configured")
	}
}

func TestAWSStubLoadErrors(t *testing.T) {
	const only = `"aws": true serves Lambda function keys, arn:aws:states:::aws-sdk:SERVICE:ACTION resources of the services aslrun can call (`
	tests := []struct{ name, key, stub, want string }{
		{"not true", "fn", `{"aws": "yes"}`, `"aws" must be true`},
		{"a .sync job aslrun does not model", "arn:aws:states:::glue:startCrawler.sync", `{"aws": true}`, only},
		{"a service aslrun cannot call", "arn:aws:states:::aws-sdk:nosuch:getThing", `{"aws": true}`, only},
		{"a REST action out of the table", "arn:aws:states:::aws-sdk:lambda:createFunction", `{"aws": true}`, only},
		{"an optimized service without the generic path", "arn:aws:states:::eks:createCluster", `{"aws": true}`, only},
		{"a state", "state:S", `{"aws": true}`, only},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHandlers([]byte(`{"` + tt.key + `": ` + tt.stub + `}`))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `handlers: key "`+tt.key+`": `+tt.want)
		})
	}
	for _, key := range []string{"arn:aws:states:::aws-sdk:ecs:describeClusters", "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"arn:aws:states:::events:putEvents", "arn:aws:states:::aws-sdk:s3:listObjectsV2", "arn:aws:states:::ecs:runTask.sync"} {
		_, err := ParseHandlers([]byte(`{"` + key + `": {"aws": true}}`))
		assert.NoError(t, err, key)
	}
}
