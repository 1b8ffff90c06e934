package jsonata

import (
	"math"

	"github.com/aslrun/aslrun/asl/value"
)

// asItems returns a value as a list: an array's items, or the value alone.
func asItems(v any) ([]any, bool) {
	if a, ok := arrayItems(v); ok {
		return a, true
	}
	if v == nil {
		return nil, false
	}
	return []any{v}, false
}

// fieldsOfVariable evaluates a path of fields of a variable ($states.input.order.id) as the general path
// below would, by looking them up, where every value on the way is an object (a step over an array maps
// over its items; the last value is given as it is, an array too, as the general path gives it). ok is
// false when the path is not such a path, or its values are not such values.
func (ev *evaluator) fieldsOfVariable(n *node, env *frame) (any, bool) {
	first := n.steps[0]
	if n.fields == nil || first.str == "" || first.stages != nil || first.predicate != nil ||
		n.keepSingletonArray || n.group != nil || n.tuple {
		return nil, false
	}
	for _, st := range n.steps[1:] {
		if st.stages != nil || st.predicate != nil || st.tuple || st.focus != "" || st.index != "" || st.keepArray ||
			st.group != nil {
			return nil, false
		}
	}
	fields := n.fields
	var v any
	if served, used, ok := ev.lookupPath(env, first.str, fields); ok {
		v, fields = served, fields[used:]
	} else {
		v, _ = ev.lookup(env, first.str)
	}
	for _, name := range fields {
		switch v.(type) {
		case map[string]any, *value.Object, *object:
			v, _ = field(v, name)
		default:
			return nil, false
		}
		if v == nil {
			return nil, true
		}
	}
	return v, true
}

// lookupPath asks the host for a path of fields of one of its variables (Options.LookupPath): not for a
// variable the expression or the caller's Bindings bind.
func (ev *evaluator) lookupPath(env *frame, name string, fields []string) (any, int, bool) {
	if ev.host == nil {
		return nil, 0, false
	}
	if _, ok := env.lookup(name); ok {
		return nil, 0, false
	}
	if _, ok := ev.globals[name]; ok {
		return nil, 0, false
	}
	v, used, ok := ev.host.LookupPath(name, fields)
	if !ok || used < 0 || used > len(fields) {
		return nil, 0, false
	}
	return bindingValue(name, v), used, true
}

// evalPath evaluates a location path step by step; with '@', '#' or '%' in it the steps
// carry a stream of binding tuples instead of plain values.
func (ev *evaluator) evalPath(n *node, input any, env *frame) (any, error) {
	if fast := n.steps[0]; len(n.steps) == 1 && fast.typ == nName && !n.keepSingletonArray && n.group == nil &&
		!fast.tuple && fast.stages == nil && !isArray(input) {
		// a lone field name: the value itself, as the general path below would produce
		v := lookupField(input, fast.str, &ev.meter)
		if s, ok := v.(*sequence); ok && s.isSeq {
			return &sequence{items: s.items, isSeq: true}, nil
		}
		return v, nil
	}
	if v, ok := ev.fieldsOfVariable(n, env); ok {
		return v, nil
	}
	var inputSeq *sequence
	if items, ok := arrayItems(input); ok && n.steps[0].typ != nVariable {
		inputSeq = &sequence{items: items, isSeq: true}
		if s, ok := input.(*sequence); ok {
			inputSeq.outerWrapper = s.outerWrapper
		}
	} else {
		inputSeq = seqOf(input)
	}
	var result any
	var tuples *sequence
	isTuple := false
	for i, step := range n.steps {
		if step.tuple {
			isTuple = true
		}
		var err error
		switch {
		case i == 0 && step.consArray:
			result, err = ev.eval(step, inputSeq, env)
		case isTuple:
			tuples, err = ev.evalTupleStep(step, inputSeq, tuples, env)
		default:
			result, err = ev.evalStep(step, inputSeq, env, i == len(n.steps)-1)
		}
		if err != nil {
			return nil, err
		}
		if !isTuple {
			items, ok := arrayItems(result)
			if result == nil || (ok && len(items) == 0) {
				break
			}
		}
		if step.focus == "" {
			if isTuple {
				// the next step reads the tuples
				inputSeq = tuples
			} else if items, ok := arrayItems(result); ok {
				inputSeq = &sequence{items: items, isSeq: true}
			} else {
				inputSeq = seqOf(result)
			}
		}
	}
	if isTuple {
		if n.tuple {
			result = tuples
		} else {
			if !ev.chargeSlots(len(tuples.items)) {
				return nil, ev.err
			}
			out := newSeq(len(tuples.items))
			for _, t := range tuples.items {
				out.items = append(out.items, asTuple(t)["@"])
			}
			result = out
		}
	}
	if n.keepSingletonArray {
		switch r := result.(type) {
		case *sequence:
			if r.cons && !r.isSeq {
				result = &sequence{items: []any{r}, isSeq: true, keepSingleton: true}
			} else {
				r.keepSingleton = true
			}
		case []any:
			// a plain array stays as it is
		}
	}
	if n.group != nil {
		src := result
		if isTuple {
			src = tuples
		}
		return ev.group(n.group.pairs, n.group.pos, src, env)
	}
	return result, nil
}

