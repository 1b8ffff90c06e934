package jsonata

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// regexMatcher is the value of a regex literal: a function that finds matches in a string.
type regexMatcher struct {
	re  *regexp.Regexp
	src string
	pos int
}

// compileRegex compiles a JavaScript regex literal with Go's RE2, translating the syntax that
// differs (\uXXXX escapes, flags). Lookarounds and backreferences are not supported.
func compileRegex(pattern, flags string) (*regexp.Regexp, error) {
	var b strings.Builder
	if strings.Contains(flags, "i") || strings.Contains(flags, "m") {
		b.WriteString("(?")
		if strings.Contains(flags, "i") {
			b.WriteByte('i')
		}
		if strings.Contains(flags, "m") {
			b.WriteByte('m')
		}
		b.WriteByte(')')
	}
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c == '\\' && i+1 < len(pattern) {
			if pattern[i+1] == 'u' && i+5 < len(pattern) {
				if _, ok := hex4(pattern, i+2); ok {
					b.WriteString(`\x{` + pattern[i+2:i+6] + `}`)
					i += 5
					continue
				}
			}
			b.WriteByte(c)
			b.WriteByte(pattern[i+1])
			i++
			continue
		}
		b.WriteByte(c)
	}
	return regexp.Compile(b.String())
}

// matchInfo is one match: byte offsets into the string, and the capture groups (undefined
// for a group that did not take part).
type matchInfo struct {
	match      string
	start, end int
	groups     []any
	next       func() (*matchInfo, error)
}

// toObject renders a match as the object a regex function returns in jsonata-js.
func (m *matchInfo) toObject() *object {
	o := newObject(4)
	o.set("match", m.match)
	o.set("start", float64(m.start))
	o.set("end", float64(m.end))
	o.set("groups", append([]any{}, m.groups...))
	return o
}

// first returns the first match of the regex in str, linked to the following ones.
func (r *regexMatcher) first(str string) (*matchInfo, error) {
	all := r.re.FindAllStringSubmatchIndex(str, -1)
	var at func(i int) (*matchInfo, error)
	at = func(i int) (*matchInfo, error) {
		if i >= len(all) {
			return nil, nil
		}
		loc := all[i]
		if i > 0 && loc[0] == loc[1] {
			// jsonata-js refuses a regex that matches the empty string after the first match
			return nil, newError("D1004", r.pos, "", r.src)
		}
		m := &matchInfo{match: str[loc[0]:loc[1]], start: loc[0], end: loc[1]}
		for g := 1; g < len(loc)/2; g++ {
			if loc[2*g] < 0 {
				m.groups = append(m.groups, nil)
			} else {
				m.groups = append(m.groups, str[loc[2*g]:loc[2*g+1]])
			}
		}
		if loc[1] >= len(str) {
			m.next = func() (*matchInfo, error) { return nil, nil }
		} else {
			m.next = func() (*matchInfo, error) { return at(i + 1) }
		}
		return m, nil
	}
	return at(0)
}

// firstMatch runs a matcher (a regex or a function returning match objects) on str.
func (ev *evaluator) firstMatch(matcher any, str string, c *call) (*matchInfo, error) {
	if r, ok := matcher.(*regexMatcher); ok {
		return r.first(str)
	}
	res, err := ev.callFunction(matcher, c, str)
	if err != nil {
		return nil, err
	}
	return ev.customMatch(res, str, c)
}

// customMatch reads the object a matcher function returned.
func (ev *evaluator) customMatch(res any, str string, c *call) (*matchInfo, error) {
	if res == nil {
		return nil, nil
	}
	start, hasStart := fieldOf(res, "start").(float64)
	end, hasEnd := fieldOf(res, "end").(float64)
	groups, hasGroups := arrayItems(fieldOf(res, "groups"))
	next := fieldOf(res, "next")
	if !hasStart && !hasEnd && !hasGroups && !isFunction(next) {
		return nil, newError("T1010", -1, c.name, nil)
	}
	matched, _ := fieldOf(res, "match").(string)
	m := &matchInfo{match: matched, start: u16ToByte(str, int(start)), groups: groups}
	if hasEnd {
		m.end = u16ToByte(str, int(end))
	} else {
		m.end = m.start + len(matched)
	}
	m.next = func() (*matchInfo, error) {
		if !isFunction(next) {
			return nil, nil
		}
		r, err := ev.callFunction(next, c)
		if err != nil {
			return nil, err
		}
		return ev.customMatch(r, str, c)
	}
	return m, nil
}

func fieldOf(v any, k string) any {
	r, _ := field(v, k)
	return r
}

// u16Len is the length of a string in UTF-16 code units, JavaScript's string length.
func u16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// u16ToByte converts a UTF-16 index into a byte offset, clamped to the string.
func u16ToByte(s string, idx int) int {
	if idx <= 0 {
		return 0
	}
	n := 0
	for i, r := range s {
		if n >= idx {
			return i
		}
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return len(s)
}

// runeCount counts code points, as Array.from(str).length does.
func runeCount(s string) int {
	return utf8.RuneCountInString(s)
}
