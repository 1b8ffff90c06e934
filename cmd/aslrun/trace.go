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
	w io.Writer
	// color paints the time dim, the state bold, successes green, failures and errors red.
	color bool
	mu    sync.Mutex
	// start is each execution's start; state the state each event belongs to (events other than a state's
	// entered and exited follow the chain of previous events to it).
	start map[string]time.Time
	state map[string]map[int64]string
}

func newTracer(w io.Writer, color bool) *tracer {
	return &tracer{w: w, color: color, start: map[string]time.Time{}, state: map[string]map[int64]string{}}
}

// eventColor is the colour of an event type: red for what failed, green for what succeeded, cyan for a
// state entered.
func eventColor(typ string) string {
	switch {
	case strings.HasSuffix(typ, "Failed"), strings.HasSuffix(typ, "TimedOut"), strings.HasSuffix(typ, "Aborted"):
		return sgrRed
	case strings.HasSuffix(typ, "Succeeded"):
		return sgrGreen
	case strings.HasSuffix(typ, "StateEntered"):
		return sgrCyan
	}
	return ""
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
	name := e.Name()
	if name == "" || strings.HasPrefix(e.Type(), "Map") {
		name = states[e.PreviousEventID]
	}
	states[e.ID] = name
	if e.Kind.IsStateExited() {
		states[e.ID] = "" // what follows belongs to the next state
	}
	var rest []string
	if name != "" {
		rest = append(rest, paint(t.color, sgrBold, name))
	}
	if e.Error != "" {
		rest = append(rest, paint(t.color, sgrRed, "error="+e.Error))
	}
	if e.Cause != "" {
		rest = append(rest, paint(t.color, sgrRed, "cause="+firstLine(e.Cause)))
	}
	if len(t.start) > 1 {
		rest = append(rest, "("+ev.ExecutionArn[strings.LastIndexByte(ev.ExecutionArn, ':')+1:]+")")
	}
	// The type is padded outside its colour, so that the columns line up either way.
	line := paint(t.color, sgrDim, fmt.Sprintf("%+9.3fs", e.Timestamp.Sub(start).Seconds())) + "  " + paint(t.color, eventColor(e.Type()), e.Type())
	if len(rest) > 0 {
		line += strings.Repeat(" ", max(28-len(e.Type()), 0)) + "  " + strings.Join(rest, "  ")
	}
	fmt.Fprintln(t.w, line)
}
