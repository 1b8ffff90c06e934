package service

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// Limits of execution members.
const (
	maxTraceHeaderLen    = 256
	maxExecutionTokenLen = 3096
)

// executionStatuses is the statusFilter enum, in the order AWS lists it.
var executionStatuses = []string{store.Succeeded, store.TimedOut, store.PendingRedrive, store.Aborted, store.Failed, store.Running}

// started is an execution StartExecution or StartSyncExecution has stored, with what runs it.
type started struct {
	rec   *store.Execution
	prog  *interpreter.Program
	input any
	cfg   interpreter.Config
	// existing is set when the request repeated a running execution's name and input.
	existing bool
	// history keeps its history in the store although the service keeps none (Options.NoHistory).
	history bool
}

// beginOptions say how begin starts: parsed is the input when the caller has it already (the request's
// input is then its text; nil: parse it), and size its size when known (interpreter.Config.InputSize);
// sync is StartSyncExecution; history keeps the execution's history although the service keeps none
// (Options.NoHistory).
type beginOptions struct {
	parsed  any
	size    int
	sync    bool
	history bool
}

// begin checks a start request and stores the execution; sync is StartSyncExecution, which only EXPRESS
// state machines take. The order of checks is AWS's: the request's constraints, the ARN, the state machine,
// the name, then the input.
func (s *Service) begin(ctx context.Context, in *StartExecutionInput, o beginOptions) (*started, error) {
	parsed, sync := o.parsed, o.sync
	var v violations
	if v.required("stateMachineArn", in.StateMachineArn) {
		v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLen, true)
	}
	v.maxLen("name", in.Name, maxNameLen, true)
	if s.payloadLimit >= 0 {
		v.maxBytes("input", in.Input, maxPayloadBytes)
	}
	v.maxLen("traceHeader", in.TraceHeader, maxTraceHeaderLen, true)
	checkTraceHeader(&v, in.TraceHeader)
	if sync {
		v.enum("includedData", in.IncludedData, includedAll, includedMetadataOnly)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	// Step Functions Local's form: stateMachineArn#TestCaseName runs the test case of the mock config.
	machineArn, testCase, mocked := strings.Cut(in.StateMachineArn, "#")
	tgt, err := s.resolve(ctx, machineArn)
	if err != nil {
		return nil, err
	}
	sm := tgt.sm
	if sync && sm.Type != store.TypeExpress {
		return nil, newError(CodeStateMachineTypeNotSupported, "This operation is not supported by this type of state machine")
	}
	name := in.Name
	if name == "" {
		name = interpreter.NewUUID()
	} else if !validName(name) {
		return nil, invalidName(name)
	}
	text := in.Input
	if text == "" {
		text = "{}"
	}
	input, size := parsed, o.size
	if input == nil {
		if input, size, err = source.DecodeSized([]byte(text)); err != nil {
			return nil, newError(CodeInvalidExecutionInput, "Invalid State Machine Execution Input: '%v'", err)
		}
	}
	invoker := s.invoker
	if mocked {
		if s.mocks == nil {
			return nil, newError(CodeValidation, "The state machine ARN names the test case '%s', but the server has no mock config (aslrun serve --mock-config)", testCase)
		}
		if invoker, err = s.mocks(sm.Name, testCase, nil); err != nil {
			return nil, newError(CodeValidation, "%v", err)
		}
	}
	prog, err := s.programs.compile(tgt.runs.Definition, tgt.runs.Type)
	if err != nil {
		return nil, err
	}
	express := sm.Type == store.TypeExpress
	arn := s.arn(regionOf(sm.Arn), arnExecution, sm.Name, name)
	if express {
		arn = s.arn(regionOf(sm.Arn), arnExpress, sm.Name, name, interpreter.NewUUID())
	}
	now := s.now()
	// AWS keeps no record of an Express execution once it ends (DescribeExecution, ListExecutions and
	// GetExecutionHistory do not serve them): the store drops it then, unless a local run asked for its
	// history, and keeps no history of it meanwhile. StartSyncExecution answers from the run, not the store.
	transient := express && !o.history
	var events []store.Event
	if (!s.noHistory || o.history) && !transient {
		events = append(events, s.startedEvent(arn, now, text, &interpreter.About{RoleArn: tgt.runs.RoleArn,
			StateMachineVersionArn: tgt.version, StateMachineAliasArn: tgt.alias}))
	}
	rec := &store.Execution{
		Arn: arn, StateMachineArn: sm.Arn, Name: name, Status: store.Running, Input: text, StartDate: now,
		Definition: tgt.runs.Definition, Express: express, TestCase: testCase, Transient: transient,
		StateMachineVersionArn: tgt.version, StateMachineAliasArn: tgt.alias, TraceHeader: in.TraceHeader,
	}
	var lease []store.Timer
	if s.durable(express) && s.shared {
		// Held by this node from the start: should it die before the first step, whoever claims the timer
		// after the lease runs the execution. (A store of one node's own needs none: ResumeUnfinished runs
		// such executions at start.)
		lease = append(lease, store.Timer{TimerKey: store.TimerKey{ExecutionArn: arn, Key: wakeTimer}, Due: now, Owner: s.node,
			LeaseUntil: now.Add(s.lease)})
	}
	stored, err := s.store.CreateExecution(ctx, rec, events, lease...)
	if errors.Is(err, store.ErrExists) {
		// AWS's idempotency: the same name and input while the first still runs is the same execution.
		if stored != nil && stored.Status == store.Running && stored.Input == text {
			return &started{rec: stored, existing: true}, nil
		}
		return nil, newError(CodeExecutionAlreadyExists, "Execution Already Exists: '%s'", arn)
	}
	if err != nil {
		return nil, internal(err)
	}
	s.publish(arn, interpreter.Event{ID: 1, Timestamp: now, Kind: interpreter.ExecutionStarted, Input: input})
	return &started{rec: stored, prog: prog, input: input, history: o.history, cfg: interpreter.Config{
		Name: name, ARN: arn, StateMachineName: sm.Name, StateMachineARN: sm.Arn, RoleARN: tgt.runs.RoleArn,
		Express: express, Invoker: invoker, Clock: s.clock, Durable: s.durable(express), InputSize: size,
	}}, nil
}

