package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// Execution logging: the log events a state machine's LoggingConfiguration asks for, in AWS's shape for
// Step Functions in CloudWatch Logs:
//
//	{"id":"3","type":"PassStateExited","details":{...},"previous_event_id":"2",
//	 "event_timestamp":"1717615626000","execution_arn":"arn:...","redrive_count":"0"}
//
// One event per history event the level lets through: ALL every event, ERROR the error events
// (errorEvent), FATAL only the execution's failures (fatalEvent), OFF none. details are the history event's
// *EventDetails object; without includeExecutionData they lose input, inputDetails, output and
// outputDetails, as AWS's logs do. The events come from the service's subscription, so logging changes
// nothing in how executions run.

// LogSink takes execution log events. Log is called from one goroutine at a time.
type LogSink interface {
	// Log writes one event, AWS's log message (a JSON object without a newline), to the log group
	// logGroupArn (the destination's ARN as the LoggingConfiguration gives it).
	Log(logGroupArn string, event []byte) error
}

// maxLogQueue bounds the events waiting for the log writer; past it events are dropped and counted (AWS
// too delivers logs on a best-effort basis) rather than slowing executions down or growing without bound.
const maxLogQueue = 1 << 16

// maxLogTargets bounds the executions whose logging configuration the writer remembers: an execution that
// parked here and ended on another node is never seen to end. Past it all are forgotten and looked up
// again as their events come.
const maxLogTargets = 1 << 16

// logLookupTimeout bounds the store read of a state machine's logging configuration.
const logLookupTimeout = 5 * time.Second

// LogExecutions writes the log events of every execution whose state machine's LoggingConfiguration logs
// (a level other than OFF and a log group destination) to sink, until stop is called; report, when not
// nil, is told of sink errors and of dropped events (on the writer's goroutine). Call it before the
// executions start (and before ResumeUnfinished), and stop after Close so that their last events are
// written: stop writes what is queued, then returns.
//
// An execution logs as its state machine is configured when its first event reaches the writer; the
// child executions of a Distributed Map log as their parent's state machine is configured.
func (s *Service) LogExecutions(sink LogSink, report func(error)) (stop func()) {
	l := &execLogger{s: s, sink: sink, report: report, wake: make(chan struct{}, 1), done: make(chan struct{}),
		targets: map[string]logTarget{}, queueCap: maxLogQueue}
	cancel := s.Subscribe("", l.enqueue)
	go l.loop()
	return func() {
		cancel() // no event is being handed over once it returns: wake can close
		close(l.wake)
		<-l.done
	}
}

// execLogger queues the subscription's events and writes them on its own goroutine, which looks up the
// logging configurations in the store.
type execLogger struct {
	s      *Service
	sink   LogSink
	report func(error)
	wake   chan struct{}
	done   chan struct{}

	mu       sync.Mutex
	queue    []ExecutionEvent
	queueCap int // maxLogQueue
	dropped  int

	// The writer's own: the logging of each execution seen running, and the last error reported (a sink
	// that keeps failing is reported once).
	targets map[string]logTarget
	lastErr string
}

// enqueue is the subscriber: it never blocks the execution.
func (l *execLogger) enqueue(e ExecutionEvent) {
	l.mu.Lock()
	if len(l.queue) < l.queueCap {
		l.queue = append(l.queue, e)
	} else {
		l.dropped++
	}
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *execLogger) loop() {
	defer close(l.done)
	for {
		_, open := <-l.wake
		l.mu.Lock()
		batch, dropped := l.queue, l.dropped
		l.queue, l.dropped = nil, 0
		l.mu.Unlock()
		if dropped > 0 {
			l.fail(fmt.Errorf("execution log: %d events dropped: the log could not keep up", dropped))
		}
		for _, e := range batch {
			l.write(e)
		}
		if !open {
			return
		}
	}
}

// write logs one event if its execution's logging asks for it.
func (l *execLogger) write(e ExecutionEvent) {
	t, known := l.targets[e.ExecutionArn]
	if !known {
		var err error
		if t, err = l.lookup(e.ExecutionArn); err != nil {
			l.fail(err)
			return // not remembered: the next event looks again
		}
		if len(l.targets) >= maxLogTargets {
			clear(l.targets)
		}
		l.targets[e.ExecutionArn] = t
	}
	switch {
	case executionEnd(e.Event.Type()):
		delete(l.targets, e.ExecutionArn)
	case e.Event.Kind == interpreter.ExecutionRedriven && e.Event.About != nil:
		t.redrives = e.Event.About.RedriveCount
		l.targets[e.ExecutionArn] = t
	}
	if !t.logs(e.Event.Type()) {
		return
	}
	line, err := t.event(e)
	if err == nil {
		err = l.sink.Log(t.group, line)
	}
	if err != nil {
		l.fail(fmt.Errorf("execution log of %s: %w", e.ExecutionArn, err))
		return
	}
	l.lastErr = ""
}

// fail reports an error unless it is the one reported last.
func (l *execLogger) fail(err error) {
	if l.report != nil && err.Error() != l.lastErr {
		l.report(err)
	}
	l.lastErr = err.Error()
}

// lookup reads the logging configuration of an execution's state machine. An execution whose state
// machine is gone (deleted while it ran) logs nothing.
func (l *execLogger) lookup(executionArn string) (logTarget, error) {
	machine, ok := machineOfExecution(executionArn)
	if !ok {
		return logTarget{}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), logLookupTimeout)
	defer cancel()
	sm, err := l.s.store.GetStateMachine(ctx, machine)
	if errors.Is(err, store.ErrNotFound) {
		return logTarget{}, nil
	}
	if err != nil {
		return logTarget{}, fmt.Errorf("execution log of %s: reading its state machine: %w", executionArn, err)
	}
	return newLogTarget(sm.LoggingConfiguration, sm.RoleArn), nil
}

