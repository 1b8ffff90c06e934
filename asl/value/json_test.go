package value

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendJacksonString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain é €", `"plain é €"`},
		{"q\"b\\", `"q\"b\\"`},
		{"\b\t\n\f\r\x01\x1f", `"\b\t\n\f\r\u0001\u001F"`},
		{"<&>\u2028\u2029\x7f/", "\"<&>\u2028\u2029\x7f/\""}, // Jackson escapes none of these
		{"bad\xffutf8", "\"bad\xffutf8\""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(AppendJacksonString(nil, tt.in)), "%q", tt.in)
		assert.Equal(t, StringSize(tt.in), len(tt.want), "%q", tt.in)
	}
}

// TestWriter: a Writer's text is as long as Size counts, reads back as the value, and is what oj.JSON
// writes with sorted keys and HTML characters unescaped, but for the characters oj escapes and Jackson
// does not (U+2028, U+2029, DEL); values that are not generic ones go to oj. One Writer serves them all.
// asFloats is v with every number a float64, as encoding/json reads it.
func asFloats(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case json.Number:
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = asFloats(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = asFloats(e)
		}
		return out
	}
	return v
}

func holdsFloat(v any) bool {
	switch x := v.(type) {
	case float64:
		return true
	case []any:
		return slices.ContainsFunc(x, holdsFloat)
	case map[string]any:
		for _, e := range x {
			if holdsFloat(e) {
				return true
			}
		}
	}
	return false
}

// TestAppendDouble: doubles are written as Java's Double.toString writes them, as AWS (Jackson) does.
func TestAppendDouble(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0.0", math.Copysign(0, -1): "-0.0", 1: "1.0", -1.5: "-1.5", 1.1: "1.1", 100: "100.0", 1234567.5: "1234567.5",
		1e7: "1.0E7", 12345678.9: "1.23456789E7", 1e-3: "0.001", 1e-4: "1.0E-4", 1.5e-10: "1.5E-10",
		1e21: "1.0E21", -2.5e300: "-2.5E300", math.Nextafter(0.3, 1): "0.30000000000000004",
		math.Inf(1): "Infinity", math.Inf(-1): "-Infinity",
	} {
		assert.Equal(t, want, string(AppendDouble([]byte("x"), f))[1:], "%v", f)
		assert.Equal(t, len(want), Size(f, math.MaxInt), "%v", f)
	}
	assert.Equal(t, "NaN", string(AppendDouble(nil, math.NaN())))
}

func TestWriter(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	values := []any{
		map[string]any{"<a>": "&<>\x01é", "n": json.Number("123456789012345678901234567890"), "e": []any{}, "o": map[string]any{}},
		[]any{1e21, 1.5e-7, 100.0, -0.0, int64(-1), 7, "x"},
	}
	assert.Equal(t, `[1.0E21,1.5E-7,100.0,0.0,-1,7,"x"]`, JSON(values[1]))
	for range 500 {
		values = append(values, randomValue(r, 4))
	}
	var w Writer
	for _, v := range values {
		text := string(w.Append(nil, v))
		require.Equal(t, text, JSON(v))
		require.Equal(t, Size(v, math.MaxInt), len(text))
		var back any
		require.NoError(t, json.Unmarshal([]byte(text), &back), text)
		require.Equal(t, asFloats(v), back, text)
		if !holdsFloat(v) { // oj writes doubles as Go does, not as Java
			require.Equal(t, oj.JSON(v, &oj.Options{Sort: true, HTMLUnsafe: true}), text)
		}
	}
	odd := map[string]any{"s": "\u2028\u2029\x7f", "not generic": []string{"a", "b"}, "time": time.Unix(0, 0).UTC()}
	assert.Equal(t, "{\"not generic\":[\"a\",\"b\"],\"s\":\"\u2028\u2029\x7f\",\"time\":"+oj.JSON(odd["time"])+"}", JSON(odd))
	assert.False(t, strings.Contains(JSON("<&>"), `\u`))
}