// evalStep evaluates a step against each item of the input sequence and flattens the results.
func (ev *evaluator) evalStep(step *node, input *sequence, env *frame, last bool) (any, error) {
	if step.typ == nSort {
		res, err := ev.sortItems(step, input, env)
		if err != nil || step.stages == nil {
			return res, err
		}
		return ev.evalStages(step.stages, res, env)
	}
	if !ev.chargeSlots(len(input.items)) {
		return nil, ev.err
	}
	results := make([]any, 0, len(input.items))
	for _, item := range input.items {
		res, err := ev.eval(step, item, env)
		if err != nil {
			return nil, err
		}
		for _, st := range step.stages {
			if res, err = ev.filter(st.expr, res, env); err != nil {
				return nil, err
			}
		}
		if res != nil {
			results = append(results, res)
		}
	}
	if last && len(results) == 1 && isArray(results[0]) && !isSequence(results[0]) {
		return results[0], nil
	}
	// the flattened items are counted as they are appended, so a step over a value that holds
	// another many times stops at the budget
	out := newSeq(len(results))
	for _, res := range results {
		if s, ok := res.(*sequence); ok && !s.cons {
			if !ev.chargeSlots(len(s.items)) {
				return nil, ev.err
			}
			out.items = append(out.items, s.items...)
		} else if a, ok := res.([]any); ok {
			if !ev.chargeSlots(len(a)) {
				return nil, ev.err
			}
			out.items = append(out.items, a...)
		} else if !ev.chargeSlots(1) {
			return nil, ev.err
		} else {
			out.items = append(out.items, res)
		}
	}
	return out, nil
}

func (ev *evaluator) evalStages(stages []*stage, input any, env *frame) (any, error) {
	result := input
	for _, st := range stages {
		if st.filter {
			var err error
			if result, err = ev.filter(st.expr, result, env); err != nil {
				return nil, err
			}
			continue
		}
		if s, ok := result.(*sequence); ok {
			for i, t := range s.items {
				if tp, ok := t.(tuple); ok {
					tp[st.index] = float64(i)
				}
			}
		}
	}
	return result, nil
}

