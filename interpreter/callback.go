package interpreter

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"regexp"
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

// tokenText matches a task token inside other text: the prefix and 48 bytes in unpadded base64url.
var tokenText = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(tokenPrefix + `[A-Za-z0-9_-]{64}`) })

// TokensIn finds the task tokens in a text, such as the body of a message that hands one to a worker.
func TokensIn(text string) []string { return tokenText().FindAllString(text, -1) }

func validToken(token string) bool {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || len(token) > 1024 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil && len(b) == 48
}

// TaskAnswers takes workers' answers to task tokens. *Callbacks implements it for the tasks it holds; the
// control plane (server/service) implements it for every execution, running or parked, and is what
// workers, mocks and the API go through.
type TaskAnswers interface {
	SendTaskSuccess(token, output string) error
	SendTaskFailure(token, errName, cause string) error
	SendTaskHeartbeat(token string) error
}

// Callbacks is where tasks wait for someone else to finish them: the task tokens of .waitForTaskToken
// tasks and the tasks of activities. Workers answer through SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat; activity workers take tasks with GetActivityTask. One Callbacks serves any number of
// executions (set Config.Callbacks); it is safe for concurrent use.
type Callbacks struct {
	mu sync.Mutex
	// open holds the tokens of tasks still waiting; closed those that were answered or timed out, so a
	// second answer gets TaskTimedOut as on AWS rather than TaskDoesNotExist.
	open   map[string]*taskWait
	closed map[string]struct{}
	// parking holds the tokens of executions that parked on them but whose owner has not taken them over
	// yet (HandOff): what reaches them meanwhile is held for the owner, so no answer falls between memory
	// and the owner's store.
	parking    map[string]*Held
	activities map[string]*activityQueue
}

// Held is what reached a parking token before its owner took it over: an answer, if any, and the number
// of heartbeats.
type Held struct {
	Answer *Answer
	Beats  int
}

// NewCallbacks returns an empty Callbacks.
func NewCallbacks() *Callbacks {
	return &Callbacks{open: map[string]*taskWait{}, closed: map[string]struct{}{}, parking: map[string]*Held{},
		activities: map[string]*activityQueue{}}
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

// park moves the token of a task whose execution parked from waiting to parking: answers are held for the
// execution's owner until it takes the token over with HandOff.
// An answer that reached the task after it decided to park, but before this, is carried over.
func (c *Callbacks) park(token string, w *taskWait) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.open, token)
	h := &Held{}
	w.mu.Lock()
	if w.answered {
		a := w.as
		h.Answer = &a
	}
	h.Beats = w.beats
	w.mu.Unlock()
	c.parking[token] = h
}

// HandOff is called by the owner of a parked execution once its park is stored: the token is no longer
// this Callbacks' to answer. It returns what reached the token meanwhile; ok is false for a token that
// was not parking.
func (c *Callbacks) HandOff(token string) (held Held, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.parking[token]
	if !ok {
		return Held{}, false
	}
	delete(c.parking, token)
	return *h, true
}

// lookup finds the waiting task of a token, or what holds it while it parks, or the error AWS gives for it.
func (c *Callbacks) lookup(token string) (*taskWait, *Held, error) {
	if !validToken(token) {
		return nil, nil, &CallbackError{ErrInvalidToken, "Invalid Token: 'Invalid token'"}
	}
	if w, ok := c.open[token]; ok {
		return w, nil, nil
	}
	if h, ok := c.parking[token]; ok && h.Answer == nil {
		return nil, h, nil
	}
	if _, ok := c.closed[token]; ok || c.parking[token] != nil {
		return nil, nil, taskTimedOut()
	}
	return nil, nil, &CallbackError{ErrTaskDoesNotExist, "Task Does Not Exist: 'Provided task does not exist'"}
}

func taskTimedOut() *CallbackError {
	return &CallbackError{ErrTaskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'"}
}

// SendTaskSuccess completes the task of token with output, a JSON text.
func (c *Callbacks) SendTaskSuccess(token, output string) error {
	v, err := source.DecodeString(output)
	if err != nil {
		return &CallbackError{ErrInvalidOutput, fmt.Sprintf("Invalid Output: '%v'", err)}
	}
	return c.answer(token, Answer{Output: output}, func(w *taskWait) { w.answered, w.answer = true, v })
}

// SendTaskFailure fails the task of token with the given error name and cause.
func (c *Callbacks) SendTaskFailure(token, errName, cause string) error {
	return c.answer(token, Answer{Failed: true, Error: errName, Cause: cause},
		func(w *taskWait) { w.answered, w.answerErr = true, failure.New(errName, cause) })
}

// SendTaskHeartbeat reports that the worker of token is still at it, resetting its HeartbeatSeconds.
func (c *Callbacks) SendTaskHeartbeat(token string) error {
	c.mu.Lock()
	w, h, err := c.lookup(token)
	if h != nil {
		h.Beats++
	}
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if w != nil {
		w.update(func() { w.beats++ })
	}
	return nil
}

// answer delivers an answer to a waiting task, or holds it for the owner of a parking one.
func (c *Callbacks) answer(token string, a Answer, set func(*taskWait)) error {
	c.mu.Lock()
	w, h, err := c.lookup(token)
	switch {
	case h != nil:
		h.Answer = &a
	case w != nil:
		delete(c.open, token)
		c.closed[token] = struct{}{}
		// Under c.mu, so that a task parking at this moment either sees the answer or is seen parking.
		w.update(func() {
			set(w)
			w.as = a
		})
	}
	c.mu.Unlock()
	return err
}

// ActivityQueue hands the tasks of activity Tasks to the workers that poll GetActivityTask. *Callbacks
// queues them in memory; the control plane (server/service) as store rows.
type ActivityQueue interface {
	// Schedule queues a task; done takes it back or closes it once the Task no longer waits for it
	// (answered, timed out, stopped), or, parked, leaves it for workers to take while the execution is
	// parked.
	Schedule(task ScheduledActivity) (done func(parked bool), err error)
	// Resume takes up a task a resumed execution scheduled before it parked (Input is not set): Started
	// is called when a worker takes it; done as Schedule's.
	Resume(task ScheduledActivity) (done func(parked bool))
}

// ScheduledActivity is an activity task to queue.
type ScheduledActivity struct {
	// Activity is the activity's ARN.
	Activity string
	Token    string
	// Input is the effective input of the Task state as JSON text.
	Input string
	// Clock is the execution's: a worker in this process holds it while it works (see ActivityTask).
	Clock Clock
	// Started must be called with the worker's name when a worker takes the task (ActivityStarted).
	Started func(worker string)
}

// Schedule queues an activity task in memory, handing it at once to a waiting worker if there is one.
func (c *Callbacks) Schedule(t ScheduledActivity) (func(bool), error) {
	c.schedule(t.Activity, &scheduledActivity{token: t.Token, input: t.Input, clock: t.Clock, started: t.Started})
	return func(bool) { c.unschedule(t.Activity, t.Token) }, nil
}

// Resume implements ActivityQueue: an execution whose activities are queued here never parks, so it
// never resumes a task.
func (c *Callbacks) Resume(ScheduledActivity) func(bool) { return func(bool) {} }

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

// value is the answer as the task takes it: its output, or its error.
func (a Answer) value() (any, error) {
	if a.Failed {
		return nil, &failure.Error{Name: a.Error, Cause: a.Cause}
	}
	v, err := source.DecodeString(a.Output)
	if err != nil {
		return nil, failure.New(failure.TaskFailed, "the task's output is not JSON: "+err.Error())
	}
	return v, nil
}
