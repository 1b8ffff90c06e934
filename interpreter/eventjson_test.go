package interpreter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// canonical is data as encoding/json writes it: decoded and encoded again, members in key order, its
// escapes, its numbers.
func canonical(t *testing.T, data []byte) string {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	require.NoError(t, d.Decode(&v), "%s", data)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// TestEventJSONIsWhatEncodingJSONWrites: the encoder writes every event exactly as encoding/json wrote the
// event's nested maps (the bytes the store kept before): members in key order, HTML characters, U+2028
// and invalid UTF-8 escaped, payloads as JSON text in strings.
func TestEventJSONIsWhatEncodingJSONWrites(t *testing.T) {
	def := `{"StartAt":"P","States":{
		"P":{"Type":"Pass","Parameters":{"s":"<a & b>\u2028\t\"q\" \\ \u0001","f":1.5e-7,"big":1e21,"n":[1,2.5,null,true]},"Assign":{"z":1,"a":{"k":"<>"}},"ResultPath":"$.p","Next":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},"ResultPath":"$.t","Next":"L"},
		"L":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Par"}],"Next":"Par"},
		"Par":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"ResultPath":null,"Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":null,"Next":"W"},
		"W":{"Type":"Wait","Seconds":1,"Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"F"}],"Default":"F"},
		"F":{"Type":"Fail","Error":"E<1>","Cause":"bad \u00e9 \u2029 & worse"}}}`
	calls := 0
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) {
		if calls++; calls == 2 {
			return nil, failure.New("Oops<&>", "line\nnext")
		}
		return req.Input, nil
	})
	res, history := runLogged(t, def, `{"items":[1,"<x>"],"x":"\u2028"}`, inv)
	require.Equal(t, interpreter.Failed, res.Status, "%s: %s", res.Error, res.Cause)
	assert.Subset(t, eventTypes(history), []string{"PassStateExited", "TaskScheduled", "LambdaFunctionFailed", "ParallelStateStarted",
		"MapIterationStarted", "WaitStateExited", "ChoiceStateExited", "FailStateEntered", "ExecutionFailed"})

	about := &interpreter.About{RoleArn: "arn:aws:iam::1:role/r", StateMachineVersionArn: "arn:v<1>", StateMachineAliasArn: "arn:a",
		MapRunArn: "arn:m", RedriveCount: 2, WorkerName: "w&1", TimeoutInSeconds: 30, HeartbeatInSeconds: 5}
	at := time.UnixMilli(1_717_615_626_001)
	more := []interpreter.Event{
		{ID: 1, Timestamp: at, Kind: interpreter.ExecutionStarted, Input: interpreter.JSONText(`{"a":"<b>"}`), About: about},
		{ID: 2, PreviousEventID: 1, Timestamp: at, Kind: interpreter.ExecutionRedriven},
		{ID: 3, PreviousEventID: 2, Timestamp: at, Kind: interpreter.ExecutionRedriven, About: about},
		{ID: 4, PreviousEventID: 3, Timestamp: at, Kind: interpreter.MapRunStarted, About: about},
		{ID: 5, PreviousEventID: 4, Timestamp: at, Kind: interpreter.ActivityStarted, About: about},
		{ID: 6, PreviousEventID: 5, Timestamp: time.Time{}, Kind: interpreter.ExecutionAborted, Error: "a", Cause: "b"},
		{ID: 7, PreviousEventID: 6, Timestamp: at, Kind: interpreter.MapStateStarted, Length: 3},
		{ID: 8, PreviousEventID: 7, Timestamp: at, Kind: interpreter.ExecutionSucceeded, Output: map[string]any{"f": 0.1, "i": int64(-3)}},
	}
	for _, e := range append(history, more...) {
		b, err := e.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, canonical(t, b), string(b), "%s", e.Type())
	}

	// Invalid UTF-8 (which a decoder replaces, so it is not canonical above) is written as encoding/json does.
	bad := "a\xffb\xc3"
	b, err := interpreter.Event{ID: 1, Kind: interpreter.ExecutionFailed, Cause: bad}.MarshalJSON()
	require.NoError(t, err)
	quoted, err := json.Marshal(bad)
	require.NoError(t, err)
	assert.Contains(t, string(b), `{"cause":`+string(quoted)+`}`)
}

