package main

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/server/service"
)

// functionNotFoundRe finds the function in the cause of Lambda.ResourceNotFoundException, which is AWS's
// text ("Function not found: arn:aws:lambda:REGION:ACCOUNT:function:NAME:$LATEST (Service: ...").
var functionNotFoundRe = regexp.MustCompile(`Function not found: arn:[^:\s]*:lambda:[^:\s]*:[^:\s]*:function:([^:\s]+)`)

// lambdaHints tells on stderr how to bind a handler to a Lambda function that a Task did not find. The
// Task fails with AWS's Lambda.ResourceNotFoundException and AWS's cause, which a Catch or a test may
// compare, so the hint goes beside it rather than into it. Each state is told once.
type lambdaHints struct {
	w          io.Writer
	definition string
	mu         sync.Mutex
	// state is each execution's state per event id (events other than a state's entered and exited
	// follow the chain of previous events to it, as the tracer does).
	state map[string]map[int64]string
	told  map[string]bool
}

func newLambdaHints(w io.Writer, definition string) *lambdaHints {
	return &lambdaHints{w: w, definition: definition, state: map[string]map[int64]string{}, told: map[string]bool{}}
}

func (h *lambdaHints) event(ev service.ExecutionEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := ev.Event
	states := h.state[ev.ExecutionArn]
	if states == nil {
		states = map[int64]string{}
		h.state[ev.ExecutionArn] = states
	}
	name := e.Name
	if name == "" || strings.HasPrefix(e.Type, "Map") {
		name = states[e.PreviousEventID]
	}
	states[e.ID] = name
	if strings.HasSuffix(e.Type, "StateExited") {
		states[e.ID] = ""
	}
	if e.Error != "Lambda.ResourceNotFoundException" || h.told[name] {
		return
	}
	m := functionNotFoundRe.FindStringSubmatch(e.Cause)
	if m == nil {
		return
	}
	h.told[name] = true
	base := strings.SplitN(filepath.Base(h.definition), ".", 2)[0]
	sidecar := filepath.Join(filepath.Dir(h.definition), base+".handlers.json")
	fmt.Fprintf(h.w, "aslrun: hint: the state %q of %s calls the Lambda function %q, which no handler serves: "+
		"bind one under the key %q or %q in a handler file (--handlers FILE, or %s; README: Handler files)\n",
		name, h.definition, m[1], m[1], "state:"+name, sidecar)
}
