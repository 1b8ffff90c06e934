package interpreter

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter/maprun"
)

// The most iterations AWS runs at once in each mode.
const (
	inlineConcurrency      = 40
	distributedConcurrency = 10000
)

// mapState runs its processor once for each item of an array, concurrently up to MaxConcurrency; its
// result is the outputs in item order.
type mapState struct {
	processor   *machine
	itemsPath   *jsonpath.Path
	selector    *template
	distributed bool
	label       string
	// dist is the Distributed Map's reader, batcher, writer and child program (nil when inline).
	dist *distributed
	// itemsPointer selects the items in the input (ItemsPointer), nil when absent.
	itemsPointer maprun.Pointer
	// The numeric settings, fixed or read from the input by their ...Path forms.
	maxConcurrency     int
	maxConcurrencyPath *jsonpath.Path
	toleratedCount     int64
	toleratedCountSet  bool
	toleratedCountPath *jsonpath.Path
	toleratedPct       float64
	toleratedPctSet    bool
	toleratedPctPath   *jsonpath.Path
	// The JSONata forms: Items, ItemSelector and the numeric fields' expressions.
	items                                              ataNode
	itemSelector                                       ataNode
	maxConcurrencyExpr, toleratedCountExpr, tolPctExpr *ataExpr
}

func (c *compiler) mapState(m *machine, n *node, s *asl.Map, fail failFunc) error {
	if err := c.produces(m, n, s.IO, s.ResultFields, s.Errors, fail); err != nil {
		return err
	}
	ms := &mapState{distributed: s.ProcessorMode == "DISTRIBUTED", label: s.Label}
	var err error
	if s.Processor == nil {
		return fail("ItemProcessor", fmt.Errorf("a Map state needs an ItemProcessor"))
	}
	if ms.processor, err = c.machine(s.Processor); err != nil {
		return err
	}
	if ms.distributed {
		if ms.dist, err = c.distributed(s, n.ata, fail); err != nil {
			return err
		}
	}
	if s.ItemsPointer != "" {
		if ms.itemsPointer, err = maprun.ParsePointer(s.ItemsPointer); err != nil {
			return fail("ItemsPointer", err)
		}
	}
	if s.ItemsPath != nil && *s.ItemsPath != "$" {
		if ms.itemsPath, err = jsonpath.Parse(*s.ItemsPath); err != nil {
			return fail("ItemsPath", err)
		}
	}
	sel, field := s.ItemSelector, "ItemSelector"
	if sel == nil {
		sel, field = s.Parameters, "Parameters"
	}
	if sel != nil {
		if ms.selector, err = compileTemplate(sel); err != nil {
			return fail(field, err)
		}
	}
	if n.ata {
		if err := ms.compileJSONata(c, s, fail); err != nil {
			return err
		}
	}
	ms.maxConcurrency = int(s.MaxConcurrency.Value)
	ms.toleratedCount, ms.toleratedCountSet = int64(s.ToleratedFailureCount.Value), s.ToleratedFailureCount.Set
	ms.toleratedPct, ms.toleratedPctSet = s.ToleratedFailurePercentage.Value, s.ToleratedFailurePercentage.Set
	paths := []struct {
		src  string
		dst  **jsonpath.Path
		name string
	}{
		{s.MaxConcurrencyPath, &ms.maxConcurrencyPath, "MaxConcurrencyPath"},
		{s.ToleratedFailureCountPath, &ms.toleratedCountPath, "ToleratedFailureCountPath"},
		{s.ToleratedFailurePercentagePath, &ms.toleratedPctPath, "ToleratedFailurePercentagePath"},
	}
	for _, p := range paths {
		if p.src == "" {
			continue
		}
		if *p.dst, err = jsonpath.ParseReference(p.src); err != nil {
			return fail(p.name, err)
		}
	}
	n.impl = ms
	return nil
}

// compileJSONata compiles the fields of a JSONata Map state.
func (ms *mapState) compileJSONata(c *compiler, s *asl.Map, fail failFunc) error {
	var err error
	if ms.items, err = c.ata("Items", s.Items); err != nil {
		return fail("Items", err)
	}
	if ms.itemSelector, err = c.ata("ItemSelector", s.ItemSelector); err != nil {
		return fail("ItemSelector", err)
	}
	ms.selector = nil
	exprs := []struct {
		name string
		src  string
		dst  **ataExpr
	}{
		{"MaxConcurrency", s.MaxConcurrency.Expr, &ms.maxConcurrencyExpr},
		{"ToleratedFailureCount", s.ToleratedFailureCount.Expr, &ms.toleratedCountExpr},
		{"ToleratedFailurePercentage", s.ToleratedFailurePercentage.Expr, &ms.tolPctExpr},
	}
	for _, e := range exprs {
		if *e.dst, err = c.ataString(e.name, e.src); err != nil {
			return fail(e.name, err)
		}
	}
	return nil
}

