package store

import "time"

// State machine types and statuses, as the API spells them.
const (
	TypeStandard = "STANDARD"
	TypeExpress  = "EXPRESS"

	MachineActive   = "ACTIVE"
	MachineDeleting = "DELETING"
)

// Execution statuses.
const (
	Running        = "RUNNING"
	Succeeded      = "SUCCEEDED"
	Failed         = "FAILED"
	TimedOut       = "TIMED_OUT"
	Aborted        = "ABORTED"
	PendingRedrive = "PENDING_REDRIVE"
)

// Task token statuses.
const (
	TokenPending   = "PENDING"
	TokenSucceeded = "SUCCEEDED"
	TokenFailed    = "FAILED"
	TokenTimedOut  = "TIMED_OUT"
	TokenClosed    = "CLOSED"
)

// Activity task statuses: scheduled until a worker claims it, started until its token is answered.
const (
	TaskScheduled = "SCHEDULED"
	TaskStarted   = "STARTED"
	TaskDone      = "DONE"
)

// Finished reports whether an execution status is final. PENDING_REDRIVE is not: the execution will run again.
func Finished(status string) bool {
	switch status {
	case Succeeded, Failed, TimedOut, Aborted:
		return true
	}
	return false
}

// StateMachine is a state machine as CreateStateMachine and UpdateStateMachine leave it.
type StateMachine struct {
	Arn, Name  string
	Type       string
	Definition string
	RoleArn    string
	Status     string
	// CreationDate orders ListStateMachines' display; the listing itself follows insertion order.
	CreationDate, UpdateDate time.Time
	RevisionID               string
	// LoggingConfiguration, TracingConfiguration and EncryptionConfiguration are the API's JSON objects,
	// kept verbatim (nil: none).
	LoggingConfiguration, TracingConfiguration, EncryptionConfiguration []byte
	Tags                                                                map[string]string
}

// StateMachineVersion is a published version of a state machine: its definition and configuration as they
// were at one revision, which runs unchanged however the state machine changes later. Name and type are the
// state machine's, shared by all its versions.
type StateMachineVersion struct {
	// Arn is the state machine's ARN, ":" and Number.
	Arn, StateMachineArn string
	// Number counts a state machine's versions from 1; the number of a deleted version is never given again.
	Number      int64
	Description string
	Definition  string
	RoleArn     string
	// RevisionID is the state machine's revision the version was published from ("" for the revision
	// CreateStateMachine made, which has no ID).
	RevisionID   string
	CreationDate time.Time
	// LoggingConfiguration and TracingConfiguration are the state machine's at that revision (nil: none).
	LoggingConfiguration, TracingConfiguration []byte
}

// StateMachineAlias names one or two versions of a state machine, between which StartExecution picks by weight.
type StateMachineAlias struct {
	// Arn is the state machine's ARN, ":" and Name.
	Arn, StateMachineArn, Name string
	Description                string
	Routing                    []Route
	CreationDate, UpdateDate   time.Time
}

// Route is one entry of an alias's routing configuration: the percentage of executions a version runs.
type Route struct {
	VersionArn string
	Weight     int64
}

// Activity is an activity as CreateActivity leaves it.
type Activity struct {
	Arn, Name    string
	CreationDate time.Time
	Tags         map[string]string
	// EncryptionConfiguration is the API's JSON object, kept verbatim (nil: none).
	EncryptionConfiguration []byte
}

