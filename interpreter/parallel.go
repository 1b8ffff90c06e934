package interpreter

import (
	"context"
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
	f.event(Event{Type: "ParallelStateStarted"})
	results, err := f.fork(len(p.branches), len(p.branches), func(i int, bf *frame) (any, error) {
		return bf.runMachine(p.branches[i], in.value)
	}, nil)
	if err != nil {
		f.event(Event{Type: "ParallelStateFailed"})
		return actionOutcome{}, err
	}
	f.event(Event{Type: "ParallelStateSucceeded"})
	return actionOutcome{result: results, next: n.next}, nil
}

// fork runs count children, at most limit at a time, each in its own frame under a context that the
// first failure cancels. The results keep the children's order. onError, when given, decides whether a
// child's failure is tolerated (true) or ends the fork.
func (f *frame) fork(count, limit int, child func(i int, cf *frame) (any, error), onError func(i int, err error) bool) ([]any, error) {
	results := make([]any, count)
	if count == 0 {
		return results, nil
	}
	ctx, cancel := context.WithCancelCause(f.ctx)
	defer cancel(nil)
	if limit <= 0 || limit > count {
		limit = count
	}
	var (
		mu       sync.Mutex
		next     int
		firstErr error
		wg       sync.WaitGroup
		running  atomic.Int64
	)
	clock := f.ex.clock
	worker := func() {
		defer wg.Done()
		defer running.Add(-1)
		for {
			mu.Lock()
			if next >= count || firstErr != nil {
				mu.Unlock()
				return
			}
			i := next
			next++
			mu.Unlock()
			cf := &frame{ex: f.ex, ctx: ctx, last: f.last, stateName: f.stateName, enteredTime: f.enteredTime,
				vars: f.vars.child()}
			v, err := child(i, cf)
			f.ex.history.collect(cf.events)
			if err != nil && (onError == nil || !onError(i, err)) {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel(err)
				}
				mu.Unlock()
				return
			}
			results[i] = v
		}
	}
	wg.Add(limit)
	running.Store(int64(limit))
	for range limit {
		release := clock.Hold()
		go func() {
			defer release()
			worker()
		}()
	}
	clock.Idle(func() bool { return running.Load() == 0 }, wg.Wait)
	if firstErr != nil {
		return nil, firstErr
	}
	if err := f.ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}
