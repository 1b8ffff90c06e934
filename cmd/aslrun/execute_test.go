package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	echoDef     = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:echo","End":true}}}`
	failDef     = `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Oops","Cause":"it broke"}}}`
	bareFailDef = `{"StartAt":"F","States":{"F":{"Type":"Fail"}}}`
	waitDef     = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`
)

func TestExecute(t *testing.T) {
	handlers := write(t, t.TempDir(), "h.json", `{"echo": {"echo": true}}`)
	input := write(t, t.TempDir(), "in.json", `{"a": 1}`)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string // JSON, compared as values; "" to skip
		stderr string // a fragment
	}{
		{"output on success", []string{write(t, t.TempDir(), "d.json", echoDef), "--input", input, "--handlers", handlers}, "", 0, `{"a":1}`, ""},
		{"input as JSON text", []string{write(t, t.TempDir(), "d.json", echoDef), "--input", `[1,2]`, "--handlers", handlers}, "", 0, `[1,2]`, ""},
		{"input from stdin", []string{write(t, t.TempDir(), "d.json", echoDef), "--input", "-", "--handlers", handlers}, `"s"`, 0, `"s"`, ""},
		{"no input is {}", []string{write(t, t.TempDir(), "d.json", echoDef), "--handlers", handlers}, "", 0, `{}`, ""},
		{"failure", []string{write(t, t.TempDir(), "d.json", failDef)}, "", 1, `{"status":"FAILED","error":"Oops","cause":"it broke"}`, "FAILED: Oops: it broke"},
		{"failure without error or cause", []string{write(t, t.TempDir(), "d.json", bareFailDef)}, "", 1, `{"status":"FAILED","error":null,"cause":null}`, "FAILED"},
		{"unknown function", []string{write(t, t.TempDir(), "d.json", echoDef)}, "", 1, "", "Lambda.ResourceNotFoundException"},
		{"virtual time", []string{write(t, t.TempDir(), "d.json", waitDef), "--input", `{"x":true}`}, "", 0, `{"x":true}`, ""},
		{"invalid definition", []string{write(t, t.TempDir(), "d.json", `{"StartAt":"X","States":{}}`)}, "", 2, "", "MISSING_TRANSITION_TARGET"},
		{"not JSON", []string{write(t, t.TempDir(), "d.json", `{"StartAt":`)}, "", 2, "", "INVALID_JSON_DESCRIPTION"},
		{"missing definition", []string{filepath.Join(t.TempDir(), "none.json")}, "", 2, "", "cannot read the definition"},
		{"bad input", []string{write(t, t.TempDir(), "d.json", echoDef), "--input", "{nope"}, "", 2, "", "--input"},
		{"bad handlers", []string{write(t, t.TempDir(), "d.json", echoDef), "--handlers", write(t, t.TempDir(), "h.json", `{"f": {"bogus": 1}}`)}, "", 2, "", `h.json: key "f"`},
		{"bad type", []string{write(t, t.TempDir(), "d.json", echoDef), "--type", "FAST"}, "", 2, "", "--type"},
		{"bad clock", []string{write(t, t.TempDir(), "d.json", echoDef), "--clock", "slow"}, "", 2, "", "--clock"},
		{"express refuses callbacks", []string{write(t, t.TempDir(), "d.json", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q","MessageBody.$":"$$.Task.Token"},"End":true}}}`), "--type", "EXPRESS"}, "", 2, "", "Express state machine does not support"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, tt.stdin, append([]string{"execute"}, tt.args...)...)
			assert.Equal(t, tt.code, code, "stdout %s stderr %s", stdout, stderr)
			if tt.stdout != "" {
				assert.JSONEq(t, tt.stdout, stdout)
			}
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

func TestExecuteJSONFormatAndHistory(t *testing.T) {
	history := filepath.Join(t.TempDir(), "history.json")
	code, stdout, _ := aslrun(t, "", "execute", write(t, t.TempDir(), "d.json", failDef), "--format", "json", "--history", history, "--name", "run-1")
	require.Equal(t, 1, code)
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &env))
	for _, k := range []string{"status", "output", "error", "cause", "executionArn", "startDate", "stopDate"} {
		assert.Contains(t, env, k)
	}
	assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:d:run-1", env["executionArn"])
	b, err := os.ReadFile(history)
	require.NoError(t, err)
	var h struct {
		Events []struct {
			ID   int    `json:"id"`
			Type string `json:"type"`
		} `json:"events"`
	}
	require.NoError(t, json.Unmarshal(b, &h))
	var types []string
	for _, e := range h.Events {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{"ExecutionStarted", "FailStateEntered", "ExecutionFailed"}, types)
}

func TestVersionAndCompletion(t *testing.T) {
	code, stdout, _ := aslrun(t, "", "--version")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "aslrun ")
	code, stdout, _ = aslrun(t, "", "completion", "bash")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "aslrun")
}

// TestExecuteTrace: --trace prints each event as it happens, with the time since the start on the
// execution's clock, the state it belongs to, and an error and its cause.
func TestExecuteTrace(t *testing.T) {
	def := write(t, t.TempDir(), "d.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":90,"Next":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:flaky",
			"Retry":[{"ErrorEquals":["Busy"],"IntervalSeconds":2,"MaxAttempts":1}],"Next":"F"},
		"F":{"Type":"Fail","Error":"Done","Cause":"as planned"}}}`)
	handlers := write(t, t.TempDir(), "h.json", `{"flaky": {"sequence": [{"throw": {"error": "Busy", "cause": "try later"}}, {"return": 1}]}}`)
	code, _, stderr := aslrun(t, "", "execute", def, "--handlers", handlers, "--trace")
	require.Equal(t, 1, code)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	assert.Equal(t, []string{
		"+0.000s ExecutionStarted",
		"+0.000s WaitStateEntered W",
		"+90.000s WaitStateExited W",
		"+90.000s TaskStateEntered T",
		"+90.000s LambdaFunctionScheduled T",
		"+90.000s LambdaFunctionStarted T",
		"+90.000s LambdaFunctionFailed T error=Busy cause=try later",
		"+92.000s LambdaFunctionScheduled T",
		"+92.000s LambdaFunctionStarted T",
		"+92.000s LambdaFunctionSucceeded T",
		"+92.000s TaskStateExited T",
		"+92.000s FailStateEntered F",
		"+92.000s ExecutionFailed F error=Done cause=as planned",
	}, lines[:13])
	assert.Contains(t, lines[13], "FAILED: Done: as planned")
}
