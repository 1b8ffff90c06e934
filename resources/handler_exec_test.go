package resources

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

const stubLegacyFn = "arn:aws:lambda:us-east-1:123456789012:function:fn"

// stubLoad writes a handler file into dir and loads it.
func stubLoad(t *testing.T, dir, name, content string) *Registry {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	r, err := LoadHandlerFile(path)
	require.NoError(t, err)
	return r
}

// stubScript writes an executable shell script.
func stubScript(t *testing.T, dir, name, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755))
}

var stubRequestIDRE = `RequestId: [0-9a-f-]{36} Error: `

func TestExecStub(t *testing.T) {
	dir := t.TempDir()
	scripts := map[string]string{
		"echo.sh":     `cat`,
		"args.sh":     `printf '{"args":"%s %s","env":"%s","pwd":"%s"}' "$1" "$2" "$STAGE" "$(pwd)"`,
		"empty.sh":    `cat >/dev/null`,
		"payload0.sh": `echo '{"errorType":"NotAnError","errorMessage":"exit 0 is a result"}'`,
		"stdout.sh":   `echo '{"errorMessage": "declined", "errorType": "PaymentError"}'; exit 1`,
		"stderr.sh":   `echo 'log line' >&2; echo '{"errorType":"Stderr.Error","errorMessage":"m"}' >&2; echo 'not json'; exit 2`,
		"crash.sh":    `echo 'starting'; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i" >&2; done; exit 3`,
		"signal.sh":   `kill -9 $$`,
		"nonjson.sh":  `echo 'hello, not JSON'`,
		"twojson.sh":  `echo '1 2'`,
		"huge.sh":     `yes '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"'`,
		"hang.sh":     `sleep 30`,
		"sub/rel.sh":  `echo '"from sub"'`,
	}
	for name, body := range scripts {
		stubScript(t, dir, name, body)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "noexec.sh"), []byte("#!/bin/sh\necho 1\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "work"), 0o755))

	tests := []struct {
		name      string
		stub      string
		input     any
		want      any
		wantError string
		wantCause string // a regular expression, anchored
		maxTime   time.Duration
	}{
		{name: "success echoes the event", stub: `{"exec": ["./echo.sh"]}`,
			input: map[string]any{"n": int64(12345678901234567), "s": "é"}, want: map[string]any{"n": int64(12345678901234567), "s": "é"}},
		{name: "arguments, env and dir", stub: `{"exec": ["./args.sh", "a b", "c"], "dir": "work", "env": {"STAGE": "local"}}`,
			want: map[string]any{"args": "a b c", "env": "local", "pwd": filepath.Join(dir, "work")}},
		{name: "the default dir is the file's", stub: `{"exec": ["./args.sh"]}`,
			want: map[string]any{"args": " ", "env": "", "pwd": dir}},
		{name: "a path in a subdirectory", stub: `{"exec": ["sub/rel.sh"]}`, want: "from sub"},
		{name: "an absolute path", stub: `{"exec": ["` + filepath.Join(dir, "echo.sh") + `"]}`, input: "x", want: "x"},
		{name: "a command from PATH", stub: `{"exec": ["sh", "-c", "cat"]}`, input: []any{true}, want: []any{true}},
		{name: "no output is null", stub: `{"exec": ["./empty.sh"]}`, input: "x", want: nil},
		{name: "an error payload on exit 0 is a result", stub: `{"exec": ["./payload0.sh"]}`,
			want: map[string]any{"errorType": "NotAnError", "errorMessage": "exit 0 is a result"}},
		{name: "function error on stdout", stub: `{"exec": ["./stdout.sh"]}`,
			wantError: "PaymentError", wantCause: regexp.QuoteMeta(`{"errorMessage": "declined", "errorType": "PaymentError"}`)},
		{name: "function error as the last line of stderr", stub: `{"exec": ["./stderr.sh"]}`,
			wantError: "Stderr.Error", wantCause: regexp.QuoteMeta(`{"errorType":"Stderr.Error","errorMessage":"m"}`)},
		{name: "crash", stub: `{"exec": ["./crash.sh"]}`, wantError: "Runtime.ExitError",
			wantCause: `\{"errorMessage":"` + stubRequestIDRE + `Runtime exited with error: exit status 3","errorType":"Runtime.ExitError",` +
				`"stderr":\["line 3","line 4",.*,"line 12"\]\}`},
		{name: "killed by a signal", stub: `{"exec": ["./signal.sh"]}`, wantError: "Runtime.ExitError",
			wantCause: `\{"errorMessage":"` + stubRequestIDRE + `Runtime exited with error: signal: killed","errorType":"Runtime.ExitError"\}`},
		{name: "cannot start", stub: `{"exec": ["./noexec.sh"]}`, wantError: "Runtime.InvalidEntrypoint",
			wantCause: `\{"errorMessage":"` + stubRequestIDRE + `fork/exec .*/noexec.sh: permission denied","errorType":"Runtime.InvalidEntrypoint"\}`},
		{name: "non-JSON output", stub: `{"exec": ["./nonjson.sh"]}`, wantError: failure.TaskFailed,
			wantCause: `The command \["\./nonjson\.sh"\] exited 0 but its stdout is not one JSON value \(.*\): "hello, not JSON\\n"`},
		{name: "two JSON values", stub: `{"exec": ["./twojson.sh"]}`, wantError: failure.TaskFailed,
			wantCause: `The command \["\./twojson\.sh"\] exited 0 but its stdout is not one JSON value .*`},
		{name: "oversize output stops the command", stub: `{"exec": ["./huge.sh"]}`, wantError: failure.DataLimitExceeded,
			wantCause: regexp.QuoteMeta(`The output of the command ["./huge.sh"] exceeds the maximum number of bytes service limit (262144 bytes)`),
			maxTime:   10 * time.Second},
		{name: "hang past the stub's timeout", stub: `{"exec": ["./hang.sh"], "timeout": 0.2}`, wantError: "Sandbox.Timedout",
			wantCause: `\{"errorMessage":"` + stubRequestIDRE + `Task timed out after 0\.20 seconds","errorType":"Sandbox.Timedout"\}`,
			maxTime:   5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := stubLoad(t, dir, "h.json", `{"fn": `+tt.stub+`}`)
			start := time.Now()
			got, err := invoke(t, r, stubLegacyFn, "S", tt.input)
			if tt.maxTime > 0 {
				assert.Less(t, time.Since(start), tt.maxTime)
			}
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
}

func TestExecStubThroughLambdaInvoke(t *testing.T) {
	dir := t.TempDir()
	stubScript(t, dir, "echo.sh", "cat")
	stubScript(t, dir, "fail.sh", `echo '{"errorMessage": "declined", "errorType": "PaymentError"}'; exit 1`)
	r := stubLoad(t, dir, "h.yaml", "echo:\n  exec: [./echo.sh]\nfail:\n  exec: [./fail.sh]\n")

	got, err := invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "echo", "Payload": map[string]any{"a": int64(1)}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"a": int64(1)}, got.(map[string]any)["Payload"])

	_, err = invoke(t, r, lambdaInvoke, "S", map[string]any{"FunctionName": "fail"})
	fe := requireFailure(t, err)
	assert.Equal(t, "PaymentError", fe.Name)
	assert.Equal(t, `{"errorMessage":"declined","errorType":"PaymentError"}`, fe.Cause, "lambda:invoke re-serialises the cause")
}

func TestExecStubForResourcesAndStates(t *testing.T) {
	dir := t.TempDir()
	stubScript(t, dir, "echo.sh", "cat")
	r := stubLoad(t, dir, "h.json", `{
		"arn:aws:states:::sns:publish": {"exec": ["./echo.sh"]},
		"state:Check": {"exec": ["./echo.sh"]}
	}`)
	for _, c := range []struct{ resource, state string }{{"arn:aws:states:::sns:publish", "S"}, {"arn:aws:states:::sqs:sendMessage", "Check"}} {
		got, err := invoke(t, r, c.resource, c.state, map[string]any{"Message": "m"})
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"Message": "m"}, got)
	}
}

