package jsonpath

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the type of a path segment.
type kind uint8

const (
	kName     kind = iota // .a or ['a']
	kIndex                // [0] or [-1]
	kNames                // ['a','b']
	kIndexes              // [0,1]
	kWildcard             // .* or [*]
	kSlice                // [1:3]
	kDescent              // .. : the segment after it applies at every depth
	kFilter               // [?(...)]
	kFunc                 // .length()
)

func (k kind) String() string {
	return [...]string{"a name", "an index", "a name union", "an index union", "a wildcard", "a slice",
		"'..'", "a filter", "a function call"}[k]
}

// segment is one step of a compiled path.
type segment struct {
	kind    kind
	pos     int      // byte offset in the source, for error messages
	name    string   // kName; kFunc: the function's name
	index   int      // kIndex
	names   []string // kNames
	indexes []int    // kIndexes
	from    int      // kSlice
	to      int      // kSlice
	hasFrom bool     // kSlice
	hasTo   bool     // kSlice
	filter  expr     // kFilter
	args    string   // kFunc: the arguments as written
}

// appendTo writes the segment as Jayway's getPathFragment does.
func (s *segment) appendTo(b *strings.Builder) {
	switch s.kind {
	case kName:
		b.WriteString("['")
		b.WriteString(s.name)
		b.WriteString("']")
	case kNames:
		b.WriteByte('[')
		for i, n := range s.names {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('\'')
			b.WriteString(n)
			b.WriteByte('\'')
		}
		b.WriteByte(']')
	case kIndex:
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(s.index))
		b.WriteByte(']')
	case kIndexes:
		b.WriteByte('[')
		for i, n := range s.indexes {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte(']')
	case kWildcard:
		b.WriteString("[*]")
	case kSlice:
		b.WriteByte('[')
		if s.hasFrom {
			b.WriteString(strconv.Itoa(s.from))
		}
		b.WriteByte(':')
		if s.hasTo {
			b.WriteString(strconv.Itoa(s.to))
		}
		b.WriteByte(']')
	case kDescent:
		b.WriteString("..")
	case kFilter:
		b.WriteString("[?]")
	case kFunc:
		b.WriteByte('.')
		b.WriteString(s.name)
		b.WriteByte('(')
		b.WriteString(s.args)
		b.WriteByte(')')
	}
}

// parser reads one path, or the paths inside a filter expression, from src.
type parser struct {
	src string
	pos int
	// inFilter makes a dot name end at the characters that follow a path inside a filter
	// (operators, blanks, ')'), as Jayway's filter compiler does.
	inFilter bool
	// unquoted collects the unquoted words the filters compare with.
	unquoted []string
}

