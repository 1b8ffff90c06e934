package resources

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/internal/awstest"
)

// The optimized ECS integration at an endpoint fails as Step Functions' does: a runTask whose response
// lists Failures fails a .sync or .waitForTaskToken Task with AmazonECS.Unknown and is returned to a
// request-response one (connect-ecs); a .sync job's calls fail with the optimized integration's names
// (ECS.<Exception>, the Java SDK 1's rendering), not the aws-sdk integration's (Ecs.<Exception>).
func TestOptimizedECSAtEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-RequestId", "req-7")
		switch {
		case strings.Contains(string(body), "missing"):
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"ClusterNotFoundException","message":"Cluster not found."}`)
		default:
			_, _ = io.WriteString(w, `{"tasks":[],"failures":[{"arn":"arn:aws:ecs:us-east-1:123456789012:container-instance/x","reason":"RESOURCE:MEMORY"}]}`)
		}
	}))
	defer srv.Close()
	awstest.IsolateEnv(t, "")
	r, err := ParseHandlers([]byte(`{"$endpoints": {"ecs": "` + srv.URL + `"}}`))
	require.NoError(t, err)

	tests := []struct {
		name, resource, cluster, wantError, wantCause string
	}{
		{"request-response returns the failures", "arn:aws:states:::ecs:runTask", "full", "", ""},
		{"callback fails on failures", "arn:aws:states:::ecs:runTask.waitForTaskToken", "full", "AmazonECS.Unknown", `"Reason":"RESOURCE:MEMORY"`},
		{"sync fails on failures", "arn:aws:states:::ecs:runTask.sync", "full", "AmazonECS.Unknown", `"Reason":"RESOURCE:MEMORY"`},
		{"sync submit error", "arn:aws:states:::ecs:runTask.sync", "missing", "ECS.ClusterNotFoundException",
			"Cluster not found. (Service: AmazonECS; Status Code: 400; Error Code: ClusterNotFoundException; Request ID: req-7; Proxy: null)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := invokeWith(r, tt.resource, map[string]any{"Cluster": tt.cluster, "TaskDefinition": "td"})
			if tt.wantError == "" {
				require.NoError(t, err)
				assert.Len(t, out.(map[string]any)["Failures"], 1)
				assert.Contains(t, out, "SdkHttpMetadata")
				return
			}
			fe := requireFailure(t, err)
			assert.Equal(t, tt.wantError, fe.Name)
			assert.Contains(t, fe.Cause, tt.wantCause)
		})
	}
}

// An aws-sdk integration renders the response's timestamps as ISO 8601 text, as Step Functions' Java SDK 2
// does; ECS sends them as epoch seconds.
func TestSDKTimestampsAtEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"tasks":[{"taskArn":"t1","createdAt":1.700000000123E9,"stoppedAt":1700000060,"version":3}],"failures":[]}`)
	}))
	defer srv.Close()
	awstest.IsolateEnv(t, "")
	r, err := ParseHandlers([]byte(`{"$endpoints": {"ecs": "` + srv.URL + `"}}`))
	require.NoError(t, err)
	out, err := invokeWith(r, "arn:aws:states:::aws-sdk:ecs:describeTasks", map[string]any{"Tasks": []any{"t1"}})
	require.NoError(t, err)
	task := out.(map[string]any)["Tasks"].([]any)[0].(map[string]any)
	assert.Equal(t, "2023-11-14T22:13:20.123Z", task["CreatedAt"])
	assert.Equal(t, "2023-11-14T22:14:20Z", task["StoppedAt"])
	assert.Equal(t, int64(3), task["Version"])
}

// An EMR Serverless job run (REST-JSON) bound to an endpoint: the .sync Task starts it, polls GetJobRun on
// its path until the run is SUCCESS, and returns GetJobRun's response.
func TestEMRServerlessSyncAtEndpoint(t *testing.T) {
	var polls int
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "POST" && r.URL.Path == "/applications/app1/jobruns":
			_, _ = io.WriteString(w, `{"applicationId":"app1","jobRunId":"run1","arn":"arn:aws:emr-serverless:us-east-1:123456789012:/applications/app1/jobruns/run1"}`)
		case r.Method == "GET" && r.URL.Path == "/applications/app1/jobruns/run1":
			polls++
			state := "RUNNING"
			if polls > 1 {
				state = "SUCCESS"
			}
			_, _ = io.WriteString(w, `{"jobRun":{"applicationId":"app1","jobRunId":"run1","state":"`+state+`"}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"no route"}`)
		}
	}))
	defer srv.Close()
	awstest.IsolateEnv(t, "")
	r, err := ParseHandlers([]byte(`{"$endpoints": {"emr-serverless": "` + srv.URL + `"}}`))
	require.NoError(t, err)
	out, err := invokeWith(r, "arn:aws:states:::emr-serverless:startJobRun.sync",
		map[string]any{"ApplicationId": "app1", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r", "JobDriver": map[string]any{}})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", out.(map[string]any)["JobRun"].(map[string]any)["State"])
	assert.Equal(t, []string{"POST /applications/app1/jobruns", "GET /applications/app1/jobruns/run1", "GET /applications/app1/jobruns/run1"}, seen)
}
