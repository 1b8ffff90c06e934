// Package service is the control plane: the one place executions are created, run, parked, resumed and
// recorded, for aslrun serve, execute and test and for nested executions. It offers the Step Functions
// API's operations over a store.Store, with AWS's request checks, error codes and messages. Executions run
// in-process on the interpreter; each is stored when it starts, its history committed as it runs, and its
// outcome when it ends. Package httpapi puts the operations on the wire; local.go serves the CLI.
package service

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/interpreter/maprun"
	"github.com/aslrun/aslrun/server/store"
)

// DefaultPollTimeout is how long GetActivityTask waits for a task, as AWS does.
const DefaultPollTimeout = 60 * time.Second

// Options configure a Service. Store is required; the rest have defaults.
type Options struct {
	Store store.Store
	// Invoker runs Task resources (the server's resources.Registry); nil fails every Task. Workers in its
	// environment answer task tokens through Answers.
	Invoker interpreter.Invoker
	// Clock defaults to real time.
	Clock interpreter.Clock
	// Mocks returns the invoker of one execution of a Step Functions Local test case, for StartExecution's
	// "stateMachineArn#TestCaseName" form; nil refuses that form. calls are the invocations per state the
	// execution made before it parked (nil when it starts); the invoker reports them with MockCalls.
	Mocks func(stateMachine, testCase string, calls map[string]int) (interpreter.Invoker, error)
	// Definitions finds a state machine that states:startExecution names but the store does not hold: the
	// definition NAME.asl.json beside the one aslrun execute runs. nil: only created state machines start.
	Definitions func(name string) (path string, definition []byte, err error)
	// PayloadLimit is the executions' largest state payload in bytes (interpreter.Config.PayloadLimit): 0
	// is AWS's 256 KiB, negative none.
	PayloadLimit int
	// NoHistory keeps no history events in the store (subscribers still see every event): aslrun execute's
	// runs that nobody reads. A local run can ask for its history all the same (LocalRun.History).
	NoHistory bool
	// Region and Account go into the ARNs the service makes (region.go): Region, when set, is the region
	// of all; else a request's own region, else DefaultRegion. Account defaults to DefaultAccount.
	Region, Account string
	// PollTimeout bounds GetActivityTask's long poll; default DefaultPollTimeout.
	PollTimeout time.Duration
	// NodeID names this node as the owner of the executions it runs (their leases); default the host's
	// name. A node resumes the executions it owned at once when it starts again.
	NodeID string
	// Programs, when set, is a cache of compiled definitions that several services share (aslrun test's,
	// one per test case); nil gives the service its own.
	Programs *Programs
	// Shared says other nodes use the store too: at start a node resumes only what it owned, never an
	// execution that has not committed a step yet (another node may be starting it; its lease tells).
	Shared bool
	// HeapSoftLimit is the Go heap in bytes above which StartExecution and StartSyncExecution answer
	// ThrottlingException (shed.go): 0 derives it from GOMEMLIMIT or the memory available, negative never
	// sheds.
	HeapSoftLimit int64
	// Lease is how long this node holds a running execution or a claimed timer without renewing; default
	// DefaultLease. Shorter: a dead node's work is taken over sooner, at the cost of a commit per running
	// execution every third of it.
	Lease time.Duration
	// WaitScale, when set, multiplies the durations of Wait states (Step Functions Local's WAIT_TIME_SCALE):
	// 0.1 makes a 60 s Wait last 6 s, 0 ends it at once.
	WaitScale *float64
	// Objects is the S3 that Distributed Maps read their items from and write their results to (the
	// embedded S3 or real S3); nil fails those that do.
	Objects maprun.Objects
	// Rand is the source of StartExecution's weighted choice between an alias's versions; nil uses
	// math/rand's. Tests give a seeded one.
	Rand rand.Source
}

