package jsonata

import "strconv"

// process turns the raw parse tree into the evaluated form, as jsonata-js's processAST: '.'
// chains become paths of steps, predicates become stages, '@' and '#' mark tuple steps, '%'
// references are resolved to the steps that must record their context, and tail calls in
// lambda bodies become thunks.
func (p *parser) process(expr *node) (*node, error) {
	var result *node
	var err error
	switch expr.typ {
	case nBinary:
		switch expr.op {
		case ".":
			result, err = p.processPath(expr)
		case "[":
			result, err = p.processPredicate(expr)
		case "{":
			if result, err = p.process(expr.lhs); err != nil {
				return nil, err
			}
			if result.group != nil {
				return nil, newError("S0210", expr.pos, "", nil)
			}
			g := &groupSpec{pos: expr.pos}
			for _, pair := range expr.pairs {
				k, err := p.process(pair[0])
				if err != nil {
					return nil, err
				}
				v, err := p.process(pair[1])
				if err != nil {
					return nil, err
				}
				g.pairs = append(g.pairs, [2]*node{k, v})
			}
			result.group = g
		case "^":
			if result, err = p.process(expr.lhs); err != nil {
				return nil, err
			}
			if result.typ != nPath {
				result = &node{typ: nPath, steps: []*node{result}, pos: result.pos}
			}
			sortStep := &node{typ: nSort, pos: expr.pos}
			for _, t := range expr.terms {
				e, err := p.process(t.expr)
				if err != nil {
					return nil, err
				}
				pushAncestry(sortStep, e)
				sortStep.terms = append(sortStep.terms, sortTerm{descending: t.descending, expr: e})
			}
			result.steps = append(result.steps, sortStep)
			if err := p.resolveAncestry(result); err != nil {
				return nil, err
			}
		case ":=":
			result = &node{typ: nBind, op: ":=", pos: expr.pos}
			if result.lhs, err = p.process(expr.lhs); err != nil {
				return nil, err
			}
			if result.rhs, err = p.process(expr.rhs); err != nil {
				return nil, err
			}
			pushAncestry(result, result.rhs)
		case "@":
			if result, err = p.process(expr.lhs); err != nil {
				return nil, err
			}
			step := result
			if result.typ == nPath {
				step = result.steps[len(result.steps)-1]
			}
			if step.stages != nil || step.predicate != nil {
				return nil, newError("S0215", expr.pos, "", nil)
			}
			if step.typ == nSort {
				return nil, newError("S0216", expr.pos, "", nil)
			}
			if expr.keepArray {
				step.keepArray = true
			}
			step.focus = expr.rhs.str
			step.tuple = true
		case "#":
			if result, err = p.process(expr.lhs); err != nil {
				return nil, err
			}
			step := result
			if result.typ == nPath {
				step = result.steps[len(result.steps)-1]
			} else {
				result = &node{typ: nPath, steps: []*node{result}, pos: result.pos}
				if step.predicate != nil {
					step.stages = step.predicate
					step.predicate = nil
				}
			}
			if step.stages == nil {
				step.index = expr.rhs.str
			} else {
				step.stages = append(step.stages, &stage{index: expr.rhs.str, pos: expr.pos})
			}
			step.tuple = true
		case "~>":
			result = &node{typ: nApply, op: "~>", pos: expr.pos}
			if result.lhs, err = p.process(expr.lhs); err != nil {
				return nil, err
			}
			if result.rhs, err = p.process(expr.rhs); err != nil {
				return nil, err
			}
		default:
			result = &node{typ: nBinary, op: expr.op, pos: expr.pos}
			if result.lhs, err = p.process(expr.lhs); err != nil {
				return nil, err
			}
			if result.rhs, err = p.process(expr.rhs); err != nil {
				return nil, err
			}
			pushAncestry(result, result.lhs)
			pushAncestry(result, result.rhs)
		}
	case nUnary:
		result = &node{typ: nUnary, op: expr.op, pos: expr.pos}
		switch expr.op {
		case "[":
			for _, item := range expr.exprs {
				v, err := p.process(item)
				if err != nil {
					return nil, err
				}
				pushAncestry(result, v)
				result.exprs = append(result.exprs, v)
			}
		case "{":
			for _, pair := range expr.pairs {
				k, err := p.process(pair[0])
				if err != nil {
					return nil, err
				}
				pushAncestry(result, k)
				v, err := p.process(pair[1])
				if err != nil {
					return nil, err
				}
				pushAncestry(result, v)
				result.pairs = append(result.pairs, [2]*node{k, v})
			}
		default:
			e, err := p.process(expr.lhs)
			if err != nil {
				return nil, err
			}
			if expr.op == "-" && e.typ == nNumber {
				result = e
				result.lit = -e.lit.(float64)
			} else {
				result.lhs = e
				pushAncestry(result, e)
			}
		}
	case nFunction, nPartial:
		result = &node{typ: expr.typ, pos: expr.pos}
		for _, arg := range expr.exprs {
			a, err := p.process(arg)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, a)
			result.exprs = append(result.exprs, a)
		}
		if result.procedure, err = p.process(expr.procedure); err != nil {
			return nil, err
		}
	case nLambda:
		result = &node{typ: nLambda, params: expr.params, sig: expr.sig, pos: expr.pos}
		body, err := p.process(expr.body)
		if err != nil {
			return nil, err
		}
		result.body = tailCallOptimize(body)
	case nCondition, nCoalesce, nElvis:
		result = &node{typ: expr.typ, pos: expr.pos}
		if result.cond, err = p.process(expr.cond); err != nil {
			return nil, err
		}
		pushAncestry(result, result.cond)
		if expr.then != nil {
			if result.then, err = p.process(expr.then); err != nil {
				return nil, err
			}
			pushAncestry(result, result.then)
		}
		if expr.els != nil {
			if result.els, err = p.process(expr.els); err != nil {
				return nil, err
			}
			pushAncestry(result, result.els)
		}
	case nTransform:
		result = &node{typ: nTransform, pos: expr.pos}
		if result.pattern, err = p.process(expr.pattern); err != nil {
			return nil, err
		}
		if result.update, err = p.process(expr.update); err != nil {
			return nil, err
		}
		if expr.delete != nil {
			if result.delete, err = p.process(expr.delete); err != nil {
				return nil, err
			}
		}
	case nBlock:
		result = &node{typ: nBlock, pos: expr.pos}
		for _, item := range expr.exprs {
			part, err := p.process(item)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, part)
			if part.consArray || (part.typ == nPath && part.steps[0].consArray) {
				result.consArray = true
			}
			result.exprs = append(result.exprs, part)
		}
		result.needsFrame = bindsVariables(result.exprs)
	case nName:
		result = &node{typ: nPath, steps: []*node{expr}, pos: expr.pos}
		if expr.keepArray {
			result.keepSingletonArray = true
		}
	case nParent:
		result = &node{typ: nParent, pos: expr.pos, slot: &slot{label: "!" + strconv.Itoa(p.ancestorLabel), level: 1, index: p.ancestorIndex}}
		p.ancestorLabel++
		p.ancestorIndex++
		p.ancestry = append(p.ancestry, result)
	case nString, nNumber, nValue, nWildcard, nDescendant, nVariable, nRegex:
		result = expr
	case nOperator:
		if expr.op == "?" {
			result = &node{typ: nPlaceholder, pos: expr.pos}
		} else {
			// and, or, in used as field names
			result = p.mustProcess(&node{typ: nName, str: expr.op, pos: expr.pos, keepArray: expr.keepArray})
		}
	default:
		return nil, newError("S0206", expr.pos, expr.str, nil)
	}
	if err != nil {
		return nil, err
	}
	if expr.keepArray {
		result.keepArray = true
	}
	return result, nil
}

