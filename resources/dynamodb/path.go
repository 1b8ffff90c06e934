package dynamodb

import "sort"

// lookup returns the value at a document path, or nil when the path leads nowhere (a missing attribute,
// a key of something that is not a map, an index past a list's end).
func (it item) lookup(path docPath) *value {
	v := it[path[0].name]
	for _, e := range path[1:] {
		v = child(v, e)
	}
	return v
}

func child(v *value, e pathElem) *value {
	switch {
	case v == nil:
		return nil
	case e.isIndex:
		if v.kind != kindL || e.index >= len(v.list) {
			return nil
		}
		return v.list[e.index]
	case v.kind != kindM:
		return nil
	}
	return v.m[e.name]
}

// set stores v at a path whose parent exists. An index past a list's end appends, as DynamoDB does.
// It reports false when the parent is missing or is not the kind of container the path needs.
func (it item) set(path docPath, v *value) bool {
	if len(path) == 1 {
		it[path[0].name] = v
		return true
	}
	parent := it.lookup(path[:len(path)-1])
	last := path[len(path)-1]
	switch {
	case parent == nil:
		return false
	case last.isIndex:
		if parent.kind != kindL {
			return false
		}
		if last.index >= len(parent.list) {
			parent.list = append(parent.list, v)
		} else {
			parent.list[last.index] = v
		}
	case parent.kind != kindM:
		return false
	default:
		parent.m[last.name] = v
	}
	return true
}

// remove deletes the value at a path; a missing attribute, key or index is no error. It reports false
// when the parent is missing or is not the kind of container the path needs.
func (it item) remove(path docPath) bool {
	if len(path) == 1 {
		delete(it, path[0].name)
		return true
	}
	parent := it.lookup(path[:len(path)-1])
	last := path[len(path)-1]
	switch {
	case parent == nil:
		return false
	case last.isIndex:
		if parent.kind != kindL {
			return false
		}
		if last.index < len(parent.list) {
			parent.list = append(parent.list[:last.index], parent.list[last.index+1:]...)
		}
	case parent.kind != kindM:
		return false
	default:
		delete(parent.m, last.name)
	}
	return true
}

// comparePaths orders paths element by element (indexes numerically, names as text), shorter first.
func comparePaths(a, b docPath) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.isIndex && y.isIndex && x.index != y.index:
			if x.index < y.index {
				return -1
			}
			return 1
		case !x.isIndex && !y.isIndex && x.name != y.name:
			if x.name < y.name {
				return -1
			}
			return 1
		case x.isIndex != y.isIndex:
			if y.isIndex {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// project returns the parts of an item the paths select, in the item's nesting: a.b gives {a: {b: ...}},
// and list elements keep their order (l[2], l[0] gives [l[0], l[2]]). Paths leading nowhere add nothing.
func project(it item, paths []docPath) item {
	root := &projNode{}
	for _, path := range paths {
		v := it.lookup(path)
		if v == nil {
			continue
		}
		n := root
		for _, e := range path {
			n = n.child(e)
		}
		n.val = v.clone()
	}
	out := item{}
	for name, n := range root.fields {
		out[name] = n.build()
	}
	return out
}

// projNode is a node of a projection being built: a selected value, or map keys or list indexes below it.
type projNode struct {
	val    *value
	fields map[string]*projNode
	elems  map[int]*projNode
}

func (n *projNode) child(e pathElem) *projNode {
	if e.isIndex {
		if n.elems == nil {
			n.elems = map[int]*projNode{}
		}
		if n.elems[e.index] == nil {
			n.elems[e.index] = &projNode{}
		}
		return n.elems[e.index]
	}
	if n.fields == nil {
		n.fields = map[string]*projNode{}
	}
	if n.fields[e.name] == nil {
		n.fields[e.name] = &projNode{}
	}
	return n.fields[e.name]
}

func (n *projNode) build() *value {
	if n.val != nil {
		return n.val
	}
	if n.elems != nil {
		indexes := make([]int, 0, len(n.elems))
		for i := range n.elems {
			indexes = append(indexes, i)
		}
		sort.Ints(indexes)
		l := make([]*value, len(indexes))
		for i, idx := range indexes {
			l[i] = n.elems[idx].build()
		}
		return listValue(l)
	}
	m := item{}
	for name, c := range n.fields {
		m[name] = c.build()
	}
	return mapValue(m)
}
