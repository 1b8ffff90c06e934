package interpreter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter/maprun"
)

// TestState runs one state of a program alone, as the TestState API does: one attempt at the state with a
// given input, context object and variables, its resource's answer mocked or not, and reports what each
// stage of its data flow produced. A retry is not made but reported (RETRIABLE); a catcher is taken
// (CAUGHT_ERROR). A Wait state does not wait. No history is kept.

// TestStatus is how a tested state ended, as TestState reports it.
type TestStatus string

// The statuses of TestState.
const (
	TestSucceeded   TestStatus = "SUCCEEDED"
	TestFailed      TestStatus = "FAILED"
	TestRetriable   TestStatus = "RETRIABLE"
	TestCaughtError TestStatus = "CAUGHT_ERROR"
)

// The stages TestState shows besides the pipeline's (see Stage): a Map state's items after ItemsPath or
// ItemsPointer, after its ItemSelector and after its ItemBatcher.
const (
	StageItemsPath    Stage = "ItemsPath"
	StageItemsPointer Stage = "ItemsPointer"
	StageItemSelector Stage = "ItemSelector"
	StageItemBatcher  Stage = "ItemBatcher"
)

// testStateName is the name AWS's TestState gives the tested state in its context object ($$.State.Name),
// whatever its name in the definition, as recorded on AWS; aslrun also shows it in the messages that name
// the state being run.
const testStateName = "StateName"

// Mock stands for what a Task's resource, or a Map's or Parallel's children, would have produced: a result,
// or an error when Failed.
type Mock struct {
	Result any
	Failed bool
	Error  string
	Cause  string
}

// TestSpec is one run of TestState.
type TestSpec struct {
	// State names the state to run: any state of the program, inside Parallel branches and Map processors
	// too.
	State string
	Input any
	// Context, when not nil, is the context object ($$) exactly as the state sees it; nil builds one from
	// Config (an Express execution's, RoleArn null when Config has none).
	Context map[string]any
	// Variables are the workflow variables the state sees.
	Variables map[string]any
	// Mock, when not nil, replaces the action of a Task, Map or Parallel state.
	Mock *Mock
	// RetrierRetryCount is the number of retries already made by the retrier that matches the error.
	RetrierRetryCount int
	// MapIterationFailureCount is the number of a mocked Map's iterations that failed; past the Map's
	// tolerated failures it fails with States.ExceedToleratedFailureThreshold.
	MapIterationFailureCount int64
	// MapItemReaderData, when not nil, is what a mocked Distributed Map's ItemReader reads (the object's
	// text, or for s3:listObjectsV2 a JSON array of the listed objects).
	MapItemReaderData *string
	// Timeout bounds the run in real time (0: none); past it the state fails with States.Timeout.
	Timeout time.Duration
	// Config names the execution the state runs in and gives its Invoker and Clock. Durable, Events,
	// Observer and the history settings are TestState's own.
	Config Config
}

// TestResult is how the tested state ended and what its stages produced.
type TestResult struct {
	Status TestStatus
	// Output is set when the state succeeded or its error was caught (HasOutput).
	Output    any
	HasOutput bool
	Error     string
	Cause     string
	// NextState is the state that comes next ("" when the machine ends or the state failed).
	NextState string
	// Input is the state's raw input.
	Input any
	// Stages holds what each stage TestState shows produced: the stages of the state's query language that
	// AWS reports for its type, up to where it stopped.
	Stages map[Stage]any
	// Map holds a mocked Map state's settings (nil for other states).
	Map *TestMapSettings
	// Variables are the workflow variables after the state: those given and those it assigned.
	Variables map[string]any
	// Errors tells which retrier and catcher handled the error (nil when there was none).
	Errors *TestErrorDetails
	// HTTP holds the calls an HTTP Task made (see WithHTTPTrace).
	HTTP []HTTPCall
}

// TestMapSettings are the settings a Map state evaluated.
type TestMapSettings struct {
	MaxConcurrency             int
	ToleratedFailureCount      *int64
	ToleratedFailurePercentage *float64
}

