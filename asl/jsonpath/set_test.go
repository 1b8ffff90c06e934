package jsonpath

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/valuetest"
)

func TestSet(t *testing.T) {
	for _, tc := range []struct {
		name, doc, path, value, want string
	}{
		{"root replaces", `{"a": 1}`, "$", `"r"`, `"r"`},
		{"root replaces a scalar", `"s"`, "$", `[1]`, `[1]`},
		{"new key", `{"a": 1}`, "$.b", `2`, `{"a": 1, "b": 2}`},
		{"replace key", `{"a": 1}`, "$.a", `{"x": true}`, `{"a": {"x": true}}`},
		{"parents created", `{"a": 1}`, "$.b.c.d", `3`, `{"a": 1, "b": {"c": {"d": 3}}}`},
		{"into existing object", `{"strings": {"s": "x"}}`, "$.strings.lambdaresult", `"r"`,
			`{"strings": {"s": "x", "lambdaresult": "r"}}`},
		{"bracket names", `{}`, "$['a b']['c.d']", `1`, `{"a b": {"c.d": 1}}`},
		{"array element", `{"arr": [0, 1, 2]}`, "$.arr[1]", `"x"`, `{"arr": [0, "x", 2]}`},
		{"negative index", `{"arr": [0, 1, 2]}`, "$.arr[-1]", `"x"`, `{"arr": [0, 1, "x"]}`},
		{"into an element", `[{"a": 1}, {"id": 7}, {"c": 3}, 4]`, "$[1].payload", `{"subject_status": 1}`,
			`[{"a": 1}, {"id": 7, "payload": {"subject_status": 1}}, {"c": 3}, 4]`},
		{"null value", `{"a": 1}`, "$.a", `null`, `{"a": null}`},
		{"context root", `{"a": 1}`, "$$.b", `2`, `{"a": 1, "b": 2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseReference(tc.path)
			require.NoError(t, err)
			for _, f := range valuetest.Forms() {
				doc, v := f.In(js(t, tc.doc)), f.In(js(t, tc.value))
				before := compact(doc)
				got, err := p.Set(doc, v)
				require.NoError(t, err, f.Name)
				assert.Equal(t, js(t, tc.want), back(t, f, got), f.Name)
				assert.Equal(t, before, compact(doc), "%s: the input was changed", f.Name)
				got, size, err := p.SetSized(doc, len(before), v, measure)
				require.NoError(t, err, f.Name)
				assert.Equal(t, js(t, tc.want), back(t, f, got), f.Name)
				assert.Equal(t, len(compact(got)), size, "%s: the new document's size", f.Name)
				_, size, _ = p.SetSized(doc, -1, v, measure)
				assert.Equal(t, -1, size, "%s: from a size not known", f.Name)
			}
		})
	}
}

func TestSetErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, path, step, cause string
	}{
		{"string input", `"{\"a\":1}"`, "$.partitioned", "",
			`Unable to apply ReferencePath $.partitioned to input "{\"a\":1}"`},
		{"number input", `3`, "$.a", "", `Unable to apply ReferencePath $.a to input 3`},
		{"null input", `null`, "$.a.b", "", `Unable to apply ReferencePath $.a.b to input null`},
		{"name on an array", `[{"a": 1}]`, "$.catalogBuilderOutput", "catalogBuilderOutput",
			`Unable to apply step "catalogBuilderOutput" to input [{"a":1}]`},
		{"name on a string", `{"a": "s"}`, "$.a.b", "b", `Unable to apply step "b" to input {"a":"s"}`},
		{"name on null", `{"a": null}`, "$.a.b", "b", `Unable to apply step "b" to input {"a":null}`},
		{"index on an object", `{"a": {}}`, "$.a[0]", "[0]", `Unable to apply step "[0]" to input {"a":{}}`},
		{"index on a missing key", `{}`, "$.a[0]", "[0]", `Unable to apply step "[0]" to input {}`},
		{"index out of range", `{"a": [1]}`, "$.a[1]", "[1]", `Unable to apply step "[1]" to input {"a":[1]}`},
		{"deep failure", `{"a": [{"b": 1}]}`, "$.a[0].b.c", "c", `Unable to apply step "c" to input {"a":[{"b":1}]}`},
		{"index on the object input", `{"a": 1}`, "$[0]", "[0]", `Unable to apply step "[0]" to input {"a":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseReference(tc.path)
			require.NoError(t, err)
			for _, f := range valuetest.Forms() {
				doc := f.In(js(t, tc.doc))
				before := compact(doc)
				got, err := p.Set(doc, "v")
				assert.Nil(t, got, f.Name)
				var se *SetError
				require.ErrorAs(t, err, &se, f.Name)
				assert.Equal(t, tc.cause, se.Error(), f.Name)
				assert.Equal(t, tc.step, se.Step, f.Name)
				assert.Equal(t, tc.path, se.Path, f.Name)
				assert.Equal(t, before, compact(doc), "%s: the input was changed", f.Name)
			}
		})
	}
}

