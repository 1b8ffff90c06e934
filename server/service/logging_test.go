package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// memorySink keeps the log events it is given, by log group.
type memorySink struct {
	mu     sync.Mutex
	events []string
	groups []string
	err    error
}

func (m *memorySink) Log(group string, event []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.groups = append(m.groups, group)
	m.events = append(m.events, string(event))
	return m.err
}

const (
	logRole  = "arn:aws:iam::123456789012:role/r"
	logGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/test:*"
	// The definitions of AWS's recorded log tests (localstack tests/aws/services/stepfunctions/v2/logs,
	// test_logs.snapshot.json, recorded on AWS in June 2024).
	passResult   = `{"StartAt":"State_1","States":{"State_1":{"Type":"Pass","Result":{"Arg1":"argument1"},"End":true}}}`
	raiseFailure = `{"StartAt":"FailState","States":{"FailState":{"Type":"Fail","Error":"SomeFailure","Cause":"This state machines raises a 'SomeFailure' failure."}}}`
)

// loggingConfig is a LoggingConfiguration with one log group.
func loggingConfig(level string, data bool) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"level":%q,"includeExecutionData":%t,"destinations":[{"cloudWatchLogsLogGroup":{"logGroupArn":%q}}]}`,
		level, data, logGroup))
}

// runLogged runs one execution of definition on a service that logs to a memory sink, and returns the
// events logged, with their timestamps checked and replaced by "timestamp", and the execution's ARN.
func runLogged(t *testing.T, definition, typ string, logging json.RawMessage) (events []string, arn string) {
	t.Helper()
	ctx := context.Background()
	s := newTestService(t, Options{})
	sink := &memorySink{}
	stop := s.LogExecutions(sink, func(err error) { t.Errorf("reported: %v", err) })
	before := time.Now().UnixMilli()
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "logged", Definition: definition, RoleArn: logRole,
		Type: typ, LoggingConfiguration: logging})
	require.NoError(t, err)
	if typ == store.TypeExpress {
		out, err := s.StartSyncExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn})
		require.NoError(t, err)
		arn = out.ExecutionArn
	} else {
		d := runExisting(t, s, sm.StateMachineArn)
		arn = d.ExecutionArn
	}
	s.Close()
	stop()
	after := time.Now().UnixMilli()
	for _, g := range sink.groups {
		assert.Equal(t, logGroup, g)
	}
	stamp := regexp.MustCompile(`"event_timestamp":"(\d+)"`)
	for _, e := range sink.events {
		m := stamp.FindStringSubmatch(e)
		require.NotNil(t, m, e)
		var ms int64
		_, err := fmt.Sscan(m[1], &ms)
		require.NoError(t, err)
		assert.True(t, ms >= before && ms <= after, "event_timestamp %d not within the run [%d, %d]", ms, before, after)
		events = append(events, strings.Replace(e, m[0], `"event_timestamp":"timestamp"`, 1))
	}
	return events, arn
}

// runExisting starts an execution of a created state machine and waits for its end.
func runExisting(t *testing.T, s *Service, machineArn string) *DescribeExecutionOutput {
	t.Helper()
	ctx := context.Background()
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: machineArn})
	require.NoError(t, err)
	var d *DescribeExecutionOutput
	require.Eventually(t, func() bool {
		d, err = s.DescribeExecution(ctx, &DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
		require.NoError(t, err)
		return d.Status != store.Running
	}, 10*time.Second, 2*time.Millisecond)
	return d
}

// TestExecutionLogAsAWS: the log events of AWS's recorded log tests, exactly: the level's event types,
// details with or without execution data, every member a string.
func TestExecutionLogAsAWS(t *testing.T) {
	line := func(id, typ, details, previous string) string {
		return fmt.Sprintf(`{"id":%q,"type":%q,"details":%s,"previous_event_id":%q,"event_timestamp":"timestamp","execution_arn":"ARN","redrive_count":"0"}`,
			id, typ, details, previous)
	}
	// AWS gives the first state's entered event previous_event_id "0", in its history too; ours says "1" (the
	// interpreter's history, which the log follows).
	const first = "1"
	started := line("1", "ExecutionStarted", `{"input":"{}","inputDetails":{"truncated":false},"roleArn":"`+logRole+`"}`, "0")
	startedNoData := line("1", "ExecutionStarted", `{"roleArn":"`+logRole+`"}`, "0")
	failed := line("3", "ExecutionFailed", `{"cause":"This state machines raises a 'SomeFailure' failure.","error":"SomeFailure"}`, "2")
	tests := []struct {
		name, definition, level string
		data                    bool
		want                    []string
	}{
		{"pass ALL with data", passResult, "ALL", true, []string{
			started,
			line("2", "PassStateEntered", `{"input":"{}","inputDetails":{"truncated":false},"name":"State_1"}`, first),
			line("3", "PassStateExited", `{"name":"State_1","output":"{\"Arg1\":\"argument1\"}","outputDetails":{"truncated":false}}`, "2"),
			line("4", "ExecutionSucceeded", `{"output":"{\"Arg1\":\"argument1\"}","outputDetails":{"truncated":false}}`, "3"),
		}},
		{"pass ALL without data", passResult, "ALL", false, []string{
			startedNoData,
			line("2", "PassStateEntered", `{"name":"State_1"}`, first),
			line("3", "PassStateExited", `{"name":"State_1"}`, "2"),
			line("4", "ExecutionSucceeded", `{}`, "3"),
		}},
		{"pass ERROR", passResult, "ERROR", true, nil},
		{"pass FATAL", passResult, "FATAL", false, nil},
		{"pass OFF", passResult, "OFF", true, nil},
		{"fail ALL with data", raiseFailure, "ALL", true, []string{
			started, line("2", "FailStateEntered", `{"input":"{}","inputDetails":{"truncated":false},"name":"FailState"}`, first), failed,
		}},
		{"fail ALL without data", raiseFailure, "ALL", false, []string{
			startedNoData, line("2", "FailStateEntered", `{"name":"FailState"}`, first), failed,
		}},
		{"fail ERROR with data", raiseFailure, "ERROR", true, []string{
			line("2", "FailStateEntered", `{"input":"{}","inputDetails":{"truncated":false},"name":"FailState"}`, first), failed,
		}},
		{"fail ERROR without data", raiseFailure, "ERROR", false, []string{
			line("2", "FailStateEntered", `{"name":"FailState"}`, first), failed,
		}},
		{"fail FATAL", raiseFailure, "FATAL", true, []string{failed}},
		{"fail OFF", raiseFailure, "OFF", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, arn := runLogged(t, tt.definition, store.TypeStandard, loggingConfig(tt.level, tt.data))
			var want []string
			for _, w := range tt.want {
				want = append(want, strings.Replace(w, `"ARN"`, `"`+arn+`"`, 1))
			}
			assert.Equal(t, want, got)
		})
	}
}

// TestExecutionLogOfExpress: Express executions, which keep no history, log all the same.
func TestExecutionLogOfExpress(t *testing.T) {
	got, arn := runLogged(t, passResult, store.TypeExpress, loggingConfig("ALL", false))
	assert.Contains(t, arn, ":express:logged:")
	require.Len(t, got, 4)
	assert.Contains(t, got[0], `"type":"ExecutionStarted","details":{"roleArn":"`+logRole+`"}`)
	assert.Contains(t, got[3], `"type":"ExecutionSucceeded","details":{},`)
}

// TestExecutionLogWithoutDestination: a state machine without a LoggingConfiguration logs nothing, nor
// does one of level OFF with a log group. (A level without a log group is refused at CreateStateMachine,
// as AWS refuses it: configs.go.)
func TestExecutionLogWithoutDestination(t *testing.T) {
	for _, logging := range []json.RawMessage{nil, loggingConfig("OFF", true)} {
		got, _ := runLogged(t, passResult, store.TypeStandard, logging)
		assert.Empty(t, got, string(logging))
	}
}

// TestExecutionLogOfMapRunChildren: a Distributed Map's children log to their parent's log group, each
// under its own ARN, with its ExecutionStarted.
func TestExecutionLogOfMapRunChildren(t *testing.T) {
	for _, typ := range []string{store.TypeStandard, store.TypeExpress} {
		t.Run(typ, func(t *testing.T) {
			definition := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"` + typ +
				`"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ItemsPath":"$.items","End":true}}}`
			ctx := context.Background()
			s := newTestService(t, Options{})
			sink := &memorySink{}
			stop := s.LogExecutions(sink, func(err error) { t.Errorf("reported: %v", err) })
			sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "parent", Definition: definition, RoleArn: logRole,
				LoggingConfiguration: loggingConfig("ALL", false)})
			require.NoError(t, err)
			run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: `{"items":[1,2]}`})
			require.NoError(t, err)
			awaitSucceeded(t, s, run.ExecutionArn, 10*time.Second)
			s.Close()
			stop()
			started := map[string]string{}
			for _, e := range sink.events {
				var ev logEvent
				require.NoError(t, json.Unmarshal([]byte(e), &ev))
				if ev.Type == "ExecutionStarted" {
					started[ev.ExecutionArn] = string(ev.Details)
				}
			}
			require.Len(t, started, 3, "the parent and its two children: %v", sink.events)
			for arn, details := range started {
				assert.Equal(t, `{"roleArn":"`+logRole+`"}`, details, arn)
			}
		})
	}
}

