package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// fakeLambda answers Lambda's Invoke API as sam local start-lambda does: "echo" returns its event,
// "fails" a function error, any other name is not found.
func fakeLambda(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("name") {
		case "echo":
			body, _ := io.ReadAll(r.Body)
			_, _ = w.Write(body)
		case "fails":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_, _ = io.WriteString(w, `{"errorType":"PaymentError","errorMessage":"declined"}`)
		default:
			w.Header().Set("x-amzn-errortype", "ResourceNotFound")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"Type":"User","Message":"Function not found"}`)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// Without a handler file, every Lambda resource goes to the endpoint of --lambda-endpoint or
// LAMBDA_ENDPOINT, as Step Functions Local sends them; a handler file still wins.
func TestExecuteLambdaEndpoint(t *testing.T) {
	lambda := fakeLambda(t)
	const legacy = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:%s","End":true}}}`
	const invoke = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
		"Parameters":{"FunctionName":"%s","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload","code.$":"$.StatusCode"},"End":true}}}`
	tests := []struct {
		name, def, function, flag, env, handlers string
		code                                     int
		stdout                                   string
	}{
		{"legacy ARN, flag", legacy, "echo", lambda.URL, "", "", 0, `{"a":1}`},
		{"legacy ARN, environment", legacy, "echo", "", lambda.URL, "", 0, `{"a":1}`},
		{"lambda:invoke, environment", invoke, "echo", "", lambda.URL, "", 0, `{"p":{"a":1},"code":200}`},
		{"a function error", legacy, "fails", lambda.URL, "", "", 1, `{"status":"FAILED","error":"PaymentError","cause":"{\"errorType\":\"PaymentError\",\"errorMessage\":\"declined\"}"}`},
		{"a function the endpoint lacks", legacy, "nope", lambda.URL, "", "", 1, ""},
		{"the flag wins over the environment", legacy, "echo", lambda.URL, "http://127.0.0.1:1", "", 0, `{"a":1}`},
		{"a handler wins", legacy, "echo", lambda.URL, "", `{"echo": {"return": "stub"}}`, 0, `"stub"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LAMBDA_ENDPOINT", tt.env)
			dir := t.TempDir()
			args := []string{"execute", write(t, dir, "d.asl.json", fmt.Sprintf(tt.def, tt.function)), "--input", `{"a":1}`}
			if tt.flag != "" {
				args = append(args, "--lambda-endpoint", tt.flag)
			}
			if tt.handlers != "" {
				args = append(args, "--handlers", write(t, dir, "h.json", tt.handlers))
			}
			code, stdout, stderr := aslrun(t, "", args...)
			assert.Equal(t, tt.code, code, "stdout %s stderr %s", stdout, stderr)
			if tt.stdout != "" {
				assert.JSONEq(t, tt.stdout, stdout)
			}
			if tt.function == "nope" {
				assert.Contains(t, stdout, "Lambda.ResourceNotFoundException")
			}
		})
	}

	code, _, stderr := aslrun(t, "", "execute", write(t, t.TempDir(), "d.json", validDef), "--lambda-endpoint", "ftp://x")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `--lambda-endpoint or LAMBDA_ENDPOINT: "ftp://x" is not the http(s) base URL of a service`)
}
