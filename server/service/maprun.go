package service

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/interpreter/maprun"
	"github.com/aslrun/aslrun/server/store"
)

// Map Runs: a Distributed Map's children are child executions of this service, stored (STANDARD, with
// their history) or transient (EXPRESS) like any other, listed by their Map Run. The Map Run itself is a
// store record its driver keeps up to date, so that DescribeMapRun answers on any node and UpdateMapRun's
// changes reach the driver.

// mapRunner is one execution's interpreter.MapRunner.
type mapRunner struct {
	s      *Service
	parent *store.Execution
	cfg    interpreter.Config
}

// mapRunSync is how often a Map Run's driver stores its counts and reads UpdateMapRun's settings.
const mapRunSync = 500 * time.Millisecond

// RunMap implements interpreter.MapRunner.
func (m *mapRunner) RunMap(ctx context.Context, run *interpreter.MapRun) (any, error) {
	defer run.Items.Close()
	s := m.s
	d := &driver{s: s, m: m, run: run, limit: run.MaxConcurrency, tolCount: run.ToleratedCount, tolCountSet: run.ToleratedCountSet,
		tolPct: run.ToleratedPct, tolPctSet: run.ToleratedPctSet}
	if run.Resume != "" {
		p, err := parseArn(run.Resume, arnMapRun)
		if err != nil {
			return nil, err
		}
		d.arn, d.machine = run.Resume, p.names[0]
	} else {
		label := run.Label
		if label == "" {
			label = interpreter.NewUUID()
		}
		d.machine = m.cfg.StateMachineName + "/" + label
		d.arn = s.arn(regionOf(m.parent.Arn), arnMapRun, d.machine, interpreter.NewUUID())
	}
	d.childMachine = s.arn(regionOf(d.arn), arnStateMachine, d.machine)
	d.cond = sync.NewCond(&d.mu)
	// Children run until they end: a stop of the parent (ctx) stops them.
	d.ctx, d.cancel = context.WithCancelCause(ctx)
	defer d.cancel(nil)
	defer context.AfterFunc(ctx, func() { d.fail(context.Cause(ctx)) })()
	rec := &store.MapRun{Arn: d.arn, ExecutionArn: m.parent.Arn, Status: store.Running, StartDate: s.now(),
		MaxConcurrency: int64(run.MaxConcurrency), ToleratedFailureCount: run.ToleratedCount, ToleratedFailurePercentage: run.ToleratedPct}
	err := s.store.CreateMapRun(ctx, rec)
	if errors.Is(err, store.ErrExists) && run.Resume != "" {
		// Taken up again: its settings may have been updated meanwhile.
		err = s.store.UpdateMapRun(ctx, d.arn, func(m *store.MapRun) error {
			d.limit, d.tolCount, d.tolPct = int(m.MaxConcurrency), m.ToleratedFailureCount, m.ToleratedFailurePercentage
			m.Status, m.StopDate = store.Running, time.Time{}
			if run.Redrive {
				m.RedriveCount, m.RedriveDate = m.RedriveCount+1, s.now()
			}
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("storing the Map Run: %w", err)
	}
	if run.Writer != nil {
		if s.objects == nil {
			return nil, d.end(failure.New(failure.ResultWriterFailed, "no S3 store serves this server (aslrun --s3-root)"))
		}
		spec := *run.Writer
		spec.MapRunARN = d.arn
		w, err := maprun.NewWriter(s.objects, spec)
		if err != nil {
			return nil, d.end(err)
		}
		d.writer = w
	}
	if run.Resume == "" {
		run.Started(d.arn)
	}
	stopSync := d.syncRecord()
	err = d.drive()
	stopSync()
	if err != nil {
		if d.writer != nil {
			d.writer.Abort()
		}
		return nil, d.end(err)
	}
	var out any
	switch {
	case d.writer != nil:
		details, err := d.writer.Close(ctx)
		if err != nil {
			return nil, d.end(err)
		}
		out = details.Value()
	case run.Transform != nil:
		if out, err = maprun.Transform(d.results, *run.Transform); err != nil {
			return nil, d.end(failure.New(failure.ResultWriterFailed, err.Error()))
		}
	default:
		out = d.outputs
	}
	return out, d.end(nil)
}

// driver runs one Map Run: it reads the items and starts a child for each, at most limit at once.
type driver struct {
	s                      *Service
	m                      *mapRunner
	run                    *interpreter.MapRun
	arn, machine           string
	childMachine           string
	ctx                    context.Context
	cancel                 context.CancelCauseFunc
	writer                 *maprun.Writer
	mu                     sync.Mutex
	cond                   *sync.Cond
	limit, running         int
	tolCount               int64
	tolCountSet, tolPctSet bool
	tolPct                 float64
	// counts by child status; total items read; failed: the Map Run failed (err).
	items, executions store.MapRunCounts
	failures          int64
	err               error
	// outputs (no ResultWriter) or results (a ResultWriter that only transforms), by item index;
	// outputBytes their size as JSON so far.
	outputs     []any
	outputBytes int
	results     []maprun.ChildResult
	children    map[string]bool // running child ARNs, to stop them
}

// drive starts a child per item and waits for them all; its error fails the Map Run.
func (d *driver) drive() error {
	d.children = map[string]bool{}
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; ; i++ {
		item, err := d.run.Items.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			d.fail(err)
			break
		}
		d.mu.Lock()
		d.items.Total++
		d.executions.Total++
		if d.run.Writer == nil {
			if d.run.Transform != nil {
				d.results = append(d.results, maprun.ChildResult{})
			} else {
				d.outputs = append(d.outputs, nil)
			}
		}
		for d.running >= max(d.limit, 1) && d.err == nil {
			d.cond.Wait()
		}
		failed := d.err != nil
		if !failed {
			d.running++
			d.items.Running++
			d.executions.Running++
		}
		d.mu.Unlock()
		if failed {
			break
		}
		wg.Go(func() { d.child(i, item) })
	}
	wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err == nil && d.tolerance() {
		d.err = failure.New(failure.ExceedToleratedFailure, "The specified tolerated failure threshold was exceeded")
	}
	return d.err
}

// tolerance reports whether the failures so far exceed what the Map Run tolerates. With no threshold set
// none is tolerated; the percentage is of the items read so far (all of them once reading ends). Called
// with mu held.
func (d *driver) tolerance() bool {
	if d.failures == 0 {
		return false
	}
	if !d.tolCountSet && !d.tolPctSet {
		return true
	}
	countOK := d.tolCountSet && d.failures <= d.tolCount
	pctOK := d.tolPctSet && float64(d.failures)*100 <= d.tolPct*float64(d.items.Total)
	return !countOK && !pctOK
}

// fail ends the Map Run with err: no child starts after it, and those running are stopped.
func (d *driver) fail(err error) {
	d.mu.Lock()
	if d.err == nil {
		d.err = err
	}
	running := make([]string, 0, len(d.children))
	for arn := range d.children {
		running = append(running, arn)
	}
	d.cond.Broadcast()
	d.mu.Unlock()
	d.cancel(err)
	for _, arn := range running {
		_, _ = d.s.StopExecution(context.Background(), &StopExecutionInput{ExecutionArn: arn,
			Cause: "the Map Run " + d.arn + " failed"})
	}
}

// child runs the child execution of item i and counts how it ended.
func (d *driver) child(i int, item any) {
	res, rec, err := d.runChild(i, item)
	d.mu.Lock()
	if rec != nil {
		delete(d.children, rec.Arn)
	}
	d.running--
	d.items.Running--
	d.executions.Running--
	d.cond.Broadcast()
	status := store.Failed
	if err == nil {
		status = string(res.Status)
	}
	for _, c := range []*store.MapRunCounts{&d.items, &d.executions} {
		switch status {
		case store.Succeeded:
			c.Succeeded++
		case store.TimedOut:
			c.TimedOut++
		case store.Aborted:
			c.Aborted++
		default:
			c.Failed++
		}
	}
	if status != store.Succeeded {
		d.failures++
	}
	tooBig := false
	var cr maprun.ChildResult
	if rec != nil && (d.writer != nil || d.run.Transform != nil) {
		cr = childResult(rec, res, status, d.childMachine)
	}
	switch {
	case d.writer != nil:
	case d.run.Transform != nil:
		d.results[i] = cr
	case status == store.Succeeded:
		d.outputs[i] = res.Output
		if limit := d.run.ResultLimit; limit > 0 && d.err == nil {
			d.outputBytes += value.Size(res.Output, limit) + 1
			tooBig = d.outputBytes > limit
		}
	}
	// With a count threshold the Map Run fails as soon as it is passed; a percentage waits for the total.
	exceeded := d.err == nil && d.failures > 0 && (!d.tolPctSet && d.tolerance())
	d.mu.Unlock()
	if d.writer != nil && rec != nil {
		if werr := d.writer.Add(d.ctx, cr); werr != nil {
			d.fail(werr)
		} else {
			d.mu.Lock()
			d.items.ResultsWritten++
			d.executions.ResultsWritten++
			d.mu.Unlock()
		}
	}
	switch {
	case tooBig:
		d.fail(failure.New(failure.DataLimitExceeded, fmt.Sprintf(
			"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", d.run.StateName)))
	case err != nil && d.ctx.Err() == nil:
		d.fail(err)
	case exceeded:
		d.fail(failure.New(failure.ExceedToleratedFailure, "The specified tolerated failure threshold was exceeded"))
	}
}

// runChild stores and runs the child execution of item i and waits for its end, wherever it parks and
// resumes. A STANDARD child's name is the Map Run's and the item's: a Map Run taken up again after its
// execution stopped finds the children it started, ended or not. (An EXPRESS child keeps no record once
// ended, so it runs again.)
func (d *driver) runChild(i int, input any) (*interpreter.Result, *store.Execution, error) {
	s, run := d.s, d.run
	if err := d.ctx.Err(); err != nil {
		return nil, nil, err
	}
	name := childName(d.arn, i)
	arn := s.arn(regionOf(d.arn), arnExecution, d.machine, name)
	if run.Express {
		arn = s.arn(regionOf(d.arn), arnExpress, d.machine, name, interpreter.NewUUID())
	}
	text := value.JSON(input)
	now := s.now()
	keep := !s.noHistory && !run.Express
	var events []store.Event
	if keep {
		events = append(events, s.startedEvent(arn, now, text, &interpreter.About{RoleArn: d.m.cfg.RoleARN}))
	}
	rec := &store.Execution{Arn: arn, StateMachineArn: d.childMachine, Name: name, Status: store.Running, Input: text,
		StartDate: now, Definition: run.Definition, Express: run.Express, Transient: run.Express, MapRunArn: d.arn}
	// With other nodes on the store, a STANDARD child is queued there, a timer due now that no one holds:
	// whichever node claims it first runs it, so the Map Run spreads over the nodes. (An EXPRESS child
	// runs here: it keeps no record for another node to report its end in.)
	queued := s.shared && s.durable(run.Express)
	var timers []store.Timer
	if queued {
		rec.Checkpoint = []byte(`{"clean":true}`) // a first run, not one after a crash
		timers = append(timers, store.Timer{TimerKey: store.TimerKey{ExecutionArn: arn, Key: wakeTimer}, Due: now})
	}
	done := s.WhenEnded(arn)
	stored, err := s.store.CreateExecution(d.ctx, rec, events, timers...)
	if errors.Is(err, store.ErrExists) && stored != nil && run.Resume != "" {
		// Started before the Map Run was interrupted: its end is its result, unless the Map Run is
		// redriven, which redrives the children that did not succeed.
		if store.Finished(stored.Status) && (!run.Redrive || stored.Status == store.Succeeded) {
			s.notifyEnded(arn)
			res, err := resultOf(stored)
			return res, stored, err
		}
		if store.Finished(stored.Status) {
			if _, err := s.redrive(d.ctx, stored); err != nil {
				return nil, stored, err
			}
		}
		d.mu.Lock()
		d.children[arn] = true
		d.mu.Unlock()
		return d.awaitChild(stored, done)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("storing a child execution of the Map Run: %w", err)
	}
	if keep { // stored with the execution, so the interpreter does not record it: subscribers see it here
		s.publish(arn, interpreter.Event{ID: 1, Timestamp: now, Kind: interpreter.ExecutionStarted, Input: input,
			About: &interpreter.About{RoleArn: d.m.cfg.RoleARN}})
	}
	d.mu.Lock()
	d.children[arn] = true
	d.mu.Unlock()
	if queued {
		// No poke of this node's scheduler: the store's notification wakes every node's at once, this
		// one's too, so that each child goes to whichever claims it first.
		return d.awaitChild(stored, done)
	}
	cfg := interpreter.Config{Name: name, ARN: arn, StateMachineName: d.machine, StateMachineARN: d.childMachine,
		RoleARN: d.m.cfg.RoleARN, Express: run.Express, Invoker: d.m.cfg.Invoker, Clock: s.clock, Durable: s.durable(run.Express)}
	r, err := s.run(launch{rec: stored, cfg: cfg, after: int64(len(events)), history: keep,
		start: func(ctx context.Context, cfg interpreter.Config) (*interpreter.Execution, error) {
			return run.Processor.Start(ctx, input, cfg), nil
		}})
	if err != nil {
		return nil, stored, err
	}
	<-r.done
	if r.err == nil && r.rec.Status != store.Running {
		res, err := resultOf(r.rec)
		return res, r.rec, err
	}
	if r.err != nil && !errors.Is(r.err, store.ErrConflict) {
		return nil, stored, r.err
	}
	return d.awaitChild(stored, done)
}

// awaitChild waits for a child that runs elsewhere, or parked, to end: in a later run, on this node or
// another, which tells WhenEnded (done) only on this node; the store tells the rest.
func (d *driver) awaitChild(stored *store.Execution, done <-chan struct{}) (*interpreter.Result, *store.Execution, error) {
	s, arn := d.s, stored.Arn
	// Whoever else waits for it here is told too, and the wait is forgotten: a child that ended on
	// another node is never told here.
	defer s.notifyEnded(arn)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			done = nil
		case <-t.C:
		case <-s.ctx.Done():
			return nil, stored, errClosed
		}
		cur, err := s.store.GetExecution(s.ctx, arn)
		if errors.Is(err, store.ErrNotFound) && stored.Express {
			return nil, stored, fmt.Errorf("the child execution %s ended in another run, which kept no record of it", arn)
		}
		if err == nil && store.Finished(cur.Status) {
			res, err := resultOf(cur)
			return res, cur, err
		}
	}
}

