package jsonata

// frame is a variable scope. Frames are small, so a slice beats a map; a frame made from a
// tuple reads the tuple directly instead of copying it.
type frame struct {
	names  []string
	vals   []any
	tup    tuple
	parent *frame
}

func newFrame(parent *frame) *frame {
	return &frame{parent: parent}
}

func frameFromTuple(parent *frame, t tuple) *frame {
	return &frame{tup: t, parent: parent}
}

func (f *frame) lookup(name string) (any, bool) {
	for fr := f; fr != nil; fr = fr.parent {
		for i := len(fr.names) - 1; i >= 0; i-- {
			if fr.names[i] == name {
				return fr.vals[i], true
			}
		}
		if fr.tup != nil {
			if v, ok := fr.tup[name]; ok {
				return v, true
			}
		}
	}
	return nil, false
}

func (f *frame) bind(name string, v any) {
	for i, n := range f.names {
		if n == name {
			f.vals[i] = v
			return
		}
	}
	f.names = append(f.names, name)
	f.vals = append(f.vals, v)
}
