package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/internal/awstest"
)

// awsSDKDef calls four services through aws-sdk integrations, each result kept under its own key.
const awsSDKDef = `{"StartAt": "List", "States": {
  "List": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
    "Parameters": {"Bucket": "in", "Prefix": "data/"}, "ResultSelector": {"Keys.$": "$.Contents[*].Key", "Count.$": "$.KeyCount"},
    "ResultPath": "$.list", "Next": "Put"},
  "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:eventbridge:putEvents",
    "Parameters": {"Entries": [{"Source": "app", "DetailType": "listed", "Detail": "{}"}]}, "ResultPath": "$.put", "Next": "Secret"},
  "Secret": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
    "Parameters": {"SecretId": "db"}, "ResultSelector": {"Value.$": "$.SecretString"}, "ResultPath": "$.secret", "Next": "Clusters"},
  "Clusters": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ecs:describeClusters",
    "Parameters": {"Clusters": ["main"]}, "ResultSelector": {"Name.$": "$.Clusters[0].ClusterName", "Status.$": "$.Clusters[0].Status"},
    "ResultPath": "$.clusters", "End": true}}}`

// fakeAWS answers S3's ListObjectsV2 (REST-XML), EventBridge's PutEvents, Secrets Manager's GetSecretValue
// and ECS's DescribeClusters (AWS JSON 1.1) as the services do, and records each request's route and
// signing scope.
type fakeAWS struct {
	mu   sync.Mutex
	seen []string
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	auth := r.Header.Get("Authorization")
	_, scope, _ := strings.Cut(auth, "Credential=")
	scope, _, _ = strings.Cut(scope, ",")
	f.mu.Lock()
	f.seen = append(f.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Amz-Target")+" "+scope[strings.IndexByte(scope, '/')+1+9:])
	f.mu.Unlock()
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	switch target := r.Header.Get("X-Amz-Target"); {
	case r.Method == "GET" && r.URL.Path == "/in" && r.URL.Query().Get("list-type") == "2" && r.URL.Query().Get("prefix") == "data/":
		w.Header().Set("Content-Type", "application/xml")
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>in</Name><Prefix>data/</Prefix><KeyCount>2</KeyCount>`+
			`<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>data/a.csv</Key><Size>3</Size></Contents>`+
			`<Contents><Key>data/b.csv</Key><Size>4</Size></Contents></ListBucketResult>`)
	case target == "AWSEvents.PutEvents" && len(in["Entries"].([]any)) == 1:
		_, _ = io.WriteString(w, `{"Entries":[{"EventId":"11111111-2222-3333-4444-555555555555"}],"FailedEntryCount":0}`)
	case target == "secretsmanager.GetSecretValue" && in["SecretId"] == "db":
		_, _ = io.WriteString(w, `{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc","Name":"db","SecretString":"hunter2","VersionId":"v1"}`)
	case target == "AmazonEC2ContainerServiceV20141113.DescribeClusters" && in["clusters"] != nil:
		_, _ = io.WriteString(w, `{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/main","clusterName":"main","status":"ACTIVE"}],"failures":[]}`)
	default:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException","message":"unexpected `+target+` `+r.URL.String()+`"}`)
	}
}

// TestExecuteAWSSDKAtEndpoints runs aws-sdk Tasks of four services against a fake endpoint, bound in the
// three ways: --endpoint (s3, eventbridge), the handler file's $endpoints (secretsmanager) and
// AWS_ENDPOINT_URL_ECS; each call is signed for its service, and its result has Step Functions' shape.
func TestExecuteAWSSDKAtEndpoints(t *testing.T) {
	fake := &fakeAWS{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	awstest.IsolateEnv(t, "")
	t.Setenv("AWS_ENDPOINT_URL_ECS", srv.URL)
	dir := t.TempDir()
	def := write(t, dir, "calls.asl.json", awsSDKDef)
	handlers := write(t, dir, "h.json", `{"$endpoints": {"secretsmanager": "`+srv.URL+`"}}`)
	code, stdout, stderr := aslrun(t, "", "execute", def, "--handlers", handlers, "--endpoint", "s3="+srv.URL, "--endpoint", "eventbridge="+srv.URL)
	require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	assert.JSONEq(t, `{
		"list": {"Keys": ["data/a.csv", "data/b.csv"], "Count": 2},
		"put": {"Entries": [{"EventId": "11111111-2222-3333-4444-555555555555"}], "FailedEntryCount": 0},
		"secret": {"Value": "hunter2"},
		"clusters": {"Name": "main", "Status": "ACTIVE"}}`, stdout)
	assert.Equal(t, []string{
		"GET /in  us-east-1/s3/aws4_request",
		"POST / AWSEvents.PutEvents us-east-1/events/aws4_request",
		"POST / secretsmanager.GetSecretValue us-east-1/secretsmanager/aws4_request",
		"POST / AmazonEC2ContainerServiceV20141113.DescribeClusters us-east-1/ecs/aws4_request",
	}, fake.seen)
}

// TestExecuteAWSSDKFailures: a service error is <Service>.<Exception>, which Catch sees; an endpoint that is
// down is <Service>.SdkClientException, which Retry retries; a service nothing serves is States.Runtime.
func TestExecuteAWSSDKFailures(t *testing.T) {
	awstest.IsolateEnv(t, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-RequestId", "req-9")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}`)
	}))
	t.Cleanup(srv.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	down := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	const def = `{"StartAt": "Get", "States": {"Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
	  "Parameters": {"SecretId": "db"},
	  "Retry": [{"ErrorEquals": ["SecretsManager.SdkClientException"], "MaxAttempts": 2, "IntervalSeconds": 5}],
	  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
	  "Caught": {"Type": "Pass", "End": true}}}`
	path := write(t, t.TempDir(), "get.asl.json", def)
	tests := []struct {
		name, endpoint, wantError, wantCause string
		code                                 int
	}{
		{"service error", "secretsmanager=" + srv.URL, "SecretsManager.ResourceNotFoundException",
			"Secrets Manager can't find the specified secret. (Service: SecretsManager, Status Code: 400, Request ID: req-9)", 0},
		{"endpoint down, retried then caught", "secretsmanager=" + down, "SecretsManager.SdkClientException",
			"Unable to execute HTTP request: " + down + "/ failed:", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			history := t.TempDir() + "/h.json"
			code, stdout, stderr := aslrun(t, "", "execute", path, "--endpoint", tt.endpoint, "--history", history)
			require.Equal(t, tt.code, code, "stdout %s stderr %s", stdout, stderr)
			var out map[string]any
			require.NoError(t, json.Unmarshal([]byte(stdout), &out))
			assert.Equal(t, tt.wantError, out["Error"])
			assert.Contains(t, out["Cause"], tt.wantCause)
			raw, err := os.ReadFile(history)
			require.NoError(t, err)
			scheduled := strings.Count(string(raw), `"TaskScheduled"`)
			if strings.Contains(tt.wantError, "SdkClientException") {
				assert.Equal(t, 3, scheduled, "retried twice")
			} else {
				assert.Equal(t, 1, scheduled, "not retried")
			}
		})
	}
	t.Run("nothing serves it", func(t *testing.T) {
		code, stdout, _ := aslrun(t, "", "execute", path, "--format", "json")
		assert.Equal(t, 1, code)
		assert.Contains(t, stdout, `"error":"States.Runtime"`)
		assert.Contains(t, stdout, `--endpoint secretsmanager=URL, or AWS_ENDPOINT_URL_SECRETS_MANAGER`)
	})
	t.Run("a bad --endpoint", func(t *testing.T) {
		code, _, stderr := aslrun(t, "", "execute", path, "--endpoint", "nosuch=http://x")
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, `aslrun does not know the service "nosuch"`)
	})
}

