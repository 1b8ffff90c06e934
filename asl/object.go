package asl

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// object reads the fields of one JSON object, checking their types, and afterwards reports every member
// that no reader asked for: AWS refuses fields it does not know.
type object struct {
	ds   *diagnostics
	n    *source.Node
	ptr  string
	used []bool
}

func newObject(ds *diagnostics, n *source.Node, ptr string) *object {
	o := &object{ds: ds, n: n, ptr: ptr, used: make([]bool, len(n.Members))}
	seen := make(map[string]bool, len(n.Members))
	for _, m := range n.Members {
		if seen[m.Key] {
			ds.errorf(CodeSchema, m.KeyPos, ptr, "Duplicate field '%s'", m.Key)
		}
		seen[m.Key] = true
	}
	return o
}

// child is the pointer of a field of this object.
func (o *object) child(key string) string { return o.ptr + "/" + key }

// get returns the field's value (the last one if duplicated, as AWS's parser keeps) and marks it known.
func (o *object) get(key string) *source.Node {
	var v *source.Node
	for i, m := range o.n.Members {
		if m.Key == key {
			o.used[i] = true
			v = m.Value
		}
	}
	return v
}

// has reports whether the field is present, without marking it.
func (o *object) has(key string) bool {
	for _, m := range o.n.Members {
		if m.Key == key {
			return true
		}
	}
	return false
}

// unknown reports the fields nobody read.
func (o *object) unknown() {
	for i, m := range o.n.Members {
		if !o.used[i] {
			o.ds.errorf(CodeSchema, m.KeyPos, o.ptr, "Field '%s' is not supported", m.Key)
		}
	}
}

func (o *object) typeError(key string, v *source.Node, want string) {
	o.ds.errorf(CodeSchema, v.Pos, o.child(key), "The field '%s' must be %s, not %s", key, want, article(v.Kind))
}

func article(k source.Kind) string {
	switch k {
	case source.Array, source.Object:
		return "an " + k.String()
	case source.Null:
		return "null"
	}
	return "a " + k.String()
}

// str reads a string field.
func (o *object) str(key string) (string, bool) {
	v := o.get(key)
	if v == nil {
		return "", false
	}
	if v.Kind != source.String {
		o.typeError(key, v, "a string")
		return "", false
	}
	return v.Str, true
}

// enum reads a string field that must be one of values; ok is false when it is absent or not one of them.
func (o *object) enum(key string, values ...string) (string, bool) {
	s, ok := o.str(key)
	if !ok {
		return "", false
	}
	if !slices.Contains(values, s) {
		o.ds.errorf(CodeSchema, o.get(key).Pos, o.child(key), "The value for the field '%s' must be one of [%s]", key, strings.Join(values, ", "))
		return "", false
	}
	return s, true
}

// nonEmptyStr reads a string field that must not be empty when present.
func (o *object) nonEmptyStr(key string) string {
	s, ok := o.str(key)
	if ok && s == "" {
		o.ds.errorf(CodeSchema, o.get(key).Pos, o.child(key), "The field '%s' must not be empty", key)
	}
	return s
}

func (o *object) boolean(key string) bool {
	v := o.get(key)
	if v == nil {
		return false
	}
	if v.Kind != source.Bool {
		o.typeError(key, v, "a boolean")
		return false
	}
	return v.Bool
}

// number reads a numeric field; integer fields must hold a whole number.
func (o *object) number(key string, integer bool) (float64, bool) {
	v := o.get(key)
	if v == nil {
		return 0, false
	}
	return o.numberValue(key, v, integer)
}

func (o *object) numberValue(key string, v *source.Node, integer bool) (float64, bool) {
	if v.Kind != source.Number {
		if integer {
			o.typeError(key, v, "an integer")
		} else {
			o.typeError(key, v, "a number")
		}
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Num, 64)
	if err != nil || math.IsInf(f, 0) {
		o.ds.errorf(CodeSchema, v.Pos, o.child(key), "The field '%s' is out of range", key)
		return 0, false
	}
	if integer && (f != math.Trunc(f) || math.Abs(f) > 1<<53) {
		o.typeError(key, v, "an integer")
		return 0, false
	}
	return f, true
}

// integer reads an integer field with a minimum.
func (o *object) integer(key string, min int64) (int64, bool) {
	f, ok := o.number(key, true)
	if !ok {
		return 0, false
	}
	if int64(f) < min {
		o.ds.errorf(CodeSchema, o.get(key).Pos, o.child(key), "Minimum value is %d", min)
	}
	return int64(f), true
}

// amount reads a number, or a string that a JSONata state may give instead (checked by the validator).
func (o *object) amount(key string, integer bool) Amount {
	v := o.get(key)
	if v == nil {
		return Amount{}
	}
	if v.Kind == source.String {
		return Amount{Set: true, Expr: v.Str}
	}
	f, ok := o.numberValue(key, v, integer)
	return Amount{Set: ok, Value: f}
}

// path reads an optional path field: absent gives "$", null gives nil.
func (o *object) path(key string) *string {
	v := o.get(key)
	if v == nil {
		s := "$"
		return &s
	}
	if v.Kind == source.Null {
		return nil
	}
	if v.Kind != source.String {
		o.typeError(key, v, "a string or null")
		s := "$"
		return &s
	}
	s := v.Str
	return &s
}

// node reads a field of any JSON type, kept as written.
func (o *object) node(key string) *source.Node { return o.get(key) }

// objectField reads a field that must be an object when present.
func (o *object) objectField(key string) *source.Node {
	v := o.get(key)
	if v != nil && v.Kind != source.Object {
		o.typeError(key, v, "an object")
		return nil
	}
	return v
}

// strings reads a non-empty array of strings.
func (o *object) strings(key string) []string {
	v := o.get(key)
	if v == nil {
		return nil
	}
	if v.Kind != source.Array {
		o.typeError(key, v, "an array of strings")
		return nil
	}
	if len(v.Items) == 0 {
		o.ds.errorf(CodeSchema, v.Pos, o.child(key), "The field '%s' must not be empty", key)
	}
	out := make([]string, 0, len(v.Items))
	for i, it := range v.Items {
		if it.Kind != source.String {
			o.ds.errorf(CodeSchema, it.Pos, o.child(key)+"/"+strconv.Itoa(i), "The field '%s' must hold only strings, not %s", key, article(it.Kind))
			continue
		}
		out = append(out, it.Str)
	}
	return out
}

// oneOf reports when more than one of the fields is present, in AWS's words.
func (o *object) oneOf(keys ...string) {
	n := 0
	for _, k := range keys {
		if o.has(k) {
			n++
		}
	}
	if n > 1 {
		o.ds.errorf(CodeSchema, o.n.Pos, o.ptr, "There should only be one of the following fields: [%s]", strings.Join(keys, ", "))
	}
}

// required reports each missing field, in AWS's words for a field inside a state.
func (o *object) required(keys ...string) bool {
	ok := true
	for _, k := range keys {
		if !o.has(k) {
			o.ds.errorf(CodeSchema, o.n.Pos, o.ptr, "The field '%s' is required but was missing", k)
			ok = false
		}
	}
	return ok
}

// requiredList reads a required, non-empty array field and returns its items (none when it is absent or
// not an array, each reported).
func (o *object) requiredList(key string) []*source.Node {
	if !o.required(key) {
		return nil
	}
	v := o.get(key)
	if v.Kind != source.Array {
		o.typeError(key, v, "an array")
		return nil
	}
	if len(v.Items) == 0 {
		o.ds.errorf(CodeSchema, v.Pos, o.child(key), "The field '%s' must not be empty", key)
	}
	return v.Items
}
