package jsonata

import (
	"math"

	"github.com/aslrun/aslrun/asl/value"
)

// toOutput converts an evaluator value to the generic JSON values of the API: null to nil,
// integral numbers to int64, sequences to []any and ordered objects to *value.Object. Caller
// objects (maps and *value.Object) are returned as they were given. Functions have no JSON form
// and become nil. The copies are charged to m: a value that holds another many times is copied as
// many times.
func toOutput(v any, m *meter) any {
	switch x := v.(type) {
	case nil, jsonNull:
		return nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= 1<<53 {
			return int64(x)
		}
		if err := checkNumber(x); err != nil && m.err == nil {
			m.err = err
		}
		return x
	case string, bool, map[string]any, *value.Object:
		// These objects are the host's (the evaluation builds *object): JSON's values, whose numbers are
		// finite, handed on as they are, not walked again for each expression that reads them.
		return v
	case []any:
		return outputArray(x, m)
	case *sequence:
		return outputArray(x.items, m)
	case *object:
		if !m.charge(len(x.keys) * memberBytes) {
			return nil
		}
		members := make([]value.Member, 0, len(x.keys))
		for _, k := range x.keys {
			val := x.vals[k]
			if val == nil || isFunction(val) {
				continue
			}
			members = append(members, value.Member{Key: k, Value: toOutput(val, m)})
		}
		return value.NewObject(members)
	case tuple:
		return toOutput(x["@"], m)
	}
	if n, ok := normKnown(v); ok {
		return toOutput(n, m)
	}
	return nil
}

// outputArray converts an array's items; an array whose items need no conversion (a host's array of
// objects or strings, handed on) is given back as it is, so that the host knows it again (its size).
func outputArray(items []any, m *meter) []any {
	if !m.charge(len(items) * (slotBytes + numberBytes)) {
		return nil
	}
	var out []any
	for i, it := range items {
		o := toOutput(it, m)
		if out == nil {
			if unconverted(o, it) {
				continue
			}
			out = make([]any, len(items))
			copy(out, items[:i])
		}
		out[i] = o
	}
	if out == nil {
		return items
	}
	return out
}

// unconverted reports whether o, what toOutput made of it, is it as it was.
func unconverted(o, it any) bool {
	switch x := it.(type) {
	case nil, string, bool, map[string]any, *value.Object:
		return true
	case float64:
		_, still := o.(float64) // not made an integer
		return still
	case []any:
		y, ok := o.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return false
}