// itemsOf gives the items a Map state iterates over: read by ItemsPath or ItemsPointer from sc, or by Items
// in env; the elements of an array, or the entries of an object ({"Key", "Value"} each, entries true).
func (ms *mapState) itemsOf(sc scope, env *ataEnv) (list []any, entries bool, err error) {
	items := sc.doc
	switch {
	case ms.items != nil:
		if items, err = ms.items.eval(env); err != nil {
			return nil, false, err
		}
		if x, isExpr := ms.items.(*ataExpr); isExpr {
			if _, ok := items.([]any); !ok {
				return nil, false, x.wrongType("array", items)
			}
		}
	case ms.itemsPath != nil:
		if items, err = sc.lookup(ms.itemsPath); err != nil {
			return nil, false, err
		}
	case ms.itemsPointer != nil:
		if items, err = ms.itemsPointer.Resolve(items); err != nil {
			return nil, false, runtimeErrorf("%s", err.Error())
		}
	}
	list, ok := maprun.ItemsOf(items)
	entries = value.IsObject(items)
	switch {
	case ok:
		return list, entries, nil
	case env != nil:
		return nil, false, stateErrorf(failure.QueryEvaluationError, "Map state input must be an array but was: %s", compactJSON(items))
	}
	return nil, false, runtimeErrorf("Map state input must be an array but was: %s", jsonTypeName(items))
}

// settings reads the ...Path forms of the numeric fields from sc, or evaluates their JSONata expressions
// in env.
func (ms *mapState) settings(sc scope, env *ataEnv) (limit int, tolCount int64, tolCountSet bool, tolPct float64, tolPctSet bool, err error) {
	limit, tolCount, tolCountSet, tolPct, tolPctSet = ms.maxConcurrency, ms.toleratedCount, ms.toleratedCountSet, ms.toleratedPct, ms.toleratedPctSet
	if env != nil {
		return ms.jsonataSettings(env, limit, tolCount, tolCountSet, tolPct, tolPctSet)
	}
	if p := ms.maxConcurrencyPath; p != nil {
		v, _ := sc.get(p)
		n, ok := wholeNumber(v)
		if !ok || n < 0 {
			return 0, 0, false, 0, false, runtimeErrorf("The MaxConcurrencyPath field refers to value %q which is not a valid integer: %s", valueText(v), p)
		}
		limit = int(n)
	}
	if p := ms.toleratedCountPath; p != nil {
		v, _ := sc.get(p)
		n, ok := wholeNumber(v)
		if !ok {
			return 0, 0, false, 0, false, runtimeErrorf("The ToleratedFailureCountPath field refers to value %q which is not a valid integer: %s", valueText(v), p)
		}
		if n < 0 {
			return 0, 0, false, 0, false, runtimeErrorf("ToleratedFailureCount cannot be negative.")
		}
		tolCount, tolCountSet = n, true
	}
	if p := ms.toleratedPctPath; p != nil {
		v, _ := sc.get(p)
		f, ok := floatValue(v)
		if !ok {
			return 0, 0, false, 0, false, runtimeErrorf("The ToleratedFailurePercentagePath field refers to value %q which is not a valid float: %s", valueText(v), p)
		}
		if f < 0 || f > 100 {
			return 0, 0, false, 0, false, runtimeErrorf("ToleratedFailurePercentage must be between 0 and 100.")
		}
		tolPct, tolPctSet = f, true
	}
	return limit, tolCount, tolCountSet, tolPct, tolPctSet, nil
}

// jsonataSettings evaluates the numeric fields' JSONata expressions.
func (ms *mapState) jsonataSettings(env *ataEnv, limit int, tolCount int64, tolCountSet bool, tolPct float64, tolPctSet bool) (int, int64, bool, float64, bool, error) {
	if x := ms.maxConcurrencyExpr; x != nil {
		n, err := x.evalCount(env)
		if err != nil {
			return 0, 0, false, 0, false, err
		}
		limit = int(n)
	}
	if x := ms.toleratedCountExpr; x != nil {
		n, err := x.evalCount(env)
		if err != nil {
			return 0, 0, false, 0, false, err
		}
		tolCount, tolCountSet = n, true
	}
	if x := ms.tolPctExpr; x != nil {
		v, err := x.eval(env)
		if err != nil {
			return 0, 0, false, 0, false, err
		}
		pct, ok := floatValue(v)
		if !ok || pct < 0 || pct > 100 {
			return 0, 0, false, 0, false, x.wrongType("number between 0 and 100", v)
		}
		tolPct, tolPctSet = pct, true
	}
	return limit, tolCount, tolCountSet, tolPct, tolPctSet, nil
}

// valueText is a value as AWS quotes it in messages: strings bare, everything else as JSON.
func valueText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return compactJSON(v)
}

