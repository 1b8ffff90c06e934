package source

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fuzzSeeds = []string{
	`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1.5e3,"y":[true,false,null]},"End":true}}}`,
	`[1, -0, 0.5, 1e2, 12345678901234567890, "a\u00e9\ud83d\ude00\n", {}]`,
	"\xef\xbb\xbf{\"a\":\r\n\t\"b\"}",
	`{"a":1,}`, `[1,]`, `{"a" 1}`, `{'a':1}`, `[NaN]`, `// c` + "\n{}", `"\ud800"`, `[1e400]`,
	"StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n",
	"x: &a {p: 1}\ny:\n  <<: [*a, {q: 2}]\n  p: 3\n",
	"a: &a [1, 2]\nb: [*a, *a]\n",
	"- 0x1F\n- .5\n- !!float 1\n- 2001-12-14\n- ~\n- .inf\n",
	"a: 1\n---\nb: 2\n",
	"? [a]\n: 1\n",
	"a: |\n  text\n  more\n",
	"a: 'it''s'\nb: \"\\u00e9\"\n",
	"",
	"   \n",
}

// FuzzParse checks that any input gives a tree or a *SyntaxError, and that the JSON
// parser agrees with encoding/json.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data)
		checkResult(t, n, err)
		checkAgainstEncodingJSON(t, data)
	})
}

func checkResult(t *testing.T, n *Node, err error) {
	t.Helper()
	if err != nil {
		se, ok := err.(*SyntaxError)
		require.True(t, ok, "error %T %v is not a *SyntaxError", err, err)
		require.Nil(t, n)
		require.GreaterOrEqual(t, se.Pos.Line, 1, se.Error())
		require.GreaterOrEqual(t, se.Pos.Col, 1, se.Error())
		return
	}
	require.NotNil(t, n)
	checkTree(t, n)
	n.Value()
}

// checkTree checks the invariants of a parsed tree.
func checkTree(t *testing.T, n *Node) {
	t.Helper()
	require.GreaterOrEqual(t, n.Pos.Line, 1)
	require.GreaterOrEqual(t, n.Pos.Col, 1)
	switch n.Kind {
	case Number:
		end, _, problem := scanNumber(n.Num)
		require.True(t, problem == "" && end == len(n.Num), "number %q", n.Num)
	case String:
		require.True(t, utf8.ValidString(n.Str), "string %q", n.Str)
	case Array:
		for _, it := range n.Items {
			checkTree(t, it)
		}
	case Object:
		for _, m := range n.Members {
			require.GreaterOrEqual(t, m.KeyPos.Line, 1)
			require.GreaterOrEqual(t, m.KeyPos.Col, 1)
			checkTree(t, m.Value)
		}
	}
}

// checkAgainstEncodingJSON checks that ParseJSON accepts what encoding/json accepts,
// except invalid UTF-8 (which encoding/json replaces and RFC 8259 forbids) and nesting
// beyond MaxDepth; that it accepts nothing else but a byte order mark; and that the
// values are equal, numbers compared numerically.
func checkAgainstEncodingJSON(t *testing.T, data []byte) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal(data, new(any))
	if wantErr == nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // to compare numbers without float64 rounding
		require.NoError(t, dec.Decode(&want))
	}
	n, err := ParseJSON(data)
	if err == nil {
		checkJSONPositions(t, data, lineStarts(data), n)
	}
	switch {
	case wantErr == nil && utf8.Valid(data) && depth(want) <= MaxDepth:
		require.NoError(t, err)
		assertSameValue(t, want, n.Value())
	case err == nil:
		require.True(t, bytes.HasPrefix(data, bom), "ParseJSON accepts what encoding/json rejects (%v)", wantErr)
	}
}

func depth(v any) int {
	d := 0
	switch v := v.(type) {
	case []any:
		for _, it := range v {
			d = max(d, depth(it))
		}
		return d + 1
	case map[string]any:
		for _, it := range v {
			d = max(d, depth(it))
		}
		return d + 1
	}
	return 0
}

