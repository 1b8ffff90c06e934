package jsonpath

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/valuetest"
)

// back is a result of a document in form f, made of maps to compare with what a test expects. A map
// document must give maps (nothing is converted), and a document of Objects only Objects.
func back(t testing.TB, f valuetest.Form, v any) any {
	t.Helper()
	if !f.Objects {
		return v
	}
	assert.False(t, holdsMap(v), "a map in a result from Objects: %#v", v)
	return value.Plain(v)
}

func holdsMap(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return true
	case *value.Object:
		for _, m := range x.Members() {
			if holdsMap(m.Value) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if holdsMap(e) {
				return true
			}
		}
	}
	return false
}

// TestMixedForms: maps and Objects nested in each other read alike, an object of one form equals one of
// the other with the same members, and Set copies each object along the path into its own form.
func TestMixedForms(t *testing.T) {
	ref := value.ObjectOf(map[string]any{"k": int64(1)})
	doc := value.ObjectOf(map[string]any{
		"m":    map[string]any{"x": int64(1), "o": value.ObjectOf(map[string]any{"x": int64(2)})},
		"list": []any{map[string]any{"v": map[string]any{"k": int64(1)}}, value.ObjectOf(map[string]any{"v": ref})},
		"ref":  ref,
	})
	for _, tc := range []struct{ path, want string }{
		{"$.m.o.x", `2`},
		{"$..x", `[1, 2]`},
		{"$.m.*", `[{"x": 2}, 1]`},
		{"$.list[?(@.v == $.ref)].v.k", `[1, 1]`},
		{"$.list[?(@.v == {'k': 1})].v.k", `[1, 1]`},
		{"$.m['x','o']", `{"x": 1, "o": {"x": 2}}`},
	} {
		p, err := Parse(tc.path)
		require.NoError(t, err)
		got, ok := p.Get(doc)
		require.True(t, ok, tc.path)
		assert.Equal(t, js(t, tc.want), value.Plain(got), tc.path)
	}

	p, err := ParseReference("$.m.o.new.deep")
	require.NoError(t, err)
	got, err := p.Set(doc, "v")
	require.NoError(t, err)
	m, _ := value.Field(got, "m")
	require.IsType(t, map[string]any{}, m, "a map stays a map")
	o := m.(map[string]any)["o"]
	require.IsType(t, &value.Object{}, o, "an Object stays an Object")
	created, _ := value.Field(o, "new")
	assert.IsType(t, &value.Object{}, created, "created in the form of its parent")

	p, err = ParseReference("$.m.new.deep")
	require.NoError(t, err)
	got, err = p.Set(doc, "v")
	require.NoError(t, err)
	m, _ = value.Field(got, "m")
	assert.IsType(t, map[string]any{}, m.(map[string]any)["new"], "created in the form of its parent")
	assert.Equal(t, `{"deep":"v"}`, compact(m.(map[string]any)["new"]))
}

// TestSetCopiesOnlyThePathOfObjects is TestSetCopiesOnlyThePath on Objects.
func TestSetCopiesOnlyThePathOfObjects(t *testing.T) {
	shared := value.ObjectOf(map[string]any{"big": []any{int64(1)}})
	a := value.ObjectOf(map[string]any{"b": int64(1)})
	doc := value.ObjectOf(map[string]any{"keep": shared, "a": a})
	p, err := ParseReference("$.a.c")
	require.NoError(t, err)
	got, err := p.Set(doc, "v")
	require.NoError(t, err)
	keep, _ := value.Field(got, "keep")
	assert.Same(t, shared, keep)
	assert.Equal(t, `{"a":{"b":1},"keep":{"big":[1]}}`, compact(doc), "the input was changed")
	assert.Equal(t, `{"a":{"b":1,"c":"v"},"keep":{"big":[1]}}`, compact(got))
}
