package asl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/intrinsic"
	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/source"
)

// pathKind is what a JSONPath field accepts.
type pathKind int

const (
	// anyPath is a Path: InputPath, OutputPath, a template's "x.$" value. It may select many nodes and
	// read the context object ($$) or a variable ($name).
	anyPath pathKind = iota
	// refPath is a definite Reference Path, selecting one node: ItemsPath, a Choice Variable and the
	// ...Path forms of numbers and timestamps.
	refPath
	// resultPath is a Reference Path into the state input, where ResultPath puts the result.
	resultPath
	// refOrIntrinsic is a Reference Path or an intrinsic function call: ErrorPath and CausePath.
	refOrIntrinsic
)

// pathField checks the path in obj's field key, if the field holds a string (Parse reports other types;
// null means "no path" where it is allowed).
func (v *validator) pathField(obj *source.Node, objPtr, key string, kind pathKind) {
	n := member(obj, key)
	if n == nil || n.Kind != source.String {
		return
	}
	if msg := pathProblem(n.Str, kind); msg != "" {
		v.ds.errorf(CodeSchema, n.Pos, objPtr+"/"+key, "%s", msg)
		return
	}
	if kind != resultPath {
		v.pathRefs(n, objPtr+"/"+key)
	}
	v.unquotedValues(n, objPtr+"/"+key)
}

// unquotedValues warns about each unquoted word that a path's filters compare with
// ("[?(@.name==done)]"): AWS accepts the definition, but Jayway reads no value from the word, so the
// comparison never holds (see jsonpath.Path.UnquotedValues).
func (v *validator) unquotedValues(n *source.Node, ptr string) {
	p, err := jsonpath.Parse(n.Str)
	if err != nil {
		return
	}
	for _, w := range p.UnquotedValues() {
		v.ds.warnf(CodeUnquotedFilterValue, n.Pos, ptr,
			"The filter compares with the unquoted word '%s', which JSONPath reads as no value, so the comparison is never true: quote it ('%s')", w, w)
	}
}

// pathProblem returns what is wrong with s as a path of the given kind, in AWS's words where known, or "".
func pathProblem(s string, kind pathKind) string {
	switch kind {
	case anyPath:
		if _, err := jsonpath.Parse(s); err != nil {
			// AWS's words (cdk-preflight, from ValidateStateMachineDefinition); the detail is ours.
			return "Value must be a valid JSONPath. " + detail(err)
		}
	case refOrIntrinsic:
		if intrinsic.IsCall(s) {
			if _, err := intrinsic.Parse(s); err != nil {
				return "Value must be a valid Reference Path or a valid intrinsic function call: " + detail(err)
			}
			return ""
		}
		return referenceProblem(s, false)
	case refPath:
		return referenceProblem(s, false)
	case resultPath:
		return referenceProblem(s, true)
	}
	return ""
}

// referenceProblem checks a definite Reference Path; intoInput requires it to address the state input.
func referenceProblem(s string, intoInput bool) string {
	// Blanks around a path are trimmed, as Jayway does (jsonpath.Parse).
	if !strings.HasPrefix(strings.TrimLeft(s, " \t\n\r"), "$") {
		return "Value is not a Reference Path: Reference path didn't start with '$'"
	}
	p, err := jsonpath.ParseReference(s)
	if err != nil {
		return "Value is not a Reference Path: " + detail(err)
	}
	if intoInput && p.Root() != jsonpath.Input {
		// Ours: a result can only be placed into the state input, not into the context object or a variable.
		return "Value is not a Reference Path: a result can only be placed into the state input ($...)"
	}
	return ""
}

// detail is the reason of a path or intrinsic parse error without the restated input.
func detail(err error) string {
	var pe *jsonpath.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s (at offset %d)", pe.Msg, pe.Offset)
	}
	var ie *intrinsic.ParseError
	if errors.As(err, &ie) {
		return fmt.Sprintf("%s (at offset %d)", ie.Msg, ie.Offset)
	}
	return err.Error()
}