// assertSameValue checks that got is encoding/json's want, numbers compared numerically.
func assertSameValue(t *testing.T, want, got any) {
	t.Helper()
	assertEach(t, want, got, func(want, got any) {
		w, ok := want.(json.Number)
		if !ok {
			assert.Equal(t, want, got)
			return
		}
		switch g := got.(type) {
		case int64:
			i, err := w.Int64()
			require.NoError(t, err, "int64 %d for %s", g, w)
			assert.Equal(t, i, g)
		case float64:
			f, err := w.Float64()
			require.NoError(t, err)
			assert.Equal(t, f, g, "number %s", w)
		default:
			t.Fatalf("number %s became %T", w, got)
		}
	})
}

// assertEach checks that got has want's arrays and objects, and compares what they hold with leaf.
func assertEach(t *testing.T, want, got any, leaf func(want, got any)) {
	t.Helper()
	switch w := want.(type) {
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "array became %T", got)
		require.Len(t, g, len(w))
		for i := range w {
			assertEach(t, w[i], g[i], leaf)
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		require.True(t, ok, "object became %T", got)
		require.Len(t, g, len(w))
		for k := range w {
			assertEach(t, w[k], g[k], leaf)
		}
	default:
		leaf(want, got)
	}
}

// TestAgainstEncodingJSON runs the differential check of FuzzParse on inputs that
// each side accepts or rejects.
func TestAgainstEncodingJSON(t *testing.T) {
	inputs := append([]string{
		`{"a": [1, -0, 0.5, -1.5e-3, 1E+2, 12345678901234567890, 9223372036854775807, -9223372036854775808]}`,
		`["\u0000\u001f\"\\\/\b\f\n\r\t", "\ud800", "\udc00\ud800\udc00", "é😀", "\ufffd"]`,
		`{"a": 1, "a": 2, "b": {"a": 3, "a": 4}}`,
		`[[[[[]]]], {}, {"": ""}, true, false, null]`,
		` 1 `, `"x"`, `1e-400`, `1e400`, `[01]`, `[1,]`, `{"a":1,}`, `[1 2]`, `"\x"`, "\"\t\"",
		"\xef\xbb\xbf[]", "[\"\xff\"]", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
	}, fuzzSeeds...)
	for _, in := range inputs {
		checkAgainstEncodingJSON(t, []byte(in))
	}
}

// lineStarts returns the offset where each line starts, with the line breaks of Pos.
func lineStarts(data []byte) []int {
	starts := []int{len(data) - len(skipBOM(data))}
	for i := starts[0]; i < len(data); i++ {
		if data[i] == '\n' || data[i] == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// checkJSONPositions checks that each value and key of a tree parsed from JSON text
// is at a character that starts one.
func checkJSONPositions(t *testing.T, data []byte, starts []int, n *Node) {
	t.Helper()
	first := map[Kind]string{Null: "n", Bool: "tf", Number: "-0123456789", String: `"`, Array: "[", Object: "{"}[n.Kind]
	c := charAt(t, data, starts, n.Pos)
	require.True(t, strings.ContainsRune(first, c), "%s at %v starts with %q", n.Kind, n.Pos, c)
	for _, it := range n.Items {
		checkJSONPositions(t, data, starts, it)
	}
	for _, m := range n.Members {
		require.Equal(t, '"', charAt(t, data, starts, m.KeyPos), "key %q at %v", m.Key, m.KeyPos)
		checkJSONPositions(t, data, starts, m.Value)
	}
}

func charAt(t *testing.T, data []byte, starts []int, p Pos) rune {
	t.Helper()
	require.LessOrEqual(t, p.Line, len(starts))
	line := data[starts[p.Line-1]:]
	for range p.Col - 1 {
		_, size := utf8.DecodeRune(line)
		line = line[size:]
	}
	r, _ := utf8.DecodeRune(line)
	return r
}
