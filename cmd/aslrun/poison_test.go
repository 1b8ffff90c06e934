package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A memory bomb in one execution fails that execution while the server, held to 3 GiB of address space
// (the bombs alone would take tens), goes on serving the others.
func TestServeSurvivesMemoryBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	limit := `ulimit -v 3145728 && `
	if raceDetector {
		limit = ""
	}
	cmd, url := limitedServerProcess(t, limit, "--data", t.TempDir())
	client := sfnClient(url)
	ctx := context.Background()

	format := "$.s"
	for range 5 {
		format = "States.Format('" + strings.Repeat("{}", 10) + "'" + strings.Repeat(", "+format, 10) + ")"
	}
	machines := map[string]string{
		"ranges":  `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $count([1..10000000].[1..10000000]) %}","End":true}}}`,
		"strings": `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $reduce([1..40], function($a, $i) { $a & $a }, 'ab') %}","End":true}}}`,
		"format":  `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"s.$":"` + format + `"},"End":true}}}`,
		"fine":    `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"ok","End":true}}}`,
	}
	arns := map[string]string{}
	for name, def := range machines {
		out, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
		require.NoError(t, err)
		arns[name] = aws.ToString(out.StateMachineArn)
	}
	start := func(name string) string {
		out, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arns[name]),
			Input: aws.String(`{"s":"` + strings.Repeat("x", 1000) + `"}`)})
		require.NoError(t, err)
		return aws.ToString(out.ExecutionArn)
	}
	outcome := func(arn string) *sfn.DescribeExecutionOutput {
		var d *sfn.DescribeExecutionOutput
		require.Eventually(t, func() bool {
			var err error
			d, err = client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			return err == nil && d.Status != types.ExecutionStatusRunning
		}, 60*time.Second, 20*time.Millisecond)
		return d
	}

	bombs := map[string]string{}
	for _, name := range []string{"ranges", "strings", "format"} {
		bombs[name] = start(name)
	}
	fine := start("fine")
	for name, arn := range bombs {
		d := outcome(arn)
		assert.Equal(t, types.ExecutionStatusFailed, d.Status, name)
		want := "States.QueryEvaluationError"
		if name == "format" {
			want = "States.Runtime"
		}
		assert.Equal(t, want, aws.ToString(d.Error), name)
		assert.Contains(t, aws.ToString(d.Cause), "memory", name)
	}
	assert.Equal(t, types.ExecutionStatusSucceeded, outcome(fine).Status)
	// and still serving after the bombs
	assert.Equal(t, types.ExecutionStatusSucceeded, outcome(start("fine")).Status)
	assert.Nil(t, cmd.ProcessState, "the server exited")
	// The peak resident set of the whole run stays well under 3 GiB.
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err == nil && !raceDetector {
		for _, line := range strings.Split(string(status), "\n") {
			if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")))
				require.NoError(t, err)
				t.Logf("peak RSS of the server: %d MiB", n/1024)
				assert.Less(t, n, 1536*1024, "peak RSS in KiB")
			}
		}
	}
}
