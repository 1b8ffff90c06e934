package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

// functionNotFoundRe finds the function in the cause of Lambda.ResourceNotFoundException, which is AWS's
// text ("Function not found: arn:aws:lambda:REGION:ACCOUNT:function:NAME:$LATEST (Service: ...").
var functionNotFoundRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`Function not found: arn:[^:\s]*:lambda:[^:\s]*:[^:\s]*:function:([^:\s]+)`)
})

// lambdaHints tells on stderr how to bind a handler to a Lambda function that a Task did not find. The
// Task fails with AWS's Lambda.ResourceNotFoundException and AWS's cause, which a Catch or a test may
// compare, so the hint goes beside it rather than into it. Each state is told once. It watches the
// invocations (invoker), not the history, which a run then need not publish.
type lambdaHints struct {
	w          io.Writer
	definition string
	mu         sync.Mutex
	told       map[string]bool
}

func newLambdaHints(w io.Writer, definition string) *lambdaHints {
	return &lambdaHints{w: w, definition: definition, told: map[string]bool{}}
}

// invoker is reg, telling the hint of each call that did not find its function.
func (h *lambdaHints) invoker(reg *resources.Registry) interpreter.Invoker {
	return hinted{Registry: reg, hints: h}
}

// hinted is a registry whose failed calls go to its hints; the registry's other methods (Binds) stay.
type hinted struct {
	*resources.Registry
	hints *lambdaHints
}

func (h hinted) Invoke(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
	out, err := h.Registry.Invoke(ctx, req)
	if err != nil {
		h.hints.failed(req.StateName, err)
	}
	return out, err
}

// failed tells the hint for the state's call that failed with err, if it did not find its function.
func (h *lambdaHints) failed(name string, err error) {
	var fe *failure.Error
	if !errors.As(err, &fe) || fe.Name != "Lambda.ResourceNotFoundException" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.told[name] {
		return
	}
	m := functionNotFoundRe().FindStringSubmatch(fe.Cause)
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
