package value

import (
	"bytes"
	"encoding/json"
	"math"
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
		return AppendDouble(b, x)
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

// AppendDouble appends f as AWS writes a double (Jackson, Java's Double.toString): plain notation with at
// least one decimal for 1e-3 <= |f| < 1e7 (100.0, 0.001), otherwise d.dddE[-]n (1.0E21, 1.5E-10); the
// shortest digits that read back as f. AWS keeps a number written with a fraction or an exponent as a
// double: a Lambda function's 0.0 comes back 0.0 (recorded in ../shared/conformance-aws, lambda_task).
func AppendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		if bytes.IndexByte(b[start:], '.') < 0 {
			b = append(b, ".0"...)
		}
		return b
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], f, 'E', -1, 64) // 1.5E+20, 1E-04
	e := bytes.IndexByte(s, 'E')
	b = append(b, s[:e]...)
	if bytes.IndexByte(s[:e], '.') < 0 {
		b = append(b, ".0"...)
	}
	b = append(b, 'E')
	if s[e+1] == '-' {
		b = append(b, '-')
	}
	return append(b, bytes.TrimLeft(s[e+2:], "0")...)
}

// grow doubles b's capacity when little is left, where append would grow a large b by a quarter at a time
// and copy it each time.
func grow(b []byte) []byte {
	if cap(b)-len(b) < 512 {
		b = slices.Grow(b, max(cap(b), 1024))
	}
	return b
}
