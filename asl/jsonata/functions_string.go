package jsonata

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

func registerStringFunctions(t table) {
	t.def("string", "<x-b?:s>", 1, fnString)
	t.def("substring", "<s-nn?:s>", 3, fnSubstring)
	t.def("substringBefore", "<s-s:s>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok {
			return nil, nil
		}
		chars, _ := str(args, 1)
		if i := strings.Index(s, chars); i >= 0 {
			return s[:i], nil
		}
		return s, nil
	})
	t.def("substringAfter", "<s-s:s>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok {
			return nil, nil
		}
		chars, _ := str(args, 1)
		if i := strings.Index(s, chars); i >= 0 {
			return s[i+len(chars):], nil
		}
		return s, nil
	})
	t.def("lowercase", "<s-:s>", 1, stringMap(strings.ToLower))
	t.def("uppercase", "<s-:s>", 1, stringMap(strings.ToUpper))
	t.def("length", "<s-:n>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok {
			return nil, nil
		}
		return float64(runeCount(s)), nil
	})
	t.def("trim", "<s-:s>", 1, stringMap(trimSpace))
	t.def("pad", "<s-ns?:s>", 3, fnPad)
	t.def("contains", "<s-(sf):b>", 2, fnContains)
	t.def("split", "<s-(sf)n?:a<s>>", 3, fnSplit)
	t.def("join", "<a<s>s?:s>", 2, func(ev *evaluator, _ *call, args []any) (any, error) {
		items, ok := arrayItems(argAt(args, 0))
		if !ok {
			return nil, nil
		}
		sep, _ := str(args, 1)
		size := len(sep) * max(len(items)-1, 0)
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i], _ = it.(string)
			size += len(parts[i])
		}
		if !ev.charge(size + len(items)*slotBytes) {
			return nil, ev.err
		}
		return strings.Join(parts, sep), nil
	})
	t.def("match", "<s-f<s:o>n?:a<o>>", 3, fnMatch)
	t.def("replace", "<s-(sf)(sf)n?:s>", 4, fnReplace)
	t.def("base64encode", "<s-:s>", 1, stringMap(func(s string) string {
		return base64.StdEncoding.EncodeToString(latin1OrUTF8(s))
	}))
	t.def("base64decode", "<s-:s>", 1, func(ev *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok || !ev.charge(2*len(s)) {
			return nil, ev.err
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
				return nil, &Error{Code: "D3137", Position: -1, Message: "Invalid base64 string"}
			}
		}
		if utf8.Valid(b) {
			return string(b), nil
		}
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r), nil
	})
	t.def("encodeUrlComponent", "<s-:s>", 1, urlFunc("encodeUrlComponent", encodeURIComponent))
	t.def("encodeUrl", "<s-:s>", 1, urlFunc("encodeUrl", encodeURI))
	t.def("decodeUrlComponent", "<s-:s>", 1, urlFunc("decodeUrlComponent", decodeURIComponent))
	t.def("decodeUrl", "<s-:s>", 1, urlFunc("decodeUrl", decodeURI))
}

func stringMap(f func(string) string) func(*evaluator, *call, []any) (any, error) {
	return func(ev *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok {
			return nil, nil
		}
		r := f(s)
		if !ev.charge(len(r)) {
			return nil, ev.err
		}
		return r, nil
	}
}

func fnString(ev *evaluator, _ *call, args []any) (any, error) {
	v := argAt(args, 0)
	if v == nil {
		return nil, nil
	}
	if pretty, _ := argAt(args, 1).(bool); pretty {
		if s, ok := v.(string); ok {
			return s, nil
		}
		if isFunction(v) {
			return "", nil
		}
		return stringify(v, true, &ev.meter)
	}
	return toStringValue(v, &ev.meter)
}