// evalTupleStep evaluates a step of a tuple stream: each output tuple extends its input tuple
// with the step's value under '@' (or the focus variable), its index and its parent.
func (ev *evaluator) evalTupleStep(step *node, input *sequence, tuples *sequence, env *frame) (*sequence, error) {
	if step.typ == nSort {
		var result *sequence
		if tuples != nil {
			sorted, err := ev.sortItems(step, tuples, env)
			if err != nil {
				return nil, err
			}
			result = toSequence(sorted)
			result.tupleStream = true
		} else {
			sorted, err := ev.sortItems(step, input, env)
			if err != nil {
				return nil, err
			}
			items, _ := asItems(sorted)
			if !ev.charge(len(items) * (slotBytes + 2*memberBytes)) {
				return nil, ev.err
			}
			result = &sequence{items: make([]any, 0, len(items)), isSeq: true, tupleStream: true}
			for i, v := range items {
				t := tuple{"@": v}
				if step.index != "" {
					t[step.index] = float64(i)
				}
				result.items = append(result.items, t)
			}
		}
		if step.stages != nil {
			r, err := ev.evalStages(step.stages, result, env)
			if err != nil {
				return nil, err
			}
			return toSequence(r), nil
		}
		return result, nil
	}
	if tuples == nil {
		if !ev.charge(len(input.items) * (slotBytes + memberBytes)) {
			return nil, ev.err
		}
		tuples = &sequence{items: make([]any, len(input.items)), isSeq: true, tupleStream: true}
		for i, item := range input.items {
			tuples.items[i] = tuple{"@": item}
		}
	}
	result := &sequence{isSeq: true, tupleStream: true}
	for _, tv := range tuples.items {
		t := asTuple(tv)
		res, err := ev.eval(step, t["@"], frameFromTuple(env, t))
		if err != nil {
			return nil, err
		}
		if res == nil {
			continue
		}
		items, _ := asItems(res)
		stream := false
		if s, ok := res.(*sequence); ok && s.tupleStream {
			stream = true
		}
		for bb, r := range items {
			if !ev.charge(slotBytes + (len(t)+2)*memberBytes) {
				return nil, ev.err
			}
			nt := make(tuple, len(t)+2)
			for k, v := range t {
				nt[k] = v
			}
			if stream {
				for k, v := range asTuple(r) {
					nt[k] = v
				}
			} else {
				if step.focus != "" {
					nt[step.focus] = r
					nt["@"] = t["@"]
				} else {
					nt["@"] = r
				}
				if step.index != "" {
					nt[step.index] = float64(bb)
				}
				if step.ancestor != nil {
					nt[step.ancestor.label] = t["@"]
				}
			}
			result.items = append(result.items, nt)
		}
	}
	if step.stages != nil {
		r, err := ev.evalStages(step.stages, result, env)
		if err != nil {
			return nil, err
		}
		return toSequence(r), nil
	}
	return result, nil
}

// toSequence views a value as a sequence (for tuple streams, which are always sequences).
func toSequence(v any) *sequence {
	switch s := v.(type) {
	case *sequence:
		return s
	case nil:
		return &sequence{isSeq: true, tupleStream: true}
	}
	items, _ := asItems(v)
	return &sequence{items: items, isSeq: true, tupleStream: true}
}

// filter applies a predicate: a number selects by index (negative from the end), anything
// else keeps the items for which it is true or which it names by index.
func (ev *evaluator) filter(pred *node, input any, env *frame) (any, error) {
	results := newSeq(0)
	var items []any
	isTuple := false
	if s, ok := input.(*sequence); ok {
		items = s.items
		isTuple = s.tupleStream
		results.tupleStream = isTuple
	} else {
		items, _ = asItems(input)
	}
	if pred.typ == nNumber {
		index := int(math.Floor(pred.lit.(float64)))
		if index < 0 {
			index += len(items)
		}
		if index >= 0 && index < len(items) {
			item := items[index]
			if a, ok := item.([]any); ok {
				return a, nil
			}
			if s, ok := item.(*sequence); ok {
				return s, nil
			}
			results.items = append(results.items, item)
		}
		return results, nil
	}
	for index, item := range items {
		context, scope := item, env
		if isTuple {
			t := asTuple(item)
			context = t["@"]
			scope = frameFromTuple(env, t)
		}
		res, err := ev.eval(pred, context, scope)
		if err != nil {
			return nil, err
		}
		if f, ok := res.(float64); ok {
			if matchesIndex(f, index, len(items)) && ev.chargeSlots(1) {
				results.items = append(results.items, item)
			}
			continue
		}
		if nums, ok := arrayOfNumbers(res); ok {
			for _, f := range nums {
				if matchesIndex(f, index, len(items)) && ev.chargeSlots(1) {
					results.items = append(results.items, item)
				}
			}
			continue
		}
		if truthy(res) && ev.chargeSlots(1) {
			results.items = append(results.items, item)
		}
	}
	return results, nil
}

func matchesIndex(f float64, index, length int) bool {
	i := math.Floor(f)
	if i < 0 {
		i += float64(length)
	}
	return i == float64(index)
}

func arrayOfNumbers(v any) ([]float64, bool) {
	items, ok := arrayItems(v)
	if !ok {
		return nil, false
	}
	nums := make([]float64, len(items))
	for i, it := range items {
		f, ok := it.(float64)
		if !ok {
			return nil, false
		}
		nums[i] = f
	}
	return nums, true
}