// TestEventJSONShapes: what each kind of event shows, byte for byte. A payload's text holds its '<' as it
// is, as AWS writes it (the event's own JSON then escapes it, as encoding/json does).
func TestEventJSONShapes(t *testing.T) {
	def := `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"Next":"M"},
		"M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"v.$":"$"},"End":true}}},"End":true}}}`
	inv := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) { return []any{"a<"}, nil })
	res, history := runLogged(t, def, `{}`, inv)
	require.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
	ts := `"timestamp":1767225600,`
	want := []string{
		`{"executionStartedEventDetails":{"input":"{}","inputDetails":{"truncated":false}},"id":1,` + ts + `"type":"ExecutionStarted"}`,
		`{"id":2,"previousEventId":1,"stateEnteredEventDetails":{"input":"{}","inputDetails":{"truncated":false},"name":"T"},` + ts + `"type":"TaskStateEntered"}`,
		`{"id":3,"previousEventId":2,"taskScheduledEventDetails":{"parameters":"{\"FunctionName\":\"f\"}","resource":"invoke","resourceType":"lambda"},` + ts + `"type":"TaskScheduled"}`,
		`{"id":4,"previousEventId":3,"taskStartedEventDetails":{"resource":"invoke","resourceType":"lambda"},` + ts + `"type":"TaskStarted"}`,
		`{"id":5,"previousEventId":4,"taskSucceededEventDetails":{"output":"[\"a\u003c\"]","outputDetails":{"truncated":false},"resource":"invoke","resourceType":"lambda"},` + ts + `"type":"TaskSucceeded"}`,
		`{"id":6,"previousEventId":5,"stateExitedEventDetails":{"name":"T","output":"[\"a\u003c\"]","outputDetails":{"truncated":false}},` + ts + `"type":"TaskStateExited"}`,
		`{"id":7,"previousEventId":6,"stateEnteredEventDetails":{"input":"[\"a\u003c\"]","inputDetails":{"truncated":false},"name":"M"},` + ts + `"type":"MapStateEntered"}`,
		`{"id":8,"mapStateStartedEventDetails":{"length":1},"previousEventId":7,` + ts + `"type":"MapStateStarted"}`,
		`{"id":9,"mapIterationStartedEventDetails":{"index":0,"name":"M"},"previousEventId":8,` + ts + `"type":"MapIterationStarted"}`,
		`{"id":10,"previousEventId":9,"stateEnteredEventDetails":{"input":"\"a\u003c\"","inputDetails":{"truncated":false},"name":"I"},` + ts + `"type":"PassStateEntered"}`,
		`{"id":11,"previousEventId":10,"stateExitedEventDetails":{"assignedVariables":{"v":"\"a\u003c\""},"assignedVariablesDetails":{"truncated":false},"name":"I","output":"\"a\u003c\"","outputDetails":{"truncated":false}},` + ts + `"type":"PassStateExited"}`,
		`{"id":12,"mapIterationSucceededEventDetails":{"index":0,"name":"M"},"previousEventId":11,` + ts + `"type":"MapIterationSucceeded"}`,
		`{"id":13,"previousEventId":8,` + ts + `"type":"MapStateSucceeded"}`,
		`{"id":14,"previousEventId":13,"stateExitedEventDetails":{"name":"M","output":"[\"a\u003c\"]","outputDetails":{"truncated":false}},` + ts + `"type":"MapStateExited"}`,
		`{"executionSucceededEventDetails":{"output":"[\"a\u003c\"]","outputDetails":{"truncated":false}},"id":15,"previousEventId":14,` + ts + `"type":"ExecutionSucceeded"}`,
	}
	require.Len(t, history, len(want))
	for i, e := range history {
		b, err := e.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, want[i], string(b))
	}
}

// TestEventPayloadIsWritersText: a payload is the JSON text value.Writer writes for it (keys sorted, strings
// as AWS writes them), inside a JSON string as encoding/json writes one; for the generic values, and for
// others, which the Writer leaves to oj.
func TestEventPayloadIsWritersText(t *testing.T) {
	values := []any{
		nil, true, false, int64(-42), 7, 0.1, 1e21, 1.5e-7, 123456789.125, -0.0, "",
		"<a & b> \u2028 \u00e9 \t\n\"q\" \\ \x01 \x7f", []any{}, []any(nil), map[string]any{},
		map[string]any{"b": []any{int64(1), 2.5, nil, map[string]any{"z": "<", "a": []any{}}}, "a": map[string]any{"y": map[string]any{"x": true}}, "\u00e9": 1},
		[]any{map[string]any{"k2": 1, "k1": 2}, map[string]any{"k1": 3}, []any{[]any{"deep"}}},
		time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), []string{"not", "generic"}, map[string]int{"b": 1, "a": 2}, int32(5), float32(0.1),
		[]any{interpreter.JSONText(`{"raw":true}`)},
	}
	for _, v := range values {
		b, err := interpreter.Event{ID: 1, Kind: interpreter.ExecutionSucceeded, Output: v}.MarshalJSON()
		require.NoError(t, err)
		text, err := json.Marshal(value.JSON(v))
		require.NoError(t, err)
		assert.Contains(t, string(b), `{"output":`+string(text)+`,"outputDetails"`, "%#v", v)
	}
}
