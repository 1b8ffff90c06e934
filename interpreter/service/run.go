package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/interpreter/store"
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

// execute runs a stored execution and commits its outcome: status, output, error and cause, stop date and
// the history after the events already stored, in one Commit. It is the one place an execution runs, so a
// resume after a restart goes through it with the program, input and configuration rebuilt from the record.
// No lock is held while the execution runs.
func (s *Service) execute(e *store.Execution, prog *interpreter.Program, input any, cfg interpreter.Config) (*run, error) {
	r := &run{done: make(chan struct{})}
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		return nil, errClosed
	}
	s.wg.Add(1)
	// Start returns at once; starting under the lock makes r.ex visible to StopExecution with r.
	r.ex = prog.Start(s.ctx, input, cfg)
	s.running[e.Arn] = r
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		res := r.ex.Wait()
		if s.ctx.Err() != nil {
			// Interrupted by Close: the record stays RUNNING for a later resume.
			r.err = errClosed
		} else {
			r.rec, r.err = s.commitOutcome(e, res)
		}
		s.mu.Lock()
		delete(s.running, e.Arn)
		s.mu.Unlock()
		close(r.done)
	}()
	return r, nil
}

// commitOutcome writes how an execution ended. Its first event (ExecutionStarted) was stored when it
// started; the interpreter numbers its events from 1 the same way, so the rest continue the history.
func (s *Service) commitOutcome(e *store.Execution, res *interpreter.Result) (*store.Execution, error) {
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
	rec.Status = string(res.Status)
	if res.Status == interpreter.Succeed {
		out := oj.JSON(res.Output, &oj.Options{Sort: true})
		rec.Output = &out
	}
	rec.Error, rec.Cause = optional(res.Error), optional(res.Cause)
	rec.StopDate = res.StopDate.Truncate(time.Microsecond)
	if err := s.store.Commit(context.Background(), store.Step{Execution: rec, Events: events}); err != nil {
		return nil, err
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
