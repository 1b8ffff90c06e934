package dynamodb

import (
	"strings"

	"github.com/aslrun/aslrun/resources/awserr"
)

// parseUpdate parses an UpdateExpression: one or more SET, REMOVE, ADD and DELETE sections, each at most
// once, whose paths may not overlap.
func parseUpdate(ctx *exprContext, src string) ([]updateAction, *awserr.Error) {
	p := newParser(ctx, "UpdateExpression", src, updateKeywords)
	if emptyExpression(src) {
		return nil, p.errorf("The expression can not be empty;")
	}
	var actions []updateAction
	seen := map[string]bool{}
	for p.peek().kind != tokEOF {
		t := p.peek()
		section := strings.ToUpper(t.text)
		if t.kind != tokIdent || !updateKeywords[section] {
			return nil, p.syntaxError()
		}
		p.next()
		if seen[section] {
			p.semantic(rankSection, `The "%s" section can only be used once in an update expression;`, section)
		}
		seen[section] = true
		for {
			a, err := p.parseAction(section)
			if err != nil {
				return nil, err
			}
			actions = append(actions, a)
			if p.peek().kind != tokComma {
				break
			}
			p.next()
		}
	}
	p.checkOverlaps(actionPaths(actions))
	if err := p.finish(); err != nil {
		return nil, err
	}
	return actions, nil
}

func (p *parser) parseAction(section string) (updateAction, *awserr.Error) {
	path, err := p.parsePath()
	if err != nil {
		return updateAction{}, err
	}
	a := updateAction{section: section, path: path}
	switch section {
	case "SET":
		if err := p.expect(tokEq); err != nil {
			return a, err
		}
		a.val, err = p.parseSetValue()
	case "ADD", "DELETE":
		if p.peek().kind != tokValue {
			return a, p.syntaxError()
		}
		v := p.valueRef()
		a.val = v
		p.checkAddDelete(section, v.v)
	}
	return a, err
}

// parseSetValue reads SET's right-hand side: an operand, or two joined by + or -.
func (p *parser) parseSetValue() (operand, *awserr.Error) {
	l, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind != tokPlus && t.kind != tokMinus {
		return l, nil
	}
	p.next()
	r, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	for _, o := range []operand{l, r} {
		if k, ok := literalKind(o); ok && k != kindN {
			p.semantic(rankOperand, "Incorrect operand type for operator or function; operator or function: %s, operand type: %s", t.text, k)
			break
		}
	}
	return &arithOperand{minus: t.kind == tokMinus, l: l, r: r}, nil
}

func (p *parser) parseUpdateOperand() (operand, *awserr.Error) {
	switch t := p.peek(); {
	case t.kind == tokValue:
		return p.valueRef(), nil
	case t.kind == tokLParen:
		p.next()
		o, err := p.parseSetValue()
		if err != nil {
			return nil, err
		}
		return o, p.expect(tokRParen)
	case p.atFunction():
		f, err := p.parseFunction(updateFunctions, p.parseUpdateOperand)
		if err != nil {
			return nil, err
		}
		p.checkUpdateFunction(f)
		return f, nil
	}
	path, err := p.parsePath()
	if err != nil {
		return nil, err
	}
	return &pathOperand{path: path}, nil
}

func (p *parser) checkUpdateFunction(f *funcOperand) {
	if arity, ok := updateFunctions[f.name]; !ok || arity != len(f.args) {
		return
	}
	switch f.name {
	case "if_not_exists":
		if _, ok := f.args[0].(*pathOperand); !ok {
			p.semantic(rankOperand, "Operator or function requires a document path; operator or function: if_not_exists")
		}
	case "list_append":
		for _, a := range f.args {
			if k, ok := literalKind(a); ok && k != kindL {
				p.semantic(rankOperand, "Incorrect operand type for operator or function; operator or function: list_append, operand type: %s", k)
				return
			}
		}
	}
}

// operatorTypeNames are the names ADD's and DELETE's operand errors use.
var operatorTypeNames = map[kind]string{
	kindS: "STRING", kindN: "NUMBER", kindB: "BINARY", kindNULL: "NULL", kindBOOL: "BOOLEAN", kindL: "LIST", kindM: "MAP",
}

// checkAddDelete checks ADD's operand (a number or a set) and DELETE's (a set).
func (p *parser) checkAddDelete(section string, v *value) {
	name, scalar := operatorTypeNames[v.kind]
	if scalar && !(section == "ADD" && v.kind == kindN) {
		p.semantic(rankOperand, "Incorrect operand type for operator or function; operator: %s, operand type: %s", section, name)
	}
}

func actionPaths(actions []updateAction) []docPath {
	paths := make([]docPath, len(actions))
	for i, a := range actions {
		paths[i] = a.path
	}
	return paths
}

// checkOverlaps rejects two paths of which one is, or contains, the other ([a] and [a, b]), or which name
// the same position once as a map key and once as a list index.
func (p *parser) checkOverlaps(paths []docPath) {
	for i := range paths {
		for j := range i {
			one, two := paths[j], paths[i]
			conflict := false
			n := min(len(one), len(two))
			k := 0
			for ; k < n; k++ {
				if one[k].isIndex != two[k].isIndex {
					conflict = true
					break
				}
				if one[k] != two[k] {
					break
				}
			}
			switch {
			case conflict:
				p.semantic(rankOverlap, "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", one, two)
			case k == n:
				p.semantic(rankOverlap, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", one, two)
			}
		}
	}
}

// parseProjection parses a ProjectionExpression: paths separated by commas.
func parseProjection(ctx *exprContext, src string) ([]docPath, *awserr.Error) {
	p := newParser(ctx, "ProjectionExpression", src, nil)
	if emptyExpression(src) {
		return nil, p.errorf("The expression can not be empty;")
	}
	var paths []docPath
	for {
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
		if p.peek().kind != tokComma {
			break
		}
		p.next()
	}
	p.checkOverlaps(paths)
	if err := p.finish(); err != nil {
		return nil, err
	}
	return paths, nil
}
