package dynamodb

import (
	"strings"
	"unicode/utf8"
)

// tokKind is a lexical class of DynamoDB's expression languages.
type tokKind uint8

const (
	tokEOF      tokKind = iota
	tokIdent            // attribute name, function name or keyword
	tokName             // #name placeholder
	tokValue            // :value placeholder
	tokNumber           // list index
	tokLParen           // (
	tokRParen           // )
	tokLBracket         // [
	tokRBracket         // ]
	tokComma            // ,
	tokDot              // .
	tokEq               // =
	tokNe               // <>
	tokLt               // <
	tokLe               // <=
	tokGt               // >
	tokGe               // >=
	tokPlus             // +
	tokMinus            // -
	tokInvalid          // a character no expression may contain
)

// token is one lexeme with its byte span in the expression, which syntax errors quote.
type token struct {
	kind       tokKind
	text       string
	start, end int
}

// is reports whether the token is the keyword kw (keywords are case-insensitive).
func (t token) is(kw string) bool { return t.kind == tokIdent && strings.EqualFold(t.text, kw) }

// lex splits an expression into tokens, ending with tokEOF. It never fails: a character that cannot start
// a token becomes a tokInvalid the parser reports where it meets it, as DynamoDB does.
func lex(src string) []token {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		kind := tokInvalid
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case isIdentStart(c):
			for i++; i < len(src) && isIdentPart(src[i]); i++ {
			}
			kind = tokIdent
		case c >= '0' && c <= '9':
			for i++; i < len(src) && src[i] >= '0' && src[i] <= '9'; i++ {
			}
			kind = tokNumber
		case c == '#' || c == ':':
			// A placeholder needs at least one name character; a lone # or : is an invalid token.
			for i++; i < len(src) && isIdentPart(src[i]); i++ {
			}
			switch {
			case i == start+1:
			case c == '#':
				kind = tokName
			default:
				kind = tokValue
			}
		case c == '<' && i+1 < len(src) && src[i+1] == '>':
			i += 2
			kind = tokNe
		case c == '<' && i+1 < len(src) && src[i+1] == '=':
			i += 2
			kind = tokLe
		case c == '>' && i+1 < len(src) && src[i+1] == '=':
			i += 2
			kind = tokGe
		default:
			i++
			if k, ok := singleCharTokens[c]; ok {
				kind = k
			} else if c >= utf8.RuneSelf {
				_, n := utf8.DecodeRuneInString(src[start:])
				i = start + n
			}
		}
		toks = append(toks, token{kind: kind, text: src[start:i], start: start, end: i})
	}
	return append(toks, token{kind: tokEOF, text: "<EOF>", start: len(src), end: len(src)})
}

var singleCharTokens = map[byte]tokKind{
	'(': tokLParen, ')': tokRParen, '[': tokLBracket, ']': tokRBracket, ',': tokComma, '.': tokDot,
	'=': tokEq, '<': tokLt, '>': tokGt, '+': tokPlus, '-': tokMinus,
}

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
