package interpreter

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
)

// taskState runs a resource through the execution's Invoker.
type taskState struct {
	resource    string
	parameters  *template
	credentials *template
	// lambda marks a legacy Lambda function ARN, whose history events are LambdaFunction*.
	lambda        bool
	resourceType  string
	resourceName  string
	waitForToken  bool
	timeout       time.Duration
	heartbeat     time.Duration
	timeoutPath   *jsonpath.Path
	heartbeatPath *jsonpath.Path
}

// DefaultTaskTimeout is AWS's default TimeoutSeconds for a Task: 99999999 seconds, a year or so.
const DefaultTaskTimeout = 99999999 * time.Second

func (c *compiler) task(m *machine, n *node, s *asl.Task, fail failFunc) error {
	if err := c.produces(m, n, s.IO, s.ResultFields, s.Errors, fail); err != nil {
		return err
	}
	t := &taskState{resource: s.Resource, timeout: DefaultTaskTimeout}
	t.lambda = strings.HasPrefix(s.Resource, "arn:aws:lambda:") || strings.Contains(s.Resource, ":lambda:") && strings.Contains(s.Resource, ":function:")
	t.resourceType, t.resourceName = splitResource(s.Resource, t.lambda)
	t.waitForToken = strings.HasSuffix(s.Resource, ".waitForTaskToken")
	var err error
	if s.Parameters != nil {
		if t.parameters, err = compileTemplate(s.Parameters); err != nil {
			return fail("Parameters", err)
		}
		n.usesContext = n.usesContext || t.parameters.readsContext
	}
	if s.Credentials != nil {
		if t.credentials, err = compileTemplate(s.Credentials); err != nil {
			return fail("Credentials", err)
		}
	}
	if s.TimeoutSeconds.Set {
		t.timeout = time.Duration(s.TimeoutSeconds.Value) * time.Second
	}
	if s.HeartbeatSeconds.Set {
		t.heartbeat = time.Duration(s.HeartbeatSeconds.Value) * time.Second
	}
	if s.TimeoutSecondsPath != "" {
		if t.timeoutPath, err = jsonpath.ParseReference(s.TimeoutSecondsPath); err != nil {
			return fail("TimeoutSecondsPath", err)
		}
	}
	if s.HeartbeatSecondsPath != "" {
		if t.heartbeatPath, err = jsonpath.ParseReference(s.HeartbeatSecondsPath); err != nil {
			return fail("HeartbeatSecondsPath", err)
		}
	}
	n.impl = t
	return nil
}

// splitResource gives the resourceType and resource that task history events name:
// "arn:aws:states:::lambda:invoke" is type "lambda", resource "invoke".
func splitResource(arn string, lambda bool) (string, string) {
	if lambda {
		return "lambda", arn
	}
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) == 7 && parts[2] == "states" && parts[3] == "" && parts[4] == "" {
		return parts[5], parts[6]
	}
	return "", arn
}

// newToken makes a task token: opaque, unguessable, URL-safe.
func newToken() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewUUID makes a random (version 4) UUID, as AWS names executions by default.
func NewUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (t *taskState) run(f *frame, n *node, input any) (any, *node, error) {
	if t.waitForToken {
		f.token, f.ctxObject = newToken(), nil
	}
	sc := scope{doc: input, f: f}
	params := input
	var err error
	if t.parameters != nil {
		if params, err = t.parameters.apply(sc); err != nil {
			return nil, nil, err
		}
	}
	timeout, heartbeat, err := t.limits(sc)
	if err != nil {
		return nil, nil, err
	}
	req := &TaskRequest{Resource: t.resource, Input: params, StateName: n.name, Token: f.token,
		Timeout: timeout, HeartbeatTimeout: heartbeat, Clock: f.ex.clock}
	if n.usesContext || t.waitForToken {
		req.Context = f.contextObject()
	}
	if t.credentials != nil {
		if req.Credentials, err = t.credentials.apply(sc); err != nil {
			return nil, nil, err
		}
	}
	prefix := "Task"
	if t.lambda {
		prefix = "LambdaFunction"
	}
	sched := Event{Type: prefix + "Scheduled", Resource: t.resourceName, ResourceType: t.resourceType, Parameters: params}
	f.event(sched)
	f.event(Event{Type: prefix + "Started", Resource: t.resourceName, ResourceType: t.resourceType})
	result, err := t.invoke(f, req)
	if err != nil {
		fe := asFailure(err, n.name, f.enteredEvent)
		var se *stateError
		if !errors.As(err, &se) {
			typ := prefix + "Failed"
			if fe.Name == failure.Timeout || fe.Name == failure.HeartbeatTimeout {
				typ = prefix + "TimedOut"
			}
			f.event(Event{Type: typ, Resource: t.resourceName, ResourceType: t.resourceType, Error: fe.Name, Cause: fe.Cause})
		}
		return nil, nil, err
	}
	if err := f.checkSize(result); err != nil {
		return nil, nil, err
	}
	f.event(Event{Type: prefix + "Succeeded", Resource: t.resourceName, ResourceType: t.resourceType, Output: result, HasOutput: true})
	return result, n.next, nil
}

