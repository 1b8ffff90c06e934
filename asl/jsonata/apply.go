package jsonata

import "context"

// lambda is a function defined in an expression (or the thunk of a tail call), closed over the
// input and scope where it was defined.
type lambda struct {
	params []string
	sig    *signature
	body   *node
	thunk  bool
	input  any
	env    *frame
}

// call is what a built-in sees of its invocation: the context value and scope, and its name.
type call struct {
	input any
	env   *frame
	name  string
}

// builtin is a function implemented in Go. arity is the parameter count jsonata-js reports
// (JavaScript's Function.length), which decides how many arguments $map and friends pass.
type builtin struct {
	name  string
	sig   *signature
	arity int
	fn    func(ev *evaluator, c *call, args []any) (any, error)
}

// hostFunction is a Function bound by the caller.
type hostFunction struct {
	name string
	sig  *signature
	fn   func(ctx context.Context, args []any) (any, error)
}

// placeholder marks a '?' argument of a partial application.
type placeholder struct{}

// partialNative is a Go function with some arguments fixed.
type partialNative struct {
	fn    any // *builtin or *hostFunction
	args  []any
	arity int
}

// chained is f ~> g for two functions: g applied to the result of f.
type chained struct {
	f, g any
}

// arity returns the number of parameters a function declares.
func arity(fn any) int {
	switch f := fn.(type) {
	case *lambda:
		return len(f.params)
	case *builtin:
		return f.arity
	case *hostFunction:
		if f.sig != nil {
			return f.sig.arity()
		}
		return 1
	case *regexMatcher:
		return 2
	case *partialNative:
		n := 0
		for i := 0; i < f.arity; i++ {
			if _, ok := argAt(f.args, i).(placeholder); ok {
				n++
			}
		}
		return n
	case *chained:
		return 1
	}
	return 0
}

func procName(proc *node) string {
	if proc.typ == nPath && len(proc.steps) > 0 {
		return proc.steps[0].str
	}
	return proc.str
}

