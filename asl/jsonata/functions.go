package jsonata

import "sync"

// table maps a built-in's name (without the $) to it.
type table map[string]*builtin

// lazyBuiltins holds the built-ins once built: on first use rather than at start-up, which every command
// pays. (A sync.OnceValue initializer would refer to itself through the functions that look built-ins up.)
var lazyBuiltins struct {
	once  sync.Once
	table table
}

// builtins are the functions of the reference implementation.
func builtins() table {
	lazyBuiltins.once.Do(func() {
		t := table{}
		registerStringFunctions(t)
		registerNumericFunctions(t)
		registerArrayFunctions(t)
		registerObjectFunctions(t)
		registerHigherOrderFunctions(t)
		registerDateTimeFunctions(t)
		registerMiscFunctions(t)
		lazyBuiltins.table = t
	})
	return lazyBuiltins.table
}

// def adds a built-in. arity is the JavaScript parameter count of the reference function.
func (t table) def(name, sig string, arity int, fn func(ev *evaluator, c *call, args []any) (any, error)) {
	s, err := parseSignature(sig)
	if err != nil {
		return
	}
	t[name] = &builtin{name: name, sig: s, arity: arity, fn: fn}
}

// str, num and arg read validated arguments; a missing argument reads as the zero value.
func str(args []any, i int) (string, bool) {
	s, ok := argAt(args, i).(string)
	return s, ok
}

func num(args []any, i int) (float64, bool) {
	f, ok := argAt(args, i).(float64)
	return f, ok
}
