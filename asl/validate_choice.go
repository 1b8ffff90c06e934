package asl

import (
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/asl/source"
)

// The fields of a Choice rule that belong to one query language.
var (
	ruleJSONPathOnly = map[string]bool{"Variable": true, "And": true, "Or": true, "Not": true}
	ruleJSONataOnly  = map[string]bool{"Condition": true, "Output": true}
)

// choice checks a Choice state's rules; the transitions are graph's.
func (v *validator) choice(s *Choice, depth int) {
	for _, r := range s.Choices {
		v.rule(r, s.QueryLanguage, depth+1)
		if r.Assign != nil && r.Assign.Kind == source.Object {
			v.assignNames(r.Assign, r.Pointer+"/Assign", s.QueryLanguage)
			if s.QueryLanguage == JSONata {
				v.jsonataValue(r.Assign, r.Pointer+"/Assign")
			} else {
				v.walkTemplate(r.Assign, r.Pointer+"/Assign")
			}
		}
	}
}

// rule checks one rule and the rules nested in it. A JSONata rule is a Condition; a JSONPath rule
// compares a Variable, a definite Reference Path, with a literal of the operator's type or with another
// Reference Path.
func (v *validator) rule(r *ChoiceRule, ql QueryLanguage, depth int) {
	if r == nil {
		return
	}
	if depth > maxNesting {
		v.ds.errorf(CodeSchema, posOf(r.Node), r.Pointer, "Choice rules are nested more than %d deep", maxNesting)
		return
	}
	// A comparison operator comes with a Variable (Parse requires it), which is reported for both.
	v.otherLanguage(r.Node, r.Pointer, ql, ruleJSONPathOnly, ruleJSONataOnly)
	if ql == JSONata {
		if r.Condition != nil {
			v.jsonataValue(r.Condition, r.Pointer+"/Condition")
		}
		if r.Output != nil {
			v.jsonataValue(r.Output, r.Pointer+"/Output")
		}
		return
	}
	v.pathField(r.Node, r.Pointer, "Variable", refPath)
	if r.Operator != "" {
		if IsComparison(r.Operator) && strings.HasSuffix(r.Operator, "Path") && !strings.HasPrefix(r.Operator, "Is") {
			v.pathField(r.Node, r.Pointer, r.Operator, refPath)
		} else if strings.HasPrefix(r.Operator, "Timestamp") {
			if n := member(r.Node, r.Operator); n != nil && n.Kind == source.String && !isTimestamp(n.Str) {
				v.ds.errorf(CodeSchema, n.Pos, r.Pointer+"/"+r.Operator, "String does not match RFC3339 timestamp")
			}
		}
	}
	for _, sub := range r.And {
		v.rule(sub, ql, depth+1)
	}
	for _, sub := range r.Or {
		v.rule(sub, ql, depth+1)
	}
	v.rule(r.Not, ql, depth+1)
}

// timestampShape is the form AWS requires of a timestamp: RFC 3339 with an uppercase T and an uppercase Z
// or a numeric offset (the ASL specification's "Timestamps" section).
var timestampShape = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
})

// isTimestamp reports whether s is such a timestamp and names a real date and time (no 13th month, no
// 25th hour).
func isTimestamp(s string) bool {
	if !timestampShape().MatchString(s) {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}