// limits reads TimeoutSecondsPath and HeartbeatSecondsPath.
func (t *taskState) limits(sc scope) (time.Duration, time.Duration, error) {
	timeout, heartbeat := t.timeout, t.heartbeat
	read := func(p *jsonpath.Path, field string) (time.Duration, error) {
		v, ok := p.Get(sc.document(p))
		secs, whole := wholeNumber(v)
		if !ok || !whole || secs < 1 {
			return 0, runtimeErrorf("The %s parameter does not reference a positive integer value: %s", field, p)
		}
		return time.Duration(secs) * time.Second, nil
	}
	var err error
	if t.timeoutPath != nil {
		if timeout, err = read(t.timeoutPath, "TimeoutSecondsPath"); err != nil {
			return 0, 0, err
		}
	}
	if t.heartbeatPath != nil {
		if heartbeat, err = read(t.heartbeatPath, "HeartbeatSecondsPath"); err != nil {
			return 0, 0, err
		}
	}
	return timeout, heartbeat, nil
}

// invoke calls the resource, failing it with States.Timeout after TimeoutSeconds and with
// States.HeartbeatTimeout when HeartbeatSeconds pass without a heartbeat.
func (t *taskState) invoke(f *frame, req *TaskRequest) (any, error) {
	inv := f.ex.cfg.Invoker
	if inv == nil {
		return nil, failure.New(failure.TaskFailed, "no resource handler is configured for '"+req.Resource+"'")
	}
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	w := &taskWait{notify: make(chan struct{}, 1)}
	req.Heartbeat = func() { w.update(func() { w.beats++ }) }
	clock := f.ex.clock
	release := clock.Hold()
	go func() {
		defer release()
		v, err := inv.Invoke(ctx, req)
		w.update(func() { w.done, w.value, w.err = true, v, err })
	}()
	// Timers run as their own sleepers so that a virtual clock can fire them when nothing else moves.
	startTimer := func(d time.Duration, name string) context.CancelFunc {
		tctx, tcancel := context.WithCancel(ctx)
		rel := clock.Hold()
		go func() {
			defer rel()
			if clock.Sleep(tctx, d) == nil {
				w.update(func() {
					if w.timedOut == "" {
						w.timedOut = name
					}
				})
			}
		}()
		return tcancel
	}
	stopTimeout := startTimer(req.Timeout, failure.Timeout)
	defer stopTimeout()
	stopBeat := func() {}
	if req.HeartbeatTimeout > 0 {
		stopBeat = startTimer(req.HeartbeatTimeout, failure.HeartbeatTimeout)
	}
	defer func() { stopBeat() }()
	seen := 0
	for {
		ready := func() bool { return w.ready(seen) || f.ctx.Err() != nil }
		clock.Idle(ready, func() {
			for !ready() {
				select {
				case <-w.notify:
				case <-f.ctx.Done():
				}
			}
		})
		w.mu.Lock()
		done, value, err, timedOut, beats := w.done, w.value, w.err, w.timedOut, w.beats
		w.mu.Unlock()
		switch {
		case done:
			return value, err
		case timedOut != "":
			return nil, failure.New(timedOut, "")
		case f.ctx.Err() != nil:
			return nil, f.ctx.Err()
		}
		seen = beats
		stopBeat()
		stopBeat = startTimer(req.HeartbeatTimeout, failure.HeartbeatTimeout)
	}
}

// taskWait is what a waiting Task learns from its handler and timers. Its fields only ever move forward
// until the Task, busy again, has read them: that is what lets a virtual clock see that the Task is
// about to go on (see Clock.Idle).
type taskWait struct {
	mu       sync.Mutex
	done     bool
	value    any
	err      error
	timedOut string
	beats    int
	notify   chan struct{}
}

func (w *taskWait) update(change func()) {
	w.mu.Lock()
	change()
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

func (w *taskWait) ready(seenBeats int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.done || w.timedOut != "" || w.beats > seenBeats
}
