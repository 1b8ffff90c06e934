package intrinsic

import (
	"math"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf16"

	"github.com/aslrun/aslrun/asl/value"
)

// AWS evaluates intrinsics in Java on plain Java values (Map, List, Integer, Long, BigInteger, Double,
// String, Boolean, null). Several results show it: States.Format renders {"Arg1":1,"Arg2":[]} as
// "{Arg1=1, Arg2=[]}" (String.valueOf), States.ArrayContains finds true in ["true"], and
// States.ArrayUnique returns the distinct values in HashSet order. This file reproduces those Java
// behaviours on ojg values.

// javaString renders v as Java's String.valueOf renders the value AWS holds for it. Objects (maps and
// value.Objects) keep no key order, so keys come out sorted where Java would keep the input order.
func javaString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(appendJavaString(nil, v))
}

func appendJavaString(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return append(b, x...)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJavaString(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, k...)
			b = append(b, '=')
			b = appendJavaString(b, x[k])
		}
		return append(b, '}')
	case *value.Object:
		b = append(b, '{')
		for i, m := range x.Members() {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, m.Key...)
			b = append(b, '=')
			b = appendJavaString(b, m.Value)
		}
		return append(b, '}')
	}
	return appendScalar(b, v)
}

// appendScalar writes null, booleans and numbers the way both String.valueOf and Jackson write them.
func appendScalar(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	}
	if n, ok := toNumber(v); ok {
		switch {
		case n.big != "":
			return append(b, n.big...)
		case n.isInt:
			return strconv.AppendInt(b, n.i, 10)
		}
		return append(b, javaDouble(n.f)...)
	}
	return append(b, "null"...)
}

// sortedKeys orders a map's keys as an Object's members are ordered (by bytes), so that both forms of
// an object render alike.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// javaDouble formats f as Java's Double.toString (value.AppendDouble).
func javaDouble(f float64) string { return string(value.AppendDouble(nil, f)) }

// utf16Len is Java's String.length(): the limits AWS documents in characters count UTF-16 units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// javaHash is hashCode() of the Java value AWS holds for v.
func javaHash(v any) int32 {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		var h int32
		for _, u := range utf16.Encode([]rune(x)) {
			h = 31*h + int32(u)
		}
		return h
	case bool:
		if x {
			return 1231
		}
		return 1237
	case []any:
		h := int32(1)
		for _, e := range x {
			h = 31*h + javaHash(e)
		}
		return h
	case map[string]any:
		var h int32
		for k, e := range x {
			h += javaHash(k) ^ javaHash(e)
		}
		return h
	case *value.Object:
		var h int32
		for _, m := range x.Members() {
			h += javaHash(m.Key) ^ javaHash(m.Value)
		}
		return h
	}
	n, _ := toNumber(v)
	if n.big != "" {
		b, _ := new(big.Int).SetString(n.big, 10)
		return bigIntegerHash(b)
	}
	if !n.isInt {
		bits := math.Float64bits(n.f)
		if math.IsNaN(n.f) {
			bits = 0x7ff8000000000000 // doubleToLongBits canonicalises NaN
		}
		return int32(bits ^ bits>>32)
	}
	if n.i == int64(int32(n.i)) {
		return int32(n.i) // Integer
	}
	return int32(n.i ^ int64(uint64(n.i)>>32)) // Long
}

// bigIntegerHash is BigInteger.hashCode: the magnitude's 32-bit words, most significant first.
func bigIntegerHash(n *big.Int) int32 {
	mag := new(big.Int).Abs(n).Bytes()
	for len(mag)%4 != 0 {
		mag = append([]byte{0}, mag...)
	}
	var h int32
	for i := 0; i < len(mag); i += 4 {
		h = 31*h + int32(uint32(mag[i])<<24|uint32(mag[i+1])<<16|uint32(mag[i+2])<<8|uint32(mag[i+3]))
	}
	return h * int32(n.Sign())
}

// javaEqual is equals() of the Java values AWS holds for a and b: an Integer never equals a Double,
// objects are equal whatever their key order, and whether maps or value.Objects hold them.
func javaEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, javaEqual)
	case map[string]any:
		if n, ok := value.Len(b); !ok || n != len(x) {
			return false
		}
		for k, e := range x {
			f, ok := value.Field(b, k)
			if !ok || !javaEqual(e, f) {
				return false
			}
		}
		return true
	case *value.Object:
		if n, ok := value.Len(b); !ok || n != x.Len() {
			return false
		}
		for _, m := range x.Members() {
			f, ok := value.Field(b, m.Key)
			if !ok || !javaEqual(m.Value, f) {
				return false
			}
		}
		return true
	}
	m, ok1 := toNumber(a)
	n, ok2 := toNumber(b)
	if !ok1 || !ok2 || m.isInt != n.isInt {
		return false
	}
	if m.isInt {
		return m.i == n.i && m.big == n.big
	}
	return math.Float64bits(m.f) == math.Float64bits(n.f) || (math.IsNaN(m.f) && math.IsNaN(n.f))
}

// hashSetOrder returns the distinct values of a (by javaEqual) in the order a java.util.HashSet built
// with new HashSet<>(a) iterates them: by bucket, then by insertion within a bucket. AWS returned
// [false, true] for [true, false, true, false] and [[2,1],[1,2]] for [[1,2],[1,2],[2,1]].
func hashSetOrder(a []any) []any {
	type entry struct {
		v any
		h int32
	}
	var uniq []entry
	seen := map[int32][]int{}
	for _, v := range a {
		h := javaHash(v)
		if slices.ContainsFunc(seen[h], func(i int) bool { return javaEqual(uniq[i].v, v) }) {
			continue
		}
		seen[h] = append(seen[h], len(uniq))
		uniq = append(uniq, entry{v, h})
	}
	// HashSet(Collection) sizes its table for the whole collection: no resize happens while adding.
	table := tableSizeFor(max(int(float32(len(a))/0.75)+1, 16))
	bucket := func(h int32) uint32 { u := uint32(h); return (u ^ u>>16) & uint32(table-1) }
	slices.SortStableFunc(uniq, func(x, y entry) int { return int(bucket(x.h)) - int(bucket(y.h)) })
	out := make([]any, len(uniq))
	for i, e := range uniq {
		out[i] = e.v
	}
	return out
}

// tableSizeFor is HashMap.tableSizeFor: the power of two at or above n, at most 1<<30.
func tableSizeFor(n int) int {
	size := 1
	for size < n && size < 1<<30 {
		size <<= 1
	}
	return size
}