// TestExecuteAWSSDKAgainstMoto runs the same four services against moto's server, a real emulator of
// their APIs. moto cannot be installed by .ci/run (no PyPI), so without it this test skips, loudly, even
// under CI: the Go fakes above are the tests CI always runs.
func TestExecuteAWSSDKAgainstMoto(t *testing.T) {
	if err := exec.Command("python3", "-c", "import moto").Run(); err != nil {
		t.Skipf("SKIPPED AGAINST MOTO: python3 cannot import moto (%v); the Go fakes cover the protocols", err)
	}
	url := awstest.StartMoto(t)
	awstest.IsolateEnv(t, url) // every service at moto, by AWS_ENDPOINT_URL
	const def = `{"StartAt": "Bucket", "States": {
	  "Bucket": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:createBucket", "Parameters": {"Bucket": "inbox"}, "ResultPath": null, "Next": "Object"},
	  "Object": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject", "Parameters": {"Bucket": "inbox", "Key": "data/a.json", "Body": {"a": 1}},
	    "ResultPath": null, "Next": "List"},
	  "List": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2", "Parameters": {"Bucket": "inbox", "Prefix": "data/"},
	    "ResultSelector": {"Keys.$": "$.Contents[*].Key", "Count.$": "$.KeyCount"}, "ResultPath": "$.list", "Next": "Get"},
	  "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": {"Bucket": "inbox", "Key": "data/a.json"},
	    "ResultSelector": {"Body.$": "States.StringToJson($.Body)"}, "ResultPath": "$.get", "Next": "NewSecret"},
	  "NewSecret": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:createSecret", "Parameters": {"Name": "db", "SecretString": "hunter2"},
	    "ResultPath": null, "Next": "Secret"},
	  "Secret": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue", "Parameters": {"SecretId": "db"},
	    "ResultSelector": {"Value.$": "$.SecretString", "Name.$": "$.Name"}, "ResultPath": "$.secret", "Next": "Events"},
	  "Events": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:eventbridge:putEvents",
	    "Parameters": {"Entries": [{"Source": "app", "DetailType": "t", "Detail": "{\"a\":1}"}]},
	    "ResultSelector": {"Failed.$": "$.FailedEntryCount", "Ids.$": "States.ArrayLength($.Entries)"}, "ResultPath": "$.events", "Next": "Cluster"},
	  "Cluster": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ecs:createCluster", "Parameters": {"ClusterName": "main"}, "ResultPath": null, "Next": "Clusters"},
	  "Clusters": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ecs:describeClusters", "Parameters": {"Clusters": ["main"]},
	    "ResultSelector": {"Name.$": "$.Clusters[0].ClusterName", "Status.$": "$.Clusters[0].Status"}, "ResultPath": "$.clusters", "Next": "Topic"},
	  "Topic": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sns:createTopic", "Parameters": {"Name": "done"}, "ResultPath": "$.topic", "Next": "Missing"},
	  "Missing": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue", "Parameters": {"SecretId": "nope"},
	    "Catch": [{"ErrorEquals": ["SecretsManager.ResourceNotFoundException"], "ResultPath": "$.missing", "Next": "Done"}], "End": true},
	  "Done": {"Type": "Pass", "End": true}}}`
	path := write(t, t.TempDir(), "moto.asl.json", def)
	code, stdout, stderr := aslrun(t, "", "execute", path)
	require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, map[string]any{"Keys": []any{"data/a.json"}, "Count": float64(1)}, out["list"])
	assert.Equal(t, map[string]any{"Body": map[string]any{"a": float64(1)}}, out["get"])
	assert.Equal(t, map[string]any{"Value": "hunter2", "Name": "db"}, out["secret"])
	assert.Equal(t, map[string]any{"Failed": float64(0), "Ids": float64(1)}, out["events"])
	assert.Equal(t, map[string]any{"Name": "main", "Status": "ACTIVE"}, out["clusters"])
	assert.Contains(t, out["topic"].(map[string]any)["TopicArn"], ":done")
	assert.Equal(t, "SecretsManager.ResourceNotFoundException", out["missing"].(map[string]any)["Error"])
}

