package intrinsic

// array is States.Array: its arguments, in order.
func array(_ *Call, args []any) (any, error) {
	return append([]any{}, args...), nil
}

// arrayPartition is States.ArrayPartition: chunks of the given size, the last one shorter. Chunks are
// copies, so the input array is never shared with the result.
func arrayPartition(_ *Call, args []any) (any, error) {
	a := args[0].([]any)
	size, _ := truncInt32(args[1])
	out := make([]any, 0, (int64(len(a))+size-1)/size)
	for i := int64(0); i < int64(len(a)); i += size {
		out = append(out, append([]any{}, a[i:min(int64(len(a)), i+size)]...))
	}
	return out, nil
}

// arrayContains is States.ArrayContains. AWS compares the values' Java string forms: it finds true in
// ["true"] and 9007199254740991 in ["9007199254740991"].
func arrayContains(_ *Call, args []any) (any, error) {
	want := javaString(args[1])
	for _, v := range args[0].([]any) {
		if javaString(v) == want {
			return true, nil
		}
	}
	return false, nil
}

// maxRange is the largest array States.ArrayRange may produce.
const maxRange = 1000

// arrayRange is States.ArrayRange: start to end inclusive by step.
func arrayRange(c *Call, args []any) (any, error) {
	start, _ := truncInt32(args[0])
	end, _ := truncInt32(args[1])
	step, _ := truncInt32(args[2])
	n := int64(0)
	if step > 0 && end >= start || step < 0 && end <= start {
		n = (end-start)/step + 1
	}
	if n > maxRange {
		return nil, c.fn.invalid()
	}
	out := make([]any, n)
	for i := range out {
		out[i] = start + int64(i)*step
	}
	return out, nil
}

// arrayGetItem is States.ArrayGetItem. AWS fails an index past the end, except on an empty array, where
// it returns null.
func arrayGetItem(c *Call, args []any) (any, error) {
	a := args[0].([]any)
	i, _ := truncInt32(args[1])
	switch {
	case len(a) == 0:
		return nil, nil
	case i >= int64(len(a)):
		return nil, c.fn.invalid()
	}
	return a[i], nil
}

// arrayLength is States.ArrayLength.
func arrayLength(_ *Call, args []any) (any, error) {
	return int64(len(args[0].([]any))), nil
}

// arrayUnique is States.ArrayUnique: the distinct values in the order AWS's Java HashSet yields them.
func arrayUnique(_ *Call, args []any) (any, error) {
	return hashSetOrder(args[0].([]any)), nil
}