// target is what a start request runs: a state machine's current revision, or one of its versions, named
// by its ARN or chosen by an alias.
type target struct {
	sm *store.StateMachine
	// runs is sm, or the version as a state machine (versionMachine).
	runs *store.StateMachine
	// version and alias are the ARNs the execution records ("" for none).
	version, alias string
}

// resolve finds what a state machine ARN, qualified or not, runs. A version or alias that does not exist is
// StateMachineDoesNotExist, which names the ARN given, as AWS answers UpdateStateMachine for a version ARN.
func (s *Service) resolve(ctx context.Context, arn string) (*target, error) {
	ref, err := parseMachineRef(arn)
	if err != nil {
		return nil, err
	}
	notFound := func() *Error { return stateMachineDoesNotExist(arn) }
	t := &target{version: ref.version, alias: ref.alias}
	if ref.alias != "" {
		a, err := s.store.GetStateMachineAlias(ctx, ref.alias)
		if err != nil {
			return nil, storeError(err, notFound)
		}
		t.version = s.route(a.Routing)
	}
	var v *store.StateMachineVersion
	if t.version != "" {
		if v, err = s.getVersion(ctx, t.version, notFound); err != nil {
			return nil, err
		}
	}
	if t.sm, err = s.store.GetStateMachine(ctx, ref.machine); err != nil {
		return nil, storeError(err, notFound)
	}
	t.runs = t.sm
	if v != nil {
		t.runs = versionMachine(t.sm, v)
	}
	return t, nil
}

// StartExecution starts an execution and returns at once.
func (s *Service) StartExecution(ctx context.Context, in *StartExecutionInput) (*StartExecutionOutput, error) {
	if err := s.shed.admit(); err != nil {
		return nil, err
	}
	st, err := s.begin(ctx, in, beginOptions{})
	if err != nil {
		return nil, err
	}
	if !st.existing {
		if _, err := s.execute(st); err != nil {
			return nil, internal(err)
		}
	}
	return &StartExecutionOutput{ExecutionArn: st.rec.Arn, StartDate: Time(st.rec.StartDate)}, nil
}

