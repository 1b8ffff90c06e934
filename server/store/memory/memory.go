// Package memory is a store.Store held in maps behind one mutex: for tests and for `aslrun serve` runs that
// need no persistence. Records are copied in and out, so callers never alias its state.
package memory

import (
	"sync"

	"github.com/aslrun/aslrun/server/store"
)

// Store is the in-memory backend. The zero value is not usable; call New.
type Store struct {
	mu sync.Mutex
	// seq numbers records in insertion order: listings follow it and page tokens point into it.
	seq int64

	machines     map[string]*machine
	machineNames map[string]string
	activities   map[string]*activity
	activityArns map[string]string

	executions map[string]*execution
	// started holds executions in insertion order, for newest-first listing.
	started []*execution

	timers map[store.TimerKey]*store.Timer
	tokens map[string]*store.Token
	tasks  map[string]*task
}

type machine struct {
	seq int64
	sm  *store.StateMachine
}

type activity struct {
	seq int64
	a   *store.Activity
}

type execution struct {
	seq    int64
	e      *store.Execution
	events []store.Event
	// timers are the keys of this execution's timers, to drop them when it finishes.
	timers map[string]struct{}
}

type task struct {
	seq int64
	t   store.ActivityTask
}

var _ store.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		machines:     map[string]*machine{},
		machineNames: map[string]string{},
		activities:   map[string]*activity{},
		activityArns: map[string]string{},
		executions:   map[string]*execution{},
		timers:       map[store.TimerKey]*store.Timer{},
		tokens:       map[string]*store.Token{},
		tasks:        map[string]*task{},
	}
}

// Close releases nothing: the records go when the Store is garbage.
func (s *Store) Close() error { return nil }

func (s *Store) next() int64 {
	s.seq++
	return s.seq
}
