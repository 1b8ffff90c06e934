package jsonata

import "math"

// toOutput converts an evaluator value to the generic JSON values of the API: null to nil,
// integral numbers to int64, sequences to []any and ordered objects to map[string]any. Caller
// maps are returned as they were given. Functions have no JSON form and become nil.
func toOutput(v any) any {
	switch x := v.(type) {
	case nil, jsonNull:
		return nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= 1<<53 {
			return int64(x)
		}
		return x
	case string, bool, map[string]any:
		return v
	case []any:
		return outputArray(x)
	case *sequence:
		return outputArray(x.items)
	case *object:
		m := make(map[string]any, len(x.keys))
		for _, k := range x.keys {
			val := x.vals[k]
			if val == nil || isFunction(val) {
				continue
			}
			m[k] = toOutput(val)
		}
		return m
	case tuple:
		return toOutput(x["@"])
	}
	if n, ok := normKnown(v); ok {
		return toOutput(n)
	}
	return nil
}

func outputArray(items []any) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = toOutput(it)
	}
	return out
}
