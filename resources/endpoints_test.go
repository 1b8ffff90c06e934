package resources

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
)

// fakeServices answers the Lambda Invoke API (echoing the event) and SQS's JSON SendMessage, and records
// what reached it.
type fakeServices struct {
	mu       sync.Mutex
	requests []string // "METHOD PATH TARGET AUTH-CREDENTIAL"
}

func (f *fakeServices) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	_, credential, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	credential, _, _ = strings.Cut(credential, ",")
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Amz-Target")+" "+credential)
	f.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/"):
		_, _ = w.Write(body)
	case r.Header.Get("X-Amz-Target") == "AmazonSQS.SendMessage":
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_ = json.NewEncoder(w).Encode(map[string]any{"MessageId": "m-1", "MD5OfMessageBody": in["MessageBody"]})
	default:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"com.amazonaws#UnknownOperationException","message":"not here"}`)
	}
}

// TestEndpoints: with Step Functions Local's LAMBDA_ENDPOINT and SQS_ENDPOINT, the functions and
// integrations no handler serves are called there, signed with the environment's credentials (or
// placeholders); what a handler binds still wins, and the other services stay embedded.
func TestEndpoints(t *testing.T) {
	fake := &fakeServices{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	// No shared files, no instance metadata: only what the test sets.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_REGION", "eu-west-3")

	endpoints, err := NewEndpoints(EndpointURLs{Lambda: srv.URL, SQS: srv.URL + "/"})
	require.NoError(t, err)
	reg := NewRegistry()
	reg.UseEnv(&Env{Services: NewServices(), Endpoints: endpoints})
	reg.Lambda("bound", HandlerFunc(func(context.Context, *Call) (any, error) { return "bound", nil }))
	ctx := context.Background()
	invoke := func(resource string, input any) (any, error) {
		return reg.Invoke(ctx, &interpreter.TaskRequest{Resource: resource, StateName: "S", Input: input})
	}

	t.Run("lambda", func(t *testing.T) {
		out, err := invoke("arn:aws:lambda:us-east-1:123456789012:function:remote", map[string]any{"n": int64(1)})
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"n": int64(1)}, out)
		out, err = invoke("arn:aws:states:::lambda:invoke", map[string]any{"FunctionName": "remote", "Payload": map[string]any{"n": int64(2)}})
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"n": int64(2)}, out.(map[string]any)["Payload"])
		out, err = invoke("arn:aws:lambda:us-east-1:123456789012:function:bound", nil)
		require.NoError(t, err)
		assert.Equal(t, "bound", out, "a bound function is not routed")
	})
	t.Run("sqs", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLOCAL")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		out, err := invoke("arn:aws:states:::sqs:sendMessage", map[string]any{"QueueUrl": "http://q", "MessageBody": "hi"})
		require.NoError(t, err)
		resp := out.(map[string]any)
		assert.Equal(t, "m-1", resp["MessageId"])
		assert.Contains(t, resp, "SdkHttpMetadata")
	})
	t.Run("placeholder credentials", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "")
		other, err := NewEndpoints(EndpointURLs{SQS: srv.URL})
		require.NoError(t, err)
		r := NewRegistry()
		r.UseEnv(&Env{Services: NewServices(), Endpoints: other})
		_, err = r.Invoke(ctx, &interpreter.TaskRequest{Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			Input: map[string]any{"QueueUrl": "http://q", "MessageBody": "hi"}})
		require.NoError(t, err)
	})
	t.Run("sns stays embedded", func(t *testing.T) {
		_, err := invoke("arn:aws:states:::sns:publish", map[string]any{"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "m"})
		require.NoError(t, err)
	})

	fake.mu.Lock()
	defer fake.mu.Unlock()
	require.Len(t, fake.requests, 4)
	assert.Equal(t, "POST /2015-03-31/functions/remote/invocations  ", fake.requests[0])
	assert.Equal(t, "POST /2015-03-31/functions/remote/invocations  ", fake.requests[1])
	assert.Regexp(t, `^POST / AmazonSQS.SendMessage AKIDLOCAL/\d{8}/eu-west-3/sqs/aws4_request$`, fake.requests[2])
	assert.Regexp(t, `^POST / AmazonSQS.SendMessage aslrun/\d{8}/eu-west-3/sqs/aws4_request$`, fake.requests[3])
}

func TestNewEndpointsRefuses(t *testing.T) {
	for _, tt := range []struct {
		urls EndpointURLs
		want string
	}{
		{EndpointURLs{Lambda: "localhost:3001"}, "LAMBDA_ENDPOINT"},
		{EndpointURLs{SQS: "ftp://q"}, "SQS_ENDPOINT"},
		{EndpointURLs{SNS: "http://h/?x=1"}, "SNS_ENDPOINT"},
		{EndpointURLs{DynamoDB: "http://"}, "DYNAMODB_ENDPOINT"},
	} {
		_, err := NewEndpoints(tt.urls)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tt.want)
	}
}
