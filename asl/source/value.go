package source

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/value"
)

// Decode parses JSON text into the values the interpreter works on (objects as *value.Object, []any,
// int64, float64, string, bool, nil), keeping integers exact.
func Decode(data []byte) (any, error) {
	v, _, err := DecodeSized(data)
	return v, err
}

// DecodePlain is Decode with objects as map[string]any, for documents that Go code reads as maps
// (configuration files, the resources' requests and answers).
func DecodePlain(data []byte) (any, error) {
	d := decoder{data: data, maps: true}
	v, _, err := d.decode()
	return v, err
}

// DecodeString is Decode on a string.
func DecodeString(s string) (any, error) { return Decode([]byte(s)) }

// DecodeSized is Decode, and also the size of the value's compact JSON text as value.Size counts it,
// worked out in the same pass, so that an execution's input costs nothing more to check against the
// payload limit. The size is -1 when the pass cannot tell it: an object with a key given twice (the last
// one stands, so the text overstates the value).
//
// It accepts exactly what encoding/json.Valid accepts, and its errors are encoding/json's. Numbers come
// out as int64 where exact, float64, or json.Number past both (see number); strings keep their
// bytes, and escaped surrogate pairs make one character, as in encoding/json.
func DecodeSized(data []byte) (v any, size int, err error) {
	d := decoder{data: data}
	return d.decode()
}

func (d *decoder) decode() (v any, size int, err error) {
	data := d.data
	d.space()
	v, size, ok := d.value(0)
	if d.space(); ok && d.i == len(data) {
		if d.dup {
			size = -1
		}
		return v, size, nil
	}
	// encoding/json says what is wrong and where. (Were it to take the text, the fault would be ours.)
	if err = json.Unmarshal(data, new(any)); err == nil {
		err = errors.New("invalid JSON")
	}
	return nil, 0, err
}

// maxDepth is encoding/json's limit on nesting, past which it calls a text invalid.
const maxDepth = 10000

// decoder reads one JSON text. Its methods return a value and its compact size, or ok false at the
// first byte that is not JSON (the caller then asks encoding/json for the error).
type decoder struct {
	data []byte
	i    int
	// items holds the elements of the arrays being read, innermost last.
	items []any
	// members holds the members of the objects being read, innermost last.
	members []value.Member
	buf     []byte
	// keys holds one copy of each short key read so far.
	keys  map[string]string
	order keyOrder
	// maps: objects are made maps.
	maps bool
	// dup: some object had a key twice, so the sizes counted from the text are too large.
	dup bool
}

func (d *decoder) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, int, bool) {
	if d.i >= len(d.data) {
		return nil, 0, false
	}
	switch c := d.data[d.i]; c {
	case '{':
		return d.object(depth + 1)
	case '[':
		return d.array(depth + 1)
	case '"':
		return d.str()
	case 't':
		return true, 4, d.literal("true")
	case 'f':
		return false, 5, d.literal("false")
	case 'n':
		return nil, 4, d.literal("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return d.number()
		}
		return nil, 0, false
	}
}

func (d *decoder) literal(word string) bool {
	if len(d.data)-d.i < len(word) || string(d.data[d.i:d.i+len(word)]) != word {
		return false
	}
	d.i += len(word)
	return true
}

func (d *decoder) object(depth int) (any, int, bool) {
	if depth > maxDepth {
		return nil, 0, false
	}
	d.i++
	base := len(d.members)
	size := 2
	d.space()
	if d.i < len(d.data) && d.data[d.i] == '}' {
		d.i++
		if d.maps {
			return map[string]any{}, size, true
		}
		return value.NewObject(nil), size, true
	}
	for {
		if d.i >= len(d.data) || d.data[d.i] != '"' {
			return nil, 0, false
		}
		k, ks, ok := d.key()
		if !ok {
			return nil, 0, false
		}
		if d.space(); d.i >= len(d.data) || d.data[d.i] != ':' {
			return nil, 0, false
		}
		d.i++
		d.space()
		v, vs, ok := d.value(depth)
		if !ok {
			return nil, 0, false
		}
		d.members = append(d.members, value.Member{Key: k, Value: v})
		size += ks + 1 + vs
		more, ok := d.next('}')
		if !ok {
			return nil, 0, false
		}
		if !more {
			v, n := d.made(base)
			d.dup = d.dup || n < len(d.members)-base
			clear(d.members[base:]) // the scratch must not keep the values alive
			d.members = d.members[:base]
			return v, size, true
		}
		size++ // the comma
	}
}

