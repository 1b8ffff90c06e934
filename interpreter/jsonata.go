package interpreter

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonata"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// JSONata expressions and templates; pipeline.go runs them as a JSONata state's stages.

// ataTimeout stops a runaway expression (a deep recursion, a huge range) with the reference's U1001.
const ataTimeout = 10 * time.Second

// stepFunctions are the functions AWS adds to JSONata, bound once for every evaluation.
var stepFunctions = jsonata.StepFunctions()

// ataExpr is one compiled "{% ... %}" expression and the field it fills, which AWS's causes name
// ("Output/result").
type ataExpr struct {
	field string
	src   string
	expr  *jsonata.Expr
	// readsContext: the expression may read $states.context, which is then built.
	readsContext bool
}

// ataNode is a compiled JSONata template: a JSON value whose "{% %}" strings are expressions.
type ataNode interface {
	eval(env *ataEnv) (any, error)
}

type ataConst struct{ v any }

type ataField struct {
	name  string
	value ataNode
}

type ataObject struct {
	fields []ataField
	// slots are the places of the fields among the members, in key order (nil when a key repeats).
	slots []int
}

type ataArray struct{ items []ataNode }

// isExpression reports whether a string is a JSONata expression: "{%" and "%}" around it.
func isExpression(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// expression compiles the expression a "{% ... %}" string holds.
func (c *compiler) expression(field, s string) (*ataExpr, error) {
	body := s[2 : len(s)-2]
	e := c.sm.Expression(body) // compiled by the checks already
	if e == nil {
		var err error
		if e, err = jsonata.Compile(body); err != nil {
			return nil, fmt.Errorf("the JSONata expression in field '%s' is malformed: %w", field, err)
		}
	}
	fields, whole := e.FieldsOf("states")
	return &ataExpr{field: field, src: strings.TrimSpace(body), expr: e,
		readsContext: whole || slices.Contains(fields, "context")}, nil
}

// ata compiles a template. A nil node gives nil: the field is absent.
func (c *compiler) ata(field string, n *source.Node) (ataNode, error) {
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case source.String:
		if isExpression(n.Str) {
			return c.expression(field, n.Str)
		}
	case source.Object:
		obj := &ataObject{}
		dynamic := false
		for _, m := range n.Members {
			v, err := c.ata(field+"/"+m.Key, m.Value)
			if err != nil {
				return nil, err
			}
			_, isConst := v.(ataConst)
			dynamic = dynamic || !isConst
			obj.fields = append(obj.fields, ataField{name: m.Key, value: v})
		}
		if dynamic {
			obj.slots = keySlots(len(obj.fields), func(i int) string { return obj.fields[i].name })
			return obj, nil
		}
	case source.Array:
		arr := &ataArray{}
		dynamic := false
		for i, it := range n.Items {
			v, err := c.ata(field+"/"+strconv.Itoa(i), it)
			if err != nil {
				return nil, err
			}
			_, isConst := v.(ataConst)
			dynamic = dynamic || !isConst
			arr.items = append(arr.items, v)
		}
		if dynamic {
			return arr, nil
		}
	}
	return ataConst{v: n.Value()}, nil
}

// ataString compiles a field a JSONata state may give as an expression string (Wait's Timestamp,
// Fail's Error and Cause, the numeric fields): nil when s is no expression.
func (c *compiler) ataString(field, s string) (*ataExpr, error) {
	if !isExpression(s) {
		return nil, nil
	}
	return c.expression(field, s)
}

func (c ataConst) eval(*ataEnv) (any, error) { return c.v, nil }

func (o *ataObject) eval(env *ataEnv) (any, error) {
	members := make([]value.Member, len(o.fields))
	for i, f := range o.fields {
		v, err := f.value.eval(env)
		if err != nil {
			return nil, err
		}
		slot := i
		if o.slots != nil {
			slot = o.slots[i]
		}
		members[slot] = value.Member{Key: f.name, Value: v}
	}
	return value.NewObject(members), nil
}

