// Package service is the control plane of aslrun serve: the Step Functions API's operations over a
// store.Store, with AWS's request checks, error codes and messages. Executions run in-process on the
// interpreter; each one is stored when it starts and its outcome committed, with its history, when it ends.
// Package httpapi puts the operations on the wire.
package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// DefaultPollTimeout is how long GetActivityTask waits for a task, as AWS does.
const DefaultPollTimeout = 60 * time.Second

// Options configure a Service. Store is required; the rest have defaults.
type Options struct {
	Store store.Store
	// Invoker runs Task resources (the server's resources.Registry); nil fails every Task.
	Invoker interpreter.Invoker
	// Callbacks takes SendTask* answers and hands out activity tasks; the Invoker's environment must use
	// the same one. Default: a new one.
	Callbacks *interpreter.Callbacks
	// Clock defaults to real time.
	Clock interpreter.Clock
	// Mocks returns the invoker of one execution of a Step Functions Local test case, for StartExecution's
	// "stateMachineArn#TestCaseName" form; nil refuses that form.
	Mocks func(stateMachine, testCase string) (interpreter.Invoker, error)
	// Region and Account go into the ARNs the service makes; default us-east-1 and 123456789012.
	Region, Account string
	// PollTimeout bounds GetActivityTask's long poll; default DefaultPollTimeout.
	PollTimeout time.Duration
}

// Service implements the operations. Its methods are safe for concurrent use.
type Service struct {
	store           store.Store
	invoker         interpreter.Invoker
	callbacks       *interpreter.Callbacks
	clock           interpreter.Clock
	mocks           func(stateMachine, testCase string) (interpreter.Invoker, error)
	region, account string
	pollTimeout     time.Duration

	// ctx is the life of the service: executions run under it and long polls end with it.
	ctx    context.Context
	cancel context.CancelFunc

	mu sync.Mutex
	// running holds the executions this process runs, to stop them and to wait for their outcome.
	running map[string]*run
	// programs caches the compiled definition of each state machine, keyed by ARN.
	programs map[string]compiled
	wg       sync.WaitGroup
	// parking: executions park at their waits and the scheduler wakes them (under a real clock; a virtual
	// clock moves only while executions hold it, so they keep their goroutines).
	parking bool
	poke    chan struct{}
}

// compiled is a state machine's program and the definition it was compiled from.
type compiled struct {
	definition, typ string
	prog            *interpreter.Program
}

// New returns a service over opts.Store. Close it before closing the store.
func New(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, errors.New("service: a store is required")
	}
	s := &Service{
		store: opts.Store, invoker: opts.Invoker, callbacks: opts.Callbacks, clock: opts.Clock, mocks: opts.Mocks,
		region: opts.Region, account: opts.Account, pollTimeout: opts.PollTimeout,
		running: map[string]*run{}, programs: map[string]compiled{},
	}
	if s.callbacks == nil {
		s.callbacks = interpreter.NewCallbacks()
	}
	if s.clock == nil {
		s.clock = interpreter.RealClock{}
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.account == "" {
		s.account = "123456789012"
	}
	if s.pollTimeout <= 0 {
		s.pollTimeout = DefaultPollTimeout
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	_, virtual := s.clock.(*interpreter.VirtualClock)
	s.parking, s.poke = !virtual, make(chan struct{}, 1)
	if s.parking {
		s.wg.Add(1)
		go s.schedule()
	}
	return s, nil
}

// Close ends long polls and interrupts the running executions without committing an outcome, so that they
// stay RUNNING in the store, then waits for their goroutines. Calling it again only waits.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

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
