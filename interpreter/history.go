package interpreter

import (
	"encoding/json"
	"sync"
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

// history is an execution's event log, shared by the goroutines of its branches and iterations.
type history struct {
	mu     sync.Mutex
	events []Event
	clock  Clock
	// limit is the number of events allowed; adding beyond it fails the execution.
	limit int
}

// add appends an event after prev and returns its id; ok is false when the history limit is exceeded.
func (h *history) add(prev int64, e Event) (int64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e.ID = int64(len(h.events)) + 1
	e.PreviousEventID = prev
	e.Timestamp = h.clock.Now()
	h.events = append(h.events, e)
	return e.ID, h.limit <= 0 || len(h.events) <= h.limit
}

func (h *history) snapshot() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.events...)
}
