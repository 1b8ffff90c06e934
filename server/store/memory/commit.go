package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// Commit implements store.Store. Everything that can fail is checked before anything changes, which is
// what makes the step atomic here.
func (s *Store) Commit(_ context.Context, st store.Step) error {
	if err := st.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.executions[st.Execution.Arn]
	if !ok {
		return fmt.Errorf("%w: execution %s", store.ErrNotFound, st.Execution.Arn)
	}
	if x.e.Version != st.Execution.Version {
		return fmt.Errorf("%w: execution %s is at version %d, not %d", store.ErrConflict, x.e.Arn, x.e.Version, st.Execution.Version)
	}
	if err := store.CheckEvents(x.e.Arn, int64(len(x.events)), st.Events); err != nil {
		return err
	}
	if err := s.checkReferences(st); err != nil {
		return err
	}

	wasFinished := store.Finished(x.e.Status)
	in := st.Execution.Clone()
	x.e.Status, x.e.Output, x.e.Error, x.e.Cause = in.Status, in.Output, in.Error, in.Cause
	x.e.StopDate, x.e.Checkpoint = in.StopDate, in.Checkpoint
	x.e.RedriveCount, x.e.RedriveDate = in.RedriveCount, in.RedriveDate
	x.e.Version++
	x.events = appendEvents(x.events, x.e.Arn, st.Events)
	x.e.LastEvent = int64(len(x.events))
	for _, k := range st.DeleteTimers {
		s.deleteTimer(k)
	}
	for _, t := range st.SetTimers {
		t.Owner, t.LeaseUntil = "", time.Time{}
		s.timers[t.TimerKey] = &t
		own(&s.executions[t.ExecutionArn].timers, t.Key)
	}
	for _, t := range st.Tokens {
		t = t.Clone()
		s.tokens[t.Token] = &t
		own(&s.executions[t.ExecutionArn].tokens, t.Token)
	}
	for _, t := range st.ActivityTasks {
		if old, ok := s.tasks[t.Token]; ok {
			old.t = t
		} else {
			s.tasks[t.Token] = &task{seq: s.next(), t: t}
		}
		own(&s.executions[t.ExecutionArn].tasks, t.Token)
	}
	st.Execution.Version, st.Execution.LastEvent = x.e.Version, x.e.LastEvent
	switch finished := store.Finished(x.e.Status); {
	case finished:
		for key := range x.timers {
			s.deleteTimer(store.TimerKey{ExecutionArn: x.e.Arn, Key: key})
		}
		if !wasFinished {
			s.finish(x)
		}
	case wasFinished:
		s.unfinish(x)
	}
	return nil
}

// checkReferences makes sure every timer, token and task of the step belongs to an existing execution.
func (s *Store) checkReferences(st store.Step) error {
	arns := make([]string, 0, len(st.SetTimers)+len(st.Tokens)+len(st.ActivityTasks))
	for _, t := range st.SetTimers {
		arns = append(arns, t.ExecutionArn)
	}
	for _, t := range st.Tokens {
		arns = append(arns, t.ExecutionArn)
	}
	for _, t := range st.ActivityTasks {
		arns = append(arns, t.ExecutionArn)
	}
	for _, arn := range arns {
		if _, ok := s.executions[arn]; !ok {
			return fmt.Errorf("%w: execution %s", store.ErrNotFound, arn)
		}
	}
	return nil
}

func (s *Store) deleteTimer(k store.TimerKey) {
	delete(s.timers, k)
	if x, ok := s.executions[k.ExecutionArn]; ok {
		delete(x.timers, k.Key)
	}
}