// StartSyncExecution runs an execution of an EXPRESS state machine and answers with its outcome.
func (s *Service) StartSyncExecution(ctx context.Context, in *StartExecutionInput) (*StartSyncExecutionOutput, error) {
	if err := s.shed.admit(); err != nil {
		return nil, err
	}
	st, err := s.begin(ctx, in, beginOptions{sync: true})
	if err != nil {
		return nil, err
	}
	r, err := s.execute(st)
	if err != nil {
		return nil, internal(err)
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, internal(ctx.Err())
	}
	if r.err != nil {
		return nil, internal(r.err)
	}
	e := r.rec
	out := &StartSyncExecutionOutput{
		ExecutionArn: e.Arn, StateMachineArn: e.StateMachineArn, Name: e.Name, StartDate: Time(e.StartDate),
		StopDate: Time(e.StopDate), Status: e.Status, Error: e.Error, Cause: e.Cause, Input: e.Input,
		InputDetails: Details{Included: true}, Output: e.Output,
		BillingDetails: Billing{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: billed(e.StopDate.Sub(e.StartDate))},
		TraceHeader:    e.TraceHeader,
	}
	if e.Output != nil {
		out.OutputDetails = &Details{Included: true}
	}
	if in.IncludedData == includedMetadataOnly {
		out.Input, out.InputDetails, out.Output = "", Details{}, nil
		if out.OutputDetails != nil {
			out.OutputDetails = &Details{}
		}
	}
	return out, nil
}

// billed rounds a duration up to AWS's 100 ms billing steps.
func billed(d time.Duration) int64 {
	ms := d.Milliseconds()
	return max(100, (ms+99)/100*100)
}

// getExecution checks an execution ARN and loads the execution.
func (s *Service) getExecution(ctx context.Context, arn string) (*store.Execution, error) {
	if err := requiredArn("executionArn", arn); err != nil {
		return nil, err
	}
	p, err := parseArn(arn, arnExecution, arnExpress)
	if err != nil {
		return nil, err
	}
	if err := expressHidden(p); err != nil {
		return nil, err
	}
	e, err := s.store.GetExecution(ctx, arn)
	if err != nil {
		return nil, storeError(err, func() *Error { return executionDoesNotExist(arn) })
	}
	return e, nil
}

// DescribeExecution describes an execution.
func (s *Service) DescribeExecution(ctx context.Context, in *DescribeExecutionInput) (*DescribeExecutionOutput, error) {
	metadataOnly, err := checkIncludedData(in.IncludedData)
	if err != nil {
		return nil, err
	}
	e, err := s.getExecution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	out := &DescribeExecutionOutput{
		ExecutionArn: e.Arn, StateMachineArn: e.StateMachineArn, Name: e.Name, Status: e.Status,
		StartDate: Time(e.StartDate), StopDate: Time(e.StopDate), Input: e.Input, InputDetails: Details{Included: true},
		Output: e.Output, Error: e.Error, Cause: e.Cause, TraceHeader: e.TraceHeader,
		StateMachineVersionArn: e.StateMachineVersionArn, StateMachineAliasArn: e.StateMachineAliasArn,
	}
	if e.Output != nil {
		out.OutputDetails = &Details{Included: true}
	}
	if metadataOnly {
		out.Input, out.InputDetails, out.Output = "", Details{}, nil
		if out.OutputDetails != nil {
			out.OutputDetails = &Details{}
		}
	}
	if !e.Express {
		out.RedriveCount, out.RedriveDate = e.RedriveCount, Time(e.RedriveDate)
		out.RedriveStatus, out.RedriveStatusReason = s.redriveStatus(e)
	}
	return out, nil
}

