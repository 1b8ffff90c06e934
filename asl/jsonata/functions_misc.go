package jsonata

import (
	"math"

	"github.com/aslrun/aslrun/asl/value"
)

func registerMiscFunctions(t table) {
	t.def("boolean", "<x-:b>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		v := argAt(args, 0)
		if v == nil {
			return nil, nil
		}
		return truthy(v), nil
	})
	t.def("not", "<x-:b>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		v := argAt(args, 0)
		if v == nil {
			return nil, nil
		}
		return !truthy(v), nil
	})
	t.def("exists", "<x:b>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		return argAt(args, 0) != nil, nil
	})
	t.def("clone", "<(oa)-:o>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		return cloneValue(argAt(args, 0), &ev.meter), nil
	})
	t.def("eval", "<sx?:x>", 2, fnEval)
}

// cloneValue is $clone: a deep copy made mutable (objects become ordered objects), with
// jsonata-js's JSON round trip: numbers to 15 digits, functions and undefined dropped.
func cloneValue(v any, m *meter) any {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) {
			return toPrecision15(x)
		}
		return x
	case []any:
		return cloneArray(x, m)
	case *sequence:
		return cloneArray(x.items, m)
	case *object, map[string]any, *value.Object:
		if !m.charge(objectLen(x) * memberBytes) {
			return nil
		}
		o := newObject(objectLen(x))
		for k, val := range members(x) {
			if val == nil || isFunction(val) {
				continue
			}
			o.set(k, cloneValue(val, m))
		}
		return o
	}
	if isFunction(v) {
		return ""
	}
	return v
}

func cloneArray(items []any, m *meter) []any {
	if !m.chargeSlots(len(items)) {
		return nil
	}
	out := make([]any, len(items))
	for i, it := range items {
		it = norm(it)
		if it == nil {
			it = nullValue
		}
		out[i] = cloneValue(it, m)
	}
	return out
}

// fnEval is $eval: parse and evaluate an expression against the focus (default the context).
func fnEval(ev *evaluator, c *call, args []any) (any, error) {
	src, ok := str(args, 0)
	if !ok {
		return nil, nil
	}
	input := c.input
	if len(args) > 1 && args[1] != nil {
		input = args[1]
		if a, ok := input.([]any); ok {
			input = &sequence{items: []any{a}, isSeq: true, outerWrapper: true}
		}
	}
	ast, err := parse(src)
	if err != nil {
		msg := err.Error()
		if e, ok := err.(*Error); ok {
			msg = e.Message
		}
		return nil, &Error{Code: "D3120", Position: -1, Value: msg, Message: renderMessage("D3120", "", msg)}
	}
	res, err := ev.eval(ast, input, c.env)
	if err != nil {
		e, ok := err.(*Error)
		if ok && e.Code == "U1001" {
			return nil, err
		}
		msg := err.Error()
		if ok {
			msg = e.Message
		}
		return nil, &Error{Code: "D3121", Position: -1, Value: msg, Message: renderMessage("D3121", "", msg)}
	}
	return res, nil
}
