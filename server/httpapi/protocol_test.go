package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

func TestProtocolErrors(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{})
	tests := []struct {
		name, target, body string
		status             int
		code, message      string
	}{
		{"unknown operation", "AWSStepFunctions.Frobnicate", `{}`, 400, "UnknownOperationException", "Unknown operation: Frobnicate "},
		{"no target", "", `{}`, 400, "UnknownOperationException", "X-Amz-Target"},
		{"other service", "DynamoDB_20120810.ListTables", `{}`, 400, "UnknownOperationException", "DynamoDB_20120810.ListTables"},
		{"malformed JSON", "AWSStepFunctions.ListStateMachines", `{"maxResults":`, 400, "SerializationException", "not valid JSON"},
		{"not an object", "AWSStepFunctions.ListStateMachines", `[1]`, 400, "SerializationException", "JSON object"},
		{"wrong type", "AWSStepFunctions.ListStateMachines", `{"maxResults":"ten"}`, 400, "SerializationException", "'maxResults' must be an integer"},
		{"wrong type in a list", "AWSStepFunctions.UntagResource", `{"resourceArn":"x","tagKeys":[1]}`, 400, "SerializationException", "tagKeys"},
		{"missing member", "AWSStepFunctions.StartExecution", `{"name":"n"}`, 400, "ValidationException",
			"1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"},
		{"two violations", "AWSStepFunctions.CreateStateMachine", `{"name":"n"}`, 400, "ValidationException", "2 validation errors detected: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, e.url, tt.target, tt.body)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, body["__type"])
			assert.Contains(t, body["message"], tt.message)
		})
	}

	status, body := post(t, e.url, "AWSStepFunctions.ListStateMachines", "")
	assert.Equal(t, 200, status, "an empty body is an empty request")
	assert.Equal(t, []any{}, body["stateMachines"])

	resp, err := http.Get(e.url)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	// The Host header does not matter (the SDKs prefix sync- for StartSyncExecution).
	req, err := http.NewRequest(http.MethodPost, e.url, strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Host = "sync-states.us-east-1.amazonaws.com"
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListActivities")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
}

func TestRequestSizeLimit(t *testing.T) {
	svc, err := service.New(service.Options{Store: memory.New()})
	require.NoError(t, err)
	t.Cleanup(svc.Close)
	srv := httptest.NewServer(httpapi.New(svc, httpapi.Options{MaxBody: 1024}))
	t.Cleanup(srv.Close)
	big := `{"name":"n","definition":"` + strings.Repeat("x", 2048) + `","roleArn":"r"}`
	status, body := post(t, srv.URL, "AWSStepFunctions.CreateStateMachine", big)
	assert.Equal(t, 400, status)
	assert.Equal(t, "ValidationException", body["__type"])
	assert.Contains(t, body["message"], "exceeds the limit of 1024 bytes")

	// The default limit takes the largest definition AWS does.
	def := `{"Comment":"` + strings.Repeat("x", 1_000_000) + `","StartAt":"A","States":{"A":{"Type":"Succeed"}}}`
	srv2 := httptest.NewServer(httpapi.New(svc, httpapi.Options{}))
	t.Cleanup(srv2.Close)
	client := newClient(srv2.URL, srv2.Listener.Addr().String())
	_, err = client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("big"), Definition: aws.String(def), RoleArn: aws.String(roleArn)})
	require.NoError(t, err)
}

func TestMockConfigTestCases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "MockConfigFile.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"StateMachines":{"orders":{"TestCases":{"HappyPath":{"Charge":"Charged"}}}},
		"MockedResponses":{"Charged":{"0":{"Return":{"charged":true}}}}}`), 0o644))
	mocks, err := resources.LoadMockConfig(path)
	require.NoError(t, err)
	var e *env
	e = newEnv(t, memory.New(), service.Options{Mocks: func(machine, testCase string, calls map[string]int) (interpreter.Invoker, error) {
		return mocks.Invoker(machine, testCase, e.reg, calls)
	}})
	ctx := context.Background()
	machine := e.create(t, "orders", `{"StartAt":"Charge","States":{"Charge":{"Type":"Task",
		"Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge","End":true}}}`, "")
	arn := e.start(t, machine+"#HappyPath", "happy", `{}`)
	assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:orders:happy", arn)
	d := e.wait(t, arn)
	assert.Equal(t, types.ExecutionStatusSucceeded, d.Status)
	assert.Equal(t, `{"charged":true}`, aws.ToString(d.Output))

	_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + "#NoSuchCase")})
	v := isA[*types.ValidationException](t, err)
	assert.Contains(t, v.ErrorMessage(), "NoSuchCase")
}
