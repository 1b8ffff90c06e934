package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/service"
)

// TestTraceColor: --color always paints the trace (time dim, states bold, successes green, failures and
// errors red, states entered cyan), never and auto off a terminal do not; the columns are the same.
func TestTraceColor(t *testing.T) {
	def := write(t, t.TempDir(), "d.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"F"},"F":{"Type":"Fail","Error":"Done","Cause":"as planned"}}}`)
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		want  []string // lines of the trace
		plain bool
	}{
		{"always", []string{"--color", "always"}, 1, []string{
			"\x1b[2m   +0.000s\x1b[0m  ExecutionStarted",
			"\x1b[2m   +0.000s\x1b[0m  \x1b[36mPassStateEntered\x1b[0m              \x1b[1mP\x1b[0m",
			"\x1b[2m   +0.000s\x1b[0m  PassStateExited               \x1b[1mP\x1b[0m",
			"\x1b[2m   +0.000s\x1b[0m  \x1b[36mFailStateEntered\x1b[0m              \x1b[1mF\x1b[0m",
			"\x1b[2m   +0.000s\x1b[0m  \x1b[31mExecutionFailed\x1b[0m               \x1b[1mF\x1b[0m  \x1b[31merror=Done\x1b[0m  \x1b[31mcause=as planned\x1b[0m",
		}, false},
		{"never", []string{"--color", "never"}, 1, []string{
			"   +0.000s  ExecutionStarted",
			"   +0.000s  PassStateEntered              P",
			"   +0.000s  PassStateExited               P",
			"   +0.000s  FailStateEntered              F",
			"   +0.000s  ExecutionFailed               F  error=Done  cause=as planned",
		}, true},
		{"auto, not a terminal", nil, 1, nil, true},
		{"bad", []string{"--color", "sometimes"}, 2, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := aslrun(t, "", append([]string{"execute", def, "--trace"}, tc.args...)...)
			require.Equal(t, tc.code, code, stderr)
			if tc.want != nil {
				assert.Equal(t, tc.want, strings.Split(stderr, "\n")[:len(tc.want)])
			}
			assert.Equal(t, tc.plain, !strings.Contains(stderr, "\x1b["), stderr)
		})
	}
	t.Setenv("NO_COLOR", "1")
	code, _, stderr := aslrun(t, "", "execute", def, "--trace", "--color", "always")
	require.Equal(t, 1, code)
	assert.Contains(t, stderr, "\x1b[31mExecutionFailed\x1b[0m", "--color always wins over NO_COLOR")
}

// TestFormatPretty: --format pretty indents the output and the failure envelope.
func TestFormatPretty(t *testing.T) {
	def := write(t, t.TempDir(), "d.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"z":1,"a":[1.50,{"b":null}]},"End":true}}}`)
	code, stdout, _ := aslrun(t, "", "execute", def, "--format", "pretty")
	require.Equal(t, 0, code)
	assert.Equal(t, "{\n  \"a\": [\n    1.5,\n    {\n      \"b\": null\n    }\n  ],\n  \"z\": 1\n}\n", stdout)

	code, stdout, _ = aslrun(t, "", "execute", write(t, t.TempDir(), "f.json", failDef), "--format", "pretty")
	require.Equal(t, 1, code)
	assert.Equal(t, "{\n  \"cause\": \"it broke\",\n  \"error\": \"Oops\",\n  \"status\": \"FAILED\"\n}\n", stdout)

	code, _, stderr := aslrun(t, "", "execute", def, "--format", "fancy")
	require.Equal(t, 2, code)
	assert.Contains(t, stderr, "--format must be output, pretty or json")
}

// fakeMapRuns counts a Map Run up by 25 items of 100 at each DescribeMapRun, one of them failed.
type fakeMapRuns struct {
	mu    sync.Mutex
	calls int64
}

const fakeRun = "arn:aws:states:us-east-1:123456789012:mapRun:m/Process:9f1c"

func (f *fakeMapRuns) ListMapRuns(_ context.Context, in *service.ListMapRunsInput) (*service.ListMapRunsOutput, error) {
	return &service.ListMapRunsOutput{MapRuns: []service.MapRunListItem{{ExecutionArn: in.ExecutionArn, MapRunArn: fakeRun}}}, nil
}

func (f *fakeMapRuns) DescribeMapRun(context.Context, *service.DescribeMapRunInput) (*service.DescribeMapRunOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	done := min(25*f.calls, 100)
	return &service.DescribeMapRunOutput{MapRunArn: fakeRun, Status: "RUNNING",
		ItemCounts: service.MapRunCounts{Succeeded: done - 1, Failed: 1, Total: 100}}, nil
}

// TestMapProgress: once a Map Run starts, the line shows its items done of the total, the failed ones and
// the rate, redrawn in place, and is erased at the end.
func TestMapProgress(t *testing.T) {
	var out syncBuffer
	p := startProgress(&out, &fakeMapRuns{}, time.Millisecond)
	p.event(service.ExecutionEvent{ExecutionArn: "arn:x", Event: interpreter.Event{Kind: interpreter.TaskStateEntered}})
	p.event(service.ExecutionEvent{ExecutionArn: "arn:x", Event: interpreter.Event{Kind: interpreter.MapRunStarted}})
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "100 of 100") }, 5*time.Second, time.Millisecond)
	p.close()
	text := out.String()
	assert.True(t, strings.HasPrefix(text, "\r\x1b[KMap Run Process: 25 of 100 items done (1 failed)\r"), text)
	assert.Regexp(t, `\r\x1b\[KMap Run Process: 50 of 100 items done \(1 failed\), [0-9,]+/s\r`, text, "a rate from the second drawing on")
	assert.True(t, strings.HasSuffix(text, "\r\x1b[K"), "the line is erased at the end")

	var quiet syncBuffer
	startProgress(&quiet, &fakeMapRuns{}, time.Millisecond).close()
	assert.Empty(t, quiet.String(), "nothing without a Map Run")
}

func TestThousandsAndLabel(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4321: "-4,321"} {
		assert.Equal(t, want, thousands(n))
	}
	assert.Equal(t, "Process", mapRunLabel(fakeRun))
	assert.Equal(t, "not-an-arn", mapRunLabel("not-an-arn"))
	assert.True(t, isUUID("da973c34-c9a6-4f9f-b00a-b151c769c069"))
	assert.False(t, isUUID("Process"))
}
