package jsonata

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/value"
)

// toStringValue is $string without the pretty option: strings unchanged, functions empty, the
// rest as JSON.
func toStringValue(v any, m *meter) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", newError("D3001", -1, "", x)
		}
	}
	if isFunction(v) {
		return "", nil
	}
	return stringify(v, false, m)
}

// stringify renders a value as JSON.stringify does with jsonata-js's replacer: numbers to
// 15 significant digits, functions as "", undefined left out of objects and null in arrays. The
// text is charged to m, and the rendering stops once it would not fit.
func stringify(v any, pretty bool, m *meter) (string, error) {
	var b strings.Builder
	if err := writeJSON(&b, v, pretty, 0, m); err != nil {
		return "", err
	}
	if !m.charge(b.Cap()) {
		return "", m.err
	}
	return b.String(), nil
}

func writeJSON(b *strings.Builder, v any, pretty bool, indent int, m *meter) error {
	if !m.reserve(b, 64) {
		return m.err
	}
	switch x := v.(type) {
	case nil, jsonNull:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return newError("D1001", -1, "", x)
		}
		if x != math.Trunc(x) {
			x = toPrecision15(x)
		}
		b.WriteString(formatJSNumber(x))
	case string:
		if !m.reserve(b, len(x)+2) {
			return m.err
		}
		writeJSONString(b, x)
	case []any:
		return writeJSONArray(b, x, pretty, indent, m)
	case *sequence:
		return writeJSONArray(b, x.items, pretty, indent, m)
	case *object, map[string]any, *value.Object:
		first := true
		b.WriteByte('{')
		for k, val := range members(x) {
			if val == nil {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			newline(b, pretty, indent+1)
			writeJSONString(b, k)
			b.WriteByte(':')
			if pretty {
				b.WriteByte(' ')
			}
			if err := writeJSON(b, val, pretty, indent+1, m); err != nil {
				return err
			}
		}
		if !first {
			newline(b, pretty, indent)
		}
		b.WriteByte('}')
	default:
		if isFunction(v) {
			b.WriteString(`""`)
			return nil
		}
		// a caller value the evaluator does not know: render it normalised
		if n, ok := normKnown(v); ok {
			return writeJSON(b, n, pretty, indent, m)
		}
		b.WriteString("null")
	}
	return nil
}

func writeJSONArray(b *strings.Builder, items []any, pretty bool, indent int, m *meter) error {
	b.WriteByte('[')
	for i, item := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		newline(b, pretty, indent+1)
		// not normalised here: norm walks a nested array whole, and writeJSON normalises what
		// it does not know
		if err := writeJSON(b, item, pretty, indent+1, m); err != nil {
			return err
		}
	}
	if len(items) > 0 {
		newline(b, pretty, indent)
	}
	b.WriteByte(']')
	return nil
}

func newline(b *strings.Builder, pretty bool, indent int) {
	if pretty {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", indent))
	}
}

func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				if c < 0x20 {
					b.WriteString(`\u00`)
					b.WriteString(strconv.FormatInt(int64(c)>>4, 16))
					b.WriteString(strconv.FormatInt(int64(c)&15, 16))
				} else {
					b.WriteByte(c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
