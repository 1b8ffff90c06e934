// Package intrinsic parses and evaluates the intrinsic functions of the Amazon States Language
// (States.Format, States.Array, ... 18 in all) the way AWS Step Functions evaluates them.
//
// A call is parsed once (Parse) and evaluated many times (Call.Eval) against an Env that resolves its
// path arguments. Parse rejects what can never run: bad syntax, unknown functions, wrong argument
// counts, literals of the wrong type, and calls made only of literals that fail when evaluated.
package intrinsic

import (
	"encoding/json"
	"fmt"
	"github.com/aslrun/aslrun/asl/failure"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/jsonpath"
)

// maxDepth is how deeply AWS lets intrinsic calls nest in one field.
const maxDepth = 10

const prefix = "States."

// IsCall reports whether s is meant as an intrinsic function call rather than a path: it starts with
// "States.". Leading blanks are not skipped: nothing shows that AWS skips them.
func IsCall(s string) bool { return strings.HasPrefix(s, prefix) }

// ParseError describes why an expression is not a valid intrinsic function call.
type ParseError struct {
	Offset int    // byte offset in the expression
	Msg    string // what is wrong
	Err    error  // the path parser's error, for an invalid path argument
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid intrinsic function call at offset %d: %s", e.Offset, e.Msg)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Call is a parsed intrinsic function call. It is immutable and safe for concurrent use.
type Call struct {
	fn   *function
	args []arg
	// tmpl is the template of a States.Format whose template is a literal, split once at Parse.
	tmpl []segment
}

// arg is one argument: a path, a nested call or a literal.
type arg struct {
	path *jsonpath.Path
	// badPath holds why a path argument is not valid JSONPath. AWS does not check the paths inside an
	// intrinsic at CreateStateMachine (a filter with a bare word, "[?(@.k == FooBar)]", is accepted), so
	// neither does Parse: evaluating the argument fails instead, and BadPaths lets a linter warn.
	badPath error
	call    *Call
	lit     any    // the literal's value: string, int64, float64, json.Number, bool or nil
	src     string // the argument as written
	at      int    // its offset in the expression
}

// Env resolves path arguments at run time.
type Env interface {
	Resolve(p *jsonpath.Path) (any, error)
}

// Parse compiles one call expression such as "States.Format('Hello {}', $.name)"; calls nest, up to 10
// deep. Path arguments ($..., $$..., $name...) are compiled here, so evaluation parses nothing.
func Parse(s string) (*Call, error) {
	p := &parser{s: s}
	c, err := p.call()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(s) {
		return nil, p.errorf(p.pos, "unexpected %s after the call", p.describe())
	}
	return c, nil
}

// String returns the call as Parse reads it, with one space after each comma.
func (c *Call) String() string {
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c *Call) write(b *strings.Builder) {
	b.WriteString(c.fn.name)
	b.WriteByte('(')
	for i, a := range c.args {
		if i > 0 {
			b.WriteString(", ")
		}
		if a.call != nil {
			a.call.write(b)
		} else {
			b.WriteString(a.src)
		}
	}
	b.WriteByte(')')
}

// Paths returns the path arguments of the call and its nested calls, left to right, so a validator can
// check the variables and context fields they read.
func (c *Call) Paths() []*jsonpath.Path {
	var out []*jsonpath.Path
	for _, a := range c.args {
		switch {
		case a.path != nil:
			out = append(out, a.path)
		case a.call != nil:
			out = append(out, a.call.Paths()...)
		}
	}
	return out
}

// BadPaths returns why path arguments of the call and its nested calls are not valid JSONPath.
func (c *Call) BadPaths() []error {
	var out []error
	for _, a := range c.args {
		switch {
		case a.badPath != nil:
			out = append(out, a.badPath)
		case a.call != nil:
			out = append(out, a.call.BadPaths()...)
		}
	}
	return out
}

// Eval evaluates the call. An argument AWS would reject yields a *failure.Error named States.Runtime
// (without the interpreter's "An error occurred while executing the state ..." prefix); an error from
// env.Resolve is returned unchanged.
//
// A call and the calls nested in it may build at most maxBytes (estimated); beyond, they fail with
// States.Runtime.
func (c *Call) Eval(env Env) (any, error) {
	return c.eval(env, &budget{left: maxBytes})
}

func (c *Call) eval(env Env, b *budget) (any, error) {
	args := make([]any, len(c.args))
	for i, a := range c.args {
		switch {
		case a.badPath != nil:
			return nil, failure.New(failure.Runtime, a.badPath.Error())
		case a.path != nil:
			v, err := env.Resolve(a.path)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case a.call != nil:
			v, err := a.call.eval(env, b)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			args[i] = a.lit
		}
	}
	for i, v := range args {
		if p := c.fn.param(i); p != nil && !p.ok(v) {
			return nil, c.fn.invalid()
		}
	}
	if err := b.admit(c.fn, args); err != nil {
		return nil, err
	}
	v, err := c.fn.eval(c, args)
	if err != nil {
		return nil, err
	}
	return v, b.spend(c.fn, v)
}

type parser struct {
	s     string
	pos   int
	depth int
}

func (p *parser) errorf(at int, format string, a ...any) *ParseError {
	return &ParseError{Offset: at, Msg: fmt.Sprintf(format, a...)}
}

// describe names what is at the current position, for error messages.
func (p *parser) describe() string {
	if p.pos >= len(p.s) {
		return "end of expression"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *parser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWord(c byte) bool { return c == '_' || isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }

func (p *parser) skipSpace() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.s) && isWord(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

// call reads "States.Name(arg, ...)".
func (p *parser) call() (*Call, error) {
	start := p.pos
	if !strings.HasPrefix(p.s[p.pos:], prefix) {
		return nil, p.errorf(start, "expected an intrinsic function call such as States.Format(...)")
	}
	p.pos += len(prefix)
	name := p.word()
	fn := functions[name]
	if fn == nil {
		return nil, p.errorf(start, "unknown intrinsic function %q", prefix+name)
	}
	if p.depth++; p.depth > maxDepth {
		return nil, p.errorf(start, "intrinsic functions nest more than %d deep", maxDepth)
	}
	if p.peek() != '(' {
		return nil, p.errorf(p.pos, "expected '(' after %s, found %s", fn.name, p.describe())
	}
	p.pos++
	c := &Call{fn: fn}
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
	} else {
		for done := false; !done; {
			p.skipSpace()
			a, err := p.arg()
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, a)
			p.skipSpace()
			switch p.peek() {
			case ',':
				p.pos++
			case ')':
				p.pos++
				done = true
			default:
				if p.pos >= len(p.s) {
					return nil, p.errorf(start, "unclosed argument list of %s", fn.name)
				}
				return nil, p.errorf(p.pos, "expected ',' or ')' after an argument of %s, found %s", fn.name, p.describe())
			}
		}
	}
	p.depth--
	if err := c.check(start); err != nil {
		return nil, err
	}
	return c, nil
}

// arg reads one argument.
func (p *parser) arg() (arg, error) {
	start := p.pos
	switch c := p.peek(); {
	case c == '\'':
		return p.str()
	case c == '$':
		return p.path()
	case c == '-' || isDigit(c):
		return p.number()
	case strings.HasPrefix(p.s[p.pos:], prefix):
		c, err := p.call()
		return arg{call: c, src: p.s[start:p.pos], at: start}, err
	case isWord(c):
		a := arg{src: p.word(), at: start}
		switch a.src {
		case "true":
			a.lit = true
		case "false":
			a.lit = false
		case "null":
		default:
			return a, p.errorf(start, "unexpected %q: an argument is a 'string', a number, true, false, null, a path or an intrinsic function", a.src)
		}
		return a, nil
	}
	return arg{}, p.errorf(start, "expected an argument, found %s", p.describe())
}

// str reads a single-quoted string. AWS documents four escapes, \' \{ \} and \\, and rejects \"
// (States.Format('He said, \"Hello\"', ...), recorded). Deployed definitions also hold \n, so the
// control escapes of Java strings, \n \t \r \b \f, are read as the characters they stand for (ours:
// AWS documents them nowhere); any other backslash makes the definition invalid.
func (p *parser) str() (arg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.s) {
			return arg{}, p.errorf(start, "unclosed string literal")
		}
		switch c := p.s[p.pos]; c {
		case '\'':
			p.pos++
			return arg{lit: b.String(), src: p.s[start:p.pos], at: start}, nil
		case '\\':
			p.pos++
			switch e := p.peek(); e {
			case '\'', '{', '}', '\\':
				b.WriteByte(e)
				p.pos++
			case 'n', 't', 'r', 'b', 'f':
				b.WriteByte(controlEscapes[e])
				p.pos++
			default:
				if p.pos >= len(p.s) {
					return arg{}, p.errorf(start, "unclosed string literal")
				}
				return arg{}, p.errorf(p.pos-1, `illegal escape \%s in a string literal: only \', \{, \}, \\, \n, \t, \r, \b and \f are allowed`, strings.Trim(p.describe(), "'"))
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// path reads a path argument: up to a ',' or ')' or blank outside brackets, parentheses and quotes, so
// filters such as [?(@.a == 'x, y')] stay whole.
func (p *parser) path() (arg, error) {
	start := p.pos
	depth := 0
scan:
	for ; p.pos < len(p.s); p.pos++ {
		switch c := p.s[p.pos]; {
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			if depth == 0 {
				break scan
			}
			depth--
		case depth > 0 && (c == '\'' || c == '"'):
			for p.pos++; p.pos < len(p.s) && p.s[p.pos] != c; p.pos++ {
				if p.s[p.pos] == '\\' {
					p.pos++
				}
			}
		case depth == 0 && (c == ',' || isSpace(c)):
			break scan
		}
	}
	p.pos = min(p.pos, len(p.s))
	src := p.s[start:p.pos]
	if src == "" {
		return arg{}, p.errorf(start, "expected a path")
	}
	jp, err := jsonpath.Parse(src)
	if err != nil {
		return arg{badPath: &ParseError{Offset: start, Msg: fmt.Sprintf("invalid path %s: %v", src, err), Err: err}, src: src, at: start}, nil
	}
	return arg{path: jp, src: src, at: start}, nil
}

// number reads a JSON number: an integer is an int64 (a json.Number beyond int64, as ojg reads
// documents), anything with a fraction or exponent a float64.
func (p *parser) number() (arg, error) {
	start := p.pos
	bad := func() (arg, error) {
		for p.pos < len(p.s) && !isSpace(p.s[p.pos]) && p.s[p.pos] != ',' && p.s[p.pos] != ')' {
			p.pos++
		}
		return arg{}, p.errorf(start, "invalid number %q", p.s[start:p.pos])
	}
	digits := func() bool {
		n := p.pos
		for p.pos < len(p.s) && isDigit(p.s[p.pos]) {
			p.pos++
		}
		return p.pos > n
	}
	if p.peek() == '-' {
		p.pos++
	}
	if p.peek() == '0' {
		p.pos++
	} else if !digits() {
		return bad()
	}
	integer := true
	if p.peek() == '.' {
		p.pos++
		integer = false
		if !digits() {
			return bad()
		}
	}
	if p.peek()|0x20 == 'e' {
		p.pos++
		integer = false
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if !digits() {
			return bad()
		}
	}
	if p.pos < len(p.s) && !isSpace(p.s[p.pos]) && p.s[p.pos] != ',' && p.s[p.pos] != ')' {
		return bad()
	}
	a := arg{src: p.s[start:p.pos], at: start}
	switch {
	case !integer:
		f, err := strconv.ParseFloat(a.src, 64)
		if err != nil || math.IsInf(f, 0) {
			return arg{}, p.errorf(start, "number %s is out of range", a.src)
		}
		a.lit = f
	default:
		if i, err := strconv.ParseInt(a.src, 10, 64); err == nil {
			a.lit = i
		} else {
			a.lit = json.Number(a.src)
		}
	}
	return a, nil
}

// check rejects a call that can never succeed: a wrong argument count, a literal of the wrong kind, a
// States.Format template that does not fit its arguments, or a call made only of literals that fails.
func (c *Call) check(at int) error {
	f := c.fn
	if n := len(c.args); n < f.min || f.max >= 0 && n > f.max {
		return &ParseError{Offset: at, Msg: fmt.Sprintf("%s takes %s, got %d", f.name, f.arity(), n)}
	}
	constant := true
	for i, a := range c.args {
		switch {
		case a.path != nil || a.badPath != nil:
			constant = false
		case a.call != nil:
			constant = constant && len(a.call.Paths()) == 0
		default:
			if p := f.param(i); p != nil && !p.ok(a.lit) {
				return &ParseError{Offset: a.at, Msg: fmt.Sprintf("argument %d of %s must be %s, got %s", i+1, f.name, p.what, a.src)}
			}
		}
	}
	if f.name == "States.Format" && c.args[0].path == nil && c.args[0].badPath == nil && c.args[0].call == nil {
		raw := c.args[0].src
		tmpl, n, ok := parseTemplate(raw[1 : len(raw)-1])
		switch {
		case !ok:
			return &ParseError{Offset: c.args[0].at, Msg: "States.Format template has a '{' or '}' that is not part of {}; escape it as \\{ or \\}"}
		case n != len(c.args)-1:
			return &ParseError{Offset: at, Msg: fmt.Sprintf("States.Format template has %d {} placeholders but %s", n, plural(len(c.args)-1)+" follow it")}
		}
		c.tmpl = tmpl
	}
	if constant {
		if _, err := c.Eval(nil); err != nil {
			return &ParseError{Offset: at, Msg: fmt.Sprintf("%s fails with these arguments: %v", f.name, err)}
		}
	}
	return nil
}

// controlEscapes are the characters of the control escapes a string literal may hold.
var controlEscapes = map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}
