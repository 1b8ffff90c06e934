package source

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseJSON reads a strict RFC 8259 JSON text: no comments, trailing commas, NaN or
// single quotes; strings must be valid UTF-8 without raw control characters; one
// value followed only by whitespace. A leading UTF-8 byte order mark is skipped.
//
// An escaped lone surrogate (\ud800 not followed by a low surrogate) becomes U+FFFD,
// as in encoding/json, because Go strings cannot hold it and rejecting it would
// reject definitions that AWS (Java strings) accepts. Numbers whose magnitude is
// too large for float64 (1e400) are an error, as in encoding/json.
func ParseJSON(data []byte) (*Node, error) { return parseJSON(data, false) }

// parseJSON is ParseJSON; placeholders also takes a bare template placeholder ${...} for a value
// (see ParseTemplate).
func parseJSON(data []byte, placeholders bool) (*Node, error) {
	if err := checkSize(data, MaxBytes); err != nil {
		return nil, err
	}
	p := &jsonParser{data: data, src: string(data), line: 1, col: 1, placeholders: placeholders}
	if len(skipBOM(data)) < len(data) {
		p.i = len(bom)
		p.lineStart, p.colOff = p.i, p.i // the byte order mark takes no column
	}
	p.skipSpace()
	if p.i == len(data) {
		return nil, p.errAt(p.i, "empty document")
	}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(data) {
		return nil, p.unexpected(p.i, " after the top-level value; expected end of input")
	}
	return n, nil
}

type jsonParser struct {
	data []byte
	// src is data as a string, so that strings without escapes and numbers are
	// substrings of it rather than one allocation each.
	src string
	i   int // offset of the next byte to read

	line      int // line of offset i
	lineStart int // offset where that line starts
	// colOff and col cache the column of one offset on the current line, so that
	// computing positions in increasing order counts each rune once (a minified
	// document is a single line).
	colOff, col int

	depth, nodes int
	slab         []Node   // nodes are allocated in blocks to save allocations
	items        []*Node  // stack of the elements of the arrays being read
	members      []Member // stack of the members of the objects being read
	buf          []byte   // scratch for strings with escapes
	// placeholders takes a bare ${...} for a value (ParseTemplate).
	placeholders bool
}

// pos returns the position of offset off. It is fast when off is on the current
// line and not before the previous call's offset, as it is but for some errors.
func (p *jsonParser) pos(off int) Pos {
	if p.colOff < p.lineStart {
		p.colOff, p.col = p.lineStart, 1
	}
	if off < p.colOff {
		return posAt(p.data, off)
	}
	p.col += utf8.RuneCount(p.data[p.colOff:off])
	p.colOff = off
	return Pos{p.line, p.col}
}

func (p *jsonParser) errAt(off int, format string, args ...any) *SyntaxError {
	return errorf(p.pos(off), format, args...)
}

// skipSpace skips JSON whitespace, counting lines.
func (p *jsonParser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t':
			p.i++
		case '\n':
			p.i++
			p.line, p.lineStart = p.line+1, p.i
		case '\r':
			p.i++
			if p.i < len(p.data) && p.data[p.i] == '\n' {
				p.i++
			}
			p.line, p.lineStart = p.line+1, p.i
		default:
			return
		}
	}
}

func (p *jsonParser) newNode(k Kind, off int) (*Node, error) {
	p.nodes++
	if p.nodes > MaxNodes {
		return nil, p.errAt(off, "more than %d values", MaxNodes)
	}
	if len(p.slab) == 0 {
		// Grow the blocks with the document so small documents stay small.
		p.slab = make([]Node, min(max(p.nodes, 16), 1024))
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.Kind, n.Pos = k, p.pos(off)
	return n, nil
}

// value reads one value starting at p.i, which is neither whitespace nor the end of
// the input (the callers report that, naming what is not closed).
func (p *jsonParser) value() (*Node, error) {
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		n, err := p.newNode(String, p.i)
		if err != nil {
			return nil, err
		}
		n.Str, err = p.str()
		return n, err
	case c == '-' || isDigit(c):
		return p.number()
	case c == 't':
		return p.literal("true", Bool, true)
	case c == 'f':
		return p.literal("false", Bool, false)
	case c == 'n':
		return p.literal("null", Null, false)
	case c == '$' && p.placeholders && p.i+1 < len(p.data) && p.data[p.i+1] == '{':
		return p.placeholder()
	}
	return nil, p.unexpected(p.i, "; expected a value")
}

// placeholder reads a bare template placeholder, "${wait}" or "${jsonencode(var.items)}", up to its
// matching '}' on the same line, as the string it is written as.
func (p *jsonParser) placeholder() (*Node, error) {
	start, depth := p.i, 0
	for end := p.i + 1; end < len(p.data) && p.data[end] != '\n' && p.data[end] != '\r'; end++ {
		switch p.data[end] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				n, err := p.newNode(String, start)
				if err != nil {
					return nil, err
				}
				n.Str = p.src[start : end+1]
				p.i = end + 1
				return n, nil
			}
		}
	}
	return nil, p.errAt(start, "unterminated placeholder ${...}")
}

