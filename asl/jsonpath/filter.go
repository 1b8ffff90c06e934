package jsonpath

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/ohler55/ojg/sen"

	"github.com/aslrun/aslrun/asl/value"
)

// Filter expressions ([?(...)]) follow Jayway's filter language, since AWS evaluates them with Jayway:
// "||" binds weaker than "&&", "=~" must match the whole string, "$" reads the document root, a bare
// path tests that the path exists ("!@.x" that it does not), and the operators are == != === !== < <=
// > >= =~ in nin contains all size empty subsetof anyof noneof.

// expr is a compiled filter expression. match is called with "@" bound to an object.
type expr interface {
	match(root, item any) bool
}

type orExpr []expr

func (e orExpr) match(root, item any) bool {
	for _, x := range e {
		if x.match(root, item) {
			return true
		}
	}
	return false
}

type andExpr []expr

func (e andExpr) match(root, item any) bool {
	for _, x := range e {
		if !x.match(root, item) {
			return false
		}
	}
	return true
}

type notExpr struct{ e expr }

func (e notExpr) match(root, item any) bool { return !e.e.match(root, item) }

// existsExpr is a bare path: true when it selects something (want), or nothing (!want).
type existsExpr struct {
	path operand
	want bool
}

func (e existsExpr) match(root, item any) bool {
	v := e.path.value(root, item)
	found := v.ok
	if found && e.path.mode == modeMulti {
		found = len(v.v.([]any)) > 0
	}
	return found == e.want
}

type relOp uint8

const (
	opEq relOp = iota
	opNe
	opStrictEq
	opStrictNe
	opLt
	opLe
	opGt
	opGe
	opRegex
	opIn
	opNin
	opContains
	opAll
	opSize
	opEmpty
	opSubsetOf
	opAnyOf
	opNoneOf
)

var symbolOps = map[string]relOp{
	"==": opEq, "!=": opNe, "===": opStrictEq, "!==": opStrictNe,
	"<": opLt, "<=": opLe, ">": opGt, ">=": opGe, "=~": opRegex,
}

var wordOps = map[string]relOp{
	"in": opIn, "nin": opNin, "contains": opContains, "all": opAll, "size": opSize, "empty": opEmpty,
	"subsetof": opSubsetOf, "anyof": opAnyOf, "noneof": opNoneOf,
}

type relExpr struct {
	op          relOp
	left, right operand
}

func (e relExpr) match(root, item any) bool {
	if e.left.unquoted || e.right.unquoted {
		return false
	}
	return compare(e.op, e.left.value(root, item), e.right.value(root, item))
}

// operand is a literal or a path ("@..." from the tested object, "$..." from the document root).
type operand struct {
	isPath   bool
	fromRoot bool
	segs     []segment
	mode     mode
	lit      any
	re       *regexp.Regexp
	// unquoted marks an unquoted word, which no value equals or orders with.
	unquoted bool
}

// fvalue is an evaluated operand; ok is false for a path that selected nothing (Jayway's undefined).
type fvalue struct {
	v  any
	ok bool
	re *regexp.Regexp
}

func (o *operand) value(root, item any) fvalue {
	if !o.isPath {
		return fvalue{v: o.lit, ok: true, re: o.re}
	}
	start := item
	if o.fromRoot {
		start = root
	}
	v, ok := get(o.segs, o.mode, root, start)
	return fvalue{v: v, ok: ok}
}

// or reads a filter expression: alternatives of conjunctions.
func (p *parser) or() (expr, error) {
	return p.chain("||", p.and, func(l []expr) expr { return orExpr(l) })
}

func (p *parser) and() (expr, error) {
	return p.chain("&&", p.unary, func(l []expr) expr { return andExpr(l) })
}