// TestErrorDetails says how Retry and Catch took an error: the retrier that matched (RetryIndex), the
// back-off before its next attempt when it has attempts left (RetryBackoffSeconds), and the catcher that
// took it.
type TestErrorDetails struct {
	RetryIndex          *int
	RetryBackoffSeconds *int64
	CatchIndex          *int
}

// ErrNoState is returned by Test when the program has no state of the name.
var ErrNoState = errors.New("no state of that name in the definition")

// HTTPCall is an HTTP request a Task's resource made and the answer it got.
type HTTPCall struct {
	Protocol       string
	Method         string
	URL            string
	RequestHeader  http.Header
	RequestBody    string
	StatusCode     int
	Status         string
	ResponseHeader http.Header
	ResponseBody   string
}

type httpTraceKey struct{}

// WithHTTPTrace returns ctx carrying fn: the resources that make HTTP calls (HTTP Tasks) report each call
// they make under it to fn, for TestState's TRACE inspection level.
func WithHTTPTrace(ctx context.Context, fn func(HTTPCall)) context.Context {
	return context.WithValue(ctx, httpTraceKey{}, fn)
}

// HTTPTrace returns the function WithHTTPTrace put in ctx, or nil.
func HTTPTrace(ctx context.Context) func(HTTPCall) {
	fn, _ := ctx.Value(httpTraceKey{}).(func(HTTPCall))
	return fn
}

// find looks a state up in m and in the machines of its Parallel and Map states.
func (m *machine) find(name string) *node {
	if n := m.nodes[name]; n != nil {
		return n
	}
	for _, n := range m.nodes {
		var inner []*machine
		switch impl := n.impl.(type) {
		case *parallelState:
			inner = impl.branches
		case *mapState:
			inner = []*machine{impl.processor}
		}
		for _, sub := range inner {
			if found := sub.find(name); found != nil {
				return found
			}
		}
	}
	return nil
}

// Test runs one state of the program as spec says. Its only error is ErrNoState; how the state ended, in
// success or failure, is the result's.
func (p *Program) Test(ctx context.Context, spec TestSpec) (*TestResult, error) {
	orig := p.root.find(spec.State)
	if orig == nil {
		return nil, ErrNoState
	}
	if spec.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, spec.Timeout)
		defer cancel()
	}
	res := &TestResult{Input: spec.Input, Stages: map[Stage]any{}}
	// The tested state runs as a copy of its node (the program stays as it is) whose action may be mocked.
	n := *orig
	n.impl = testAction(orig, spec, res)
	if spec.Context != nil {
		// The context object is the one given, Task.Token and all: no token of the state's own.
		n.tokens = false
	}
	cfg := spec.Config
	cfg.Express, cfg.Durable, cfg.EventsBefore, cfg.OnEnd = true, false, 0, nil
	cfg.Events = nil // no history is kept
	// HTTP calls are reported from the resource's goroutine.
	var mu sync.Mutex
	var calls []HTTPCall
	cfg.Observer = func(e StageEvent) {
		if e.State == n.name {
			res.Stages[e.Stage] = e.Value
		}
	}
	ex := p.newExecution(WithHTTPTrace(ctx, func(c HTTPCall) {
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
	}), spec.Input, cfg, time.Time{})
	defer ex.cancel(nil)
	ex.contextBase = testContextBase(ex)
	release := ex.clock.Hold()
	defer release()
	f := &frame{ex: ex, ctx: ex.ctx, vars: &variables{}}
	f.vars.set(spec.Variables)
	f.event(Event{Kind: ExecutionStarted, Input: spec.Input})
	f.stateName, f.enteredTime, f.retryCount = testStateName, ex.clock.Now(), spec.RetrierRetryCount
	// AWS's TestState shows $$.State.RetryCount for every state that can retry, Retry field or not.
	f.retries = n.typ == "Task" || n.typ == "Map" || n.typ == "Parallel"
	f.ctxObject = spec.Context
	f.enteredEvent = f.event(Event{Kind: stateKind(n.typ, false), state: &n, Input: spec.Input})
	oc, err := f.attempt(&n, spec.Input, nil)
	mu.Lock()
	res.HTTP = calls
	mu.Unlock()
	if err == nil {
		res.Status, res.Output, res.HasOutput = TestSucceeded, oc.out, true
		if oc.next != nil {
			res.NextState = oc.next.name
		}
	} else {
		f.handle(&n, spec, err, res)
	}
	res.Stages = shownStages(&n, orig.impl, res.Stages)
	res.Variables = map[string]any{}
	f.vars.each(func(name string, x any) { res.Variables[name] = x })
	return res, nil
}

