package interpreter

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/intrinsic"
	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// The pipeline: each attempt at a state runs the stages of its query language in order,
//
//	JSONPath: InputPath -> Parameters -> action -> ResultSelector -> (Assign) -> ResultPath -> OutputPath
//	JSONata:  Arguments -> action -> Assign and Output
//
// where the action is the state type's work (behaviour.run) on the effective input. ResultPath merges
// into the raw state input, not the InputPath-filtered one. JSONata expressions read $states (input,
// result, errorOutput, context) and the variables as they were when the state was entered; Assign's
// values become visible after the state. Every stage returns a new value and never changes the one it
// was given.

// Stage names a pipeline stage, as Config.Observer sees it.
type Stage string

// The stages, in the order they run. A JSONata state has Arguments, Result and Output.
const (
	StageInputPath      Stage = "InputPath"
	StageParameters     Stage = "Parameters"
	StageArguments      Stage = "Arguments"
	StageResult         Stage = "Result"
	StageResultSelector Stage = "ResultSelector"
	StageResultPath     Stage = "ResultPath"
	StageOutputPath     Stage = "OutputPath"
	StageOutput         Stage = "Output"
)

// StageEvent is the value one stage of a state attempt produced. Every stage of the attempt's query
// language is reported, in order, up to the one that fails or the action that parks; a stage whose field
// the state lacks hands its input on and is reported all the same.
type StageEvent struct {
	State string
	Stage Stage
	// Value is the execution's own: read it, never change it.
	Value any
}

// observe hands the value a stage produced to the Observer, if there is one.
func (f *frame) observe(n *node, s Stage, v any) {
	if obs := f.ex.cfg.Observer; obs != nil {
		obs(StageEvent{State: n.name, Stage: s, Value: v})
	}
}

// actionOutcome is what a state's action hands back: its result and the next state, or the wait it
// parked at. A Choice names the rule it took: its Assign and Output replace the state's.
type actionOutcome struct {
	result any
	next   *node
	parked bool
	rule   *choiceFields
}

// stateInput is what a state's action works on.
type stateInput struct {
	// value is the effective input: the state input after InputPath and Parameters, or after Arguments
	// (the state input itself when the state has none).
	value any
	// selected is the state input after InputPath, before Parameters: what a JSONPath Task's
	// TimeoutSecondsPath, HeartbeatSecondsPath and Credentials read, as AWS says.
	selected any
	// env is a JSONata state's environment, for the fields its action evaluates (Items, Seconds,
	// TimeoutSeconds, Credentials, Condition, ...); nil in a JSONPath state.
	env *ataEnv
	// resume, when a parked execution resumes at this state, is for the action to take up its wait.
	resume *resumePoint
}

// attempt runs the state's pipeline once.
func (f *frame) attempt(n *node, raw any, resume *resumePoint) (outcome, error) {
	if n.ata {
		return f.attemptJSONata(n, raw, resume)
	}
	var act actionOutcome
	var err error
	if resume != nil && resume.taken() {
		// The action ended before the execution was interrupted: only what follows it runs.
		if n.tokens {
			f.taskToken(resume) // for $$.Task.Token in the stages after the action
		}
		if act, err = resume.outcome(n); err != nil {
			return outcome{}, err
		}
	} else {
		var input any
		if input, err = n.inputPath.apply(scope{doc: raw, f: f}); err != nil {
			return outcome{}, err
		}
		f.observe(n, StageInputPath, input)
		if n.tokens {
			f.taskToken(resume)
		}
		effective := input
		if n.parameters != nil {
			if effective, err = f.applyTemplate(n.parameters, input); err != nil {
				return outcome{}, err
			}
		}
		f.observe(n, StageParameters, effective)
		act, err = n.impl.run(f, n, stateInput{value: effective, selected: input, resume: resume})
		if err != nil || act.parked {
			return outcome{parked: act.parked}, err
		}
	}
	result := act.result
	f.observe(n, StageResult, result)
	if n.resultSelector != nil {
		if result, err = f.applyTemplate(n.resultSelector, result); err != nil {
			return outcome{}, err
		}
	}
	f.observe(n, StageResultSelector, result)
	// Assign reads the result, and every path of the state the variables as they were on entry.
	vals, err := act.assignment(n).eval(f, result, nil)
	if err != nil {
		return outcome{}, err
	}
	out := result
	if n.resultPath != nil {
		if out, err = n.resultPath.apply(f, raw, result); err != nil {
			return outcome{}, err
		}
	}
	f.observe(n, StageResultPath, out)
	if out, err = n.outputPath.apply(scope{doc: out, f: f}); err != nil {
		return outcome{}, err
	}
	f.observe(n, StageOutputPath, out)
	return f.finish(n, out, act.next, vals)
}