func floatValue(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func (ms *mapState) run(f *frame, n *node, in stateInput) (actionOutcome, error) {
	if ms.dist != nil {
		runner := f.ex.cfg.MapRuns
		if runner != nil && (in.resume == nil || in.resume.cp.Phase == phaseMapRun) {
			return ms.runDistributed(f, n, in, runner)
		}
		if runner == nil && (ms.dist.reader != nil || ms.dist.batcher != nil || ms.dist.writer != nil) {
			return actionOutcome{}, runtimeErrorf("this run has no control plane to run the Distributed Map's Map Run")
		}
	}
	input := in.value
	sc := scope{doc: input, f: f}
	list, entries, err := ms.itemsOf(sc, in.env)
	if err != nil {
		return actionOutcome{}, err
	}
	limit, tolCount, tolCountSet, tolPct, tolPctSet, err := ms.settings(sc, in.env)
	if err != nil {
		return actionOutcome{}, err
	}
	// AWS runs at most 40 iterations of an inline Map at once, and up to 10,000 child executions of a
	// distributed one; MaxConcurrency 0 means as many as that.
	ceiling := inlineConcurrency
	if ms.distributed {
		ceiling = distributedConcurrency
	}
	if limit <= 0 || limit > ceiling {
		limit = ceiling
	}
	var resume *forkPoint
	var wake *Wake
	started := &Event{Kind: MapStateStarted, Length: len(list)}
	failures := 0
	if in.resume != nil {
		resume, wake, started = in.resume.cp.Fork, in.resume.wake, nil
		failures = resume.Failures
	}
	var mu sync.Mutex
	tolerate := func(i int, err error) bool {
		if !tolCountSet && !tolPctSet {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		failures++
		if tolCountSet && int64(failures) <= tolCount {
			return true
		}
		return tolPctSet && float64(failures)*100 <= tolPct*float64(len(list))
	}
	var base map[string]any
	if ms.selector != nil && ms.selector.readsContext || ms.itemSelector != nil {
		base = f.contextObject()
	}
	spec := forkSpec{count: len(list), limit: limit, started: started, resume: resume, tolerate: tolerate,
		assigns: func(int) bool { return ms.processor.assigns }, waits: ms.processor.waits}
	results, parked, err := f.fork(spec, func(i int, it *frame, cp *checkpoint) (outcome, error) {
		var oc outcome
		var err error
		if cp == nil || cp.Phase == phaseItem {
			if cp == nil {
				it.record(Event{Kind: MapIterationStarted, state: n, Index: i}, func(p *position, _ int64) { p.phase = phaseItem })
			}
			oc, err = ms.iterate(it, n, f, base, input, list[i], i, entries)
		} else {
			oc, err = it.resumeFrame(ms.processor, cp, wake)
		}
		switch {
		case oc.parked && err == nil:
			return oc, nil
		case err != nil:
			it.event(Event{Kind: MapIterationFailed, state: n, Index: i})
			return outcome{}, err
		}
		it.event(Event{Kind: MapIterationSucceeded, state: n, Index: i})
		return oc, nil
	})
	if parked {
		return actionOutcome{parked: true}, nil
	}
	if err != nil {
		if ms.distributed && f.ctx.Err() == nil {
			// A Distributed Map fails as a Map Run whose failures passed the tolerated threshold (0 by
			// default); the iteration's own error stays in its child execution. The cause is our wording.
			err = failure.New(failure.ExceedToleratedFailure, "The specified tolerated failure threshold was exceeded")
		}
		f.forkEnded(Event{Kind: MapStateFailed}, nil, err)
		return actionOutcome{}, err
	}
	f.forkEnded(Event{Kind: MapStateSucceeded}, results, nil)
	return actionOutcome{result: results, next: n.next}, nil
}

// iterate runs iteration i on item v: its ItemSelector, then the processor. An entry of an object shows in
// $$.Map.Item as its Key and Value.
func (ms *mapState) iterate(it *frame, n *node, f *frame, base map[string]any, input, v any, i int, entry bool) (outcome, error) {
	if ms.selector != nil || ms.itemSelector != nil {
		// Source tells where the item came from: the state's input, for an inline Map (the guide's
		// context object page).
		it.selectItem(base, i, v, maprun.Origin{Source: "STATE_DATA", Entry: entry})
		var sel any
		var err error
		if ms.itemSelector != nil {
			sel, err = ms.itemSelector.eval(it.ataEnv(input))
		} else {
			sel, err = ms.selector.apply(scope{doc: input, f: it})
		}
		it.unselectItem()
		if err != nil {
			return outcome{}, asFailure(err, n.name, f.enteredEvent)
		}
		v = sel
	}
	return it.runMachine(ms.processor, v)
}

// jsonTypeName names a value's JSON type as AWS's messages do, in quotes.
func jsonTypeName(v any) string {
	name := "object"
	switch v.(type) {
	case nil:
		name = "null"
	case string:
		name = "string"
	case bool:
		name = "boolean"
	case int64, float64:
		name = "number"
	case []any:
		name = "array"
	}
	return strconv.Quote(name)
}
