package graph

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl"
)

// maxLabel bounds a label's length in characters: a graph is read at a glance, the definition has the rest.
const maxLabel = 48

// RuleText is a Choice rule's short text: its comparison written as an expression ("$.x > 3",
// "$.kind == \"book\"", "$.a is present"), And/Or/Not with &&, || and !, or a JSONata Condition without
// its {% %}; cut to 48 characters with "…".
func RuleText(r *asl.ChoiceRule) string {
	return shorten(ruleText(r, false))
}

// ruleText writes a rule; nested rules with more than one part are parenthesised.
func ruleText(r *asl.ChoiceRule, nested bool) string {
	if r == nil {
		return ""
	}
	group := func(rules []*asl.ChoiceRule, op string) string {
		parts := make([]string, len(rules))
		for i, x := range rules {
			parts[i] = ruleText(x, true)
		}
		s := strings.Join(parts, " "+op+" ")
		if nested && len(parts) > 1 {
			s = "(" + s + ")"
		}
		return s
	}
	switch {
	case r.Condition != nil:
		if s, ok := r.Condition.Value().(string); ok {
			return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "{%"), "%}"))
		}
		return jsonText(r.Condition.Value())
	case r.And != nil:
		return group(r.And, "&&")
	case r.Or != nil:
		return group(r.Or, "||")
	case r.Not != nil:
		return "!" + parenthesised(ruleText(r.Not, true))
	}
	return comparison(r.Variable, r.Operator, r.Operand)
}

// parenthesised wraps s unless it is parenthesised already.
func parenthesised(s string) string {
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		return s
	}
	return "(" + s + ")"
}

// The comparison operators, by the operator's name without its type.
var relations = map[string]string{
	"Equals": "==", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=", "GreaterThanEquals": ">=",
}

// comparison writes "Variable op operand": a ...Path operand is a path, written bare; Is... tests read
// as words.
func comparison(variable, op string, operand any) string {
	if test, ok := strings.CutPrefix(op, "Is"); ok && !strings.HasSuffix(op, "Path") {
		word := strings.ToLower(test)
		if b, _ := operand.(bool); b {
			return variable + " is " + word
		}
		if test == "Present" {
			return variable + " is absent"
		}
		return variable + " is not " + word
	}
	base, isPath := strings.CutSuffix(op, "Path")
	value := jsonText(operand)
	if s, ok := operand.(string); ok && isPath {
		value = s
	}
	if base == "StringMatches" {
		return variable + " matches " + value
	}
	for _, typ := range []string{"String", "Numeric", "Boolean", "Timestamp"} {
		if rel, ok := relations[strings.TrimPrefix(base, typ)]; ok && strings.HasPrefix(base, typ) {
			return variable + " " + rel + " " + value
		}
	}
	return variable + " " + op + " " + value
}

// jsonText writes a value as JSON; integers stay exact.
func jsonText(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "?"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// shorten cuts s to maxLabel characters.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	r := []rune(s)
	return string(r[:maxLabel-1]) + "…"
}
