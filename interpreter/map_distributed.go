package interpreter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter/maprun"
)

// MapRunner runs the children of Distributed Maps, each a child execution of its own: the control plane
// (Config.MapRuns). Without one, a Distributed Map that only iterates its input runs its children as
// inline iterations; one that reads, batches or writes fails.
type MapRunner interface {
	// RunMap runs a Map Run to its end and returns the state's result: the children's outputs in item
	// order, or where the ResultWriter put them. Its errors are failures of the Map Run
	// (States.ExceedToleratedFailureThreshold, States.ItemReaderFailed, States.ResultWriterFailed...).
	RunMap(ctx context.Context, run *MapRun) (any, error)
}

// MapRun is one run of a Distributed Map, as the state hands it to the MapRunner.
type MapRun struct {
	StateName string
	// Label is the Map's Label ("" for none): it names the children's state machine.
	Label string
	// Processor is the program every child runs; Definition its JSON text, the children's definition.
	Processor  *Program
	Definition string
	// Express: the children are EXPRESS executions (ExecutionType), otherwise STANDARD.
	Express bool
	// Items yields the children's inputs in order, ItemSelector and ItemBatcher applied; the runner
	// closes it. Its errors fail the Map Run.
	Items maprun.Items
	// MaxConcurrency is the most children running at once (at least 1).
	MaxConcurrency int
	// The tolerated failures: a count and a percentage of the items, each when set.
	ToleratedCount    int64
	ToleratedCountSet bool
	ToleratedPct      float64
	ToleratedPctSet   bool
	// Writer says where the children's results go (a ResultWriter with a Resource). Transform is the
	// WriterConfig of a ResultWriter without one, which transforms the children's results into the state's
	// result. With neither, the result is the children's outputs in item order.
	Writer    *maprun.WriterSpec
	Transform *maprun.WriterConfig
	// ResultLimit is the most bytes the outputs may take as the state's result (the payload limit; 0:
	// none): past it the Map fails at once with States.DataLimitExceeded, as it would at its end, rather
	// than holding ever more outputs.
	ResultLimit int
	// Started is called with the Map Run's ARN before any child starts, and only then: the state records
	// MapRunStarted.
	Started func(mapRunArn string)
	// Resume is the ARN of the Map Run an execution that stopped while it ran takes up again ("" for a new
	// one): the runner finds the children it started, and Started is not called. With Redrive, the
	// execution was redriven: so are the children that did not succeed.
	Resume  string
	Redrive bool
}

// distributed is what a Distributed Map adds to an inline one: where its items come from, how they are
// grouped, where its results go, and the program its children run.
type distributed struct {
	reader, batcher, writer *mapPart
	express                 bool
	program                 *Program
	definition              string
}

// mapPart is an ItemReader, ItemBatcher or ResultWriter, evaluated into a plain object each time the
// state runs: in JSONPath its template field (Parameters, BatchInput) through the template and each
// ...Path field read from the state's input into the field it stands for; in JSONata the whole object
// through its expressions.
type mapPart struct {
	value   map[string]any
	tmplKey string
	tmpl    *template
	paths   []partPath
	ata     ataNode
}

// partPath is a ...Path field of a part: in the object at keys (none: the part itself).
type partPath struct {
	keys  []string
	field string
	path  *jsonpath.Path
}

func (c *compiler) distributed(s *asl.Map, ata bool, fail failFunc) (*distributed, error) {
	d := &distributed{express: s.ExecutionType == "EXPRESS"}
	parts := []struct {
		dst     **mapPart
		node    *source.Node
		name    string
		tmplKey string
		nested  string
	}{
		{&d.reader, s.ItemReader, "ItemReader", "Parameters", "ReaderConfig"},
		{&d.batcher, s.ItemBatcher, "ItemBatcher", "BatchInput", ""},
		{&d.writer, s.ResultWriter, "ResultWriter", "Parameters", ""},
	}
	for _, p := range parts {
		if p.node == nil {
			continue
		}
		part, err := c.part(p.node, p.name, p.tmplKey, p.nested, ata)
		if err != nil {
			return nil, fail(p.name, err)
		}
		*p.dst = part
	}
	root, err := c.machine(s.Processor)
	if err != nil {
		return nil, err
	}
	d.program = &Program{def: &asl.StateMachine{Machine: *s.Processor, Node: s.Processor.Node}, root: root}
	// The children's definition is the processor's, without its ProcessorConfig, which only a Map has.
	proc, _ := s.Processor.Node.Value().(map[string]any)
	delete(proc, "ProcessorConfig")
	def, err := json.Marshal(proc)
	if err != nil {
		return nil, fail("ItemProcessor", err)
	}
	d.definition = string(def)
	return d, nil
}

