package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/server/service"
)

// tracer prints history events as they happen, for aslrun execute --trace: the time since the execution
// started (on the execution's clock, so virtual time shows the waits it skipped), the event's type, the
// state it belongs to, and an error's name and cause.
type tracer struct {
	w  io.Writer
	mu sync.Mutex
	// start is each execution's start; state the state each event belongs to (events other than a state's
	// entered and exited follow the chain of previous events to it).
	start map[string]time.Time
	state map[string]map[int64]string
}

func newTracer(w io.Writer) *tracer {
	return &tracer{w: w, start: map[string]time.Time{}, state: map[string]map[int64]string{}}
}

func (t *tracer) event(ev service.ExecutionEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := ev.Event
	start, ok := t.start[ev.ExecutionArn]
	if !ok {
		start = e.Timestamp
		t.start[ev.ExecutionArn] = start
		t.state[ev.ExecutionArn] = map[int64]string{}
	}
	states := t.state[ev.ExecutionArn]
	name := e.Name
	if name == "" || strings.HasPrefix(e.Type, "Map") {
		name = states[e.PreviousEventID]
	}
	states[e.ID] = name
	if strings.HasSuffix(e.Type, "StateExited") {
		states[e.ID] = "" // what follows belongs to the next state
	}
	line := fmt.Sprintf("%+9.3fs  %-28s", e.Timestamp.Sub(start).Seconds(), e.Type)
	if name != "" {
		line += "  " + name
	}
	if e.Error != "" {
		line += "  error=" + e.Error
	}
	if e.Cause != "" {
		line += "  cause=" + firstLine(e.Cause)
	}
	if len(t.start) > 1 {
		line += "  (" + ev.ExecutionArn[strings.LastIndexByte(ev.ExecutionArn, ':')+1:] + ")"
	}
	fmt.Fprintln(t.w, strings.TrimRight(line, " "))
}
