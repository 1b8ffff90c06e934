package jsonata

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokenKind classifies a token.
type tokenKind uint8

const (
	tokEnd tokenKind = iota
	tokOperator
	tokName
	tokVariable
	tokString
	tokNumber
	tokValue // true, false, null
	tokRegex
)

// token is one lexical token; pos is the offset just after it, as in jsonata-js.
type token struct {
	kind  tokenKind
	value string // operator, name, variable name, string content, regex pattern
	num   float64
	lit   any // the literal of a tokValue
	flags string
	start int
	pos   int
}

// operatorChars are the single-character operators; they also end a name.
const operatorChars = ".[]{}(),@#;:?+-*/%|=<>^&!~"

func isOperatorChar(c byte) bool {
	return strings.IndexByte(operatorChars, c) >= 0
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
}

// lexer scans an expression one token at a time for the parser.
type lexer struct {
	src string
	pos int
}

// next scans the next token. infix is true where an operator is expected, so that '/'
// divides rather than starting a regex.
func (l *lexer) next(infix bool) (token, *Error) {
	src := l.src
	for l.pos < len(src) && isSpace(src[l.pos]) {
		l.pos++
	}
	if l.pos >= len(src) {
		return token{kind: tokEnd, pos: len(src), start: len(src)}, nil
	}
	c := src[l.pos]
	if c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*' {
		start := l.pos
		end := strings.Index(src[l.pos+2:], "*/")
		if end < 0 {
			return token{}, newError("S0106", start, "", nil)
		}
		l.pos += 2 + end + 2
		return l.next(infix)
	}
	start := l.pos
	if !infix && c == '/' {
		l.pos++
		return l.scanRegex(start)
	}
	if l.pos+1 < len(src) {
		two := src[l.pos : l.pos+2]
		switch two {
		case "..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??":
			l.pos += 2
			return token{kind: tokOperator, value: two, start: start, pos: l.pos}, nil
		}
	}
	if isOperatorChar(c) {
		l.pos++
		return token{kind: tokOperator, value: src[start:l.pos], start: start, pos: l.pos}, nil
	}
	if c == '"' || c == '\'' {
		return l.scanString(c, start)
	}
	if c >= '0' && c <= '9' {
		end := scanNumber(src, l.pos)
		text := src[l.pos:end]
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			return token{}, newError("S0102", l.pos, text, nil)
		}
		l.pos = end
		return token{kind: tokNumber, num: f, value: text, start: start, pos: end}, nil
	}
	if c == '`' {
		end := strings.IndexByte(src[l.pos+1:], '`')
		if end < 0 {
			l.pos = len(src)
			return token{}, newError("S0105", l.pos, "", nil)
		}
		name := src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		return token{kind: tokName, value: name, start: start, pos: l.pos}, nil
	}
	i := l.pos
	for i < len(src) && !isSpace(src[i]) && !isOperatorChar(src[i]) {
		i++
	}
	if c == '$' {
		name := src[l.pos+1 : i]
		l.pos = i
		return token{kind: tokVariable, value: name, start: start, pos: i}, nil
	}
	name := src[l.pos:i]
	l.pos = i
	switch name {
	case "or", "in", "and":
		return token{kind: tokOperator, value: name, start: start, pos: i}, nil
	case "true":
		return token{kind: tokValue, value: name, lit: true, start: start, pos: i}, nil
	case "false":
		return token{kind: tokValue, value: name, lit: false, start: start, pos: i}, nil
	case "null":
		return token{kind: tokValue, value: name, lit: nullValue, start: start, pos: i}, nil
	}
	return token{kind: tokName, value: name, start: start, pos: i}, nil
}

// scanNumber returns the end of the JSON-style number starting at i.
func scanNumber(s string, i int) int {
	if s[i] == '0' {
		i++
	} else {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i += 2
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	return i
}

var escapes = map[byte]string{'"': "\"", '\\': "\\", '/': "/", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t"}

func (l *lexer) scanString(quote byte, start int) (token, *Error) {
	src := l.src
	l.pos++
	var b strings.Builder
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == '\\':
			l.pos++
			if l.pos >= len(src) {
				return token{}, newError("S0101", l.pos, "", nil)
			}
			e := src[l.pos]
			if s, ok := escapes[e]; ok {
				b.WriteString(s)
			} else if e == 'u' {
				r, ok := hex4(src, l.pos+1)
				if !ok {
					return token{}, newError("S0104", l.pos, "", nil)
				}
				l.pos += 4
				if r >= 0xD800 && r < 0xDC00 && l.pos+2 < len(src) && src[l.pos+1] == '\\' && src[l.pos+2] == 'u' {
					if lo, ok := hex4(src, l.pos+3); ok && lo >= 0xDC00 && lo < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
						l.pos += 6
					}
				}
				writeCodeUnit(&b, r)
			} else {
				return token{}, newError("S0103", l.pos, string(e), nil)
			}
			l.pos++
		case c == quote:
			l.pos++
			return token{kind: tokString, value: b.String(), start: start, pos: l.pos}, nil
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return token{}, newError("S0101", l.pos, "", nil)
}

// writeCodeUnit writes a code point; a lone surrogate is kept as its WTF-8 bytes so that the
// URL functions can reject it as jsonata-js does.
func writeCodeUnit(b *strings.Builder, r rune) {
	if r >= 0xD800 && r < 0xE000 {
		b.WriteByte(byte(0xE0 | r>>12))
		b.WriteByte(byte(0x80 | (r>>6)&0x3F))
		b.WriteByte(byte(0x80 | r&0x3F))
		return
	}
	var buf [4]byte
	n := utf8.EncodeRune(buf[:], r)
	b.Write(buf[:n])
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i:i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

// scanRegex scans a regex literal after its opening '/': the pattern ends at an unescaped '/'
// outside brackets, followed by the flags i and m.
func (l *lexer) scanRegex(start int) (token, *Error) {
	src := l.src
	patStart := l.pos
	depth := 0
	for l.pos < len(src) {
		c := src[l.pos]
		escaped := l.pos > 0 && src[l.pos-1] == '\\'
		if c == '/' && !escaped && depth == 0 {
			pattern := src[patStart:l.pos]
			if pattern == "" {
				return token{}, newError("S0301", l.pos, "", nil)
			}
			l.pos++
			fs := l.pos
			for l.pos < len(src) && (src[l.pos] == 'i' || src[l.pos] == 'm') {
				l.pos++
			}
			return token{kind: tokRegex, value: pattern, flags: src[fs:l.pos], start: start, pos: l.pos}, nil
		}
		if (c == '(' || c == '[' || c == '{') && !escaped {
			depth++
		}
		if (c == ')' || c == ']' || c == '}') && !escaped {
			depth--
		}
		l.pos++
	}
	return token{}, newError("S0302", l.pos, "", nil)
}