// TestLogTargetLevels: which event types each level logs.
func TestLogTargetLevels(t *testing.T) {
	tests := []struct {
		typ                      string
		all, errorLevel, fatalLv bool
	}{
		{"ExecutionStarted", true, false, false},
		{"PassStateExited", true, false, false},
		{"TaskSucceeded", true, false, false},
		{"ExecutionSucceeded", true, false, false},
		{"ExecutionFailed", true, true, true},
		{"ExecutionAborted", true, true, true},
		{"ExecutionTimedOut", true, true, true},
		{"FailStateEntered", true, true, false},
		{"TaskFailed", true, true, false},
		{"TaskTimedOut", true, true, false},
		{"LambdaFunctionFailed", true, true, false},
		{"MapIterationFailed", true, true, false},
		{"MapRunFailed", true, true, false},
		{"ParallelStateFailed", true, true, false},
		{"ActivityTimedOut", true, true, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.all, logTarget{level: "ALL"}.logs(tt.typ), "ALL %s", tt.typ)
		assert.Equal(t, tt.errorLevel, logTarget{level: "ERROR"}.logs(tt.typ), "ERROR %s", tt.typ)
		assert.Equal(t, tt.fatalLv, logTarget{level: "FATAL"}.logs(tt.typ), "FATAL %s", tt.typ)
		assert.False(t, logTarget{}.logs(tt.typ), "OFF %s", tt.typ)
	}
}

