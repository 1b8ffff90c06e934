package jsonata

// builtins are the functions of the reference implementation, by name (without the $).
var builtins = map[string]*builtin{}

// def registers a built-in. arity is the JavaScript parameter count of the reference function.
func def(name, sig string, arity int, fn func(ev *evaluator, c *call, args []any) (any, error)) {
	s, err := parseSignature(sig)
	if err != nil {
		return
	}
	builtins[name] = &builtin{name: name, sig: s, arity: arity, fn: fn}
}

func init() {
	registerStringFunctions()
	registerNumericFunctions()
	registerArrayFunctions()
	registerObjectFunctions()
	registerHigherOrderFunctions()
	registerDateTimeFunctions()
	registerMiscFunctions()
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
