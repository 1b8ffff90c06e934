package jsonata

import (
	"math"
	"time"

	"github.com/aslrun/aslrun/asl/value"
)

// defaultMaxDepth bounds nested evaluation when the caller sets no limit, so that runaway
// recursion raises U1001 instead of exhausting the Go stack.
const defaultMaxDepth = 10000

// evaluator holds the state of one evaluation; a compiled Expr is shared and never changed.
type evaluator struct {
	meter
	depth    int
	maxDepth int
	// nowFunc is Options.Now; now is its time, read the first time an expression asks for it ($now,
	// $millis), so that every call in one evaluation sees the same time, and an evaluation that never
	// asks reads no clock.
	nowFunc func() time.Time
	now     time.Time
	globals map[string]any
	// host is Options.Host; disabled is Options.Disabled (a few names: a map costs more).
	host     Host
	looked   []binding
	disabled []string
	// root is the scope of the evaluation, which binds $ (in rootNames and rootVals).
	root      frame
	rootNames [1]string
	rootVals  [1]any
}

// currentTime is the evaluation's time (now).
func (ev *evaluator) currentTime() time.Time {
	if ev.now.IsZero() {
		if ev.nowFunc != nil {
			ev.now = ev.nowFunc()
		} else {
			ev.now = time.Now()
		}
	}
	return ev.now
}

// binding is a host variable as the evaluation read it.
type binding struct {
	name string
	v    any
}

// isDisabled reports whether the built-in name is refused (Options.Disabled, with or without its $).
func (ev *evaluator) isDisabled(name string) bool {
	for _, d := range ev.disabled {
		if d == name || len(d) == len(name)+1 && d[0] == '$' && d[1:] == name {
			return true
		}
	}
	return false
}

// enter counts a nested node evaluation and checks the limits; time and cancellation are
// checked every 256 nodes since reading the clock costs more than evaluating a node.
func (ev *evaluator) enter() error {
	ev.depth++
	if ev.depth > ev.maxDepth {
		return &Error{Code: "U1001", Position: -1, Message: errorMessages["U1001"]}
	}
	ev.ticks++
	if ev.ticks&255 == 0 {
		return ev.checkTime()
	}
	return nil
}

// lookup finds a variable: the scopes, then the caller's bindings, then the built-ins.
func (ev *evaluator) lookup(env *frame, name string) (any, bool) {
	if v, ok := env.lookup(name); ok {
		return v, true
	}
	if v, ok := ev.globals[name]; ok {
		return v, true
	}
	if ev.host != nil {
		// Read once per evaluation: a value is normalised on the way in, which walks an array.
		for _, b := range ev.looked {
			if b.name == name {
				return b.v, true
			}
		}
		if v, ok := ev.host.Lookup(name); ok {
			v = bindingValue(name, v)
			ev.looked = append(ev.looked, binding{name, v})
			return v, true
		}
	}
	if ev.isDisabled(name) {
		return nil, false
	}
	if b, ok := builtins()[name]; ok {
		return b, true
	}
	return nil, false
}

// eval evaluates a node, applies its predicates and grouping, and collapses a singleton sequence.
func (ev *evaluator) eval(n *node, input any, env *frame) (any, error) {
	if err := ev.enter(); err != nil {
		return nil, err
	}
	result, err := ev.evalNode(n, input, env)
	if err == nil && n.predicate != nil {
		for _, st := range n.predicate {
			if result, err = ev.filter(st.expr, result, env); err != nil {
				break
			}
		}
	}
	if err == nil && n.typ != nPath && n.group != nil {
		result, err = ev.group(n.group.pairs, n.group.pos, result, env)
	}
	ev.depth--
	if err == nil {
		// a builder that ran out of budget stopped without an error of its own
		err = ev.err
	}
	if err != nil {
		return nil, err
	}
	if s, ok := result.(*sequence); ok && s.isSeq && !s.tupleStream {
		if n.keepArray {
			s.keepSingleton = true
		}
		switch len(s.items) {
		case 0:
			return nil, nil
		case 1:
			if !s.keepSingleton {
				return s.items[0], nil
			}
		}
	}
	return result, nil
}

