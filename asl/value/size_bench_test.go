package value

import (
	"fmt"
	"math"
	"testing"
)

// BenchmarkSize counts a 200 KB document of records: in full (Size, and a Sizer's first count, which
// remembers its large parts), and once more with one member changed (what a state's output costs).
func BenchmarkSize(b *testing.B) {
	recs := make([]any, 1400)
	for i := range recs {
		recs[i] = map[string]any{"id": int64(i), "name": fmt.Sprintf("record-%07d", i), "tags": []any{"alpha", "beta", "gamma"},
			"score": int64(i * 37 % 1000), "active": i%3 == 0,
			"nested": map[string]any{"x": int64(i), "y": "lorem ipsum dolor sit amet consectetur", "z": []any{int64(i), 1.5, nil}}}
	}
	doc := map[string]any{"payload": recs, "last": map[string]any{"step": int64(1)}}
	b.Run("Size", func(b *testing.B) {
		for range b.N {
			Size(doc, math.MaxInt)
		}
	})
	b.Run("first", func(b *testing.B) {
		for range b.N {
			var s Sizer
			s.Size(doc, math.MaxInt)
		}
	})
	b.Run("again", func(b *testing.B) {
		var s Sizer
		s.Size(doc, math.MaxInt)
		for i := range b.N {
			next := map[string]any{"payload": recs, "last": map[string]any{"step": int64(i)}}
			s.Size(next, math.MaxInt)
		}
	})
}
