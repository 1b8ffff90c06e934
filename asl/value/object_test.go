package value

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewObject(t *testing.T) {
	tests := []struct {
		name string
		in   []Member
		want []Member
	}{
		{"empty", nil, nil},
		{"sorted", []Member{{"a", 1}, {"b", 2}}, []Member{{"a", 1}, {"b", 2}}},
		{"unsorted", []Member{{"b", 2}, {"a", 1}, {"c", 3}}, []Member{{"a", 1}, {"b", 2}, {"c", 3}}},
		{"the last of a repeated key stands", []Member{{"b", 1}, {"a", 1}, {"b", 2}, {"b", 3}}, []Member{{"a", 1}, {"b", 3}}},
		{"byte order", []Member{{"é", 1}, {"Z", 2}, {"a", 3}, {"", 4}}, []Member{{"", 4}, {"Z", 2}, {"a", 3}, {"é", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NewObject(tt.in).Members())
		})
	}
}

// TestObjectGetWith: Get and With agree with a map's, on small objects (read in order) and large
// ones (searched), and never change the object they start from.
func TestObjectGetWith(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 3, 8, 9, 40} {
		m := map[string]any{}
		for len(m) < n {
			m[string(rune('a'+r.IntN(26)))+string(rune('a'+r.IntN(26)))] = int64(r.IntN(100))
		}
		o := ObjectOf(m)
		for range 200 {
			k := string(rune('a'+r.IntN(26))) + string(rune('a'+r.IntN(26)))
			v, ok := o.Get(k)
			mv, mok := m[k]
			require.Equal(t, mok, ok, k)
			require.Equal(t, mv, v, k)
			with := o.With(k, "new")
			want := ObjectOf(m).Map()
			want[k] = "new"
			require.Equal(t, want, with.Map())
			require.Equal(t, ObjectOf(want).Members(), with.Members(), "still sorted")
			require.Equal(t, m, o.Map(), "o is unchanged")
		}
	}
}

// TestPlainCompact: Compact and Plain turn every object of a value from one form to the other, and the
// forms are written and counted alike.
func TestPlainCompact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		v := randomValue(r, 4)
		c := Compact(v)
		assert.Equal(t, v, Plain(c))
		assert.Equal(t, JSON(v), JSON(c))
		assert.Equal(t, Size(v, math.MaxInt), Size(c, math.MaxInt))
		var s Sizer
		assert.Equal(t, Size(v, math.MaxInt), s.Size(c, math.MaxInt))
		assert.Equal(t, IsObject(v), IsObject(c))
		b, err := json.Marshal(c)
		require.NoError(t, err)
		want, _ := json.Marshal(v)
		assert.JSONEq(t, string(want), string(b))
		if m, ok := v.(map[string]any); ok {
			for k, e := range m {
				got, ok := Field(c, k)
				assert.True(t, ok)
				assert.Equal(t, e, Plain(got))
			}
			n, _ := Len(c)
			assert.Equal(t, len(m), n)
		}
	}
	plain := map[string]any{"a": []any{int64(1), map[string]any{}}}
	assert.True(t, same(Plain(plain), plain), "a value without Objects is handed back")
	compact := Compact(plain)
	assert.True(t, same(Compact(compact), compact))
}
