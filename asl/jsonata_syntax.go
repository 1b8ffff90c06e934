package asl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file checks the syntax of a JSONata expression (version 2.0.6, the one AWS runs) without
// evaluating it: a tokenizer and a Pratt parser after jsonata-js's own, which build no tree. Error
// messages are jsonata-js's, which AWS passes on without their codes (floci-io/floci#2745). It also finds
// a name read at the top level, which AWS refuses because a JSONata state has no input document there.
//
// The JSONata engine (asl/jsonata, another issue) will have its own parser; the validator should then use
// it and this file should go.

// maxJSONataDepth bounds the nesting of an expression, so that hostile input cannot exhaust the stack.
const maxJSONataDepth = 500

// jsonataResult is what checkJSONata found: a syntax error, else the first name read at the top level.
type jsonataResult struct {
	err      string
	topLevel string
}

// checkJSONata checks one expression, the text between "{%" and "%}".
func checkJSONata(src string) jsonataResult {
	toks, err := lexJSONata(src)
	if err != "" {
		return jsonataResult{err: err}
	}
	p := &jsonataParser{toks: toks}
	if err := p.parse(); err != "" {
		return jsonataResult{err: err}
	}
	return jsonataResult{topLevel: p.topLevel}
}

// jtKind is the kind of a token.
type jtKind int

const (
	jtEnd jtKind = iota
	jtOp
	jtName     // a field name: plain or `quoted`
	jtVariable // $name, $ or $$
	jtString
	jtNumber
	jtValue // true, false, null
	jtRegex
)

type jsonataToken struct {
	kind  jtKind
	value string
}

func (t jsonataToken) String() string {
	if t.kind == jtEnd {
		return "(end)"
	}
	return t.value
}

// jsonataOps are the operator characters: they end a name.
const jsonataOps = ".[]{}(),@#;:?+-*/%|=<>^&!~"

var jsonataTwoCharOps = []string{"..", ":=", "!=", ">=", "<=", "**", "~>"}

// lexJSONata splits an expression into tokens. A "/" starts a regular expression where an operand is
// expected (after an operator or an opening bracket, or at the start), as in jsonata-js.
func lexJSONata(s string) ([]jsonataToken, string) {
	var toks []jsonataToken
	i := 0
	operandExpected := func() bool {
		if len(toks) == 0 {
			return true
		}
		t := toks[len(toks)-1]
		return t.kind == jtOp && t.value != ")" && t.value != "]" && t.value != "}"
	}
	for {
		for i < len(s) && strings.IndexByte(" \t\n\r\v", s[i]) >= 0 {
			i++
		}
		if i >= len(s) {
			return append(toks, jsonataToken{kind: jtEnd}), ""
		}
		c := s[i]
		switch {
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, "Comment has no closing tag"
			}
			i += 2 + end + 2
			continue
		case c == '/' && operandExpected():
			n, err := scanRegex(s[i+1:])
			if err != "" {
				return nil, err
			}
			toks = append(toks, jsonataToken{kind: jtRegex, value: s[i : i+1+n]})
			i += 1 + n
			continue
		}
		if i+1 < len(s) {
			two := s[i : i+2]
			if containsString(jsonataTwoCharOps, two) {
				toks = append(toks, jsonataToken{kind: jtOp, value: two})
				i += 2
				continue
			}
		}
		switch {
		case strings.IndexByte(jsonataOps, c) >= 0:
			toks = append(toks, jsonataToken{kind: jtOp, value: string(c)})
			i++
		case c == '"' || c == '\'':
			n, err := scanString(s[i:])
			if err != "" {
				return nil, err
			}
			toks = append(toks, jsonataToken{kind: jtString, value: s[i : i+n]})
			i += n
		case c >= '0' && c <= '9':
			n := scanNumber(s[i:])
			if f, err := strconv.ParseFloat(s[i:i+n], 64); err != nil || math.IsInf(f, 0) {
				return nil, fmt.Sprintf("Number out of range: %s", s[i:i+n])
			}
			toks = append(toks, jsonataToken{kind: jtNumber, value: s[i : i+n]})
			i += n
		case c == '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				return nil, "Quoted property name must be terminated with a backquote (`)"
			}
			toks = append(toks, jsonataToken{kind: jtName, value: s[i+1 : i+1+end]})
			i += end + 2
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t\n\r\v", s[j]) < 0 && strings.IndexByte(jsonataOps, s[j]) < 0 {
				j++
			}
			word := s[i:j]
			// "$" followed by name characters is a variable; the scan above stops at operators, so "$$" is
			// the variable named "$".
			if c == '$' && j == i+1 && j < len(s) && s[j] == '$' {
				j++
				word = "$$"
			}
			i = j
			switch {
			case word[0] == '$':
				toks = append(toks, jsonataToken{kind: jtVariable, value: word})
			case word == "and" || word == "or" || word == "in":
				toks = append(toks, jsonataToken{kind: jtOp, value: word})
			case word == "true" || word == "false" || word == "null":
				toks = append(toks, jsonataToken{kind: jtValue, value: word})
			default:
				toks = append(toks, jsonataToken{kind: jtName, value: word})
			}
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scanRegex reads a regular expression after its opening "/" and returns the length of the rest, flags
// included: the pattern ends at the first unescaped "/" outside brackets.
func scanRegex(s string) (int, string) {
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		escaped := i > 0 && s[i-1] == '\\'
		if c == '/' && depth == 0 {
			backslashes := 0
			for k := i - 1; k >= 0 && s[k] == '\\'; k-- {
				backslashes++
			}
			if backslashes%2 == 0 {
				if i == 0 {
					return 0, "Empty regular expressions are not allowed"
				}
				j := i + 1
				for j < len(s) && (s[j] == 'i' || s[j] == 'm') {
					j++
				}
				return j, ""
			}
		}
		if !escaped && strings.IndexByte("([{", c) >= 0 {
			depth++
		}
		if !escaped && strings.IndexByte(")]}", c) >= 0 {
			depth--
		}
	}
	return 0, "No terminating / in regular expression"
}