// StopExecution aborts a running execution and waits until its outcome is stored. Stopping a finished
// execution changes nothing and answers with its stop date.
func (s *Service) StopExecution(ctx context.Context, in *StopExecutionInput) (*StopExecutionOutput, error) {
	var v violations
	if v.required("executionArn", in.ExecutionArn) {
		v.maxLen("executionArn", in.ExecutionArn, maxArnLen, true)
	}
	v.maxLen("error", in.Error, maxErrorLen, false)
	v.maxLen("cause", in.Cause, maxCauseLen, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	// A park, a wake or another node may move the execution on between the read and the write: read
	// again then.
	for attempt := 0; ; attempt++ {
		out, err := s.stop(ctx, in)
		if errors.Is(err, store.ErrConflict) && attempt < 5 {
			continue
		}
		if err != nil && !errors.As(err, new(*Error)) {
			return nil, internal(err)
		}
		return out, err
	}
}

// stop is one attempt at StopExecution: ErrConflict when the execution moved on meanwhile.
func (s *Service) stop(ctx context.Context, in *StopExecutionInput) (*StopExecutionOutput, error) {
	e, err := s.getExecution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	r := s.running[e.Arn]
	s.mu.Unlock()
	switch {
	case r != nil:
		r.ex.Stop(in.Error, in.Cause)
		<-r.done
		if r.err != nil {
			return nil, internal(r.err)
		}
		if r.rec.Status != store.Running {
			return &StopExecutionOutput{StopDate: Time(r.rec.StopDate)}, nil
		}
		// It parked before the stop reached it: abort the parked execution.
		return s.abortOrphan(ctx, r.rec, in, store.Aborted)
	case e.Status == store.Running:
		return s.abortOrphan(ctx, e, in, store.Aborted)
	}
	return &StopExecutionOutput{StopDate: Time(e.StopDate)}, nil
}

// abortOrphan ends an execution the store holds as RUNNING that no goroutine of this process runs (a
// parked one, or one a previous process left): the end (ABORTED, or FAILED) is written directly.
func (s *Service) abortOrphan(ctx context.Context, e *store.Execution, in *StopExecutionInput, status string) (*StopExecutionOutput, error) {
	last := e.LastEvent
	now := s.now()
	kind := interpreter.ExecutionAborted
	if status == store.Failed {
		kind = interpreter.ExecutionFailed
	}
	ev := interpreter.Event{ID: last + 1, PreviousEventID: last, Timestamp: now, Kind: kind, Error: in.Error, Cause: in.Cause}
	step := store.Step{Execution: e}
	var pr parkedRecord
	if len(e.Checkpoint) > 0 && json.Unmarshal(e.Checkpoint, &pr) == nil {
		// Its activity tasks are closed: no worker takes them any more.
		for _, w := range pr.Waits {
			if w.Activity != "" {
				step.ActivityTasks = append(step.ActivityTasks, store.ActivityTask{Token: w.Token, ActivityArn: w.Activity, ExecutionArn: e.Arn,
					Status: store.TaskDone})
			}
		}
	}
	// A parked execution's checkpoint is where it stood when it was stopped: a redrive starts from it.
	e.Status, e.StopDate, e.Error, e.Cause, e.Checkpoint = status, now, optional(in.Error), optional(in.Cause), finalRecord(pr.Checkpoint)
	if last > 0 { // a service that keeps no history has none to end
		step.Events = []store.Event{s.storedEvent(e.Arn, &ev)}
	}
	if err := s.store.Commit(ctx, step); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, err // the caller may read it again
		}
		return nil, internal(err)
	}
	s.publish(e.Arn, ev)
	s.notifyEnded(e.Arn)
	return &StopExecutionOutput{StopDate: Time(now)}, nil
}

