package memory

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aslrun/aslrun/server/store"
)

// CreateStateMachine implements store.Store.
func (s *Store) CreateStateMachine(_ context.Context, sm *store.StateMachine) error {
	if sm.Arn == "" || sm.Name == "" {
		return fmt.Errorf("%w: a state machine needs an ARN and a name", store.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.machines[sm.Arn]; ok {
		return fmt.Errorf("%w: state machine %s", store.ErrExists, sm.Arn)
	}
	if _, ok := s.machineNames[sm.Name]; ok {
		return fmt.Errorf("%w: state machine named %s", store.ErrExists, sm.Name)
	}
	s.machines[sm.Arn] = &machine{seq: s.next(), sm: sm.Clone()}
	s.machineNames[sm.Name] = sm.Arn
	return nil
}

// GetStateMachine implements store.Store.
func (s *Store) GetStateMachine(_ context.Context, arn string) (*store.StateMachine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if !ok {
		return nil, fmt.Errorf("%w: state machine %s", store.ErrNotFound, arn)
	}
	return m.sm.Clone(), nil
}

// UpdateStateMachine implements store.Store.
func (s *Store) UpdateStateMachine(_ context.Context, sm *store.StateMachine) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[sm.Arn]
	if !ok {
		return fmt.Errorf("%w: state machine %s", store.ErrNotFound, sm.Arn)
	}
	in := sm.Clone()
	m.sm.Definition, m.sm.RoleArn, m.sm.Status = in.Definition, in.RoleArn, in.Status
	m.sm.UpdateDate, m.sm.RevisionID = in.UpdateDate, in.RevisionID
	m.sm.LoggingConfiguration, m.sm.TracingConfiguration = in.LoggingConfiguration, in.TracingConfiguration
	m.sm.EncryptionConfiguration = in.EncryptionConfiguration
	return nil
}

// DeleteStateMachine implements store.Store.
func (s *Store) DeleteStateMachine(_ context.Context, arn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if !ok {
		return fmt.Errorf("%w: state machine %s", store.ErrNotFound, arn)
	}
	delete(s.machines, arn)
	delete(s.machineNames, m.sm.Name)
	for _, v := range m.versions {
		delete(s.versions, v.Arn)
	}
	for _, a := range m.aliases {
		delete(s.aliases, a.a.Arn)
	}
	return nil
}

// ListStateMachines implements store.Store.
func (s *Store) ListStateMachines(_ context.Context, p store.Page) ([]*store.StateMachine, string, error) {
	after, err := p.Cursor(store.KindStateMachines)
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := slices.SortedFunc(maps.Values(s.machines), func(a, b *machine) int { return cmp.Compare(a.seq, b.seq) })
	page, next := ascending(all, after, p.Size(), func(m *machine) int64 { return m.seq })
	out := make([]*store.StateMachine, len(page))
	for i, m := range page {
		out[i] = m.sm.Clone()
	}
	return out, store.NextToken(store.KindStateMachines, next), nil
}

// CreateActivity implements store.Store.
func (s *Store) CreateActivity(_ context.Context, a *store.Activity) error {
	if a.Arn == "" || a.Name == "" {
		return fmt.Errorf("%w: an activity needs an ARN and a name", store.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.activities[a.Arn]; ok {
		return fmt.Errorf("%w: activity %s", store.ErrExists, a.Arn)
	}
	if _, ok := s.activityArns[a.Name]; ok {
		return fmt.Errorf("%w: activity named %s", store.ErrExists, a.Name)
	}
	s.activities[a.Arn] = &activity{seq: s.next(), a: a.Clone()}
	s.activityArns[a.Name] = a.Arn
	return nil
}

// GetActivity implements store.Store.
func (s *Store) GetActivity(_ context.Context, arn string) (*store.Activity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.activities[arn]
	if !ok {
		return nil, fmt.Errorf("%w: activity %s", store.ErrNotFound, arn)
	}
	return a.a.Clone(), nil
}

// DeleteActivity implements store.Store.
func (s *Store) DeleteActivity(_ context.Context, arn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.activities[arn]
	if !ok {
		return fmt.Errorf("%w: activity %s", store.ErrNotFound, arn)
	}
	delete(s.activities, arn)
	delete(s.activityArns, a.a.Name)
	return nil
}

// ListActivities implements store.Store.
func (s *Store) ListActivities(_ context.Context, p store.Page) ([]*store.Activity, string, error) {
	after, err := p.Cursor(store.KindActivities)
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := slices.SortedFunc(maps.Values(s.activities), func(a, b *activity) int { return cmp.Compare(a.seq, b.seq) })
	page, next := ascending(all, after, p.Size(), func(a *activity) int64 { return a.seq })
	out := make([]*store.Activity, len(page))
	for i, a := range page {
		out[i] = a.a.Clone()
	}
	return out, store.NextToken(store.KindActivities, next), nil
}

// SetTags implements store.Store.
func (s *Store) SetTags(_ context.Context, arn string, tags map[string]string, remove []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var target *map[string]string
	if m, ok := s.machines[arn]; ok {
		target = &m.sm.Tags
	} else if a, ok := s.activities[arn]; ok {
		target = &a.a.Tags
	} else {
		return fmt.Errorf("%w: resource %s", store.ErrNotFound, arn)
	}
	merged := map[string]string{}
	maps.Copy(merged, *target)
	maps.Copy(merged, tags)
	for _, k := range remove {
		delete(merged, k)
	}
	*target = store.CloneTags(merged)
	return nil
}