// template checks a payload template (Parameters, ResultSelector, ItemSelector, a Map's Parameters,
// Credentials) of a JSONPath state; in a JSONata state the field itself is refused, or holds JSONata.
func (v *validator) template(c *Common, key string, n *source.Node) {
	if n == nil || c.QueryLanguage == JSONata {
		return
	}
	v.walkTemplate(n, c.Pointer+"/"+key)
}

// walkTemplate checks every object of a payload template. A field whose name ends in ".$" must hold a
// path or an intrinsic function call (AWS reports it at the object that holds the field), and must not
// also be given without the suffix: both would set the same field. A plain string that looks like a path
// is probably a forgotten ".$" (AWS's NO_DOLLAR warning).
func (v *validator) walkTemplate(n *source.Node, ptr string) {
	switch n.Kind {
	case source.Array:
		for i, it := range n.Items {
			if it.Kind == source.Array || it.Kind == source.Object {
				v.walkTemplate(it, ptr+"/"+strconv.Itoa(i))
			}
		}
	case source.Object:
		has := fieldSet(n)
		for _, m := range n.Members {
			name, dynamic := strings.CutSuffix(m.Key, ".$")
			if !dynamic {
				switch m.Value.Kind {
				case source.String:
					if looksDynamic(m.Value.Str) {
						v.ds.warnf(CodeNoDollar, m.Value.Pos, ptr+"/"+m.Key,
							"The value of field '%s' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$', so it is passed as a plain string", m.Key)
					}
				case source.Array, source.Object:
					v.walkTemplate(m.Value, ptr+"/"+m.Key)
				}
				continue
			}
			if has(name) {
				// Ours: AWS would produce two fields of the same name.
				v.ds.errorf(CodeSchema, m.KeyPos, ptr, "The fields '%s' and '%s' cannot both be given: both set the field '%s'", name, m.Key, name)
			}
			if msg := dynamicProblem(m.Value); msg != "" {
				v.ds.errorf(CodeSchema, m.Value.Pos, ptr,
					"The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call%s", m.Key, msg)
				continue
			}
			v.pathRefs(m.Value, ptr+"/"+m.Key)
			if !intrinsic.IsCall(m.Value.Str) {
				v.unquotedValues(m.Value, ptr+"/"+m.Key)
			}
			if c, err := intrinsic.Parse(m.Value.Str); err == nil && intrinsic.IsCall(m.Value.Str) {
				for _, bad := range c.BadPaths() {
					v.ds.warnf(CodeInvalidIntrinsicPath, m.Value.Pos, ptr+"/"+m.Key,
						"An argument of the intrinsic function is not a valid JSONPath: %s. AWS accepts the definition, but evaluating the argument fails with States.Runtime", detail(bad))
				}
			}
		}
	}
}

// fieldSet returns a test of whether an object has a field: a scan for a small object, a set for a large
// one, so that checking every field of a hostile object with thousands of them stays linear.
func fieldSet(n *source.Node) func(string) bool {
	const small = 16
	if len(n.Members) <= small {
		return func(key string) bool { return n.Member(key) != nil }
	}
	set := make(map[string]bool, len(n.Members))
	for _, m := range n.Members {
		set[m.Key] = true
	}
	return func(key string) bool { return set[key] }
}

// dynamicProblem checks the value of a ".$" field; it returns "" when the value is good, else the reason,
// to follow AWS's message.
func dynamicProblem(n *source.Node) string {
	if n.Kind != source.String {
		return " (not " + article(n.Kind) + ")"
	}
	var err error
	if intrinsic.IsCall(n.Str) {
		_, err = intrinsic.Parse(n.Str)
	} else {
		_, err = jsonpath.Parse(n.Str)
	}
	if err != nil {
		return ": " + detail(err)
	}
	return ""
}

// looksDynamic reports whether a plain string looks like a path or an intrinsic function call.
func looksDynamic(s string) bool {
	switch {
	case s == "$" || s == "$$":
		return true
	case strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$$.") || strings.HasPrefix(s, "$["):
		return true
	case intrinsic.IsCall(s) && strings.HasSuffix(s, ")"):
		return true
	}
	return false
}
