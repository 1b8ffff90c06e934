package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// run is an execution this process runs.
type run struct {
	ex *interpreter.Execution
	// done is closed once the outcome is committed, or abandoned because the service closed.
	done chan struct{}
	// rec is the execution as committed; err why it was not.
	rec *store.Execution
	err error
}

var errClosed = errors.New("the service is shutting down")

// execute starts a stored execution and commits its outcome.
func (s *Service) execute(e *store.Execution, prog *interpreter.Program, input any, cfg interpreter.Config) (*run, error) {
	return s.run(e, func() (*interpreter.Execution, error) { return prog.Start(s.ctx, input, cfg), nil }, nil)
}

// run runs an execution that start begins (or resumes) and commits how it ended or where it parked: status,
// output, error and cause, stop date or checkpoint, and the history after the events already stored, in one
// Commit; answered is the token a resumed execution took up, closed in the same step. It is the one place
// an execution runs. No lock is held while the execution runs.
func (s *Service) run(e *store.Execution, start func() (*interpreter.Execution, error), answered *store.Token) (*run, error) {
	r := &run{done: make(chan struct{})}
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		return nil, errClosed
	}
	// Starting under the lock makes r.ex visible to StopExecution with r.
	ex, err := start()
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.wg.Add(1)
	r.ex = ex
	s.running[e.Arn] = r
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		res := r.ex.Wait()
		if s.ctx.Err() != nil {
			// Interrupted by Close: the record stays RUNNING for a later resume.
			r.err = errClosed
		} else {
			r.rec, r.err = s.commitOutcome(e, res, answered)
		}
		s.mu.Lock()
		delete(s.running, e.Arn)
		s.mu.Unlock()
		close(r.done)
	}()
	return r, nil
}

// commitOutcome writes how an execution ended, or where it parked. The interpreter numbers events on from
// the stored ones (ExecutionStarted, stored when the execution started, or the checkpoint's last).
func (s *Service) commitOutcome(e *store.Execution, res *interpreter.Result, answered *store.Token) (*store.Execution, error) {
	var events []store.Event
	for _, ev := range res.History() {
		if ev.ID <= 1 {
			continue
		}
		data, err := ev.MarshalJSON() // directly: json.Marshal would validate and compact it once more
		if err != nil {
			return nil, fmt.Errorf("history event %d: %w", ev.ID, err)
		}
		events = append(events, store.Event{ExecutionArn: e.Arn, ID: ev.ID, Timestamp: ev.Timestamp.Truncate(time.Microsecond), Type: ev.Type, Data: data})
	}
	rec := e.Clone()
	rec.Status, rec.Checkpoint = string(res.Status), nil
	step := store.Step{Execution: rec, Events: events,
		DeleteTimers: []store.TimerKey{{ExecutionArn: e.Arn, Key: wakeTimer}}}
	if answered != nil {
		step.Tokens = append(step.Tokens, *answered)
	}
	if res.Parked != nil {
		if err := s.parkStep(&step, res.Parked, s.now()); err != nil {
			return nil, err
		}
	} else {
		if res.Status == interpreter.Succeed {
			out := oj.JSON(res.Output, &oj.Options{Sort: true})
			rec.Output = &out
		}
		rec.Error, rec.Cause = optional(res.Error), optional(res.Cause)
		rec.StopDate = res.StopDate.Truncate(time.Microsecond)
	}
	if err := s.store.Commit(context.Background(), step); err != nil {
		return nil, err
	}
	if res.Parked != nil {
		s.pokeScheduler()
	}
	return rec, nil
}

// optional is nil for an absent error or cause.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// startedEvent is an execution's first history event, stored with the execution.
func startedEvent(arn string, at time.Time, input any, roleArn string) (store.Event, error) {
	data, err := interpreter.Event{ID: 1, Timestamp: at, Type: "ExecutionStarted", Input: input, HasInput: true}.MarshalJSON()
	if err != nil {
		return store.Event{}, err
	}
	if roleArn != "" {
		if data, err = withRole(data, roleArn); err != nil {
			return store.Event{}, err
		}
	}
	return store.Event{ExecutionArn: arn, ID: 1, Timestamp: at, Type: "ExecutionStarted", Data: data}, nil
}

// withRole adds the role to an ExecutionStarted event's details, as AWS shows it; the interpreter does not
// know the role.
func withRole(event []byte, roleArn string) ([]byte, error) {
	var ev, details map[string]json.RawMessage
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(ev["executionStartedEventDetails"], &details); err != nil {
		return nil, err
	}
	details["roleArn"], _ = json.Marshal(roleArn) // a string always marshals
	var err error
	if ev["executionStartedEventDetails"], err = json.Marshal(details); err != nil {
		return nil, err
	}
	return json.Marshal(ev)
}
