package intrinsic

import (
	"crypto/rand"
	"fmt"
	"math"
	mrand "math/rand/v2"
)

// mathAdd is States.MathAdd: each operand rounded half up, the sum within 32 bits as on AWS.
func mathAdd(c *Call, args []any) (any, error) {
	a, _ := roundInt32(args[0])
	b, _ := roundInt32(args[1])
	sum := a + b
	if sum < math.MinInt32 || sum > math.MaxInt32 {
		return nil, c.fn.invalid()
	}
	return sum, nil
}

// mathRandom is States.MathRandom: an integer from start (inclusive) to end (exclusive). With a seed the
// result depends on the seed alone; AWS's own generator is not reproduced, so the number differs from
// AWS's for the same seed.
func mathRandom(c *Call, args []any) (any, error) {
	start, _ := truncInt32(args[0])
	end, _ := truncInt32(args[1])
	if start >= end {
		return nil, c.fn.invalid()
	}
	if len(args) == 3 {
		n, _ := toNumber(args[2])
		seed := uint64(n.i)
		if !n.isInt && !math.IsNaN(n.f) {
			// Java's (long) cast: truncate and saturate.
			seed = uint64(int64(math.Max(math.Min(n.f, 0x1p63-1024), -0x1p63)))
		}
		r := mrand.New(mrand.NewPCG(seed, 0))
		return start + r.Int64N(end-start), nil
	}
	return start + mrand.Int64N(end-start), nil
}

// uuid is States.UUID: a random (version 4) UUID.
func uuid(_ *Call, _ []any) (any, error) {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
