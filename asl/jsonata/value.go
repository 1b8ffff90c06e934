package jsonata

import (
	"cmp"
	"encoding/json"
	"iter"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/value"
)

// Inside the evaluator, Go nil is JSONata's undefined and nullValue is JSON null. Numbers are
// float64, strings string, booleans bool. Arrays are []any (plain arrays) or *sequence (the
// reference's sequences and flagged arrays). Objects are *object (built by the evaluator, ordered)
// or map[string]any and *value.Object (caller input, read-only, visited in sorted key order). Caller
// input is normalised lazily where it is read (see norm), so a large input is never copied up front.

// jsonNull is the type of JSON null.
type jsonNull struct{}

var nullValue = jsonNull{}

// sequence is a jsonata-js sequence or flagged array: the result of a path, a function that
// returns several values, an array constructor (cons) or a tuple stream.
type sequence struct {
	items         []any
	isSeq         bool // a sequence, collapsed to its item when it holds one (unless keepSingleton)
	keepSingleton bool
	cons          bool // built by an array constructor: never flattened by a path step
	tupleStream   bool // items are tuples
	outerWrapper  bool // $eval's focus wrapper around a JSON array
}

func newSeq(capacity int) *sequence {
	return &sequence{items: make([]any, 0, capacity), isSeq: true}
}

func seqOf(v any) *sequence {
	return &sequence{items: []any{v}, isSeq: true}
}

// tuple is one binding tuple of a tuple stream: "@" is the context, other keys are variables.
type tuple map[string]any

// object is an ordered object. Integer-like keys come first in ascending order and the others
// in insertion order, as JavaScript objects enumerate them.
type object struct {
	keys []string
	vals map[string]any
}

func newObject(capacity int) *object {
	return &object{keys: make([]string, 0, capacity), vals: make(map[string]any, capacity)}
}

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.insertKey(k)
	}
	o.vals[k] = v
}

func (o *object) insertKey(k string) {
	if n, ok := arrayIndexKey(k); ok {
		i := sort.Search(len(o.keys), func(i int) bool {
			m, isIdx := arrayIndexKey(o.keys[i])
			return !isIdx || m > n
		})
		o.keys = append(o.keys, "")
		copy(o.keys[i+1:], o.keys[i:])
		o.keys[i] = k
		return
	}
	o.keys = append(o.keys, k)
}

func (o *object) del(k string) {
	if _, ok := o.vals[k]; !ok {
		return
	}
	delete(o.vals, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			break
		}
	}
}

// arrayIndexKey reports whether k is a canonical array index, which JavaScript lists first.
func arrayIndexKey(k string) (uint64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n < 4294967295
}

// sortedKeys lists a caller map's keys in JavaScript order, with the others sorted, since Go
// maps have no order (hostMembers visits a *value.Object's in the same order).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, aIdx := arrayIndexKey(keys[i])
		b, bIdx := arrayIndexKey(keys[j])
		switch {
		case aIdx && bIdx:
			return a < b
		case aIdx != bIdx:
			return aIdx
		}
		return keys[i] < keys[j]
	})
	return keys
}

// isObject reports whether v is a JSON object.
func isObject(v any) bool {
	switch v.(type) {
	case *object, map[string]any, *value.Object:
		return true
	}
	return false
}

// objectLen returns the number of keys of an object.
func objectLen(v any) int {
	switch o := v.(type) {
	case *object:
		return len(o.keys)
	case map[string]any:
		return len(o)
	case *value.Object:
		return o.Len()
	}
	return 0
}

// members visits an object's members in enumeration order, normalising caller values.
func members(v any) iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		switch o := v.(type) {
		case *object:
			for _, k := range o.keys {
				if !yield(k, o.vals[k]) {
					return
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(o) {
				if !yield(k, norm(o[k])) {
					return
				}
			}
		case *value.Object:
			hostMembers(o.Members(), yield)
		}
	}
}

// hostMembers visits a caller Object's members in JavaScript order. They are sorted by key already, so
// only array-index keys need moving first, in numeric order; most objects have none, and cost nothing.
func hostMembers(ms []value.Member, yield func(string, any) bool) {
	var index []value.Member
	for _, m := range ms {
		if _, ok := arrayIndexKey(m.Key); ok {
			index = append(index, m)
		}
	}
	if index != nil {
		// canonical indexes have no leading zeros: the shorter is the smaller
		slices.SortFunc(index, func(a, b value.Member) int {
			return cmp.Or(cmp.Compare(len(a.Key), len(b.Key)), strings.Compare(a.Key, b.Key))
		})
		for _, m := range index {
			if !yield(m.Key, norm(m.Value)) {
				return
			}
		}
	}
	for _, m := range ms {
		if index != nil {
			if _, ok := arrayIndexKey(m.Key); ok {
				continue
			}
		}
		if !yield(m.Key, norm(m.Value)) {
			return
		}
	}
}