func (p *parser) errorf(at int, format string, args ...any) error {
	return &ParseError{Path: p.src, Offset: at, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek(off int) byte {
	if p.pos+off < len(p.src) {
		return p.src[p.pos+off]
	}
	return 0
}

// char is the character at the current position, for messages.
func (p *parser) char() rune {
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return r
}

func (p *parser) skipBlanks() {
	for p.pos < len(p.src) && isBlank(p.src[p.pos]) {
		p.pos++
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// path reads a whole top-level path.
func (p *parser) path() (*Path, error) {
	s := p.src
	if s == "" {
		return nil, p.errorf(0, "empty path")
	}
	if s[0] != '$' {
		return nil, p.errorf(0, "a path must start with '$'")
	}
	path := &Path{src: s}
	p.pos = 1
	if p.peek(0) == '$' {
		path.root = Context
		p.pos++
	} else if r, _ := utf8.DecodeRuneInString(s[1:]); len(s) > 1 && isVarStart(r) {
		path.root = Variable
		start := p.pos
		for !p.eof() {
			r, n := utf8.DecodeRuneInString(s[p.pos:])
			if !isVarPart(r) {
				break
			}
			p.pos += n
		}
		path.variable = s[start:p.pos]
	}
	segs, err := p.segments()
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.errorf(p.pos, "unexpected %q, expected '.' or '['", p.char())
	}
	path.segs = segs
	path.mode = modeOf(segs)
	path.unquoted = p.unquoted
	return path, nil
}

// Variable names are Unicode identifiers (UAX #31): a letter or '_', then also digits, connectors
// and combining marks. "$1" or "$$x" are therefore not variables.
func isVarStart(r rune) bool { return r == '_' || unicode.In(r, unicode.L, unicode.Nl) }

func isVarPart(r rune) bool {
	return isVarStart(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc)
}

func modeOf(segs []segment) mode {
	m := modeReference
	for i, s := range segs {
		switch s.kind {
		case kName, kIndex:
		case kNames:
			if i != len(segs)-1 {
				return modeMulti
			}
			m = modeSingle
		case kFunc:
			return modeFunction
		default:
			return modeMulti
		}
	}
	return m
}

// segments reads segments until a character that cannot continue a path.
func (p *parser) segments() ([]segment, error) {
	var segs []segment
	for !p.eof() {
		start := p.pos
		switch p.src[p.pos] {
		case '.':
			descent := p.peek(1) == '.'
			if descent {
				p.pos += 2
			} else {
				p.pos++
			}
			s, err := p.afterDot(start, descent)
			if err != nil {
				return nil, err
			}
			if descent {
				segs = append(segs, segment{kind: kDescent, pos: start})
			}
			segs = append(segs, s)
		case '[':
			s, err := p.bracket()
			if err != nil {
				return nil, err
			}
			segs = append(segs, s)
		default:
			return segs, nil
		}
		if segs[len(segs)-1].kind == kFunc && !p.eof() && !p.inFilter {
			return nil, p.errorf(p.pos, "a function call must end the path")
		}
	}
	return segs, nil
}

// afterDot reads what follows '.' or '..': a name, '*', a function call or a bracket ("$.a.['b c']").
func (p *parser) afterDot(dot int, descent bool) (segment, error) {
	if p.eof() {
		if descent {
			return segment{}, p.errorf(dot, "a path must not end with '..'")
		}
		return segment{}, p.errorf(dot, "a path must not end with '.'")
	}
	switch p.src[p.pos] {
	case '[':
		return p.bracket()
	case '*':
		p.pos++
		return segment{kind: kWildcard, pos: p.pos - 1}, nil
	case '.':
		return segment{}, p.errorf(p.pos, "unexpected '.'")
	default:
		return p.dotName()
	}
}

// isFilterStop reports the characters that end a path inside a filter expression.
func isFilterStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '<', '>', '=', '~', '!', ')', ']', '&', '|', ',':
		return true
	}
	return false
}

// dotName reads a name after '.'. Like Jayway, it accepts any character but the few that are
// structural ("$.delivery-partner" runs on AWS); blanks need bracket notation.
func (p *parser) dotName() (segment, error) {
	start := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		if c == '.' || c == '[' || (p.inFilter && isFilterStop(c)) {
			break
		}
		if c == '(' {
			return p.function(start)
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return segment{}, p.errorf(p.pos, "a name after '.' cannot hold blanks; use bracket notation ['...']")
		case c < 0x20 || c == 0x7f:
			return segment{}, p.errorf(p.pos, "control character %q in a name", c)
		case c == ']' || c == ')' || c == '\'' || c == '"' || c == '*' || c == '?' || c == ',':
			return segment{}, p.errorf(p.pos, "unexpected %q in a name; use bracket notation ['...']", c)
		}
		p.pos++
	}
	if p.pos == start {
		return segment{}, p.errorf(start, "expected a name")
	}
	return segment{kind: kName, pos: start, name: p.src[start:p.pos]}, nil
}

// function reads "name(args)"; the arguments are kept as written since functions are not evaluated.
func (p *parser) function(start int) (segment, error) {
	name := p.src[start:p.pos]
	if name == "" {
		return segment{}, p.errorf(start, "expected a function name before '('")
	}
	open := p.pos
	p.pos++
	depth := 1
	for !p.eof() {
		switch c := p.src[p.pos]; c {
		case '\'', '"':
			if _, err := p.quoted(); err != nil {
				return segment{}, err
			}
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				p.pos++
				return segment{kind: kFunc, pos: start, name: name, args: p.src[open+1 : p.pos-1]}, nil
			}
		}
		p.pos++
	}
	return segment{}, p.errorf(open, "unclosed '('")
}

