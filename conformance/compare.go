package conformance

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// compare lists where got differs from want: numbers compare numerically, booleans are never numbers,
// object key order is ignored, strings must match exactly; ignore and regex are keyed by path.
func compare(want, got any, ignore map[string]bool, regex map[string]string, path string) []string {
	if ignore[path] {
		return nil
	}
	if re, ok := regex[path]; ok {
		s, isStr := got.(string)
		if !isStr || !fullMatch(re, s) {
			return []string{fmt.Sprintf("%s: expected match /%s/, got %s", path, re, short(got))}
		}
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: expected object, got %s", path, short(got))}
		}
		var out []string
		for _, k := range sortedKeys(w) {
			p := childPath(path, k)
			gv, present := g[k]
			if !present {
				if !ignore[p] {
					out = append(out, p+": missing")
				}
				continue
			}
			out = append(out, compare(w[k], gv, ignore, regex, p)...)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s: unexpected key (value %s)", childPath(path, k), short(g[k])))
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: expected array, got %s", path, short(got))}
		}
		if len(w) != len(g) {
			return []string{fmt.Sprintf("%s: expected array of %d, got %d: %s", path, len(w), len(g), short(got))}
		}
		var out []string
		for i := range w {
			out = append(out, compare(w[i], g[i], ignore, regex, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case float64:
		if g, ok := toNumber(got); ok && g == w {
			return nil
		}
	default:
		if fmt.Sprint(want) == fmt.Sprint(got) && sameKind(want, got) {
			return nil
		}
	}
	return []string{fmt.Sprintf("%s: expected %s, got %s", path, short(want), short(got))}
}

func sameKind(a, b any) bool { return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b) }

func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

var identifier = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// childPath writes paths as the cases do: $.a.b[0]["odd key"].
func childPath(path, key string) string {
	if identifier().MatchString(key) {
		return path + "." + key
	}
	q, _ := json.Marshal(key)
	return path + "[" + string(q) + "]"
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pathSet and pathMap normalise the cases' paths to childPath's spelling ($["a"] and $.a are one path).
func pathSet(paths []string) map[string]bool {
	out := make(map[string]bool, len(paths))
	for _, p := range paths {
		out[normalizePath(p)] = true
	}
	return out
}

func pathMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for p, v := range m {
		out[normalizePath(p)] = v
	}
	return out
}

var pathToken = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])`)
})

func normalizePath(p string) string {
	out := "$"
	rest := strings.TrimPrefix(p, "$")
	for rest != "" {
		m := pathToken().FindStringSubmatch(rest)
		if m == nil {
			return p
		}
		switch {
		case m[1] != "":
			out = childPath(out, m[1])
		case m[2] != "":
			out += "[" + m[2] + "]"
		default:
			var k string
			_ = json.Unmarshal([]byte(m[3]), &k)
			out = childPath(out, k)
		}
		rest = rest[len(m[0]):]
	}
	return out
}

func fullMatch(pattern, s string) bool {
	re, err := regexp.Compile(`(?s)^(?:` + fromPython(pattern) + `)$`)
	return err == nil && re.MatchString(s)
}

// fromPython rewrites the escapes Python's re.escape writes (a backslash before any non-alphanumeric
// character, e.g. "\ " or "\#") into ones RE2 accepts.
func fromPython(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '\\' || i+1 == len(p) {
			b.WriteByte(c)
			continue
		}
		n := p[i+1]
		i++
		if n < 0x80 && (n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z' || n >= '0' && n <= '9') {
			b.WriteByte('\\')
			b.WriteByte(n)
			continue
		}
		b.WriteString(regexp.QuoteMeta(string(n)))
	}
	return b.String()
}

// normalize turns aslrun's values (int64 and the like) into what encoding/json decodes, for comparing.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func short(v any) string {
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