func (p *parser) chain(sep string, next func() (expr, error), join func([]expr) expr) (expr, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	list := []expr{first}
	for {
		p.skipBlanks()
		if !strings.HasPrefix(p.src[p.pos:], sep) {
			break
		}
		p.pos += len(sep)
		e, err := next()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	if len(list) == 1 {
		return first, nil
	}
	return join(list), nil
}

// unary reads "!(...)", "(...)" or a comparison. "!" before a path belongs to the path (a
// non-existence test), as in Jayway.
func (p *parser) unary() (expr, error) {
	p.skipBlanks()
	if p.eof() {
		return nil, p.errorf(p.pos, "expected an expression")
	}
	switch p.src[p.pos] {
	case '!':
		save := p.pos
		p.pos++
		p.skipBlanks()
		if !p.eof() && (p.src[p.pos] == '@' || p.src[p.pos] == '$') {
			p.pos = save
			return p.comparison()
		}
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notExpr{e}, nil
	case '(':
		open := p.pos
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		p.skipBlanks()
		if p.eof() || p.src[p.pos] != ')' {
			return nil, p.errorf(open, "unclosed '('")
		}
		p.pos++
		return e, nil
	}
	return p.comparison()
}

// comparison reads "operand op operand", or a bare path as an existence test.
func (p *parser) comparison() (expr, error) {
	start := p.pos
	left, negated, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.skipBlanks()
	op, ok, err := p.relOp()
	if err != nil {
		return nil, err
	}
	if !ok {
		if !left.isPath {
			return nil, p.errorf(start, "expected a path or a comparison")
		}
		return existsExpr{path: left, want: !negated}, nil
	}
	right, _, err := p.operand()
	if err != nil {
		return nil, err
	}
	return relExpr{op: op, left: left, right: right}, nil
}

// relOp reads an operator if one follows; ok is false when the next character cannot start one.
func (p *parser) relOp() (relOp, bool, error) {
	start := p.pos
	end := start
	if end < len(p.src) && isLetter(p.src[end]) {
		for end < len(p.src) && isLetter(p.src[end]) {
			end++
		}
		word := p.src[start:end]
		op, ok := wordOps[strings.ToLower(word)]
		if !ok {
			return 0, false, p.errorf(start, "unknown operator %q", word)
		}
		p.pos = end
		return op, true, nil
	}
	for end < len(p.src) && strings.IndexByte("<>=!~", p.src[end]) >= 0 {
		end++
	}
	if end == start {
		return 0, false, nil
	}
	op, ok := symbolOps[p.src[start:end]]
	if !ok {
		return 0, false, p.errorf(start, "unknown operator %q", p.src[start:end])
	}
	p.pos = end
	return op, true, nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// operand reads a path or a literal; negated tells that a path was written "!@...".
func (p *parser) operand() (operand, bool, error) {
	p.skipBlanks()
	if p.eof() {
		return operand{}, false, p.errorf(p.pos, "expected a value")
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '!':
		p.pos++
		p.skipBlanks()
		if p.eof() || (p.src[p.pos] != '@' && p.src[p.pos] != '$') {
			return operand{}, false, p.errorf(start, "'!' must precede a path or '('")
		}
		o, err := p.filterPath()
		return o, true, err
	case c == '@' || c == '$':
		o, err := p.filterPath()
		return o, false, err
	case c == '\'' || c == '"':
		s, err := p.quoted()
		return operand{lit: s}, false, err
	case c == '/':
		re, err := p.regex()
		return operand{re: re}, false, err
	case c == '[' || c == '{':
		v, err := p.jsonLiteral()
		return operand{lit: v}, false, err
	case c == '-' || isDigit(c):
		v, err := p.number()
		return operand{lit: v}, false, err
	case isLetter(c):
		end := p.pos
		for end < len(p.src) && isLetter(p.src[end]) {
			end++
		}
		word := p.src[p.pos:end]
		p.pos = end
		switch word {
		case "true":
			return operand{lit: true}, false, nil
		case "false":
			return operand{lit: false}, false, nil
		case "null":
			return operand{lit: nil}, false, nil
		}
		// An unquoted word ("[?(@.name==ecs.availability-zone)]"): Jayway's filter compiler reads no value
		// from it, yet AWS accepts the definition (aws-samples/aws-batch-runtime-monitoring deployed that
		// filter; its issue #6 reports that it did not select what was meant). So it is no syntax error
		// here: the comparison is never true, and lint warns (Path.UnquotedValues).
		for end < len(p.src) && !isBlank(p.src[end]) && strings.IndexByte(")&|<>=!~", p.src[end]) < 0 {
			end++
		}
		word = p.src[start:end]
		p.pos = end
		p.unquoted = append(p.unquoted, word)
		return operand{unquoted: true}, false, nil
	default:
		return operand{}, false, p.errorf(start, "unexpected %q, expected a value", p.char())
	}
}

// filterPath reads "@..." or "$...".
func (p *parser) filterPath() (operand, error) {
	fromRoot := p.src[p.pos] == '$'
	p.pos++
	if fromRoot && !p.eof() && p.src[p.pos] != '.' && p.src[p.pos] != '[' && !isFilterStop(p.src[p.pos]) {
		return operand{}, p.errorf(p.pos-1, "only '@' and '$' paths can be used in a filter")
	}
	segs, err := p.segments()
	if err != nil {
		return operand{}, err
	}
	return operand{isPath: true, fromRoot: fromRoot, segs: segs, mode: modeOf(segs)}, nil
}

// regex reads "/pattern/flags". Jayway matches the whole string (Matcher.matches), so the pattern is
// anchored; Java's flags i, m and s map to RE2's, d and u change nothing in RE2.
func (p *parser) regex() (*regexp.Regexp, error) {
	start := p.pos
	p.pos++
	var pat strings.Builder
	for {
		if p.eof() {
			return nil, p.errorf(start, "unterminated regular expression")
		}
		c := p.src[p.pos]
		if c == '/' {
			p.pos++
			break
		}
		if c == '\\' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/' {
			c = '/'
			p.pos++
		} else if c == '\\' && p.pos+1 < len(p.src) {
			pat.WriteByte(c)
			p.pos++
			c = p.src[p.pos]
		}
		pat.WriteByte(c)
		p.pos++
	}
	var flags strings.Builder
	for !p.eof() && isLetter(p.src[p.pos]) {
		switch f := p.src[p.pos]; f {
		case 'i', 'm', 's':
			flags.WriteByte(f)
		case 'd', 'u':
		default:
			return nil, p.errorf(p.pos, "unsupported regular expression flag %q", f)
		}
		p.pos++
	}
	src := `\A(?:` + pat.String() + `)\z`
	if flags.Len() > 0 {
		src = "(?" + flags.String() + ")" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, p.errorf(start, "invalid regular expression: %v", err)
	}
	return re, nil
}

// jsonLiteral reads "[...]" or "{...}". Jayway parses it leniently (single quotes allowed), as SEN does.
func (p *parser) jsonLiteral() (any, error) {
	start := p.pos
	depth := 0
	for !p.eof() {
		switch p.src[p.pos] {
		case '\'', '"':
			if _, err := p.quoted(); err != nil {
				return nil, err
			}
			continue
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				p.pos++
				v, err := sen.Parse([]byte(p.src[start:p.pos]))
				if err != nil {
					return nil, p.errorf(start, "invalid JSON literal: %v", err)
				}
				return v, nil
			}
		}
		p.pos++
	}
	return nil, p.errorf(start, "unclosed %q", p.src[start])
}

