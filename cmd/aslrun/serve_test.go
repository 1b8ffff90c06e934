package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is an output the server writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServe runs aslrun serve with args on a free loopback port and returns its URL and a stop function
// that stops it as SIGINT would and returns its error and output.
func startServe(t *testing.T, args ...string) (string, func() (error, string)) {
	t.Helper()
	url, _, stop := startServeOutput(t, args...)
	return url, stop
}

// startServeOutput is startServe that also gives the server's output as it writes it.
func startServeOutput(t *testing.T, args ...string) (string, *syncBuffer, func() (error, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	root := newRootCmd()
	root.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
	root.SetOut(out)
	root.SetErr(out)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var url string
	require.Eventually(t, func() bool {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			return true
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "no address in %q", out.String())
	stopped := false
	stop := func() (error, string) {
		if stopped {
			return nil, out.String()
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err, out.String()
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
			return nil, ""
		}
	}
	t.Cleanup(func() { stop() })
	return url, out, stop
}

func sdkClient(url string) *sfn.Client {
	return sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
}

func TestServeKeepsDataAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	url, stop := startServe(t, "--data", dir)
	out, err := sdkClient(url).CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("kept"),
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`), RoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
	require.NoError(t, err)
	err, text := stop()
	require.NoError(t, err)
	assert.Contains(t, text, "data in "+filepath.Join(dir, "aslrun.db"))
	assert.Contains(t, text, "aslrun serve: stopped")
	assert.FileExists(t, filepath.Join(dir, "aslrun.db"))

	url, _ = startServe(t, "--data", dir)
	d, err := sdkClient(url).DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: out.StateMachineArn})
	require.NoError(t, err)
	assert.Equal(t, "kept", aws.ToString(d.Name))
}

func TestServeMemory(t *testing.T) {
	url, stop := startServe(t, "--memory")
	assert.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
	list, err := sdkClient(url).ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
	require.NoError(t, err)
	assert.Empty(t, list.StateMachines)
	err, text := stop()
	require.NoError(t, err)
	assert.Contains(t, text, "(in memory; node ")
}

// TestServeShutdownEndsLongPolls: a GetActivityTask in flight answers at once when the server stops.
func TestServeShutdownEndsLongPolls(t *testing.T) {
	url, stop := startServe(t, "--memory")
	client := sdkClient(url)
	ctx := context.Background()
	act, err := client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("slow")})
	require.NoError(t, err)
	polled := make(chan error, 1)
	go func() {
		_, err := client.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
		polled <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	err, _ = stop()
	require.NoError(t, err)
	assert.NoError(t, <-polled)
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestServeFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--clock", "sundial"}, "--clock must be virtual or real"},
		{[]string{"--memory", "--data", t.TempDir()}, "none of the others can be"},
		{[]string{"--memory", "--handlers", filepath.Join(t.TempDir(), "missing.json")}, ""},
		{[]string{"--memory", "--addr", "127.0.0.1:notaport"}, ""},
		{[]string{"--data", t.TempDir(), "--retain-executions", "5"}, "bound the --memory store only"},
		{[]string{"--memory", "--retain-for", "-1h"}, "cannot be negative"},
		{[]string{"--memory", "--retain-for", "soon"}, "invalid argument"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(append([]string{"serve"}, tt.args...), nil, &out, &errOut), tt.args)
		assert.Contains(t, errOut.String(), tt.want, tt.args)
	}
}

// TestServeMemoryRetention: --memory keeps the latest --retain-executions finished executions.
func TestServeMemoryRetention(t *testing.T) {
	url, _ := startServe(t, "--memory", "--retain-executions", "2")
	client := sdkClient(url)
	machine := createMachine(t, client, "quick", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	var arns []string
	for range 3 {
		arn := startExecution(t, client, machine, `{}`)
		awaitEnd(t, client, arn, 5*time.Second)
		arns = append(arns, arn)
	}
	list, err := client.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err)
	var listed []string
	for _, e := range list.Executions {
		listed = append(listed, aws.ToString(e.ExecutionArn))
	}
	assert.Equal(t, []string{arns[2], arns[1]}, listed)
}

// TestServeRefusesBadSecurityFlags: the hygiene flags' bad values are usage errors.
func TestServeRefusesBadSecurityFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	for args, message := range map[string]string{
		"--auth basic":                         `--auth must be none or sigv4, not "basic"`,
		"--auth-credentials AKID:s":            "--auth-credentials needs --auth sigv4",
		"--auth sigv4 --auth-credentials AKID": "--auth-credentials: credentials are given as ACCESS_KEY_ID:SECRET_ACCESS_KEY",
		"--auth sigv4":                         "--auth sigv4 needs credentials",
		"--max-connections 0":                  "--max-connections must be at least 1",
		"--http-allow 10.0.0.0/99":             `--http-allow: "10.0.0.0/99" is neither`,
	} {
		errOut.Reset()
		assert.Equal(t, 2, run(append([]string{"serve", "--memory"}, strings.Fields(args)...), nil, &out, &errOut), args)
		assert.Contains(t, errOut.String(), message, args)
	}
}

// TestServeWithAWSCLI drives the server with the real aws CLI.
func TestServeWithAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the aws CLI is not on PATH")
	}
	url, _ := startServe(t, "--memory")
	home := t.TempDir()
	cli := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"stepfunctions", "--endpoint-url", url, "--output", "json"}, args...)...)
		cmd.Env = append(withoutAWS(os.Environ()), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret",
			"AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=",
			"AWS_CONFIG_FILE="+filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		data, err := cmd.Output()
		require.NoError(t, err, "aws %s: %s", strings.Join(args, " "), stderr.String())
		var out map[string]any
		if len(bytes.TrimSpace(data)) > 0 {
			require.NoError(t, json.Unmarshal(data, &out), "%s", data)
		}
		return out
	}

	act := cli("create-activity", "--name", "cli-work")["activityArn"].(string)
	def := `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"` + act + `","HeartbeatSeconds":60,"Next":"Done"},"Done":{"Type":"Pass","End":true}}}`
	machine := cli("create-state-machine", "--name", "cli", "--definition", def, "--role-arn", "arn:aws:iam::123456789012:role/r")["stateMachineArn"].(string)
	exec1 := cli("start-execution", "--state-machine-arn", machine, "--name", "first", "--input", `{"n":1}`)["executionArn"].(string)

	task := cli("get-activity-task", "--activity-arn", act, "--worker-name", "cli-worker")
	require.NotEmpty(t, task["taskToken"])
	assert.JSONEq(t, `{"n":1}`, task["input"].(string))
	cli("send-task-success", "--task-token", task["taskToken"].(string), "--task-output", `{"n":2}`)

	var d map[string]any
	require.Eventually(t, func() bool {
		d = cli("describe-execution", "--execution-arn", exec1)
		return d["status"] != "RUNNING"
	}, 20*time.Second, 50*time.Millisecond)
	assert.Equal(t, "SUCCEEDED", d["status"])
	assert.Equal(t, `{"n":2}`, d["output"])

	h := cli("get-execution-history", "--execution-arn", exec1)
	events := h["events"].([]any)
	assert.Equal(t, "ExecutionStarted", events[0].(map[string]any)["type"])
	assert.Equal(t, "ExecutionSucceeded", events[len(events)-1].(map[string]any)["type"])

	list := cli("list-executions", "--state-machine-arn", machine)
	require.Len(t, list["executions"], 1)
	assert.Equal(t, "first", list["executions"].([]any)[0].(map[string]any)["name"])
}

// withoutAWS drops the caller's AWS settings (profile, credentials, endpoint) from an environment.
func withoutAWS(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}
