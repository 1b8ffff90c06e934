package eventbridge

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"github.com/aslrun/aslrun/asl/value"
)

// Pattern is a compiled EventBridge event pattern
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html):
// every field of the pattern must match (an array of values or filters matches when any of them does),
// "$or" matches when any of its patterns does. Filters: exact values (strings, numbers by value, true,
// false, null), prefix, suffix, equals-ignore-case, wildcard, anything-but (a value, a list, or prefix,
// suffix, equals-ignore-case, wildcard), numeric ranges, exists and cidr. Like EventBridge, arrays in the
// event are flattened: a field matches when any of its values does.
type Pattern struct {
	text string // the pattern as given, compact and sorted
	root *group
}

// group is one object of a pattern: all of its conditions hold and, for each $or, one of its groups does.
type group struct {
	fields []condition
	ors    [][]*group
}

// condition is a leaf of the pattern: the values at path must match one of the filters.
type condition struct {
	path    []string
	filters []filter
}

// filter matches one value of the event; absent is asked of a field the event lacks.
type filter interface {
	match(v any) bool
	absent() bool
}

// CompilePattern reads an event pattern given as a JSON object (or its text).
func CompilePattern(v any) (*Pattern, error) {
	if s, ok := v.(string); ok {
		var parsed any
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			return nil, fmt.Errorf("the event pattern is not JSON: %v", err)
		}
		v = parsed
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the event pattern must be a JSON object, not %s", value.JSON(v))
	}
	root, err := compileGroup(obj, nil)
	if err != nil {
		return nil, fmt.Errorf("the event pattern is not valid: %w", err)
	}
	return &Pattern{text: value.JSON(obj), root: root}, nil
}

// String is the pattern as JSON.
func (p *Pattern) String() string { return p.text }

// Match reports whether the event (a generic JSON value) matches.
func (p *Pattern) Match(event map[string]any) bool { return p.root.match(event) }

func compileGroup(obj map[string]any, path []string) (*group, error) {
	if len(obj) == 0 {
		return nil, fmt.Errorf("%s is an empty object", where(path))
	}
	g := &group{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		if k == "$or" {
			list, ok := v.([]any)
			if !ok || len(list) < 2 {
				return nil, fmt.Errorf(`"$or" at %s must be an array of at least two patterns`, where(path))
			}
			alts := make([]*group, len(list))
			for i, e := range list {
				o, ok := e.(map[string]any)
				if !ok {
					return nil, fmt.Errorf(`"$or"[%d] at %s must be an object`, i, where(path))
				}
				alt, err := compileGroup(o, path)
				if err != nil {
					return nil, err
				}
				alts[i] = alt
			}
			g.ors = append(g.ors, alts)
			continue
		}
		sub := append(append([]string(nil), path...), k)
		switch t := v.(type) {
		case map[string]any:
			inner, err := compileGroup(t, sub)
			if err != nil {
				return nil, err
			}
			g.fields = append(g.fields, inner.fields...)
			g.ors = append(g.ors, inner.ors...)
		case []any:
			if len(t) == 0 {
				return nil, fmt.Errorf("%s is an empty array, which matches nothing", where(sub))
			}
			c := condition{path: sub}
			for _, e := range t {
				f, err := compileFilter(e)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", where(sub), err)
				}
				c.filters = append(c.filters, f)
			}
			g.fields = append(g.fields, c)
		default:
			return nil, fmt.Errorf("%s must be an object or an array of values and filters, not %s", where(sub), value.JSON(v))
		}
	}
	return g, nil
}

func where(path []string) string {
	if len(path) == 0 {
		return "the top level"
	}
	return fmt.Sprintf("%q", strings.Join(path, "."))
}

