package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeExecutionLog: serve --execution-log writes the log events of a state machine with a
// LoggingConfiguration to stderr, a file (each line naming its log group) or a file per log group.
func TestServeExecutionLog(t *testing.T) {
	const group = "arn:aws:logs:us-east-1:123456789012:log-group:orders-logs:*"
	dir := t.TempDir()
	tests := []struct {
		name string
		flag string
		// read is what the log holds once the server stopped; out is the server's output.
		read func(t *testing.T, out string) string
		// grouped: each line names its log group.
		grouped bool
	}{
		{"stderr", "-", func(_ *testing.T, out string) string {
			var lines []string
			for l := range strings.Lines(out) {
				if strings.HasPrefix(l, "{") {
					lines = append(lines, l)
				}
			}
			return strings.Join(lines, "")
		}, true},
		{"file", filepath.Join(dir, "executions.log"), func(t *testing.T, _ string) string {
			b, err := os.ReadFile(filepath.Join(dir, "executions.log"))
			require.NoError(t, err)
			return string(b)
		}, true},
		{"directory", dir, func(t *testing.T, _ string) string {
			b, err := os.ReadFile(filepath.Join(dir, "orders-logs.log"))
			require.NoError(t, err)
			return string(b)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			url, stop := startServe(t, "--memory", "--execution-log", tt.flag)
			client := sdkClient(url)
			logging := &types.LoggingConfiguration{Level: types.LogLevelError, IncludeExecutionData: true,
				Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(group)}}}}
			var arns []string
			for _, name := range []string{"logged", "quiet"} {
				sm, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
					Definition:           aws.String(`{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Oops","Cause":"on purpose"}}}`),
					LoggingConfiguration: logging})
				require.NoError(t, err)
				run, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn})
				require.NoError(t, err)
				require.Eventually(t, func() bool {
					d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
					require.NoError(t, err)
					return d.Status == types.ExecutionStatusFailed
				}, 10*time.Second, 5*time.Millisecond)
				arns = append(arns, aws.ToString(run.ExecutionArn))
				logging = &types.LoggingConfiguration{Level: types.LogLevelOff}
			}
			err, out := stop()
			require.NoError(t, err)
			var got []map[string]any
			for l := range strings.Lines(tt.read(t, out)) {
				var m map[string]any
				require.NoError(t, json.NewDecoder(bytes.NewReader([]byte(l))).Decode(&m), l)
				got = append(got, m)
			}
			require.Len(t, got, 2, "FailStateEntered and ExecutionFailed of the logged machine only")
			assert.Equal(t, "FailStateEntered", got[0]["type"])
			assert.Equal(t, map[string]any{"input": "{}", "inputDetails": map[string]any{"truncated": false}, "name": "F"}, got[0]["details"])
			assert.Equal(t, "ExecutionFailed", got[1]["type"])
			assert.Equal(t, map[string]any{"error": "Oops", "cause": "on purpose"}, got[1]["details"])
			for _, m := range got {
				assert.Equal(t, arns[0], m["execution_arn"])
				if tt.grouped {
					assert.Equal(t, group, m["log_group_arn"])
				} else {
					assert.NotContains(t, m, "log_group_arn")
				}
			}
		})
	}
}

func TestServeExecutionLogErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	missing := filepath.Join(t.TempDir(), "missing", "executions.log")
	assert.Equal(t, 2, run([]string{"serve", "--memory", "--execution-log", missing}, nil, &out, &errOut))
	assert.Contains(t, errOut.String(), "--execution-log: open "+missing)
}