func (ev *evaluator) evalNode(n *node, input any, env *frame) (any, error) {
	switch n.typ {
	case nPath:
		return ev.evalPath(n, input, env)
	case nBinary:
		return ev.evalBinary(n, input, env)
	case nUnary:
		return ev.evalUnary(n, input, env)
	case nName:
		return lookupField(input, n.str, &ev.meter), nil
	case nString, nNumber, nValue:
		return n.lit, nil
	case nWildcard:
		return evalWildcard(input, &ev.meter), nil
	case nDescendant:
		return evalDescendants(input, &ev.meter), nil
	case nParent:
		v, _ := env.lookup(n.slot.label)
		return v, nil
	case nCondition:
		c, err := ev.eval(n.cond, input, env)
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return ev.eval(n.then, input, env)
		}
		if n.els != nil {
			return ev.eval(n.els, input, env)
		}
		return nil, nil
	case nCoalesce:
		c, err := ev.eval(n.cond, input, env)
		if err != nil || c != nil {
			return c, err
		}
		return ev.eval(n.els, input, env)
	case nElvis:
		c, err := ev.eval(n.cond, input, env)
		if err != nil || truthy(c) {
			return c, err
		}
		return ev.eval(n.els, input, env)
	case nBlock:
		scope := env
		if n.needsFrame {
			scope = newFrame(env)
		}
		var result any
		for _, e := range n.exprs {
			var err error
			if result, err = ev.eval(e, input, scope); err != nil {
				return nil, err
			}
		}
		return result, nil
	case nBind:
		v, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		env.bind(n.lhs.str, v)
		return v, nil
	case nRegex:
		return &regexMatcher{re: n.re, src: n.str, pos: n.pos}, nil
	case nFunction:
		return ev.evalFunction(n, input, env, nil, false)
	case nPartial:
		return ev.evalPartial(n, input, env)
	case nVariable:
		if n.str == "" {
			if s, ok := input.(*sequence); ok && s.outerWrapper {
				return s.items[0], nil
			}
			return input, nil
		}
		v, _ := ev.lookup(env, n.str)
		return v, nil
	case nLambda:
		return &lambda{params: n.params, sig: n.sig, body: n.body, thunk: n.thunk, input: input, env: env}, nil
	case nApply:
		return ev.evalApply(n, input, env)
	case nTransform:
		return ev.transformer(n, env), nil
	case nSort:
		// a sort step alone (outside a path) sorts its input
		items, _ := asItems(input)
		return ev.sortItems(n, &sequence{items: items, isSeq: true}, env)
	}
	return nil, newError("S0206", n.pos, "", nil)
}

// lookupField is jsonata-js's lookup: a field of an object, or of each object in an array.
func lookupField(input any, key string, m *meter) any {
	switch x := input.(type) {
	case *object, map[string]any, *value.Object:
		v, _ := field(x, key)
		return v
	case []any:
		return lookupArray(x, key, m)
	case *sequence:
		return lookupArray(x.items, key, m)
	}
	return nil
}

func lookupArray(items []any, key string, m *meter) any {
	if !m.chargeSlots(len(items)) {
		return nil
	}
	result := newSeq(len(items))
	for _, item := range items {
		res := lookupField(item, key, m)
		if res == nil {
			continue
		}
		if a, ok := arrayItems(res); ok {
			if !m.chargeSlots(len(a)) {
				return nil
			}
			result.items = append(result.items, a...)
		} else {
			result.items = append(result.items, res)
		}
	}
	return result
}

func evalWildcard(input any, m *meter) any {
	results := newSeq(4)
	if s, ok := input.(*sequence); ok && s.outerWrapper && len(s.items) > 0 {
		input = s.items[0]
	}
	add := func(v any) {
		if a, ok := arrayItems(v); ok {
			results.items = append(results.items, flatten(a, nil, m)...)
		} else if m.chargeSlots(1) {
			results.items = append(results.items, v)
		}
	}
	if isObject(input) {
		for _, v := range members(input) {
			add(v)
		}
	} else if a, ok := arrayItems(input); ok {
		for _, v := range a {
			add(v)
		}
	}
	return results
}

