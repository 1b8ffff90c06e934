// Package store persists what aslrun serve keeps: state machines, activities, executions with their history,
// timers, task tokens and activity tasks. A waiting execution is rows, not a goroutine; a step of an execution
// is one Commit, applied entirely or not at all, so a restart (even after SIGKILL) resumes from the last step.
//
// Backends live in sub-packages (memory, sqlite); storetest holds the suite every backend must pass. Claims on
// timers are leases with an expiry rather than locks held by a process, so that a backend shared by several
// servers can be added without changing callers.
package store

import (
	"context"
	"time"
)

// Store is implemented by every backend. Records go in and come out as copies: a caller never aliases
// the store's state. Times are kept to the microsecond (PostgreSQL's precision; AWS shows milliseconds).
// Methods are safe for concurrent use.
type Store interface {
	// CreateStateMachine fails with ErrExists when a state machine with that ARN or name exists.
	CreateStateMachine(ctx context.Context, sm *StateMachine) error
	GetStateMachine(ctx context.Context, arn string) (*StateMachine, error)
	// UpdateStateMachine replaces the mutable fields: Definition, RoleArn, Status, UpdateDate, RevisionID and
	// the logging and tracing configurations. Tags change through SetTags.
	UpdateStateMachine(ctx context.Context, sm *StateMachine) error
	// DeleteStateMachine removes the state machine with its versions and aliases; its executions stay readable.
	DeleteStateMachine(ctx context.Context, arn string) error
	// ListStateMachines lists in creation order.
	ListStateMachines(ctx context.Context, p Page) ([]*StateMachine, string, error)

	// PublishStateMachineVersion stores v as the next version of v.StateMachineArn, numbered after the highest
	// number the state machine ever gave (deleted versions count), sets v.Number and v.Arn, and returns the
	// stored version. v.RevisionID must be the state machine's current RevisionID, else ErrConflict: it
	// changed since the caller read it. When a version of that revision exists already, PublishStateMachineVersion
	// returns that one and ErrExists. ErrNotFound when the state machine does not exist.
	PublishStateMachineVersion(ctx context.Context, v *StateMachineVersion) (*StateMachineVersion, error)
	GetStateMachineVersion(ctx context.Context, arn string) (*StateMachineVersion, error)
	// ListStateMachineVersions lists a state machine's versions, newest first.
	ListStateMachineVersions(ctx context.Context, machineArn string, p Page) ([]*StateMachineVersion, string, error)
	// DeleteStateMachineVersion removes a version: ErrConflict while an alias routes to it, ErrNotFound when
	// there is no such version. Executions of it stay readable.
	DeleteStateMachineVersion(ctx context.Context, arn string) error

	// CreateStateMachineAlias stores a new alias and returns it. When the ARN is taken it returns the stored
	// alias and ErrExists, so that the caller can tell a repeated request from a clash. ErrNotFound when its
	// state machine, or a version it routes to, does not exist; ErrInvalid when a version belongs to another
	// state machine.
	CreateStateMachineAlias(ctx context.Context, a *StateMachineAlias) (*StateMachineAlias, error)
	GetStateMachineAlias(ctx context.Context, arn string) (*StateMachineAlias, error)
	// UpdateStateMachineAlias replaces an alias's Description, Routing and UpdateDate. ErrNotFound when the
	// alias, or a version it routes to, does not exist; ErrInvalid as CreateStateMachineAlias.
	UpdateStateMachineAlias(ctx context.Context, a *StateMachineAlias) error
	DeleteStateMachineAlias(ctx context.Context, arn string) error
	// ListStateMachineAliases lists a state machine's aliases in creation order: all of them when versionArn
	// is "", else those that route to that version.
	ListStateMachineAliases(ctx context.Context, machineArn, versionArn string, p Page) ([]*StateMachineAlias, string, error)

	// CreateActivity fails with ErrExists when an activity with that ARN or name exists.
	CreateActivity(ctx context.Context, a *Activity) error
	GetActivity(ctx context.Context, arn string) (*Activity, error)
	DeleteActivity(ctx context.Context, arn string) error
	// ListActivities lists in creation order.
	ListActivities(ctx context.Context, p Page) ([]*Activity, string, error)

	// SetTags adds or overwrites tags, then removes the keys in remove, on a state machine or an activity.
	SetTags(ctx context.Context, arn string, tags map[string]string, remove []string) error

	// CreateExecution stores a new execution at Version 1 with its first events (IDs from 1). It sets
	// e.Version and returns the stored execution. When the ARN is taken it returns the existing execution
	// and ErrExists, so that the caller can tell an idempotent retry from a clash. The execution's timers
	// are stored as given, claims included (Owner, LeaseUntil): the node that creates an execution holds it
	// under a lease from the start.
	CreateExecution(ctx context.Context, e *Execution, events []Event, timers ...Timer) (*Execution, error)
	GetExecution(ctx context.Context, arn string) (*Execution, error)
	// ListExecutions lists newest first, as AWS does.
	ListExecutions(ctx context.Context, f ExecutionFilter, p Page) ([]*Execution, string, error)
	// Unfinished returns the executions to resume at startup: RUNNING and PENDING_REDRIVE, oldest first.
	Unfinished(ctx context.Context) ([]*Execution, error)

	// Commit applies one step atomically; see Step. On success it advances s.Execution.Version, so the caller
	// can commit its next step with the same record. A stale Version is ErrConflict, an unknown execution
	// ErrNotFound, events that do not continue the history densely ErrInvalid; on any error nothing changes.
	Commit(ctx context.Context, s Step) error
	// History pages through an execution's events, by ID ascending, or descending when reverse.
	History(ctx context.Context, executionArn string, p Page, reverse bool) ([]Event, string, error)

	// ClaimDueTimers leases up to n timers due at or before now, and not leased by anyone at now, to owner
	// until now+lease, and returns them in due order. Committing a step that deletes the timer completes it;
	// otherwise the lease expires and the timer can be claimed again.
	ClaimDueTimers(ctx context.Context, now time.Time, owner string, lease time.Duration, n int) ([]Timer, error)
	// ReleaseTimers ends the leases owner holds: a node that starts again takes back at once the timers its
	// previous process claimed and died holding.
	ReleaseTimers(ctx context.Context, owner string) error
	// NextTimer returns when the earliest timer becomes claimable (its due time, or its lease's end while
	// leased), for the scheduler's sleep; false when there are no timers.
	NextTimer(ctx context.Context) (time.Time, bool, error)

	GetToken(ctx context.Context, token string) (*Token, error)
	// ClaimActivityTask moves the oldest SCHEDULED task of the activity to STARTED for worker and returns it;
	// nil, nil when there is none.
	ClaimActivityTask(ctx context.Context, activityArn, worker string) (*ActivityTask, error)

	// CreateMapRun stores a new Map Run; ErrExists when its ARN is taken, ErrNotFound when its execution
	// does not exist.
	CreateMapRun(ctx context.Context, m *MapRun) error
	GetMapRun(ctx context.Context, arn string) (*MapRun, error)
	// UpdateMapRun changes a Map Run atomically: change gets the stored record and edits it in place; when
	// it returns an error nothing is stored and UpdateMapRun returns that error. Writers that change
	// different fields (the run's counts, the API's settings) never lose each other's changes. Arn and
	// ExecutionArn stay as they are, whatever change sets. ErrNotFound when there is no such Map Run.
	// change runs inside the backend's transaction or lock: it must not call the store, and it may run more
	// than once (a backend may retry the transaction), each time on a freshly read record.
	UpdateMapRun(ctx context.Context, arn string, change func(m *MapRun) error) error
	// ListMapRuns lists an execution's Map Runs, newest first; ErrNotFound when the execution does not exist.
	// An execution's Map Runs go with it (a Transient execution that finishes, a retention that drops it).
	ListMapRuns(ctx context.Context, executionArn string, p Page) ([]*MapRun, string, error)
	Close() error
}