// TestLintAWSSDKCalls: lint warns (never errs) about an aws-sdk call aslrun cannot build without a handler.
func TestLintAWSSDKCalls(t *testing.T) {
	task := func(resource string) string {
		return `{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "` + resource + `", "End": true}}}`
	}
	for _, tc := range []struct{ name, resource, want string }{
		{"callable", "arn:aws:states:::aws-sdk:ecs:describeClusters", ""},
		{"unknown service", "arn:aws:states:::aws-sdk:braket:getDevice", "aslrun cannot call the service 'braket' (aws-sdk:braket:getDevice) without a handler"},
		{"REST action out of the table", "arn:aws:states:::aws-sdk:lambda:createFunction", "aslrun cannot call aws-sdk:lambda:createFunction without a handler"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, t.TempDir(), "t.asl.json", task(tc.resource))
			code, stdout, _ := lint(t, path)
			assert.Equal(t, 0, code, "a warning, not an error")
			if tc.want == "" {
				assert.NotContains(t, stdout, "UNRECOGNIZED_RESOURCE")
				return
			}
			assert.Contains(t, stdout, "UNRECOGNIZED_RESOURCE")
			assert.Contains(t, stdout, tc.want)
		})
	}
}

// fakeECS runs one task per RunTask: DescribeTasks reports it RUNNING for the first polls, then STOPPED
// with its container's exit code.
type fakeECS struct {
	exitCode int
	mu       sync.Mutex
	polls    int
	targets  []string
}

