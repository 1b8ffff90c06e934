package jsonata

import "math/rand/v2"

func registerArrayFunctions(t table) {
	t.def("count", "<a:n>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		items, _ := arrayItems(argAt(args, 0))
		return float64(len(items)), nil
	})
	t.def("append", "<xx:a>", 2, func(ev *evaluator, _ *call, args []any) (any, error) {
		return appendValues(argAt(args, 0), argAt(args, 1), &ev.meter), nil
	})
	t.def("sort", "<af?:a>", 2, fnSort)
	t.def("reverse", "<a:a>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		arr := argAt(args, 0)
		items, ok := arrayItems(arr)
		if !ok {
			return nil, nil
		}
		if len(items) <= 1 {
			return arr, nil
		}
		if !ev.chargeSlots(len(items)) {
			return nil, ev.err
		}
		out := make([]any, len(items))
		for i, it := range items {
			out[len(items)-1-i] = it
		}
		return out, nil
	})
	t.def("shuffle", "<a:a>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		arr := argAt(args, 0)
		items, ok := arrayItems(arr)
		if !ok {
			return nil, nil
		}
		if len(items) <= 1 {
			return arr, nil
		}
		if !ev.chargeSlots(len(items)) {
			return nil, ev.err
		}
		out := append([]any(nil), items...)
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out, nil
	})
	t.def("distinct", "<x:x>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		arr := argAt(args, 0)
		items, ok := arrayItems(arr)
		if !ok || len(items) <= 1 {
			return arr, nil
		}
		if !ev.chargeSlots(len(items)) {
			return nil, ev.err
		}
		var out []any
		for i, it := range items {
			// quadratic in the number of items: the time limit must be able to stop it
			if err := ev.poll(i + 1); err != nil {
				return nil, err
			}
			dup := false
			for _, seen := range out {
				if deepEqual(it, seen) {
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, it)
			}
		}
		if isSequence(arr) {
			return &sequence{items: out, isSeq: true}, nil
		}
		return out, nil
	})
	t.def("zip", "<a+>", 0, func(ev *evaluator, _ *call, args []any) (any, error) {
		length := -1
		lists := make([][]any, len(args))
		for i, a := range args {
			lists[i], _ = arrayItems(a)
			if length < 0 || len(lists[i]) < length {
				length = len(lists[i])
			}
		}
		if !ev.chargeSlots(max(length, 0) * (len(lists) + 1)) {
			return nil, ev.err
		}
		out := make([]any, 0, max(length, 0))
		for i := 0; i < length; i++ {
			t := make([]any, len(lists))
			for j, l := range lists {
				t[j] = l[i]
			}
			out = append(out, t)
		}
		return out, nil
	})
}

func fnSort(ev *evaluator, c *call, args []any) (any, error) {
	arr := argAt(args, 0)
	items, ok := arrayItems(arr)
	if !ok {
		return nil, nil
	}
	if len(items) <= 1 {
		return arr, nil
	}
	comparator := argAt(args, 1)
	var greater func(a, b any) (bool, error)
	if comparator == nil {
		allNum, allStr := true, true
		for _, it := range items {
			_, n := it.(float64)
			_, s := it.(string)
			allNum = allNum && n
			allStr = allStr && s
		}
		if !allNum && !allStr {
			return nil, newError("D3070", -1, "", nil)
		}
		greater = func(a, b any) (bool, error) {
			if allNum {
				return a.(float64) > b.(float64), nil
			}
			return a.(string) > b.(string), nil
		}
	} else {
		greater = func(a, b any) (bool, error) {
			r, err := ev.callFunction(comparator, c, a, b)
			return truthy(r), err
		}
	}
	return mergeSort(items, greater, &ev.meter)
}
