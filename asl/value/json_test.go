package value

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/require"
)

// TestWriterIsOjSorted: a Writer writes what oj.JSON with sorted keys writes, which outputs and history
// payloads were written with before it, for every kind of value, one Writer reused across them.
func TestWriterIsOjSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	values := []any{
		map[string]any{"<a>": "&<>\u2028\u2029\x7f\xff", "n": json.Number("123456789012345678901234567890"), "e": []any{}, "o": map[string]any{}},
		[]any{1e21, 1.5e-7, 100.0, -0.0, int64(-1), 7, "x"},
		map[string]any{"not generic": []string{"a", "b"}, "time": time.Unix(0, 0).UTC(), "m": map[string]string{"b": "1", "a": "2"}},
	}
	for range 500 {
		values = append(values, randomValue(r, 4))
	}
	var w Writer
	for _, v := range values {
		want := oj.JSON(v, &oj.Options{Sort: true})
		require.Equal(t, want, string(w.Append(nil, v)))
		require.Equal(t, want, JSON(v))
	}
}