func (p *jsonParser) literal(word string, k Kind, b bool) (*Node, error) {
	if len(p.src)-p.i < len(word) || p.src[p.i:p.i+len(word)] != word {
		return nil, p.unexpected(p.i, "; expected a value")
	}
	n, err := p.newNode(k, p.i)
	if err != nil {
		return nil, err
	}
	n.Bool = b
	p.i += len(word)
	return n, nil
}

// unexpected reports the character at off with a context such as " after array
// element; expected ',' or ']'". It recognises the usual non-JSON habits to say
// what is wrong with them.
func (p *jsonParser) unexpected(off int, context string) *SyntaxError {
	c := p.data[off]
	switch {
	case c == '/' && off+1 < len(p.data) && (p.data[off+1] == '/' || p.data[off+1] == '*'):
		return p.errAt(off, "comments are not allowed in JSON")
	case c == '\'':
		return p.errAt(off, "strings must be in double quotes, not single quotes")
	case isWordByte(c):
		end := off
		for end < len(p.data) && end-off < 32 && isWordByte(p.data[end]) {
			end++
		}
		switch w := p.src[off:end]; w {
		case "NaN", "Infinity":
			return p.errAt(off, "%s is not valid JSON", w)
		default:
			return p.errAt(off, "unexpected %q%s", w, context)
		}
	}
	return p.errAt(off, "unexpected %s%s", p.describe(off), context)
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// describe names the character at off for an error message.
func (p *jsonParser) describe(off int) string {
	r, size := utf8.DecodeRune(p.data[off:])
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf("byte 0x%02x (invalid UTF-8)", p.data[off])
	case r == '\ufeff':
		return "byte order mark U+FEFF"
	case unicode.IsPrint(r):
		return fmt.Sprintf("%q", r)
	}
	return fmt.Sprintf("character %U", r)
}

// enter counts a level of nesting; the parser recurses, and MaxDepth keeps the
// stack small. object and array undo it when they return.
func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(p.i, "nesting deeper than %d levels", MaxDepth)
	}
	return nil
}

func (p *jsonParser) object() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n, err := p.newNode(Object, p.i)
	if err != nil {
		return nil, err
	}
	p.i++ // '{'
	p.skipSpace()
	switch {
	case p.i == len(p.data):
		return nil, p.unclosed(n, '{')
	case p.data[p.i] == '}':
		p.i++
		p.depth--
		return n, nil
	}
	base := len(p.members)
	for {
		if p.data[p.i] != '"' {
			if isWordByte(p.data[p.i]) {
				return nil, p.errAt(p.i, "object keys must be strings in double quotes")
			}
			return nil, p.unexpected(p.i, "; expected a string key")
		}
		keyPos := p.pos(p.i)
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i == len(p.data) {
			return nil, p.unclosed(n, '{')
		}
		if p.data[p.i] != ':' {
			return nil, p.unexpected(p.i, " after object key; expected ':'")
		}
		p.i++
		p.skipSpace()
		if p.i == len(p.data) {
			return nil, p.unclosed(n, '{')
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.members = append(p.members, Member{Key: key, KeyPos: keyPos, Value: v})
		p.skipSpace()
		if p.i == len(p.data) {
			return nil, p.unclosed(n, '{')
		}
		if p.data[p.i] == '}' {
			p.i++
			break
		}
		if p.data[p.i] != ',' {
			return nil, p.unexpected(p.i, " after object member; expected ',' or '}'")
		}
		comma := p.i
		p.i++
		p.skipSpace()
		switch {
		case p.i == len(p.data):
			return nil, p.unclosed(n, '{')
		case p.data[p.i] == '}':
			return nil, p.errAt(comma, "trailing comma before '}'")
		}
	}
	n.Members = append([]Member(nil), p.members[base:]...)
	clear(p.members[base:]) // drop the references so the stack does not pin nodes
	p.members = p.members[:base]
	p.depth--
	return n, nil
}

func (p *jsonParser) array() (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n, err := p.newNode(Array, p.i)
	if err != nil {
		return nil, err
	}
	p.i++ // '['
	p.skipSpace()
	switch {
	case p.i == len(p.data):
		return nil, p.unclosed(n, '[')
	case p.data[p.i] == ']':
		p.i++
		p.depth--
		return n, nil
	}
	base := len(p.items)
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
		p.skipSpace()
		if p.i == len(p.data) {
			return nil, p.unclosed(n, '[')
		}
		if p.data[p.i] == ']' {
			p.i++
			break
		}
		if p.data[p.i] != ',' {
			return nil, p.unexpected(p.i, " after array element; expected ',' or ']'")
		}
		comma := p.i
		p.i++
		p.skipSpace()
		switch {
		case p.i == len(p.data):
			return nil, p.unclosed(n, '[')
		case p.data[p.i] == ']':
			return nil, p.errAt(comma, "trailing comma before ']'")
		}
	}
	n.Items = append([]*Node(nil), p.items[base:]...)
	clear(p.items[base:])
	p.items = p.items[:base]
	p.depth--
	return n, nil
}

