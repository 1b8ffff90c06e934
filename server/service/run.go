package service

import (
	"context"
	"errors"
	"time"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// run is an execution this process runs.
type run struct {
	ex *interpreter.Execution
	// done is closed once the outcome is committed, or abandoned because the service closed.
	done chan struct{}
	rc   *recorder
	// rec is the execution as committed; err why it was not; res how the interpreter ended it.
	rec *store.Execution
	err error
	res *interpreter.Result
}

var errClosed = errors.New("the service is shutting down")

// launch is one run of a stored execution: from its start, or resumed from where it parked.
type launch struct {
	rec *store.Execution
	cfg interpreter.Config
	// start begins or resumes the execution under ctx with the configuration run completes.
	start func(ctx context.Context, cfg interpreter.Config) (*interpreter.Execution, error)
	// crashes is what the execution's checkpoint counts (parkedRecord.Crashes), until it records progress.
	crashes int
	// after is the number of history events already stored.
	after int64
	// history keeps the history in the store although the service keeps none (Options.NoHistory).
	history bool
}

// execute starts a stored execution from its input.
func (s *Service) execute(st *started) (*run, error) {
	return s.run(launch{rec: st.rec, cfg: st.cfg, after: 1, history: st.history,
		start: func(ctx context.Context, cfg interpreter.Config) (*interpreter.Execution, error) {
			return st.prog.Start(ctx, st.input, cfg), nil
		}})
}

// run runs an execution and commits how it ended or where it parked: status, output, error and cause, stop
// date or checkpoint, and the history events not committed yet, in one Commit; the recorder commits the
// events before that as the execution runs. It is the one place an execution runs. No lock is held while
// the execution runs.
func (s *Service) run(l launch) (*run, error) {
	// A transient execution's events would go with it when it ends, before anyone could read them
	// (GetExecutionHistory does not serve it while it runs: its events are committed with its end).
	rc := newRecorder(s, l.rec, l.after, (!s.noHistory || l.history) && !l.rec.Transient, !l.rec.Express)
	r := &run{done: make(chan struct{}), rc: rc}
	rc.crashes = l.crashes
	cfg := l.cfg
	cfg.Events, cfg.EventsBefore, cfg.Callbacks, cfg.Answers = rc.sink(), l.after, s.callbacks, s.Answers()
	cfg.MapRuns, cfg.Objects = &mapRunner{s: s, parent: l.rec, cfg: cfg}, s.objects
	cfg.PayloadLimit, cfg.Activities = s.payloadLimit, activityQueue{s: s, rc: rc}
	cfg.MaxDuration, cfg.WaitScale = maxDuration(l.rec.Express), s.waitScale
	// The end is recorded, and those waiting for it told, before a virtual clock moves on: a parent's .sync
	// Task must see its child end before its own timeout can fire.
	var hold func()
	cfg.OnEnd = func() { hold = s.clock.Hold() }
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		return nil, errClosed
	}
	// Starting under the lock makes r.ex visible to StopExecution with r.
	ex, err := l.start(s.runContext(l.rec.Arn), cfg)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.wg.Add(1)
	r.ex = ex
	s.running[l.rec.Arn] = r
	s.mu.Unlock()
	if cfg.Durable {
		rc.watch(ex, cfg.Invoker)
	}
	go func() {
		defer s.wg.Done()
		r.res = r.ex.Wait()
		rc.unwatch()
		defer hold()
		if s.ctx.Err() != nil {
			// Interrupted by Close: the record stays RUNNING for a later resume.
			r.err = errClosed
		} else {
			r.rec, r.err = s.commitOutcome(l, rc, cfg.Invoker, r.res)
		}
		s.mu.Lock()
		delete(s.running, l.rec.Arn)
		s.mu.Unlock()
		s.wakeAgain(l.rec.Arn)
		if r.err == nil && r.res.Parked != nil {
			// Only now, with the execution no longer running here, can a wake resume it.
			for _, w := range r.res.Parked.Waits {
				if err := s.takeOver(w.Token); err != nil {
					r.err = err
				}
			}
			s.pokeScheduler()
		}
		// A conflict means another run moved the execution on: it is that run's to record.
		if r.err != nil && !errors.Is(r.err, errClosed) && !errors.Is(r.err, store.ErrConflict) {
			r.rec, r.err = s.failUnstored(l.rec.Arn, r.err)
		}
		if r.err == nil && r.rec.Status != store.Running {
			s.notifyEnded(r.rec.Arn)
		}
		close(r.done)
	}()
	return r, nil
}

// commitOutcome writes how an execution ended, or where it parked, with the events the recorder has not
// committed yet. A parked execution's token is then the store's to answer (takeOver).
func (s *Service) commitOutcome(l launch, rc *recorder, inv interpreter.Invoker, res *interpreter.Result) (*store.Execution, error) {
	var committed *store.Execution
	err := rc.final(func(rec *store.Execution, step *store.Step) error {
		rec.Status, rec.Checkpoint = string(res.Status), nil
		step.DeleteTimers = []store.TimerKey{{ExecutionArn: rec.Arn, Key: wakeTimer}}
		if res.Parked != nil {
			if err := s.checkpointStep(step, rec, s.parkedRecordOf(res.Parked, mockCalls(inv), false), nil); err != nil {
				return err
			}
		} else {
			// Where it stood, for a redrive.
			rec.Checkpoint = finalRecord(res.Final)
			if res.Status == interpreter.Succeed {
				out := value.JSON(res.Output)
				rec.Output = &out
			}
			rec.Error, rec.Cause = optional(res.Error), optional(res.Cause)
			rec.StopDate = res.StopDate.Truncate(time.Microsecond)
		}
		committed = rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return committed.Clone(), nil
}

// failUnstored ends an execution whose step could not be stored (its events could not be encoded, the
// store refused them): it fails with States.Runtime rather than staying RUNNING with no one running it.
func (s *Service) failUnstored(arn string, cause error) (*store.Execution, error) {
	rec, err := s.store.GetExecution(s.ctx, arn)
	if err != nil {
		return nil, errors.Join(cause, err)
	}
	if _, err := s.abortOrphan(s.ctx, rec, &StopExecutionInput{Error: "States.Runtime",
		Cause: "the execution's step could not be stored: " + cause.Error()}, store.Failed); err != nil {
		return nil, errors.Join(cause, err)
	}
	// The record as committed: a transient (Express) one is gone from the store once it has ended.
	return rec.Clone(), nil
}

// mockCalls is what a mock-config invoker counted, for the checkpoint of an execution that parks.
func mockCalls(inv interpreter.Invoker) map[string]int {
	if m, ok := inv.(interface{ MockCalls() map[string]int }); ok {
		return m.MockCalls()
	}
	return nil
}

// optional is nil for an absent error or cause.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// startedEvent is an execution's first history event, stored with the execution: its input as
// StartExecution got it, and the role, version and alias it runs with (about).
func (s *Service) startedEvent(arn string, at time.Time, input string, about *interpreter.About) store.Event {
	return s.storedEvent(arn, &interpreter.Event{ID: 1, Timestamp: at, Kind: interpreter.ExecutionStarted, Input: interpreter.JSONText(input),
		About: about})
}
