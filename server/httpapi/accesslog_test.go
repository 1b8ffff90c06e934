package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

// logBuffer is a log the server writes while the test reads it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// next waits for the next line and takes it.
func (l *logBuffer) next(t *testing.T) string {
	t.Helper()
	var line string
	require.Eventually(t, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		s, err := l.b.ReadString('\n')
		if err != nil {
			// Not a whole line yet: put it back.
			rest := l.b.String()
			l.b.Reset()
			l.b.WriteString(s + rest)
			return false
		}
		line = strings.TrimSuffix(s, "\n")
		return true
	}, 5*time.Second, time.Millisecond, "no access log line")
	return line
}

// request sends a raw request; an empty target sends none.
func request(t *testing.T, method, url, target, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
}

// TestAccessLogJSON: each request writes one JSON line naming its operation, status, AWS error code and
// what it is about.
func TestAccessLogJSON(t *testing.T) {
	logs := &logBuffer{}
	e := newServer(t, memory.New(), service.Options{}, serverOptions{accessLog: logs, logFormat: httpapi.LogJSON})
	const machineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:checkout"
	pass := `{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}`
	tests := []struct {
		name                 string
		method, path, target string
		body                 string
		// want are the line's members but time, latency_ms and request_id; wantName is a prefix of name.
		want     map[string]any
		wantName string
	}{
		{name: "create", target: "CreateStateMachine",
			body: `{"name":"checkout","roleArn":"` + roleArn + `","definition":"` + pass + `"}`,
			want: map[string]any{"op": "CreateStateMachine", "status": 200.0, "name": "checkout"}},
		{name: "named execution", target: "StartExecution", body: `{"stateMachineArn":"` + machineArn + `","name":"e1"}`,
			want: map[string]any{"op": "StartExecution", "status": 200.0, "name": "checkout:e1"}},
		{name: "unnamed execution: the started one", target: "StartExecution", body: `{"stateMachineArn":"` + machineArn + `"}`,
			want: map[string]any{"op": "StartExecution", "status": 200.0}, wantName: "checkout:"},
		{name: "execution of a missing machine", target: "StartExecution",
			body: `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:gone","name":"e2"}`,
			want: map[string]any{"op": "StartExecution", "status": 400.0, "error": "StateMachineDoesNotExist", "name": "gone:e2"}},
		{name: "missing execution", target: "DescribeExecution",
			body: `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:checkout:nope"}`,
			want: map[string]any{"op": "DescribeExecution", "status": 400.0, "error": "ExecutionDoesNotExist", "name": "checkout:nope"}},
		{name: "activity", target: "CreateActivity", body: `{"name":"worker"}`,
			want: map[string]any{"op": "CreateActivity", "status": 200.0, "name": "worker"}},
		{name: "a name that is no ARN, bounded", target: "DescribeStateMachine", body: `{"stateMachineArn":"` + strings.Repeat("x", 300) + `"}`,
			want: map[string]any{"op": "DescribeStateMachine", "status": 400.0, "error": "ValidationException", "name": strings.Repeat("x", 256) + "..."}},
		{name: "names nothing", target: "ListStateMachines", body: `{}`,
			want: map[string]any{"op": "ListStateMachines", "status": 200.0}},
		{name: "malformed body", target: "ListStateMachines", body: `{`,
			want: map[string]any{"op": "ListStateMachines", "status": 400.0, "error": "SerializationException"}},
		{name: "unknown operation", target: "Nope",
			want: map[string]any{"op": "Nope", "status": 400.0, "error": "UnknownOperationException"}},
		{name: "no operation: method and path", method: http.MethodPost, path: "/",
			want: map[string]any{"op": "POST /", "status": 400.0, "error": "UnknownOperationException"}},
		{name: "health", method: http.MethodGet, path: "/healthz",
			want: map[string]any{"op": "GET /healthz", "status": 200.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, target := http.MethodPost, ""
			if tt.method != "" {
				method = tt.method
			}
			if tt.target != "" {
				target = "AWSStepFunctions." + tt.target
			}
			request(t, method, e.url+tt.path, target, tt.body)
			var line map[string]any
			require.NoError(t, json.Unmarshal([]byte(logs.next(t)), &line))
			ts, err := time.Parse(time.RFC3339Nano, line["time"].(string))
			require.NoError(t, err)
			assert.WithinDuration(t, time.Now(), ts, time.Minute)
			assert.IsType(t, 0.0, line["latency_ms"])
			if tt.path != "/healthz" {
				assert.Regexp(t, `^[0-9a-f-]{36}$`, line["request_id"])
			}
			for _, k := range []string{"time", "latency_ms", "request_id"} {
				delete(line, k)
			}
			if tt.wantName != "" {
				assert.True(t, strings.HasPrefix(line["name"].(string), tt.wantName), line["name"])
				delete(line, "name")
			}
			assert.Equal(t, tt.want, line)
		})
	}
}

// TestAccessLogText: the text line is key=value pairs in a fixed order.
func TestAccessLogText(t *testing.T) {
	logs := &logBuffer{}
	e := newServer(t, memory.New(), service.Options{}, serverOptions{accessLog: logs})
	machine := e.create(t, "checkout", passMachine, "")
	assert.Regexp(t, `^time=\S+ op=CreateStateMachine status=200 latency_ms=[0-9.]+ name=checkout request_id=[0-9a-f-]{36}$`, logs.next(t))
	e.start(t, machine, "order-17", `{}`)
	assert.Regexp(t, `^time=\S+ op=StartExecution status=200 latency_ms=[0-9.]+ name=checkout:order-17 request_id=\S+$`, logs.next(t))
	request(t, http.MethodPost, e.url, "AWSStepFunctions.DescribeExecution", `{"executionArn":"`+machine+`x"}`)
	assert.Regexp(t, `^time=\S+ op=DescribeExecution status=400 error=InvalidArn latency_ms=[0-9.]+ name=checkoutx request_id=\S+$`, logs.next(t))
	request(t, http.MethodGet, e.url+"/readyz", "", "")
	assert.Regexp(t, `^time=\S+ op="GET /readyz" status=200 latency_ms=[0-9.]+$`, logs.next(t))
}

// TestNewLogHandler: an unknown format is refused, naming the ones there are.
func TestNewLogHandler(t *testing.T) {
	_, err := httpapi.NewLogHandler(&bytes.Buffer{}, "xml")
	require.EqualError(t, err, `"xml" is not a log format: give text or json`)
}
