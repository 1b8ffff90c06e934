package jsonpath

import (
	"fmt"
	"iter"
	"math"
	"slices"

	"github.com/aslrun/aslrun/asl/value"
)

// NotFoundError reports that a path selected nothing. Reason is worded as Jayway words it, which AWS
// quotes after "Invalid path '<path>' : " in the cause of States.Runtime for InputPath and OutputPath:
// "No results for path: $['x']" (pass_io ST.INVALID_JSONPATH_IN_INPUTPATH) or
// "Missing property in path $['no']" (retry_catch test_catch_states_runtime).
type NotFoundError struct {
	Path   string // the path as written
	Reason string // Jayway's message
	Step   string // the name, or the bracketed index, at which the path stopped matching
}

func (e *NotFoundError) Error() string { return "Invalid path '" + e.Path + "' : " + e.Reason }

// Get evaluates the path on doc (the caller picks the input, the context object or the variable's
// value by Root). A definite path returns its node and whether it exists; any other path returns the
// []any of its matches, empty when nothing matches, and true.
func (p *Path) Get(doc any) (any, bool) {
	return get(p.segs, p.mode, doc, doc)
}

// Lookup is Get with the reason when a definite path selects nothing, as a *NotFoundError.
func (p *Path) Lookup(doc any) (any, error) {
	switch p.mode {
	case modeMulti:
		return collect(p.segs, doc, doc, []any{}), nil
	case modeFunction:
		f := &p.segs[len(p.segs)-1]
		return nil, &NotFoundError{Path: p.src, Reason: "Function with name: " + f.name + " does not exist.",
			Step: f.name}
	}
	v, fail := lookup(p.segs, doc)
	if fail < 0 {
		return v, nil
	}
	return nil, &NotFoundError{Path: p.src, Reason: reason(p.segs, fail, v), Step: stepText(&p.segs[fail])}
}

// Name returns the name that step i of the path selects when that step is a plain name: "$$.Map.Item"
// selects "Map" at 0 and "Item" at 1. A host that holds the first steps' nodes itself (the context object
// as typed fields) walks them with Name and hands the rest to GetFrom or LookupFrom.
func (p *Path) Name(i int) (string, bool) {
	if i < 0 || i >= len(p.segs) || p.segs[i].kind != kName {
		return "", false
	}
	return p.segs[i].name, true
}

// GetFrom is Get of a definite path (Definite) whose first k steps the caller took itself, reaching node.
func (p *Path) GetFrom(k int, node any) (any, bool) {
	v, fail := lookup(p.segs[k:], node)
	if fail >= 0 {
		return nil, false
	}
	return v, true
}

// LookupFrom is Lookup of a definite path (Definite) whose first k steps the caller took itself, reaching
// node. Its error is Lookup's: it names the whole path.
func (p *Path) LookupFrom(k int, node any) (any, error) {
	v, fail := lookup(p.segs[k:], node)
	if fail < 0 {
		return v, nil
	}
	fail += k
	return nil, &NotFoundError{Path: p.src, Reason: reason(p.segs, fail, v), Step: stepText(&p.segs[fail])}
}

// get evaluates segs on node; root is what "$" means inside filters.
func get(segs []segment, m mode, root, node any) (any, bool) {
	switch m {
	case modeMulti:
		return collect(segs, root, node, []any{}), true
	case modeFunction:
		return nil, false
	}
	v, fail := lookup(segs, node)
	if fail >= 0 {
		return nil, false
	}
	return v, true
}

// lookup walks definite segments without allocating. When a segment does not apply it returns that
// segment's index and the node it was applied to; otherwise the selected node and -1.
func lookup(segs []segment, node any) (any, int) {
	for i := range segs {
		s := &segs[i]
		switch s.kind {
		case kName:
			// a switch, not value.Field, which is not inlined: this runs for every step of every path
			var v any
			ok := false
			switch m := node.(type) {
			case map[string]any:
				v, ok = m[s.name]
			case *value.Object:
				v, ok = m.Get(s.name)
			}
			if !ok {
				return node, i
			}
			node = v
		case kIndex:
			a, ok := node.([]any)
			if !ok {
				return node, i
			}
			j, ok := resolve(s.index, len(a))
			if !ok {
				return node, i
			}
			node = a[j]
		default: // kNames, which only ends a definite path
			if !value.IsObject(node) {
				return node, i
			}
			return pick(node, s.names), -1
		}
	}
	return node, -1
}

// resolve turns a possibly negative index into a position in an array of n elements.
func resolve(i, n int) (int, bool) {
	if i < 0 {
		i += n
	}
	return i, 0 <= i && i < n
}

// pick is Jayway's result for "['a','b']" ending a path: an object with those of the keys of the object
// node that exist, held as node is (a map from a map, an Object from an Object).
func pick(node any, names []string) any {
	if m, ok := node.(map[string]any); ok {
		out := make(map[string]any, len(names))
		for _, n := range names {
			if v, ok := m[n]; ok {
				out[n] = v
			}
		}
		return out
	}
	o := node.(*value.Object)
	members := make([]value.Member, 0, len(names))
	for _, n := range names {
		if v, ok := o.Get(n); ok {
			members = append(members, value.Member{Key: n, Value: v})
		}
	}
	return value.NewObject(members) // sorts them, and keeps one of a name given twice
}

// The provider AWS's Jayway uses is not known; Jayway's default is json-smart.
const jsonProvider = "com.jayway.jsonpath.spi.json.JsonSmartJsonProvider"

