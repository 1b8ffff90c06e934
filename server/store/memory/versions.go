package memory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/aslrun/aslrun/server/store"
)

// PublishStateMachineVersion implements store.Store.
func (s *Store) PublishStateMachineVersion(_ context.Context, v *store.StateMachineVersion) (*store.StateMachineVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[v.StateMachineArn]
	if !ok {
		return nil, fmt.Errorf("%w: state machine %s", store.ErrNotFound, v.StateMachineArn)
	}
	if m.sm.RevisionID != v.RevisionID {
		return nil, fmt.Errorf("%w: state machine %s is at revision %q, not %q", store.ErrConflict, v.StateMachineArn, m.sm.RevisionID, v.RevisionID)
	}
	for _, old := range m.versions {
		if old.RevisionID == v.RevisionID {
			return old.Clone(), fmt.Errorf("%w: version %s is of revision %q", store.ErrExists, old.Arn, v.RevisionID)
		}
	}
	m.lastVersion++
	v.Number, v.Arn = m.lastVersion, v.StateMachineArn+":"+strconv.FormatInt(m.lastVersion, 10)
	c := v.Clone()
	m.versions = append(m.versions, c)
	s.versions[c.Arn] = c
	return v.Clone(), nil
}

// GetStateMachineVersion implements store.Store.
func (s *Store) GetStateMachineVersion(_ context.Context, arn string) (*store.StateMachineVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.versions[arn]
	if !ok {
		return nil, fmt.Errorf("%w: state machine version %s", store.ErrNotFound, arn)
	}
	return v.Clone(), nil
}

// ListStateMachineVersions implements store.Store: the cursor is the number of the last version listed.
func (s *Store) ListStateMachineVersions(_ context.Context, machineArn string, p store.Page) ([]*store.StateMachineVersion, string, error) {
	before, err := p.Cursor(store.KindVersions)
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[machineArn]
	if !ok {
		return nil, "", nil
	}
	i := len(m.versions)
	if before > 0 {
		i = sort.Search(len(m.versions), func(i int) bool { return m.versions[i].Number >= before })
	}
	var out []*store.StateMachineVersion
	for i--; i >= 0; i-- {
		if len(out) == p.Size() {
			return out, store.NextToken(store.KindVersions, out[len(out)-1].Number), nil
		}
		out = append(out, m.versions[i].Clone())
	}
	return out, "", nil
}

// DeleteStateMachineVersion implements store.Store.
func (s *Store) DeleteStateMachineVersion(_ context.Context, arn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.versions[arn]
	if !ok {
		return fmt.Errorf("%w: state machine version %s", store.ErrNotFound, arn)
	}
	m := s.machines[v.StateMachineArn]
	for _, a := range m.aliases {
		if routes(a.a, arn) {
			return fmt.Errorf("%w: alias %s routes to version %s", store.ErrConflict, a.a.Arn, arn)
		}
	}
	delete(s.versions, arn)
	m.versions = slices.DeleteFunc(m.versions, func(x *store.StateMachineVersion) bool { return x.Arn == arn })
	return nil
}

// routes reports whether an alias routes to a version.
func routes(a *store.StateMachineAlias, versionArn string) bool {
	return slices.ContainsFunc(a.Routing, func(r store.Route) bool { return r.VersionArn == versionArn })
}

// checkRouting makes sure every version an alias routes to exists and is of its state machine. Called with
// mu held.
func (s *Store) checkRouting(a *store.StateMachineAlias) error {
	for _, r := range a.Routing {
		v, ok := s.versions[r.VersionArn]
		if !ok {
			return fmt.Errorf("%w: state machine version %s", store.ErrNotFound, r.VersionArn)
		}
		if v.StateMachineArn != a.StateMachineArn {
			return fmt.Errorf("%w: version %s is not of state machine %s", store.ErrInvalid, r.VersionArn, a.StateMachineArn)
		}
	}
	return nil
}

// CreateStateMachineAlias implements store.Store.
func (s *Store) CreateStateMachineAlias(_ context.Context, a *store.StateMachineAlias) (*store.StateMachineAlias, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.aliases[a.Arn]; ok {
		return old.a.Clone(), fmt.Errorf("%w: alias %s", store.ErrExists, a.Arn)
	}
	m, ok := s.machines[a.StateMachineArn]
	if !ok {
		return nil, fmt.Errorf("%w: state machine %s", store.ErrNotFound, a.StateMachineArn)
	}
	if err := s.checkRouting(a); err != nil {
		return nil, err
	}
	x := &alias{seq: s.next(), a: a.Clone()}
	s.aliases[a.Arn] = x
	m.aliases = append(m.aliases, x)
	return a.Clone(), nil
}

// GetStateMachineAlias implements store.Store.
func (s *Store) GetStateMachineAlias(_ context.Context, arn string) (*store.StateMachineAlias, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.aliases[arn]
	if !ok {
		return nil, fmt.Errorf("%w: alias %s", store.ErrNotFound, arn)
	}
	return x.a.Clone(), nil
}

// UpdateStateMachineAlias implements store.Store.
func (s *Store) UpdateStateMachineAlias(_ context.Context, a *store.StateMachineAlias) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.aliases[a.Arn]
	if !ok {
		return fmt.Errorf("%w: alias %s", store.ErrNotFound, a.Arn)
	}
	in := a.Clone()
	in.StateMachineArn, in.Name, in.CreationDate = x.a.StateMachineArn, x.a.Name, x.a.CreationDate
	if err := in.Validate(); err != nil {
		return err
	}
	if err := s.checkRouting(in); err != nil {
		return err
	}
	x.a = in
	return nil
}

// DeleteStateMachineAlias implements store.Store.
func (s *Store) DeleteStateMachineAlias(_ context.Context, arn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.aliases[arn]
	if !ok {
		return fmt.Errorf("%w: alias %s", store.ErrNotFound, arn)
	}
	delete(s.aliases, arn)
	m := s.machines[x.a.StateMachineArn]
	m.aliases = slices.DeleteFunc(m.aliases, func(y *alias) bool { return y == x })
	return nil
}

// ListStateMachineAliases implements store.Store.
func (s *Store) ListStateMachineAliases(_ context.Context, machineArn, versionArn string, p store.Page) ([]*store.StateMachineAlias, string, error) {
	after, err := p.Cursor(store.KindAliases)
	if err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[machineArn]
	if !ok {
		return nil, "", nil
	}
	all := m.aliases
	if versionArn != "" {
		all = slices.DeleteFunc(slices.Clone(all), func(x *alias) bool { return !routes(x.a, versionArn) })
	}
	page, next := ascending(all, after, p.Size(), func(x *alias) int64 { return x.seq })
	out := make([]*store.StateMachineAlias, len(page))
	for i, x := range page {
		out[i] = x.a.Clone()
	}
	return out, store.NextToken(store.KindAliases, next), nil
}
