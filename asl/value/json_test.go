package value

import (
	"encoding/json"
	"math"
	"math/rand/v2"
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
func TestWriter(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	values := []any{
		map[string]any{"<a>": "&<>\x01é", "n": json.Number("123456789012345678901234567890"), "e": []any{}, "o": map[string]any{}},
		[]any{1e21, 1.5e-7, 100.0, -0.0, int64(-1), 7, "x"},
	}
	for range 500 {
		values = append(values, randomValue(r, 4))
	}
	var w Writer
	for _, v := range values {
		text := string(w.Append(nil, v))
		require.Equal(t, text, JSON(v))
		require.Equal(t, Size(v, math.MaxInt), len(text))
		var back any
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&back), text)
		require.Equal(t, oj.JSON(back, &oj.Options{Sort: true}), oj.JSON(v, &oj.Options{Sort: true}))
		require.Equal(t, oj.JSON(v, &oj.Options{Sort: true, HTMLUnsafe: true}), text)
	}
	odd := map[string]any{"s": "\u2028\u2029\x7f", "not generic": []string{"a", "b"}, "time": time.Unix(0, 0).UTC()}
	assert.Equal(t, "{\"not generic\":[\"a\",\"b\"],\"s\":\"\u2028\u2029\x7f\",\"time\":"+oj.JSON(odd["time"])+"}", JSON(odd))
	assert.False(t, strings.Contains(JSON("<&>"), `\u`))
}