func TestNewLogTarget(t *testing.T) {
	tests := []struct {
		config string
		want   logTarget
	}{
		{string(loggingConfig("ERROR", true)), logTarget{level: "ERROR", data: true, group: logGroup, roleArn: logRole}},
		{string(loggingConfig("OFF", true)), logTarget{}},
		{string(loggingConfig("VERBOSE", true)), logTarget{}},
		{`{"level":"ALL"}`, logTarget{}},
		{`{"level":"ALL","destinations":[{"cloudWatchLogsLogGroup":{}}]}`, logTarget{}},
		{`not json`, logTarget{}},
		{``, logTarget{}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, newLogTarget([]byte(tt.config), logRole), tt.config)
	}
}

func TestMachineOfExecution(t *testing.T) {
	tests := []struct{ arn, want string }{
		{"arn:aws:states:eu-west-1:000000000000:execution:orders:run-1", "arn:aws:states:eu-west-1:000000000000:stateMachine:orders"},
		{"arn:aws:states:us-east-1:123456789012:express:orders:run-1:9b4d", "arn:aws:states:us-east-1:123456789012:stateMachine:orders"},
		{"arn:aws:states:us-east-1:123456789012:execution:orders/label:child", "arn:aws:states:us-east-1:123456789012:stateMachine:orders"},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:orders", ""},
		{"orders", ""},
	}
	for _, tt := range tests {
		got, ok := machineOfExecution(tt.arn)
		assert.Equal(t, tt.want != "", ok, tt.arn)
		assert.Equal(t, tt.want, got, tt.arn)
	}
}

