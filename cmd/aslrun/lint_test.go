package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aslrun runs the CLI in-process and returns the exit status and the two outputs.
func aslrun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// lint runs "aslrun lint args...".
func lint(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return aslrun(t, "", append([]string{"lint"}, args...)...)
}

const (
	validDef = `{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}`
	// invalidDef has one error, a Timestamp on line 3 that is no timestamp.
	invalidDef = "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Wait\", \"Timestamp\": \"soon\", \"End\": true}}\n}"
	// warnDef is valid but calls lambda:invoke without a FunctionName.
	warnDef = `{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}`
	// syncDef is refused only by an EXPRESS machine.
	syncDef = `{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x"}, "End": true}}}`
)

// write creates a file under dir and returns its path.
func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	valid := write(t, dir, "valid.asl.json", validDef)
	invalid := write(t, dir, "invalid.asl.json", invalidDef)
	warn := write(t, dir, "warn.asl.json", warnDef)
	sync := write(t, dir, "sync.asl.json", syncDef)

	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"valid", []string{valid}, 0},
		{"invalid", []string{invalid}, 1},
		{"one invalid among valid", []string{valid, invalid}, 1},
		{"warnings pass", []string{warn}, 0},
		{"warnings fail with --strict", []string{"--strict", warn}, 1},
		{"STANDARD takes .sync", []string{sync}, 0},
		{"EXPRESS refuses .sync", []string{"--type", "EXPRESS", sync}, 1},
		{"type is case-insensitive", []string{"--type", "express", sync}, 1},
		{"no argument", nil, 2},
		{"bad format", []string{"--format", "xml", valid}, 2},
		{"bad type", []string{"--type", "LONG", valid}, 2},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, 2},
		{"missing file wins over errors", []string{invalid, filepath.Join(dir, "nope.json")}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, _ := lint(t, tc.args...)
			assert.Equal(t, tc.want, code)
		})
	}
}

func TestLintMissingFileNamed(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.asl.json")
	code, _, stderr := lint(t, missing)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, missing)
}

func TestLintTextFormat(t *testing.T) {
	p := write(t, t.TempDir(), "x.asl.json", invalidDef)
	code, stdout, stderr := lint(t, p)
	assert.Equal(t, 1, code)
	assert.Equal(t, p+":3:49: error SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at /States/A/Timestamp\n", stdout)
	assert.Contains(t, stderr, "1 error, 0 warnings in 1 file")
}

func TestLintJSONFormat(t *testing.T) {
	p := write(t, t.TempDir(), "x.asl.json", invalidDef)
	_, stdout, _ := lint(t, "--format", "json", p)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	require.Len(t, got, 1)
	assert.Equal(t, map[string]any{"file": p, "line": 3.0, "col": 49.0, "severity": "ERROR",
		"code": "SCHEMA_VALIDATION_FAILED", "message": "String does not match RFC3339 timestamp", "location": "/States/A/Timestamp"}, got[0])

	valid := write(t, t.TempDir(), "v.asl.json", validDef)
	_, stdout, _ = lint(t, "--format", "json", valid)
	assert.JSONEq(t, "[]", stdout, "no finding is an empty array, not null")
}

func TestLintGitHubFormat(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "x.asl.json", invalidDef)
	w := write(t, dir, "w.asl.json", warnDef)
	_, stdout, _ := lint(t, "--format", "github", p, w)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, "::error file="+githubProperty(p)+",line=3,col=49,title=SCHEMA_VALIDATION_FAILED::String does not match RFC3339 timestamp at /States/A/Timestamp", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "::warning file="+githubProperty(w)+","), lines[1])
	assert.Equal(t, "a%25b%0Ac", githubData("a%b\nc"))
	assert.Equal(t, "C%3A%2Cx", githubProperty("C:,x"))
}

func TestLintDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.asl.json", validDef)
	write(t, dir, "sub/b.asl.yaml", "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: Missing\n")
	write(t, dir, "sub/deeper/c.asl.yml", "StartAt: A\nStates:\n  A: {Type: Succeed}\n")
	write(t, dir, "ignored.json", "not a definition")
	code, stdout, stderr := lint(t, dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, filepath.Join(dir, "sub", "b.asl.yaml")+":5:11: error MISSING_TRANSITION_TARGET")
	assert.NotContains(t, stdout, "ignored.json")
	assert.Contains(t, stderr, "in 3 files")

	empty := t.TempDir()
	code, _, stderr = lint(t, empty)
	assert.Equal(t, 2, code, "a directory without a state machine fails")
	assert.Contains(t, stderr, "no state machine in "+empty)
}

func TestLintNotADefinition(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"syntax.json": "{\"StartAt\": \"A\",\n  \"States\": {,}}",
		"empty.json":  "",
		"array.json":  "[1, 2]",
		"binary.json": "\x00\xff\xfe",
	} {
		t.Run(name, func(t *testing.T) {
			p := write(t, dir, name, text)
			code, stdout, _ := lint(t, p)
			assert.Equal(t, 1, code)
			assert.Equal(t, 1, strings.Count(stdout, "\n"), "one diagnostic: %s", stdout)
		})
	}
	_, stdout, _ := lint(t, filepath.Join(dir, "syntax.json"))
	assert.True(t, strings.HasPrefix(stdout, filepath.Join(dir, "syntax.json")+":2:14: error INVALID_JSON_DESCRIPTION"), stdout)
}

func TestLintTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.asl.json")
	require.NoError(t, os.WriteFile(p, bytes.Repeat([]byte(" "), maxFileBytes+1), 0o644))
	code, stdout, _ := lint(t, p)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "larger than")
}
