package jsonata

import "strings"

// The parser is a Pratt (top-down operator precedence) parser after jsonata-js's own.

// maxParseDepth bounds the nesting of an expression, so hostile input cannot exhaust the stack.
const maxParseDepth = 1000

// bindingPowers are the left binding powers of the infix operators.
var bindingPowers = map[string]int{
	".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80,
	"?": 20, "??": 40, "?:": 40,
	"+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "&": 50,
	"=": 40, "<": 40, ">": 40, "!=": 40, "<=": 40, ">=": 40, "in": 40, "~>": 40, "^": 40,
	"and": 30, "or": 25, ":=": 10,
}

// knownOperators are the operator tokens the grammar has; others raise S0204.
var knownOperators = map[string]bool{
	".": true, "[": true, "]": true, "{": true, "}": true, "(": true, ")": true, ",": true,
	"@": true, "#": true, ";": true, ":": true, "?": true, "+": true, "-": true, "*": true,
	"/": true, "%": true, "|": true, "=": true, "<": true, ">": true, "^": true, "**": true,
	"..": true, ":=": true, "!=": true, "<=": true, ">=": true, "~>": true, "and": true,
	"or": true, "in": true, "&": true, "??": true, "?:": true,
}

type parser struct {
	lex   lexer
	tok   token
	id    string // "(name)", "(literal)", "(regex)", "(end)" or the operator
	depth int

	ancestorLabel int
	ancestorIndex int
	ancestry      []*node
}

// parse parses and processes an expression.
func parse(src string) (*node, error) {
	p := &parser{lex: lexer{src: src}}
	if err := p.advance("", false); err != nil {
		return nil, err
	}
	raw, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if p.id != "(end)" {
		return nil, newError("S0201", p.tok.pos, p.tok.value, nil)
	}
	ast, err := p.process(raw)
	if err != nil {
		return nil, err
	}
	if ast.typ == nParent || ast.seekingParent != nil {
		return nil, newError("S0217", ast.pos, "parent", nil)
	}
	return ast, nil
}

func (p *parser) lbp() int {
	if p.tok.kind != tokOperator {
		return 0
	}
	return bindingPowers[p.id]
}

// advance checks that the current token is id (when given) and moves to the next one.
func (p *parser) advance(id string, infix bool) error {
	if id != "" && p.id != id {
		code := "S0202"
		if p.id == "(end)" {
			code = "S0203"
		}
		e := newError(code, p.tok.pos, p.tok.value, id)
		e.Message = strings.ReplaceAll(e.Message, `"`+id+`"`, id)
		return e
	}
	t, err := p.lex.next(infix)
	if err != nil {
		return err
	}
	p.tok = t
	switch t.kind {
	case tokEnd:
		p.id = "(end)"
	case tokName, tokVariable:
		p.id = "(name)"
	case tokString, tokNumber, tokValue:
		p.id = "(literal)"
	case tokRegex:
		p.id = "(regex)"
	case tokOperator:
		if !knownOperators[t.value] {
			return newError("S0204", t.pos, t.value, nil)
		}
		p.id = t.value
	}
	return nil
}

func (p *parser) expression(rbp int) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxParseDepth {
		return nil, &Error{Code: "U1001", Position: p.tok.pos, Message: "Expression nesting is too deep"}
	}
	t, id := p.tok, p.id
	if err := p.advance("", true); err != nil {
		return nil, err
	}
	left, err := p.nud(t, id)
	if err != nil {
		return nil, err
	}
	for rbp < p.lbp() {
		t, id = p.tok, p.id
		if err := p.advance("", false); err != nil {
			return nil, err
		}
		left, err = p.led(t, id, left)
		if err != nil {
			return nil, err
		}
	}
	return left, nil
}