// Service implements the operations. Its methods are safe for concurrent use.
type Service struct {
	store           store.Store
	invoker         interpreter.Invoker
	objects         maprun.Objects
	callbacks       *interpreter.Callbacks
	clock           interpreter.Clock
	mocks           func(stateMachine, testCase string, calls map[string]int) (interpreter.Invoker, error)
	definitions     func(name string) (string, []byte, error)
	noHistory       bool
	payloadLimit    int
	waitScale       *float64
	region, account string
	pollTimeout     time.Duration
	shed            *shedder

	// ctx is the life of the service: executions run under it and long polls end with it.
	ctx    context.Context
	cancel context.CancelFunc

	mu sync.Mutex
	// running holds the executions this process runs, to stop them and to wait for their outcome.
	running map[string]*run
	// waking holds the executions the scheduler is resuming, until they run.
	waking map[string]bool
	// rewake holds the executions a wake found busy (running, or being woken): once that is over they
	// are woken again, since what woke them (an answer) may have come after their last look.
	rewake map[string]bool
	// programs caches compiled definitions (Options.Programs).
	programs *Programs
	// ended holds, per execution a Task of another waits for, what is told when it ends (see nested.go).
	ended map[string][]chan struct{}
	wg    sync.WaitGroup

	subMu sync.RWMutex
	subs  map[*subscriber]struct{}
	// encoders are the eventBuffers of the executions' goroutines that encode history events.
	encoders sync.Pool

	actMu sync.Mutex
	// started tells the activity Tasks running here that a worker took their task, by token; polls holds,
	// per activity, what is closed when a task is queued for it, to wake this process's long polls.
	started map[string]func(worker string)
	// tookParked are workers that took a task of an execution while it parked, by token.
	tookParked map[string]string
	// redriveTokens are the client tokens of each execution's latest redrives (RedriveExecution).
	redriveTokens map[string][]redriveToken
	polls         map[string]chan struct{}
	// parking: executions park at their waits and the scheduler wakes them (under a real clock; a virtual
	// clock moves only while executions hold it, so they keep their goroutines).
	parking bool
	// node is Options.NodeID; lease is Options.Lease, renew how often a running execution's lease is renewed.
	node         string
	lease, renew time.Duration
	shared       bool
	// closing is set once Close began.
	closing atomic.Bool
	poke    chan struct{}

	// rnd is Options.Rand (nil: none), which rndMu guards.
	rndMu sync.Mutex
	rnd   *rand.Rand
}

// New returns a service over opts.Store. Close it before closing the store.
func New(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, errors.New("service: a store is required")
	}
	s := &Service{
		store: opts.Store, invoker: opts.Invoker, objects: opts.Objects, callbacks: interpreter.NewCallbacks(), clock: opts.Clock, mocks: opts.Mocks,
		definitions: opts.Definitions, noHistory: opts.NoHistory, payloadLimit: opts.PayloadLimit, waitScale: opts.WaitScale,
		region: opts.Region, account: opts.Account, pollTimeout: opts.PollTimeout, shed: newShedder(opts.HeapSoftLimit),
		running: map[string]*run{}, waking: map[string]bool{}, rewake: map[string]bool{}, ended: map[string][]chan struct{}{},
		subs: map[*subscriber]struct{}{}, started: map[string]func(string){}, tookParked: map[string]string{}, polls: map[string]chan struct{}{},
		redriveTokens: map[string][]redriveToken{}, programs: opts.Programs,
	}
	if s.programs == nil {
		s.programs = NewPrograms()
	}
	if s.clock == nil {
		s.clock = interpreter.RealClock{}
	}
	if opts.Rand != nil {
		s.rnd = rand.New(opts.Rand)
	}
	if s.account == "" {
		s.account = DefaultAccount
	}
	if s.pollTimeout <= 0 {
		s.pollTimeout = DefaultPollTimeout
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	_, virtual := s.clock.(*interpreter.VirtualClock)
	s.parking, s.poke = !virtual, make(chan struct{}, 1)
	if s.lease = opts.Lease; s.lease <= 0 {
		s.lease = DefaultLease
	}
	s.renew, s.shared = s.lease/3, opts.Shared
	if s.node = opts.NodeID; s.node == "" {
		s.node, _ = os.Hostname()
	}
	if s.parking {
		s.wg.Add(1)
		go s.schedule()
	}
	return s, nil
}

// Close ends long polls and interrupts the running executions without committing an outcome, so that they
// stay RUNNING in the store, then waits for their goroutines. Calling it again only waits.
func (s *Service) Close() {
	// A clean stop: the running durable executions commit where they are, so that the next start does
	// not count them as interrupted by a crash (maxCrashes).
	s.closing.Store(true)
	s.mu.Lock()
	runs := make([]*run, 0, len(s.running))
	for _, r := range s.running {
		runs = append(runs, r)
	}
	s.mu.Unlock()
	for _, r := range runs {
		r.rc.renew()
	}
	s.cancel()
	s.wg.Wait()
}

// Node is the node id the service runs executions under (Options.NodeID).
func (s *Service) Node() string { return s.node }

// StoreReady reports whether the store answers a read.
func (s *Service) StoreReady(ctx context.Context) error {
	_, _, err := s.store.NextTimer(ctx)
	return err
}

// PollTimeout is how long GetActivityTask waits for a task.
func (s *Service) PollTimeout() time.Duration { return s.pollTimeout }

// now is the service's clock, to the microsecond the store keeps.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// storeError maps the store's not-found to the operation's own error and anything else to InternalFailure.
func storeError(err error, notFound func() *Error) error {
	if errors.Is(err, store.ErrNotFound) && notFound != nil {
		return notFound()
	}
	if errors.Is(err, store.ErrInvalidToken) {
		return invalidPageToken()
	}
	return internal(err)
}
