package store

import "fmt"

// Checks that need no stored state, shared by backends so that they reject the same inputs.

// Validate checks a step's shape: an execution to version it, and every key present. Events are checked
// against the stored history by CheckEvents.
func (s Step) Validate() error {
	if s.Execution == nil || s.Execution.Arn == "" {
		return fmt.Errorf("%w: a step needs an execution", ErrInvalid)
	}
	for _, t := range s.SetTimers {
		if t.ExecutionArn == "" || t.Key == "" {
			return fmt.Errorf("%w: a timer needs an execution and a key", ErrInvalid)
		}
	}
	for _, k := range s.DeleteTimers {
		if k.ExecutionArn == "" || k.Key == "" {
			return fmt.Errorf("%w: a timer needs an execution and a key", ErrInvalid)
		}
	}
	for _, t := range s.Tokens {
		if t.Token == "" || t.ExecutionArn == "" {
			return fmt.Errorf("%w: a token needs a value and an execution", ErrInvalid)
		}
	}
	for _, t := range s.ActivityTasks {
		if t.Token == "" || t.ActivityArn == "" || t.ExecutionArn == "" {
			return fmt.Errorf("%w: an activity task needs a token, an activity and an execution", ErrInvalid)
		}
	}
	return nil
}

// CheckEvents verifies that events continue a history whose last event ID is last, without gap or repeat,
// and belong to executionArn (an empty ExecutionArn means that execution).
func CheckEvents(executionArn string, last int64, events []Event) error {
	for i, ev := range events {
		if ev.ExecutionArn != "" && ev.ExecutionArn != executionArn {
			return fmt.Errorf("%w: event %d belongs to %s, not %s", ErrInvalid, ev.ID, ev.ExecutionArn, executionArn)
		}
		if want := last + 1 + int64(i); ev.ID != want {
			return fmt.Errorf("%w: event ID %d where %d was due", ErrInvalid, ev.ID, want)
		}
	}
	return nil
}

// Validate checks an alias's shape: its keys, and a route to a version at least.
func (a *StateMachineAlias) Validate() error {
	if a.Arn == "" || a.StateMachineArn == "" || a.Name == "" {
		return fmt.Errorf("%w: an alias needs an ARN, a state machine and a name", ErrInvalid)
	}
	if len(a.Routing) == 0 {
		return fmt.Errorf("%w: an alias needs a route", ErrInvalid)
	}
	for _, r := range a.Routing {
		if r.VersionArn == "" {
			return fmt.Errorf("%w: a route needs a version", ErrInvalid)
		}
	}
	return nil
}
