package interpreter

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/aslrun/aslrun/asl"
)

// parallelState runs its branches concurrently on the same input; its result is their outputs in order.
type parallelState struct {
	branches []*machine
}

func (c *compiler) parallel(m *machine, n *node, s *asl.Parallel, fail failFunc) error {
	if err := c.produces(m, n, s.IO, s.ResultFields, s.Errors, fail); err != nil {
		return err
	}
	if err := c.parameters(n, s.Parameters, s.Arguments, fail); err != nil {
		return err
	}
	p := &parallelState{}
	for _, b := range s.Branches {
		bm, err := c.machine(b)
		if err != nil {
			return err
		}
		p.branches = append(p.branches, bm)
	}
	n.impl = p
	return nil
}

func (p *parallelState) run(f *frame, n *node, in stateInput) (actionOutcome, error) {
	var resume *forkPoint
	var wake *Wake
	started := &Event{Kind: ParallelStateStarted}
	if in.resume != nil {
		resume, wake, started = in.resume.cp.Fork, in.resume.wake, nil
	}
	spec := forkSpec{count: len(p.branches), limit: len(p.branches), started: started, resume: resume,
		assigns: func(i int) bool { return p.branches[i].assigns },
		waits:   slices.ContainsFunc(p.branches, func(b *machine) bool { return b.waits })}
	results, parked, err := f.fork(spec,
		func(i int, bf *frame, cp *checkpoint) (outcome, error) {
			if cp != nil {
				return bf.resumeFrame(p.branches[i], cp, wake)
			}
			return bf.runMachine(p.branches[i], in.value)
		})
	switch {
	case parked:
		return actionOutcome{parked: true}, nil
	case err != nil:
		f.forkEnded(Event{Kind: ParallelStateFailed}, nil, err)
		return actionOutcome{}, err
	}
	f.forkEnded(Event{Kind: ParallelStateSucceeded}, results, nil)
	return actionOutcome{result: results, next: n.next}, nil
}

// forkSpec is what a fork runs: count children, at most limit at a time, after recording started (none
// when it resumes from resume).
type forkSpec struct {
	count, limit int
	started      *Event
	resume       *forkPoint
	// tolerate, when given, decides whether a child's failure is tolerated (true) or ends the fork.
	tolerate func(i int, err error) bool
	// assigns tells whether child i runs a machine that assigns variables, and so needs a scope of its own.
	assigns func(i int) bool
	// waits: a child may wait (machine.waits). Children that cannot run on as many goroutines as there are
	// processors: a million of them would otherwise be a million goroutines at once, whose stacks the
	// garbage collector scans and whose half-done work it keeps.
	waits bool
}

// forkEnded records the end of a fork, with the state's position: its action ended with results or err.
// A failed fork keeps its children's positions, the finished and the failed: should the failure end the
// execution, a redrive runs again only the children that did not succeed (RedrivePoint).
func (f *frame) forkEnded(e Event, result any, err error) {
	f.record(e, func(p *position, _ int64) {
		if err != nil {
			p.phase, p.err = phaseFailed, asFailure(err, f.stateName, f.enteredEvent)
		} else {
			p.fork, p.phase, p.result = nil, phaseResult, result
		}
	})
}