// Waker is implemented by a store that several nodes share: Wakeups delivers a signal (coalesced) soon
// after any node commits a timer due within about a second, until ctx ends, so that every node's
// scheduler can claim it without waiting for its next poll.
type Waker interface {
	Wakeups(ctx context.Context) <-chan struct{}
}

// ExecutionFilter narrows ListExecutions; empty fields match everything.
type ExecutionFilter struct {
	StateMachineArn        string
	Status                 string
	MapRunArn              string
	StateMachineVersionArn string
	StateMachineAliasArn   string
}

// Step is what one execution step changes. Commit applies it in this order:
//  1. Execution's mutable fields (Status, Output, Error, Cause, StopDate, Checkpoint, RedriveCount, RedriveDate)
//     if its Version is current. Any status may follow any other: a redrive moves a finished execution back
//     to RUNNING;
//  2. Events, whose IDs must continue the execution's history densely;
//  3. DeleteTimers, then SetTimers (so a step can reschedule a key; setting a timer clears its lease);
//  4. Tokens and ActivityTasks, inserted or replaced by token.
//
// Timers, tokens and tasks may belong to other executions (a child waking its parent), which must exist.
// When the step leaves the execution finished, its remaining timers are dropped: nothing is left to wake.
// When it finishes a Transient execution, the execution is dropped whole (see Execution.Transient): from
// then on it is ErrNotFound everywhere, and the caller's record is all that is left of it.
type Step struct {
	Execution     *Execution
	Events        []Event
	SetTimers     []Timer
	DeleteTimers  []TimerKey
	Tokens        []Token
	ActivityTasks []ActivityTask
}
