package interpreter

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// MaxHistoryEvents is the number of history events after which AWS fails a standard execution.
const MaxHistoryEvents = 25000

// EventSink takes an execution's history events as they are recorded (Config.Events). Record is called on
// the execution's goroutines, concurrently for Parallel branches and Map iterations, so events of
// concurrent frames may come out of id order. It must not block, and must not keep e's payloads past the
// call unless it never changes them (the execution never does).
type EventSink interface {
	Record(e Event)
}

// Event is one history event, in GetExecutionHistory's terms. It is small and refers to what it shows
// (the state's compiled node, the payloads as they are) rather than copying it: written as JSON only by
// an EventEncoder, and only when someone keeps it.
type Event struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Kind            EventKind
	// Index is a Map iteration's index (MapIteration*); Length a Map state's number of items (MapStateStarted).
	Index, Length int
	// state is the state the event is of: its name and, for a task's events, its resource.
	state *node
	// Input and Output are the payloads the event shows (ExecutionStarted's input, a state's, a task's
	// parameters, a result); which one a kind shows is in its eventKind.
	Input, Output any
	Error, Cause  string
	// Assigned are the variables a state set (StateExited), as the API shows them: name -> value.
	Assigned map[string]any
	// About is what only a few events carry.
	About *About
}

// About is the part of an event that only a few kinds carry.
type About struct {
	// RoleArn is the execution's role (ExecutionStarted), which only the control plane knows; so are the
	// version and alias it was started with, if any.
	RoleArn                                      string
	StateMachineVersionArn, StateMachineAliasArn string
	// MapRunArn is the Map Run a Distributed Map started (MapRunStarted, MapRunRedriven).
	MapRunArn string
	// RedriveCount is the execution's redrives so far (ExecutionRedriven, MapRunRedriven).
	RedriveCount int64
	// WorkerName is the activity worker that took an activity task (ActivityStarted).
	WorkerName string
	// TimeoutInSeconds and HeartbeatInSeconds are an activity task's limits (0: not set).
	TimeoutInSeconds, HeartbeatInSeconds int64
}

// Type is the event's type, as GetExecutionHistory names it.
func (e *Event) Type() string { return eventKinds[e.Kind].name }

// Name is the name the event shows: its state's, for a state's entered and exited events and a Map
// iteration's events; "" for the others.
func (e *Event) Name() string {
	if e.state == nil || !eventKinds[e.Kind].named {
		return ""
	}
	return e.state.name
}

// State is the name of the state the event is of, whatever its kind ("" for an execution's events).
func (e *Event) State() string {
	if e.state == nil {
		return ""
	}
	return e.state.name
}

// Resource is the task resource the event names, and its type, as the event shows them ("" when it names
// none).
func (e *Event) Resource() (name, typ string) {
	if e.state == nil {
		return "", ""
	}
	t, ok := e.state.impl.(*taskState)
	if !ok {
		return "", ""
	}
	switch eventKinds[e.Kind].resource {
	case resourceNamed:
		if !t.activity {
			return t.resourceName, t.resourceType
		}
	case resourceArn:
		return t.resource, ""
	}
	return "", ""
}

// EventLog is an EventSink that keeps every event in memory: for tests, and for tools that read the whole
// history of an execution they run themselves.
type EventLog struct {
	mu     sync.Mutex
	events []Event
}

// Record keeps e.
func (l *EventLog) Record(e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

// Events returns the events recorded so far, in id order.
func (l *EventLog) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.events)
	slices.SortFunc(out, func(a, b Event) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// history numbers an execution's events. Ids come from one atomic counter, so they order every event of
// the execution, across concurrent frames; the events themselves go to Config.Events, or nowhere.
type history struct {
	n atomic.Int64
	// limit is the number of events allowed; adding beyond it fails the execution.
	limit int64
}

// next numbers an event; ok is false once the history limit is exceeded.
func (h *history) next() (int64, bool) {
	id := h.n.Add(1)
	return id, h.limit <= 0 || id <= h.limit
}