// mustProcess processes a name node, which cannot fail.
func (p *parser) mustProcess(n *node) *node {
	r, _ := p.process(n)
	return r
}

func (p *parser) processPath(expr *node) (*node, error) {
	lstep, err := p.process(expr.lhs)
	if err != nil {
		return nil, err
	}
	var result *node
	if lstep.typ == nPath {
		result = lstep
	} else {
		result = &node{typ: nPath, steps: []*node{lstep}, pos: lstep.pos}
	}
	if lstep.typ == nParent {
		result.seekingParent = []*slot{lstep.slot}
	}
	rest, err := p.process(expr.rhs)
	if err != nil {
		return nil, err
	}
	if rest.typ == nPath {
		result.steps = append(result.steps, rest.steps...)
	} else {
		if rest.predicate != nil {
			rest.stages = rest.predicate
			rest.predicate = nil
		}
		result.steps = append(result.steps, rest)
	}
	for _, step := range result.steps {
		switch step.typ {
		case nNumber, nValue:
			return nil, newError("S0213", step.pos, "", step.lit)
		case nString:
			step.typ = nName
		}
		if step.keepArray {
			result.keepSingletonArray = true
		}
	}
	first := result.steps[0]
	if first.typ == nUnary && first.op == "[" {
		first.consArray = true
	}
	last := result.steps[len(result.steps)-1]
	if last.typ == nUnary && last.op == "[" {
		last.consArray = true
	}
	if err := p.resolveAncestry(result); err != nil {
		return nil, err
	}
	return result, nil
}

func (p *parser) processPredicate(expr *node) (*node, error) {
	result, err := p.process(expr.lhs)
	if err != nil {
		return nil, err
	}
	step := result
	inPath := false
	if result.typ == nPath {
		step = result.steps[len(result.steps)-1]
		inPath = true
	}
	if step.group != nil {
		return nil, newError("S0209", expr.pos, "", nil)
	}
	pred, err := p.process(expr.rhs)
	if err != nil {
		return nil, err
	}
	if pred.seekingParent != nil {
		for _, s := range pred.seekingParent {
			if s.level == 1 {
				if _, err := p.seekParent(step, s); err != nil {
					return nil, err
				}
			} else {
				s.level--
			}
		}
		pushAncestry(step, pred)
	}
	st := &stage{filter: true, expr: pred, pos: expr.pos}
	if inPath {
		step.stages = append(step.stages, st)
	} else {
		step.predicate = append(step.predicate, st)
	}
	return result, nil
}