func (g *group) match(event map[string]any) bool {
	for _, c := range g.fields {
		if !c.match(event) {
			return false
		}
	}
	for _, alts := range g.ors {
		found := false
		for _, alt := range alts {
			if alt.match(event) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (c condition) match(event map[string]any) bool {
	values, present := leaves(event, c.path)
	for _, f := range c.filters {
		if !present {
			if f.absent() {
				return true
			}
			continue
		}
		for _, v := range values {
			if f.match(v) {
				return true
			}
		}
	}
	return false
}

// leaves collects the values at path, arrays flattened; present is false when there is none (a missing
// field, an empty array, or an object where a value was wanted: exists matches leaves only).
func leaves(v any, path []string) ([]any, bool) {
	cur := []any{v}
	for _, k := range path {
		var next []any
		for _, c := range flatten(cur) {
			if m, ok := c.(map[string]any); ok {
				if e, ok := m[k]; ok {
					next = append(next, e)
				}
			}
		}
		cur = next
	}
	var out []any
	for _, e := range flatten(cur) {
		if _, isObject := e.(map[string]any); !isObject {
			out = append(out, e)
		}
	}
	return out, len(out) > 0
}

func flatten(vs []any) []any {
	var out []any
	for _, v := range vs {
		if a, ok := v.([]any); ok {
			out = append(out, flatten(a)...)
			continue
		}
		out = append(out, v)
	}
	return out
}

// Filters.

type exact struct{ v any }

func (f exact) match(v any) bool {
	if a, ok := number(f.v); ok {
		b, ok := number(v)
		return ok && a == b
	}
	return f.v == v
}
func (exact) absent() bool { return false }

type stringFilter func(string) bool

func (f stringFilter) match(v any) bool {
	s, ok := v.(string)
	return ok && f(s)
}
func (stringFilter) absent() bool { return false }

type anythingBut struct{ not filter }

func (f anythingBut) match(v any) bool { return !f.not.match(v) }
func (anythingBut) absent() bool       { return false }

type anyOf []filter

func (f anyOf) match(v any) bool {
	for _, e := range f {
		if e.match(v) {
			return true
		}
	}
	return false
}
func (anyOf) absent() bool { return false }

type exists bool

func (f exists) match(any) bool { return bool(f) }
func (f exists) absent() bool   { return !bool(f) }

type numeric []struct {
	op    string
	value float64
}

func (f numeric) match(v any) bool {
	n, ok := number(v)
	if !ok {
		return false
	}
	for _, c := range f {
		var hold bool
		switch c.op {
		case "=":
			hold = n == c.value
		case "<":
			hold = n < c.value
		case "<=":
			hold = n <= c.value
		case ">":
			hold = n > c.value
		case ">=":
			hold = n >= c.value
		}
		if !hold {
			return false
		}
	}
	return true
}
func (numeric) absent() bool { return false }

func number(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case int:
		return float64(t), true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

func compileFilter(e any) (filter, error) {
	obj, ok := e.(map[string]any)
	if !ok {
		if _, isArray := e.([]any); isArray {
			return nil, errors.New("a value in a pattern array cannot be an array")
		}
		return exact{e}, nil
	}
	if len(obj) != 1 {
		return nil, fmt.Errorf("a filter is an object with one key, not %s", value.JSON(obj))
	}
	for op, arg := range obj {
		switch op {
		case "prefix", "suffix":
			return affix(op, arg)
		case "equals-ignore-case":
			s, ok := arg.(string)
			if !ok {
				return nil, fmt.Errorf(`"equals-ignore-case" takes a string, not %s`, value.JSON(arg))
			}
			return stringFilter(func(v string) bool { return strings.EqualFold(v, s) }), nil
		case "wildcard":
			s, ok := arg.(string)
			if !ok {
				return nil, fmt.Errorf(`"wildcard" takes a string, not %s`, value.JSON(arg))
			}
			return wildcard(s)
		case "anything-but":
			not, err := anythingButOf(arg)
			if err != nil {
				return nil, err
			}
			return anythingBut{not}, nil
		case "numeric":
			return numericOf(arg)
		case "exists":
			b, ok := arg.(bool)
			if !ok {
				return nil, fmt.Errorf(`"exists" takes true or false, not %s`, value.JSON(arg))
			}
			return exists(b), nil
		case "cidr":
			s, _ := arg.(string)
			prefix, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf(`"cidr" takes an IP address range such as 10.0.0.0/24, not %s`, value.JSON(arg))
			}
			return stringFilter(func(v string) bool {
				addr, err := netip.ParseAddr(v)
				return err == nil && prefix.Contains(addr)
			}), nil
		default:
			return nil, fmt.Errorf("unknown filter %q (the filters are prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists and cidr)", op)
		}
	}
	return nil, nil // not reached: obj has one key
}

// affix reads {"prefix": s} or {"prefix": {"equals-ignore-case": s}} (and suffix).
func affix(op string, arg any) (filter, error) {
	ignoreCase := false
	if m, ok := arg.(map[string]any); ok && len(m) == 1 {
		arg, ignoreCase = m["equals-ignore-case"], true
	}
	s, ok := arg.(string)
	if !ok {
		return nil, fmt.Errorf(`%q takes a string or {"equals-ignore-case": string}`, op)
	}
	has := strings.HasPrefix
	if op == "suffix" {
		has = strings.HasSuffix
	}
	if ignoreCase {
		s = strings.ToLower(s)
		return stringFilter(func(v string) bool { return has(strings.ToLower(v), s) }), nil
	}
	return stringFilter(func(v string) bool { return has(v, s) }), nil
}

// wildcard compiles a pattern where * matches any run of characters and \* a literal star.
func wildcard(s string) (filter, error) {
	var re strings.Builder
	re.WriteString(`^(?s:`)
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\'):
			re.WriteString(regexp.QuoteMeta(s[i+1 : i+2]))
			i++
		case s[i] == '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return nil, fmt.Errorf(`"wildcard" %q has consecutive wildcard characters`, s)
			}
			re.WriteString(`.*`)
		default:
			re.WriteString(regexp.QuoteMeta(s[i : i+1]))
		}
	}
	re.WriteString(`)$`)
	r := regexp.MustCompile(re.String()) // built from quoted parts: always valid
	return stringFilter(r.MatchString), nil
}

