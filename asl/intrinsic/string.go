package intrinsic

import (
	"strings"
)

// segment is a piece of a States.Format template: literal text or a {} placeholder.
type segment struct {
	text        string
	placeholder bool
}

// parseTemplate splits a template as written (escapes not yet applied) into segments and counts the
// placeholders. \{ \} \' and \\ stand for the character; a '{' or '}' outside {} makes the template
// invalid (AWS fails States.Format('Hello {', ...) and States.Format('}')).
func parseTemplate(s string) (tmpl []segment, placeholders int, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) && strings.IndexByte(`{}'\`, s[i+1]) >= 0 {
				i++
				c = s[i]
			} else if i+1 < len(s) && controlEscapes[s[i+1]] != 0 {
				i++
				c = controlEscapes[s[i]]
			}
			b.WriteByte(c)
		case '{':
			if i+1 >= len(s) || s[i+1] != '}' {
				return nil, 0, false
			}
			i++
			if b.Len() > 0 {
				tmpl = append(tmpl, segment{text: b.String()})
				b.Reset()
			}
			tmpl = append(tmpl, segment{placeholder: true})
			placeholders++
		case '}':
			return nil, 0, false
		default:
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 {
		tmpl = append(tmpl, segment{text: b.String()})
	}
	return tmpl, placeholders, true
}

// format is States.Format. Each {} takes the next argument as Java's String.valueOf renders it: a string
// as is, null as null, {"Arg1":1,"Arg2":[]} as {Arg1=1, Arg2=[]} (recorded on AWS).
func format(c *Call, args []any) (any, error) {
	tmpl := c.tmpl
	if a := c.args[0]; a.path != nil || a.call != nil {
		// The template is known only now.
		var n int
		var ok bool
		if tmpl, n, ok = parseTemplate(args[0].(string)); !ok || n != len(args)-1 {
			return nil, c.fn.invalid()
		}
	}
	// rendered first and measured, so that the result is allocated once, at its size
	parts := make([]string, len(tmpl))
	size := 0
	next := 1
	for i, s := range tmpl {
		if s.placeholder {
			parts[i] = javaString(args[next])
			next++
		} else {
			parts[i] = s.text
		}
		size += len(parts[i])
	}
	var b strings.Builder
	b.Grow(size)
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String(), nil
}

// stringSplit is States.StringSplit. It splits as Java's StringTokenizer does: every character of the
// second argument is a delimiter and empty pieces are dropped (AWS splits "This.is+a,test=string" on
// ".+,=" into five words and ",,,," into nothing).
func stringSplit(_ *Call, args []any) (any, error) {
	delims := args[1].(string)
	fields := strings.FieldsFunc(args[0].(string), func(r rune) bool { return strings.ContainsRune(delims, r) })
	out := make([]any, len(fields))
	for i, f := range fields {
		out[i] = f
	}
	return out, nil
}