// reason words the failure of segment i, applied to node, as Jayway does for a definite path.
func reason(segs []segment, i int, node any) string {
	s := &segs[i]
	if s.kind == kIndex {
		switch node.(type) {
		case []any:
			return "No results for path: " + normalized(segs)
		case nil:
			return "The path " + normalized(segs[:i]) + " is null"
		}
		return "Filter: " + normalized(segs[i:])[1:] + " can only be applied to arrays. Current context is: " +
			javaString(node)
	}
	if value.IsObject(node) {
		if i == len(segs)-1 {
			return "No results for path: " + normalized(segs)
		}
		return "Missing property in path " + normalized(segs[:i+1])
	}
	return fmt.Sprintf("Expected to find an object with property %s in path %s but found '%s'. "+
		"This is not a json object according to the JsonProvider: '%s'.",
		normalized(segs[i : i+1])[1:], normalized(segs[:i]), javaClass(node), jsonProvider)
}

// stepText names a segment the way AWS names a step: a name bare, anything else as Jayway prints it.
func stepText(s *segment) string {
	if s.kind == kName {
		return s.name
	}
	return normalized([]segment{*s})[1:]
}

// javaClass is the class json-smart gives a value.
func javaClass(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return "java.lang.String"
	case bool:
		return "java.lang.Boolean"
	case int64:
		if t >= math.MinInt32 && t <= math.MaxInt32 {
			return "java.lang.Integer"
		}
		return "java.lang.Long"
	case float64:
		return "java.lang.Double"
	case []any:
		return "net.minidev.json.JSONArray"
	}
	return fmt.Sprintf("%T", v)
}

// javaString is Java's toString of a json-smart value: strings bare, containers as JSON.
func javaString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return compact(v)
}

// compact serialises v as compact JSON with sorted keys, unescaped as AWS prints inputs.
func compact(v any) string {
	return value.JSON(v)
}

// collect appends to out every node that segs select from node, in Jayway's order.
func collect(segs []segment, root, node any, out []any) []any {
	if len(segs) == 0 {
		return append(out, node)
	}
	s, rest := &segs[0], segs[1:]
	switch s.kind {
	case kName:
		if v, ok := value.Field(node, s.name); ok {
			out = collect(rest, root, v, out)
		}
	case kNames:
		if !value.IsObject(node) {
			break
		}
		if len(rest) == 0 {
			return append(out, pick(node, s.names))
		}
		for _, n := range s.names {
			if v, ok := value.Field(node, n); ok {
				out = collect(rest, root, v, out)
			}
		}
	case kIndex:
		if a, ok := node.([]any); ok {
			if j, ok := resolve(s.index, len(a)); ok {
				out = collect(rest, root, a[j], out)
			}
		}
	case kIndexes:
		if a, ok := node.([]any); ok {
			for _, i := range s.indexes {
				if j, ok := resolve(i, len(a)); ok {
					out = collect(rest, root, a[j], out)
				}
			}
		}
	case kSlice:
		if a, ok := node.([]any); ok {
			from, to := sliceBounds(s, len(a))
			for i := from; i < to; i++ {
				if j, ok := resolve(i, len(a)); ok {
					out = collect(rest, root, a[j], out)
				}
			}
		}
	case kWildcard:
		for c := range children(node) {
			out = collect(rest, root, c, out)
		}
	case kFilter:
		switch t := node.(type) {
		case map[string]any, *value.Object:
			if s.filter.match(root, t) {
				out = collect(rest, root, t, out)
			}
		case []any:
			for _, v := range t {
				if value.IsObject(v) && s.filter.match(root, v) {
					out = collect(rest, root, v, out)
				}
			}
		}
	case kDescent:
		out = descend(rest, root, node, out)
	}
	// kFunc selects nothing: AWS does not evaluate JSONPath functions.
	return out
}

// descend applies segs (what follows "..") to node and then to every node below it, depth first, the
// way Jayway's ScanPathToken walks: a name or filter applies to objects, an index or slice to arrays.
func descend(segs []segment, root, node any, out []any) []any {
	switch segs[0].kind {
	case kName, kNames, kFilter:
		if value.IsObject(node) {
			out = collect(segs, root, node, out)
		}
	case kIndex, kIndexes, kSlice:
		if _, ok := node.([]any); ok {
			out = collect(segs, root, node, out)
		}
	case kWildcard:
		out = collect(segs, root, node, out)
	}
	for c := range children(node) {
		out = descend(segs, root, c, out)
	}
	return out
}

// children are what node holds, in document order as this package stands for it: an object's values by
// key, an array's elements; nothing for a scalar.
func children(node any) iter.Seq[any] {
	return func(yield func(any) bool) {
		switch t := node.(type) {
		case map[string]any:
			for _, k := range sortedKeys(t) {
				if !yield(t[k]) {
					return
				}
			}
		case *value.Object:
			for _, m := range t.Members() {
				if !yield(m.Value) {
					return
				}
			}
		case []any:
			for _, v := range t {
				if !yield(v) {
					return
				}
			}
		}
	}
}

// sliceBounds gives the positions Jayway's ArraySliceToken visits. Only a lone bound wraps when
// negative; with both bounds each position is resolved on its own, so [-2:-1] works but [1:-1] is empty.
func sliceBounds(s *segment, n int) (from, to int) {
	switch {
	case !s.hasTo:
		from = s.from
		if from < 0 {
			from = max(0, from+n)
		}
		return from, n
	case !s.hasFrom:
		to = s.to
		if to < 0 {
			to += n
		}
		return 0, min(n, to)
	}
	return s.from, min(n, s.to)
}

// sortedKeys stands in for document order, which Go maps do not keep. It is the order of an Object's
// members too (both sort by bytes), so a map and an Object of the same members are visited alike.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
