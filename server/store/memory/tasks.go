package memory

import (
	"context"
	"fmt"

	"github.com/aslrun/aslrun/server/store"
)

// GetToken implements store.Store.
func (s *Store) GetToken(_ context.Context, token string) (*store.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[token]
	if !ok {
		return nil, fmt.Errorf("%w: task token", store.ErrNotFound)
	}
	c := t.Clone()
	return &c, nil
}

// ClaimActivityTask implements store.Store.
func (s *Store) ClaimActivityTask(_ context.Context, activityArn, worker string) (*store.ActivityTask, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var oldest *task
	for _, t := range s.tasks {
		if t.t.ActivityArn != activityArn || t.t.Status != store.TaskScheduled {
			continue
		}
		if oldest == nil || t.t.Created.Before(oldest.t.Created) || (t.t.Created.Equal(oldest.t.Created) && t.seq < oldest.seq) {
			oldest = t
		}
	}
	if oldest == nil {
		return nil, nil
	}
	oldest.t.Status, oldest.t.WorkerName = store.TaskStarted, worker
	c := oldest.t
	return &c, nil
}