func fnSubstring(ev *evaluator, _ *call, args []any) (any, error) {
	s, ok := str(args, 0)
	if !ok {
		return nil, nil
	}
	// at most the string again, which a loop may keep
	if !ev.charge(len(s)) {
		return nil, ev.err
	}
	runes := []rune(s)
	n := len(runes)
	startF, _ := num(args, 1)
	start := int(math.Max(math.Min(math.Trunc(startF), 1e15), -1e15))
	if n+start < 0 {
		start = 0
	}
	if lengthF, ok := num(args, 2); ok {
		if lengthF <= 0 {
			return "", nil
		}
		length := int(math.Min(math.Trunc(lengthF), 1e15))
		end := start + length
		if start < 0 {
			end = n + start + length
		}
		return string(sliceRunes(runes, start, end)), nil
	}
	return string(sliceRunes(runes, start, n)), nil
}

// sliceRunes is Array.prototype.slice: negative indexes count from the end.
func sliceRunes(r []rune, start, end int) []rune {
	n := len(r)
	if start < 0 {
		start = max(n+start, 0)
	}
	if end < 0 {
		end = max(n+end, 0)
	}
	start = min(start, n)
	end = min(end, n)
	if start >= end {
		return nil
	}
	return r[start:end]
}

// trimSpace is $trim: runs of whitespace become one space, and a leading or trailing one goes.
func trimSpace(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	if space {
		b.WriteByte(' ')
	}
	out := b.String()
	out = strings.TrimPrefix(out, " ")
	return strings.TrimSuffix(out, " ")
}

func fnPad(ev *evaluator, _ *call, args []any) (any, error) {
	s, ok := str(args, 0)
	if !ok {
		return nil, nil
	}
	width, _ := num(args, 1)
	char, _ := str(args, 2)
	if char == "" {
		char = " "
	}
	padLength := int(math.Min(math.Abs(math.Trunc(width)), 1e7)) - runeCount(s)
	if padLength <= 0 {
		return s, nil
	}
	// padLength characters of char repeated, cut inside char if needed
	runes := []rune(char)
	char = string(runes)
	reps := (padLength + len(runes) - 1) / len(runes)
	if !ev.charge(len(s) + 2*reps*len(char)) {
		return nil, ev.err
	}
	padding := strings.Repeat(char, reps)
	if cut := reps*len(runes) - padLength; cut > 0 {
		padding = padding[:len(padding)-len(string(runes[len(runes)-cut:]))]
	}
	if width > 0 {
		return s + padding, nil
	}
	return padding + s, nil
}

func fnContains(ev *evaluator, c *call, args []any) (any, error) {
	s, ok := str(args, 0)
	if !ok {
		return nil, nil
	}
	if token, ok := str(args, 1); ok {
		return strings.Contains(s, token), nil
	}
	if argAt(args, 1) == nil {
		return nil, nil
	}
	m, err := ev.firstMatch(argAt(args, 1), s, c)
	if err != nil {
		return nil, err
	}
	return m != nil, nil
}

func fnSplit(ev *evaluator, c *call, args []any) (any, error) {
	s, ok := str(args, 0)
	if !ok {
		return nil, nil
	}
	limit, hasLimit := num(args, 2)
	if hasLimit && limit < 0 {
		return nil, newError("D3020", -1, "", limit)
	}
	limit = math.Floor(limit)
	result := []any{}
	if hasLimit && limit == 0 {
		return result, nil
	}
	under := func() bool { return !hasLimit || float64(len(result)) < limit }
	if sep, ok := str(args, 1); ok {
		// the pieces share the string's bytes, but each is a string header in two lists
		pieces := strings.Count(s, sep) + 1
		if sep == "" {
			pieces = utf8.RuneCountInString(s)
		}
		if !ev.charge(pieces * (slotBytes + 2*16)) {
			return nil, ev.err
		}
		var parts []string
		if sep == "" {
			for _, r := range s {
				parts = append(parts, string(r))
			}
		} else {
			parts = strings.Split(s, sep)
		}
		for _, p := range parts {
			if !under() {
				break
			}
			result = append(result, p)
		}
		return result, nil
	}
	m, err := ev.firstMatch(argAt(args, 1), s, c)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return append(result, s), nil
	}
	start := 0
	count := 0
	for m != nil && (!hasLimit || float64(count) < limit) {
		if !ev.charge(slotBytes + 16) {
			return nil, ev.err
		}
		result = append(result, substr(s, start, m.start))
		start = m.end
		if m, err = m.next(); err != nil {
			return nil, err
		}
		count++
	}
	if !hasLimit || float64(count) < limit {
		result = append(result, substr(s, start, len(s)))
	}
	return result, nil
}