// attemptJSONata runs a JSONata state's pipeline once.
func (f *frame) attemptJSONata(n *node, raw any, resume *resumePoint) (outcome, error) {
	if n.tokens {
		f.taskToken(resume)
	}
	env := f.ataEnv(raw)
	var act actionOutcome
	var err error
	if resume != nil && resume.taken() {
		if act, err = resume.outcome(n); err != nil {
			return outcome{}, err
		}
	} else {
		args := raw
		if n.arguments != nil {
			if args, err = n.arguments.eval(env); err != nil {
				return outcome{}, err
			}
		}
		f.observe(n, StageArguments, args)
		act, err = n.impl.run(f, n, stateInput{value: args, env: env, resume: resume})
		if err != nil || act.parked {
			return outcome{parked: act.parked}, err
		}
	}
	result := act.result
	f.observe(n, StageResult, result)
	switch n.typ {
	case "Task", "Map", "Parallel":
		env = env.withResult(result)
	}
	vals, err := act.assignment(n).eval(f, nil, env)
	if err != nil {
		return outcome{}, err
	}
	out := result
	output := n.output
	if act.rule != nil {
		output = act.rule.output
	}
	if output != nil {
		if out, err = output.eval(env); err != nil {
			return outcome{}, err
		}
	}
	f.observe(n, StageOutput, out)
	return f.finish(n, out, act.next, vals)
}

// applyTemplate evaluates Parameters or ResultSelector against doc. Under a payload limit, the frame
// learns the value's size as it is made, for the result and the output it becomes part of.
func (f *frame) applyTemplate(t *template, doc any) (any, error) {
	sc := scope{doc: doc, f: f}
	if f.ex.limit < 0 {
		return t.apply(sc)
	}
	v, size, err := t.applySized(sc)
	if err == nil && size >= 0 {
		f.sizes.Remember(v, size)
	}
	return v, err
}

// assignment is the Assign that applies: the state's, or that of the Choice rule taken.
func (act *actionOutcome) assignment(n *node) *assignment {
	if act.rule != nil {
		return act.rule.assign
	}
	return n.assign
}

// finish ends a successful attempt: the state exits with its output to next, or ends its machine.
func (f *frame) finish(n *node, out any, next *node, vals map[string]any) (outcome, error) {
	if n.end {
		next = nil
	}
	if err := f.exit(n, out, vals, next); err != nil {
		return outcome{}, err
	}
	return outcome{out: out, next: next}, nil
}

// exit checks the state's output, makes its assignments visible and records its exited event, on to next
// (nil: the machine ends).
func (f *frame) exit(n *node, out any, vals map[string]any, next *node) error {
	if err := f.checkSize(out); err != nil {
		return err
	}
	f.record(Event{Kind: stateKind(n.typ, true), state: n, Output: out, Assigned: vals}, func(p *position, _ int64) {
		if next == nil {
			*p = position{phase: phaseEnd, result: out}
		} else {
			*p = position{phase: phaseNext, state: next.name, input: out}
		}
		// With the position: checkpoints read the variables under the same lock.
		f.vars.set(vals)
	})
	if !f.ex.track() {
		f.vars.set(vals)
	}
	return nil
}