// bracket reads "[...]": quoted names, an index, an index union, a slice, '*' or a filter.
func (p *parser) bracket() (segment, error) {
	open := p.pos
	p.pos++
	p.skipBlanks()
	if p.eof() {
		return segment{}, p.errorf(open, "unclosed '['")
	}
	switch c := p.src[p.pos]; {
	case c == '\'' || c == '"':
		return p.names(open)
	case c == '*':
		p.pos++
		if err := p.closeBracket(open); err != nil {
			return segment{}, err
		}
		return segment{kind: kWildcard, pos: open}, nil
	case c == '?':
		return p.filterSegment(open)
	case c == '-' || c == ':' || isDigit(c):
		return p.numeric(open)
	default:
		return segment{}, p.errorf(p.pos, "unexpected %q after '[', expected a quoted name, an index, a slice, '*' or '?('", p.char())
	}
}

// closeBracket expects optional blanks and ']'.
func (p *parser) closeBracket(open int) error {
	p.skipBlanks()
	if p.eof() {
		return p.errorf(open, "unclosed '['")
	}
	if p.src[p.pos] != ']' {
		return p.errorf(p.pos, "unexpected %q, expected ']'", p.char())
	}
	p.pos++
	return nil
}

// names reads "['a']" or "['a', "b"]".
func (p *parser) names(open int) (segment, error) {
	var names []string
	for {
		n, err := p.quoted()
		if err != nil {
			return segment{}, err
		}
		names = append(names, n)
		p.skipBlanks()
		if p.eof() {
			return segment{}, p.errorf(open, "unclosed '['")
		}
		switch p.src[p.pos] {
		case ']':
			p.pos++
			if len(names) == 1 {
				return segment{kind: kName, pos: open, name: names[0]}, nil
			}
			return segment{kind: kNames, pos: open, names: names}, nil
		case ',':
			p.pos++
			p.skipBlanks()
			if p.eof() || (p.src[p.pos] != '\'' && p.src[p.pos] != '"') {
				return segment{}, p.errorf(p.pos, "expected a quoted name after ','")
			}
		default:
			return segment{}, p.errorf(p.pos, "unexpected %q after a quoted name, expected ',' or ']'", p.char())
		}
	}
}

// quoted reads a string in single or double quotes with Java-style escapes, as Jayway's unescape
// does: \b \t \n \f \r \" \' \\ \uXXXX, and any other escaped character stands for itself.
func (p *parser) quoted() (string, error) {
	start := p.pos
	q := p.src[p.pos]
	p.pos++
	var b []byte
	plain := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		switch c {
		case q:
			p.pos++
			if b == nil {
				return p.src[plain : p.pos-1], nil
			}
			return string(b), nil
		case '\\':
			if b == nil {
				b = append(make([]byte, 0, p.pos-plain+8), p.src[plain:p.pos]...)
			}
			p.pos++
			if p.eof() {
				return "", p.errorf(start, "unterminated string")
			}
			e := p.src[p.pos]
			p.pos++
			switch e {
			case 'b':
				b = append(b, '\b')
			case 't':
				b = append(b, '\t')
			case 'n':
				b = append(b, '\n')
			case 'f':
				b = append(b, '\f')
			case 'r':
				b = append(b, '\r')
			case 'u':
				r, err := p.unicodeEscape()
				if err != nil {
					return "", err
				}
				b = utf8.AppendRune(b, r)
			default:
				b = append(b, e)
			}
		default:
			if b != nil {
				b = append(b, c)
			}
			p.pos++
		}
	}
	return "", p.errorf(start, "unterminated string")
}

// unicodeEscape reads the XXXX of \uXXXX (and a following low surrogate).
func (p *parser) unicodeEscape() (rune, error) {
	r, err := p.hex4()
	if err != nil {
		return 0, err
	}
	if utf16.IsSurrogate(r) && p.peek(0) == '\\' && p.peek(1) == 'u' {
		save := p.pos
		p.pos += 2
		if lo, err := p.hex4(); err == nil {
			if c := utf16.DecodeRune(r, lo); c != utf8.RuneError {
				return c, nil
			}
		}
		p.pos = save
	}
	return r, nil
}