// made is the object of the members read from base on, and its number of members.
func (d *decoder) made(base int) (any, int) {
	if d.maps {
		m := make(map[string]any, len(d.members)-base)
		for _, e := range d.members[base:] {
			m[e.Key] = e.Value
		}
		return m, len(m)
	}
	src := d.members[base:]
	members := make([]value.Member, len(src))
	if d.order.fits(src) {
		for i, p := range d.order.places {
			members[i] = src[p]
		}
	} else {
		copy(members, src)
		if len(d.data) >= minKeeping { // a small document repeats few objects
			d.order.learn(src)
		}
	}
	o := value.NewObject(members)
	return o, o.Len()
}

// keyOrder remembers the keys of the last object read out of key order, and where each of its members
// goes in key order: the records of an array share their keys, so that most objects are put in order
// without a sort.
type keyOrder struct {
	keys   []string
	places []int
}

func (k *keyOrder) fits(src []value.Member) bool {
	if len(src) != len(k.keys) || len(src) == 0 {
		return false
	}
	for i := range src {
		if src[i].Key != k.keys[i] {
			return false
		}
	}
	return true
}

// learn remembers src's order if its keys are out of order.
func (k *keyOrder) learn(src []value.Member) {
	if slices.IsSortedFunc(src, func(a, b value.Member) int { return strings.Compare(a.Key, b.Key) }) {
		return
	}
	k.keys, k.places = k.keys[:0], k.places[:0]
	for i, m := range src {
		k.keys = append(k.keys, m.Key)
		k.places = append(k.places, i)
	}
	slices.SortStableFunc(k.places, func(a, b int) int { return strings.Compare(k.keys[a], k.keys[b]) })
}

func (d *decoder) array(depth int) (any, int, bool) {
	if depth > maxDepth {
		return nil, 0, false
	}
	d.i++
	base := len(d.items)
	size := 2
	d.space()
	if d.i < len(d.data) && d.data[d.i] == ']' {
		d.i++
		return []any{}, size, true
	}
	for {
		v, vs, ok := d.value(depth)
		if !ok {
			return nil, 0, false
		}
		d.items = append(d.items, v)
		size += vs
		more, ok := d.next(']')
		if !ok {
			return nil, 0, false
		}
		if !more {
			a := make([]any, len(d.items)-base)
			copy(a, d.items[base:])
			clear(d.items[base:]) // the scratch must not keep the values alive
			d.items = d.items[:base]
			return a, size, true
		}
		size++ // the comma
	}
}

// next reads what follows a member or an element: a comma and the space after it (more), or close.
func (d *decoder) next(close byte) (more, ok bool) {
	if d.space(); d.i >= len(d.data) {
		return false, false
	}
	switch d.data[d.i] {
	case ',':
		d.i++
		d.space()
		return true, true
	case close:
		d.i++
		return false, true
	}
	return false, false
}

// str reads the string at d.i, its opening quote.
func (d *decoder) str() (string, int, bool) {
	start := d.i + 1
	return d.strFrom(start, d.plain(start))
}

// key reads an object's key, the string at d.i. Documents repeat their keys (an array of records), so
// the decoder keeps one copy of each short one.
func (d *decoder) key() (string, int, bool) {
	start := d.i + 1
	j := d.plain(start)
	if j == len(d.data) || d.data[j] != '"' || j-start > maxKept || len(d.data) < minKeeping {
		return d.strFrom(start, j)
	}
	d.i = j + 1
	if k, ok := d.keys[string(d.data[start:j])]; ok {
		return k, j - start + 2, true
	}
	k := string(d.data[start:j])
	if len(d.keys) < maxKeys {
		if d.keys == nil {
			d.keys = map[string]string{}
		}
		d.keys[k] = k
	}
	return k, j - start + 2, true
}

