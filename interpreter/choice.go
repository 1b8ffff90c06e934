package interpreter

import (
	"fmt"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
)

// choiceState picks the next state with the first rule that matches, else Default.
type choiceState struct {
	rules   []*choiceRule
	dflt    *node
	choices []*node
	// fields are the rules' Assign and Output, by rule.
	fields []*choiceFields
}

// choiceFields are what a Choice rule assigns and outputs, in place of the state's Assign and Output.
type choiceFields struct {
	assign *assignment
	output ataNode
}

// choiceRule is a compiled Choice rule: a comparison, or And/Or/Not of rules.
type choiceRule struct {
	variable *jsonpath.Path
	op       string // the operator without its Path suffix
	operand  any
	// operandPath is set for the ...Path operators: the operand is read from the input.
	operandPath *jsonpath.Path
	and, or     []*choiceRule
	not         *choiceRule
	// pattern is StringMatches' operand, split at unescaped '*'.
	pattern []string
	// condition is a JSONata rule's Condition.
	condition ataNode
}

func (c *compiler) choice(m *machine, n *node, s *asl.Choice, fail failFunc) error {
	if err := c.io(n, s.IO, fail); err != nil {
		return err
	}
	st := &choiceState{}
	for i, r := range s.Choices {
		field := fmt.Sprintf("Choices[%d]", i)
		cr, err := c.rule(r)
		if err != nil {
			return fail(field, err)
		}
		next := m.nodes[r.Next]
		if next == nil {
			return fail(field+".Next", fmt.Errorf("no state is named %q", r.Next))
		}
		cf := &choiceFields{}
		if cf.assign, err = c.assign(n.ata, r.Assign); err != nil {
			return fail(field+".Assign", err)
		}
		if n.ata {
			if cf.output, err = c.ata("Output", r.Output); err != nil {
				return fail(field+".Output", err)
			}
		}
		st.rules = append(st.rules, cr)
		st.choices = append(st.choices, next)
		st.fields = append(st.fields, cf)
	}
	if s.Default != "" {
		if st.dflt = m.nodes[s.Default]; st.dflt == nil {
			return fail("Default", fmt.Errorf("no state is named %q", s.Default))
		}
	}
	n.impl = st
	return nil
}

func (c *compiler) rule(r *asl.ChoiceRule) (*choiceRule, error) {
	cr := &choiceRule{}
	var err error
	for _, sub := range r.And {
		x, err := c.rule(sub)
		if err != nil {
			return nil, err
		}
		cr.and = append(cr.and, x)
	}
	for _, sub := range r.Or {
		x, err := c.rule(sub)
		if err != nil {
			return nil, err
		}
		cr.or = append(cr.or, x)
	}
	if r.Not != nil {
		if cr.not, err = c.rule(r.Not); err != nil {
			return nil, err
		}
	}
	if r.Condition != nil {
		if cr.condition, err = c.ata("Condition", r.Condition); err != nil {
			return nil, err
		}
		return cr, nil
	}
	if r.Operator == "" {
		return cr, nil
	}
	if cr.variable, err = jsonpath.Parse(r.Variable); err != nil {
		return nil, fmt.Errorf("Variable: %w", err)
	}
	cr.op, cr.operand = r.Operator, r.Operand
	if base, ok := strings.CutSuffix(r.Operator, "Path"); ok && asl.IsComparison(r.Operator) && !strings.HasPrefix(r.Operator, "Is") {
		cr.op = base
		s, _ := r.Operand.(string)
		if cr.operandPath, err = jsonpath.Parse(s); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Operator, err)
		}
	}
	if cr.op == "StringMatches" {
		s, _ := r.Operand.(string)
		cr.pattern = splitPattern(s)
	}
	return cr, nil
}

func (s *choiceState) run(f *frame, n *node, in stateInput) (actionOutcome, error) {
	sc := scope{doc: in.value, f: f}
	for i, r := range s.rules {
		ok, err := r.eval(sc, in.env)
		if err != nil {
			return actionOutcome{}, err
		}
		if ok {
			return actionOutcome{result: in.value, next: s.choices[i], rule: s.fields[i]}, nil
		}
	}
	if s.dflt == nil {
		return actionOutcome{}, failure.New(failure.NoChoiceMatched, fmt.Sprintf("No Choice Rules matched and no Default was specified for state '%s'", n.name))
	}
	return actionOutcome{result: in.value, next: s.dflt}, nil
}

