// Package memory is a store.Store held in maps behind one mutex: for tests and for `aslrun serve` runs that
// need no persistence. Records are copied in and out, so callers never alias its state.
//
// Nothing is written anywhere else, so what it keeps must stay bounded: Transient executions go when they
// finish, and a Retention bounds how many finished executions it keeps and for how long.
package memory

import (
	"sync"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// Store is the in-memory backend. The zero value is not usable; call New.
type Store struct {
	mu sync.Mutex
	// seq numbers records in insertion order: listings follow it and page tokens point into it.
	seq int64

	machines     map[string]*machine
	machineNames map[string]string
	// versions and aliases index the machines' versions and aliases by ARN.
	versions     map[string]*store.StateMachineVersion
	aliases      map[string]*alias
	activities   map[string]*activity
	activityArns map[string]string

	executions map[string]*execution
	// started holds executions in insertion order, for newest-first listing. Dropped executions stay in
	// it, marked, until they are half of it: then it is compacted, which keeps a drop O(1) amortized.
	started []*execution
	dropped int

	// retain bounds the finished executions kept, by count and by age on the clock now. finished queues
	// them in the order they finished, oldest first; retained counts those that are still kept and finished.
	retain   Retention
	now      func() time.Time
	finished []finish
	retained int

	// children indexes executions by the Map Run that started them, for ListExecutions' MapRunArn filter.
	children map[string]*childList

	timers  map[store.TimerKey]*store.Timer
	tokens  map[string]*store.Token
	tasks   map[string]*task
	mapRuns map[string]*mapRun
}

// childList holds a Map Run's child executions in insertion order. Like Store.started, dropped ones stay,
// marked, until they are half of it.
type childList struct {
	xs      []*execution
	dropped int
}

type mapRun struct {
	seq int64
	m   *store.MapRun
}

type machine struct {
	seq int64
	sm  *store.StateMachine
	// lastVersion is the highest version number the machine gave; versions (by number) and aliases (by
	// creation) are those it has.
	lastVersion int64
	versions    []*store.StateMachineVersion
	aliases     []*alias
}

type alias struct {
	seq int64
	a   *store.StateMachineAlias
}

type activity struct {
	seq int64
	a   *store.Activity
}

type execution struct {
	seq int64
	// e is nil once the execution is dropped.
	e      *store.Execution
	events []store.Event
	// timers, tokens and tasks are the keys of this execution's rows, to drop them with it (nil: none).
	timers, tokens, tasks map[string]struct{}
	// mapRuns are the execution's Map Runs in insertion order, for listing and to drop them with it.
	mapRuns []*mapRun
	// finished is the seq of its entry in Store.finished while it is finished and kept (0: none), so that
	// an entry left behind by an execution that ran again, or was dropped, is told apart.
	finished int64
}

// finish is an execution's entry in the queue of finished executions.
type finish struct {
	x   *execution
	seq int64
	at  time.Time
}

type task struct {
	seq int64
	t   store.ActivityTask
}

var _ store.Store = (*Store)(nil)

// Retention bounds the finished executions a Store keeps; the oldest finished go first. Zero fields are
// no bound. Running executions are always kept, whatever their number or age.
type Retention struct {
	// Executions is how many finished executions are kept.
	Executions int
	// For is how long a finished execution is kept after it finished. An execution past it goes at the
	// next write (start or finish of any execution), not on a timer of its own.
	For time.Duration
}

// The retention aslrun serve --memory uses unless told otherwise: enough to look back on a day of testing,
// small enough (tens of MB for typical histories) to run for months.
const (
	DefaultRetainExecutions = 10_000
	DefaultRetainFor        = 24 * time.Hour
)

// Option configures New.
type Option func(*Store)

// WithRetention bounds the finished executions kept; without it they are all kept.
func WithRetention(r Retention) Option {
	return func(s *Store) { s.retain = r }
}

// WithClock sets the clock that Retention.For is measured by; the default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{
		machines:     map[string]*machine{},
		machineNames: map[string]string{},
		versions:     map[string]*store.StateMachineVersion{},
		aliases:      map[string]*alias{},
		activities:   map[string]*activity{},
		activityArns: map[string]string{},
		executions:   map[string]*execution{},
		now:          time.Now,
		timers:       map[store.TimerKey]*store.Timer{},
		tokens:       map[string]*store.Token{},
		tasks:        map[string]*task{},
		children:     map[string]*childList{},
		mapRuns:      map[string]*mapRun{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Close releases nothing: the records go when the Store is garbage.
func (s *Store) Close() error { return nil }

func (s *Store) next() int64 {
	s.seq++
	return s.seq
}
