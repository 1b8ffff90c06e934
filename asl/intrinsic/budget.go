package intrinsic

import (
	"fmt"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
)

// maxBytes is the memory budget of one evaluation of a call with the calls nested in it. AWS holds a
// payload to 256 KiB and documents no larger value, so no legitimate call comes near it; a call that
// renders or nests a value many times (States.Format('{}{}{}...', $.big, $.big, ...) inside another,
// States.JsonToString of States.Array($, $, $, ...) ten deep) is refused before it is built.
const maxBytes = 64 << 20

// Estimated sizes of values on 64-bit platforms: an array slot, an object member (key slot, map
// entry), a boxed scalar and a string header. A value.Object's member is charged as a map's, so that a
// call fits the budget or not whatever form its objects take.
const (
	slotBytes   = 16
	memberBytes = 64
	scalarBytes = 8
)

// jsonGrowth is how much States.JsonToString may grow the text of a value: a control character
// becomes \u00XX.
const jsonGrowth = 6

// budget is what remains of maxBytes for one evaluation.
type budget struct {
	left int64
}

// sizeOf estimates the bytes v holds, counting a value referenced n times n times, as rendering it
// would; it stops counting once past limit, so a value that nests itself costs no more than that.
func sizeOf(v any, limit int64) int64 {
	switch x := v.(type) {
	case string:
		return 16 + int64(len(x))
	case []any:
		n := int64(slotBytes * len(x))
		for _, e := range x {
			if n > limit {
				break
			}
			n += sizeOf(e, limit-n)
		}
		return n
	case map[string]any:
		n := int64(memberBytes * len(x))
		for k, e := range x {
			if n > limit {
				break
			}
			n += int64(len(k)) + sizeOf(e, limit-n)
		}
		return n
	case *value.Object:
		n := int64(memberBytes * x.Len())
		for _, m := range x.Members() {
			if n > limit {
				break
			}
			n += int64(len(m.Key)) + sizeOf(m.Value, limit-n)
		}
		return n
	}
	return scalarBytes
}

// admit checks, before a function renders its arguments as text, that the text fits in the budget;
// spend then charges what it returned.
func (b *budget) admit(f *function, args []any) error {
	if f.renders == 0 {
		return nil
	}
	var n int64
	for _, a := range args {
		n += f.renders * sizeOf(a, b.left)
		if n > b.left {
			return b.exceeded(f)
		}
	}
	return nil
}

func (b *budget) spend(f *function, v any) error {
	if f.shares {
		return nil
	}
	b.left -= sizeOf(v, b.left)
	if b.left < 0 {
		return b.exceeded(f)
	}
	return nil
}

// exceeded is States.Runtime, as for any argument AWS rejects; AWS documents no such limit, so the
// cause says what was refused.
func (b *budget) exceeded(f *function) error {
	return failure.New(failure.Runtime, fmt.Sprintf(
		"The intrinsic function %s exceeded the memory limit of %d bytes for evaluating a field", f.name, maxBytes))
}