// scanString reads a quoted string literal, checking its escapes, and returns its length with quotes.
func scanString(s string) (int, string) {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case q:
			return i + 1, ""
		case '\\':
			i++
			if i >= len(s) {
				break
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s) || !isHex(s[i+1:i+5]) {
					return 0, "The escape sequence \\u must be followed by 4 hex digits"
				}
				i += 4
			default:
				r, _ := utf8.DecodeRuneInString(s[i:])
				return 0, fmt.Sprintf("Unsupported escape sequence: \\%c", r)
			}
		}
	}
	return 0, "String literal must be terminated by a matching quote"
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}

// scanNumber returns the length of the number at the start of s: (0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?
func scanNumber(s string) int {
	i := 0
	digits := func() {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if s[0] == '0' {
		i = 1
	} else {
		digits()
	}
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		digits()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			i = j
			digits()
		}
	}
	return i
}

// jsonataInfix holds the left binding power of each infix operator (jsonata-js's table). Tokens that are
// not listed bind nothing and end an expression.
var jsonataInfix = map[string]int{
	".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80, "?": 20,
	"+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "&": 50,
	"=": 40, "<": 40, ">": 40, "!=": 40, "<=": 40, ">=": 40, "in": 40, "~>": 40, "^": 40,
	"and": 30, "or": 25, ":=": 10,
}

type jsonataParser struct {
	toks []jsonataToken
	pos  int
	// relative counts the enclosing constructs whose names are read relative to a value (the right of
	// ".", a predicate, a group-by, a sort term) rather than at the top level.
	relative int
	depth    int
	topLevel string
	// lastNud is the kind of the last operand read, for the operators that need a variable on one side.
	lastNud jtKind
}

func (p *jsonataParser) peek() jsonataToken { return p.toks[p.pos] }

func (p *jsonataParser) next() jsonataToken {
	t := p.toks[p.pos]
	if t.kind != jtEnd {
		p.pos++
	}
	return t
}

// is reports whether the current token is the operator op.
func (p *jsonataParser) is(op string) bool {
	t := p.peek()
	return t.kind == jtOp && t.value == op
}

// expect consumes the operator op or reports jsonata-js's error.
func (p *jsonataParser) expect(op string) string {
	if p.is(op) {
		p.pos++
		return ""
	}
	if t := p.peek(); t.kind != jtEnd {
		return fmt.Sprintf("Expected %q, got %q", op, t.value)
	}
	return fmt.Sprintf("Expected %q before end of expression", op)
}

func (p *jsonataParser) parse() string {
	if err := p.expression(0); err != "" {
		return err
	}
	if t := p.peek(); t.kind != jtEnd {
		return fmt.Sprintf("Syntax error: %q", t.value)
	}
	return ""
}

func (p *jsonataParser) lbp(t jsonataToken) int {
	if t.kind != jtOp {
		return 0
	}
	return jsonataInfix[t.value]
}

func (p *jsonataParser) expression(rbp int) string {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxJSONataDepth {
		return "The expression is nested too deeply"
	}
	if err := p.nud(p.next()); err != "" {
		return err
	}
	for rbp < p.lbp(p.peek()) {
		if err := p.led(p.next()); err != "" {
			return err
		}
	}
	return ""
}

// relativeExpression parses an expression whose names are read relative to a value.
func (p *jsonataParser) relativeExpression(rbp int) string {
	p.relative++
	defer func() { p.relative-- }()
	return p.expression(rbp)
}

