package value

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSize(t *testing.T) {
	for _, v := range []any{
		nil, true, false, "", "é\"\\\n\x01", int64(-12), 1.5, 1e21, []any{}, []any{int64(1), "a", nil},
		int64(0), int64(9), int64(10), int64(-1), int64(-10), int64(math.MaxInt64), int64(math.MinInt64),
		map[string]any{}, map[string]any{"a": []any{map[string]any{"b": false}}, "c\td": "日本"},
	} {
		assert.Equal(t, len(JSON(v)), Size(v, 1<<20), "%#v", v)
		var s Sizer
		assert.Equal(t, len(JSON(v)), s.Size(v, 1<<20), "%#v", v)
	}
	assert.Less(t, Size([]any{strings.Repeat("a", 100), strings.Repeat("b", 100)}, 10), 110, "counting stops past the limit")
}

// TestSizerProperty: documents made from one another as states make them (a value placed in a copy
// of the document, a part selected, documents combined), counted by one Sizer that remembers their
// parts, have the sizes of a full recount; past the limit they are past it too.
func TestSizerProperty(t *testing.T) {
	for seed := range uint64(25) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 1))
			s := &Sizer{budget: 8 << 10} // several generations in one test
			docs := []any{randomValue(r, 4)}
			rolled, largest := false, 0
			for step := range 200 {
				d := derive(r, docs)
				if Size(d, 32<<10) > 32<<10 {
					continue // documents made of documents grow fast: keep the test quick
				}
				docs = append(docs, d)
				if len(docs) > 6 {
					docs = docs[1:]
				}
				want := Size(d, math.MaxInt) // the full recount
				require.Equal(t, len(JSON(d)), want)
				largest = max(largest, want)
				// A count cut short first: what it counted must not be remembered.
				for _, limit := range []int{want / 2, want - 1, want, 1 << 30} {
					got := s.Size(d, limit)
					if r.IntN(2) == 0 {
						got = s.Measure(d, limit)
					}
					if limit >= want {
						require.Equal(t, want, got, "step %d: %s", step, oj.JSON(d))
					} else {
						require.Greater(t, got, limit, "step %d", step)
					}
				}
				if r.IntN(3) == 0 {
					s.Remember(d, want)
				}
				rolled = rolled || s.old != nil
				require.LessOrEqual(t, s.held, max(s.budget, largest), "a generation holds at most its budget, or one value")
			}
			assert.True(t, rolled, "the test covers forgetting")
		})
	}
}

// derive makes a new document from earlier ones, sharing their parts.
func derive(r *rand.Rand, docs []any) any {
	d := docs[r.IntN(len(docs))]
	switch r.IntN(5) {
	case 0: // ResultPath: a new value placed along a path, the containers on the way copied
		return place(r, d, randomValue(r, 3))
	case 1: // ResultPath with an earlier document as the result
		return place(r, d, docs[r.IntN(len(docs))])
	case 2: // InputPath or OutputPath: a part
		return pick(r, d)
	case 3: // Parameters: a new object of parts
		return map[string]any{"a": pick(r, d), "b": docs[r.IntN(len(docs))], "c": randomValue(r, 2)}
	}
	return []any{d, pick(r, d)}
}

func place(r *rand.Rand, d, v any) any {
	switch x := d.(type) {
	case map[string]any:
		out := maps.Clone(x)
		keys := slices.Sorted(maps.Keys(x))
		if len(keys) == 0 || r.IntN(4) == 0 {
			out[fmt.Sprint("k", r.IntN(100))] = v
		} else {
			k := keys[r.IntN(len(keys))]
			out[k] = place(r, x[k], v)
		}
		return out
	case []any:
		if len(x) > 0 && r.IntN(4) != 0 {
			out := slices.Clone(x)
			i := r.IntN(len(x))
			out[i] = place(r, x[i], v)
			return out
		}
	}
	return v
}

func pick(r *rand.Rand, d any) any {
	for r.IntN(3) != 0 {
		switch x := d.(type) {
		case map[string]any:
			if len(x) == 0 {
				return d
			}
			keys := slices.Sorted(maps.Keys(x))
			d = x[keys[r.IntN(len(keys))]]
		case []any:
			if len(x) == 0 {
				return d
			}
			d = x[r.IntN(len(x))]
		default:
			return d
		}
	}
	return d
}

