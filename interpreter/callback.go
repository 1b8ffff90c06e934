package interpreter

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
)

// The errors of SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat and GetActivityTask, under the API's
// error codes.
const (
	ErrInvalidToken     = "InvalidToken"
	ErrTaskDoesNotExist = "TaskDoesNotExist"
	ErrTaskTimedOut     = "TaskTimedOut"
	ErrInvalidOutput    = "InvalidOutput"
)

// CallbackError is the answer of a callback call that AWS refuses, with AWS's code and message.
type CallbackError struct {
	Code    string
	Message string
}

func (e *CallbackError) Error() string { return e.Code + ": " + e.Message }

// tokenPrefix starts every task token this package issues: a token without it cannot be one of ours,
// which AWS reports as InvalidToken rather than TaskDoesNotExist.
const tokenPrefix = "AQ"

// newToken makes a task token: opaque, unguessable, URL-safe.
func newToken() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func validToken(token string) bool {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || len(token) > 1024 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil && len(b) == 48
}

// Callbacks is where tasks wait for someone else to finish them: the task tokens of .waitForTaskToken
// tasks and the tasks of activities. Workers answer through SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat; activity workers take tasks with GetActivityTask. One Callbacks serves any number of
// executions (set Config.Callbacks); it is safe for concurrent use.
type Callbacks struct {
	mu sync.Mutex
	// open holds the tokens of tasks still waiting; closed those that were answered or timed out, so a
	// second answer gets TaskTimedOut as on AWS rather than TaskDoesNotExist.
	open       map[string]*taskWait
	closed     map[string]struct{}
	activities map[string]*activityQueue
}

// NewCallbacks returns an empty Callbacks.
func NewCallbacks() *Callbacks {
	return &Callbacks{open: map[string]*taskWait{}, closed: map[string]struct{}{}, activities: map[string]*activityQueue{}}
}

// ActivityTask is a task handed to an activity worker.
type ActivityTask struct {
	Token string
	// Input is the effective input of the Task state as JSON text.
	Input string
	// Release must be called once the worker has answered (or given up): under a virtual clock, time
	// stands still from the hand-over until then, so a Go worker's work takes no simulated time.
	Release func()
}

// activityQueue holds an activity's scheduled tasks and the workers polling for them.
type activityQueue struct {
	tasks   []*scheduledActivity
	pollers []chan *scheduledActivity
}

type scheduledActivity struct {
	token, input string
	clock        Clock
	// started is called with the worker's name when a worker takes the task (the ActivityStarted event).
	started func(worker string)
	// release is the worker's hold on the clock when the task was handed to a waiting worker.
	release func()
}

// register opens a token for a waiting task.
func (c *Callbacks) register(token string, w *taskWait) {
	c.mu.Lock()
	c.open[token] = w
	c.mu.Unlock()
}

// close ends a token: answers after this get TaskTimedOut.
func (c *Callbacks) close(token string) {
	c.mu.Lock()
	if _, ok := c.open[token]; ok {
		delete(c.open, token)
		c.closed[token] = struct{}{}
	}
	c.mu.Unlock()
}

// release forgets a token whose execution parked: its owner answers it from now on, so this process
// must not call it ended.
func (c *Callbacks) release(token string) {
	c.mu.Lock()
	delete(c.open, token)
	c.mu.Unlock()
}

// lookup finds the waiting task of a token, or the error AWS gives for it.
func (c *Callbacks) lookup(token string) (*taskWait, error) {
	if !validToken(token) {
		return nil, &CallbackError{ErrInvalidToken, "Invalid Token: 'Invalid token'"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.open[token]; ok {
		return w, nil
	}
	if _, ok := c.closed[token]; ok {
		return nil, &CallbackError{ErrTaskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'"}
	}
	return nil, &CallbackError{ErrTaskDoesNotExist, "Task Does Not Exist: 'Provided task does not exist'"}
}

// SendTaskSuccess completes the task of token with output, a JSON text.
func (c *Callbacks) SendTaskSuccess(token, output string) error {
	v, err := source.DecodeString(output)
	if err != nil {
		return &CallbackError{ErrInvalidOutput, fmt.Sprintf("Invalid Output: '%v'", err)}
	}
	return c.answer(token, func(w *taskWait) { w.answered, w.answer = true, v })
}

// SendTaskFailure fails the task of token with the given error name and cause.
func (c *Callbacks) SendTaskFailure(token, errName, cause string) error {
	return c.answer(token, func(w *taskWait) { w.answered, w.answerErr = true, failure.New(errName, cause) })
}

// SendTaskHeartbeat reports that the worker of token is still at it, resetting its HeartbeatSeconds.
func (c *Callbacks) SendTaskHeartbeat(token string) error {
	w, err := c.lookup(token)
	if err != nil {
		return err
	}
	w.update(func() { w.beats++ })
	return nil
}

func (c *Callbacks) answer(token string, set func(*taskWait)) error {
	w, err := c.lookup(token)
	if err != nil {
		return err
	}
	c.close(token)
	w.update(func() { set(w) })
	return nil
}

// schedule queues an activity task, handing it at once to a waiting worker if there is one.
func (c *Callbacks) schedule(activity string, a *scheduledActivity) {
	c.mu.Lock()
	q := c.queue(activity)
	if len(q.pollers) > 0 {
		p := q.pollers[0]
		q.pollers = q.pollers[1:]
		c.mu.Unlock()
		// The worker counts as busy from now, before this (busy) goroutine goes idle to wait for it.
		a.release = a.clock.Hold()
		p <- a // buffered: never blocks
		return
	}
	q.tasks = append(q.tasks, a)
	c.mu.Unlock()
}

// unschedule takes back an activity task no worker has taken yet (its Task timed out or was stopped).
func (c *Callbacks) unschedule(activity, token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.queue(activity)
	for i, a := range q.tasks {
		if a.token == token {
			q.tasks = append(q.tasks[:i], q.tasks[i+1:]...)
			return
		}
	}
}

func (c *Callbacks) queue(activity string) *activityQueue {
	q := c.activities[activity]
	if q == nil {
		q = &activityQueue{}
		c.activities[activity] = q
	}
	return q
}

// GetActivityTask waits for a task of the activity (an activity ARN) and hands it to the named worker. It
// returns nil when ctx ends first, as GetActivityTask's long poll answers with no task.
func (c *Callbacks) GetActivityTask(ctx context.Context, activity, worker string) *ActivityTask {
	c.mu.Lock()
	q := c.queue(activity)
	if len(q.tasks) > 0 {
		a := q.tasks[0]
		q.tasks = q.tasks[1:]
		c.mu.Unlock()
		a.release = a.clock.Hold()
		return a.handOver(worker)
	}
	p := make(chan *scheduledActivity, 1)
	q.pollers = append(q.pollers, p)
	c.mu.Unlock()
	select {
	case a := <-p:
		return a.handOver(worker)
	case <-ctx.Done():
		c.mu.Lock()
		for i, other := range q.pollers {
			if other == p {
				q.pollers = append(q.pollers[:i], q.pollers[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
		select {
		case a := <-p: // handed over while we gave up: take it after all rather than lose it
			return a.handOver(worker)
		default:
			return nil
		}
	}
}

func (a *scheduledActivity) handOver(worker string) *ActivityTask {
	a.started(worker)
	return &ActivityTask{Token: a.token, Input: a.input, Release: a.release}
}
