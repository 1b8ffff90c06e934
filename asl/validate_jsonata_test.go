package asl

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outputDef is a JSONata definition whose state A outputs the expression expr, written as a JSON
// string, on one line.
func outputDef(expr string) string {
	s, _ := json.Marshal("{% " + expr + " %}")
	return jsonataSM(`"A": {"Type": "Pass", "Output": ` + string(s) + `, "End": true}`)
}

// TestJSONataExpressions: the engine's syntax errors in jsonata-js's words (which AWS passes on without
// the code), and the names read at the top level, which AWS refuses.
func TestJSONataExpressions(t *testing.T) {
	for _, tc := range []struct{ expr, code, msg string }{
		{expr: "$states.input.a[b > 1].c"},
		{expr: "$sum($states.input.items.(price * qty))"},
		{expr: `$match($states.input.x, /^[a-z]{2,}$/i) and $states.input.y ? "a" : 'b'`},
		{expr: "function($v, $w) { $v + $w }($states.input.a, 2)"},
		{expr: "( $a := 1; $b := [1..5]; $a ~> $string() )"},
		{expr: "$states.input.orders^(>price, <name){ customer: $sum(price) }"},
		{expr: `{ "k": $states.context.Execution.Id, "n": -1.5e3 } /* comment */`},
		{expr: "$states.input.a@$x#$i.b"},
		{expr: `$states.input ~> | a | {"b": 1}, ["c"] |`},
		{expr: "$map($states.input, $uppercase(?))"},
		{expr: "$uuid() & $partition([1, 2], 1) & $hash('a', 'SHA-256')"},
		{expr: "10 + * 2", code: CodeInvalidJSONata, msg: "Syntax error: 2"},
		{expr: "1 true", code: CodeInvalidJSONata, msg: "Syntax error: true"},
		{expr: "1 'x'", code: CodeInvalidJSONata, msg: `Syntax error: "x"`},
		{expr: "a[1,2)", code: CodeInvalidJSONata, msg: `Expected "]", got ","`},
		{expr: "(1", code: CodeInvalidJSONata, msg: `Expected ")" before end of expression`},
		{expr: `"unterminated`, code: CodeInvalidJSONata, msg: "String literal must be terminated by a matching quote"},
		{expr: "1 +", code: CodeInvalidJSONata, msg: "Unexpected end of expression"},
		{expr: `{"a":}`, code: CodeInvalidJSONata, msg: `The symbol "}" cannot be used as a unary operator`},
		{expr: `1 + <`, code: CodeInvalidJSONata, msg: `The symbol "<" cannot be used as a unary operator`},
		{expr: `$match("a", /abc`, code: CodeInvalidJSONata, msg: "No terminating / in regular expression"},
		{expr: "1 := 2", code: CodeInvalidJSONata, msg: "The left side of := must be a variable name (start with $)"},
		{expr: "function(a) { 1 }", code: CodeInvalidJSONata, msg: "Parameter 1 of function definition must be a variable name (start with $)"},
		{expr: `"\q"`, code: CodeInvalidJSONata, msg: `Unsupported escape sequence: \"q"`},
		{expr: "1e999", code: CodeInvalidJSONata, msg: `Number out of range: "1e999"`},
		{expr: "$states.input@1", code: CodeInvalidJSONata, msg: `The right side of "@" must be a variable name (start with $)`},
		{expr: strings.Repeat("(", 1200) + "1" + strings.Repeat(")", 1200), code: CodeInvalidJSONata, msg: "Expression nesting is too deep"},
		{expr: "phone.number", code: CodeUnsupportedJSONata, msg: "Reference to 'phone' at the top level is not supported."},
		{expr: "$count(items)", code: CodeUnsupportedJSONata, msg: "Reference to 'items' at the top level is not supported."},
	} {
		t.Run(tc.expr[:min(len(tc.expr), 40)], func(t *testing.T) {
			_, ds := Check([]byte(outputDef(tc.expr)), Options{})
			if tc.code == "" {
				assert.Empty(t, found(ds))
				return
			}
			require.Equal(t, []string{tc.code + " /States/A/Output"}, found(ds))
			assert.Equal(t, tc.msg, ds[0].Message)
		})
	}
}

// TestJSONataPositions: a diagnostic points into the expression, following the string's escapes in JSON
// and its quoting in YAML; where the string spans lines, at the field.
func TestJSONataPositions(t *testing.T) {
	for _, tc := range []struct {
		name, def string
		// at is the text the diagnostic must point at, the first occurrence in def after the Output key.
		at string
	}{
		{name: "syntax", def: outputDef("1 + * 2"), at: "2 %}"},
		{name: "top level", def: outputDef("$states.input.a & phone"), at: "phone"},
		{name: "after escapes", def: outputDef("\"a\\tb\\u00e9\" & \"\u00e9\" & \"\U0001F600\" & $nope"), at: "$nope"},
		{name: "after a surrogate pair escape", def: jsonataSM(`"A": {"Type": "Pass", "Output": "{% '\ud83d\ude00' & $nope %}", "End": true}`), at: "$nope"},
		{name: "end of expression", def: outputDef("(1 + 2"), at: "%}"},
		{name: "yaml double quotes", def: "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: \"{% 'it\\\"s' & $nope %}\"\n    End: true\n", at: "$nope"},
		{name: "yaml single quotes", def: "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: '{% ''it'' & $nope %}'\n    End: true\n", at: "$nope"},
		{name: "yaml over two lines", def: "QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    Output: \"{% 1 +\n      $nope %}\"\n    End: true\n", at: `"{% 1 +`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Check([]byte(tc.def), Options{})
			require.Len(t, ds, 1, "%v", ds)
			off := strings.Index(tc.def, "Output")
			off += strings.Index(tc.def[off:], tc.at)
			line := 1 + strings.Count(tc.def[:off], "\n")
			col := 1 + len([]rune(tc.def[strings.LastIndex(tc.def[:off], "\n")+1:off]))
			assert.Equal(t, []int{line, col}, []int{ds[0].Line, ds[0].Col}, ds[0].String())
		})
	}
}

// TestCheckKeepsExpressions: the checks keep the JSONata expressions they compiled, by their text, for
// the interpreter to reuse; a text they did not compile has none.
func TestCheckKeepsExpressions(t *testing.T) {
	sm, diags := Check([]byte(`{"QueryLanguage":"JSONata","StartAt":"A","States":{
		"A":{"Type":"Pass","Output":{"x":"{% $states.input.x %}","y":"{%$states.input.y%}"},"End":true}}}`), Options{})
	require.False(t, HasErrors(diags), "%v", diags)
	for _, text := range []string{" $states.input.x ", "$states.input.y"} {
		e := sm.Expression(text)
		require.NotNil(t, e, text)
		assert.Equal(t, text, e.String())
	}
	assert.Nil(t, sm.Expression("$states.input.z"))
}