// part compiles an ItemReader, ItemBatcher or ResultWriter object.
func (c *compiler) part(n *source.Node, name, tmplKey, nested string, ata bool) (*mapPart, error) {
	v, ok := n.Value().(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s must be an object", name)
	}
	part := &mapPart{value: v}
	if ata {
		var err error
		part.ata, err = c.ata(name, n)
		return part, err
	}
	for _, m := range n.Members {
		switch {
		case m.Key == tmplKey:
			t, err := compileTemplate(m.Value)
			if err != nil {
				return nil, err
			}
			part.tmplKey, part.tmpl = tmplKey, t
		case m.Key == nested && m.Value.Kind == source.Object:
			for _, mm := range m.Value.Members {
				if err := part.addPath(mm, []string{nested}); err != nil {
					return nil, err
				}
			}
		default:
			if err := part.addPath(m, nil); err != nil {
				return nil, err
			}
		}
	}
	return part, nil
}

// addPath compiles member m when it is a ...Path field (a reference path).
func (p *mapPart) addPath(m source.Member, keys []string) error {
	field, isPath := strings.CutSuffix(m.Key, "Path")
	if !isPath || m.Value.Kind != source.String {
		return nil
	}
	path, err := jsonpath.ParseReference(m.Value.Str)
	if err != nil {
		return fmt.Errorf("%s: %w", m.Key, err)
	}
	p.paths = append(p.paths, partPath{keys: keys, field: field, path: path})
	return nil
}

// eval evaluates the part for one run of the state.
func (p *mapPart) eval(sc scope, env *ataEnv) (map[string]any, error) {
	if p.ata != nil {
		v, err := p.ata.eval(env)
		if err != nil {
			return nil, err
		}
		obj, ok := value.Plain(v).(map[string]any) // the Map Run reads its configuration as maps
		if !ok {
			return nil, stateErrorf(failure.QueryEvaluationError, "expected an object, got %s", compactJSON(v))
		}
		return obj, nil
	}
	out := make(map[string]any, len(p.value))
	for k, v := range p.value {
		out[k] = v
	}
	if p.tmpl != nil {
		v, err := p.tmpl.apply(sc)
		if err != nil {
			return nil, err
		}
		out[p.tmplKey] = v
	}
	for _, pp := range p.paths {
		v, err := sc.lookup(pp.path)
		if err != nil {
			return nil, err
		}
		obj := out
		for _, k := range pp.keys {
			inner, _ := obj[k].(map[string]any)
			cp := make(map[string]any, len(inner))
			for kk, vv := range inner {
				cp[kk] = vv
			}
			obj[k], obj = cp, cp
		}
		delete(obj, pp.field+"Path")
		obj[pp.field] = v
	}
	return value.Plain(out).(map[string]any), nil
}