// substr slices by byte offsets, clamped as String.prototype.substring clamps.
func substr(s string, from, to int) string {
	from = min(max(from, 0), len(s))
	to = min(max(to, 0), len(s))
	if from > to {
		from, to = to, from
	}
	return s[from:to]
}

func fnMatch(ev *evaluator, c *call, args []any) (any, error) {
	s, ok := str(args, 0)
	if !ok {
		return nil, nil
	}
	limit, hasLimit := num(args, 2)
	if hasLimit && limit < 0 {
		return nil, newError("D3040", -1, "", limit)
	}
	result := newSeq(4)
	if hasLimit && limit == 0 {
		return result, nil
	}
	m, err := ev.firstMatch(argAt(args, 1), s, c)
	if err != nil {
		return nil, err
	}
	for m != nil && (!hasLimit || float64(len(result.items)) < limit) {
		if !ev.charge(slotBytes + 3*memberBytes + len(m.groups)*slotBytes) {
			return nil, ev.err
		}
		o := newObject(3)
		o.set("match", m.match)
		o.set("index", float64(u16Len(s[:min(m.start, len(s))])))
		groups := make([]any, len(m.groups))
		copy(groups, m.groups)
		o.set("groups", groups)
		result.items = append(result.items, o)
		if m, err = m.next(); err != nil {
			return nil, err
		}
	}
	return result, nil
}

func fnReplace(ev *evaluator, c *call, args []any) (any, error) {
	s, ok := str(args, 0)
	if !ok {
		return nil, nil
	}
	pattern := argAt(args, 1)
	if p, ok := pattern.(string); ok && p == "" {
		return nil, newError("D3010", -1, "", p)
	}
	limit, hasLimit := num(args, 3)
	if hasLimit && limit < 0 {
		return nil, newError("D3011", -1, "", limit)
	}
	if hasLimit && limit == 0 {
		return s, nil
	}
	replacement := argAt(args, 2)
	if p, ok := pattern.(string); ok {
		rep, _ := replacement.(string)
		var b strings.Builder
		pos := 0
		count := 0
		for {
			i := strings.Index(s[pos:], p)
			if i < 0 || (hasLimit && float64(count) >= limit) {
				break
			}
			if !ev.reserve(&b, i+len(rep)) {
				return nil, ev.err
			}
			b.WriteString(s[pos : pos+i])
			b.WriteString(rep)
			pos += i + len(p)
			count++
		}
		if !ev.reserve(&b, len(s)-pos) || !ev.charge(b.Cap()) {
			return nil, ev.err
		}
		b.WriteString(s[pos:])
		return b.String(), nil
	}
	m, err := ev.firstMatch(pattern, s, c)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return s, nil
	}
	var b strings.Builder
	pos := 0
	count := 0
	for m != nil && (!hasLimit || float64(count) < limit) {
		b.WriteString(substr(s, pos, m.start))
		var with any
		if rep, ok := replacement.(string); ok {
			with = substitute(rep, m)
		} else {
			if with, err = ev.callFunction(replacement, c, matchObject(s, m)); err != nil {
				return nil, err
			}
		}
		ws, ok := with.(string)
		if !ok {
			return nil, newError("D3012", -1, "", with)
		}
		if !ev.reserve(&b, m.start-pos+len(ws)) {
			return nil, ev.err
		}
		b.WriteString(ws)
		pos = m.start + len(m.match)
		count++
		if m, err = m.next(); err != nil {
			return nil, err
		}
	}
	if !ev.reserve(&b, len(s)-pos) || !ev.charge(b.Cap()) {
		return nil, ev.err
	}
	b.WriteString(substr(s, pos, len(s)))
	return b.String(), nil
}

