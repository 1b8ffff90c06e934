package interpreter

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"
)

// MaxHistoryEvents is the number of history events after which AWS fails a standard execution.
const MaxHistoryEvents = 25000

// Event is one history event, in GetExecutionHistory's terms. Values are kept as they are and written
// as JSON text only when the event is marshalled, so recording history costs no serialisation.
type Event struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Type            string
	// Name is the state's name for state events; the execution input/output travel in Input/Output.
	Name      string
	Input     any
	HasInput  bool
	Output    any
	HasOutput bool
	Error     string
	Cause     string
	// Resource and ResourceType name a task's resource (TaskScheduled and the events after it).
	Resource     string
	ResourceType string
	Parameters   any
	// Index is a Map iteration's index; Length a Map state's number of items.
	Index  int
	Length int
	// WorkerName is the activity worker that took an activity task (ActivityStarted).
	WorkerName string
	// TimeoutInSeconds and HeartbeatInSeconds are an activity task's limits (0: not set).
	TimeoutInSeconds, HeartbeatInSeconds int64
	// Assigned are the variables a state set (StateExited), as the API shows them: name -> JSON text.
	Assigned map[string]any
	// RoleArn is the execution's role (ExecutionStarted), which only the control plane knows; so are the
	// version and alias it was started with, if any.
	RoleArn                                      string
	StateMachineVersionArn, StateMachineAliasArn string
	// MapRunArn is the Map Run a Distributed Map started (MapRunStarted).
	MapRunArn string
	// RedriveCount is the execution's redrives so far (ExecutionRedriven).
	RedriveCount int64
}

// detailsKey is the name of the details field each event type carries in the API.
var detailsKey = map[string]string{
	"ExecutionStarted": "executionStartedEventDetails", "ExecutionSucceeded": "executionSucceededEventDetails",
	"ExecutionFailed": "executionFailedEventDetails", "ExecutionTimedOut": "executionTimedOutEventDetails",
	"ExecutionAborted": "executionAbortedEventDetails",
	"TaskScheduled":    "taskScheduledEventDetails", "TaskStarted": "taskStartedEventDetails",
	"TaskSubmitted": "taskSubmittedEventDetails", "TaskSucceeded": "taskSucceededEventDetails",
	"TaskFailed": "taskFailedEventDetails", "TaskTimedOut": "taskTimedOutEventDetails",
	"LambdaFunctionScheduled": "lambdaFunctionScheduledEventDetails", "LambdaFunctionStarted": "",
	"LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails", "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
	"LambdaFunctionTimedOut": "lambdaFunctionTimedOutEventDetails",
	"MapStateStarted":        "mapStateStartedEventDetails", "MapIterationStarted": "mapIterationStartedEventDetails",
	"MapIterationSucceeded": "mapIterationSucceededEventDetails", "MapIterationFailed": "mapIterationFailedEventDetails",
	"MapIterationAborted": "mapIterationAbortedEventDetails",
	"ActivityScheduled":   "activityScheduledEventDetails", "ActivityStarted": "activityStartedEventDetails",
	"ActivitySucceeded": "activitySucceededEventDetails", "ActivityFailed": "activityFailedEventDetails",
	"ActivityTimedOut": "activityTimedOutEventDetails",
	"MapRunStarted":    "mapRunStartedEventDetails", "MapRunFailed": "mapRunFailedEventDetails",
	"ExecutionRedriven": "executionRedrivenEventDetails", "MapRunRedriven": "mapRunRedrivenEventDetails",
}