// nud parses a token in prefix position.
func (p *parser) nud(t token, id string) (*node, error) {
	switch t.kind {
	case tokName:
		return &node{typ: nName, str: t.value, pos: t.pos}, nil
	case tokVariable:
		return &node{typ: nVariable, str: t.value, pos: t.pos}, nil
	case tokString:
		return &node{typ: nString, str: t.value, lit: t.value, pos: t.pos}, nil
	case tokNumber:
		return &node{typ: nNumber, lit: t.num, pos: t.pos}, nil
	case tokValue:
		return &node{typ: nValue, lit: t.lit, str: t.value, pos: t.pos}, nil
	case tokRegex:
		re, err := compileRegex(t.value, t.flags)
		if err != nil {
			return nil, newError("S0303", t.pos, "", t.value)
		}
		return &node{typ: nRegex, str: t.value, re: re, pos: t.pos}, nil
	case tokEnd:
		return nil, newError("S0207", t.pos, "(end)", nil)
	}
	switch id {
	case "and", "or", "in":
		return &node{typ: nOperator, op: id, str: id, pos: t.pos}, nil
	case "-":
		e, err := p.expression(70)
		if err != nil {
			return nil, err
		}
		return &node{typ: nUnary, op: "-", lhs: e, pos: t.pos}, nil
	case "*":
		return &node{typ: nWildcard, op: "*", pos: t.pos}, nil
	case "**":
		return &node{typ: nDescendant, op: "**", pos: t.pos}, nil
	case "%":
		return &node{typ: nParent, op: "%", pos: t.pos}, nil
	case "(":
		var exprs []*node
		for p.id != ")" {
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			exprs = append(exprs, e)
			if p.id != ";" {
				break
			}
			if err := p.advance(";", false); err != nil {
				return nil, err
			}
		}
		if err := p.advance(")", true); err != nil {
			return nil, err
		}
		return &node{typ: nBlock, exprs: exprs, pos: t.pos}, nil
	case "[":
		var items []*node
		if p.id != "]" {
			for {
				item, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				if p.id == ".." {
					r := &node{typ: nBinary, op: "..", pos: p.tok.pos, lhs: item}
					if err := p.advance("..", false); err != nil {
						return nil, err
					}
					if r.rhs, err = p.expression(0); err != nil {
						return nil, err
					}
					item = r
				}
				items = append(items, item)
				if p.id != "," {
					break
				}
				if err := p.advance(",", false); err != nil {
					return nil, err
				}
			}
		}
		if err := p.advance("]", true); err != nil {
			return nil, err
		}
		return &node{typ: nUnary, op: "[", exprs: items, pos: t.pos}, nil
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		return &node{typ: nUnary, op: "{", pairs: pairs, pos: t.pos}, nil
	case "|":
		n := &node{typ: nTransform, pos: t.pos}
		var err error
		if n.pattern, err = p.expression(0); err != nil {
			return nil, err
		}
		if err := p.advance("|", false); err != nil {
			return nil, err
		}
		if n.update, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.id == "," {
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
			if n.delete, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		if err := p.advance("|", false); err != nil {
			return nil, err
		}
		return n, nil
	}
	return nil, newError("S0211", t.pos, t.value, nil)
}

func (p *parser) objectPairs() ([][2]*node, error) {
	var pairs [][2]*node
	if p.id != "}" {
		for {
			k, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			v, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*node{k, v})
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	if err := p.advance("}", true); err != nil {
		return nil, err
	}
	return pairs, nil
}

// led parses a token in infix position with left as its left operand.
func (p *parser) led(t token, id string, left *node) (*node, error) {
	bp := bindingPowers[id]
	switch id {
	case "(":
		return p.call(t, left)
	case "[":
		if p.id == "]" {
			// an empty predicate keeps singleton arrays in the output
			step := left
			for step != nil && step.typ == nBinary && step.op == "[" {
				step = step.lhs
			}
			step.keepArray = true
			if err := p.advance("]", false); err != nil {
				return nil, err
			}
			return left, nil
		}
		rhs, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		if err := p.advance("]", true); err != nil {
			return nil, err
		}
		return &node{typ: nBinary, op: "[", lhs: left, rhs: rhs, pos: t.pos}, nil
	case "^":
		if err := p.advance("(", false); err != nil {
			return nil, err
		}
		var terms []sortTerm
		for {
			term := sortTerm{}
			if p.id == "<" {
				if err := p.advance("<", false); err != nil {
					return nil, err
				}
			} else if p.id == ">" {
				term.descending = true
				if err := p.advance(">", false); err != nil {
					return nil, err
				}
			}
			e, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			term.expr = e
			terms = append(terms, term)
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
		if err := p.advance(")", false); err != nil {
			return nil, err
		}
		return &node{typ: nBinary, op: "^", lhs: left, terms: terms, pos: t.pos}, nil
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		return &node{typ: nBinary, op: "{", lhs: left, pairs: pairs, pos: t.pos}, nil
	case ":=":
		if left.typ != nVariable {
			return nil, newError("S0212", left.pos, left.str, nil)
		}
		rhs, err := p.expression(bp - 1)
		if err != nil {
			return nil, err
		}
		return &node{typ: nBinary, op: ":=", lhs: left, rhs: rhs, pos: t.pos}, nil
	case "@", "#":
		rhs, err := p.expression(bp)
		if err != nil {
			return nil, err
		}
		if rhs.typ != nVariable {
			return nil, newError("S0214", rhs.pos, id, nil)
		}
		return &node{typ: nBinary, op: id, lhs: left, rhs: rhs, pos: t.pos}, nil
	case "?":
		n := &node{typ: nCondition, cond: left, pos: t.pos}
		var err error
		if n.then, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.id == ":" {
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			if n.els, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		return n, nil
	case "??", "?:":
		typ := nCoalesce
		if id == "?:" {
			typ = nElvis
		}
		rhs, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		return &node{typ: typ, cond: left, els: rhs, pos: t.pos}, nil
	}
	if _, ok := bindingPowers[id]; !ok {
		return nil, newError("S0201", t.pos, t.value, nil)
	}
	rhs, err := p.expression(bp)
	if err != nil {
		return nil, err
	}
	return &node{typ: nBinary, op: id, lhs: left, rhs: rhs, pos: t.pos}, nil
}

// call parses a function call, a partial application or a lambda definition.
func (p *parser) call(t token, left *node) (*node, error) {
	n := &node{typ: nFunction, procedure: left, pos: t.pos}
	if p.id != ")" {
		for {
			if p.tok.kind == tokOperator && p.id == "?" {
				n.typ = nPartial
				n.exprs = append(n.exprs, &node{typ: nOperator, op: "?", pos: p.tok.pos})
				if err := p.advance("?", false); err != nil {
					return nil, err
				}
			} else {
				arg, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				n.exprs = append(n.exprs, arg)
			}
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	if err := p.advance(")", true); err != nil {
		return nil, err
	}
	if left.typ != nName || (left.str != "function" && left.str != "λ") {
		return n, nil
	}
	// a lambda definition: every argument must be a variable
	for i, arg := range n.exprs {
		if arg.typ != nVariable {
			return nil, newError("S0208", arg.pos, arg.str, i+1)
		}
		n.params = append(n.params, arg.str)
	}
	n.typ = nLambda
	n.exprs = nil
	if p.id == "<" {
		// the signature runs to the matching '>'; read it from the source text
		start := p.tok.start
		src := p.lex.src
		depth := 0
		end := start
		for ; end < len(src); end++ {
			if src[end] == '<' {
				depth++
			} else if src[end] == '>' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if end >= len(src) {
			return nil, newError("S0203", len(src), "", ">")
		}
		sig, err := parseSignature(src[start : end+1])
		if err != nil {
			err.Position += start
			return nil, err
		}
		n.sig = sig
		p.lex.pos = end + 1
		if err := p.advance("", false); err != nil {
			return nil, err
		}
	}
	if err := p.advance("{", false); err != nil {
		return nil, err
	}
	body, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	n.body = body
	if err := p.advance("}", false); err != nil {
		return nil, err
	}
	return n, nil
}
