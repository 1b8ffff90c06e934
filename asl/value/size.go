// Package value holds helpers for the JSON values states pass around (ojg's generic values): one place
// for what the interpreter and the Map Run both need.
package value

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Size is the length of v's compact JSON text, counted without writing it. It stops counting once
// the size passes limit, so a huge payload costs no more than the limit to check.
func Size(v any, limit int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch x := v.(type) {
		case nil:
			n += 4
		case bool:
			if x {
				n += 4
			} else {
				n += 5
			}
		case string:
			n += stringSize(x)
		case int64:
			n += len(strconv.FormatInt(x, 10))
		case float64:
			n += len(strconv.FormatFloat(x, 'g', -1, 64))
		case []any:
			n += 2 + max(len(x)-1, 0)
			for _, it := range x {
				walk(it)
			}
		case map[string]any:
			n += 2 + max(len(x)-1, 0)
			for k, it := range x {
				n += stringSize(k) + 1
				walk(it)
			}
		default:
			b, _ := json.Marshal(x)
			n += len(b)
		}
	}
	walk(v)
	return n
}

// stringSize is the length of s as a JSON string: quotes, and escapes for what must be escaped.
func stringSize(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
			n += 2
			i++
		case c < 0x20:
			n += 6
			i++
		case c < utf8.RuneSelf:
			n++
			i++
		default:
			_, w := utf8.DecodeRuneInString(s[i:])
			n += w
			i += w
		}
	}
	return n
}