func flatten(a []any, out []any, m *meter) []any {
	for _, v := range a {
		if inner, ok := arrayItems(v); ok {
			out = flatten(inner, out, m)
		} else if m.chargeSlots(1) {
			out = append(out, v)
		} else {
			return out
		}
	}
	return out
}

func evalDescendants(input any, m *meter) any {
	if input == nil {
		return nil
	}
	results := newSeq(8)
	recurseDescendants(input, results, m)
	if len(results.items) == 1 {
		return results.items[0]
	}
	return results
}

func recurseDescendants(input any, results *sequence, m *meter) {
	if a, ok := arrayItems(input); ok {
		for _, it := range a {
			recurseDescendants(it, results, m)
		}
		return
	}
	if !m.chargeSlots(1) {
		return
	}
	results.items = append(results.items, input)
	for _, v := range members(input) {
		recurseDescendants(v, results, m)
	}
}

func (ev *evaluator) evalUnary(n *node, input any, env *frame) (any, error) {
	switch n.op {
	case "-":
		v, err := ev.eval(n.lhs, input, env)
		if err != nil || v == nil {
			return nil, err
		}
		if f, ok := v.(float64); ok {
			return -f, nil
		}
		return nil, newError("D1002", n.pos, "-", v)
	case "[":
		if len(n.exprs) == 1 && n.exprs[0].typ == nBinary && n.exprs[0].op == ".." && !n.consArray {
			// [a..b]: the range's items are new, so they are the array; copying them would double
			// the cost of the largest arrays expressions build
			v, err := ev.eval(n.exprs[0], input, env)
			if err != nil {
				return nil, err
			}
			if s, ok := v.(*sequence); ok {
				return s.items, nil
			}
			if v == nil {
				return []any{}, nil
			}
			return []any{v}, nil
		}
		if !ev.chargeSlots(len(n.exprs)) {
			return nil, ev.err
		}
		result := make([]any, 0, len(n.exprs))
		for _, item := range n.exprs {
			v, err := ev.eval(item, input, env)
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			if item.typ == nUnary && item.op == "[" {
				result = append(result, v)
			} else if a, ok := arrayItems(v); ok {
				if !ev.chargeSlots(len(a)) {
					return nil, ev.err
				}
				result = append(result, a...)
			} else {
				result = append(result, v)
			}
		}
		if n.consArray {
			return &sequence{items: result, cons: true}, nil
		}
		return result, nil
	case "{":
		return ev.group(n.pairs, n.pos, input, env)
	}
	return nil, nil
}

func (ev *evaluator) evalBinary(n *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	op := n.op
	if op == "and" || op == "or" {
		l := truthy(lhs)
		if (op == "and" && !l) || (op == "or" && l) {
			return l, nil
		}
		rhs, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		return truthy(rhs), nil
	}
	rhs, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	var result any
	switch op {
	case "+", "-", "*", "/", "%":
		result, err = arithmetic(lhs, rhs, op)
	case "=":
		result = lhs != nil && rhs != nil && deepEqual(lhs, rhs)
	case "!=":
		result = lhs != nil && rhs != nil && !deepEqual(lhs, rhs)
	case "<", "<=", ">", ">=":
		result, err = compare(lhs, rhs, op)
	case "&":
		result, err = concat(lhs, rhs, &ev.meter)
	case "..":
		result, err = rangeArray(lhs, rhs, &ev.meter)
	case "in":
		result = includes(lhs, rhs)
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Position = n.pos
			e.Token = op
			if _, custom := customMessage[e.Code]; !custom {
				e.Message = renderMessage(e.Code, op, e.Value)
			}
		}
		return nil, err
	}
	return result, nil
}

