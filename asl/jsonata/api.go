// Package jsonata is a JSONata 2.x engine (https://jsonata.org), a port of the reference
// implementation jsonata-js 2.x: the same operators, built-in functions, error codes and
// sequence semantics, checked against its conformance suite.
//
// Input and output values are aslrun's JSON values (package value: objects as *value.Object or
// map[string]any, []any, int64, float64, string, bool, nil); json.Number and the other Go integer
// types are accepted on input. Neither object form has a key order, so where JSONata depends on key
// order ($keys, $each, $spread, *, **, $string) the keys of an input object are visited in sorted
// order (integer-like keys first, ascending, as JavaScript lists them). Input objects are read,
// never changed, and come out as they went in (the same map or *value.Object). Objects built by an
// expression keep their order internally but are returned as *value.Object, the compact form.
package jsonata

import (
	"context"
	"errors"
	"time"
)

// Expr is a compiled expression. It is immutable and safe for concurrent use.
type Expr struct {
	src string
	ast *node
}

// Options control one evaluation.
type Options struct {
	// Bindings are variables ($name) bound before evaluation: plain values, or Function values.
	Bindings map[string]any
	// Host, when set, finds the variables that Bindings does not hold, as they are read.
	Host Host
	// Scratch, when set, is the memory the evaluation works in, reused from the evaluation before: a
	// host that evaluates many expressions in turn saves allocating it (300 bytes) each time.
	Scratch *Scratch
	// Timeout stops an evaluation that runs longer with U1001; 0 means none.
	Timeout time.Duration
	// MaxBytes is the memory budget of the evaluation: the estimated bytes of the values it may
	// build (array items, string bytes, object members), counted as they are built, whether or not
	// they are still in use. Crossing it fails the evaluation with U1002. 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxDepth is the deepest nesting of node evaluations before U1001; 0 means the default
	// (10000), which only guards the Go stack.
	MaxDepth int
	// Now is the clock of $now and $millis, read once per evaluation; nil means time.Now.
	Now func() time.Time
	// Disabled names built-in functions to refuse, with or without the $ ("$eval").
	Disabled []string
	// RejectFunctions makes a function result an ErrFunctionResult instead of undefined: Step
	// Functions refuses such a result where the reference would hand on nothing.
	RejectFunctions bool
}

// A Scratch is the working memory of evaluations that follow one another (Options.Scratch). One
// evaluation at a time uses it; its zero value is ready.
type Scratch struct{ ev evaluator }

// A Host finds variables as an evaluation reads them: a host with many variables, or values that change
// from one evaluation to the next, binds them without building a map for each evaluation. It is an
// interface, so that a host hands itself over without making closures for each evaluation.
type Host interface {
	// Lookup finds a variable that Bindings does not hold. Its values are as Bindings' are.
	Lookup(name string) (any, bool)
	// LookupPath is asked first for a path of fields of such a variable ($v.a.b: name v, fields a and
	// b): v is the value of the path's first used fields, and the evaluation reads the rest. A host can
	// serve a path without building the variable's whole value; ok false leaves the path to Lookup.
	LookupPath(name string, fields []string) (v any, used int, ok bool)
}

// ErrFunctionResult is the error of an expression whose result is a function, under
// Options.RejectFunctions.
var ErrFunctionResult = errors.New("the expression returned a function")

// Function is a host function bindable as $name. Signature, when not empty, is a JSONata
// signature ("<s-n?:s>") the arguments are validated and converted against. Call receives the
// arguments as generic JSON values (nil for null and for missing arguments); a nil result is
// JSON null.
type Function struct {
	Signature string
	Call      func(ctx context.Context, args []any) (any, error)
}

// Compile parses an expression. Syntax errors are *Error with the position of the problem.
func Compile(expr string) (*Expr, error) {
	ast, err := parse(expr)
	if err != nil {
		return nil, err
	}
	markFieldPaths(ast)
	return &Expr{src: expr, ast: ast}, nil
}

// markFieldPaths records in each path of fields of a variable ($v.a.b) its fields, for the evaluator's
// direct lookup (fieldsOfVariable). A path it does not reach is merely evaluated the general way.
func markFieldPaths(n *node) {
	if n == nil {
		return
	}
	if n.typ == nPath && len(n.steps) > 1 && n.steps[0].typ == nVariable {
		fields := make([]string, 0, len(n.steps)-1)
		for _, st := range n.steps[1:] {
			if st.typ != nName {
				fields = nil
				break
			}
			fields = append(fields, st.str)
		}
		n.fields = fields
	}
	for _, c := range []*node{n.lhs, n.rhs, n.procedure, n.body, n.cond, n.then, n.els, n.pattern, n.update, n.delete} {
		markFieldPaths(c)
	}
	for _, group := range [][]*node{n.exprs, n.steps} {
		for _, c := range group {
			markFieldPaths(c)
		}
	}
	for _, p := range n.pairs {
		markFieldPaths(p[0])
		markFieldPaths(p[1])
	}
	for _, t := range n.terms {
		markFieldPaths(t.expr)
	}
	for _, st := range append(n.stages, n.predicate...) {
		markFieldPaths(st.expr)
	}
	if n.group != nil {
		for _, p := range n.group.pairs {
			markFieldPaths(p[0])
			markFieldPaths(p[1])
		}
	}
}

