package memory

import (
	"context"
	"fmt"
	"sort"

	"github.com/aslrun/aslrun/server/store"
)

// CreateExecution implements store.Store.
func (s *Store) CreateExecution(_ context.Context, e *store.Execution, events []store.Event, timers ...store.Timer) (*store.Execution, error) {
	if e.Arn == "" {
		return nil, fmt.Errorf("%w: an execution needs an ARN", store.ErrInvalid)
	}
	if err := store.CheckEvents(e.Arn, 0, events); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if x, ok := s.executions[e.Arn]; ok {
		return x.e.Clone(), fmt.Errorf("%w: execution %s", store.ErrExists, e.Arn)
	}
	s.expire() // a store that only starts executions still lets the old ones go
	x := &execution{seq: s.next(), e: e.Clone()}
	x.e.Version, x.e.LastEvent = 1, int64(len(events))
	x.events = appendEvents(nil, e.Arn, events)
	s.executions[e.Arn] = x
	s.started = append(s.started, x)
	if e.MapRunArn != "" {
		l := s.children[e.MapRunArn]
		if l == nil {
			l = &childList{}
			s.children[e.MapRunArn] = l
		}
		l.xs = append(l.xs, x)
	}
	for _, t := range timers {
		t.ExecutionArn = e.Arn
		s.timers[t.TimerKey] = &t
		own(&x.timers, t.Key)
	}
	e.Version, e.LastEvent = 1, x.e.LastEvent
	out := x.e.Clone()
	if store.Finished(x.e.Status) {
		s.finish(x)
	}
	return out, nil
}

// GetExecution implements store.Store.
func (s *Store) GetExecution(_ context.Context, arn string) (*store.Execution, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.executions[arn]
	if !ok {
		return nil, fmt.Errorf("%w: execution %s", store.ErrNotFound, arn)
	}
	return x.e.Clone(), nil
}

// ListExecutions implements store.Store.
func (s *Store) ListExecutions(_ context.Context, f store.ExecutionFilter, p store.Page) ([]*store.Execution, string, error) {
	before, err := p.Cursor(store.KindExecutions)
	if err != nil {
		return nil, "", err
	}
	size := p.Size()
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.started
	if f.MapRunArn != "" {
		l, ok := s.children[f.MapRunArn]
		if !ok {
			return nil, "", nil
		}
		all = l.xs
	}
	i := len(all)
	if before > 0 {
		i = sort.Search(len(all), func(i int) bool { return all[i].seq >= before })
	}
	var out []*store.Execution
	var last int64
	for i--; i >= 0; i-- {
		x := all[i]
		if x.gone() || !matches(x.e, f) {
			continue
		}
		if len(out) == size {
			return out, store.NextToken(store.KindExecutions, last), nil
		}
		out = append(out, x.e.Clone())
		last = x.seq
	}
	return out, "", nil
}

// matches reports whether an execution passes a filter's fields other than MapRunArn, which ListExecutions
// applies by its index.
func matches(e *store.Execution, f store.ExecutionFilter) bool {
	return (f.StateMachineArn == "" || e.StateMachineArn == f.StateMachineArn) && (f.Status == "" || e.Status == f.Status) &&
		(f.StateMachineVersionArn == "" || e.StateMachineVersionArn == f.StateMachineVersionArn) &&
		(f.StateMachineAliasArn == "" || e.StateMachineAliasArn == f.StateMachineAliasArn)
}

// Unfinished implements store.Store.
func (s *Store) Unfinished(context.Context) ([]*store.Execution, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*store.Execution
	for _, x := range s.started {
		if !x.gone() && (x.e.Status == store.Running || x.e.Status == store.PendingRedrive) {
			out = append(out, x.e.Clone())
		}
	}
	return out, nil
}

// History implements store.Store.
func (s *Store) History(_ context.Context, arn string, p store.Page, reverse bool) ([]store.Event, string, error) {
	kind := store.KindHistory
	if reverse {
		kind = store.KindHistoryReverse
	}
	cursor, err := p.Cursor(kind)
	if err != nil {
		return nil, "", err
	}
	size := p.Size()
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.executions[arn]
	if !ok {
		return nil, "", fmt.Errorf("%w: execution %s", store.ErrNotFound, arn)
	}
	n := int64(len(x.events))
	var out []store.Event
	if !reverse {
		// Event i has ID i+1: the events after the cursor start at index cursor.
		for id := cursor + 1; id <= n && len(out) < size; id++ {
			out = append(out, x.events[id-1].Clone())
		}
		if len(out) == size && out[size-1].ID < n {
			return out, store.NextToken(kind, out[size-1].ID), nil
		}
		return out, "", nil
	}
	from := n
	if cursor > 0 {
		from = min(cursor-1, n)
	}
	for id := from; id >= 1 && len(out) < size; id-- {
		out = append(out, x.events[id-1].Clone())
	}
	if len(out) == size && out[size-1].ID > 1 {
		return out, store.NextToken(kind, out[size-1].ID), nil
	}
	return out, "", nil
}

// appendEvents copies events onto history, naming their execution.
func appendEvents(history []store.Event, arn string, events []store.Event) []store.Event {
	for _, ev := range events {
		ev = ev.Clone()
		ev.ExecutionArn = arn
		history = append(history, ev)
	}
	return history
}
