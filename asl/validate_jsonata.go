package asl

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/jsonata"
	"github.com/aslrun/aslrun/asl/source"
)

// exprStart is where an expression starts in its string, after "{%".
const exprStart = 2

// expression checks the expression of a "{% ... %}" string n at ptr with the JSONata engine: its syntax,
// no field read at the top level, and records the variables it reads for the scope check. Diagnostics
// point into the string where the file's text allows.
func (v *validator) expression(n *source.Node, ptr, expr string) {
	e, err := jsonata.Compile(expr)
	if err != nil {
		var je *jsonata.Error
		if !errors.As(err, &je) { // Compile documents *Error; keep any other error's text
			je = &jsonata.Error{Position: -1, Message: err.Error()}
		}
		v.ds.errorf(CodeInvalidJSONata, v.text.at(n, exprStart+errorOffset(je, expr)), ptr, "%s", jsonataMessage(je, expr))
		return
	}
	if v.sm.expressions == nil {
		v.sm.expressions = map[string]*jsonata.Expr{}
	}
	v.sm.expressions[expr] = e
	if names := e.TopLevelNames(); len(names) > 0 {
		// AWS's code and wording (floci-io/floci#2670): a JSONata state has no input document at the top
		// level; it reads its input as $states.input.
		v.ds.errorf(CodeUnsupportedJSONata, v.text.at(n, exprStart+names[0].Position), ptr,
			"Reference to '%s' at the top level is not supported.", names[0].Name)
	}
	for _, fv := range e.FreeVariables() {
		if fv.Name != reservedVariable && !stepFunctionsFunctions[fv.Name] {
			v.refer(fv.Name, v.text.at(n, exprStart+fv.Position), ptr)
		}
	}
}

// stepFunctionsFunctions are the functions Step Functions adds to JSONata, which are not variables.
var stepFunctionsFunctions = func() map[string]bool {
	m := map[string]bool{}
	for name := range jsonata.StepFunctions() {
		m[name] = true
	}
	return m
}()

// errorOffset is where in expr a syntax error points: the start of the offending token when the
// engine's position (the token's end, as in jsonata-js) follows it as written, else that position.
func errorOffset(e *jsonata.Error, expr string) int {
	p := min(max(e.Position, 0), len(expr))
	if t := e.Token; t != "" && p >= len(t) && expr[p-len(t):p] == t {
		p -= len(t)
	}
	return p
}

// jsTemplates are jsonata-js's messages for the syntax errors whose placeholders it fills with JSON
// ("Syntax error: \"}\""), where the engine writes the bare token; AWS passes jsonata-js's messages on
// without their codes (floci-io/floci#2745). The engine's other messages are jsonata-js's already.
var jsTemplates = map[string]string{
	"S0102": "Number out of range: {{token}}",
	"S0103": "Unsupported escape sequence: \\{{token}}",
	"S0201": "Syntax error: {{token}}",
	"S0202": "Expected {{value}}, got {{token}}",
	"S0203": "Expected {{value}} before end of expression",
	"S0204": "Unknown operator: {{token}}",
	"S0211": "The symbol {{token}} cannot be used as a unary operator",
	"S0214": "The right side of {{token}} must be a variable name (start with $)",
}

// jsonataMessage words a syntax error as jsonata-js does.
func jsonataMessage(e *jsonata.Error, expr string) string {
	tmpl, ok := jsTemplates[e.Code]
	if !ok {
		return e.Message
	}
	value, _ := e.Value.(string)
	msg := strings.ReplaceAll(tmpl, "{{value}}", quote(value))
	return strings.ReplaceAll(msg, "{{token}}", tokenJSON(e, expr))
}

// tokenJSON renders the offending token as jsonata-js's JSON.stringify does: its numbers and the
// literals true, false and null bare, everything else (names, operators, strings) as a string. Only
// an unexpected token (S0201, S0202) can be a number or a literal, which the source then shows as
// written just before the error's position.
func tokenJSON(e *jsonata.Error, expr string) string {
	t := e.Token
	p := e.Position
	if (e.Code == "S0201" || e.Code == "S0202") && p >= len(t) && p <= len(expr) && expr[p-len(t):p] == t {
		switch {
		case t == "true" || t == "false" || t == "null":
			return t
		case t != "" && t[0] >= '0' && t[0] <= '9':
			if f, err := strconv.ParseFloat(t, 64); err == nil {
				return jsNumber(f)
			}
		}
	}
	return quote(t)
}

// quote is JSON.stringify of a string, which leaves <, > and & as they are.
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// jsNumber writes a number as JavaScript does: plain from 1e-6 up to 1e21, else with an exponent.
func jsNumber(f float64) string {
	if a := math.Abs(f); a == 0 || a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[:1]
	exp = strings.TrimLeft(exp[1:], "0")
	return mant + "e" + sign + exp
}