// Execution is one execution: its API-visible fields plus the interpreter's opaque checkpoint.
type Execution struct {
	Arn, StateMachineArn, Name string
	Status                     string
	// Input and Output are JSON text; Output is nil until the execution succeeds.
	Input  string
	Output *string
	// Error and Cause are nil when absent, which the API distinguishes from empty.
	Error, Cause *string
	// StopDate is zero while the execution runs.
	StartDate, StopDate time.Time
	// Definition is the definition this execution runs: UpdateStateMachine must not change running executions.
	Definition string
	// TestCase is the Step Functions Local mock-config test case the execution runs ("" for none): started as
	// "stateMachineArn#TestCase", it must run mocked again after a restart or a park.
	TestCase string
	// Checkpoint is the interpreter's resume state; the store never looks inside.
	Checkpoint []byte
	// Version counts committed steps; Commit refuses a step whose Version is not the stored one.
	Version int64
	// LastEvent is the id of the execution's latest stored event (0: none). The store keeps it: what a
	// caller sets is ignored, and Commit advances it like Version.
	LastEvent int64
	Express   bool
	// Transient executions are not kept once finished: the commit that finishes one drops it with its
	// history, timers, tokens and activity tasks. The service makes Express executions transient, as AWS
	// keeps no record of them once they end.
	Transient bool
	// MapRunArn is the Map Run that started this execution as one of its children ("" for none):
	// ListExecutions filters by it.
	MapRunArn string
	// StateMachineVersionArn is the version the execution runs, StateMachineAliasArn the alias that chose it
	// ("" for none): ListExecutions filters by either.
	StateMachineVersionArn, StateMachineAliasArn string
	// RedriveCount counts the times the execution was redriven, RedriveDate is the latest (zero: never). Both
	// are mutable: Commit stores them.
	RedriveCount int64
	RedriveDate  time.Time
	// TraceHeader is the X-Ray trace header StartExecution was given ("" for none).
	TraceHeader string
}

// MapRun is a Distributed Map's run: the child executions it starts and the settings UpdateMapRun changes
// while it runs (DescribeMapRun's fields).
type MapRun struct {
	Arn, ExecutionArn string
	// Status is RUNNING, SUCCEEDED, FAILED or ABORTED.
	Status string
	// StopDate is zero while the Map Run runs.
	StartDate, StopDate        time.Time
	MaxConcurrency             int64
	ToleratedFailurePercentage float64
	ToleratedFailureCount      int64
	// Items and Executions count the Map Run's items and its child executions by status.
	Items, Executions MapRunCounts
	// RedriveCount counts the redrives of the Map Run (its parent's), RedriveDate is the latest one's.
	RedriveCount int64
	RedriveDate  time.Time
}

// MapRunCounts are DescribeMapRun's itemCounts or executionCounts.
type MapRunCounts struct {
	Pending, Running, Succeeded, Failed, TimedOut, Aborted, Total, ResultsWritten int64
	FailuresNotRedrivable, PendingRedrive                                         int64
}

// Event is one history event. IDs start at 1 and are dense per execution.
type Event struct {
	ExecutionArn string
	ID           int64
	Timestamp    time.Time
	Type         string
	// Data is the whole event as GetExecutionHistory returns it (JSON).
	Data []byte
}

// TimerKey names a timer: an execution has at most one timer per key ("wait", "heartbeat:TOKEN"...).
type TimerKey struct {
	ExecutionArn, Key string
}

// Timer wakes an execution at Due. Owner and LeaseUntil describe the current claim, if any: a claim expires,
// so a scheduler that dies holding one delays the timer by the lease, never loses it.
type Timer struct {
	TimerKey
	Due        time.Time
	Owner      string
	LeaseUntil time.Time
}

// Token is a task token handed out by a .waitForTaskToken task or an activity task.
type Token struct {
	Token        string
	ExecutionArn string
	StateName    string
	Status       string
	// Output is the JSON text SendTaskSuccess delivered.
	Output string
	// Error and Cause are what SendTaskFailure delivered; nil when absent.
	Error, Cause *string
	Created      time.Time
	HeartbeatAt  time.Time
}

// ActivityTask is work scheduled for an activity's workers. Token is its task token.
type ActivityTask struct {
	Token        string
	ActivityArn  string
	ExecutionArn string
	// Input is JSON text.
	Input      string
	Status     string
	WorkerName string
	Created    time.Time
}