// number reads a numeric literal as int64 when it is integral, float64 otherwise.
func (p *parser) number() (any, error) {
	start := p.pos
	for !p.eof() && (isDigit(p.src[p.pos]) || strings.IndexByte("-+.eE", p.src[p.pos]) >= 0) {
		p.pos++
	}
	text := p.src[start:p.pos]
	if !strings.ContainsAny(text, ".eE") {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, p.errorf(start, "%q is not a number", text)
	}
	return f, nil
}

// compare applies a relational operator with Jayway's semantics.
func compare(op relOp, l, r fvalue) bool {
	switch op {
	case opEq:
		return equal(l, r)
	case opNe:
		return !equal(l, r)
	case opStrictEq:
		return sameKind(l, r) && equal(l, r)
	case opStrictNe:
		return !(sameKind(l, r) && equal(l, r))
	case opLt, opLe, opGt, opGe:
		c, ok := order(l, r)
		if !ok {
			return false
		}
		switch op {
		case opLt:
			return c < 0
		case opLe:
			return c <= 0
		case opGt:
			return c > 0
		}
		return c >= 0
	case opRegex:
		return regexMatch(l, r)
	case opIn:
		list, ok := r.v.([]any)
		return ok && r.ok && contains(list, l)
	case opNin:
		list, ok := r.v.([]any)
		return !(ok && r.ok && contains(list, l))
	case opContains:
		if s, ok := l.v.(string); ok && l.ok {
			sub, ok := r.v.(string)
			return ok && r.ok && strings.Contains(s, sub)
		}
		list, ok := l.v.([]any)
		return ok && l.ok && contains(list, r)
	case opSize:
		n, ok := toNumber(r.v)
		if !ok || !r.ok || !l.ok {
			return false
		}
		size, ok := length(l.v)
		return ok && int64(size) == n.int()
	case opEmpty:
		want, ok := r.v.(bool)
		if !ok || !r.ok || !l.ok {
			return false
		}
		size, ok := length(l.v)
		return ok && (size == 0) == want
	}
	// The list operators: all, subsetof, anyof, noneof.
	left, lok := l.v.([]any)
	right, rok := r.v.([]any)
	if !lok || !rok || !l.ok || !r.ok {
		return false
	}
	switch op {
	case opAll:
		return all(right, left)
	case opSubsetOf:
		return all(left, right)
	case opAnyOf:
		return anyIn(left, right)
	default: // opNoneOf
		return !anyIn(left, right)
	}
}

// contains reports whether list holds a value equal to v.
func contains(list []any, v fvalue) bool {
	for _, x := range list {
		if equal(v, fvalue{v: x, ok: true}) {
			return true
		}
	}
	return false
}

// all reports whether every element of sub is in list.
func all(sub, list []any) bool {
	for _, x := range sub {
		if !contains(list, fvalue{v: x, ok: true}) {
			return false
		}
	}
	return true
}

func anyIn(a, b []any) bool {
	for _, x := range a {
		if contains(b, fvalue{v: x, ok: true}) {
			return true
		}
	}
	return false
}