// runDistributed runs a Distributed Map as a Map Run of child executions.
func (ms *mapState) runDistributed(f *frame, n *node, in stateInput, runner MapRunner) (actionOutcome, error) {
	d := ms.dist
	sc := scope{doc: in.value, f: f}
	limit, tolCount, tolCountSet, tolPct, tolPctSet, err := ms.settings(sc, in.env)
	if err != nil {
		return actionOutcome{}, err
	}
	if limit <= 0 || limit > distributedConcurrency {
		limit = distributedConcurrency
	}
	items, length, err := ms.distributedItems(f, n, in, sc)
	if err != nil {
		return actionOutcome{}, err
	}
	run := &MapRun{StateName: n.name, Label: ms.label, Processor: d.program, Definition: d.definition, Express: d.express,
		Items: items, MaxConcurrency: limit, ResultLimit: max(f.ex.limit, 0), ToleratedCount: tolCount, ToleratedCountSet: tolCountSet,
		ToleratedPct: tolPct, ToleratedPctSet: tolPctSet}
	if d.writer != nil {
		if run.Writer, run.Transform, err = d.writerSpec(sc, in.env); err != nil {
			items.Close()
			return actionOutcome{}, err
		}
	}
	started := false
	if in.resume != nil && in.resume.cp.Phase == phaseMapRun {
		run.Resume, run.Redrive, started = in.resume.cp.MapRun, in.resume.cp.Redrive, true
		if run.Redrive {
			f.event(Event{Kind: MapRunRedriven, About: &About{MapRunArn: run.Resume, RedriveCount: f.ex.cfg.RedriveCount}})
		}
	} else {
		f.event(Event{Kind: MapStateStarted, Length: length})
	}
	run.Started = func(arn string) {
		started = true
		f.record(Event{Kind: MapRunStarted, About: &About{MapRunArn: arn}}, func(p *position, _ int64) { p.phase, p.mapRun = phaseMapRun, arn })
	}
	out, err := runner.RunMap(f.ctx, run)
	if err != nil {
		if started {
			var fe *failure.Error
			e := Event{Kind: MapRunFailed}
			if errors.As(err, &fe) {
				e.Error, e.Cause = fe.Name, fe.Cause
			}
			if f.ctx.Err() != nil {
				e = Event{Kind: MapRunAborted}
			}
			f.event(e)
		}
		f.forkEnded(Event{Kind: MapStateFailed}, nil, err)
		return actionOutcome{}, err
	}
	f.event(Event{Kind: MapRunSucceeded})
	f.forkEnded(Event{Kind: MapStateSucceeded}, out, nil)
	return actionOutcome{result: out, next: n.next}, nil
}

// distributedItems opens the stream of the children's inputs: the items read by the ItemReader or taken
// from the input, each through the ItemSelector, then grouped by the ItemBatcher. length is the number of
// items when they come from the input (MapStateStarted's length), 0 when they are read.
func (ms *mapState) distributedItems(f *frame, n *node, in stateInput, sc scope) (maprun.Items, int, error) {
	d := ms.dist
	var src maprun.Items
	length := 0
	if d.reader != nil {
		spec, err := d.readerSpec(sc, in.env)
		if err != nil {
			return nil, 0, err
		}
		if f.ex.cfg.Objects == nil {
			return nil, 0, stateErrorf(failure.ItemReaderFailed, "no S3 store serves this execution")
		}
		if src, err = maprun.Open(f.ctx, f.ex.cfg.Objects, spec); err != nil {
			return nil, 0, err
		}
	} else {
		list, entries, err := ms.itemsOf(sc, in.env)
		if err != nil {
			return nil, 0, err
		}
		src, length = &sliceItems{list: list, origin: maprun.Origin{Source: "STATE_DATA", Entry: entries}}, len(list)
	}
	src = ms.selectItems(f, n, in, src)
	if d.batcher != nil {
		spec, err := d.batchSpec(sc, in.env)
		if err != nil {
			src.Close()
			return nil, 0, err
		}
		src = maprun.Batch(src, spec)
	}
	return src, length, nil
}

// selectItems passes each item of src through the Map's ItemSelector, when it has one.
func (ms *mapState) selectItems(f *frame, n *node, in stateInput, src maprun.Items) maprun.Items {
	if ms.selector == nil && ms.itemSelector == nil {
		return src
	}
	var base map[string]any
	if ms.selector != nil && ms.selector.readsContext || ms.itemSelector != nil {
		base = f.contextObject()
	}
	// The selector sees $$.Map.Item on a frame of its own, used by one item at a time.
	sf := &frame{ex: f.ex, ctx: f.ctx, stateName: f.stateName, enteredEvent: f.enteredEvent, enteredTime: f.enteredTime, vars: f.vars}
	return &selectedItems{Items: src, sel: func(i int, v any, o maprun.Origin) (any, error) {
		sf.selectItem(base, i, v, o)
		var sel any
		var err error
		if ms.itemSelector != nil {
			sel, err = ms.itemSelector.eval(sf.ataEnv(in.value))
		} else {
			sel, err = ms.selector.apply(scope{doc: in.value, f: sf})
		}
		if err != nil {
			return nil, asFailure(err, n.name, f.enteredEvent)
		}
		return sel, nil
	}}
}