// machineOfExecution is the ARN of the state machine an execution ARN names (standard:
// ...:execution:MACHINE:NAME, express: ...:express:MACHINE:NAME:ID), in the execution's region and
// account. A Distributed Map's children are named MACHINE/LABEL: their parent's state machine.
func machineOfExecution(executionArn string) (string, bool) {
	p, err := parseArn(executionArn, arnExecution, arnExpress)
	if err != nil {
		return "", false
	}
	name, _, _ := strings.Cut(p.names[0], "/")
	parts := strings.SplitN(executionArn, ":", 6)
	return strings.Join(append(parts[:5], arnStateMachine, name), ":"), true
}

// logTarget is how one execution logs: its level (empty: not at all), whether execution data is included,
// the log group, and the state machine's role (for ExecutionStarted events that lack it); redrives is
// the execution's redrive count, as its last ExecutionRedriven said.
type logTarget struct {
	level    string
	data     bool
	group    string
	roleArn  string
	redrives int64
}

// newLogTarget reads a LoggingConfiguration as the API stores it. A configuration that does not parse, or
// names no log group, logs nothing (AWS refuses those at CreateStateMachine).
func newLogTarget(config []byte, roleArn string) logTarget {
	var c struct {
		Level                string `json:"level"`
		IncludeExecutionData bool   `json:"includeExecutionData"`
		Destinations         []struct {
			CloudWatchLogsLogGroup struct {
				LogGroupArn string `json:"logGroupArn"`
			} `json:"cloudWatchLogsLogGroup"`
		} `json:"destinations"`
	}
	if len(config) == 0 || json.Unmarshal(config, &c) != nil || len(c.Destinations) == 0 ||
		c.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn == "" {
		return logTarget{}
	}
	switch c.Level {
	case "ALL", "ERROR", "FATAL":
	default:
		return logTarget{}
	}
	return logTarget{level: c.Level, data: c.IncludeExecutionData, group: c.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn, roleArn: roleArn}
}

// logs reports whether the target's level logs events of the type.
func (t logTarget) logs(typ string) bool {
	switch t.level {
	case "ALL":
		return true
	case "ERROR":
		return fatalEvent(typ) || errorEvent(typ)
	case "FATAL":
		return fatalEvent(typ)
	}
	return false
}

// fatalEvent: the events the FATAL level logs (AWS's log levels table).
func fatalEvent(typ string) bool {
	switch typ {
	case "ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut":
		return true
	}
	return false
}

// errorEvent: the events the ERROR level logs besides the fatal ones, as AWS's log levels table lists
// them. The table does not list the activity failures nor EvaluationFailed; they are errors, so they are
// logged here too (our decision).
func errorEvent(typ string) bool {
	switch typ {
	case "FailStateEntered",
		"LambdaFunctionFailed", "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed", "LambdaFunctionTimedOut",
		"MapStateAborted", "MapStateFailed", "MapIterationAborted", "MapIterationFailed", "MapRunAborted", "MapRunFailed",
		"ParallelStateAborted", "ParallelStateFailed",
		"TaskFailed", "TaskStartFailed", "TaskStateAborted", "TaskSubmitFailed", "TaskTimedOut", "WaitStateAborted",
		"ActivityFailed", "ActivityScheduleFailed", "ActivityTimedOut", "EvaluationFailed":
		return true
	}
	return false
}

// executionEnd reports whether an event ends its execution.
func executionEnd(typ string) bool {
	return fatalEvent(typ) || typ == "ExecutionSucceeded"
}

// logEvent is AWS's log message, its members in AWS's order. Numbers are strings there.
type logEvent struct {
	ID              string          `json:"id"`
	Type            string          `json:"type"`
	Details         json.RawMessage `json:"details"`
	PreviousEventID string          `json:"previous_event_id"`
	// EventTimestamp is epoch milliseconds.
	EventTimestamp string `json:"event_timestamp"`
	ExecutionArn   string `json:"execution_arn"`
	RedriveCount   string `json:"redrive_count"`
}

// event is the log message of a history event: its details as GetExecutionHistory has them (the payloads
// are JSON text), less the execution data unless the target includes it.
func (t logTarget) event(e ExecutionEvent) ([]byte, error) {
	h, err := e.Event.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(h, &members); err != nil {
		return nil, err
	}
	d := json.RawMessage(`{}`)
	for k, v := range members {
		if strings.HasSuffix(k, "EventDetails") {
			d = v
		}
	}
	// The control plane knows the role; not every ExecutionStarted it publishes carries it.
	addRole := e.Event.Kind == interpreter.ExecutionStarted && (e.Event.About == nil || e.Event.About.RoleArn == "") && t.roleArn != ""
	if !t.data || addRole {
		var details map[string]json.RawMessage
		if err := json.Unmarshal(d, &details); err != nil {
			return nil, err
		}
		if addRole {
			details["roleArn"], _ = json.Marshal(t.roleArn)
		}
		if !t.data {
			for _, k := range []string{"input", "inputDetails", "output", "outputDetails"} {
				delete(details, k)
			}
		}
		if d, err = json.Marshal(details); err != nil {
			return nil, err
		}
	}
	return json.Marshal(logEvent{
		ID: strconv.FormatInt(e.Event.ID, 10), Type: e.Event.Type(), Details: d,
		PreviousEventID: strconv.FormatInt(e.Event.PreviousEventID, 10),
		EventTimestamp:  strconv.FormatInt(e.Event.Timestamp.UnixMilli(), 10),
		ExecutionArn:    e.ExecutionArn,
		RedriveCount:    strconv.FormatInt(t.redrives, 10),
	})
}