// length is Jayway's size: UTF-16 units of a string, elements of an array, members of an object.
func length(v any) (int, bool) {
	switch t := v.(type) {
	case string:
		n := 0
		for _, r := range t {
			n += utf16.RuneLen(r)
		}
		return n, true
	case []any:
		return len(t), true
	}
	return value.Len(v)
}

func regexMatch(l, r fvalue) bool {
	re, other := l.re, r
	if re == nil {
		re, other = r.re, l
	} else if r.re != nil {
		return false
	}
	if re == nil || !other.ok {
		return false
	}
	switch t := other.v.(type) {
	case string:
		return re.MatchString(t)
	case bool:
		return re.MatchString(strconv.FormatBool(t))
	case nil:
		return false
	case []any, map[string]any, *value.Object:
		return re.MatchString(compact(t))
	}
	if n, ok := toNumber(other.v); ok {
		return re.MatchString(n.String())
	}
	return false
}

// kindOf classifies a value as Jayway's ValueNode classes do, for === and !==.
func kindOf(v fvalue) int {
	switch {
	case !v.ok:
		return 0
	case v.re != nil:
		return 1
	}
	switch v.v.(type) {
	case nil:
		return 2
	case bool:
		return 3
	case string:
		return 4
	case []any, map[string]any, *value.Object:
		return 5
	}
	return 6 // a number
}

func sameKind(l, r fvalue) bool { return kindOf(l) == kindOf(r) }

// equal is Jayway's ValueNode equality: numbers and strings compare across the two kinds (a number
// equals the string that spells it), null only equals null, arrays and objects compare deeply.
func equal(l, r fvalue) bool {
	if !l.ok || !r.ok || l.re != nil || r.re != nil {
		return false
	}
	switch lv := l.v.(type) {
	case nil:
		return r.v == nil
	case bool:
		rb, ok := r.v.(bool)
		return ok && rb == lv
	case string:
		if rs, ok := r.v.(string); ok {
			return lv == rs
		}
		n, ok := toNumber(r.v)
		return ok && lv == n.String()
	case []any, map[string]any, *value.Object:
		return deepEqual(lv, r.v)
	}
	ln, ok := toNumber(l.v)
	if !ok {
		return false
	}
	if rs, isStr := r.v.(string); isStr {
		rn, err := parseNumber(rs)
		return err == nil && ln.cmp(rn) == 0
	}
	rn, ok := toNumber(r.v)
	return ok && ln.cmp(rn) == 0
}

func deepEqual(a, b any) bool {
	switch at := a.(type) {
	case []any:
		bt, ok := b.([]any)
		if !ok || len(at) != len(bt) {
			return false
		}
		for i := range at {
			if !deepEqual(at[i], bt[i]) {
				return false
			}
		}
		return true
	case map[string]any: // b may be a map or an Object: the same members are the same object
		if n, ok := value.Len(b); !ok || n != len(at) {
			return false
		}
		for k, v := range at {
			w, ok := value.Field(b, k)
			if !ok || !deepEqual(v, w) {
				return false
			}
		}
		return true
	case *value.Object:
		if n, ok := value.Len(b); !ok || n != at.Len() {
			return false
		}
		for _, m := range at.Members() {
			w, ok := value.Field(b, m.Key)
			if !ok || !deepEqual(m.Value, w) {
				return false
			}
		}
		return true
	}
	return equal(fvalue{v: a, ok: true}, fvalue{v: b, ok: true})
}

// order compares two numbers or two strings.
func order(l, r fvalue) (int, bool) {
	if !l.ok || !r.ok {
		return 0, false
	}
	if ls, ok := l.v.(string); ok {
		rs, ok := r.v.(string)
		return strings.Compare(ls, rs), ok
	}
	ln, lok := toNumber(l.v)
	rn, rok := toNumber(r.v)
	if !lok || !rok {
		return 0, false
	}
	return ln.cmp(rn), true
}

// num is a JSON number that keeps integers exact.
type num struct {
	i     int64
	f     float64
	isInt bool
}

func toNumber(v any) (num, bool) {
	switch t := v.(type) {
	case int64:
		return num{i: t, isInt: true}, true
	case int:
		return num{i: int64(t), isInt: true}, true
	case float64:
		return num{f: t}, true
	}
	return num{}, false
}

func parseNumber(s string) (num, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return num{i: n, isInt: true}, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	return num{f: f}, err
}

func (n num) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

func (n num) int() int64 {
	if n.isInt {
		return n.i
	}
	return int64(n.f)
}

func (n num) String() string {
	if n.isInt {
		return strconv.FormatInt(n.i, 10)
	}
	return strconv.FormatFloat(n.f, 'f', -1, 64)
}

func (n num) cmp(o num) int {
	if n.isInt && o.isInt {
		switch {
		case n.i < o.i:
			return -1
		case n.i > o.i:
			return 1
		}
		return 0
	}
	a, b := n.float(), o.float()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