// evalFunction evaluates a call; with applyTo, the value on the left of ~> is the first argument.
func (ev *evaluator) evalFunction(n *node, input any, env *frame, applyTo any, hasApplyTo bool) (any, error) {
	proc, err := ev.eval(n.procedure, input, env)
	if err != nil {
		return nil, err
	}
	name := procName(n.procedure)
	if proc == nil {
		if n.procedure.typ == nPath {
			if _, ok := ev.lookup(env, name); ok {
				return nil, newError("T1005", n.pos, name, nil)
			}
		}
		if n.procedure.typ == nVariable && ev.isDisabled(name) {
			return nil, &Error{Code: "T1006", Position: n.pos, Token: name, Message: "The function $" + name + " is not available"}
		}
	}
	args := make([]any, 0, len(n.exprs)+1)
	if hasApplyTo {
		args = append(args, applyTo)
	}
	for _, a := range n.exprs {
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	res, err := ev.apply(proc, args, input, env, name)
	if err != nil {
		return nil, withToken(err, name, n.pos)
	}
	return res, nil
}

// apply calls a function and runs the trampoline for tail calls: a thunk result is a tail
// call, made here without nesting.
func (ev *evaluator) apply(proc any, args []any, input any, env *frame, name string) (any, error) {
	result, err := ev.applyInner(proc, args, input, env, name)
	for err == nil {
		th, ok := result.(*lambda)
		if !ok || !th.thunk {
			break
		}
		tail := th.body
		next, err2 := ev.eval(tail.procedure, th.input, th.env)
		if err2 != nil {
			return nil, err2
		}
		nextArgs := make([]any, 0, len(tail.exprs))
		for _, a := range tail.exprs {
			v, err := ev.eval(a, th.input, th.env)
			if err != nil {
				return nil, err
			}
			nextArgs = append(nextArgs, v)
		}
		nextName := procName(tail.procedure)
		result, err = ev.applyInner(next, nextArgs, input, env, nextName)
		if err != nil {
			err = withToken(err, nextName, tail.pos)
		}
	}
	return result, err
}

func (ev *evaluator) applyInner(proc any, args []any, input any, env *frame, name string) (any, error) {
	switch p := proc.(type) {
	case *lambda:
		if p.sig != nil {
			var err error
			if args, err = p.sig.validate(args, input, name); err != nil {
				return nil, err
			}
		}
		// capped, so that a variable bound in the body is appended to a copy of the names
		scope := &frame{names: p.params[:len(p.params):len(p.params)], vals: make([]any, len(p.params)), parent: p.env}
		copy(scope.vals, args)
		return ev.eval(p.body, p.input, scope)
	case *builtin:
		if p.sig != nil {
			var err error
			if args, err = p.sig.validate(args, input, p.nameOr(name)); err != nil {
				return nil, err
			}
		}
		return p.fn(ev, &call{input: input, env: env, name: p.nameOr(name)}, args)
	case *hostFunction:
		if p.sig != nil {
			var err error
			if args, err = p.sig.validate(args, input, name); err != nil {
				return nil, err
			}
		}
		out := make([]any, len(args))
		for i, a := range args {
			out[i] = toOutput(a, &ev.meter)
		}
		res, err := p.fn(ev.ctx, out)
		if err != nil {
			if _, ok := err.(*Error); ok {
				return nil, err
			}
			return nil, &Error{Code: "D3137", Position: -1, Token: name, Message: err.Error()}
		}
		// built outside the evaluator, so charged now that it exists
		ev.chargeValue(res)
		return norm(res), ev.err
	case *regexMatcher:
		str, _ := argAt(args, 0).(string)
		m, err := p.first(str)
		if err != nil || m == nil {
			return nil, err
		}
		return m.toObject(), nil
	case *partialNative:
		full := make([]any, p.arity)
		j := 0
		for i := range full {
			if _, ok := argAt(p.args, i).(placeholder); ok {
				full[i] = argAt(args, j)
				j++
			} else {
				full[i] = argAt(p.args, i)
			}
		}
		for len(full) > 0 && full[len(full)-1] == nil {
			full = full[:len(full)-1]
		}
		return ev.apply(p.fn, full, input, env, name)
	case *chained:
		r, err := ev.apply(p.f, args, nil, env, "")
		if err != nil {
			return nil, err
		}
		return ev.apply(p.g, []any{r}, nil, env, "")
	}
	return nil, newError("T1006", -1, "", nil)
}

func (b *builtin) nameOr(name string) string {
	if b.name != "" {
		return b.name
	}
	return name
}

// evalPartial evaluates a partial application f(a, ?, c): a function of the '?' arguments.
func (ev *evaluator) evalPartial(n *node, input any, env *frame) (any, error) {
	args := make([]any, len(n.exprs))
	for i, a := range n.exprs {
		if a.typ == nPlaceholder {
			args[i] = placeholder{}
			continue
		}
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	proc, err := ev.eval(n.procedure, input, env)
	if err != nil {
		return nil, err
	}
	name := procName(n.procedure)
	if proc == nil && n.procedure.typ == nPath {
		if _, ok := ev.lookup(env, name); ok {
			return nil, newError("T1007", n.pos, name, nil)
		}
	}
	switch p := proc.(type) {
	case *lambda:
		scope := newFrame(p.env)
		var unbound []string
		for i, param := range p.params {
			a := argAt(args, i)
			if _, ok := a.(placeholder); ok {
				unbound = append(unbound, param)
			} else {
				scope.bind(param, a)
			}
		}
		return &lambda{params: unbound, body: p.body, input: p.input, env: scope}, nil
	case *builtin, *hostFunction:
		return &partialNative{fn: p, args: args, arity: max(arity(p), len(args))}, nil
	case *partialNative:
		// the new arguments fill the placeholders of the earlier application
		merged := make([]any, p.arity)
		j := 0
		for i := range merged {
			if _, ok := argAt(p.args, i).(placeholder); ok {
				merged[i] = argAt(args, j)
				j++
			} else {
				merged[i] = argAt(p.args, i)
			}
		}
		return &partialNative{fn: p.fn, args: merged, arity: p.arity}, nil
	}
	return nil, newError("T1008", n.pos, name, nil)
}

// evalApply evaluates a ~> f: f called with a as its first argument.
func (ev *evaluator) evalApply(n *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if n.rhs.typ == nFunction {
		res, err := ev.evalFunction(n.rhs, input, env, lhs, true)
		if s, ok := res.(*sequence); ok && n.rhs.keepArray {
			s.keepSingleton = true
		}
		return res, err
	}
	fn, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	if !isFunction(fn) {
		return nil, newError("T2006", n.pos, "", fn)
	}
	if isFunction(lhs) {
		return &chained{f: lhs, g: fn}, nil
	}
	return ev.apply(fn, []any{lhs}, nil, env, "")
}

// callFunction is how built-ins call a function argument (as $map does).
func (ev *evaluator) callFunction(fn any, c *call, args ...any) (any, error) {
	return ev.apply(fn, args, nil, c.env, "")
}

// hofArgs passes a callback the value, then the index and the whole input if it takes them.
func hofArgs(fn any, v, index, all any) []any {
	n := arity(fn)
	switch {
	case n >= 3:
		return []any{v, index, all}
	case n == 2:
		return []any{v, index}
	}
	return []any{v}
}
