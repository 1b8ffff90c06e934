package interpreter

// EventKind is a history event's type.
type EventKind uint8

// The event kinds. A state's entered and exited events have a kind per state type (stateKind).
const (
	noEvent EventKind = iota
	ExecutionStarted
	ExecutionSucceeded
	ExecutionFailed
	ExecutionTimedOut
	ExecutionAborted
	ExecutionRedriven
	PassStateEntered
	PassStateExited
	TaskStateEntered
	TaskStateExited
	ChoiceStateEntered
	ChoiceStateExited
	WaitStateEntered
	WaitStateExited
	SucceedStateEntered
	SucceedStateExited
	FailStateEntered
	FailStateExited
	ParallelStateEntered
	ParallelStateExited
	MapStateEntered
	MapStateExited
	ParallelStateStarted
	ParallelStateSucceeded
	ParallelStateFailed
	MapStateStarted
	MapStateSucceeded
	MapStateFailed
	MapIterationStarted
	MapIterationSucceeded
	MapIterationFailed
	MapIterationAborted
	MapRunStarted
	MapRunSucceeded
	MapRunFailed
	MapRunAborted
	MapRunRedriven
	TaskScheduled
	TaskStarted
	TaskSubmitted
	TaskSucceeded
	TaskFailed
	TaskTimedOut
	LambdaFunctionScheduled
	LambdaFunctionStarted
	LambdaFunctionSucceeded
	LambdaFunctionFailed
	LambdaFunctionTimedOut
	ActivityScheduled
	ActivityStarted
	ActivitySucceeded
	ActivityFailed
	ActivityTimedOut
	numEventKinds
)

// How an event kind names its task's resource.
const (
	resourceNone  = iota
	resourceNamed // resource and resourceType, as the Task's events show them
	resourceArn   // the activity's ARN (ActivityScheduled)
)

// eventKind is what an event kind shows, in GetExecutionHistory's shape.
type eventKind struct {
	name string
	// details is the name of its details member ("" for none).
	details string
	// named: its details show its state's name; entered and exited: it is a state's entered or exited
	// event; input, output: it shows Input as input, Output as output; parameters: Input as parameters.
	named, entered, exited, input, output, parameters bool
	resource                                          uint8
}

