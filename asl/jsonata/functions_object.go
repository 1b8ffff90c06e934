package jsonata

func registerObjectFunctions(t table) {
	t.def("keys", "<x-:a<s>>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		return keysOf(argAt(args, 0), &ev.meter), nil
	})
	t.def("lookup", "<x-s:x>", 2, func(ev *evaluator, _ *call, args []any) (any, error) {
		k, _ := str(args, 1)
		return lookupField(argAt(args, 0), k, &ev.meter), nil
	})
	t.def("spread", "<x-:a<o>>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		return spread(argAt(args, 0), &ev.meter), nil
	})
	t.def("merge", "<a<o>:o>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		items, ok := arrayItems(argAt(args, 0))
		if !ok {
			return nil, nil
		}
		result := newObject(8)
		for _, it := range items {
			if !ev.charge(objectLen(it) * memberBytes) {
				return nil, ev.err
			}
			for k, v := range members(it) {
				result.set(k, v)
			}
		}
		return result, nil
	})
	t.def("sift", "<o-f?:o>", 2, func(ev *evaluator, c *call, args []any) (any, error) {
		obj, fn := argAt(args, 0), argAt(args, 1)
		result := newObject(4)
		for k, v := range members(obj) {
			r, err := ev.callFunction(fn, c, hofArgs(fn, v, k, obj)...)
			if err != nil {
				return nil, err
			}
			if truthy(r) && ev.charge(memberBytes) {
				result.set(k, v)
			}
		}
		if len(result.keys) == 0 {
			return nil, nil
		}
		return result, nil
	})
	t.def("each", "<o-f:a>", 2, func(ev *evaluator, c *call, args []any) (any, error) {
		obj, fn := argAt(args, 0), argAt(args, 1)
		result := newSeq(objectLen(obj))
		for k, v := range members(obj) {
			r, err := ev.callFunction(fn, c, hofArgs(fn, v, k, obj)...)
			if err != nil {
				return nil, err
			}
			if r != nil && ev.chargeSlots(1) {
				result.items = append(result.items, r)
			}
		}
		return result, nil
	})
	t.def("error", "<s?:x>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		msg, ok := str(args, 0)
		if !ok || msg == "" {
			msg = "$error() function evaluated"
		}
		return nil, &Error{Code: "D3137", Position: -1, Message: msg}
	})
	t.def("assert", "<bs?:x>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		if ok, _ := argAt(args, 0).(bool); ok {
			return nil, nil
		}
		msg, ok := str(args, 1)
		if !ok || msg == "" {
			msg = "$assert() statement failed"
		}
		return nil, &Error{Code: "D3141", Position: -1, Message: msg}
	})
	t.def("type", "<x:s>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		v := argAt(args, 0)
		switch v.(type) {
		case nil:
			return nil, nil
		case jsonNull:
			return "null", nil
		case float64:
			return "number", nil
		case string:
			return "string", nil
		case bool:
			return "boolean", nil
		}
		if isArray(v) {
			return "array", nil
		}
		if isFunction(v) {
			return "function", nil
		}
		return "object", nil
	})
}

// keysOf is $keys: an object's keys, or the distinct keys of the objects in an array.
func keysOf(v any, m *meter) any {
	if !m.charge(objectLen(v) * memberBytes) {
		return nil
	}
	result := newSeq(max(objectLen(v), 4))
	if items, ok := arrayItems(v); ok {
		seen := map[string]bool{}
		merged := newObject(8)
		for _, it := range items {
			ks, _ := arrayItems(keysOf(it, m))
			for _, k := range ks {
				s := k.(string)
				if !seen[s] {
					seen[s] = true
					merged.set(s, true)
				}
			}
		}
		result.items = append(result.items, stringsToAny(merged.keys)...)
		return result
	}
	for k := range members(v) {
		result.items = append(result.items, k)
	}
	return result
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// spread is $spread: an object as an array of one-key objects.
func spread(v any, m *meter) any {
	if items, ok := arrayItems(v); ok {
		// concatenated as $append would, into one list rather than a copy per item
		var result any = newSeq(len(items))
		for _, it := range items {
			s := spread(it, m)
			if s == nil {
				continue
			}
			list, _ := result.([]any)
			if list == nil {
				list = []any{}
			}
			result = appendFlat(list, s, m)
		}
		return result
	}
	if isObject(v) {
		if !m.charge(objectLen(v) * (slotBytes + memberBytes)) {
			return nil
		}
		result := newSeq(objectLen(v))
		for k, val := range members(v) {
			o := newObject(1)
			o.set(k, val)
			result.items = append(result.items, o)
		}
		return result
	}
	return v
}
