package source

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Null: "null", Bool: "boolean", Number: "number", String: "string",
		Array: "array", Object: "object", 9: "Kind(9)"} {
		assert.Equal(t, want, k.String())
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := Parse([]byte("{\n  \"a\": 1,\n}"))
	var se *SyntaxError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, "2:9: trailing comma before '}'", err.Error())
}

func TestParseChoosesTheFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    any
		wantErr string
	}{
		{in: `{"a": [1]}`, want: map[string]any{"a": []any{int64(1)}}},
		{in: " \r\n\t[1]", want: []any{int64(1)}},
		{in: "\xef\xbb\xbf{}", want: map[string]any{}},
		{in: "a: [1]", want: map[string]any{"a": []any{int64(1)}}},
		{in: "# a comment first\n{a: 1}", want: map[string]any{"a": int64(1)}}, // YAML flow
		{in: "1", want: int64(1)},
		{in: `"s"`, want: "s"},
		// JSON syntax errors are not retried as YAML, which would accept these.
		{in: "{a: 1}", wantErr: "1:2: object keys must be strings in double quotes"},
		{in: "[1, 2,]", wantErr: "1:6: trailing comma before ']'"},
		{in: "", wantErr: "1:1: empty document"},
		{in: " \n\t", wantErr: "2:2: empty document"},
	}
	for _, tt := range tests {
		n, err := Parse([]byte(tt.in))
		if tt.wantErr != "" {
			require.Error(t, err, tt.in)
			assert.Contains(t, err.Error(), tt.wantErr, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, n.Value(), tt.in)
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`1`, int64(1)},
		{`-0`, int64(0)},
		{`1.0`, 1.0},
		{`1e2`, 100.0},
		{`1E-2`, 0.01},
		{`12345678901234567890`, 12345678901234567890.0},
		{`9223372036854775807`, int64(math.MaxInt64)},
		{`-9223372036854775808`, int64(math.MinInt64)},
		{`9223372036854775808`, 9223372036854775808.0},
		{`null`, nil},
		{`[true, "x", null, []]`, []any{true, "x", nil, []any{}}},
		{`{"a": {"b": [1, 1.5]}, "c": {}}`, map[string]any{"a": map[string]any{"b": []any{int64(1), 1.5}}, "c": map[string]any{}}},
		// Of duplicate keys the last wins.
		{`{"a": 1, "b": 2, "a": {"x": 3}}`, map[string]any{"a": map[string]any{"x": int64(3)}, "b": int64(2)}},
		{"a: 1\nb: 2\na: 3\n", map[string]any{"a": int64(3), "b": int64(2)}},
		{"a: 1.0\nb: 0x10\nc: !!float 2", map[string]any{"a": 1.0, "b": int64(16), "c": 2.0}},
	}
	for _, tt := range tests {
		n, err := Parse([]byte(tt.in))
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, n.Value(), tt.in)
	}
	f, ok := mustParse(t, `-0.0`).Value().(float64)
	require.True(t, ok)
	assert.True(t, math.Signbit(f), "-0.0 keeps its sign")
}

func TestDuplicateKeysAreKept(t *testing.T) {
	for _, in := range []string{`{"a": 1, "b": 2, "a": 3}`, "a: 1\nb: 2\na: 3\n"} {
		n := mustParse(t, in)
		require.Len(t, n.Members, 3, in)
		assert.Equal(t, "a", n.Members[2].Key)
		assert.Equal(t, "1", n.Member("a").Num, "Member returns the first")
		assert.Nil(t, n.Member("z"))
	}
}

func mustParse(t *testing.T, in string) *Node {
	t.Helper()
	n, err := Parse([]byte(in))
	require.NoError(t, err, in)
	return n
}

func TestLimits(t *testing.T) {
	quick := func(t *testing.T, in string, msg string) {
		t.Helper()
		start := time.Now()
		_, err := Parse([]byte(in))
		require.Error(t, err)
		assert.Contains(t, err.Error(), msg)
		assert.Less(t, time.Since(start), 2*time.Second)
	}
	t.Run("deep JSON", func(t *testing.T) {
		quick(t, strings.Repeat("[", 100000), "1:1001: nesting deeper than 1000 levels")
		quick(t, strings.Repeat(`{"a":`, 100000), "1:5001: nesting deeper than 1000 levels")
		_, err := Parse([]byte(strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)))
		require.NoError(t, err)
	})
	t.Run("deep YAML", func(t *testing.T) {
		quick(t, strings.Repeat("- ", 100000), "exceeded max depth")
		var nested strings.Builder
		for i := range MaxDepth + 100 {
			nested.WriteString(strings.Repeat(" ", i) + "a:\n")
		}
		quick(t, nested.String(), "1001:1001: nesting deeper than 1000 levels")
	})
	t.Run("too big", func(t *testing.T) {
		quick(t, "["+strings.Repeat(" ", MaxBytes)+"]", "more than the limit of 16777216")
		_, err := ParseJSON([]byte("[" + strings.Repeat(" ", MaxBytes-1) + "]"))
		require.ErrorContains(t, err, "1:1: input is 16777217 bytes, more than the limit of 16777216")
		_, err = ParseJSON([]byte("[" + strings.Repeat(" ", MaxBytes-2) + "]"))
		require.NoError(t, err)
		_, err = ParseYAML([]byte(strings.Repeat(" ", MaxYAMLBytes+1)))
		require.ErrorContains(t, err, "more than the limit of 2097152")
	})
	t.Run("too many values", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds a million values")
		}
		// Linear in the input, so not timed: the bound here is memory.
		_, err := Parse([]byte("[" + strings.Repeat("0,", MaxNodes) + "0]"))
		require.ErrorContains(t, err, "more than 1048576 values")
		_, err = ParseJSON([]byte("[" + strings.Repeat("0,", MaxNodes-2) + "0]"))
		require.NoError(t, err)
		_, err = Parse([]byte(strings.Repeat("?\n", MaxNodes))) // a mapping of null keys
		require.ErrorContains(t, err, "more than 1048576 values")
	})
}