// eventKinds is indexed by EventKind.
var eventKinds = [numEventKinds]eventKind{
	ExecutionStarted:        {name: "ExecutionStarted", details: "executionStartedEventDetails", input: true},
	ExecutionSucceeded:      {name: "ExecutionSucceeded", details: "executionSucceededEventDetails", output: true},
	ExecutionFailed:         {name: "ExecutionFailed", details: "executionFailedEventDetails"},
	ExecutionTimedOut:       {name: "ExecutionTimedOut", details: "executionTimedOutEventDetails"},
	ExecutionAborted:        {name: "ExecutionAborted", details: "executionAbortedEventDetails"},
	ExecutionRedriven:       {name: "ExecutionRedriven", details: "executionRedrivenEventDetails"},
	PassStateEntered:        entered("Pass"),
	PassStateExited:         exited("Pass"),
	TaskStateEntered:        entered("Task"),
	TaskStateExited:         exited("Task"),
	ChoiceStateEntered:      entered("Choice"),
	ChoiceStateExited:       exited("Choice"),
	WaitStateEntered:        entered("Wait"),
	WaitStateExited:         exited("Wait"),
	SucceedStateEntered:     entered("Succeed"),
	SucceedStateExited:      exited("Succeed"),
	FailStateEntered:        entered("Fail"),
	FailStateExited:         exited("Fail"),
	ParallelStateEntered:    entered("Parallel"),
	ParallelStateExited:     exited("Parallel"),
	MapStateEntered:         entered("Map"),
	MapStateExited:          exited("Map"),
	ParallelStateStarted:    {name: "ParallelStateStarted"},
	ParallelStateSucceeded:  {name: "ParallelStateSucceeded"},
	ParallelStateFailed:     {name: "ParallelStateFailed"},
	MapStateStarted:         {name: "MapStateStarted", details: "mapStateStartedEventDetails"},
	MapStateSucceeded:       {name: "MapStateSucceeded"},
	MapStateFailed:          {name: "MapStateFailed"},
	MapIterationStarted:     {name: "MapIterationStarted", details: "mapIterationStartedEventDetails", named: true},
	MapIterationSucceeded:   {name: "MapIterationSucceeded", details: "mapIterationSucceededEventDetails", named: true},
	MapIterationFailed:      {name: "MapIterationFailed", details: "mapIterationFailedEventDetails", named: true},
	MapIterationAborted:     {name: "MapIterationAborted", details: "mapIterationAbortedEventDetails", named: true},
	MapRunStarted:           {name: "MapRunStarted", details: "mapRunStartedEventDetails"},
	MapRunSucceeded:         {name: "MapRunSucceeded"},
	MapRunFailed:            {name: "MapRunFailed", details: "mapRunFailedEventDetails"},
	MapRunAborted:           {name: "MapRunAborted"},
	MapRunRedriven:          {name: "MapRunRedriven", details: "mapRunRedrivenEventDetails"},
	TaskScheduled:           {name: "TaskScheduled", details: "taskScheduledEventDetails", parameters: true, resource: resourceNamed},
	TaskStarted:             {name: "TaskStarted", details: "taskStartedEventDetails", resource: resourceNamed},
	TaskSubmitted:           {name: "TaskSubmitted", details: "taskSubmittedEventDetails", output: true, resource: resourceNamed},
	TaskSucceeded:           {name: "TaskSucceeded", details: "taskSucceededEventDetails", output: true, resource: resourceNamed},
	TaskFailed:              {name: "TaskFailed", details: "taskFailedEventDetails", resource: resourceNamed},
	TaskTimedOut:            {name: "TaskTimedOut", details: "taskTimedOutEventDetails", resource: resourceNamed},
	LambdaFunctionScheduled: {name: "LambdaFunctionScheduled", details: "lambdaFunctionScheduledEventDetails", parameters: true, resource: resourceNamed},
	LambdaFunctionStarted:   {name: "LambdaFunctionStarted", resource: resourceNamed},
	LambdaFunctionSucceeded: {name: "LambdaFunctionSucceeded", details: "lambdaFunctionSucceededEventDetails", output: true, resource: resourceNamed},
	LambdaFunctionFailed:    {name: "LambdaFunctionFailed", details: "lambdaFunctionFailedEventDetails", resource: resourceNamed},
	LambdaFunctionTimedOut:  {name: "LambdaFunctionTimedOut", details: "lambdaFunctionTimedOutEventDetails", resource: resourceNamed},
	ActivityScheduled:       {name: "ActivityScheduled", details: "activityScheduledEventDetails", input: true, resource: resourceArn},
	ActivityStarted:         {name: "ActivityStarted", details: "activityStartedEventDetails"},
	ActivitySucceeded:       {name: "ActivitySucceeded", details: "activitySucceededEventDetails", output: true},
	ActivityFailed:          {name: "ActivityFailed", details: "activityFailedEventDetails"},
	ActivityTimedOut:        {name: "ActivityTimedOut", details: "activityTimedOutEventDetails"},
}

func entered(typ string) eventKind {
	return eventKind{name: typ + "StateEntered", details: "stateEnteredEventDetails", named: true, entered: true}
}

func exited(typ string) eventKind {
	return eventKind{name: typ + "StateExited", details: "stateExitedEventDetails", named: true, exited: true}
}

// String is the kind's type name, as GetExecutionHistory writes it.
func (k EventKind) String() string {
	if k >= numEventKinds {
		return ""
	}
	return eventKinds[k].name
}

// IsStateExited reports whether k is a state's exited event: a step the execution completed.
func (k EventKind) IsStateExited() bool { return k < numEventKinds && eventKinds[k].exited }

// stateKind is the kind of a state's entered event (exited: its exited event) for its type.
func stateKind(typ string, exited bool) EventKind {
	var k EventKind
	switch typ {
	case "Pass":
		k = PassStateEntered
	case "Task":
		k = TaskStateEntered
	case "Choice":
		k = ChoiceStateEntered
	case "Wait":
		k = WaitStateEntered
	case "Succeed":
		k = SucceedStateEntered
	case "Fail":
		k = FailStateEntered
	case "Parallel":
		k = ParallelStateEntered
	default:
		k = MapStateEntered
	}
	if exited {
		k++
	}
	return k
}

// taskKinds are the kinds of a task's events, which depend on its family: Task, LambdaFunction or Activity.
type taskKinds struct{ scheduled, started, succeeded, failed, timedOut EventKind }

// kinds are the kinds of the task's events.
func (t *taskState) kinds() taskKinds {
	switch {
	case t.activity:
		return taskKinds{ActivityScheduled, ActivityStarted, ActivitySucceeded, ActivityFailed, ActivityTimedOut}
	case t.lambda:
		return taskKinds{LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded, LambdaFunctionFailed, LambdaFunctionTimedOut}
	}
	return taskKinds{TaskScheduled, TaskStarted, TaskSucceeded, TaskFailed, TaskTimedOut}
}