// fork runs children, each in its own frame under a context that the first failure cancels: from their
// start, or from their checkpoint (cp) when the fork resumes. The results keep the children's order. In a
// durable execution each child's frame is part of the fork's position; once every frame waits the
// children park and so does the fork (parked).
func (f *frame) fork(spec forkSpec, child func(i int, cf *frame, cp *checkpoint) (outcome, error)) (results []any, parked bool, err error) {
	count, limit, track := spec.count, spec.limit, f.ex.track()
	results = make([]any, count)
	fp := &forkPosition{done: map[int]any{}, children: map[int]*frame{}}
	// todo are the children to run, in order: those a resumed fork took up first, then the others.
	var todo []int
	if r := spec.resume; r != nil {
		for i, v := range r.Done {
			if i >= 0 && i < count {
				results[i], fp.done[i] = v.v, v.v
			}
		}
		fp.failures = r.Failures
		for _, i := range slices.Sorted(maps.Keys(r.Children)) {
			if _, done := fp.done[i]; !done && i >= 0 && i < count {
				todo = append(todo, i)
			}
		}
		for i := range count {
			if _, done := fp.done[i]; !done && r.Children[i] == nil {
				todo = append(todo, i)
			}
		}
	}
	if spec.started != nil {
		f.record(*spec.started, func(p *position, _ int64) { p.phase, p.fork = phaseFork, fp })
	} else {
		f.move(func(p *position) { p.phase, p.fork = phaseFork, fp })
	}
	remaining := count
	if todo != nil || spec.resume != nil {
		remaining = len(todo)
	}
	if remaining == 0 {
		return results, false, nil
	}
	pick := func(k int) int {
		if todo != nil || spec.resume != nil {
			return todo[k]
		}
		return k
	}
	ctx, cancel := context.WithCancelCause(f.ctx)
	defer cancel(nil)
	if limit <= 0 || limit > remaining {
		limit = remaining
	}
	if !spec.waits {
		limit = min(limit, runtime.GOMAXPROCS(0))
	}
	var (
		mu        sync.Mutex
		next      int
		firstErr  error
		parkedAny bool
		wg        sync.WaitGroup
		running   atomic.Int64
	)
	clock := f.ex.clock
	worker := func() {
		// reuse is the frame of the worker's last child, which the next one takes over: unless the
		// execution is durable, nothing holds a frame once its child ended.
		var reuse *frame
		defer wg.Done()
		defer func() {
			// The last worker hands its turn back to the fork, which goes on working.
			if running.Add(-1) > 0 && track {
				f.ex.posMu.Lock()
				f.ex.working(-1)
				f.ex.posMu.Unlock()
			}
		}()
		for {
			mu.Lock()
			if next >= remaining || firstErr != nil || f.ex.parking() {
				mu.Unlock()
				return
			}
			i := pick(next)
			next++
			mu.Unlock()
			var cp *checkpoint
			if spec.resume != nil {
				if cp = spec.resume.Children[i]; cp != nil && cp.Phase == "" {
					cp = nil // it had not started
				}
			}
			cf := reuse
			if cf == nil {
				cf = new(frame)
			}
			reuse = nil
			// (A reused frame keeps its JSONata environments, which its states reset as they take them.)
			*cf = frame{ex: f.ex, ctx: ctx, last: f.last, stateName: f.stateName, enteredTime: f.enteredTime, vars: f.vars, ata: cf.ata}
			// A child that assigns nothing reads its parent's variables, which do not change while it runs;
			// a durable one keeps its own scope, which its checkpoint holds.
			if track || cp != nil || spec.assigns == nil || spec.assigns(i) {
				cf.vars = f.vars.child()
			}
			if cp != nil {
				cf.restore(cp)
			} else if track {
				cf.pos = &position{}
			}
			if track {
				f.ex.posMu.Lock()
				fp.children[i] = cf
				f.ex.posMu.Unlock()
			}
			oc, err := child(i, cf, cp)
			if oc.parked && err == nil {
				mu.Lock()
				parkedAny = true
				mu.Unlock()
				continue
			}
			tolerated := err != nil && spec.tolerate != nil && spec.tolerate(i, err)
			if err != nil && !tolerated {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel(err)
				}
				mu.Unlock()
				return
			}
			if err == nil {
				results[i] = oc.out
			}
			if !track {
				reuse = cf
			}
			if track {
				f.ex.posMu.Lock()
				delete(fp.children, i)
				fp.done[i] = results[i]
				if tolerated {
					fp.failures++
				}
				f.ex.posMu.Unlock()
			}
		}
	}
	wg.Add(limit)
	running.Store(int64(limit))
	if track {
		f.ex.posMu.Lock()
		f.ex.working(limit - 1)
		f.ex.posMu.Unlock()
	}
	for range limit {
		release := clock.Hold()
		go func() {
			defer release()
			worker()
		}()
	}
	clock.Idle(func() bool { return running.Load() == 0 }, wg.Wait)
	if firstErr != nil {
		return nil, false, firstErr
	}
	if err := f.ctx.Err(); err != nil {
		return nil, false, err
	}
	if parkedAny || next < remaining {
		return nil, true, nil
	}
	return results, false, nil
}