// nud reads a token that starts an operand.
func (p *jsonataParser) nud(t jsonataToken) string {
	p.lastNud = t.kind
	switch t.kind {
	case jtEnd:
		return "Unexpected end of expression"
	case jtString, jtNumber, jtValue, jtRegex, jtVariable:
		return ""
	case jtName:
		if (t.value == "function" || t.value == "λ") && p.is("(") {
			return p.lambda()
		}
		if p.relative == 0 && p.topLevel == "" {
			p.topLevel = t.value
		}
		return ""
	}
	switch t.value {
	case "-":
		return p.expression(70)
	case "*", "**", "%":
		return "" // wildcard, descendants, parent
	case "and", "or", "in":
		return "" // these words are names where an operand is expected
	case "(":
		for !p.is(")") {
			if err := p.expression(0); err != "" {
				return err
			}
			if !p.is(";") {
				break
			}
			p.pos++
		}
		return p.expect(")")
	case "[":
		return p.list("]", func() string {
			if err := p.expression(0); err != "" {
				return err
			}
			if p.is("..") {
				p.pos++
				return p.expression(0)
			}
			return ""
		})
	case "{":
		return p.pairs()
	case "|":
		// A transform: | pattern | update [, delete] |, all read relative to the value transformed.
		if err := p.relativeExpression(0); err != "" {
			return err
		}
		if err := p.expect("|"); err != "" {
			return err
		}
		if err := p.relativeExpression(0); err != "" {
			return err
		}
		if p.is(",") {
			p.pos++
			if err := p.relativeExpression(0); err != "" {
				return err
			}
		}
		return p.expect("|")
	}
	return fmt.Sprintf("The symbol %q cannot be used as a unary operator", t.value)
}

// led reads an infix operator and its right side.
func (p *jsonataParser) led(t jsonataToken) string {
	switch t.value {
	case ".":
		return p.relativeExpression(75)
	case "[":
		if p.is("]") {
			p.pos++
			return ""
		}
		if err := p.relativeExpression(0); err != "" {
			return err
		}
		return p.expect("]")
	case "{":
		p.relative++
		defer func() { p.relative-- }()
		return p.pairs()
	case "(":
		return p.list(")", func() string {
			if p.is("?") {
				p.pos++ // a placeholder of partial application
				return ""
			}
			return p.expression(0)
		})
	case "?":
		if err := p.expression(0); err != "" {
			return err
		}
		if p.is(":") {
			p.pos++
			return p.expression(0)
		}
		return ""
	case ":=":
		if p.lastNud != jtVariable {
			return "The left side of := must be a variable name (start with $)"
		}
		return p.expression(9)
	case "@", "#":
		if v := p.next(); v.kind != jtVariable {
			return fmt.Sprintf("The right side of %s must be a variable name (start with $)", t.value)
		}
		p.lastNud = jtVariable
		return ""
	case "^":
		if err := p.expect("("); err != "" {
			return err
		}
		return p.list(")", func() string {
			if p.is("<") || p.is(">") {
				p.pos++
			}
			return p.relativeExpression(0)
		})
	}
	return p.expression(jsonataInfix[t.value])
}

// list reads items separated by "," up to the closing operator (already past the opening one).
func (p *jsonataParser) list(closing string, item func() string) string {
	if !p.is(closing) {
		for {
			if err := item(); err != "" {
				return err
			}
			if !p.is(",") {
				break
			}
			p.pos++
		}
	}
	return p.expect(closing)
}

// pairs reads the "key: value" pairs of an object constructor or a group-by, up to "}".
func (p *jsonataParser) pairs() string {
	return p.list("}", func() string {
		if err := p.expression(0); err != "" {
			return err
		}
		if err := p.expect(":"); err != "" {
			return err
		}
		return p.expression(0)
	})
}

// lambda reads "function($a, $b)<signature>{ body }" after the word function.
func (p *jsonataParser) lambda() string {
	p.pos++ // (
	err := p.list(")", func() string {
		if t := p.next(); t.kind != jtVariable {
			return fmt.Sprintf("Parameter %s of function definition must be a variable name (start with $)", t)
		}
		return ""
	})
	if err != "" {
		return err
	}
	if p.is("<") {
		for depth := 0; ; {
			t := p.next()
			switch {
			case t.kind == jtEnd:
				return "Expected \">\" before end of expression"
			case t.kind == jtOp && t.value == "<":
				depth++
			case t.kind == jtOp && t.value == ">":
				depth--
			}
			if depth == 0 {
				break
			}
		}
	}
	if err := p.expect("{"); err != "" {
		return err
	}
	if err := p.expression(0); err != "" {
		return err
	}
	return p.expect("}")
}