// taken reports whether the state's action had ended when the execution stopped: its result or its error
// is recorded.
func (r *resumePoint) taken() bool { return r.cp.Phase == phaseResult || r.cp.Phase == phaseFailed }

// outcome is the recorded end of the action.
func (r *resumePoint) outcome(n *node) (actionOutcome, error) {
	if r.cp.Phase == phaseFailed {
		return actionOutcome{}, &failure.Error{Name: r.cp.Error, Cause: r.cp.Cause}
	}
	return actionOutcome{result: r.cp.Result.v, next: n.next}, nil
}

// scope is what paths read: the document in hand, the context object ($$) and the variables ($name).
type scope struct {
	doc any
	f   *frame
}

// locate finds where p starts: in the document, a variable (ok false when it is not set) or the context
// object, whose typed fields a definite path takes up after its first k names (contextPart).
func (s scope) locate(p *jsonpath.Path) (node any, k int, ok bool) {
	switch p.Root() {
	case jsonpath.Context:
		if node, k, ok := s.f.contextPart(p); ok {
			return node, k, true
		}
		return s.f.contextObject(), 0, true
	case jsonpath.Variable:
		v, ok := s.f.vars.get(p.Variable())
		return v, 0, ok
	}
	return s.doc, 0, true
}

// get evaluates p; ok is false when it selects nothing.
func (s scope) get(p *jsonpath.Path) (any, bool) {
	node, k, ok := s.locate(p)
	switch {
	case !ok:
		return nil, false
	case k > 0:
		return p.GetFrom(k, node)
	}
	return p.Get(node)
}

// lookup evaluates p and fails with Jayway's message when it selects nothing.
func (s scope) lookup(p *jsonpath.Path) (any, error) {
	node, k, ok := s.locate(p)
	if !ok {
		return nil, runtimeErrorf("Invalid path '%s' : The variable '%s' is not defined", p, p.Variable())
	}
	var v any
	var err error
	if k > 0 {
		v, err = p.LookupFrom(k, node)
	} else {
		v, err = p.Lookup(node)
	}
	if err != nil {
		return nil, runtimeErrorf("%v", err)
	}
	return v, nil
}

// Resolve gives intrinsic functions their path arguments.
func (s scope) Resolve(p *jsonpath.Path) (any, error) {
	v, ok := s.get(p)
	if !ok {
		return nil, runtimeErrorf("The JSONPath '%s' could not be found in the input '%s'", p, compactJSON(s.doc))
	}
	return v, nil
}

// selector is a compiled InputPath or OutputPath; nil stands for null, which yields {}.
type selector struct {
	path *jsonpath.Path
}

// whole is the path "$", which selects the whole document.
var whole = "$"

func compileSelector(p *string) (*selector, error) {
	if p == nil {
		return nil, nil
	}
	jp, err := jsonpath.Parse(*p)
	if err != nil {
		return nil, err
	}
	return &selector{path: jp}, nil
}

// apply selects from doc. "$" hands the document on as it is.
func (s *selector) apply(sc scope) (any, error) {
	if s == nil {
		return map[string]any{}, nil
	}
	return sc.lookup(s.path)
}

// template is a compiled payload template (Parameters, ResultSelector, ItemSelector): a value whose
// "key.$" fields are paths or intrinsic functions evaluated against the state's data.
type template struct {
	root tnode
	// constant holds the value when the template has no dynamic field, so evaluating it costs nothing.
	constant     any
	constantSize int
	isConstant   bool
	readsContext bool
}

// tnode is a node of a template. eval makes its value; sized, it also works out the value's size,
// measuring only what the template did not write itself (what paths and intrinsics give): -1 past the
// payload limit, or when not wanted.
type tnode interface {
	eval(sc scope, sized bool) (any, int, error)
}

