package jsonata

func registerHigherOrderFunctions(t table) {
	t.def("map", "<af>", 2, func(ev *evaluator, c *call, args []any) (any, error) {
		arr, fn := argAt(args, 0), argAt(args, 1)
		items, ok := arrayItems(arr)
		if !ok {
			return nil, nil
		}
		if !ev.chargeSlots(len(items)) {
			return nil, ev.err
		}
		result := newSeq(len(items))
		for i, it := range items {
			r, err := ev.callFunction(fn, c, hofArgs(fn, it, float64(i), arr)...)
			if err != nil {
				return nil, err
			}
			if r != nil {
				result.items = append(result.items, r)
			}
		}
		return result, nil
	})
	t.def("filter", "<af>", 2, func(ev *evaluator, c *call, args []any) (any, error) {
		arr, fn := argAt(args, 0), argAt(args, 1)
		items, ok := arrayItems(arr)
		if !ok {
			return nil, nil
		}
		if !ev.chargeSlots(len(items)) {
			return nil, ev.err
		}
		result := newSeq(len(items))
		for i, it := range items {
			r, err := ev.callFunction(fn, c, hofArgs(fn, it, float64(i), arr)...)
			if err != nil {
				return nil, err
			}
			if truthy(r) {
				result.items = append(result.items, it)
			}
		}
		return result, nil
	})
	t.def("single", "<af?>", 2, func(ev *evaluator, c *call, args []any) (any, error) {
		arr, fn := argAt(args, 0), argAt(args, 1)
		items, ok := arrayItems(arr)
		if !ok {
			return nil, nil
		}
		var result any
		found := false
		for i, it := range items {
			keep := true
			if fn != nil {
				r, err := ev.callFunction(fn, c, hofArgs(fn, it, float64(i), arr)...)
				if err != nil {
					return nil, err
				}
				keep = truthy(r)
			}
			if keep {
				if found {
					return nil, newError("D3138", -1, "", nil)
				}
				result = it
				found = true
			}
		}
		if !found {
			return nil, newError("D3139", -1, "", nil)
		}
		return result, nil
	})
	t.def("reduce", "<afj?:j>", 3, func(ev *evaluator, c *call, args []any) (any, error) {
		arr, fn := argAt(args, 0), argAt(args, 1)
		items, ok := arrayItems(arr)
		if !ok {
			return nil, nil
		}
		n := arity(fn)
		if n < 2 {
			return nil, newError("D3050", -1, "", nil)
		}
		var result any
		index := 0
		if init := argAt(args, 2); init == nil && len(items) > 0 {
			result = items[0]
			index = 1
		} else {
			result = init
		}
		for ; index < len(items); index++ {
			callArgs := []any{result, items[index]}
			if n >= 3 {
				callArgs = append(callArgs, float64(index))
			}
			if n >= 4 {
				callArgs = append(callArgs, arr)
			}
			r, err := ev.callFunction(fn, c, callArgs...)
			if err != nil {
				return nil, err
			}
			result = r
		}
		return result, nil
	})
}