// plain finds the end of the run of plain bytes from start: all but the quote, the backslash and the
// control characters, which stand for themselves in the value and in its compact text.
func (d *decoder) plain(start int) int {
	j := start
	for j < len(d.data) && d.data[j] >= 0x20 && d.data[j] != '"' && d.data[j] != '\\' {
		j++
	}
	return j
}

// strFrom reads the rest of the string that starts at start, whose plain bytes run to j.
func (d *decoder) strFrom(start, j int) (string, int, bool) {
	if j < len(d.data) && d.data[j] == '"' {
		d.i = j + 1
		return string(d.data[start:j]), j - start + 2, true
	}
	return d.escaped(start, j)
}

// maxKept and maxKeys bound the keys a decoder keeps: a document of many distinct keys is not worth it;
// nor is a document under minKeeping bytes, which repeats few.
const (
	maxKept    = 64
	maxKeys    = 4096
	minKeeping = 4096
)

// escaped reads the rest of a string that has escapes, from j, the first byte that is not plain.
func (d *decoder) escaped(start, j int) (string, int, bool) {
	buf := append(d.buf[:0], d.data[start:j]...)
	for j < len(d.data) {
		switch c := d.data[j]; {
		case c == '"':
			d.i, d.buf = j+1, buf
			s := string(buf)
			return s, value.StringSize(s), true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			buf = append(buf, c)
			j++
			continue
		}
		if j+1 >= len(d.data) {
			return "", 0, false
		}
		switch e := d.data[j+1]; {
		case shortEscape(e) != 0:
			buf = append(buf, shortEscape(e))
		case e == 'u':
			r, ok := hex4(d.data[j+2:])
			if !ok {
				return "", 0, false
			}
			j += 4
			if utf16IsHigh(r) {
				if low, ok := lowSurrogate(d.data[j+2:]); ok {
					r = (r-0xd800)<<10 | (low - 0xdc00) + 0x10000
					j += 6
				}
			}
			buf = utf8.AppendRune(buf, r) // a lone surrogate becomes U+FFFD, as in encoding/json
		default:
			return "", 0, false
		}
		j += 2
	}
	return "", 0, false
}

// number reads a number as RFC 8259 writes it: an integer that int64 holds as int64, another number
// that float64 holds (rounded) as float64, and a number too large or too small for either as the
// json.Number of its text, so that it is written back as it came.
func (d *decoder) number() (any, int, bool) {
	start := d.i
	neg := d.data[d.i] == '-'
	if neg {
		d.i++
	}
	intStart := d.i
	switch {
	case d.i < len(d.data) && d.data[d.i] == '0':
		d.i++
	case d.i < len(d.data) && d.data[d.i] >= '1' && d.data[d.i] <= '9':
		d.digits()
	default:
		return nil, 0, false
	}
	intEnd := d.i
	if d.i < len(d.data) && d.data[d.i] == '.' {
		d.i++
		if d.digits() == 0 {
			return nil, 0, false
		}
	}
	if d.i < len(d.data) && (d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		d.i++
		if d.i < len(d.data) && (d.data[d.i] == '+' || d.data[d.i] == '-') {
			d.i++
		}
		if d.digits() == 0 {
			return nil, 0, false
		}
	}
	tok := d.data[start:d.i]
	if d.i == intEnd {
		if intEnd-intStart <= 18 { // no overflow: read here, at a third of ParseInt's cost
			var n int64
			for _, c := range d.data[intStart:intEnd] {
				n = n*10 + int64(c-'0')
			}
			if neg {
				n = -n
			}
			if n == 0 {
				return n, 1, true // -0 is written 0
			}
			return n, len(tok), true
		}
		if n, err := strconv.ParseInt(string(tok), 10, 64); err == nil {
			return n, len(tok), true
		}
		return json.Number(tok), len(tok), true
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil { // too large or too small for float64: kept as written
		return json.Number(tok), len(tok), true
	}
	return f, value.Size(f, math.MaxInt), true
}

// digits skips a run of decimal digits and says how long it was.
func (d *decoder) digits() int {
	start := d.i
	for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
		d.i++
	}
	return d.i - start
}