// childResult is a child's record for the ResultWriter.
func childResult(rec *store.Execution, res *interpreter.Result, status, machine string) maprun.ChildResult {
	cr := maprun.ChildResult{ExecutionARN: rec.Arn, Name: rec.Name, StateMachineARN: machine, Status: maprun.Status(status),
		Input: rec.Input, StartDate: rec.StartDate}
	if res != nil {
		cr.StopDate = res.StopDate
		cr.Error, cr.Cause = res.Error, res.Cause
		if res.Status == interpreter.Succeed {
			cr.Output = value.JSON(res.Output)
		}
	}
	return cr
}

// syncRecord keeps the Map Run's record up to date while it runs, and takes UpdateMapRun's settings from
// it; the returned func stops it.
func (d *driver) syncRecord() func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(mapRunSync)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				d.save("")
			case <-stop:
				return
			}
		}
	})
	return func() {
		close(stop)
		wg.Wait()
	}
}

// save writes the counts (and status, once the Map Run ended) and reads back the settings.
func (d *driver) save(status string) {
	_ = d.s.store.UpdateMapRun(context.Background(), d.arn, func(m *store.MapRun) error {
		d.mu.Lock()
		defer d.mu.Unlock()
		m.Items, m.Executions = d.items, d.executions
		m.Items.Pending, m.Executions.Pending = 0, 0
		if status != "" {
			m.Status, m.StopDate = status, d.s.now()
			return nil
		}
		if int(m.MaxConcurrency) != d.limit && m.MaxConcurrency > 0 {
			d.limit = int(m.MaxConcurrency)
			d.cond.Broadcast()
		}
		d.tolCount, d.tolCountSet = m.ToleratedFailureCount, d.tolCountSet || m.ToleratedFailureCount != d.run.ToleratedCount
		d.tolPct, d.tolPctSet = m.ToleratedFailurePercentage, d.tolPctSet || m.ToleratedFailurePercentage != d.run.ToleratedPct
		return nil
	})
}

// end records how the Map Run ended and returns err.
func (d *driver) end(err error) error {
	status := store.Succeeded
	switch {
	case err != nil && d.ctx.Err() != nil && !errors.Is(context.Cause(d.ctx), err):
		status = store.Aborted
	case err != nil:
		status = store.Failed
	}
	d.save(status)
	return err
}

// childName is the name of a Map Run's child for item i: a UUID (version 5 in form) made from the Map Run's
// ARN and the index, so that the same item always names the same child.
func childName(mapRunArn string, i int) string {
	h := sha1.Sum([]byte(mapRunArn + "#" + strconv.Itoa(i)))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