// eval reports whether the rule matches: its paths read sc, a JSONata Condition env.
func (r *choiceRule) eval(sc scope, env *ataEnv) (bool, error) {
	switch {
	case r.condition != nil:
		v, err := r.condition.eval(env)
		if err != nil {
			return false, err
		}
		b, ok := v.(bool)
		if !ok {
			if x, isExpr := r.condition.(*ataExpr); isExpr {
				return false, x.wrongType("boolean", v)
			}
		}
		return b, nil
	case r.and != nil:
		for _, x := range r.and {
			if ok, err := x.eval(sc, env); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.or != nil:
		for _, x := range r.or {
			if ok, err := x.eval(sc, env); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.not != nil:
		ok, err := r.not.eval(sc, env)
		return !ok, err
	}
	v, present := sc.get(r.variable)
	if r.op == "IsPresent" {
		return present == r.operand.(bool), nil
	}
	if !present {
		return false, runtimeErrorf("Invalid path '%s': The choice state's condition path references an invalid value.", r.variable)
	}
	operand := r.operand
	if r.operandPath != nil {
		var ok bool
		if operand, ok = sc.get(r.operandPath); !ok {
			return false, runtimeErrorf("Invalid path '%s': The choice state's condition path references an invalid value.", r.operandPath)
		}
	}
	return compare(r, v, operand), nil
}

// compare applies a comparison operator. A value of the wrong type never matches.
func compare(r *choiceRule, v, operand any) bool {
	op := r.op
	switch op {
	case "IsNull":
		return (v == nil) == operand.(bool)
	case "IsNumeric":
		_, ok := number(v)
		return ok == operand.(bool)
	case "IsString":
		_, ok := v.(string)
		return ok == operand.(bool)
	case "IsBoolean":
		_, ok := v.(bool)
		return ok == operand.(bool)
	case "IsTimestamp":
		s, ok := v.(string)
		if ok {
			_, ok = parseTimestamp(s)
		}
		return ok == operand.(bool)
	case "BooleanEquals":
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b
	case "StringMatches":
		s, ok := v.(string)
		return ok && matchPattern(r.pattern, s)
	}
	switch {
	case strings.HasPrefix(op, "String"):
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		return ok1 && ok2 && ordered(op[len("String"):], strings.Compare(a, b))
	case strings.HasPrefix(op, "Numeric"):
		a, ok1 := number(v)
		b, ok2 := number(operand)
		return ok1 && ok2 && ordered(op[len("Numeric"):], compareNumbers(a, b))
	case strings.HasPrefix(op, "Timestamp"):
		a, ok1 := timestamp(v)
		b, ok2 := timestamp(operand)
		return ok1 && ok2 && ordered(op[len("Timestamp"):], a.Compare(b))
	}
	return false
}

// ordered reads a comparison's suffix (Equals, LessThan, ...) against cmp's sign.
func ordered(rel string, cmp int) bool {
	switch rel {
	case "Equals":
		return cmp == 0
	case "LessThan":
		return cmp < 0
	case "GreaterThan":
		return cmp > 0
	case "LessThanEquals":
		return cmp <= 0
	case "GreaterThanEquals":
		return cmp >= 0
	}
	return false
}

// number reads a JSON number. Integers stay exact: int64 compared with int64 never goes through float.
func number(v any) (any, bool) {
	switch v.(type) {
	case int64, float64:
		return v, true
	}
	return nil, false
}

func compareNumbers(a, b any) int {
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt {
		switch {
		case ai < bi:
			return -1
		case ai > bi:
			return 1
		}
		return 0
	}
	af, bf := toFloat(a), toFloat(b)
	switch {
	case af < bf:
		return -1
	case af > bf:
		return 1
	}
	return 0
}

func toFloat(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}

func timestamp(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	return parseTimestamp(s)
}

// splitPattern splits a StringMatches pattern at its unescaped '*' wildcards; "\*" is a literal star and
// "\\" a literal backslash.
func splitPattern(p string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '\\'):
			cur.WriteByte(p[i+1])
			i++
		case p[i] == '*':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(p[i])
		}
	}
	return append(parts, cur.String())
}

// matchPattern reports whether s matches the pattern's literal parts with anything between them.
func matchPattern(parts []string, s string) bool {
	if len(parts) == 1 {
		return s == parts[0]
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
