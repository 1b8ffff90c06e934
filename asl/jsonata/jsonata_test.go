package jsonata

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func accountInput(tb testing.TB) any {
	data, err := os.ReadFile(suiteDir + "/datasets/dataset5.json")
	require.NoError(tb, err)
	v, err := oj.ParseString(string(data))
	require.NoError(tb, err)
	return v
}

func BenchmarkAccountSum(b *testing.B) {
	e, err := Compile("$sum(Account.Order.Product.(Price * Quantity))")
	require.NoError(b, err)
	input := accountInput(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := e.Eval(ctx, input, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAccountSum(t *testing.T) {
	e, err := Compile("$sum(Account.Order.Product.(Price * Quantity))")
	require.NoError(t, err)
	for _, form := range hostForms {
		v, defined, err := e.Eval(context.Background(), form.of(accountInput(t)), nil)
		require.NoError(t, err, form.name)
		assert.True(t, defined, form.name)
		assert.InDelta(t, 336.36, v, 1e-9, form.name)
	}
	assert.Equal(t, "$sum(Account.Order.Product.(Price * Quantity))", e.String())
}

// TestConcurrentEval evaluates one compiled expression from many goroutines (run with -race).
func TestConcurrentEval(t *testing.T) {
	e, err := Compile(`Account.Order@$o.Product{ $o.OrderID: $sum(Price * Quantity) } ~> $each(function($v, $k){ $k & '=' & $string($v) })`)
	require.NoError(t, err)
	for _, form := range hostForms {
		input := form.of(accountInput(t))
		want, _, err := e.Eval(context.Background(), input, nil)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for range 50 {
					got, _, err := e.Eval(context.Background(), input, nil)
					assert.NoError(t, err)
					assert.Equal(t, want, got)
				}
			})
		}
		wg.Wait()
	}
}

func TestEvalValues(t *testing.T) {
	for expr, want := range map[string]string{
		`{"a": 1, "b": [1.5, null, "x"], "c": true}`: `{"a":1,"b":[1.5,null,"x"],"c":true}`,
		`null`:          `null`,
		`$.n + 1`:       `3`,
		`$keys($)`:      `["l","n"]`,
		`$.l[1]`:        `null`,
		`$count($.l)`:   `3`,
		`$string($.l)`:  `"[1,null,2]"`,
		`$type($.l[1])`: `"null"`,
	} {
		e, err := Compile(expr)
		require.NoError(t, err, expr)
		for _, form := range hostForms {
			v, defined, err := e.Eval(context.Background(), form.of(map[string]any{"n": int64(2), "l": []any{int64(1), nil, json.Number("2")}}), nil)
			require.NoError(t, err, expr)
			require.True(t, defined, expr)
			got, err := json.Marshal(value.Plain(v))
			require.NoError(t, err)
			assert.JSONEq(t, want, string(got), "%s of %s", expr, form.name)
		}
	}
	e, _ := Compile("$.missing")
	for _, form := range hostForms {
		_, defined, err := e.Eval(context.Background(), form.of(map[string]any{}), nil)
		require.NoError(t, err)
		assert.False(t, defined, form.name)
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	_, err := Compile("Account.(Order")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "S0203", e.Code)
	assert.Equal(t, 14, e.Position)
	assert.Contains(t, e.Error(), "S0203")
}

func TestLimits(t *testing.T) {
	loop, err := Compile("( $f := function($n){ $n = 0 ? 0 : 1 + $f($n) }; $f(1) )")
	require.NoError(t, err)
	_, _, err = loop.Eval(context.Background(), nil, nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "U1001", e.Code, "the default depth limit stops runaway recursion")

	spin, err := Compile("( $f := function($n){ $f($n + 1) }; $f(0) )")
	require.NoError(t, err)
	start := time.Now()
	_, _, err = spin.Eval(context.Background(), nil, &Options{Timeout: 50 * time.Millisecond})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "U1001", e.Code)
	assert.Less(t, time.Since(start), 10*time.Second, "stopped by its time limit, with room for a loaded machine")

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, _, err = spin.Eval(ctx, nil, nil)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "U1001", e.Code)
}

