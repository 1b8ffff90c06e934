package value

import (
	"encoding/json"
	"slices"
	"strconv"
	"unsafe"

	"github.com/ohler55/ojg"
	"github.com/ohler55/ojg/oj"
)

// A Writer writes values as compact JSON text with the members of objects in key order and strings as AWS
// writes them (AppendJacksonString), so that a value written is as long as Size counts it. Numbers are
// written as oj and encoding/json write them. It reuses its scratch space: one per goroutine. Its zero
// value is ready.
type Writer struct {
	// keys holds the sorted keys of the objects being written, by depth.
	keys [][]string
	// wr writes what is not one of the generic values; init: it is set up.
	wr   oj.Writer
	init bool
}

// JSON is v's compact JSON text, as a Writer writes it.
func JSON(v any) string {
	var w Writer
	b := w.Append(nil, v)
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is not kept: no copy of a text that may be megabytes
}

// Append appends v's JSON text to b.
func (w *Writer) Append(b []byte, v any) []byte { return w.append(b, v, 0) }

func (w *Writer) append(b []byte, v any, depth int) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case json.Number:
		return append(b, x...)
	case string:
		return AppendJacksonString(b, x)
	case []any:
		if len(x) == 0 {
			return append(b, "[]"...)
		}
		b = grow(b)
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = w.append(b, e, depth+1)
		}
		return append(b, ']')
	case map[string]any:
		for len(w.keys) <= depth {
			w.keys = append(w.keys, nil)
		}
		keys := w.keys[depth][:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		w.keys[depth] = keys
		b = grow(b)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJacksonString(b, k)
			b = append(b, ':')
			b = w.append(b, x[k], depth+1)
		}
		return append(b, '}')
	case *Object:
		b = grow(b)
		b = append(b, '{')
		for i, m := range x.members {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJacksonString(b, m.Key)
			b = append(b, ':')
			b = w.append(b, m.Value, depth+1)
		}
		return append(b, '}')
	}
	if !w.init {
		w.wr = oj.Writer{Options: ojg.Options{Sort: true}}
		w.init = true
	}
	return append(b, w.wr.JSON(v)...) // nothing for what oj cannot write (it recovers), as oj.JSON did
}

// grow doubles b's capacity when little is left, where append would grow a large b by a quarter at a time
// and copy it each time.
func grow(b []byte) []byte {
	if cap(b)-len(b) < 512 {
		b = slices.Grow(b, max(cap(b), 1024))
	}
	return b
}
