package intrinsic

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/valuetest"
)

// back is a result made of maps, to compare with what a test expects; a map input's result is taken as
// it is, so that it must be made of maps.
func back(f valuetest.Form, v any) any {
	if f.Objects {
		return value.Plain(v)
	}
	return v
}

// formEnv is envFor(input) with every value in form f.
func formEnv(f valuetest.Form, input any) testEnv {
	return testEnv{input: f.In(input), context: f.In(contextFor(input))}
}

// TestObjectForms: a map and a value.Object of the same members render, hash, compare and cost alike,
// and States.JsonMerge takes either and makes an Object unless both are maps.
func TestObjectForms(t *testing.T) {
	// Keys whose byte order (Go's, and an Object's) differs from UTF-16 order and from case order.
	m := map[string]any{"😀": int64(1), "\uffff": 2.5, "a": []any{map[string]any{"z": nil, "y": true}}, "B": "s", "": false}
	o := value.Compact(m)
	const java = "{=false, B=s, a=[{y=true, z=null}], \uffff=2.5, 😀=1}"
	const jackson = `{"":false,"B":"s","a":[{"y":true,"z":null}],"` + "\uffff" + `":2.5,"😀":1}`
	for _, v := range []any{m, o} {
		assert.Equal(t, java, javaString(v))
		assert.Equal(t, jackson, string(appendJSON(nil, v)))
	}
	assert.Equal(t, javaHash(m), javaHash(o))
	assert.Equal(t, sizeOf(m, maxBytes), sizeOf(o, maxBytes))
	assert.True(t, javaEqual(m, o))
	assert.True(t, javaEqual(o, m))
	other := map[string]any{"😀": int64(1)}
	assert.False(t, javaEqual(o, other))
	assert.False(t, javaEqual(other, o))
	assert.False(t, javaEqual(value.Compact(other), map[string]any{"😀": 1.0}))
	assert.Equal(t, []any{m}, hashSetOrder([]any{m, o, m}))

	mixed := map[string]any{
		"list": []any{map[string]any{"k": int64(1)}},
		"v":    value.ObjectOf(map[string]any{"k": int64(1)}),
		"a":    map[string]any{"x": int64(1), "n": int64(1)},
		"b":    value.ObjectOf(map[string]any{"y": int64(2), "n": int64(2)}),
	}
	for expr, want := range map[string]any{
		"States.ArrayContains($.list, $.v)":                 true,
		"States.ArrayUnique(States.Array($.list[0], $.v))":  []any{map[string]any{"k": int64(1)}},
		"States.JsonMerge($.a, $.b, false)":                 value.ObjectOf(map[string]any{"x": int64(1), "y": int64(2), "n": int64(2)}),
		"States.JsonMerge($.b, $.a, false)":                 value.ObjectOf(map[string]any{"x": int64(1), "y": int64(2), "n": int64(1)}),
		"States.JsonMerge($.b, $.b, false)":                 value.ObjectOf(map[string]any{"y": int64(2), "n": int64(2)}),
		"States.JsonToString(States.Array($.list[0], $.v))": `[{"k":1},{"k":1}]`,
	} {
		c, err := Parse(expr)
		require.NoError(t, err)
		got, err := c.Eval(envFor(mixed))
		require.NoError(t, err, expr)
		assert.Equal(t, want, got, expr)
	}
}