func TestBindingsAndDisabled(t *testing.T) {
	double := Function{Signature: "<n:n>", Call: func(_ context.Context, args []any) (any, error) {
		return args[0].(int64) * 2, nil
	}}
	e, err := Compile("$double($x) + $y.z")
	require.NoError(t, err)
	v, _, err := e.Eval(context.Background(), nil, &Options{Bindings: map[string]any{"double": double, "x": 4, "y": map[string]any{"z": 1.5}}})
	require.NoError(t, err)
	assert.Equal(t, 9.5, v)

	ev, err := Compile("$eval('1 + 1')")
	require.NoError(t, err)
	v, _, err = ev.Eval(context.Background(), nil, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)
	_, _, err = ev.Eval(context.Background(), nil, &Options{Disabled: []string{"$eval"}})
	var je *Error
	require.ErrorAs(t, err, &je)
	assert.Equal(t, "T1006", je.Code)

	// Lookup finds what Bindings does not hold, once per evaluation, values as Bindings' are.
	reads := map[string]int{}
	lookup := func(name string) (any, bool) {
		reads[name]++
		switch name {
		case "x":
			return 7, true // Bindings' x stands
		case "y":
			return map[string]any{"z": int64(2)}, true
		case "double":
			return double, true
		}
		return nil, false
	}
	e, err = Compile("$double($x) + $y.z + $y.z + ($exists($nope) ? 1 : 0)")
	require.NoError(t, err)
	v, _, err = e.Eval(context.Background(), nil, &Options{Bindings: map[string]any{"x": 4}, Host: hostFuncs{lookup: lookup}})
	require.NoError(t, err)
	assert.Equal(t, int64(12), v)
	assert.Equal(t, map[string]int{"double": 1, "y": 1, "nope": 1, "exists": 1}, reads, "asked before the built-ins, as Bindings are")

	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	n, err := Compile("$now()")
	require.NoError(t, err)
	v, _, err = n.Eval(context.Background(), nil, &Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	assert.Equal(t, "2024-05-06T07:08:09.000Z", v)
}

func TestStepFunctions(t *testing.T) {
	opts := &Options{Bindings: StepFunctions(), Disabled: []string{"eval"}}
	for expr, want := range map[string]string{
		`$partition([1,2,3,4,5,6,7,8,9], 4)`:          `[[1,2,3,4],[5,6,7,8],[9]]`,
		`$range(0, 10, 2)`:                            `[0,2,4,6,8,10]`,
		`$range(5, 1, -2)`:                            `[5,3,1]`,
		`$hash('abc', 'SHA-256')`:                     `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`,
		`$hash('a', 'MD5')`:                           `"0cc175b9c0f1b6a831c399e269772661"`,
		`$random(42) = $random(42)`:                   `true`,
		`$parse('{"a":[1,{"b":null}]}').a[1]`:         `{"b":null}`,
		`$length($uuid())`:                            `36`,
		`$parse('[1,2]') ~> $map(function($v){$v*2})`: `[2,4]`,
	} {
		e, err := Compile(expr)
		require.NoError(t, err, expr)
		v, _, err := e.Eval(context.Background(), nil, opts)
		require.NoError(t, err, expr)
		got, _ := json.Marshal(v)
		assert.JSONEq(t, want, string(got), expr)
	}
	for _, expr := range []string{`$partition([1], 0)`, `$range(1, 2, 0)`, `$hash('a', 'SHA-3')`, `$parse('{')`, `$range(1, 5000)`} {
		e, err := Compile(expr)
		require.NoError(t, err, expr)
		_, _, err = e.Eval(context.Background(), nil, opts)
		assert.Error(t, err, expr)
	}
}

// TestFieldsOfVariable: a path of fields of a variable, which the evaluator looks up directly where the
// values allow it, gives what the general path gives ($v in parentheses takes the general path), for
// objects (in both host forms), arrays and nulls at every step.
func TestFieldsOfVariable(t *testing.T) {
	values := []any{
		nil, int64(3), "s",
		map[string]any{"a": map[string]any{"b": int64(1), "c": nil, "d": []any{int64(1)}, "e": []any{int64(1), int64(2)}}},
		map[string]any{"a": []any{map[string]any{"b": int64(1)}, map[string]any{"b": int64(2)}}},
		map[string]any{"a": []any{map[string]any{"b": []any{int64(5)}}}},
		map[string]any{"a": map[string]any{"b": map[string]any{"c": []any{}}}},
		map[string]any{"a": []any{[]any{int64(1), int64(2)}, []any{int64(3)}}},
		[]any{map[string]any{"a": map[string]any{"b": int64(7)}}},
	}
	for _, form := range hostForms[1:] {
		values = append(values, form.of(values).([]any)...)
	}
	for _, path := range []string{".a", ".a.b", ".a.c", ".a.d", ".a.e", ".a.b.c", ".missing.b"} {
		fast, err := Compile("$v" + path)
		require.NoError(t, err)
		general, err := Compile("($v)" + path)
		require.NoError(t, err)
		for _, v := range values {
			bound := &Options{Bindings: map[string]any{"v": v}}
			want, wantDefined, err := general.Eval(context.Background(), nil, bound)
			require.NoError(t, err)
			// The same from Bindings, and from a host that serves the first fields of the path itself
			// (LookupPath), as many as it can, or none.
			for _, opts := range []*Options{bound, hostServing(v, 0), hostServing(v, 1), hostServing(v, 9)} {
				got, gotDefined, err := fast.Eval(context.Background(), nil, opts)
				require.NoError(t, err)
				assert.Equal(t, want, got, "$v%s of %v", path, v)
				assert.Equal(t, wantDefined, gotDefined, "$v%s of %v", path, v)
			}
		}
	}
}

// hostFuncs is a Host of two functions; a nil lookupPath serves no path.
type hostFuncs struct {
	lookup     func(name string) (any, bool)
	lookupPath func(name string, fields []string) (any, int, bool)
}

func (h hostFuncs) Lookup(name string) (any, bool) { return h.lookup(name) }

func (h hostFuncs) LookupPath(name string, fields []string) (any, int, bool) {
	if h.lookupPath == nil {
		return nil, 0, false
	}
	return h.lookupPath(name, fields)
}

// hostServing is a host whose variable $v is v, which serves up to most fields of a path of $v through
// LookupPath, where they lead through objects, and $v itself through Lookup.
func hostServing(v any, most int) *Options {
	lookup := func(name string) (any, bool) { return v, name == "v" }
	return &Options{Host: hostFuncs{lookup: lookup, lookupPath: func(name string, fields []string) (any, int, bool) {
		if name != "v" {
			return nil, 0, false
		}
		at, used := v, 0
		for _, f := range fields[:min(most, len(fields))] {
			if !value.IsObject(at) {
				break
			}
			var ok bool
			if at, ok = value.Field(at, f); !ok {
				return nil, 0, false // absent: left to the evaluation
			}
			used++
		}
		return at, used, true
	}}}
}

// TestHostArrayHandedOn: a host's array of objects (in either form) or strings comes out of an evaluation
// as the same array (the host then knows it, and its size), while one whose items need converting comes
// out new.
func TestHostArrayHandedOn(t *testing.T) {
	e, err := Compile("$v")
	require.NoError(t, err)
	for _, form := range hostForms {
		records := form.of([]any{map[string]any{"a": int64(1)}, "s", map[string]any{}}).([]any)
		v, _, err := e.Eval(context.Background(), nil, &Options{Bindings: map[string]any{"v": records}})
		require.NoError(t, err)
		out := v.([]any)
		assert.Same(t, &records[0], &out[0], "the same array of %s", form.name)
	}
	numbers := []any{int64(1), 2.5, nil}
	v, _, err := e.Eval(context.Background(), nil, &Options{Bindings: map[string]any{"v": numbers}})
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1), 2.5, nil}, v)
}