// anythingButOf reads what anything-but excludes: a value, a list of strings or of numbers, or a prefix,
// suffix, equals-ignore-case or wildcard filter.
func anythingButOf(arg any) (filter, error) {
	switch t := arg.(type) {
	case string, int64, float64, json.Number:
		return exact{t}, nil
	case []any:
		if len(t) == 0 {
			return nil, errors.New(`"anything-but" takes a non-empty list`)
		}
		out := make(anyOf, len(t))
		for i, e := range t {
			switch e.(type) {
			case string, int64, float64, json.Number:
				out[i] = exact{e}
			default:
				return nil, fmt.Errorf(`"anything-but" lists strings or numbers, not %s`, value.JSON(e))
			}
		}
		return out, nil
	case map[string]any:
		if len(t) == 1 {
			for op, v := range t {
				switch op {
				case "prefix", "suffix":
					return affix(op, v)
				case "equals-ignore-case", "wildcard":
					list, isList := v.([]any)
					if !isList {
						list = []any{v}
					}
					out := make(anyOf, len(list))
					for i, e := range list {
						f, err := compileFilter(map[string]any{op: e})
						if err != nil {
							return nil, err
						}
						out[i] = f
					}
					return out, nil
				}
			}
		}
	}
	return nil, fmt.Errorf(`"anything-but" takes a value, a list, or a prefix, suffix, equals-ignore-case or wildcard filter, not %s`,
		value.JSON(arg))
}

// numericOf reads ["=", 5] or up to a lower and an upper bound: [">", 0, "<=", 5].
func numericOf(arg any) (filter, error) {
	list, ok := arg.([]any)
	if !ok || len(list) == 0 || len(list)%2 != 0 || len(list) > 4 {
		return nil, fmt.Errorf(`"numeric" takes [OP, NUMBER] or [OP, NUMBER, OP, NUMBER], not %s`, value.JSON(arg))
	}
	var out numeric
	lower, upper := false, false
	for i := 0; i < len(list); i += 2 {
		op, _ := list[i].(string)
		n, ok := number(list[i+1])
		if !ok {
			return nil, fmt.Errorf(`"numeric": %s is not a number`, value.JSON(list[i+1]))
		}
		switch op {
		case "=":
			if len(list) != 2 {
				return nil, errors.New(`"numeric": "=" stands alone`)
			}
		case ">", ">=":
			if lower {
				return nil, errors.New(`"numeric" has two lower bounds`)
			}
			lower = true
		case "<", "<=":
			if upper {
				return nil, errors.New(`"numeric" has two upper bounds`)
			}
			upper = true
		default:
			return nil, fmt.Errorf(`"numeric": unknown operator %s (=, <, <=, >, >=)`, value.JSON(list[i]))
		}
		out = append(out, struct {
			op    string
			value float64
		}{op, n})
	}
	return out, nil
}
