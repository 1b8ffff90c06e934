package dynamodb

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/resources/awserr"
)

// exprContext holds a request's ExpressionAttributeNames and ExpressionAttributeValues, shared by all of
// its expressions, and records which of them the expressions used: DynamoDB rejects unused ones.
type exprContext struct {
	names      map[string]string
	values     map[string]*value
	usedNames  map[string]bool
	usedValues map[string]bool
}

// semRank classes semantic errors; when an expression has several, the lowest class is reported, which
// approximates the order DynamoDB checks them in.
type semRank int

const (
	rankParens semRank = iota
	rankFunction
	rankMisused
	rankReserved
	rankSection
	rankName
	rankValue
	rankOverlap
	rankOperand
)

// parser reads one expression. Syntax errors stop it at once; semantic errors (undefined placeholders,
// reserved words, wrong operands) are collected and the first by rank is reported once the whole
// expression has parsed, so a syntax error anywhere wins over them.
type parser struct {
	ctx      *exprContext
	member   string // the request member, e.g. ConditionExpression, for "Invalid ConditionExpression: ..."
	src      string
	toks     []token
	pos      int
	keywords map[string]bool // upper-case words the grammar owns and paths cannot use unquoted
	semMsg   string
	semRank  semRank
}

var (
	conditionKeywords = map[string]bool{"AND": true, "OR": true, "NOT": true, "BETWEEN": true, "IN": true}
	updateKeywords    = map[string]bool{"SET": true, "REMOVE": true, "ADD": true, "DELETE": true}
)

func newParser(ctx *exprContext, member, src string, keywords map[string]bool) *parser {
	return &parser{ctx: ctx, member: member, src: src, toks: lex(src), keywords: keywords, semRank: -1}
}

func (p *parser) peek() token { return p.toks[p.pos] }

// peekAt looks n tokens ahead, stopping at the end.
func (p *parser) peekAt(n int) token { return p.toks[min(p.pos+n, len(p.toks)-1)] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// syntaxError reports the token at the current position the way DynamoDB does: the token, and the text
// from the token before it to the token after it.
func (p *parser) syntaxError() *awserr.Error {
	t := p.toks[p.pos]
	start, end := t.start, len(p.src)
	if p.pos > 0 {
		start = p.toks[p.pos-1].start
	}
	if t.kind != tokEOF {
		end = p.peekAt(1).end
	}
	return p.errorf(`Syntax error; token: "%s", near: "%s"`, t.text, p.src[start:end])
}

func (p *parser) errorf(format string, args ...any) *awserr.Error {
	return validation("Invalid " + p.member + ": " + fmt.Sprintf(format, args...))
}

// semantic records a semantic error, keeping the first of the lowest rank.
func (p *parser) semantic(rank semRank, format string, args ...any) {
	if p.semRank < 0 || rank < p.semRank {
		p.semRank, p.semMsg = rank, fmt.Sprintf(format, args...)
	}
}

// finish checks that the whole input was consumed and reports a collected semantic error.
func (p *parser) finish() *awserr.Error {
	if p.peek().kind != tokEOF {
		return p.syntaxError()
	}
	if p.semRank >= 0 {
		return p.errorf("%s", p.semMsg)
	}
	return nil
}

func (p *parser) expect(k tokKind) *awserr.Error {
	if p.peek().kind != k {
		return p.syntaxError()
	}
	p.next()
	return nil
}

func emptyExpression(src string) bool { return strings.TrimSpace(src) == "" }

// parsePath reads a document path: a name or #placeholder, then .name, .#placeholder or [index] steps.
func (p *parser) parsePath() (docPath, *awserr.Error) {
	var path docPath
	elem, err := p.pathName()
	if err != nil {
		return nil, err
	}
	path = append(path, elem)
	for {
		switch p.peek().kind {
		case tokDot:
			p.next()
			elem, err := p.pathName()
			if err != nil {
				return nil, err
			}
			path = append(path, elem)
		case tokLBracket:
			p.next()
			t := p.peek()
			if t.kind != tokNumber {
				return nil, p.syntaxError()
			}
			n, convErr := strconv.Atoi(t.text)
			if convErr != nil {
				return nil, p.syntaxError()
			}
			p.next()
			if err := p.expect(tokRBracket); err != nil {
				return nil, err
			}
			path = append(path, pathElem{index: n, isIndex: true})
		default:
			return path, nil
		}
	}
}

func (p *parser) pathName() (pathElem, *awserr.Error) {
	t := p.peek()
	switch {
	case t.kind == tokName:
		p.next()
		name, ok := p.ctx.names[t.text]
		if !ok {
			p.semantic(rankName, "An expression attribute name used in the document path is not defined; attribute name: %s", t.text)
		}
		p.ctx.usedNames[t.text] = true
		return pathElem{name: name}, nil
	case t.kind == tokIdent && !p.keywords[strings.ToUpper(t.text)]:
		p.next()
		if reservedWords()[strings.ToUpper(t.text)] {
			p.semantic(rankReserved, "Attribute name is a reserved keyword; reserved keyword: %s", t.text)
		}
		return pathElem{name: t.text}, nil
	}
	return pathElem{}, p.syntaxError()
}

// valueRef resolves a :placeholder.
func (p *parser) valueRef() *valueOperand {
	t := p.next()
	v, ok := p.ctx.values[t.text]
	if !ok {
		p.semantic(rankValue, "An expression attribute value used in expression is not defined; attribute value: %s", t.text)
		v = nullValue() // stands in until the semantic error is reported
	}
	p.ctx.usedValues[t.text] = true
	return &valueOperand{v: v}
}

// parseFunction reads name(arg, ...), checking the name against the functions the expression allows.
func (p *parser) parseFunction(functions map[string]int, arg func() (operand, *awserr.Error)) (*funcOperand, *awserr.Error) {
	name := p.next().text
	p.next() // (
	f := &funcOperand{name: name}
	for {
		a, err := arg()
		if err != nil {
			return nil, err
		}
		f.args = append(f.args, a)
		if p.peek().kind != tokComma {
			break
		}
		p.next()
	}
	if err := p.expect(tokRParen); err != nil {
		return nil, err
	}
	arity, ok := functions[name]
	switch {
	case !ok:
		p.semantic(rankFunction, "Invalid function name; function: %s", name)
	case arity != len(f.args):
		p.semantic(rankOperand, "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(f.args))
	}
	return f, nil
}

func (p *parser) atFunction() bool {
	return p.peek().kind == tokIdent && p.peekAt(1).kind == tokLParen && !p.keywords[strings.ToUpper(p.peek().text)]
}

// literalKind is the type of an operand known before evaluation: a value's, or a function's result.
func literalKind(o operand) (kind, bool) {
	switch o := o.(type) {
	case *valueOperand:
		return o.v.kind, true
	case *funcOperand:
		switch o.name {
		case "size":
			return kindN, true
		case "list_append":
			return kindL, true
		}
	case *arithOperand:
		return kindN, true
	}
	return 0, false
}