// unclosed reports the end of input inside an array or object, naming where it began.
func (p *jsonParser) unclosed(n *Node, open byte) *SyntaxError {
	return p.errAt(p.i, "unexpected end of input; '%c' at %s is not closed", open, n.Pos)
}

// str reads a string starting at the opening quote at p.i and returns it decoded.
func (p *jsonParser) str() (string, error) {
	start := p.i
	escaped := false
	i := start + 1
	for {
		if i >= len(p.data) { // > after a final backslash
			return "", p.errAt(start, "unterminated string")
		}
		c := p.data[i]
		if c == '"' {
			break
		}
		if c == '\\' {
			escaped = true
			i += 2 // the escape is checked when decoding; skipping keeps \" inside
			continue
		}
		if c < 0x20 {
			if c == '\n' || c == '\r' {
				return "", p.errAt(start, "unterminated string (a newline in a string must be written \\n)")
			}
			return "", p.errAt(i, "control character %U in string must be escaped", rune(c))
		}
		i++
	}
	raw := p.data[start+1 : i]
	// Escapes are ASCII, so validating the raw text validates the decoded string.
	if !utf8.Valid(raw) {
		// The quote after raw cannot continue a UTF-8 sequence, so this finds the
		// bad byte within raw.
		off := start + 1
		for {
			r, size := utf8.DecodeRune(p.data[off:])
			if r == utf8.RuneError && size == 1 {
				return "", p.errAt(off, "invalid UTF-8 byte 0x%02x in string", p.data[off])
			}
			off += size
		}
	}
	p.i = i + 1
	if !escaped {
		return p.src[start+1 : i], nil
	}
	return p.unescape(start+1, i)
}

// unescape decodes the string body data[from:to], which contains escapes.
func (p *jsonParser) unescape(from, to int) (string, error) {
	b := p.buf[:0]
	for i := from; i < to; {
		c := p.data[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		switch e := p.data[i+1]; {
		case shortEscape(e) != 0:
			b = append(b, shortEscape(e))
		case e == 'u':
			r, ok := hex4(p.data[i+2 : to])
			if !ok {
				return "", p.errAt(i, "invalid escape: \\u must be followed by 4 hex digits")
			}
			i += 6
			if utf16IsHigh(r) {
				if lo, ok := lowSurrogate(p.data[i:to]); ok {
					r = (r-0xd800)<<10 | (lo - 0xdc00) + 0x10000
					i += 6
				} else {
					r = utf8.RuneError
				}
			} else if r >= 0xdc00 && r <= 0xdfff {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			r, _ := utf8.DecodeRune(p.data[i+1 : to])
			if !unicode.IsPrint(r) {
				return "", p.errAt(i, "invalid escape '\\' followed by %U", r)
			}
			return "", p.errAt(i, "invalid escape '\\%c'", r)
		}
		i += 2
	}
	p.buf = b
	return string(b), nil
}

// shortEscape is the character the two-character escape \\e stands for, 0 when there is none.
func shortEscape(e byte) byte {
	switch e {
	case '"', '\\', '/':
		return e
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return 0
}

func utf16IsHigh(r rune) bool { return r >= 0xd800 && r <= 0xdbff }

// lowSurrogate reads a \uXXXX escape of a low surrogate at the start of b.
func lowSurrogate(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	r, ok := hex4(b[2:])
	return r, ok && r >= 0xdc00 && r <= 0xdfff
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads the number at p.i.
func (p *jsonParser) number() (*Node, error) {
	start := p.i
	end, integral, problem := scanNumber(p.src[start:])
	if problem != "" {
		if strings.HasPrefix(p.src[start:], "-Infinity") {
			return nil, p.errAt(start, "-Infinity is not valid JSON")
		}
		return nil, p.errAt(start, "invalid number: %s", problem)
	}
	text := p.src[start : start+end]
	// Only a fraction, an exponent or a long integer can overflow float64; checking
	// here keeps Value free of errors.
	if !integral || len(text) > 18 {
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return nil, p.errAt(start, "number %s is out of range", abbreviate(text))
		}
	}
	n, err := p.newNode(Number, start)
	if err != nil {
		return nil, err
	}
	n.Num = text
	p.i = start + end
	return n, nil
}

// scanNumber returns the length of the JSON number at the start of s, whether it has
// neither fraction nor exponent, or what is wrong with it. The grammar is
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func scanNumber(s string) (end int, integral bool, problem string) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i == len(s) || !isDigit(s[i]):
		return 0, false, "expected a digit after '-'"
	case s[i] == '0':
		i++
		if i < len(s) && isDigit(s[i]) {
			return 0, false, "leading zeros are not allowed"
		}
	default:
		i = digits(s, i)
	}
	integral = true
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || !isDigit(s[i]) {
			return 0, false, "expected a digit after '.'"
		}
		i = digits(s, i)
		integral = false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || !isDigit(s[i]) {
			return 0, false, "expected a digit in the exponent"
		}
		i = digits(s, i)
		integral = false
	}
	return i, integral, ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// abbreviate shortens long text for an error message.
func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