func randomValue(r *rand.Rand, depth int) any {
	n := r.IntN(10)
	if depth == 0 {
		n = r.IntN(6)
	}
	switch n {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return int64(r.Uint64())
	case 3:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
	case 4:
		parts := []string{"a", "é", "\"", "\\", "\n", "\x01", "日本", strings.Repeat("x", 300)}
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		return b.String()
	case 5:
		return int64(r.IntN(2000) - 1000)
	case 6, 7:
		m := map[string]any{}
		for i := range r.IntN(8) {
			m[fmt.Sprintf("f%d\t%d", i, r.IntN(3))] = randomValue(r, depth-1)
		}
		return m
	}
	a := make([]any, r.IntN(8))
	for i := range a {
		a[i] = randomValue(r, depth-1)
	}
	return a
}

// TestSizerRemembersLargeParts: a document that shares a large part with one counted before costs only
// its new data: the shared part is not counted again.
func TestSizerRemembersLargeParts(t *testing.T) {
	big := make([]any, 500)
	for i := range big {
		big[i] = map[string]any{"id": int64(i), "name": "record"}
	}
	doc := map[string]any{"payload": big, "last": int64(1)}
	var s Sizer
	want := len(JSON(doc))
	require.Equal(t, want, s.Size(doc, 1<<20))
	next := maps.Clone(doc)
	next["last"] = "two"
	// The array's records are no longer in the Sizer's way: were it to count them, the change shows.
	big[0].(map[string]any)["name"] = "a longer name, which the Sizer does not see"
	two := want + len(`"two"`) - len(`1`)
	assert.Equal(t, two, s.Size(next, 1<<20))
	assert.Greater(t, s.Measure(next, 10), 10, "past the limit")
	assert.Equal(t, two, s.Measure(next, 1<<20))
	next["last"] = "three" // unseen: Measure remembered next
	assert.Equal(t, two, s.Measure(next, 1<<20))
	s.Remember(next, 1234)
	assert.Equal(t, two, s.Size(next, 1<<20), "remembered already")
	next = maps.Clone(next)
	s.Remember(next, 1234)
	assert.Equal(t, 1234, s.Size(next, 1<<20), "a size it was told")
	assert.Equal(t, 1234+len(`[,0]`), s.Size([]any{next, int64(0)}, 1<<20))
}

// TestStringSize: the table-driven count is the character-by-character one it replaced, on random
// bytes (invalid UTF-8 too), and the length oj writes for valid text without U+2028, U+2029 and DEL (which oj escapes).
func TestStringSize(t *testing.T) {
	old := func(s string) int {
		n := 2
		for i := 0; i < len(s); {
			c := s[i]
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
				i++
			case c < 0x20:
				n += 6
				i++
			case c < utf8.RuneSelf:
				n++
				i++
			default:
				_, w := utf8.DecodeRuneInString(s[i:])
				n += w
				i += w
			}
		}
		return n
	}
	r := rand.New(rand.NewPCG(3, 3))
	for range 5000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		s := string(b)
		require.Equal(t, old(s), StringSize(s), "%q", s)
		if v := strings.ToValidUTF8(s, "?"); !strings.ContainsAny(v, "\u2028\u2029\x7f") {
			require.Equal(t, len(JSON(v)), StringSize(v), "%q", v)
		}
	}
	for c := range 256 {
		s := string([]byte{byte(c)})
		require.Equal(t, old(s), StringSize(s), "%q", s)
	}
}

// TestKeyOfMaps: a map's identity is its table, the pointer reflect gives.
func TestKeyOfMaps(t *testing.T) {
	m := map[string]any{"a": 1}
	k, ok := keyOf(m)
	require.True(t, ok)
	assert.Equal(t, reflect.ValueOf(m).UnsafePointer(), k.p)
	k2, _ := keyOf(maps.Clone(m))
	assert.NotEqual(t, k, k2)
}