// group evaluates an object constructor over the input: items are grouped by their key and
// each group's value expression is evaluated with the group as its context.
func (ev *evaluator) group(pairs [][2]*node, pos int, input any, env *frame) (any, error) {
	type entry struct {
		data      any
		list      []any // the items of a group of several, collected in place ($append would copy)
		exprIndex int
	}
	var items []any
	reduce := false
	if s, ok := input.(*sequence); ok {
		items = s.items
		reduce = s.tupleStream
	} else {
		items, _ = asItems(input)
	}
	if len(items) == 0 {
		items = []any{nil}
	}
	groups := newObject(len(pairs))
	entries := make(map[string]*entry, len(pairs))
	for _, item := range items {
		context, scope := item, env
		if reduce {
			t := asTuple(item)
			context = t["@"]
			scope = frameFromTuple(env, t)
		}
		for pi, pair := range pairs {
			k, err := ev.eval(pair[0], context, scope)
			if err != nil {
				return nil, err
			}
			if k == nil {
				continue
			}
			key, ok := k.(string)
			if !ok {
				return nil, newError("T1003", pos, "", k)
			}
			if e, exists := entries[key]; exists {
				if e.exprIndex != pi {
					return nil, newError("D1009", pos, "", key)
				}
				if e.list == nil {
					e.list = appendFlat(nil, e.data, &ev.meter)
				}
				e.list = appendFlat(e.list, item, &ev.meter)
			} else {
				if !ev.charge(memberBytes + len(key)) {
					return nil, ev.err
				}
				entries[key] = &entry{data: item, exprIndex: pi}
				groups.set(key, nil)
			}
		}
	}
	result := newObject(len(groups.keys))
	for _, key := range groups.keys {
		e := entries[key]
		if e.list != nil {
			e.data = e.list
		}
		context, scope := e.data, env
		if reduce {
			t := reduceTuples(e.data, &ev.meter)
			context = t["@"]
			delete(t, "@")
			scope = frameFromTuple(env, t)
		}
		v, err := ev.eval(pairs[e.exprIndex][1], context, scope)
		if err != nil {
			return nil, err
		}
		if v != nil && ev.charge(memberBytes) {
			result.set(key, v)
		}
	}
	return result, nil
}

// reduceTuples merges the tuples of a group: each variable collects the values of all of them.
func reduceTuples(data any, m *meter) tuple {
	if t, ok := data.(tuple); ok {
		c := make(tuple, len(t))
		for k, v := range t {
			c[k] = v
		}
		return c
	}
	items, _ := arrayItems(data)
	result := tuple{}
	if len(items) == 0 {
		return result
	}
	for k, v := range asTuple(items[0]) {
		result[k] = v
	}
	for _, it := range items[1:] {
		for k, v := range asTuple(it) {
			result[k] = appendValues(result[k], v, m)
		}
	}
	return result
}

// appendValues is $append: undefined is ignored, and the rest are concatenated. Appending one
// item at a time copies the array each time, and that is what it costs.
func appendValues(a, b any, m *meter) any {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	x, _ := arrayItems(a)
	y, _ := arrayItems(b)
	if !m.chargeSlots(len(x) + len(y) + 2) {
		return nil
	}
	var items []any
	if x, ok := arrayItems(a); ok {
		items = make([]any, 0, len(x)+1)
		items = append(items, x...)
	} else {
		items = []any{a}
	}
	if y, ok := arrayItems(b); ok {
		items = append(items, y...)
	} else {
		items = append(items, b)
	}
	// JavaScript's concat returns a plain array, even from a sequence
	return items
}

// appendFlat appends a value to a list as $append would: an array's items, or the value.
func appendFlat(list []any, v any, m *meter) []any {
	if a, ok := arrayItems(v); ok {
		if m.chargeSlots(len(a)) {
			return append(list, a...)
		}
		return list
	}
	if m.chargeSlots(1) {
		return append(list, v)
	}
	return list
}

// asTuple reads an item of a tuple stream; anything else reads as an empty tuple.
func asTuple(v any) tuple {
	t, _ := v.(tuple)
	return t
}
