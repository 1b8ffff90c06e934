package dynamodb

import (
	"slices"
	"strings"
)

// evalCondition evaluates a condition or filter against an item (empty when there is none). As in
// DynamoDB, a comparison with a missing attribute or between different types is false, never an error.
func evalCondition(c condition, it item) bool {
	switch c := c.(type) {
	case *logicCond:
		if c.and {
			return evalCondition(c.l, it) && evalCondition(c.r, it)
		}
		return evalCondition(c.l, it) || evalCondition(c.r, it)
	case *notCond:
		return !evalCondition(c.c, it)
	case *compareCond:
		return compare(c.op, resolve(c.l, it), resolve(c.r, it))
	case *betweenCond:
		v, lo, hi := resolve(c.v, it), resolve(c.lo, it), resolve(c.hi, it)
		return compare(tokGe, v, lo) && compare(tokLe, v, hi)
	case *inCond:
		v := resolve(c.v, it)
		for _, o := range c.list {
			if compare(tokEq, v, resolve(o, it)) {
				return true
			}
		}
		return false
	case *funcCond:
		return evalFunction(c.f, it)
	}
	return false
}

// resolve evaluates a condition operand: nil when it refers to nothing.
func resolve(o operand, it item) *value {
	switch o := o.(type) {
	case *valueOperand:
		return o.v
	case *pathOperand:
		return it.lookup(o.path)
	case *funcOperand: // size(), the only function with a value
		v := resolve(o.args[0], it)
		if v == nil {
			return nil
		}
		n, ok := sizeOf(v)
		if !ok {
			return nil
		}
		return numValue(intDecimal(n))
	}
	return nil
}

// sizeOf is size(): a string's length, a binary's bytes, the elements of a set, list or map.
func sizeOf(v *value) (int, bool) {
	switch v.kind {
	case kindS:
		return stringLength(v.str), true
	case kindB:
		return len(v.str), true
	case kindL:
		return len(v.list), true
	case kindM:
		return len(v.m), true
	case kindSS, kindBS:
		return len(v.strs), true
	case kindNS:
		return len(v.nums), true
	}
	return 0, false
}

// compare applies a comparator. <> holds whenever = does not, including for missing operands.
func compare(op tokKind, a, b *value) bool {
	if op == tokNe {
		return !compare(tokEq, a, b)
	}
	if a == nil || b == nil {
		return false
	}
	if op == tokEq {
		return a.equal(b)
	}
	c, ok := scalarCompare(a, b)
	if !ok {
		return false
	}
	switch op {
	case tokLt:
		return c < 0
	case tokLe:
		return c <= 0
	case tokGt:
		return c > 0
	}
	return c >= 0
}

func evalFunction(f *funcOperand, it item) bool {
	switch f.name {
	case "attribute_exists":
		return resolve(f.args[0], it) != nil
	case "attribute_not_exists":
		return resolve(f.args[0], it) == nil
	}
	a, b := resolve(f.args[0], it), resolve(f.args[1], it)
	if a == nil || b == nil {
		return false
	}
	switch f.name {
	case "attribute_type":
		return b.kind == kindS && a.kind.String() == b.str
	case "begins_with":
		return a.kind == b.kind && (a.kind == kindS || a.kind == kindB) && strings.HasPrefix(a.str, b.str)
	}
	return contains(a, b)
}

// contains is contains(): a substring of a string, a member of a set, an element of a list.
func contains(a, b *value) bool {
	switch a.kind {
	case kindS:
		return b.kind == kindS && strings.Contains(a.str, b.str)
	case kindSS:
		return b.kind == kindS && slices.Contains(a.strs, b.str)
	case kindBS:
		return b.kind == kindB && slices.Contains(a.strs, b.str)
	case kindNS:
		return b.kind == kindN && a.hasNum(b.num)
	case kindL:
		for _, e := range a.list {
			if e.equal(b) {
				return true
			}
		}
	}
	return false
}
