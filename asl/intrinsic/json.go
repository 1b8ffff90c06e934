package intrinsic

import (
	"encoding/json"
	"io"
	"maps"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/ohler55/ojg/oj"
)

// stringToJSON is States.StringToJson. A blank string gives null, as on AWS. Integers come back as int64
// (json.Number beyond int64), other numbers as float64, like the documents ojg reads.
func stringToJSON(c *Call, args []any) (any, error) {
	s := args[0].(string)
	if strings.TrimLeft(s, " \t\n\r") == "" {
		return nil, nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, c.fn.invalid()
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, c.fn.invalid()
	}
	v, ok := numbers(v)
	if !ok {
		return nil, c.fn.invalid()
	}
	return v, nil
}

// numbers replaces the json.Numbers of a freshly decoded value; ok is false for a number no float64
// holds.
func numbers(v any) (any, bool) {
	switch x := v.(type) {
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			f, err := strconv.ParseFloat(string(x), 64)
			return f, err == nil
		}
		if i, err := x.Int64(); err == nil {
			return i, true
		}
		return x, true
	case []any:
		for i, e := range x {
			var ok bool
			if x[i], ok = numbers(e); !ok {
				return nil, false
			}
		}
	case map[string]any:
		for k, e := range x {
			var ok bool
			if x[k], ok = numbers(e); !ok {
				return nil, false
			}
		}
	}
	return v, true
}

// jsonToString is States.JsonToString: compact JSON as Jackson writes it (a Double as Java prints it,
// 100.0 and 1.0E20). Object keys are sorted: neither Go maps nor value.Objects keep the input's order,
// which AWS keeps.
func jsonToString(_ *Call, args []any) (any, error) {
	return string(appendJSON(nil, args[0])), nil
}

func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return value.AppendJacksonString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b = append(b, ',')
			}
			b = value.AppendJacksonString(b, k)
			b = append(b, ':')
			b = appendJSON(b, x[k])
		}
		return append(b, '}')
	case *value.Object:
		b = append(b, '{')
		for i, m := range x.Members() {
			if i > 0 {
				b = append(b, ',')
			}
			b = value.AppendJacksonString(b, m.Key)
			b = append(b, ':')
			b = appendJSON(b, m.Value)
		}
		return append(b, '}')
	case nil, bool:
		return appendScalar(b, x)
	}
	if _, ok := toNumber(v); ok {
		return appendScalar(b, v)
	}
	return append(b, oj.JSON(v)...) // not an ojg generic value; no intrinsic produces one
}

// jsonMerge is States.JsonMerge: a new object with the keys of the first, then those of the second
// (shallow: a nested object of the second replaces that of the first). The result is a value.Object,
// the compact form, unless both are maps: Go code that merges maps gets a map.
func jsonMerge(_ *Call, args []any) (any, error) {
	a, aMap := args[0].(map[string]any)
	b, bMap := args[1].(map[string]any)
	if aMap && bMap {
		out := make(map[string]any, len(a)+len(b))
		maps.Copy(out, a)
		maps.Copy(out, b)
		return out, nil
	}
	na, _ := value.Len(args[0])
	nb, _ := value.Len(args[1])
	members := appendMembers(make([]value.Member, 0, na+nb), args[0])
	// NewObject sorts stably and keeps the last of a key given twice: the second object's.
	return value.NewObject(appendMembers(members, args[1])), nil
}

// appendMembers appends the members of the object v, in no particular order.
func appendMembers(members []value.Member, v any) []value.Member {
	if o, ok := v.(*value.Object); ok {
		return append(members, o.Members()...)
	}
	for k, e := range v.(map[string]any) {
		members = append(members, value.Member{Key: k, Value: e})
	}
	return members
}