func arithmetic(lhs, rhs any, op string) (any, error) {
	l, lok := lhs.(float64)
	if lhs != nil && !lok {
		return nil, newError("T2001", -1, op, lhs)
	}
	r, rok := rhs.(float64)
	if rhs != nil && !rok {
		return nil, newError("T2002", -1, op, rhs)
	}
	if !lok || !rok {
		return nil, nil
	}
	// an infinite operand is out of range, as jsonata-js's isNumeric check finds
	if err := checkNumber(l); err != nil {
		return nil, err
	}
	if err := checkNumber(r); err != nil {
		return nil, err
	}
	var f float64
	switch op {
	case "+":
		f = l + r
	case "-":
		f = l - r
	case "*":
		f = l * r
	case "/":
		f = l / r
	case "%":
		f = math.Mod(l, r)
	}
	return f, nil
}

func compare(lhs, rhs any, op string) (any, error) {
	lc := lhs == nil || isNumber(lhs) || isString(lhs)
	rc := rhs == nil || isNumber(rhs) || isString(rhs)
	if !lc || !rc {
		bad := lhs
		if lc && lhs != nil {
			bad = rhs
		}
		return nil, newError("T2010", -1, op, bad)
	}
	if lhs == nil || rhs == nil {
		return nil, nil
	}
	if ls, ok := lhs.(string); ok {
		rs, ok := rhs.(string)
		if !ok {
			return nil, newError("T2009", -1, op, lhs)
		}
		switch op {
		case "<":
			return ls < rs, nil
		case "<=":
			return ls <= rs, nil
		case ">":
			return ls > rs, nil
		}
		return ls >= rs, nil
	}
	l := lhs.(float64)
	r, ok := rhs.(float64)
	if !ok {
		return nil, newError("T2009", -1, op, lhs)
	}
	switch op {
	case "<":
		return l < r, nil
	case "<=":
		return l <= r, nil
	case ">":
		return l > r, nil
	}
	return l >= r, nil
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

func concat(lhs, rhs any, m *meter) (any, error) {
	var ls, rs string
	var err error
	if lhs != nil {
		if ls, err = toStringValue(lhs, m); err != nil {
			return nil, err
		}
	}
	if rhs != nil {
		if rs, err = toStringValue(rhs, m); err != nil {
			return nil, err
		}
	}
	if !m.charge(len(ls) + len(rs)) {
		return nil, m.err
	}
	return ls + rs, nil
}

// maxRange is jsonata-js's limit on the size of a range.
const maxRange = 1e7

// rangeArray builds a..b, charged before it is allocated; filling ten million items takes long
// enough that the time limit is checked while it runs.
func rangeArray(lhs, rhs any, m *meter) (any, error) {
	l, lok := lhs.(float64)
	if lhs != nil && (!lok || l != math.Trunc(l)) {
		return nil, newError("T2003", -1, "..", lhs)
	}
	r, rok := rhs.(float64)
	if rhs != nil && (!rok || r != math.Trunc(r)) {
		return nil, newError("T2004", -1, "..", rhs)
	}
	if !lok || !rok || l > r {
		return nil, nil
	}
	size := r - l + 1
	if size > maxRange {
		return nil, newError("D2014", -1, "..", size)
	}
	if !m.charge(int(size) * (slotBytes + numberBytes)) {
		return nil, m.err
	}
	items := make([]any, int(size))
	for i := range items {
		if err := m.poll(i + 1); err != nil {
			return nil, err
		}
		items[i] = l + float64(i)
	}
	return &sequence{items: items, isSeq: true}, nil
}

func includes(lhs, rhs any) bool {
	if lhs == nil || rhs == nil {
		return false
	}
	items, ok := arrayItems(rhs)
	if !ok {
		return strictEqual(rhs, lhs)
	}
	for _, it := range items {
		if strictEqual(it, lhs) {
			return true
		}
	}
	return false
}

// strictEqual is JavaScript's ===: values for scalars, identity for objects and arrays.
func strictEqual(a, b any) bool {
	switch x := a.(type) {
	case float64, string, bool, jsonNull:
		return a == b
	case *object, *value.Object, *sequence, *lambda, *builtin:
		return a == b
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && len(x) == len(y) && samePointer(x, y)
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return false
}