// readerSpec evaluates the ItemReader.
func (d *distributed) readerSpec(sc scope, env *ataEnv) (maprun.ReaderSpec, error) {
	r, err := d.reader.eval(sc, env)
	if err != nil {
		return maprun.ReaderSpec{}, err
	}
	spec := maprun.ReaderSpec{}
	spec.Resource, _ = r["Resource"].(string)
	params := r["Parameters"]
	if env != nil {
		params = r["Arguments"]
	}
	if params != nil {
		obj, ok := params.(map[string]any)
		if !ok {
			return spec, stateErrorf(failure.ItemReaderFailed, "the ItemReader's parameters must be an object, not %s", compactJSON(params))
		}
		spec.Parameters = obj
	}
	if spec.Config, err = maprun.ParseReaderConfig(r["ReaderConfig"]); err != nil {
		return spec, stateErrorf(failure.ItemReaderFailed, "%s", err.Error())
	}
	return spec, nil
}

// batchSpec evaluates the ItemBatcher.
func (d *distributed) batchSpec(sc scope, env *ataEnv) (maprun.BatchSpec, error) {
	b, err := d.batcher.eval(sc, env)
	if err != nil {
		return maprun.BatchSpec{}, err
	}
	spec := maprun.BatchSpec{BatchInput: b["BatchInput"]}
	for key, dst := range map[string]*int64{"MaxItemsPerBatch": &spec.MaxItemsPerBatch, "MaxInputBytesPerBatch": &spec.MaxInputBytesPerBatch} {
		v, ok := b[key]
		if !ok {
			continue
		}
		n, whole := wholeNumber(v)
		if !whole || n < 0 {
			return spec, runtimeErrorf("The %s field refers to value %q which is not a valid integer", key, valueText(v))
		}
		*dst = n
	}
	return spec, nil
}

// writerSpec evaluates the ResultWriter: where the results go, or with no Resource how they are
// transformed.
func (d *distributed) writerSpec(sc scope, env *ataEnv) (*maprun.WriterSpec, *maprun.WriterConfig, error) {
	w, err := d.writer.eval(sc, env)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := maprun.ParseWriterConfig(w["WriterConfig"])
	if err != nil {
		return nil, nil, stateErrorf(failure.ResultWriterFailed, "%s", err.Error())
	}
	if _, ok := w["Resource"]; !ok {
		return nil, &cfg, nil
	}
	params := w["Parameters"]
	if env != nil {
		params = w["Arguments"]
	}
	obj, _ := params.(map[string]any)
	bucket, _ := obj["Bucket"].(string)
	prefix, _ := obj["Prefix"].(string)
	if bucket == "" {
		return nil, nil, stateErrorf(failure.ResultWriterFailed, "the ResultWriter needs a Bucket")
	}
	return &maprun.WriterSpec{Bucket: bucket, Prefix: prefix, Config: cfg}, nil, nil
}

// sliceItems streams the items the state's input holds.
type sliceItems struct {
	list   []any
	origin maprun.Origin
	i      int
}

func (s *sliceItems) Next() (any, error) {
	if s.i >= len(s.list) {
		return nil, io.EOF
	}
	s.i++
	return s.list[s.i-1], nil
}

func (s *sliceItems) Origin() maprun.Origin { return s.origin }
func (s *sliceItems) Close() error          { return nil }

// selectedItems passes each item through the ItemSelector.
type selectedItems struct {
	maprun.Items
	sel func(i int, v any, o maprun.Origin) (any, error)
	i   int
}

func (s *selectedItems) Next() (any, error) {
	v, err := s.Items.Next()
	if err != nil {
		return nil, err
	}
	s.i++
	return s.sel(s.i-1, v, s.Items.Origin())
}