// MarshalJSON writes the event as GetExecutionHistory does.
func (e Event) MarshalJSON() ([]byte, error) {
	out := map[string]any{
		"id":        e.ID,
		"type":      e.Type,
		"timestamp": float64(e.Timestamp.UnixMilli()) / 1000,
	}
	if e.PreviousEventID > 0 {
		out["previousEventId"] = e.PreviousEventID
	}
	d := map[string]any{}
	key := detailsKey[e.Type]
	switch {
	case isStateEntered(e.Type):
		key = "stateEnteredEventDetails"
		d["name"] = e.Name
		d["input"] = compactJSON(e.Input)
		d["inputDetails"] = map[string]any{"truncated": false}
	case isStateExited(e.Type):
		key = "stateExitedEventDetails"
		d["name"] = e.Name
		d["output"] = compactJSON(e.Output)
		d["outputDetails"] = map[string]any{"truncated": false}
		if e.Assigned != nil {
			vars := make(map[string]string, len(e.Assigned))
			for name, v := range e.Assigned {
				vars[name] = compactJSON(v)
			}
			d["assignedVariables"] = vars
			d["assignedVariablesDetails"] = map[string]any{"truncated": false}
		}
	}
	if e.HasInput {
		d["input"] = compactJSON(e.Input)
		d["inputDetails"] = map[string]any{"truncated": false}
	}
	if e.HasOutput {
		d["output"] = compactJSON(e.Output)
		d["outputDetails"] = map[string]any{"truncated": false}
	}
	if e.Error != "" {
		d["error"] = e.Error
	}
	if e.Cause != "" {
		d["cause"] = e.Cause
	}
	if e.Resource != "" {
		d["resource"] = e.Resource
		d["resourceType"] = e.ResourceType
	}
	if e.Parameters != nil {
		d["parameters"] = compactJSON(e.Parameters)
	}
	if e.RoleArn != "" {
		d["roleArn"] = e.RoleArn
	}
	if e.StateMachineVersionArn != "" {
		d["stateMachineVersionArn"] = e.StateMachineVersionArn
	}
	if e.StateMachineAliasArn != "" {
		d["stateMachineAliasArn"] = e.StateMachineAliasArn
	}
	if e.MapRunArn != "" {
		d["mapRunArn"] = e.MapRunArn
	}
	if e.Type == "ExecutionRedriven" || e.Type == "MapRunRedriven" {
		d["redriveCount"] = e.RedriveCount
	}
	if e.WorkerName != "" {
		d["workerName"] = e.WorkerName
	}
	if e.TimeoutInSeconds > 0 {
		d["timeoutInSeconds"] = e.TimeoutInSeconds
	}
	if e.HeartbeatInSeconds > 0 {
		d["heartbeatInSeconds"] = e.HeartbeatInSeconds
	}
	switch e.Type {
	case "MapStateStarted":
		d["length"] = e.Length
	case "MapIterationStarted", "MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted":
		d["name"], d["index"] = e.Name, e.Index
	}
	if key != "" && len(d) > 0 {
		out[key] = d
	}
	return json.Marshal(out)
}

func isStateEntered(t string) bool { return len(t) > 12 && t[len(t)-12:] == "StateEntered" }
func isStateExited(t string) bool  { return len(t) > 11 && t[len(t)-11:] == "StateExited" }

// history is an execution's event log. Ids come from one atomic counter, so they order every event of the
// execution; each frame (the execution, a branch, an iteration) keeps its own events without a lock, and
// hands them in when it ends. A Map's 40 concurrent iterations thus never wait on one another here.
type history struct {
	n     atomic.Int64
	clock Clock
	// limit is the number of events allowed; adding beyond it fails the execution.
	limit int64
	mu    sync.Mutex
	ended []eventLog
}

// eventLog is one frame's events, in chunks so that a long history never copies what it holds. Chunks
// start small, since most frames (a Map iteration) hold a handful of events, and double up to a cap.
type eventLog struct {
	chunks [][]Event
}

const (
	firstChunk = 4
	maxChunk   = 256
)

func (l *eventLog) append(e Event) {
	switch {
	case len(l.chunks) == 0:
		l.chunks = append(l.chunks, make([]Event, 0, firstChunk))
	case len(l.chunks[len(l.chunks)-1]) == cap(l.chunks[len(l.chunks)-1]):
		l.chunks = append(l.chunks, make([]Event, 0, min(2*cap(l.chunks[len(l.chunks)-1]), maxChunk)))
	}
	last := len(l.chunks) - 1
	l.chunks[last] = append(l.chunks[last], e)
}

// next numbers an event; ok is false once the history limit is exceeded.
func (h *history) next() (int64, bool) {
	id := h.n.Add(1)
	return id, h.limit <= 0 || id <= h.limit
}

// collect takes the events of a frame that has ended.
func (h *history) collect(l eventLog) {
	h.mu.Lock()
	h.ended = append(h.ended, l)
	h.mu.Unlock()
}

// snapshot returns the collected events in id order. Ids are dense from 1, so each event goes straight
// to its place; an id whose frame has not ended yet leaves no gap.
func (h *history) snapshot() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Event, h.n.Load())
	for _, l := range h.ended {
		for _, c := range l.chunks {
			for i := range c {
				if id := c[i].ID; id >= 1 && id <= int64(len(out)) {
					out[id-1] = c[i]
				}
			}
		}
	}
	kept := out[:0]
	for i := range out {
		if out[i].ID != 0 {
			kept = append(kept, out[i])
		}
	}
	return kept
}
