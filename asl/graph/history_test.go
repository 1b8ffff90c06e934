package graph

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loop is a Task with Retry and Catch in a loop closed by a Choice.
const loop = `{
  "StartAt": "T",
  "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
      "Retry": [{"ErrorEquals": ["Retryable"], "MaxAttempts": 2}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
      "Catch": [{"ErrorEquals": ["Fatal"], "Next": "Handle"}, {"ErrorEquals": ["States.ALL"], "Next": "Handle"}],
      "Next": "Loop"},
    "Loop": {"Type": "Choice", "Choices": [
        {"Variable": "$.again", "BooleanEquals": true, "Next": "T"},
        {"Variable": "$.again", "IsPresent": false, "Next": "Done"}
      ], "Default": "Done"},
    "Handle": {"Type": "Pass", "End": true},
    "Done": {"Type": "Succeed"}
  }
}`

// ev is one event in the shape GetExecutionHistory gives: "id prev Type [name or error]".
type ev string

// history writes events as GetExecutionHistory's JSON and reads them back with ParseHistory.
func history(t *testing.T, events ...ev) []HistoryEvent {
	t.Helper()
	var list []map[string]any
	for _, e := range events {
		f := strings.Fields(string(e))
		m := map[string]any{"id": atoi(f[0]), "type": f[2], "timestamp": 1700000000.5}
		if f[1] != "0" {
			m["previousEventId"] = atoi(f[1])
		}
		if len(f) > 3 {
			detail := strings.Join(f[3:], " ")
			key := string(unicode.ToLower(rune(f[2][0]))) + f[2][1:] + "EventDetails"
			switch {
			case strings.HasSuffix(f[2], "StateEntered"):
				m["stateEnteredEventDetails"] = map[string]any{"name": detail, "input": "{}"}
			case strings.HasSuffix(f[2], "StateExited"):
				m["stateExitedEventDetails"] = map[string]any{"name": detail, "output": "{}"}
			default:
				m[key] = map[string]any{"error": detail, "cause": "because"}
			}
		}
		list = append(list, m)
	}
	b, err := json.Marshal(map[string]any{"events": list})
	require.NoError(t, err)
	out, err := ParseHistory(b)
	require.NoError(t, err)
	return out
}

func atoi(s string) int64 {
	n := int64(0)
	for _, r := range s {
		n = n*10 + int64(r-'0')
	}
	return n
}

func TestParseHistory(t *testing.T) {
	for _, tc := range []struct{ name, doc, err string }{
		{"events", `{"events": [{"id": 2, "previousEventId": 1, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": "P"}}, {"id": 1, "type": "ExecutionStarted"}]}`, ""},
		{"as the aws CLI prints it", `{"events": [{"timestamp": "2024-05-01T10:00:00.123000+00:00", "type": "ExecutionStarted", "id": 1, "previousEventId": 0,
			"executionStartedEventDetails": {"input": "{}", "inputDetails": {"truncated": false}, "roleArn": "arn:aws:iam::1:role/r"}},
			{"timestamp": "2024-05-01T10:00:00.150000+00:00", "type": "PassStateEntered", "id": 2, "previousEventId": 1,
			"stateEnteredEventDetails": {"name": "P", "input": "{}", "inputDetails": {"truncated": false}}}]}`, ""},
		{"a bare list", `[{"id": 1, "type": "ExecutionStarted"}, {"id": 2, "previousEventId": 1, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": "P"}}]`, ""},
		{"not JSON", `events:`, "not an execution history"},
		{"no events", `{"executions": []}`, `no "events" list`},
		{"no type", `{"events": [{"id": 1, "type": "ExecutionStarted"}, {"id": 2}]}`, `event 2 of the list: it has no "type"`},
		{"a bad list", `[1, 2]`, "event 1 of the list: json: cannot unmarshal number"},
		{"not a list", `{"events": 3}`, "not an execution history"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events, err := ParseHistory([]byte(tc.doc))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []HistoryEvent{{ID: 1, Type: "ExecutionStarted"}, {ID: 2, PreviousEventID: 1, Type: "PassStateEntered", Name: "P"}}, events)
		})
	}
}

