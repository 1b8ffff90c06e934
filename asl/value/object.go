package value

import (
	"cmp"
	"slices"
	"sort"
)

// An Object is a JSON object held compactly: its members in one slice, sorted by key, each key once.
// A Go map of up to eight members costs 336 bytes whatever it holds; an Object of three costs 120. The
// decoder and the payload templates build Objects, so that a Map state over a million records holds
// a third of the memory. An Object is never changed once built (With returns a new one), so
// it may be shared between states and goroutines.
//
// JSON objects are either Objects or map[string]any (what Go code and the resources build): every
// reader of values takes both, through Field, Members and IsObject, or its own type switch.
type Object struct {
	members []Member
}

// A Member is one key and its value.
type Member struct {
	Key   string
	Value any
}

// NewObject makes an Object of members, which it takes and sorts by key; when a key repeats, the last
// one stands, as JSON decoders keep it.
func NewObject(members []Member) *Object {
	for i := 1; i < len(members); i++ {
		if members[i-1].Key >= members[i].Key {
			members = sortMembers(members)
			break
		}
	}
	return &Object{members: members}
}

// sortMembers sorts members by key, stably, and drops all but the last of a key.
func sortMembers(members []Member) []Member {
	if len(members) <= 16 {
		// Insertion sort: most objects are small, and this is twice as fast as a generic sort there.
		for i := 1; i < len(members); i++ {
			for j := i; j > 0 && members[j-1].Key > members[j].Key; j-- {
				members[j-1], members[j] = members[j], members[j-1]
			}
		}
	} else {
		slices.SortStableFunc(members, func(a, b Member) int { return cmp.Compare(a.Key, b.Key) })
	}
	out := members[:0]
	for i, m := range members {
		if i+1 < len(members) && members[i+1].Key == m.Key {
			continue
		}
		out = append(out, m)
	}
	clear(members[len(out):])
	return out
}

// ObjectOf is the Object of m's members (not of what they hold).
func ObjectOf(m map[string]any) *Object {
	members := make([]Member, 0, len(m))
	for k, v := range m {
		members = append(members, Member{k, v})
	}
	return NewObject(members)
}

// Len is the number of members.
func (o *Object) Len() int { return len(o.members) }

// Members are o's members in key order; the caller must not change them.
func (o *Object) Members() []Member { return o.members }

// Get is the value of the member key.
func (o *Object) Get(key string) (any, bool) {
	if i, ok := o.find(key); ok {
		return o.members[i].Value, true
	}
	return nil, false
}

// find is the index of key, or where it would be inserted.
func (o *Object) find(key string) (int, bool) {
	m := o.members
	if len(m) <= 8 {
		for i := range m {
			if m[i].Key >= key {
				return i, m[i].Key == key
			}
		}
		return len(m), false
	}
	i := sort.Search(len(m), func(i int) bool { return m[i].Key >= key })
	return i, i < len(m) && m[i].Key == key
}

// With is o with the member key set to v.
func (o *Object) With(key string, v any) *Object {
	i, ok := o.find(key)
	if ok {
		members := slices.Clone(o.members)
		members[i].Value = v
		return &Object{members: members}
	}
	members := make([]Member, len(o.members)+1)
	copy(members, o.members[:i])
	members[i] = Member{key, v}
	copy(members[i+1:], o.members[i:])
	return &Object{members: members}
}

// Map is a map of o's members (not of what they hold).
func (o *Object) Map() map[string]any {
	m := make(map[string]any, len(o.members))
	for _, e := range o.members {
		m[e.Key] = e.Value
	}
	return m
}

// MarshalJSON writes o as a Writer does, so that encoding/json writes an Object as the object it is.
func (o *Object) MarshalJSON() ([]byte, error) {
	var w Writer
	return w.Append(nil, o), nil
}

// IsObject tells whether v is a JSON object: an *Object or a map[string]any.
func IsObject(v any) bool {
	switch v.(type) {
	case *Object, map[string]any:
		return true
	}
	return false
}

// Field is the member key of v when v is an object.
func Field(v any, key string) (any, bool) {
	switch x := v.(type) {
	case *Object:
		return x.Get(key)
	case map[string]any:
		e, ok := x[key]
		return e, ok
	}
	return nil, false
}

// Members are the members of v in key order when v is an object (for a map, a new slice). The caller
// must not change them.
func Members(v any) ([]Member, bool) {
	switch x := v.(type) {
	case *Object:
		return x.members, true
	case map[string]any:
		members := make([]Member, 0, len(x))
		for k, e := range x {
			members = append(members, Member{k, e})
		}
		slices.SortFunc(members, func(a, b Member) int { return cmp.Compare(a.Key, b.Key) })
		return members, true
	}
	return nil, false
}

// AsMap is v's members as a map when v is an object: v itself when it is a map, else a new one (not of
// what the members hold).
func AsMap(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case *Object:
		return x.Map(), true
	case map[string]any:
		return x, true
	}
	return nil, false
}

// Len is the number of members of v when it is an object.
func Len(v any) (int, bool) {
	switch x := v.(type) {
	case *Object:
		return len(x.members), true
	case map[string]any:
		return len(x), true
	}
	return 0, false
}

// Plain is v with every Object in it made a map[string]any, for code that reads objects as maps (the
// resources, encoding/json). Arrays and maps are copied only when something in them changes.
func Plain(v any) any {
	switch x := v.(type) {
	case *Object:
		m := make(map[string]any, len(x.members))
		for _, e := range x.members {
			m[e.Key] = Plain(e.Value)
		}
		return m
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			if p := Plain(e); !same(p, e) {
				if out == nil {
					out = make(map[string]any, len(x))
					for k2, e2 := range x {
						out[k2] = e2
					}
				}
				out[k] = p
			}
		}
		if out != nil {
			return out
		}
	case []any:
		var out []any
		for i, e := range x {
			if p := Plain(e); !same(p, e) {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = p
			}
		}
		if out != nil {
			return out
		}
	}
	return v
}

// Compact is v with every map[string]any in it made an Object; arrays are copied only when something in
// them changes.
func Compact(v any) any {
	switch x := v.(type) {
	case map[string]any:
		members := make([]Member, 0, len(x))
		for k, e := range x {
			members = append(members, Member{k, Compact(e)})
		}
		return NewObject(members)
	case *Object:
		var out []Member
		for i, e := range x.members {
			if c := Compact(e.Value); !same(c, e.Value) {
				if out == nil {
					out = slices.Clone(x.members)
				}
				out[i].Value = c
			}
		}
		if out != nil {
			return &Object{members: out}
		}
	case []any:
		var out []any
		for i, e := range x {
			if c := Compact(e); !same(c, e) {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = c
			}
		}
		if out != nil {
			return out
		}
	}
	return v
}

// same tells whether Plain or Compact handed back e itself: a container they convert comes back as a
// different one.
func same(p, e any) bool {
	switch x := e.(type) {
	case map[string]any:
		y, ok := p.(map[string]any)
		return ok && len(x) == len(y) && (len(x) == 0 || mapPointer(x) == mapPointer(y))
	case []any:
		y, ok := p.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case *Object:
		y, ok := p.(*Object)
		return ok && x == y
	}
	return true
}