// handle decides what Retry and Catch make of the error the attempt ended with: RETRIABLE when the
// matching retrier has attempts left after the retries spec says were made, CAUGHT_ERROR when a catcher
// takes it, FAILED otherwise.
func (f *frame) handle(n *node, spec TestSpec, err error, res *TestResult) {
	res.Status = TestFailed
	if errors.Is(f.ctx.Err(), context.DeadlineExceeded) {
		// The run took longer than TestState allows: AWS fails it with States.Timeout.
		res.Error, res.Cause = failure.Timeout, "The state did not finish within the time TestState allows."
		return
	}
	fe := asFailure(err, n.name, f.enteredEvent)
	res.Error, res.Cause = fe.Name, fe.Cause
	if fe.Name == failure.Runtime {
		return // as in an execution: neither retried nor caught
	}
	inTask := n.typ == "Task"
	details := &TestErrorDetails{}
	if i := firstMatch(n.retry, fe.Name, inTask); i >= 0 {
		details.RetryIndex = &i
		res.Errors = details
		if r := n.retry[i]; spec.RetrierRetryCount < r.maxAttempts {
			// The back-off before the next attempt, without jitter: FULL jitter draws below it.
			secs := int64(r.backoffBase(spec.RetrierRetryCount) / time.Second)
			details.RetryBackoffSeconds = &secs
			res.Status = TestRetriable
			return
		}
	}
	for i, c := range n.catch {
		if !failure.Matches(c.errors, fe.Name, inTask) {
			continue
		}
		oc, err := f.caught(n, c, spec.Input, errorOutput(fe))
		if err != nil {
			cf := asFailure(err, n.name, f.enteredEvent)
			res.Error, res.Cause = cf.Name, cf.Cause
			return
		}
		details.CatchIndex = &i
		res.Errors = details
		res.Status, res.Output, res.HasOutput, res.NextState = TestCaughtError, oc.out, true, c.next.name
		return
	}
}

// backoffBase is the wait before retry number attempt (0-based) without jitter: IntervalSeconds *
// BackoffRate^attempt, capped by MaxDelaySeconds.
func (r *retrier) backoffBase(attempt int) time.Duration {
	d := float64(r.interval) * math.Pow(r.backoff, float64(attempt))
	if r.maxDelay > 0 && d > float64(r.maxDelay) {
		d = float64(r.maxDelay)
	}
	return time.Duration(min(d, float64(math.MaxInt64)))
}

// testContextBase is the Execution and StateMachine parts of the context object TestState shows: an
// Express execution's (no RedriveCount), RoleArn null when no role was given.
func testContextBase(ex *Execution) map[string]any {
	base := ex.buildContextBase()
	if ex.cfg.RoleARN == "" {
		base["Execution"].(map[string]any)["RoleArn"] = nil
	}
	return base
}

// testAction is the action the tested state runs: its own, or the mock's; a Wait state does not wait.
func testAction(n *node, spec TestSpec, res *TestResult) behaviour {
	switch impl := n.impl.(type) {
	case waitState:
		return testWait{impl}
	case *mapState:
		if spec.Mock != nil {
			return &testMap{ms: impl, spec: spec, res: res}
		}
	case *taskState, *parallelState:
		if spec.Mock != nil {
			return testMock{mock: spec.Mock}
		}
	}
	return n.impl
}

// testWait evaluates a Wait state's duration, whose errors it reports, but does not wait.
type testWait struct{ w waitState }

func (t testWait) run(f *frame, n *node, in stateInput) (actionOutcome, error) {
	if _, err := t.w.duration(f, in); err != nil {
		return actionOutcome{}, err
	}
	return actionOutcome{result: in.value, next: n.next}, nil
}

