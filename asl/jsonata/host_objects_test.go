package jsonata

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostForms are the forms a host gives JSON objects in: map[string]any, and *value.Object (value.Compact
// makes every map of a value one). The tests whose input is a host value run in both.
var hostForms = []struct {
	name string
	of   func(any) any
}{
	{"map", func(v any) any { return v }},
	{"Object", value.Compact},
}

// BenchmarkHostObjects reads a host document in both forms: field steps, a rendering and a descent, which
// visit every member.
func BenchmarkHostObjects(b *testing.B) {
	for _, form := range hostForms {
		input := form.of(accountInput(b))
		for _, expr := range []string{"$sum(Account.Order.Product.(Price * Quantity))", "$string($)", "$count(**)"} {
			e, err := Compile(expr)
			require.NoError(b, err)
			b.Run(form.name+"/"+expr, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := e.Eval(context.Background(), input, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// hostDocument is a host's input: o has array-index keys, which JavaScript lists first, in numeric order.
func hostDocument() map[string]any {
	return map[string]any{
		"o":     map[string]any{"b": int64(1), "10": int64(2), "9": int64(3), "a": int64(4), "01": int64(5), "1": int64(6), "-1": int64(7)},
		"list":  []any{map[string]any{"id": int64(2), "name": "x"}, map[string]any{"id": int64(1), "name": "y", "sub": map[string]any{"name": "z"}}},
		"empty": map[string]any{},
		"fmt":   map[string]any{"decimal-separator": ",", "grouping-separator": "."},
	}
}

// TestHostObjects reads a host's objects, as maps and as *value.Object, in every way an expression can:
// both forms give the same results, members in the same (JavaScript) order.
func TestHostObjects(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`$keys(o)`, `["1","9","10","-1","01","a","b"]`},
		{`$string(o)`, `"{\"1\":6,\"9\":3,\"10\":2,\"-1\":7,\"01\":5,\"a\":4,\"b\":1}"`},
		{`o.*`, `[6,3,2,7,5,4,1]`},
		{`$each(o, function($v, $k) { $k & "=" & $v })`, `["1=6","9=3","10=2","-1=7","01=5","a=4","b=1"]`},
		{`$spread(o).$keys()`, `["1","9","10","-1","01","a","b"]`},
		{`$keys($sift(o, function($v) { $v > 4 }))`, `["1","-1","01"]`},
		{`$merge([o, {"b": 0}]).b`, `0`},
		{`[o.a, o.` + "`10`" + `, $lookup(o, "b"), o.missing]`, `[4,2,1]`},
		{`list.name`, `["x","y"]`},
		{`list[name = "y"].sub.name`, `"z"`},
		{`list^(id).name`, `["y","x"]`},
		{`list{name: id}`, `{"x":2,"y":1}`},
		{`**.name`, `["x","y","z"]`},
		{`[$count(*), $count(**)]`, `[5,21]`},
		{`[$type(o), $type(empty)]`, `["object","object"]`},
		{`[$boolean(o), $boolean(empty), $exists(empty)]`, `[true,false,true]`},
		{`[o = $clone(o), list[1] = list[1], o = {"b": 1}, empty = {}]`, `[true,true,false,true]`},
		{`[o in [list, o], o in [$clone(o)]]`, `[true,false]`},
		{`$count($distinct([o, $clone(o), empty]))`, `2`},
		{`o ~> | $ | {"z": 0}, ["b", "10"] | ~> $keys`, `["1","9","-1","01","a","z"]`},
		{`$ ~> | list | {"seen": true} | ~> $map(function($v) { $v.list.seen })`, `[true,true]`},
		{`$formatNumber(1234.5, "#.##0,0", fmt)`, `"1.234,5"`},
		{`(list[1] ~> | sub | $$.o |).sub ~> $keys`, `["1","9","10","name","-1","01","a","b"]`},
	}
	for _, tc := range cases {
		e, err := Compile(tc.expr)
		require.NoError(t, err, tc.expr)
		for _, form := range hostForms {
			v, defined, err := e.Eval(context.Background(), form.of(hostDocument()), nil)
			require.NoError(t, err, tc.expr)
			require.True(t, defined, tc.expr)
			got, err := json.Marshal(value.Plain(v))
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(got), "%s of %s", tc.expr, form.name)
		}
	}
}

// TestHostObjectsHandedOn: a host's object comes out of an evaluation as the very same value, alone or
// in an array or object the expression builds.
func TestHostObjectsHandedOn(t *testing.T) {
	for _, form := range hostForms {
		doc := form.of(hostDocument())
		o, _ := value.Field(doc, "o")
		for expr, pick := range map[string]func(any) any{
			`$`:        func(v any) any { return v },
			`o`:        func(v any) any { return v },
			`[1, o]`:   func(v any) any { return v.([]any)[1] },
			`{"k": o}`: func(v any) any { k, _ := value.Field(v, "k"); return k },
		} {
			e, err := Compile(expr)
			require.NoError(t, err)
			v, _, err := e.Eval(context.Background(), doc, nil)
			require.NoError(t, err)
			want := o
			if expr == `$` {
				want = doc
			}
			assert.True(t, strictEqual(pick(v), want), "%s of %s", expr, form.name)
		}
	}
}

// TestHostFunctionObjectCharged: an object a host function returns counts against the memory budget.
func TestHostFunctionObjectCharged(t *testing.T) {
	big := map[string]any{}
	for i := range 1000 {
		big[strconv.Itoa(i)] = "12345678" // about 75 KB as the budget counts it
	}
	e, err := Compile("$f()")
	require.NoError(t, err)
	for _, form := range hostForms {
		result := form.of(big)
		f := Function{Call: func(context.Context, []any) (any, error) { return result, nil }}
		_, _, err := e.Eval(context.Background(), nil, &Options{MaxBytes: 50_000, Bindings: map[string]any{"f": f}})
		var je *Error
		require.ErrorAs(t, err, &je, form.name)
		assert.Equal(t, "U1002", je.Code, form.name)
		v, _, err := e.Eval(context.Background(), nil, &Options{MaxBytes: 100_000, Bindings: map[string]any{"f": f}})
		require.NoError(t, err, form.name)
		assert.True(t, strictEqual(v, result), form.name)
	}
}

// TestHostObjectsAllocs: reading a *value.Object allocates no more than reading a map, on the fast
// paths as well (a path of fields of a variable): its fields are found in place, and its members visited
// without listing its keys.
func TestHostObjectsAllocs(t *testing.T) {
	doc := map[string]any{"a": map[string]any{"b": []any{int64(1), "x"}, "c": "y", "d": map[string]any{"e": true}}}
	for _, expr := range []string{`$v.a.b`, `a.b`, `$keys(a)`, `$string(a)`, `a.*`, `**`, `$v.a ~> $each(function($x) { $x })`} {
		e, err := Compile(expr)
		require.NoError(t, err)
		allocs := map[string]float64{}
		for _, form := range hostForms {
			in := form.of(doc)
			opts := &Options{Bindings: map[string]any{"v": in}}
			allocs[form.name] = testing.AllocsPerRun(20, func() { _, _, _ = e.Eval(context.Background(), in, opts) })
		}
		assert.LessOrEqual(t, allocs["Object"], allocs["map"], expr)
	}
}
