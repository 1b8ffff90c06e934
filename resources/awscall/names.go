package awscall

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// toWire renames the members of a camelCase API from Step Functions' PascalCase: the first letter of every
// object key, down through lists and objects, except inside the values of svc.Maps, whose keys are the
// user's.
func toWire(v any, svc Service) any {
	if !svc.Camel {
		return v
	}
	return recase(v, svc.Maps, lowerFirst)
}

// fromWire renames a camelCase API's response members to Step Functions' PascalCase.
func fromWire(v any, svc Service) any {
	if !svc.Camel {
		return v
	}
	return recase(v, svc.Maps, upperFirst)
}

func recase(v any, maps []string, f func(string) string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if isMapMember(maps, k) {
				out[f(k)] = e
				continue
			}
			out[f(k)] = recase(e, maps, f)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = recase(e, maps, f)
		}
		return out
	}
	return v
}

func isMapMember(maps []string, k string) bool {
	return slices.ContainsFunc(maps, func(m string) bool { return strings.EqualFold(m, k) })
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