// testMock answers with the mock instead of calling a Task's resource or running a Parallel's branches.
type testMock struct{ mock *Mock }

func (t testMock) run(f *frame, n *node, _ stateInput) (actionOutcome, error) {
	if t.mock.Failed {
		return actionOutcome{}, &failure.Error{Name: t.mock.Error, Cause: t.mock.Cause}
	}
	if err := f.checkSize(t.mock.Result); err != nil {
		return actionOutcome{}, err
	}
	return actionOutcome{result: t.mock.Result, next: n.next}, nil
}

// testMap is a mocked Map state: it evaluates its items, ItemSelector, ItemBatcher and settings as the
// state would, for the inspection data, then answers with the mock instead of running the iterations.
type testMap struct {
	ms   *mapState
	spec TestSpec
	res  *TestResult
}

func (t *testMap) run(f *frame, n *node, in stateInput) (actionOutcome, error) {
	ms := t.ms
	sc := scope{doc: in.value, f: f}
	limit, tolCount, tolCountSet, tolPct, tolPctSet, err := ms.settings(sc, in.env)
	if err != nil {
		return actionOutcome{}, err
	}
	settings := &TestMapSettings{MaxConcurrency: limit}
	if tolCountSet {
		settings.ToleratedFailureCount = &tolCount
	}
	if tolPctSet {
		settings.ToleratedFailurePercentage = &tolPct
	}
	t.res.Map = settings
	total, err := t.items(f, n, in, sc)
	if err != nil {
		return actionOutcome{}, err
	}
	mock := t.spec.Mock
	if mock.Failed {
		return actionOutcome{}, &failure.Error{Name: mock.Error, Cause: mock.Cause}
	}
	// The iterations that failed count against the tolerated failures, as in a run: tolerated while
	// within the count or the percentage of the items. Without either, AWS's TestState ignores them.
	failed := t.spec.MapIterationFailureCount
	if failed > 0 && (tolCountSet || tolPctSet) {
		withinCount := tolCountSet && failed <= tolCount
		withinPct := tolPctSet && float64(failed)*100 <= tolPct*float64(total)
		if !withinCount && !withinPct {
			return actionOutcome{}, failure.New(failure.ExceedToleratedFailure, "The specified tolerated failure threshold was exceeded")
		}
	}
	if err := f.checkSize(mock.Result); err != nil {
		return actionOutcome{}, err
	}
	return actionOutcome{result: mock.Result, next: n.next}, nil
}

// items evaluates the Map's items as far as they are known (an ItemReader's only from MapItemReaderData)
// and reports them after ItemsPath or ItemsPointer, ItemSelector and ItemBatcher. total is their number
// (0 when unknown).
func (t *testMap) items(f *frame, n *node, in stateInput, sc scope) (total int, err error) {
	ms := t.ms
	var src maprun.Items
	if ms.dist != nil && ms.dist.reader != nil {
		if t.spec.MapItemReaderData == nil {
			return 0, nil
		}
		spec, err := ms.dist.readerSpec(sc, in.env)
		if err != nil {
			return 0, err
		}
		if src, err = maprun.Open(f.ctx, readerData(*t.spec.MapItemReaderData), spec); err != nil {
			return 0, err
		}
	} else {
		switch {
		case ms.itemsPointer != nil:
			v, err := ms.itemsPointer.Resolve(in.value)
			if err != nil {
				return 0, runtimeErrorf("%s", err.Error())
			}
			f.observe(n, StageItemsPointer, v)
		case in.env == nil:
			v := in.value
			if ms.itemsPath != nil {
				if v, err = sc.lookup(ms.itemsPath); err != nil {
					return 0, err
				}
			}
			f.observe(n, StageItemsPath, v)
		}
		list, entries, err := ms.itemsOf(sc, in.env)
		if err != nil {
			return 0, err
		}
		src = &sliceItems{list: list, origin: maprun.Origin{Source: "STATE_DATA", Entry: entries}}
	}
	selected, err := drain(ms.selectItems(f, n, in, src))
	if err != nil {
		return 0, err
	}
	if ms.selector != nil || ms.itemSelector != nil {
		f.observe(n, StageItemSelector, selected)
	}
	if ms.dist != nil && ms.dist.batcher != nil {
		spec, err := ms.dist.batchSpec(sc, in.env)
		if err != nil {
			return 0, err
		}
		batches, err := drain(maprun.Batch(&sliceItems{list: selected}, spec))
		if err != nil {
			return 0, err
		}
		f.observe(n, StageItemBatcher, batches)
	}
	return len(selected), nil
}