func TestSetOnlyReferencePaths(t *testing.T) {
	for _, s := range []string{"$.a[*]", "$..a", "$['a','b']", "$.a[?(@.b)]", "$.a.length()"} {
		p, err := Parse(s)
		require.NoError(t, err)
		for _, f := range valuetest.Forms() {
			_, err = p.Set(f.In(map[string]any{}), 1)
			assert.ErrorContains(t, err, "not a reference path", s)
		}
	}
}

// TestSetCopiesOnlyThePath checks that the result shares what it did not change, and that the copies
// along the path are new.
func TestSetCopiesOnlyThePath(t *testing.T) {
	shared := map[string]any{"big": []any{int64(1)}}
	doc := map[string]any{"keep": shared, "a": map[string]any{"b": int64(1)}}
	p, err := ParseReference("$.a.c")
	require.NoError(t, err)
	got, err := p.Set(doc, "v")
	require.NoError(t, err)
	out := got.(map[string]any)
	assert.Equal(t, reflect.ValueOf(shared).Pointer(), reflect.ValueOf(out["keep"]).Pointer())
	out["a"].(map[string]any)["b"] = int64(2)
	assert.Equal(t, int64(1), doc["a"].(map[string]any)["b"])
}

// missing stands for a key a path creates.
type missing struct{}

func measure(v any) int { return value.Size(v, math.MaxInt) }

// TestSetSizedProperty: the size SetSized works out is the new document's, on random documents and
// paths (members replaced, members and objects created, elements replaced), and measures only the value
// and what it replaces.
func TestSetSizedProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	docs := []string{`{}`, `{"a":1}`, `{"a":{"b":[1,{"c":"x\\n"}],"d":null},"e":"é"}`, `[{"a":[[],{}]},2]`,
		`{"list":[{"id":1,"tags":["p","q"]},{"id":2}],"meta":{"n":2,"s":{"t":true}}}`}
	values := []string{`null`, `0`, `-12.5`, `"s\"t"`, `[]`, `{}`, `{"k":[1,2,{"z":"日本"}]}`}
	for range 2000 {
		doc := js(t, docs[r.IntN(len(docs))])
		path, node := "$", doc
		for r.IntN(4) != 0 {
			switch x := node.(type) {
			case map[string]any:
				if len(x) > 0 && r.IntN(3) != 0 {
					keys := slices.Sorted(maps.Keys(x))
					k := keys[r.IntN(len(keys))]
					path, node = path+"['"+k+"']", x[k]
					continue
				}
				path, node = path+fmt.Sprintf(".new%d", r.IntN(3)), missing{}
				continue
			case []any:
				if len(x) == 0 {
					break
				}
				i := r.IntN(len(x))
				if r.IntN(2) == 0 {
					path += fmt.Sprintf("[%d]", i)
				} else {
					path += fmt.Sprintf("[%d]", i-len(x))
				}
				node = x[i]
				continue
			case missing:
				path += fmt.Sprintf(".new%d", r.IntN(3))
				continue
			}
			break
		}
		p, err := ParseReference(path)
		require.NoError(t, err, path)
		v := js(t, values[r.IntN(len(values))])
		want, err := p.Set(doc, v)
		if err != nil {
			continue
		}
		for _, f := range valuetest.Forms() {
			doc, v := f.In(doc), f.In(v)
			var measured []any
			got, size, err := p.SetSized(doc, len(compact(doc)), v, func(x any) int {
				measured = append(measured, x)
				return measure(x)
			})
			require.NoError(t, err, f.Name)
			require.Equal(t, want, back(t, f, got), f.Name)
			require.Equal(t, len(compact(got)), size, "%s: %s into %s at %s", f.Name, compact(v), compact(doc), path)
			require.LessOrEqual(t, len(measured), 2, f.Name)
		}
	}
}