// field reads a key of an object, normalising caller values.
func field(v any, k string) (any, bool) {
	switch o := v.(type) {
	case *object:
		r, ok := o.vals[k]
		return r, ok
	case map[string]any:
		r, ok := o[k]
		if !ok {
			return nil, false
		}
		return norm(r), true
	case *value.Object:
		r, ok := o.Get(k)
		if !ok {
			return nil, false
		}
		return norm(r), true
	}
	return nil, false
}

// arrayItems returns the items of an array or sequence.
func arrayItems(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case *sequence:
		return a.items, true
	}
	return nil, false
}

func isArray(v any) bool {
	switch v.(type) {
	case []any, *sequence:
		return true
	}
	return false
}

func isSequence(v any) bool {
	s, ok := v.(*sequence)
	return ok && s.isSeq
}

// norm converts a caller value to the evaluator's form: nil to null, integer and json.Number
// to float64, and arrays item by item (copying only when something changes). Objects are
// normalised when their fields are read.
func norm(v any) any {
	switch x := v.(type) {
	case float64, string, bool, map[string]any, *value.Object, *object, jsonNull:
		return v
	case nil:
		return nullValue
	case []any:
		return normArray(x)
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case int16:
		return float64(x)
	case int8:
		return float64(x)
	case uint64:
		return float64(x)
	case uint:
		return float64(x)
	case uint32:
		return float64(x)
	case uint16:
		return float64(x)
	case uint8:
		return float64(x)
	case float32:
		return float64(x)
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return string(x)
		}
		return f
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return m
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return v
}

func normArray(a []any) []any {
	for i, item := range a {
		n := norm(item)
		if !sameValue(n, item) {
			out := make([]any, len(a))
			copy(out, a[:i])
			out[i] = n
			for j := i + 1; j < len(a); j++ {
				out[j] = norm(a[j])
			}
			return out
		}
	}
	return a
}

// sameValue reports whether norm left a value unchanged (arrays by identity).
func sameValue(n, item any) bool {
	switch x := item.(type) {
	case float64, string, bool, map[string]any, *value.Object, *object, jsonNull, *sequence, tuple:
		return true
	case []any:
		y, ok := n.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return false
}

// isNumber reports whether v is a number.
func isNumber(v any) bool {
	_, ok := v.(float64)
	return ok
}

// isFunction reports whether v is a function value.
func isFunction(v any) bool {
	switch v.(type) {
	case *lambda, *builtin, *hostFunction, *regexMatcher, *partialNative, *chained:
		return true
	}
	return false
}

// typeSymbol is the signature symbol of a value: m stands for a missing (undefined) value.
func typeSymbol(v any) byte {
	switch x := v.(type) {
	case nil:
		return 'm'
	case string:
		return 's'
	case float64:
		return 'n'
	case bool:
		return 'b'
	case jsonNull:
		return 'l'
	case []any, *sequence:
		return 'a'
	case *object, map[string]any, *value.Object, tuple:
		return 'o'
	default:
		if isFunction(x) {
			return 'f'
		}
	}
	return 'm'
}

// truthy is $boolean: the effective boolean value of a defined value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil, jsonNull:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0
	case []any:
		return truthyArray(x)
	case *sequence:
		return truthyArray(x.items)
	case *object:
		return len(x.keys) > 0
	case map[string]any:
		return len(x) > 0
	case *value.Object:
		return x.Len() > 0
	}
	return false
}

func truthyArray(a []any) bool {
	if len(a) == 1 {
		return truthy(a[0])
	}
	for _, item := range a {
		if truthy(item) {
			return true
		}
	}
	return false
}

// deepEqual is JSONata equality: values of the same type with the same content.
func deepEqual(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case jsonNull:
		_, ok := b.(jsonNull)
		return ok
	case nil:
		return b == nil
	}
	if xa, ok := arrayItems(a); ok {
		ya, ok := arrayItems(b)
		if !ok || len(xa) != len(ya) {
			return false
		}
		for i := range xa {
			if !deepEqual(norm(xa[i]), norm(ya[i])) {
				return false
			}
		}
		return true
	}
	if isObject(a) {
		if !isObject(b) || objectLen(a) != objectLen(b) {
			return false
		}
		for k, av := range members(a) {
			bv, ok := field(b, k)
			if !ok || !deepEqual(av, bv) {
				return false
			}
		}
		return true
	}
	// functions are equal only to themselves
	return isFunction(a) && isFunction(b) && a == b
}

// checkNumber rejects the numbers JSON cannot hold, as jsonata-js's isNumeric does.
func checkNumber(f float64) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return newError("D1001", -1, "", f)
	}
	return nil
}

// normKnown normalises a caller value of a type the evaluator does not use directly (int64,
// json.Number, ...); ok is false for types with no JSON meaning.
func normKnown(v any) (any, bool) {
	switch v.(type) {
	case nil, float64, string, bool, map[string]any, *value.Object, *object, jsonNull, []any, *sequence:
		return v, false
	}
	n := norm(v)
	switch n.(type) {
	case float64, string, bool, map[string]any, []any:
		return n, true
	}
	return nil, false
}

// samePointer reports whether two maps are the same map.
func samePointer(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}
