package jsonata

import (
	"strconv"
	"strings"
)

// A signature such as <s-n?:s> declares a function's parameter types: b boolean, n number,
// s string, l null, a array, o object, f function, j any JSON value, x anything, (..) a
// choice; '?' optional, '+' one or more, '-' the context value when the argument is missing.
// Arguments are matched as jsonata-js does with a regex over their type symbols; this is
// that regex, matched by backtracking.

type sigParam struct {
	class    string // the type symbols accepted, m (missing) included where the regex has it
	typ      string
	subtype  string
	optional bool
	plus     bool
	context  bool
}

type signature struct {
	src    string
	params []sigParam
}

var arrayTypeNames = map[string]string{"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"}

// parseSignature parses a signature "<...>"; error positions are offsets into it.
func parseSignature(sig string) (*signature, *Error) {
	s := &signature{src: sig}
	prev := -1 // the index of the last parameter, which modifiers apply to
	for pos := 1; pos < len(sig); pos++ {
		c := sig[pos]
		if c == ':' {
			break
		}
		switch c {
		case 's', 'n', 'b', 'l', 'o':
			s.params = append(s.params, sigParam{class: string(c) + "m", typ: string(c)})
		case 'a':
			s.params = append(s.params, sigParam{class: "asnblfom", typ: "a"})
		case 'f':
			s.params = append(s.params, sigParam{class: "f", typ: "f"})
		case 'j':
			s.params = append(s.params, sigParam{class: "asnblom", typ: "j"})
		case 'x':
			s.params = append(s.params, sigParam{class: "asnblfom", typ: "x"})
		case '-':
			if prev >= 0 {
				s.params[prev].context = true
				s.params[prev].optional = true
			}
			continue
		case '?':
			if prev >= 0 {
				s.params[prev].optional = true
			}
			continue
		case '+':
			if prev >= 0 {
				s.params[prev].plus = true
			}
			continue
		case '(':
			end := closing(sig, pos, '(', ')')
			choice := sig[pos+1 : min(end, len(sig))]
			if strings.Contains(choice, "<") {
				return nil, &Error{Code: "S0402", Position: pos, Value: choice, Message: errorMessages["S0402"]}
			}
			s.params = append(s.params, sigParam{class: choice + "m", typ: "(" + choice + ")"})
			pos = end
		case '<':
			if prev < 0 || (s.params[prev].typ != "a" && s.params[prev].typ != "f") {
				typ := ""
				if prev >= 0 {
					typ = s.params[prev].typ
				}
				return nil, &Error{Code: "S0401", Position: pos, Value: typ, Message: errorMessages["S0401"]}
			}
			end := closing(sig, pos, '<', '>')
			s.params[prev].subtype = sig[pos+1 : min(end, len(sig))]
			pos = end
			continue
		default:
			continue
		}
		prev = len(s.params) - 1
	}
	return s, nil
}

// closing finds the bracket that balances the one at start.
func closing(s string, start int, open, close byte) int {
	depth := 1
	pos := start
	for pos < len(s)-1 {
		pos++
		if s[pos] == close {
			depth--
			if depth == 0 {
				return pos
			}
		} else if s[pos] == open {
			depth++
		}
	}
	return len(s)
}

// match matches the type symbols from params[i] on; it returns the symbols each parameter took.
// anchored requires all symbols to be used; otherwise the match may stop early.
func (s *signature) match(params []sigParam, syms string, counts []int, anchored bool) ([]int, bool) {
	if len(params) == 0 {
		if anchored && syms != "" {
			return nil, false
		}
		return counts, true
	}
	p := params[0]
	maxN := 0
	for maxN < len(syms) && strings.IndexByte(p.class, syms[maxN]) >= 0 {
		maxN++
		if !p.plus {
			break
		}
	}
	minN := 1
	if p.optional {
		minN = 0
	}
	for n := maxN; n >= minN; n-- {
		if r, ok := s.match(params[1:], syms[n:], append(counts, n), anchored); ok {
			return r, true
		}
	}
	return nil, false
}

// validate checks args against the signature, substituting the context value for a missing
// '-' argument and wrapping single values given for array parameters.
func (s *signature) validate(args []any, context any, name string) ([]any, error) {
	var buf [8]byte
	syms := buf[:0]
	for _, a := range args {
		syms = append(syms, typeSymbol(a))
	}
	counts, ok := s.match(s.params, string(syms), make([]int, 0, len(s.params)), true)
	if !ok {
		return nil, s.validationError(args, string(syms), name)
	}
	validated := make([]any, 0, len(s.params))
	argIndex := 0
	symIndex := 0
	for i, p := range s.params {
		n := counts[i]
		if n == 0 {
			if p.context {
				if s, ok := context.(*sequence); ok && s.outerWrapper && len(s.items) > 0 {
					context = s.items[0]
				}
				if strings.IndexByte(p.class, typeSymbol(context)) < 0 {
					return nil, &Error{Code: "T0411", Position: -1, Token: name, Value: context,
						Message: "Context value is not a compatible type with argument " + strconv.Itoa(argIndex+1) + " of function " + name}
				}
				if s, ok := context.(*sequence); ok && s.outerWrapper && len(s.items) > 0 {
					context = s.items[0]
				}
				validated = append(validated, context)
			} else {
				validated = append(validated, argAt(args, argIndex))
				argIndex++
			}
			continue
		}
		matched := string(syms[symIndex : symIndex+n])
		symIndex += n
		for k := 0; k < n; k++ {
			arg := argAt(args, argIndex)
			single := matched[k]
			if p.typ == "a" {
				if single == 'm' {
					arg = nil
				} else {
					if !arrayOK(p, single, matched, arg) {
						return nil, &Error{Code: "T0412", Position: -1, Token: name, Value: arg,
							Message: "Argument " + strconv.Itoa(argIndex+1) + " of function " + name + " must be an array of " + arrayTypeNames[p.subtype]}
					}
					if single != 'a' {
						arg = []any{arg}
					}
				}
			}
			validated = append(validated, arg)
			argIndex++
		}
	}
	return validated, nil
}

func argAt(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// arrayOK checks the item type of an array argument against the parameter's subtype.
func arrayOK(p sigParam, single byte, matched string, arg any) bool {
	if p.subtype == "" {
		return true
	}
	if single != 'a' {
		return matched == p.subtype
	}
	items, _ := arrayItems(arg)
	if len(items) == 0 {
		return true
	}
	itemType := typeSymbol(items[0])
	if itemType != p.subtype[0] {
		return false
	}
	for _, it := range items {
		if typeSymbol(it) != itemType {
			return false
		}
	}
	return true
}

// validationError finds the first argument that breaks the signature (T0410).
func (s *signature) validationError(args []any, syms, name string) error {
	goodTo := 0
	for i := range s.params {
		counts, ok := s.match(s.params[:i+1], syms, nil, false)
		if !ok {
			break
		}
		goodTo = 0
		for _, c := range counts {
			goodTo += c
		}
	}
	return &Error{Code: "T0410", Position: -1, Token: name, Value: argAt(args, goodTo),
		Message: "Argument " + strconv.Itoa(goodTo+1) + " of function " + name + " does not match function signature"}
}

// arity is the number of declared parameters.
func (s *signature) arity() int {
	return len(s.params)
}
