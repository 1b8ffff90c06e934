// Package valuetest holds what the tests of the readers of values need to run each case on both forms
// of JSON objects.
package valuetest

import "github.com/aslrun/aslrun/asl/value"

// A Form is how a value holds its objects: as maps (what Go code and the resources build) or as
// value.Objects (what the decoder and the payload templates build).
type Form struct {
	Name    string
	Objects bool
}

// Forms are both forms: a data-driven test runs each case in each.
func Forms() []Form { return []Form{{"maps", false}, {"Objects", true}} }

// In is v held in form f.
func (f Form) In(v any) any {
	if f.Objects {
		return value.Compact(v)
	}
	return v
}
