package dynamodb

import (
	"github.com/aslrun/aslrun/resources/awserr"
)

// parseCondition parses a ConditionExpression, FilterExpression or KeyConditionExpression. Precedence,
// lowest first: OR, AND, NOT, then comparisons, BETWEEN, IN and functions; parentheses group.
func parseCondition(ctx *exprContext, member, src string) (condition, *awserr.Error) {
	p := newParser(ctx, member, src, conditionKeywords)
	if emptyExpression(src) {
		return nil, p.errorf("The expression can not be empty;")
	}
	c, _, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

// The parse functions return whether the condition is exactly one parenthesised group, to catch the
// redundant parentheses DynamoDB rejects: ((a = :v)).
func (p *parser) parseOr() (condition, bool, *awserr.Error) {
	l, grouped, err := p.parseAnd()
	if err != nil {
		return nil, false, err
	}
	for p.peek().is("OR") {
		p.next()
		r, _, err := p.parseAnd()
		if err != nil {
			return nil, false, err
		}
		l, grouped = &logicCond{l: l, r: r}, false
	}
	return l, grouped, nil
}

func (p *parser) parseAnd() (condition, bool, *awserr.Error) {
	l, grouped, err := p.parseNot()
	if err != nil {
		return nil, false, err
	}
	for p.peek().is("AND") {
		p.next()
		r, _, err := p.parseNot()
		if err != nil {
			return nil, false, err
		}
		l, grouped = &logicCond{and: true, l: l, r: r}, false
	}
	return l, grouped, nil
}

func (p *parser) parseNot() (condition, bool, *awserr.Error) {
	if !p.peek().is("NOT") {
		return p.parsePrimary()
	}
	p.next()
	c, _, err := p.parseNot()
	if err != nil {
		return nil, false, err
	}
	return &notCond{c: c}, false, nil
}

func (p *parser) parsePrimary() (condition, bool, *awserr.Error) {
	if p.peek().kind == tokLParen {
		p.next()
		c, grouped, err := p.parseOr()
		if err != nil {
			return nil, false, err
		}
		if err := p.expect(tokRParen); err != nil {
			return nil, false, err
		}
		if grouped {
			p.semantic(rankParens, "The expression has redundant parentheses;")
		}
		return c, true, nil
	}
	c, err := p.parsePredicate()
	return c, false, err
}

// parsePredicate reads a comparison, BETWEEN, IN or a function used as a condition.
func (p *parser) parsePredicate() (condition, *awserr.Error) {
	l, err := p.parseConditionOperand()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case comparatorText[t.kind] != "":
		p.next()
		r, err := p.parseConditionOperand()
		if err != nil {
			return nil, err
		}
		p.checkComparable(l, r)
		p.checkDistinct(comparatorText[t.kind], l, r)
		return &compareCond{op: t.kind, l: l, r: r}, nil
	case t.is("BETWEEN"):
		p.next()
		lo, err := p.parseConditionOperand()
		if err != nil {
			return nil, err
		}
		if !p.peek().is("AND") {
			return nil, p.syntaxError()
		}
		p.next()
		hi, err := p.parseConditionOperand()
		if err != nil {
			return nil, err
		}
		p.checkComparable(l, lo, hi)
		p.checkBounds(lo, hi)
		return &betweenCond{v: l, lo: lo, hi: hi}, nil
	case t.is("IN"):
		p.next()
		if err := p.expect(tokLParen); err != nil {
			return nil, err
		}
		in := &inCond{v: l}
		for {
			o, err := p.parseConditionOperand()
			if err != nil {
				return nil, err
			}
			in.list = append(in.list, o)
			if p.peek().kind != tokComma {
				break
			}
			p.next()
		}
		if err := p.expect(tokRParen); err != nil {
			return nil, err
		}
		p.checkComparable(append([]operand{l}, in.list...)...)
		return in, nil
	}
	f, ok := l.(*funcOperand)
	if !ok {
		return nil, p.syntaxError()
	}
	if f.name == "size" {
		p.semantic(rankMisused, "The function is not allowed to be used this way in an expression; function: size")
	}
	p.checkFunction(f)
	return &funcCond{f: f}, nil
}

func (p *parser) parseConditionOperand() (operand, *awserr.Error) {
	switch t := p.peek(); {
	case t.kind == tokValue:
		return p.valueRef(), nil
	case p.atFunction():
		f, err := p.parseFunction(conditionFunctions, p.parseConditionOperand)
		if err != nil {
			return nil, err
		}
		if f.name == "size" {
			p.checkFunction(f)
		}
		return f, nil
	}
	path, err := p.parsePath()
	if err != nil {
		return nil, err
	}
	return &pathOperand{path: path}, nil
}

// checkComparable rejects functions other than size() as operands of comparisons, BETWEEN and IN.
func (p *parser) checkComparable(ops ...operand) {
	for _, o := range ops {
		if f, ok := o.(*funcOperand); ok && f.name != "size" {
			p.semantic(rankMisused, "The function is not allowed to be used this way in an expression; function: %s", f.name)
		}
	}
}

// checkDistinct rejects comparing a path with itself, e.g. a = a or contains(a, a).
func (p *parser) checkDistinct(op string, l, r operand) {
	lp, lok := l.(*pathOperand)
	rp, rok := r.(*pathOperand)
	if lok && rok && lp.path.String() == rp.path.String() {
		p.semantic(rankOperand, "The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s", op, lp.path)
	}
}

// checkBounds checks BETWEEN's literal bounds: same type, lower not above upper.
func (p *parser) checkBounds(lo, hi operand) {
	lv, lok := lo.(*valueOperand)
	hv, hok := hi.(*valueOperand)
	if !lok || !hok {
		return
	}
	if lv.v.kind != hv.v.kind {
		p.semantic(rankOperand, "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", lv.v.describe(), hv.v.describe())
		return
	}
	if c, ok := scalarCompare(lv.v, hv.v); ok && c > 0 {
		p.semantic(rankOperand, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", lv.v.describe(), hv.v.describe())
	}
}

// checkFunction checks a condition function's operands (its name and arity were checked when parsed).
func (p *parser) checkFunction(f *funcOperand) {
	arity, known := conditionFunctions[f.name]
	if !known || arity != len(f.args) {
		return
	}
	operandType := func(k string) {
		p.semantic(rankOperand, "Incorrect operand type for operator or function; operator or function: %s, operand type: %s", f.name, k)
	}
	switch f.name {
	case "attribute_exists", "attribute_not_exists", "attribute_type", "size":
		if _, ok := f.args[0].(*pathOperand); !ok {
			p.semantic(rankOperand, "Operator or function requires a document path; operator or function: %s", f.name)
			return
		}
	}
	switch f.name {
	case "attribute_type":
		v, ok := f.args[1].(*valueOperand)
		if !ok || v.v.kind != kindS {
			k, known := literalKind(f.args[1])
			if !known {
				operandType("{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
			} else {
				operandType(k.String())
			}
			return
		}
		if _, ok := kindByName(v.v.str); !ok {
			p.semantic(rankOperand, "Invalid attribute type name found; type: %s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", v.v.str)
		}
	case "begins_with":
		for _, a := range f.args {
			if k, ok := literalKind(a); ok && k != kindS && k != kindB {
				operandType(k.String())
				return
			}
		}
		p.checkDistinct(f.name, f.args[0], f.args[1])
	case "contains":
		p.checkDistinct(f.name, f.args[0], f.args[1])
	}
}