func (a *ataArray) eval(env *ataEnv) (any, error) {
	out := make([]any, len(a.items))
	for i, it := range a.items {
		v, err := it.eval(env)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (x *ataExpr) eval(env *ataEnv) (any, error) {
	env.wantContext = x.readsContext
	v, defined, err := x.expr.EvalWithoutInput(env.f.ctx, env.options())
	switch {
	case errors.Is(err, jsonata.ErrFunctionResult):
		return nil, x.fail("returned an unsupported result type.")
	case err != nil:
		return nil, x.fail("threw an error during evaluation. " + err.Error())
	case !defined:
		return nil, x.fail("returned nothing (undefined).")
	}
	return v, nil
}

func (x *ataExpr) fail(what string) error {
	return stateErrorf(failure.QueryEvaluationError, "The JSONata expression '%s' specified for the field '%s' %s",
		x.src, x.field, what)
}

// wrongType is AWS's cause for an expression whose value has the wrong JSON type for its field.
func (x *ataExpr) wrongType(want string, v any) error {
	return x.fail(fmt.Sprintf("returned an unexpected result type. Expected '%s', but was '%s' for value: %s",
		want, strings.Trim(jsonTypeName(v), `"`), compactJSON(v)))
}

// evalInt evaluates an expression that must give a whole number (a number of seconds, a count).
func (x *ataExpr) evalInt(env *ataEnv) (int64, error) {
	v, err := x.eval(env)
	if err != nil {
		return 0, err
	}
	n, ok := wholeNumber(v)
	if !ok {
		return 0, x.wrongType("integer", v)
	}
	return n, nil
}

// evalCount evaluates an expression that must give a non-negative whole number (seconds to wait, a
// concurrency, a tolerated count).
func (x *ataExpr) evalCount(env *ataEnv) (int64, error) {
	n, err := x.evalInt(env)
	if err == nil && n < 0 {
		err = x.wrongType("non-negative integer", n)
	}
	return n, err
}

// evalSeconds evaluates a TimeoutSeconds or HeartbeatSeconds expression: a positive whole number.
func (x *ataExpr) evalSeconds(env *ataEnv) (time.Duration, error) {
	v, err := x.eval(env)
	if err != nil {
		return 0, err
	}
	n, ok := wholeNumber(v)
	if !ok || n < 1 {
		return 0, x.wrongType("positive integer", v)
	}
	return time.Duration(n) * time.Second, nil
}

// evalString evaluates an expression that must give a string.
func (x *ataExpr) evalString(env *ataEnv) (string, error) {
	v, err := x.eval(env)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", x.wrongType("string", v)
	}
	return s, nil
}

// ataEnv is what a state's expressions see: $states and the variables. $states is held as its members,
// and made a map only for an expression that reads it whole.
type ataEnv struct {
	f *frame
	// input, result and errorOutput are $states' members; the state has a result or an error output when
	// hasResult or hasErrorOutput says so.
	input, result, errorOutput any
	hasResult, hasErrorOutput  bool
	// context is $states.context once built (addContext); states is $states as a map, once built.
	context map[string]any
	states  map[string]any
	opts    jsonata.Options
	optsSet bool
	// wantContext: the expression being evaluated may read $states.context.
	wantContext bool
}

// ataEnv starts the environment of a state whose input is input. A frame has two environments, which
// its states take in turn: the state's, and its result's or error output's (withResult,
// withErrorOutput); an environment is not used once its state's expressions are evaluated.
func (f *frame) ataEnv(input any) *ataEnv {
	env := &f.ataMemory().envs[0]
	*env = ataEnv{f: f, input: input}
	return env
}

// ataMemory is what a frame's JSONata evaluations work in: its two environments, and the evaluator's
// memory, which evaluations reuse one after another (jsonata.Scratch).
type ataMemory struct {
	envs    [2]ataEnv
	scratch jsonata.Scratch
}

func (f *frame) ataMemory() *ataMemory {
	if f.ata == nil {
		f.ata = new(ataMemory)
	}
	return f.ata
}

// member is $states' member name, if the state has it.
func (env *ataEnv) member(name string) (any, bool) {
	switch name {
	case "input":
		return env.input, true
	case "result":
		return env.result, env.hasResult
	case "errorOutput":
		return env.errorOutput, env.hasErrorOutput
	case "context":
		return env.context, env.context != nil
	}
	return nil, false
}

// addContext builds $states.context, the first time an expression that may read it reads $states whole
// or a part of the context that the frame's fields do not hold: most expressions read none of it, or read
// it through paths (LookupPath), and building $$ for each Map item, or for each state, cost a fifth of its
// time.
func (env *ataEnv) addContext() {
	if env.context == nil {
		env.context = env.f.contextObject()
		env.states = nil // a $states handed out already stays as it was
	}
}

// statesMap is $states as a map, for an expression that reads it whole.
func (env *ataEnv) statesMap() map[string]any {
	if env.wantContext {
		env.addContext()
	}
	if env.states == nil {
		env.states = map[string]any{"input": env.input}
		for _, name := range []string{"result", "errorOutput", "context"} {
			if v, ok := env.member(name); ok {
				env.states[name] = v
			}
		}
	}
	return env.states
}

// LookupPath serves the paths of $states: $states.input and its kin from the state, $states.context's
// from the frame's fields, as JSONPath's $$ paths are (contextNames), building $$ only for a part the
// fields do not hold.
func (env *ataEnv) LookupPath(name string, fields []string) (any, int, bool) {
	if name != "states" {
		return nil, 0, false
	}
	if fields[0] != "context" {
		v, ok := env.member(fields[0])
		return v, 1, ok
	}
	if env.context != nil {
		return env.context, 1, true
	}
	at := func(i int) string {
		if i < len(fields) {
			return fields[i]
		}
		return ""
	}
	if v, k, ok := env.f.contextNames(at(1), at(2), at(3)); ok {
		return v, 1 + k, true
	}
	env.addContext()
	return env.context, 1, true
}

// withResult and withErrorOutput are env with $states.result or $states.errorOutput set.
func (env *ataEnv) withResult(v any) *ataEnv {
	return env.f.secondEnv(ataEnv{f: env.f, input: env.input, result: v, hasResult: true, context: env.context})
}

func (env *ataEnv) withErrorOutput(v any) *ataEnv {
	return env.f.secondEnv(ataEnv{f: env.f, input: env.input, errorOutput: v, hasErrorOutput: true, context: env.context})
}

// secondEnv makes e the frame's second environment.
func (f *frame) secondEnv(e ataEnv) *ataEnv {
	m := f.ataMemory()
	m.envs[1] = e
	return &m.envs[1]
}

func (env *ataEnv) options() *jsonata.Options {
	if !env.optsSet {
		env.opts = jsonata.Options{Host: env, Scratch: &env.f.ata.scratch, Timeout: ataTimeout, Now: env.f.ex.now,
			Disabled: []string{"eval"}, RejectFunctions: true} // Step Functions refuses $eval
		env.optsSet = true
	}
	return &env.opts
}

// Lookup finds a variable an expression reads: $states, then the state's variables, then the functions
// AWS adds. Looked up as read, nothing is copied for an expression that reads few of them.
func (env *ataEnv) Lookup(name string) (any, bool) {
	if name == "states" {
		return env.statesMap(), true
	}
	if v, ok := env.f.vars.get(name); ok {
		return v, true
	}
	v, ok := stepFunctions[name]
	return v, ok
}
