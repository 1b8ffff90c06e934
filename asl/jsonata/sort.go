package jsonata

// sortItems evaluates an order-by step: a stable merge sort on the sort terms, undefined last.
func (ev *evaluator) sortItems(n *node, input *sequence, env *frame) (any, error) {
	isTuple := input.tupleStream
	keyOf := func(item any, term *sortTerm) (any, error) {
		if isTuple {
			t := asTuple(item)
			return ev.eval(term.expr, t["@"], frameFromTuple(env, t))
		}
		return ev.eval(term.expr, item, env)
	}
	greater := func(a, b any) (bool, error) {
		for i := range n.terms {
			term := &n.terms[i]
			aa, err := keyOf(a, term)
			if err != nil {
				return false, err
			}
			bb, err := keyOf(b, term)
			if err != nil {
				return false, err
			}
			if aa == nil {
				if bb == nil {
					continue
				}
				return true, nil
			}
			if bb == nil {
				return false, nil
			}
			if !(isNumber(aa) || isString(aa)) || !(isNumber(bb) || isString(bb)) {
				bad := aa
				if isNumber(aa) || isString(aa) {
					bad = bb
				}
				return false, newError("T2008", n.pos, "", bad)
			}
			comp := 0
			switch x := aa.(type) {
			case float64:
				y, ok := bb.(float64)
				if !ok {
					return false, newError("T2007", n.pos, "", aa)
				}
				if x < y {
					comp = -1
				} else if x > y {
					comp = 1
				}
			case string:
				y, ok := bb.(string)
				if !ok {
					return false, newError("T2007", n.pos, "", aa)
				}
				if x < y {
					comp = -1
				} else if x > y {
					comp = 1
				}
			}
			if comp == 0 {
				continue
			}
			if term.descending {
				comp = -comp
			}
			return comp == 1, nil
		}
		return false, nil
	}
	if len(input.items) <= 1 {
		return input, nil
	}
	sorted, err := mergeSort(input.items, greater, &ev.meter)
	if err != nil {
		return nil, err
	}
	if isTuple {
		return &sequence{items: sorted, isSeq: true, tupleStream: true}, nil
	}
	// jsonata-js's sort returns a plain array, which is not collapsed to its item
	return sorted, nil
}

// mergeSort is jsonata-js's stable merge sort: greater(a, b) true puts b before a. Each level
// of the merge copies the items, and is charged for it.
func mergeSort(items []any, greater func(a, b any) (bool, error), m *meter) ([]any, error) {
	if len(items) <= 1 {
		return items, nil
	}
	mid := len(items) / 2
	left, err := mergeSort(items[:mid], greater, m)
	if err != nil {
		return nil, err
	}
	right, err := mergeSort(items[mid:], greater, m)
	if err != nil {
		return nil, err
	}
	if !m.chargeSlots(len(items)) {
		return nil, m.err
	}
	out := make([]any, 0, len(items))
	i, j := 0, 0
	for i < len(left) && j < len(right) {
		swap, err := greater(left[i], right[j])
		if err != nil {
			return nil, err
		}
		if swap {
			out = append(out, right[j])
			j++
		} else {
			out = append(out, left[i])
			i++
		}
	}
	out = append(out, left[i:]...)
	return append(out, right[j:]...), nil
}