// TestExecutionLogErrors: a failing sink is reported once while it keeps failing, and the events that
// came while the queue was full are counted as dropped.
func TestExecutionLogErrors(t *testing.T) {
	s := newTestService(t, Options{})
	_, err := s.CreateStateMachine(context.Background(), &CreateStateMachineInput{Name: "m", Definition: passResult, RoleArn: logRole,
		LoggingConfiguration: loggingConfig("ALL", true)})
	require.NoError(t, err)
	sink := &memorySink{err: errors.New("disk full")}
	var reported []string
	l := &execLogger{s: s, sink: sink, report: func(err error) { reported = append(reported, err.Error()) },
		wake: make(chan struct{}, 1), done: make(chan struct{}), targets: map[string]logTarget{}, queueCap: 10}
	arn := "arn:aws:states:us-east-1:123456789012:execution:m:e"
	for i := range 13 {
		l.enqueue(ExecutionEvent{ExecutionArn: arn, Event: interpreter.Event{ID: int64(i + 1), Kind: interpreter.PassStateEntered, Input: map[string]any{}}})
	}
	close(l.wake)
	l.loop()
	assert.Equal(t, []string{
		"execution log: 3 events dropped: the log could not keep up",
		"execution log of " + arn + ": disk full",
	}, reported)
	assert.Len(t, sink.events, 10)
}

// TestLogSinks: a stream adds each event's log group to its line; a directory keeps a file per log group.
func TestLogSinks(t *testing.T) {
	event := []byte(`{"id":"1","type":"ExecutionStarted"}`)
	var b bytes.Buffer
	stream := NewLogStream(&b)
	require.NoError(t, stream.Log(logGroup, event))
	require.NoError(t, stream.Log("other", event))
	assert.Equal(t, `{"id":"1","type":"ExecutionStarted","log_group_arn":"`+logGroup+`"}`+"\n"+
		`{"id":"1","type":"ExecutionStarted","log_group_arn":"other"}`+"\n", b.String())
	assert.Error(t, stream.Log(logGroup, []byte(`[]`)))

	dir := t.TempDir()
	d := NewLogDir(dir)
	require.NoError(t, d.Log(logGroup, event))
	require.NoError(t, d.Log(logGroup, event))
	require.NoError(t, d.Log("arn:aws:logs:us-east-1:123456789012:log-group:plain:*", event))
	require.NoError(t, d.Close())
	got, err := os.ReadFile(filepath.Join(dir, "%2Faws%2Fvendedlogs%2Fstates%2Ftest.log"))
	require.NoError(t, err)
	assert.Equal(t, string(event)+"\n"+string(event)+"\n", string(got))
	got, err = os.ReadFile(filepath.Join(dir, "plain.log"))
	require.NoError(t, err)
	assert.Equal(t, string(event)+"\n", string(got))
	fi, err := os.Stat(filepath.Join(dir, "plain.log"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	// Appended to, not truncated.
	d = NewLogDir(dir)
	require.NoError(t, d.Log("plain", event))
	require.NoError(t, d.Close())
	got, err = os.ReadFile(filepath.Join(dir, "plain.log"))
	require.NoError(t, err)
	assert.Equal(t, string(event)+"\n"+string(event)+"\n", string(got))
	assert.Error(t, NewLogDir(filepath.Join(dir, "missing")).Log("plain", event))
}

// TestExecutionLogRedriveCount: the events from an ExecutionRedriven on carry its redrive count.
func TestExecutionLogRedriveCount(t *testing.T) {
	s := newTestService(t, Options{})
	_, err := s.CreateStateMachine(context.Background(), &CreateStateMachineInput{Name: "m", Definition: passResult, RoleArn: logRole,
		LoggingConfiguration: loggingConfig("ALL", false)})
	require.NoError(t, err)
	sink := &memorySink{}
	l := &execLogger{s: s, sink: sink, report: func(err error) { t.Error(err) }, targets: map[string]logTarget{}}
	arn := "arn:aws:states:us-east-1:123456789012:execution:m:e"
	for i, kind := range []interpreter.EventKind{interpreter.ExecutionStarted, interpreter.ExecutionFailed, interpreter.ExecutionRedriven,
		interpreter.PassStateEntered, interpreter.ExecutionSucceeded} {
		e := interpreter.Event{ID: int64(i + 1), Kind: kind}
		if kind == interpreter.ExecutionRedriven {
			e.About = &interpreter.About{RedriveCount: 1}
		}
		l.write(ExecutionEvent{ExecutionArn: arn, Event: e})
	}
	var counts []string
	for _, line := range sink.events {
		var ev logEvent
		require.NoError(t, json.Unmarshal([]byte(line), &ev))
		counts = append(counts, ev.Type+" "+ev.RedriveCount)
	}
	assert.Equal(t, []string{"ExecutionStarted 0", "ExecutionFailed 0", "ExecutionRedriven 1", "PassStateEntered 1", "ExecutionSucceeded 1"}, counts)
}
