package asl

import (
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// pass checks a Pass state, and warns about what its Result and Parameters cannot do.
func (v *validator) pass(s *Pass) {
	c := &s.Common
	if c.QueryLanguage == JSONata {
		return
	}
	v.pathField(c.Node, c.Pointer, "ResultPath", resultPath)
	v.template(c, "Parameters", s.Parameters)
	if s.Result == nil {
		return
	}
	if s.Parameters != nil {
		v.ds.warnf(CodeResultWithParameters, posOf(member(c.Node, "Parameters")), c.Pointer+"/Parameters",
			"A Pass state with a Result ignores its Parameters: the Result replaces their output")
	}
	if at, ptr := dynamicIn(s.Result, c.Pointer+"/Result"); ptr != "" {
		// AWS's code; the wording is ours.
		v.ds.warnf(CodePassResultIsStatic, at, ptr,
			"A Pass state's Result is used as written: a path or a field ending in '.$' in it is not evaluated (use Parameters)")
	}
}

// dynamicIn finds the first field ending in ".$", or string that looks like a path, in a static value.
func dynamicIn(n *source.Node, ptr string) (source.Pos, string) {
	switch n.Kind {
	case source.String:
		if looksDynamic(n.Str) {
			return n.Pos, ptr
		}
	case source.Array:
		for i, it := range n.Items {
			if at, p := dynamicIn(it, ptr+"/"+strconv.Itoa(i)); p != "" {
				return at, p
			}
		}
	case source.Object:
		for _, m := range n.Members {
			if strings.HasSuffix(m.Key, ".$") {
				return m.KeyPos, ptr + "/" + m.Key
			}
			if at, p := dynamicIn(m.Value, ptr+"/"+m.Key); p != "" {
				return at, p
			}
		}
	}
	return source.Pos{}, ""
}

// wait checks a Wait state's time: a valid timestamp, reference paths, and the largest number of seconds.
func (v *validator) wait(s *Wait) {
	c := &s.Common
	if n := member(c.Node, "Timestamp"); n != nil && n.Kind == source.String {
		// A JSONata state may compute the time; any other string must be a timestamp, "{% %}" included
		// (AWS refuses "{% '2016-03-14T01:59:00Z' %}" in a JSONPath state with this message).
		if !(c.QueryLanguage == JSONata && isJSONataTemplate(n.Str)) && !isTimestamp(n.Str) {
			v.ds.errorf(CodeSchema, n.Pos, c.Pointer+"/Timestamp", "String does not match RFC3339 timestamp")
		}
	}
	v.maximum(member(c.Node, "Seconds"), c.Pointer+"/Seconds", s.Seconds.Value, maxSeconds)
	if c.QueryLanguage != JSONata {
		v.pathField(c.Node, c.Pointer, "SecondsPath", refPath)
		v.pathField(c.Node, c.Pointer, "TimestampPath", refPath)
	}
}

// fail checks a Fail state's ErrorPath and CausePath, and warns about an Error or Cause that looks like a
// path but is used as written.
func (v *validator) fail(s *Fail) {
	c := &s.Common
	if c.QueryLanguage == JSONata {
		return
	}
	v.pathField(c.Node, c.Pointer, "ErrorPath", refOrIntrinsic)
	v.pathField(c.Node, c.Pointer, "CausePath", refOrIntrinsic)
	for _, key := range []string{"Error", "Cause"} {
		if n := member(c.Node, key); n != nil && n.Kind == source.String && looksDynamic(n.Str) {
			// AWS's code; the wording is ours.
			v.ds.warnf(CodeNoPath, n.Pos, c.Pointer+"/"+key,
				"The value of field '%s' looks like a path, but it is used as written: use '%sPath' to evaluate it", key, key)
		}
	}
}
