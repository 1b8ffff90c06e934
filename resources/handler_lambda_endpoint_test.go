package resources

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

// stubFakeSam answers the Invoke API as sam local start-lambda does (samcli/local/lambda_service): function
// errors as 200 with X-Amz-Function-Error: Unhandled, unknown functions as 404 with x-amzn-errortype
// ResourceNotFound and a {"Type", "Message"} body.
func stubFakeSam(stop <-chan struct{}) *httptest.Server {
	functions := map[string]http.HandlerFunc{
		"echo": func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			_, _ = w.Write(body)
		},
		"fails": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_, _ = io.WriteString(w, `{"errorMessage": "declined", "errorType": "PaymentError", "stackTrace": []}`)
		},
		"crashes": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_, _ = io.WriteString(w, `RequestId: 1 Error: Runtime exited`)
		},
		"nonjson": func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") },
		"huge": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `"`+strings.Repeat("a", stubPayloadLimit)+`"`)
		},
		"hangs": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		},
		"broken": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "oops")
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "sam rejects this", http.StatusBadRequest)
			return
		}
		f, ok := functions[r.PathValue("name")]
		if !ok {
			w.Header().Set("x-amzn-errortype", "ResourceNotFound")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"Type": "User", "Message": "Function not found: arn:aws:lambda:us-west-2:012345678901:function:`+r.PathValue("name")+`"}`)
			return
		}
		f(w, r)
	})
	srv := httptest.NewUnstartedServer(mux)
	// A connection per request, as in TestAWSStub: the SDK's reads on reused connections fail now and then
	// under load (aws/aws-sdk-go-v2#2737).
	srv.Config.SetKeepAlivesEnabled(false)
	srv.Start()
	return srv
}

func TestLambdaEndpointStub(t *testing.T) {
	stop := make(chan struct{})
	sam := stubFakeSam(stop)
	defer sam.Close()
	defer close(stop)

	tests := []struct {
		name, function string
		want           any
		wantError      string
		wantCause      string // a regular expression, anchored
	}{
		{name: "success", function: "arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST", want: map[string]any{"n": int64(1)}},
		{name: "function error", function: "fails", wantError: "PaymentError",
			wantCause: regexp.QuoteMeta(`{"errorMessage": "declined", "errorType": "PaymentError", "stackTrace": []}`)},
		{name: "crash without a payload", function: "crashes", wantError: "Unhandled", wantCause: `RequestId: 1 Error: Runtime exited`},
		{name: "unknown function", function: "missing", wantError: "Lambda.ResourceNotFoundException",
			wantCause: regexp.QuoteMeta(`Function not found: arn:aws:lambda:us-west-2:012345678901:function:missing (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFound; Request ID: `) + `[0-9a-f-]{36}; Proxy: null\)`},
		{name: "unnamed service error", function: "broken", wantError: "Lambda.AWSLambdaException",
			wantCause: regexp.QuoteMeta(`"oops" (Service: AWSLambda; Status Code: 500; Error Code: 500; Request ID: `) + `.*`},
		{name: "non-JSON payload", function: "nonjson", wantError: failure.TaskFailed,
			wantCause: regexp.QuoteMeta(`The payload of the function at `+sam.URL+`/2015-03-31/functions/nonjson/invocations is not one JSON value (`) + `.*\): "hello"`},
		{name: "oversize payload", function: "huge", wantError: failure.DataLimitExceeded,
			wantCause: regexp.QuoteMeta(`The payload of the function at ` + sam.URL + `/2015-03-31/functions/huge/invocations exceeds the maximum number of bytes service limit (262144 bytes)`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseHandlers([]byte(`{"` + tt.function + `": {"lambdaEndpoint": "` + sam.URL + `/"}}`))
			require.NoError(t, err)
			fn, _ := parseFunction(tt.function)
			got, err := invoke(t, r, "arn:aws:lambda:us-east-1:123456789012:function:"+fn.name, "S", map[string]any{"n": int64(1)})
			if tt.wantError == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			fe := requireFailure(t, err)
			assert.Equal(t, tt.wantError, fe.Name)
			assert.Regexp(t, "^"+tt.wantCause+"$", fe.Cause)
		})
	}

	t.Run("through lambda:invoke", func(t *testing.T) {
		r, err := ParseHandlers([]byte(`{"echo": {"lambdaEndpoint": "` + sam.URL + `"}, "fails": {"lambdaEndpoint": "` + sam.URL + `"}}`))
		require.NoError(t, err)
		got, err := invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "echo", "Payload": "x"})
		require.NoError(t, err)
		assert.Equal(t, "x", got.(map[string]any)["Payload"])
		_, err = invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "fails"})
		fe := requireFailure(t, err)
		assert.Equal(t, `{"errorMessage":"declined","errorType":"PaymentError","stackTrace":[]}`, fe.Cause)
	})

	t.Run("hang until the caller ends", func(t *testing.T) {
		r, err := ParseHandlers([]byte(`{"hangs": {"lambdaEndpoint": "` + sam.URL + `"}}`))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err = r.Invoke(ctx, &interpreter.TaskRequest{Resource: "arn:aws:lambda:us-east-1:123456789012:function:hangs"})
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	})
}

func TestLambdaEndpointStubLoadErrors(t *testing.T) {
	tests := []struct{ name, key, stub, want string }{
		{"a resource key", "arn:aws:states:::sns:publish", `{"lambdaEndpoint": "http://127.0.0.1:3001"}`,
			`"lambdaEndpoint" serves Lambda functions only: the key must be a function name or ARN`},
		{"a state key", "state:S", `{"lambdaEndpoint": "http://127.0.0.1:3001"}`, `"lambdaEndpoint" serves Lambda functions only`},
		{"not a URL", "fn", `{"lambdaEndpoint": true}`, `"lambdaEndpoint" must be an http or https URL, not a boolean`},
		{"a query", "fn", `{"lambdaEndpoint": "http://127.0.0.1:3001/?a=1"}`,
			`"lambdaEndpoint" must be the endpoint's base URL, without a query or fragment, not "http://127.0.0.1:3001/?a=1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHandlers([]byte(`{"` + tt.key + `": ` + tt.stub + `}`))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), `handlers: key "`+tt.key+`": `+tt.want), "got %q", err)
		})
	}
}
