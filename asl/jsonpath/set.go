package jsonpath

import (
	"fmt"
	"maps"

	jsonvalue "github.com/aslrun/aslrun/asl/value"
)

// SetError reports that a ResultPath cannot be applied to a document. Its text is AWS's cause:
//   - "Unable to apply ReferencePath $.x to input <input>" when the document is neither an object nor
//     an array (reported from Step Functions Local in aws/aws-cdk#29473);
//   - `Unable to apply step "x" to input <input>` when a step meets a value it cannot be applied to: a
//     name on an array or a scalar, an index on anything but an array, an index out of range (AWS,
//     cdklabs/construct-hub#459, raised as States.ReferencePathConflict).
//
// The input is printed as compact JSON.
type SetError struct {
	Path  string
	Step  string // the failing name or index; empty when the whole document is the problem
	Cause string
}

func (e *SetError) Error() string { return e.Cause }

// Set returns a new document with value placed at the path, for ResultPath. Only the objects and
// arrays along the path are copied, each into the form it had (a map or a value.Object): doc is never
// changed, and value is placed as it is. "$" returns value. A missing key on the way is created as an
// object of the form of the one that lacks it; nothing else is created (an index must exist). Only a
// Reference Path can be set.
func (p *Path) Set(doc, value any) (any, error) {
	if p.mode != modeReference {
		return nil, fmt.Errorf("jsonpath: %s is not a reference path and cannot be set", p.src)
	}
	if len(p.segs) == 0 {
		return value, nil
	}
	switch doc.(type) {
	case map[string]any, *jsonvalue.Object, []any:
	default:
		return nil, &SetError{Path: p.src, Cause: "Unable to apply ReferencePath " + p.src + " to input " + compact(doc)}
	}
	out, fail := set(p.segs, doc, value)
	if fail >= 0 {
		step := stepText(&p.segs[fail])
		return nil, &SetError{Path: p.src, Step: step,
			Cause: `Unable to apply step "` + step + `" to input ` + compact(doc)}
	}
	return out, nil
}

// set returns a copy of node with value placed at segs. fail is the index of the segment that could not
// be applied. A missing key arrives as a nil map or a nil *Object, after the object that lacks it, and a
// name creates it in that form: Go code that builds maps gets maps back, while a decoded document (of
// Objects) grows Objects, which are smaller.
func set(segs []segment, node, value any) (any, int) {
	if len(segs) == 0 {
		return value, -1
	}
	s := &segs[0]
	if s.kind == kName {
		switch m := node.(type) {
		case map[string]any:
			child, has := m[s.name]
			if !has {
				child = map[string]any(nil)
			}
			v, fail := set(segs[1:], child, value)
			if fail >= 0 {
				return nil, fail + 1
			}
			out := maps.Clone(m) // copies the table wholesale, twice as fast as a loop
			if out == nil {
				out = make(map[string]any, 1)
			}
			out[s.name] = v
			return out, -1
		case *jsonvalue.Object:
			var child any = (*jsonvalue.Object)(nil)
			if m != nil {
				if c, has := m.Get(s.name); has {
					child = c
				}
			}
			v, fail := set(segs[1:], child, value)
			if fail >= 0 {
				return nil, fail + 1
			}
			if m == nil {
				return jsonvalue.NewObject([]jsonvalue.Member{{Key: s.name, Value: v}}), -1
			}
			return m.With(s.name, v), -1
		}
		return nil, 0
	}
	a, ok := node.([]any) // a missing key is not an array: indexes are never created
	if !ok {
		return nil, 0
	}
	j, ok := resolve(s.index, len(a))
	if !ok {
		return nil, 0
	}
	v, fail := set(segs[1:], a[j], value)
	if fail >= 0 {
		return nil, fail + 1
	}
	out := make([]any, len(a))
	copy(out, a)
	out[j] = v
	return out, -1
}

// SetSized is Set on a document of known size (the length of its compact JSON text): it also returns
// the new document's size, worked out from docSize with size, which measures a value the same way and
// is called only on value and on what value replaces, never on the rest of the document. A negative
// size, given or measured, is one not known: the new size is then -1.
func (p *Path) SetSized(doc any, docSize int, value any, size func(any) int) (any, int, error) {
	out, err := p.Set(doc, value)
	if err != nil || docSize < 0 {
		return out, -1, err
	}
	d, ok := sizeChange(p.segs, doc, value, size)
	if !ok {
		return out, -1, nil
	}
	return out, docSize + d, nil
}

// sizeChange is how much placing value at segs in node changes its size, as set places it (the path
// applies: set succeeded); ok is false when a size is not known.
func sizeChange(segs []segment, node, value any, size func(any) int) (n int, ok bool) {
	for i := range segs {
		s := &segs[i]
		if s.kind != kName {
			a := node.([]any)
			j, _ := resolve(s.index, len(a))
			node = a[j]
			continue
		}
		child, has := jsonvalue.Field(node, s.name)
		if has {
			node = child
			continue
		}
		// A new member, holding an object for each name left on the path, the last one value.
		vs := size(value)
		if vs < 0 {
			return 0, false
		}
		n = jsonvalue.StringSize(s.name) + 1 + vs
		if members, _ := jsonvalue.Len(node); members > 0 {
			n++ // the comma
		}
		for _, r := range segs[i+1:] {
			n += 2 + jsonvalue.StringSize(r.name) + 1
		}
		return n, true
	}
	old, vs := size(node), size(value)
	return vs - old, old >= 0 && vs >= 0
}