// String returns the source of the expression.
func (e *Expr) String() string {
	return e.src
}

// Eval evaluates the expression against input (nil is JSON null). defined is false when the
// result is JSONata's undefined (no value), which is distinct from JSON null. Errors are *Error.
func (e *Expr) Eval(ctx context.Context, input any, opts *Options) (value any, defined bool, err error) {
	return e.evaluate(ctx, input, true, opts)
}

// EvalWithoutInput evaluates the expression with no input document at all: "$" and top-level
// names are undefined, as in a Step Functions state, which reads its data from bindings.
func (e *Expr) EvalWithoutInput(ctx context.Context, opts *Options) (value any, defined bool, err error) {
	return e.evaluate(ctx, nil, false, opts)
}

// evaluate evaluates against input, or against no input at all (undefined) when hasInput is false.
func (e *Expr) evaluate(ctx context.Context, input any, hasInput bool, opts *Options) (any, bool, error) {
	if opts == nil {
		opts = &Options{}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var ev *evaluator
	if s := opts.Scratch; s != nil {
		looked := s.ev.looked[:0]
		clear(s.ev.looked) // the last evaluation's host values are not kept alive
		s.ev = evaluator{meter: meter{ctx: ctx, limit: opts.MaxBytes}, maxDepth: opts.MaxDepth, looked: looked}
		ev = &s.ev
	} else {
		ev = &evaluator{meter: meter{ctx: ctx, limit: opts.MaxBytes}, maxDepth: opts.MaxDepth}
	}
	if ev.limit <= 0 {
		ev.limit = DefaultMaxBytes
	}
	ev.left = ev.limit
	if ev.maxDepth <= 0 {
		ev.maxDepth = defaultMaxDepth
	}
	ev.timeout = opts.Timeout
	if d, ok := ctx.Deadline(); ok {
		ev.deadline = d
	}
	ev.nowFunc = opts.Now
	ev.disabled, ev.host = opts.Disabled, opts.Host
	if len(opts.Bindings) > 0 {
		ev.globals = make(map[string]any, len(opts.Bindings))
		for name, v := range opts.Bindings {
			ev.globals[name] = bindingValue(name, v)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, false, &Error{Code: "U1001", Position: -1, Message: "Expression evaluation cancelled: " + err.Error()}
	}
	var in any
	if hasInput {
		in = prepareInput(input)
	}
	env := &ev.root // with ev: one allocation, where the scope and its binding of $ took three more
	env.names, env.vals = ev.rootNames[:0], ev.rootVals[:0]
	env.bind("$", in)
	result, err := ev.eval(e.ast, in, env)
	if err != nil {
		return nil, false, err
	}
	if result == nil {
		return nil, false, nil
	}
	if isFunction(result) {
		if opts.RejectFunctions {
			return nil, false, ErrFunctionResult
		}
		return nil, false, nil
	}
	// Converted within the budget, so that a result sharing one value many times is refused before it is
	// walked again; the conversion also refuses the numbers that are not finite.
	out := toOutput(result, &ev.meter)
	if ev.err != nil {
		return nil, false, ev.err
	}
	return out, true, nil
}

// prepareInput normalises the input; a JSON array is wrapped so that the whole array is the
// context, as jsonata-js does.
func prepareInput(input any) any {
	in := norm(input)
	if a, ok := in.([]any); ok {
		return &sequence{items: []any{a}, isSeq: true, outerWrapper: true}
	}
	return in
}

// bindingValue converts a caller binding to an evaluator value.
func bindingValue(name string, v any) any {
	switch f := v.(type) {
	case Function:
		return newHostFunction(name, &f)
	case *Function:
		return newHostFunction(name, f)
	case *builtin, *hostFunction:
		return v
	}
	return norm(v)
}

func newHostFunction(name string, f *Function) any {
	h := &hostFunction{name: name, fn: f.Call}
	if f.Signature != "" {
		if sig, err := parseSignature(f.Signature); err == nil {
			h.sig = sig
		}
	}
	if h.fn == nil {
		return nil
	}
	return h
}