func (p *parser) hex4() (rune, error) {
	if p.pos+4 > len(p.src) {
		return 0, p.errorf(p.pos, "expected 4 hex digits after \\u")
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, p.errorf(p.pos, "expected 4 hex digits after \\u")
	}
	p.pos += 4
	return rune(v), nil
}

// numeric reads an index "[1]", an index union "[0, -1]" or a slice "[1:3]" up to ']'.
func (p *parser) numeric(open int) (segment, error) {
	end := strings.IndexByte(p.src[p.pos:], ']')
	if end < 0 {
		return segment{}, p.errorf(open, "unclosed '['")
	}
	end += p.pos
	body, at := p.src[p.pos:end], p.pos
	for i, c := range body {
		if c > 0x7f || !isDigit(byte(c)) && c != '-' && c != ':' && c != ',' && !isBlank(byte(c)) {
			return segment{}, p.errorf(at+i, "unexpected %q in an index or slice", c)
		}
	}
	p.pos = end + 1
	if strings.Contains(body, ":") {
		return p.slice(open, body, at)
	}
	parts := strings.Split(body, ",")
	idx := make([]int, len(parts))
	off := at
	for i, part := range parts {
		n, err := p.integer(part, off)
		if err != nil {
			return segment{}, err
		}
		idx[i] = n
		off += len(part) + 1
	}
	if len(idx) == 1 {
		return segment{kind: kIndex, pos: open, index: idx[0]}, nil
	}
	return segment{kind: kIndexes, pos: open, indexes: idx}, nil
}

// slice reads "from:to" or "from:to:step"; Jayway reads the first two numbers and ignores a step.
func (p *parser) slice(open int, body string, at int) (segment, error) {
	if strings.Contains(body, ",") {
		return segment{}, p.errorf(at+strings.IndexByte(body, ','), "a slice cannot be part of a union")
	}
	parts := strings.Split(body, ":")
	if len(parts) > 3 {
		return segment{}, p.errorf(open, "a slice has at most three parts")
	}
	s := segment{kind: kSlice, pos: open}
	off := at
	for i, part := range parts {
		if strings.TrimSpace(part) != "" {
			n, err := p.integer(part, off)
			if err != nil {
				return segment{}, err
			}
			switch i {
			case 0:
				s.from, s.hasFrom = n, true
			case 1:
				s.to, s.hasTo = n, true
			}
		}
		off += len(part) + 1
	}
	if !s.hasFrom && !s.hasTo {
		return segment{}, p.errorf(open, "a slice needs a start or an end")
	}
	return s, nil
}

// integer parses a (blank-padded) decimal in the range of a Java int, as Jayway's Integer.parseInt.
func (p *parser) integer(s string, at int) (int, error) {
	t := strings.TrimSpace(s)
	at += strings.Index(s, t)
	if t == "" {
		return 0, p.errorf(at, "expected a number")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, p.errorf(at, "%q is not a number", t)
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, p.errorf(at, "index %s is out of range", t)
	}
	return int(n), nil
}

// filterSegment reads "?(expression)" and the closing ']'.
func (p *parser) filterSegment(open int) (segment, error) {
	p.pos++ // '?'
	p.skipBlanks()
	if p.eof() || p.src[p.pos] != '(' {
		return segment{}, p.errorf(p.pos, "expected '(' after '[?'")
	}
	p.pos++
	outer := p.inFilter
	p.inFilter = true
	e, err := p.or()
	p.inFilter = outer
	if err != nil {
		return segment{}, err
	}
	p.skipBlanks()
	if p.eof() || p.src[p.pos] != ')' {
		return segment{}, p.errorf(p.pos, "expected ')' to close the filter")
	}
	p.pos++
	if err := p.closeBracket(open); err != nil {
		return segment{}, err
	}
	return segment{kind: kFilter, pos: open, filter: e}, nil
}