type tconst struct {
	v    any
	size int
}

type tpath struct {
	field string
	path  *jsonpath.Path
}

type tcall struct {
	call *intrinsic.Call
}

type tfield struct {
	name  string
	value tnode
}

// tobject and tarray know the size of their own text: brackets, commas and member names. An object
// that names a member twice (its value keeps one) does not know its size.
type tobject struct {
	fields []tfield
	// slots are the places of the fields among the members, in key order (nil when a name repeats).
	slots   []int
	own     int
	repeats bool
}

type tarray struct {
	items []tnode
	own   int
}

func compileTemplate(n *source.Node) (*template, error) {
	t := &template{}
	root, dynamic, err := t.compile(n)
	if err != nil {
		return nil, err
	}
	t.root = root
	if !dynamic {
		t.constant, t.isConstant = n.Value(), true
		t.constantSize = value.Size(t.constant, math.MaxInt)
	}
	return t, nil
}

// compile returns the node and whether anything in it is evaluated at run time.
func (t *template) compile(n *source.Node) (tnode, bool, error) {
	switch n.Kind {
	case source.Object:
		obj := &tobject{own: 2 + max(len(n.Members)-1, 0)}
		dynamic := false
		names := make(map[string]bool, len(n.Members))
		for _, m := range n.Members {
			name := strings.TrimSuffix(m.Key, ".$")
			obj.repeats = obj.repeats || names[name]
			names[name] = true
			if name, ok := strings.CutSuffix(m.Key, ".$"); ok {
				if m.Value.Kind != source.String {
					return nil, false, fmt.Errorf("the value of field '%s' must be a string holding a path or an intrinsic function", m.Key)
				}
				v, err := t.dynamic(m.Key, m.Value.Str)
				if err != nil {
					return nil, false, err
				}
				obj.fields = append(obj.fields, tfield{name: name, value: v})
				obj.own += value.StringSize(name) + 1
				dynamic = true
				continue
			}
			v, d, err := t.compile(m.Value)
			if err != nil {
				return nil, false, err
			}
			obj.fields = append(obj.fields, tfield{name: m.Key, value: v})
			obj.own += value.StringSize(m.Key) + 1
			dynamic = dynamic || d
		}
		obj.slots = keySlots(len(obj.fields), func(i int) string { return obj.fields[i].name })
		return obj, dynamic, nil
	case source.Array:
		arr := &tarray{own: 2 + max(len(n.Items)-1, 0)}
		dynamic := false
		for _, it := range n.Items {
			v, d, err := t.compile(it)
			if err != nil {
				return nil, false, err
			}
			arr.items = append(arr.items, v)
			dynamic = dynamic || d
		}
		return arr, dynamic, nil
	}
	v := n.Value()
	return tconst{v: v, size: value.Size(v, math.MaxInt)}, false, nil
}

// dynamic compiles the string of a "key.$" field.
func (t *template) dynamic(key, s string) (tnode, error) {
	if intrinsic.IsCall(s) {
		c, err := intrinsic.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("field '%s': %w", key, err)
		}
		t.readsContext = t.readsContext || strings.Contains(s, "$$")
		return tcall{call: c}, nil
	}
	p, err := jsonpath.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("field '%s': %w", key, err)
	}
	t.readsContext = t.readsContext || p.Root() == jsonpath.Context
	return tpath{field: key, path: p}, nil
}

// apply evaluates the template against sc.
func (t *template) apply(sc scope) (any, error) {
	if t.isConstant {
		return t.constant, nil
	}
	v, _, err := t.root.eval(sc, false)
	return v, err
}

// applySized is apply that also works the value's size out, -1 past the payload limit.
func (t *template) applySized(sc scope) (any, int, error) {
	if t.isConstant {
		return t.constant, t.constantSize, nil
	}
	return t.root.eval(sc, true)
}