// ParseHandlers has no file: relative paths resolve against the working directory.
func TestExecStubParseHandlersUsesTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	stubScript(t, dir, "echo.sh", "cat")
	t.Chdir(dir)
	r, err := ParseHandlers([]byte(`{"fn": {"exec": ["./echo.sh"]}}`))
	require.NoError(t, err)
	got, err := invoke(t, r, stubLegacyFn, "S", "x")
	require.NoError(t, err)
	assert.Equal(t, "x", got)
}

func TestExecStubLoadErrors(t *testing.T) {
	dir := t.TempDir()
	stubScript(t, dir, "ok.sh", "cat")
	tests := []struct{ name, stub, want string }{
		{"not an array", `{"exec": "./ok.sh"}`, `"exec" must be a non-empty array of strings (the command and its arguments), not a string`},
		{"empty array", `{"exec": []}`, `"exec" must be a non-empty array of strings`},
		{"non-string argument", `{"exec": ["./ok.sh", 1]}`, `"exec": element 1 must be a string, not a number`},
		{"empty command", `{"exec": [""]}`, `"exec": the command is empty`},
		{"missing file", `{"exec": ["./missing.sh"]}`, `"exec": stat ` + filepath.Join(dir, "missing.sh") + `: no such file or directory`},
		{"not in PATH", `{"exec": ["no-such-command-aslrun"]}`, `"exec": exec: "no-such-command-aslrun": executable file not found in $PATH`},
		{"dir not a string", `{"exec": ["./ok.sh"], "dir": 1}`, `"dir" must be a directory path, not a number`},
		{"dir missing", `{"exec": ["./ok.sh"], "dir": "nope"}`, `"dir": stat ` + filepath.Join(dir, "nope")},
		{"dir a file", `{"exec": ["./ok.sh"], "dir": "ok.sh"}`, `"dir": ` + filepath.Join(dir, "ok.sh") + ` is not a directory`},
		{"env not an object", `{"exec": ["./ok.sh"], "env": ["A=1"]}`, `"env" must be an object of strings, not an array`},
		{"env value not a string", `{"exec": ["./ok.sh"], "env": {"A": 1}}`, `"env": the value of "A" must be a string (quote it), not a number`},
		{"env bad name", `{"exec": ["./ok.sh"], "env": {"A=B": "1"}}`, `"env": "A=B" is not an environment variable name`},
		{"timeout not a number", `{"exec": ["./ok.sh"], "timeout": "5"}`, `"timeout" must be a number of seconds, not a string`},
		{"timeout zero", `{"exec": ["./ok.sh"], "timeout": 0}`, `"timeout" must be more than 0 and at most 99999999 seconds, not 0`},
		{"two behaviours", `{"exec": ["./ok.sh"], "return": 1}`, `a stub has exactly one of "echo", "return" or "throw", this one has 2: "return", "exec"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "h.json")
			err := NewRegistry().AddHandlers(path, []byte(`{"fn": `+tt.stub+`}`))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), path+`: key "fn": `+tt.want), "got %q\nwant the prefix %q", err, tt.want)
		})
	}
}

func TestLastLines(t *testing.T) {
	assert.Nil(t, execLastLines(nil, 3))
	assert.Equal(t, []string{"b", "c"}, execLastLines([]byte("a\r\n\nb\n  \nc\n"), 2))
}

func TestExecTailKeepsTheEnd(t *testing.T) {
	w := &execTail{}
	big := strings.Repeat("x", execTailSize)
	_, _ = w.Write([]byte("head"))
	_, _ = w.Write([]byte(big))
	_, _ = w.Write([]byte("tail"))
	assert.Len(t, w.buf, execTailSize)
	assert.True(t, strings.HasSuffix(string(w.buf), "xtail"))
}

// Under a virtual clock a Task's TimeoutSeconds cannot fire while a command runs, so the command gets it in
// real time: a hung handler fails the Task with States.Timeout instead of hanging the run.
func TestExecStubHangsPastTaskTimeout(t *testing.T) {
	reg, err := ParseHandlers([]byte(`{"f": {"exec": ["sleep", "30"]}}`))
	require.NoError(t, err)
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","TimeoutSeconds":1,"End":true}}}`
	sm, diags := asl.Check([]byte(def), asl.Options{})
	require.False(t, asl.HasErrors(diags))
	prog, err := interpreter.Compile(sm)
	require.NoError(t, err)
	cfg := interpreter.NewConfig("m", "e", false)
	cfg.Invoker, cfg.Clock = reg, interpreter.NewVirtualClock(time.Now())
	start := time.Now()
	res := prog.Run(context.Background(), map[string]any{}, cfg)
	assert.Less(t, time.Since(start), 10*time.Second)
	require.Equal(t, interpreter.Failed, res.Status)
	assert.Equal(t, "States.Timeout", res.Error)
	assert.Contains(t, res.Cause, "did not answer within the Task's TimeoutSeconds (1s)")
}
