package jsonata

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryBombsFailFast(t *testing.T) {
	cases := []struct {
		name, expr, code string
		timeout          time.Duration
	}{
		{"nested ranges", `$count([1..10000000].[1..10000000])`, "U1002", 0},
		{"string doubling by reduce", `$reduce([1..40], function($acc, $i) { $acc & $acc }, "ab")`, "U1002", 0},
		{"string doubling by recursion", `($f := function($s, $n) { $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("x", 40)))`, "U1002", 0},
		{"pad then split", `$count($split($pad("", 10000000, "ab"), ""))`, "U1002", 0},
		{"join of a huge array", `$join([1..10000000].$string(), ",")`, "U1002", 0},
		{"shared arrays rendered", `($a := ["xxxxxxxxxxxxxxxx"]; $b := [[$a,$a,$a,$a]]; $c := [[$b,$b,$b,$b]]; $d := [[$c,$c,$c,$c]];
			$e := [[$d,$d,$d,$d]]; $f := [[$e,$e,$e,$e]]; $g := [[$f,$f,$f,$f]]; $h := [[$g,$g,$g,$g]]; $i := [[$h,$h,$h,$h]];
			$j := [[$i,$i,$i,$i]]; $k := [[$j,$j,$j,$j]]; $l := [[$k,$k,$k,$k]]; $m := [[$l,$l,$l,$l]]; $string($m))`, "U1002", 0},
		{"shared arrays returned", `($a := ["xxxxxxxxxxxxxxxx"]; $b := [[$a,$a,$a,$a]]; $c := [[$b,$b,$b,$b]]; $d := [[$c,$c,$c,$c]];
			$e := [[$d,$d,$d,$d]]; $f := [[$e,$e,$e,$e]]; $g := [[$f,$f,$f,$f]]; $h := [[$g,$g,$g,$g]]; $i := [[$h,$h,$h,$h]];
			$j := [[$i,$i,$i,$i]]; $k := [[$j,$j,$j,$j]]; $l := [[$k,$k,$k,$k]]; $m := [[$l,$l,$l,$l]]; $m)`, "U1002", 0},
		{"replace growth", `$replace($pad("", 100000, "a"), "a", $pad("", 100000, "b"))`, "U1002", 0},
		// no memory to speak of, but quadratic: the time limit must reach inside $distinct
		{"quadratic builtin", `$distinct([1..1000000])`, "U1001", time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Compile(tc.expr)
			require.NoError(t, err)
			if tc.timeout == 0 {
				tc.timeout = 10 * time.Second
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, _, err = e.Eval(context.Background(), nil, &Options{Timeout: tc.timeout})
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)

			var je *Error
			require.ErrorAs(t, err, &je)
			assert.Equal(t, tc.code, je.Code, je.Message)
			assert.Less(t, elapsed, tc.timeout+5*time.Second, "stopped by its time limit, with room for a loaded machine")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(600<<20), "allocated during the attempt")
		})
	}
}

func TestMemoryBudgetMessage(t *testing.T) {
	e, err := Compile(`$pad("", 1000, "x")`)
	require.NoError(t, err)
	_, _, err = e.Eval(context.Background(), nil, &Options{MaxBytes: 1000})
	require.EqualError(t, err, "U1002: Expression evaluation exceeded its memory budget of 1000 bytes: check for values that grow without bound")

	v, ok, err := e.Eval(context.Background(), nil, &Options{MaxBytes: 4000})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Len(t, v, 1000)
}

func TestMemoryBudgetKeepsLegitimateExpressions(t *testing.T) {
	items := make([]any, 10000)
	for i := range items {
		items[i] = map[string]any{"id": int64(i), "name": "item", "tags": []any{"a", "b"}}
	}
	cases := []struct{ name, expr string }{
		{"grouping", `$count($keys(items{$string(id % 100): name}))`},
		{"map and join", `$length($join(items.$string(id), ","))`},
		{"sort", `$count($sort(items, function($a, $b) { $a.id < $b.id }))`},
		{"append in a loop", `$count($reduce([1..2000], function($acc, $i) { $append($acc, $i) }, []))`},
		{"spread", `$count($spread(items[[0..999]]))`},
		{"big range", `$count([1..10000000])`},
	}
	for _, form := range hostForms {
		input := form.of(map[string]any{"items": items})
		for _, tc := range cases {
			t.Run(form.name+"/"+tc.name, func(t *testing.T) {
				e, err := Compile(tc.expr)
				require.NoError(t, err)
				_, ok, err := e.Eval(context.Background(), input, nil)
				require.NoError(t, err)
				assert.True(t, ok)
			})
		}
	}
}

// TestClockReadWhenAsked: an evaluation reads the host's clock once, the first time an expression asks
// for the time, and never when it does not ask; every call sees that one time.
func TestClockReadWhenAsked(t *testing.T) {
	for expr, reads := range map[string]int{`1 + 2`: 0, `[$now(), $millis(), $now()]`: 1, `$fromMillis($millis())`: 1} {
		calls := 0
		now := func() time.Time { calls++; return time.UnixMilli(int64(1000 * calls)).UTC() }
		e, err := Compile(expr)
		require.NoError(t, err)
		v, _, err := e.Eval(context.Background(), nil, &Options{Now: now, Timeout: time.Second})
		require.NoError(t, err)
		assert.Equal(t, reads, calls, expr)
		if list, ok := v.([]any); ok {
			assert.Equal(t, list[0], list[2], "one time for the evaluation")
			assert.Equal(t, int64(1000), list[1])
		}
	}
}

// TestScratchReused: evaluations that share a Scratch, one after another, give what evaluations of their
// own give, also after one that failed (its budget, depth and error are not carried over), and allocate
// less.
func TestScratchReused(t *testing.T) {
	doc := map[string]any{"a": []any{int64(1), int64(2), int64(3)}, "o": map[string]any{"k": "v"}}
	exprs := []string{
		`$sum(a)`, `a[$ > 1]`, `($f := function($x) { $x * 2 }; a.$f($))`, `$count(**)`,
		`$string(o)`, `[1..5000000]`, `{"n": $count(a), "k": o.k}`, `$undefined.x`, `$error("boom")`,
		`a ~> $map(function($v, $i) { $v + $i })`, `o.k & "!"`, `$reduce(a, function($x, $y) { $x + $y })`,
	}
	var scratch Scratch
	for round := range 2 {
		for _, src := range exprs {
			e, err := Compile(src)
			require.NoError(t, err)
			opts := &Options{MaxBytes: 1 << 20, Timeout: time.Second}
			want, wantDefined, wantErr := e.Eval(context.Background(), doc, opts)
			opts.Scratch = &scratch
			got, gotDefined, gotErr := e.Eval(context.Background(), doc, opts)
			assert.Equal(t, want, got, "%s, round %d", src, round)
			assert.Equal(t, wantDefined, gotDefined, src)
			assert.Equal(t, wantErr, gotErr, src)
		}
	}
	e, err := Compile(`$sum(a)`)
	require.NoError(t, err)
	fresh := testing.AllocsPerRun(50, func() { _, _, _ = e.Eval(context.Background(), doc, &Options{}) })
	reused := testing.AllocsPerRun(50, func() { _, _, _ = e.Eval(context.Background(), doc, &Options{Scratch: &scratch}) })
	assert.Less(t, reused, fresh)
}