// measure is v's size as the frame knows it, -1 past the payload limit or when not wanted.
func (sc scope) measure(sized bool, v any) int {
	if !sized {
		return -1
	}
	if n := sc.f.sizes.Size(v, sc.f.ex.limit); n <= sc.f.ex.limit {
		return n
	}
	return -1
}

// addSize adds a part's size n to total; either one not known (-1) leaves the sum not known.
func addSize(total, n int) int {
	if total < 0 || n < 0 {
		return -1
	}
	return total + n
}

func (c tconst) eval(_ scope, sized bool) (any, int, error) {
	if !sized {
		return c.v, -1, nil
	}
	return c.v, c.size, nil
}

func (p tpath) eval(sc scope, sized bool) (any, int, error) {
	v, ok := sc.get(p.path)
	if !ok {
		return nil, -1, runtimeErrorf("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
			p.path, p.field, compactJSON(sc.doc))
	}
	return v, sc.measure(sized, v), nil
}

func (c tcall) eval(sc scope, sized bool) (any, int, error) {
	v, err := c.call.Eval(sc)
	if err != nil {
		return nil, -1, err
	}
	return v, sc.measure(sized, v), nil
}

func (o *tobject) eval(sc scope, sized bool) (any, int, error) {
	size := o.own
	if o.repeats || !sized {
		size = -1
	}
	// The fields are evaluated in the order they are written, so that the first to fail is the one named.
	members := make([]value.Member, len(o.fields))
	for i, f := range o.fields {
		v, n, err := f.value.eval(sc, sized && size >= 0)
		if err != nil {
			return nil, -1, err
		}
		slot := i
		if o.slots != nil {
			slot = o.slots[i]
		}
		members[slot] = value.Member{Key: f.name, Value: v}
		size = addSize(size, n)
	}
	return value.NewObject(members), size, nil
}

// keySlots are the places of n fields, named by name, in key order; nil when a name repeats (then the
// object is sorted as it is made, and the last of a name stands).
func keySlots(n int, name func(int) string) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(name(a), name(b)) })
	slots := make([]int, n)
	for place, i := range order {
		if place > 0 && name(order[place-1]) == name(i) {
			return nil
		}
		slots[i] = place
	}
	return slots
}

func (a *tarray) eval(sc scope, sized bool) (any, int, error) {
	size := a.own
	if !sized {
		size = -1
	}
	out := make([]any, len(a.items))
	for i, it := range a.items {
		v, n, err := it.eval(sc, sized && size >= 0)
		if err != nil {
			return nil, -1, err
		}
		out[i] = v
		size = addSize(size, n)
	}
	return out, size, nil
}

// resultPath is a compiled ResultPath; discard stands for null (the result is dropped, the input kept).
type resultPath struct {
	path    *jsonpath.Path
	discard bool
	whole   bool
}

func compileResultPath(p *string) (*resultPath, error) {
	if p == nil {
		return &resultPath{discard: true}, nil
	}
	if *p == "$" {
		return &resultPath{whole: true}, nil
	}
	jp, err := jsonpath.ParseReference(*p)
	if err != nil {
		return nil, err
	}
	return &resultPath{path: jp}, nil
}

// apply places result into the raw state input. Under a payload limit, the frame learns the new
// document's size from raw's, result's and that of what result replaces, for checking it.
func (r *resultPath) apply(f *frame, raw, result any) (any, error) {
	switch {
	case r.discard:
		return raw, nil
	case r.whole:
		return result, nil
	}
	var out any
	var err error
	if f.ex.limit < 0 {
		out, err = r.path.Set(raw, result)
	} else {
		var size int
		out, size, err = r.path.SetSized(raw, f.payloadSize(raw), result, f.payloadSize)
		if size >= 0 {
			f.sizes.Remember(out, size)
		}
	}
	if err != nil {
		return nil, stateErrorf(failure.ReferencePathConflict, "%v", err)
	}
	return out, nil
}