// drain reads a stream of items to its end and closes it.
func drain(it maprun.Items) ([]any, error) {
	defer it.Close()
	out := []any{}
	for {
		v, err := it.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// readerData is the S3 a TestState's Distributed Map reads: every object holds the data given, and a
// listing lists the objects that data describes (a JSON array of {Key, ETag, LastModified, Size,
// StorageClass}). Manifests, which name further objects, cannot be served from one piece of data.
type readerData string

func (d readerData) Get(_ context.Context, _, _ string) (io.ReadCloser, int64, error) {
	return readerBody{bytes.NewReader([]byte(d))}, int64(len(d)), nil
}

func (d readerData) List(_ context.Context, _, _ string, fn func(maprun.Object) error) error {
	list, ok := decodeList(string(d))
	if !ok {
		return fmt.Errorf("the ItemReader data must be a JSON array of the objects listed")
	}
	for _, v := range list {
		obj, _ := value.AsMap(v)
		o := maprun.Object{StorageClass: "STANDARD"}
		o.Key, _ = obj["Key"].(string)
		o.ETag, _ = obj["ETag"].(string)
		if s, ok := obj["StorageClass"].(string); ok {
			o.StorageClass = s
		}
		if size, ok := wholeNumber(obj["Size"]); ok {
			o.Size = size
		}
		if s, ok := obj["LastModified"].(string); ok {
			o.LastModified, _ = time.Parse(time.RFC3339Nano, s)
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

func (readerData) Put(context.Context, string, string, io.Reader) error {
	return errors.New("a TestState run writes no objects")
}

// decodeList parses text as a JSON array.
func decodeList(text string) ([]any, bool) {
	v, err := source.DecodeString(text)
	if err != nil {
		return nil, false
	}
	list, ok := v.([]any)
	return list, ok
}

// readerBody is an object's body: a reader that also reads at offsets, so that Parquet needs no spooling.
type readerBody struct{ *bytes.Reader }

func (readerBody) Close() error { return nil }

// shownStages keeps the stages AWS's TestState shows for the state's type and query language.
func shownStages(n *node, impl behaviour, all map[Stage]any) map[Stage]any {
	var keep []Stage
	switch {
	case n.ata && n.typ == "Task":
		keep = []Stage{StageArguments, StageResult}
	case n.ata && n.typ == "Parallel":
		keep = []Stage{StageArguments}
	case n.ata && n.typ == "Map":
		keep = []Stage{StageItemsPointer, StageItemSelector, StageItemBatcher}
	case n.ata:
	case n.typ == "Task":
		keep = []Stage{StageInputPath, StageParameters, StageResult, StageResultSelector, StageResultPath}
	case n.typ == "Pass":
		// A Pass with Result shows its result but no InputPath or Parameters; one without, the reverse.
		if p, ok := impl.(passState); ok && p.hasResult {
			keep = []Stage{StageResult, StageResultSelector, StageResultPath}
		} else {
			keep = []Stage{StageInputPath, StageParameters, StageResultSelector, StageResultPath}
		}
	case n.typ == "Parallel":
		keep = []Stage{StageInputPath, StageParameters, StageResultSelector, StageResultPath}
	case n.typ == "Map":
		keep = []Stage{StageInputPath, StageItemsPath, StageItemsPointer, StageItemSelector, StageItemBatcher,
			StageResultSelector, StageResultPath}
	default:
		keep = []Stage{StageInputPath}
	}
	out := make(map[Stage]any, len(keep))
	for _, s := range keep {
		if v, ok := all[s]; ok {
			out[s] = v
		}
	}
	return out
}