// tailCallOptimize wraps a function call in tail position as a thunk, which the trampoline in
// apply evaluates without growing the stack.
func tailCallOptimize(expr *node) *node {
	switch {
	case expr.typ == nFunction && expr.predicate == nil:
		return &node{typ: nLambda, thunk: true, body: expr, pos: expr.pos}
	case expr.typ == nCondition:
		expr.then = tailCallOptimize(expr.then)
		if expr.els != nil {
			expr.els = tailCallOptimize(expr.els)
		}
	case expr.typ == nBlock:
		if n := len(expr.exprs); n > 0 {
			expr.exprs[n-1] = tailCallOptimize(expr.exprs[n-1])
		}
	}
	return expr
}

func (p *parser) seekParent(n *node, s *slot) (*slot, error) {
	switch n.typ {
	case nName, nWildcard:
		s.level--
		if s.level == 0 {
			if n.ancestor != nil {
				// reuse the existing label
				p.ancestry[s.index].slot.label = n.ancestor.label
			}
			n.ancestor = s
			n.tuple = true
		}
	case nParent:
		s.level++
	case nBlock:
		if len(n.exprs) > 0 {
			n.tuple = true
			return p.seekParent(n.exprs[len(n.exprs)-1], s)
		}
	case nPath:
		n.tuple = true
		i := len(n.steps) - 1
		var err error
		if s, err = p.seekParent(n.steps[i], s); err != nil {
			return nil, err
		}
		i--
		for s.level > 0 && i >= 0 {
			if s, err = p.seekParent(n.steps[i], s); err != nil {
				return nil, err
			}
			i--
		}
	default:
		return nil, newError("S0217", n.pos, nodeTypeName(n.typ), nil)
	}
	return s, nil
}

func pushAncestry(result, value *node) {
	if value.seekingParent == nil && value.typ != nParent {
		return
	}
	slots := value.seekingParent
	if value.typ == nParent {
		slots = append(slots, value.slot)
	}
	result.seekingParent = append(result.seekingParent, slots...)
}

func (p *parser) resolveAncestry(path *node) error {
	last := path.steps[len(path.steps)-1]
	slots := last.seekingParent
	if last.typ == nParent {
		slots = append(slots, last.slot)
	}
	for _, s := range slots {
		index := len(path.steps) - 2
		for s.level > 0 {
			if index < 0 {
				path.seekingParent = append(path.seekingParent, s)
				break
			}
			step := path.steps[index]
			index--
			// contiguous steps that bind the focus count as one
			for index >= 0 && step.focus != "" && path.steps[index].focus != "" {
				step = path.steps[index]
				index--
			}
			var err error
			if s, err = p.seekParent(step, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindsVariables reports whether a block's expressions bind variables in the block's own
// scope, so the block needs a frame. Nested blocks and lambdas have their own.
func bindsVariables(exprs []*node) bool {
	for _, e := range exprs {
		if bindsIn(e) {
			return true
		}
	}
	return false
}

func bindsIn(n *node) bool {
	if n == nil {
		return false
	}
	switch n.typ {
	case nBind:
		return true
	case nBlock, nLambda:
		return false
	}
	for _, c := range []*node{n.lhs, n.rhs, n.procedure, n.cond, n.then, n.els, n.pattern, n.update, n.delete} {
		if bindsIn(c) {
			return true
		}
	}
	for _, c := range n.exprs {
		if bindsIn(c) {
			return true
		}
	}
	for _, c := range n.steps {
		if bindsIn(c) {
			return true
		}
	}
	for _, pr := range n.pairs {
		if bindsIn(pr[0]) || bindsIn(pr[1]) {
			return true
		}
	}
	for _, t := range n.terms {
		if bindsIn(t.expr) {
			return true
		}
	}
	for _, st := range append(n.stages, n.predicate...) {
		if st.expr != nil && bindsIn(st.expr) {
			return true
		}
	}
	if n.group != nil {
		for _, pr := range n.group.pairs {
			if bindsIn(pr[0]) || bindsIn(pr[1]) {
				return true
			}
		}
	}
	return false
}

func nodeTypeName(t nodeType) string {
	switch t {
	case nPath:
		return "path"
	case nBinary:
		return "binary"
	case nUnary:
		return "unary"
	case nString:
		return "string"
	case nNumber:
		return "number"
	case nValue:
		return "value"
	case nDescendant:
		return "descendant"
	case nParent:
		return "parent"
	case nCondition:
		return "condition"
	case nFunction:
		return "function"
	case nVariable:
		return "variable"
	case nLambda:
		return "lambda"
	case nApply:
		return "apply"
	case nSort:
		return "sort"
	case nTransform:
		return "transform"
	case nRegex:
		return "regex"
	case nBind:
		return "bind"
	}
	return "expression"
}
