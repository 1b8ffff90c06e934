package asl

import (
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// jsonPathOnly and jsonataOnly are the state fields of one query language: the other language refuses
// them. AWS names the field and reports it at the state (floci-io/floci#2968).
var (
	jsonPathOnly = map[string]bool{
		"InputPath": true, "OutputPath": true, "ResultPath": true, "Parameters": true, "ResultSelector": true,
		"Result": true, "ItemsPath": true, "TimeoutSecondsPath": true, "HeartbeatSecondsPath": true,
		"SecondsPath": true, "TimestampPath": true, "MaxConcurrencyPath": true,
		"ToleratedFailurePercentagePath": true, "ToleratedFailureCountPath": true, "ErrorPath": true, "CausePath": true,
	}
	jsonataOnly = map[string]bool{"Arguments": true, "Output": true, "Items": true}
)

// jsonataFields are the state fields whose strings a JSONata state evaluates as "{% ... %}" expressions
// (Assign, Choice rules and catchers are checked where they are read).
var jsonataFields = []string{
	"Arguments", "Output", "Items", "ItemSelector", "Error", "Cause", "Timestamp", "Seconds",
	"TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency", "ToleratedFailureCount",
	"ToleratedFailurePercentage", "Credentials", "ItemReader", "ItemBatcher", "ResultWriter",
}

// queryLanguage checks what depends on the state's query language: a JSONPath state under a JSONata
// machine, the fields of the other language, numbers given as strings, and the JSONata expressions.
func (v *validator) queryLanguage(c *Common, distributed bool) {
	if ql := member(c.Node, "QueryLanguage"); ql != nil && ql.Kind == source.String && ql.Str == string(JSONPath) &&
		v.sm.QueryLanguage == JSONata && !distributed {
		// A state inside a DISTRIBUTED Map's processor is exempt: its states run as child executions, and
		// the lint corpus holds such a definition as valid (asl-validator valid-map-with-item-batcher-jsonata).
		// Ours: AWS has not been seen to accept or refuse it.
		v.ds.errorf(CodeSchema, posOf(c.Node), c.Pointer, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
	}
	v.otherLanguage(c.Node, c.Pointer, c.QueryLanguage, jsonPathOnly, jsonataOnly)
	for _, key := range []string{"TimeoutSeconds", "HeartbeatSeconds", "Seconds", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage"} {
		v.amount(c.Node, c.Pointer, key, c.QueryLanguage)
	}
	if c.QueryLanguage != JSONata {
		return
	}
	for _, key := range jsonataFields {
		if n := member(c.Node, key); n != nil {
			v.jsonataValue(n, c.Pointer+"/"+key)
		}
	}
}

// otherLanguage reports the fields of obj that belong to the query language ql is not.
func (v *validator) otherLanguage(obj *source.Node, ptr string, ql QueryLanguage, pathOnly, ataOnly map[string]bool) {
	if obj == nil || obj.Kind != source.Object {
		return
	}
	for _, m := range obj.Members {
		switch {
		case ql == JSONata && pathOnly[m.Key]:
			v.ds.errorf(CodeSchema, m.KeyPos, ptr, "The QueryLanguage is set to 'JSONata', but field '%s' is only supported for the 'JSONPath' QueryLanguage", m.Key)
		case ql != JSONata && ataOnly[m.Key]:
			v.ds.errorf(CodeSchema, m.KeyPos, ptr, "The QueryLanguage is set to 'JSONPath', but field '%s' is only supported for the 'JSONata' QueryLanguage", m.Key)
		}
	}
}

// amount checks a numeric field given as a string: only a JSONata state may, and only as an expression.
func (v *validator) amount(obj *source.Node, ptr, key string, ql QueryLanguage) {
	n := member(obj, key)
	if n == nil || n.Kind != source.String {
		return
	}
	switch {
	case ql != JSONata:
		v.ds.errorf(CodeSchema, n.Pos, ptr+"/"+key, "The field '%s' must be a number, not a string", key)
	case !isJSONataTemplate(n.Str):
		// Ours: the string is neither a number nor an expression that could give one.
		v.ds.errorf(CodeSchema, n.Pos, ptr+"/"+key, "The field '%s' must be a number or a JSONata expression \"{%% ... %%}\"", key)
	}
}

// isJSONataTemplate reports whether s is written as a JSONata expression, "{% ... %}".
func isJSONataTemplate(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// jsonataValue checks every string of a JSONata field, at any depth, that is meant as an expression.
func (v *validator) jsonataValue(n *source.Node, ptr string) {
	switch n.Kind {
	case source.String:
		v.jsonataString(n, ptr)
	case source.Array:
		for i, it := range n.Items {
			v.jsonataValue(it, ptr+"/"+strconv.Itoa(i))
		}
	case source.Object:
		for _, m := range n.Members {
			v.jsonataValue(m.Value, ptr+"/"+m.Key)
		}
	}
}

// jsonataString checks one string of a JSONata field. A string that neither starts with "{%" nor ends
// with "%}" is a literal. Otherwise it must be "{% expression %}": the delimiters, the expression's
// syntax, and no reference to the input at the top level (JSONata states read it as $states.input).
func (v *validator) jsonataString(n *source.Node, ptr string) {
	s := n.Str
	opens, closes := strings.HasPrefix(s, "{%"), strings.HasSuffix(s, "%}")
	if !opens && !closes {
		return
	}
	if !isJSONataTemplate(s) {
		// cdk-preflight records this wording from ValidateStateMachineDefinition for a missing "%}"; we give
		// it for a missing "{%" too, where AWS would take the string as a literal.
		v.ds.errorf(CodeSchema, n.Pos, ptr, "JSONata string must start with {%% and end with %%}")
		return
	}
	// No blank is needed after "{%" or before "%}": AWS documents none, and its own samples deploy
	// "{%$states.input%}". (asl-validator requires them; its reading is not AWS's.)
	v.expression(n, ptr, s[2:len(s)-2])
}