func (f *fakeECS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	target := r.Header.Get("X-Amz-Target")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targets = append(f.targets, strings.TrimPrefix(target, "AmazonEC2ContainerServiceV20141113."))
	const task = `"taskArn":"arn:aws:ecs:us-east-1:123456789012:task/main/t1","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/main"`
	switch {
	case strings.HasSuffix(target, ".RunTask") && in["cluster"] == "main" && in["taskDefinition"] == "job:1":
		_, _ = io.WriteString(w, `{"tasks":[{`+task+`,"lastStatus":"PROVISIONING"}],"failures":[]}`)
	case strings.HasSuffix(target, ".DescribeTasks") && in["cluster"] != nil:
		f.polls++
		if f.polls < 3 {
			_, _ = io.WriteString(w, `{"tasks":[{`+task+`,"lastStatus":"RUNNING"}],"failures":[]}`)
			return
		}
		_, _ = fmt.Fprintf(w, `{"tasks":[{%s,"lastStatus":"STOPPED","stopCode":"EssentialContainerExited","containers":[{"name":"app","exitCode":%d}]}],"failures":[]}`, task, f.exitCode)
	default:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"InvalidParameterException","message":"unexpected `+target+`"}`)
	}
}

// TestExecuteECSSyncAtEndpoint: an ecs:runTask.sync Task bound to an endpoint submits the task there, polls
// DescribeTasks until it stops, and ends with the task's description, or States.TaskFailed when its
// container exited non-zero.
func TestExecuteECSSyncAtEndpoint(t *testing.T) {
	awstest.IsolateEnv(t, "")
	const def = `{"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync",
	  "Parameters": {"Cluster": "main", "TaskDefinition": "job:1"}, "End": true}}}`
	path := write(t, t.TempDir(), "run.asl.json", def)
	for _, exit := range []int{0, 2} {
		t.Run(fmt.Sprintf("exit code %d", exit), func(t *testing.T) {
			fake := &fakeECS{exitCode: exit}
			srv := httptest.NewServer(fake)
			t.Cleanup(srv.Close)
			history := t.TempDir() + "/h.json"
			code, stdout, stderr := aslrun(t, "", "execute", path, "--endpoint", "ecs="+srv.URL, "--format", "json", "--history", history)
			var out map[string]any
			require.NoError(t, json.Unmarshal([]byte(stdout), &out), "stdout %s stderr %s", stdout, stderr)
			assert.Equal(t, []string{"RunTask", "DescribeTasks", "DescribeTasks", "DescribeTasks"}, fake.targets)
			// AWS records the accepted runTask as TaskSubmitted (its response, with SdkHttpMetadata), then
			// the job's end.
			types, details := taskEvents(t, history)
			last := "TaskSucceeded"
			if exit != 0 {
				last = "TaskFailed"
			}
			assert.Equal(t, []string{"TaskScheduled", "TaskStarted", "TaskSubmitted", last}, types)
			submitted := details["TaskSubmitted"]
			assert.Equal(t, "ecs", submitted["resourceType"])
			assert.Equal(t, "runTask.sync", submitted["resource"])
			var resp map[string]any
			require.NoError(t, json.Unmarshal([]byte(submitted["output"].(string)), &resp))
			assert.Equal(t, "arn:aws:ecs:us-east-1:123456789012:task/main/t1", resp["Tasks"].([]any)[0].(map[string]any)["TaskArn"])
			assert.Contains(t, resp, "SdkHttpMetadata")
			assert.Contains(t, resp, "SdkResponseMetadata")
			if exit == 0 {
				require.Equal(t, 0, code, "stdout %s stderr %s", stdout, stderr)
				assert.Equal(t, "SUCCEEDED", out["status"])
				assert.Equal(t, "STOPPED", out["output"].(map[string]any)["LastStatus"])
				return
			}
			assert.Equal(t, 1, code)
			assert.Equal(t, "States.TaskFailed", out["error"])
			assert.Contains(t, out["cause"], `"ExitCode":2`)
		})
	}
}

// taskEvents reads a --history file: the types of its Task resource events (TaskScheduled, TaskStarted,
// TaskSubmitted, TaskSucceeded...) in order, and each type's last details.
func taskEvents(t *testing.T, path string) ([]string, map[string]map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var h struct {
		Events []map[string]any `json:"events"`
	}
	require.NoError(t, json.Unmarshal(raw, &h))
	var types []string
	details := map[string]map[string]any{}
	for _, e := range h.Events {
		typ, _ := e["type"].(string)
		if !strings.HasPrefix(typ, "Task") || strings.HasPrefix(typ, "TaskState") {
			continue
		}
		types = append(types, typ)
		key := strings.ToLower(typ[:1]) + typ[1:] + "EventDetails"
		details[typ], _ = e[key].(map[string]any)
	}
	return types, details
}