func TestColour(t *testing.T) {
	for _, tc := range []struct {
		name   string
		def    string
		events []ev
		want   map[string]string
	}{
		{"succeeded", loop, []ev{
			"1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 TaskStarted", "5 4 TaskSucceeded",
			"6 5 TaskStateExited T", "7 6 ChoiceStateEntered Loop", "8 7 ChoiceStateExited Loop",
			"9 8 SucceedStateEntered Done", "10 9 SucceedStateExited Done", "11 10 ExecutionSucceeded",
		}, map[string]string{"T": StatusSucceeded, "Loop": StatusSucceeded, "Done": StatusSucceeded, "Handle": StatusNotEntered}},
		{"retried, then succeeded", loop, []ev{
			"1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 TaskFailed Retryable",
			"5 4 TaskScheduled", "6 5 TaskSucceeded", "7 6 TaskStateExited T", "8 7 ChoiceStateEntered Loop",
		}, map[string]string{"T": StatusSucceeded, "Loop": StatusRunning, "Done": StatusNotEntered, "Handle": StatusNotEntered}},
		{"caught, with its Exited event", loop, []ev{
			"1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 TaskFailed Fatal",
			"5 4 TaskStateExited T", "6 5 PassStateEntered Handle", "7 6 PassStateExited Handle", "8 7 ExecutionSucceeded",
		}, map[string]string{"T": StatusCaught, "Handle": StatusSucceeded, "Loop": StatusNotEntered, "Done": StatusNotEntered}},
		{"caught, without an Exited event", loop, []ev{
			"1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 LambdaFunctionTimedOut",
			"5 4 PassStateEntered Handle",
		}, map[string]string{"T": StatusCaught, "Handle": StatusRunning, "Loop": StatusNotEntered, "Done": StatusNotEntered}},
		{"failed", loop, []ev{
			"1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 TaskFailed States.Runtime",
			"5 4 ExecutionFailed States.Runtime",
		}, map[string]string{"T": StatusFailed, "Handle": StatusNotEntered, "Loop": StatusNotEntered, "Done": StatusNotEntered}},
		{"aborted", loop, []ev{
			"1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskScheduled", "4 3 ExecutionAborted",
		}, map[string]string{"T": StatusCancelled, "Handle": StatusNotEntered, "Loop": StatusNotEntered, "Done": StatusNotEntered}},
		{"a loop shows what matters most", loop, []ev{
			"1 0 ExecutionStarted", "2 1 TaskStateEntered T", "3 2 TaskSucceeded", "4 3 TaskStateExited T",
			"5 4 ChoiceStateEntered Loop", "6 5 ChoiceStateExited Loop", "7 6 TaskStateEntered T", "8 7 TaskFailed Oops",
			"9 8 TaskScheduled", "10 9 TaskFailed Oops", "11 10 TaskStateExited T", "12 11 PassStateEntered Handle",
			"13 12 PassStateExited Handle", "14 13 ExecutionSucceeded",
		}, map[string]string{"T": StatusCaught, "Loop": StatusSucceeded, "Handle": StatusSucceeded, "Done": StatusNotEntered}},
		{"a branch fails, its sibling is cancelled, the Parallel's error is caught", nested, []ev{
			"1 0 ExecutionStarted", "2 1 ChoiceStateEntered Check", "3 2 ChoiceStateExited Check",
			"4 3 ParallelStateEntered Fan out", "5 4 ParallelStateStarted", "6 5 TaskStateEntered a/b",
			"7 5 WaitStateEntered B", "8 6 TaskScheduled", "9 8 TaskFailed Boom", "10 5 ParallelStateFailed Boom",
			"11 10 ParallelStateExited Fan out", "12 11 FailStateEntered Nope", "13 12 ExecutionFailed Nope",
		}, map[string]string{"Check": StatusSucceeded, "Fan out": StatusCaught, "a/b": StatusFailed, "B": StatusCancelled,
			"Nope": StatusFailed, "Each": StatusNotEntered, "Step": StatusNotEntered, "Done": StatusNotEntered}},
		{"Map iterations run", nested, []ev{
			"1 0 ExecutionStarted", "2 1 ChoiceStateEntered Check", "3 2 ChoiceStateExited Check",
			"4 3 MapStateEntered Each", "5 4 MapStateStarted", "6 5 MapIterationStarted", "7 6 PassStateEntered Step",
			"8 5 MapIterationStarted", "9 7 PassStateExited Step", "10 9 MapIterationSucceeded", "11 8 PassStateEntered Step",
		}, map[string]string{"Check": StatusSucceeded, "Each": StatusRunning, "Step": StatusRunning, "Fan out": StatusNotEntered,
			"a/b": StatusNotEntered, "B": StatusNotEntered, "Nope": StatusNotEntered, "Done": StatusNotEntered}},
		// Events of a Parallel or a Map may name, as their previous event, one inside a branch or an iteration.
		{"a Parallel's failure names its branch's", nested, []ev{
			"1 0 ExecutionStarted", "2 1 ChoiceStateEntered Check", "3 2 ChoiceStateExited Check",
			"4 3 ParallelStateEntered Fan out", "5 4 ParallelStateStarted", "6 5 TaskStateEntered a/b",
			"7 5 WaitStateEntered B", "8 6 TaskFailed Boom", "9 8 ParallelStateFailed Boom",
			"10 9 FailStateEntered Nope", "11 10 ExecutionFailed Nope",
		}, map[string]string{"Check": StatusSucceeded, "Fan out": StatusCaught, "a/b": StatusFailed, "B": StatusCancelled,
			"Nope": StatusFailed, "Each": StatusNotEntered, "Step": StatusNotEntered, "Done": StatusNotEntered}},
		{"a Parallel's end names the branch that ended last", nested, []ev{
			"1 0 ExecutionStarted", "2 1 ChoiceStateEntered Check", "3 2 ChoiceStateExited Check",
			"4 3 ParallelStateEntered Fan out", "5 4 ParallelStateStarted", "6 5 TaskStateEntered a/b",
			"7 5 WaitStateEntered B", "8 6 TaskSucceeded", "9 8 TaskStateExited a/b", "10 7 WaitStateExited B",
			"11 10 ParallelStateSucceeded", "12 11 ParallelStateExited Fan out", "13 12 SucceedStateEntered Done",
		}, map[string]string{"Check": StatusSucceeded, "Fan out": StatusSucceeded, "a/b": StatusSucceeded, "B": StatusSucceeded,
			"Done": StatusRunning, "Nope": StatusNotEntered, "Each": StatusNotEntered, "Step": StatusNotEntered}},
		{"an execution fails inside a branch", nested, []ev{
			"1 0 ExecutionStarted", "2 1 ChoiceStateEntered Check", "3 2 ChoiceStateExited Check",
			"4 3 ParallelStateEntered Fan out", "5 4 ParallelStateStarted", "6 5 TaskStateEntered a/b",
			"7 6 ExecutionFailed States.Runtime",
		}, map[string]string{"Check": StatusSucceeded, "Fan out": StatusFailed, "a/b": StatusFailed, "B": StatusNotEntered,
			"Done": StatusNotEntered, "Nope": StatusNotEntered, "Each": StatusNotEntered, "Step": StatusNotEntered}},
		{"Map iterations one after the other, one of them failed and tolerated", nested, []ev{
			"1 0 ExecutionStarted", "2 1 ChoiceStateEntered Check", "3 2 ChoiceStateExited Check",
			"4 3 MapStateEntered Each", "5 4 MapStateStarted", "6 5 MapIterationStarted", "7 6 PassStateEntered Step",
			"8 7 PassStateExited Step", "9 8 MapIterationSucceeded", "10 9 MapIterationStarted", "11 10 PassStateEntered Step",
			"12 11 PassStateExited Step", "13 12 MapIterationFailed", "14 13 MapStateSucceeded", "15 14 MapStateExited Each",
		}, map[string]string{"Check": StatusSucceeded, "Each": StatusSucceeded, "Step": StatusSucceeded, "Fan out": StatusNotEntered,
			"a/b": StatusNotEntered, "B": StatusNotEntered, "Nope": StatusNotEntered, "Done": StatusNotEntered}},
		{"states of another definition are skipped", loop, []ev{
			"1 0 ExecutionStarted", "2 1 PassStateEntered Elsewhere", "3 2 PassStateExited Elsewhere", "4 3 TaskStateEntered T",
		}, map[string]string{"T": StatusRunning, "Loop": StatusNotEntered, "Handle": StatusNotEntered, "Done": StatusNotEntered}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := Build(check(t, tc.def))
			Colour(g, history(t, tc.events...))
			got := map[string]string{}
			g.Walk(func(n *Node) { got[n.Name] = n.Status })
			assert.Equal(t, tc.want, got)
		})
	}
}
