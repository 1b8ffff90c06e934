package memory

import (
	"context"
	"fmt"
	"sort"

	"github.com/aslrun/aslrun/server/store"
)

// CreateMapRun implements store.Store.
func (s *Store) CreateMapRun(_ context.Context, m *store.MapRun) error {
	if m.Arn == "" || m.ExecutionArn == "" {
		return fmt.Errorf("%w: a Map Run needs an ARN and an execution", store.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.mapRuns[m.Arn]; ok {
		return fmt.Errorf("%w: map run %s", store.ErrExists, m.Arn)
	}
	x, ok := s.executions[m.ExecutionArn]
	if !ok {
		return fmt.Errorf("%w: execution %s", store.ErrNotFound, m.ExecutionArn)
	}
	r := &mapRun{seq: s.next(), m: m.Clone()}
	s.mapRuns[m.Arn] = r
	x.mapRuns = append(x.mapRuns, r)
	return nil
}

// GetMapRun implements store.Store.
func (s *Store) GetMapRun(_ context.Context, arn string) (*store.MapRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.mapRuns[arn]
	if !ok {
		return nil, fmt.Errorf("%w: map run %s", store.ErrNotFound, arn)
	}
	return r.m.Clone(), nil
}

// UpdateMapRun implements store.Store: change edits a copy under the lock, which replaces the record only
// when change succeeds.
func (s *Store) UpdateMapRun(_ context.Context, arn string, change func(*store.MapRun) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.mapRuns[arn]
	if !ok {
		return fmt.Errorf("%w: map run %s", store.ErrNotFound, arn)
	}
	c := r.m.Clone()
	if err := change(c); err != nil {
		return err
	}
	c.Arn, c.ExecutionArn = r.m.Arn, r.m.ExecutionArn
	r.m = c.Clone() // change may hold on to c
	return nil
}

// ListMapRuns implements store.Store.
func (s *Store) ListMapRuns(_ context.Context, executionArn string, p store.Page) ([]*store.MapRun, string, error) {
	before, err := p.Cursor(store.KindMapRuns)
	if err != nil {
		return nil, "", err
	}
	size := p.Size()
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.executions[executionArn]
	if !ok {
		return nil, "", fmt.Errorf("%w: execution %s", store.ErrNotFound, executionArn)
	}
	i := len(x.mapRuns)
	if before > 0 {
		i = sort.Search(len(x.mapRuns), func(i int) bool { return x.mapRuns[i].seq >= before })
	}
	var out []*store.MapRun
	for i--; i >= 0; i-- {
		if len(out) == size {
			return out, store.NextToken(store.KindMapRuns, x.mapRuns[i+1].seq), nil
		}
		out = append(out, x.mapRuns[i].m.Clone())
	}
	return out, "", nil
}