// matchObject is the match a replacement function receives.
func matchObject(s string, m *matchInfo) *object {
	o := newObject(3)
	o.set("match", m.match)
	o.set("index", float64(u16Len(s[:min(m.start, len(s))])))
	groups := make([]any, len(m.groups))
	copy(groups, m.groups)
	o.set("groups", groups)
	return o
}

// substitute expands $0, $n and $$ in a replacement string, as jsonata-js does: $n takes as
// many digits as can name a group.
func substitute(rep string, m *matchInfo) string {
	var b strings.Builder
	pos := 0
	for {
		i := strings.IndexByte(rep[pos:], '$')
		if i < 0 || pos >= len(rep) {
			break
		}
		i += pos
		b.WriteString(rep[pos:i])
		pos = i + 1
		if pos >= len(rep) {
			b.WriteByte('$')
			break
		}
		switch d := rep[pos]; {
		case d == '$':
			b.WriteByte('$')
			pos++
		case d == '0':
			b.WriteString(m.match)
			pos++
		default:
			maxDigits := 1
			if len(m.groups) > 0 {
				maxDigits = int(math.Floor(math.Log10(float64(len(m.groups))))) + 1
			}
			index, digits := leadingInt(rep[pos:], maxDigits)
			if maxDigits > 1 && index > len(m.groups) {
				index, digits = leadingInt(rep[pos:], maxDigits-1)
			}
			if digits == 0 {
				b.WriteByte('$')
				continue
			}
			if len(m.groups) > 0 && index >= 1 && index <= len(m.groups) {
				if g, ok := m.groups[index-1].(string); ok {
					b.WriteString(g)
				}
			}
			pos += len(strconv.Itoa(index))
		}
	}
	if pos < len(rep) {
		b.WriteString(rep[pos:])
	}
	return b.String()
}

// leadingInt parses up to n leading digits, as parseInt does on a prefix.
func leadingInt(s string, n int) (int, int) {
	v, d := 0, 0
	for d < n && d < len(s) && s[d] >= '0' && s[d] <= '9' {
		v = v*10 + int(s[d]-'0')
		d++
	}
	return v, d
}

// latin1OrUTF8 encodes a string as Latin-1 when it fits, as Buffer's 'binary' does, else UTF-8.
func latin1OrUTF8(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 255 {
			return []byte(s)
		}
		out = append(out, byte(r))
	}
	return out
}

func urlFunc(name string, f func(string) (string, bool)) func(*evaluator, *call, []any) (any, error) {
	return func(ev *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok {
			return nil, nil
		}
		out, ok := f(s)
		if ok && !ev.charge(len(out)) {
			return nil, ev.err
		}
		if !ok {
			return nil, &Error{Code: "D3140", Position: -1, Token: name, Value: s,
				Message: "Malformed URL passed to $" + name + "(): " + describeValue(s)}
		}
		return out, nil
	}
}

const hexUpper = "0123456789ABCDEF"

func encodeWith(s string, keep string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
	return b.String(), true
}

func encodeURIComponent(s string) (string, bool) { return encodeWith(s, "-_.!~*'()") }
func encodeURI(s string) (string, bool)          { return encodeWith(s, "-_.!~*'();/?:@&=+$,#") }

func decodeWith(s string, reserved string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		// a run of escapes must form whole UTF-8 characters
		start := i
		var buf []byte
		for i < len(s) && s[i] == '%' {
			if i+2 >= len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", false
			}
			buf = append(buf, byte(v))
			i += 3
			if utf8.FullRune(buf) {
				break
			}
		}
		i--
		if !utf8.Valid(buf) {
			return "", false
		}
		if len(buf) == 1 && strings.IndexByte(reserved, buf[0]) >= 0 {
			b.WriteString(s[start : i+1])
			continue
		}
		b.Write(buf)
	}
	return b.String(), true
}

func decodeURIComponent(s string) (string, bool) { return decodeWith(s, "") }
func decodeURI(s string) (string, bool)          { return decodeWith(s, ";/?:@&=+$,#") }