// ListExecutions lists a state machine's executions, newest first, optionally of one status.
func (s *Service) ListExecutions(ctx context.Context, in *ListExecutionsInput) (*ListExecutionsOutput, error) {
	var v violations
	v.enum("statusFilter", in.StatusFilter, executionStatuses...)
	v.enum("redriveFilter", in.RedriveFilter, "REDRIVEN", "NOT_REDRIVEN")
	v.maxResults(in.MaxResults, store.MaxPageSize)
	v.maxLen("nextToken", in.NextToken, maxExecutionTokenLen, false)
	v.maxLen("stateMachineArn", in.StateMachineArn, maxArnLen, true)
	if (in.StateMachineArn == "") == (in.MapRunArn == "") {
		v.add("Must provide a StateMachine ARN or MapRun ARN")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	filter := store.ExecutionFilter{MapRunArn: in.MapRunArn, Status: in.StatusFilter}
	var err error
	if in.MapRunArn != "" {
		_, err = s.getMapRun(ctx, in.MapRunArn)
	} else {
		filter, err = s.executionFilter(ctx, in.StateMachineArn, filter)
	}
	if err != nil {
		return nil, err
	}
	want := in.MaxResults
	if want <= 0 {
		want = store.DefaultPageSize
	}
	out := &ListExecutionsOutput{Executions: []ExecutionListItem{}}
	// The redrive filter is applied here: each page asked for is no larger than what is still wanted and
	// is taken whole, so that the next token never skips an execution.
	for token := in.NextToken; ; {
		list, next, err := s.store.ListExecutions(ctx, filter, store.Page{Token: token, Max: want - len(out.Executions)})
		if err != nil {
			return nil, storeError(err, nil)
		}
		for _, e := range list {
			if in.RedriveFilter != "" && (e.RedriveCount > 0) != (in.RedriveFilter == "REDRIVEN") {
				continue
			}
			out.Executions = append(out.Executions, ExecutionListItem{
				ExecutionArn: e.Arn, StateMachineArn: e.StateMachineArn, Name: e.Name, Status: e.Status,
				StartDate: Time(e.StartDate), StopDate: Time(e.StopDate), RedriveCount: e.RedriveCount, RedriveDate: Time(e.RedriveDate),
				StateMachineVersionArn: e.StateMachineVersionArn, StateMachineAliasArn: e.StateMachineAliasArn,
			})
		}
		token, out.NextToken = next, next
		if next == "" || len(out.Executions) >= want {
			return out, nil
		}
	}
}

// executionFilter narrows ListExecutions to a state machine's executions (those of all its versions and
// aliases too), or to those of a version or of an alias, each of which must exist.
func (s *Service) executionFilter(ctx context.Context, arn string, f store.ExecutionFilter) (store.ExecutionFilter, error) {
	ref, err := parseMachineRef(arn)
	if err != nil {
		return f, err
	}
	notFound := func() *Error { return stateMachineDoesNotExist(arn) }
	switch {
	case ref.version != "":
		_, err = s.getVersion(ctx, ref.version, notFound)
	case ref.alias != "":
		if _, err = s.store.GetStateMachineAlias(ctx, ref.alias); err != nil {
			err = storeError(err, notFound)
		}
	default:
		var sm *store.StateMachine
		if sm, err = s.getStateMachine(ctx, ref.machine); err == nil && sm.Type == store.TypeExpress {
			// Recorded on AWS: an Express state machine's executions are not listed.
			err = newError(CodeStateMachineTypeNotSupported, "This operation is not supported by this type of state machine")
		}
	}
	f.StateMachineArn, f.StateMachineVersionArn, f.StateMachineAliasArn = ref.machine, ref.version, ref.alias
	return f, err
}

// DescribeStateMachineForExecution describes the state machine as the execution runs it: the definition it
// started with, even after an update or a deletion, and the configuration of the version it runs, if any.
func (s *Service) DescribeStateMachineForExecution(ctx context.Context, in *DescribeStateMachineForExecutionInput) (*DescribeStateMachineForExecutionOutput, error) {
	metadataOnly, err := checkIncludedData(in.IncludedData)
	if err != nil {
		return nil, err
	}
	e, err := s.getExecution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	out := &DescribeStateMachineForExecutionOutput{
		StateMachineArn: e.StateMachineArn, Name: e.StateMachineArn[strings.LastIndexByte(e.StateMachineArn, ':')+1:],
		Definition: e.Definition, UpdateDate: Time(e.StartDate),
		LoggingConfiguration: defaultLogging, TracingConfiguration: defaultTracing,
	}
	if e.StateMachineVersionArn != "" {
		// The version it ran, under the state machine's ARN as AWS shows it; its date is the version's.
		v, err := s.store.GetStateMachineVersion(ctx, e.StateMachineVersionArn)
		switch {
		case err == nil:
			out.RoleArn, out.LoggingConfiguration, out.TracingConfiguration = v.RoleArn, v.LoggingConfiguration, v.TracingConfiguration
			out.UpdateDate, out.RevisionID = Time(v.CreationDate), v.RevisionID
			if metadataOnly {
				out.Definition = ""
			}
			return out, nil
		case !errors.Is(err, store.ErrNotFound):
			return nil, internal(err)
		}
	}
	sm, err := s.store.GetStateMachine(ctx, e.StateMachineArn)
	switch {
	case err == nil:
		out.RoleArn, out.LoggingConfiguration, out.TracingConfiguration = sm.RoleArn, sm.LoggingConfiguration, sm.TracingConfiguration
		out.EncryptionConfiguration = sm.EncryptionConfiguration
		if sm.Definition == e.Definition {
			out.UpdateDate, out.RevisionID = Time(sm.UpdateDate), sm.RevisionID
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, internal(err)
	}
	if metadataOnly {
		out.Definition = ""
	}
	return out, nil
}
