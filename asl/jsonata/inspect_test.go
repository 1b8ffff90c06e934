package jsonata

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// names renders Names as "name@position".
func names(ns []Name) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, fmt.Sprintf("%s@%d", n.Name, n.Position))
	}
	return out
}

func TestFreeVariables(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{"$x", []string{"x@0"}},
		{"$ + $$ + $sum([1])", []string{}},
		{"$a.b[$c > 1] & $a", []string{"a@0", "c@5"}},
		{"( $y := $x + 1; $y * $z )", []string{"x@8", "z@21"}},
		{"$y + ( $y := 1 )", []string{"y@0"}},
		{"function($v, $w) { $v + $w + $k }(1, 2)", []string{"k@29"}},
		{"( $f := function() { $later }; $later := 1; $f() )", []string{}},
		{"$states.input.items@$i#$n[$n > $limit].($i)", []string{"states@0", "limit@31"}},
		{"( $sum := 1; $uuid() & $sum )", []string{"uuid@13"}},
		{"$map($xs, function($v) { $v.price })", []string{"xs@5"}},
		{"$states.input ~> | a | { 'b': $val } |", []string{"states@0", "val@30"}},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := Compile(tc.expr)
			require.NoError(t, err)
			assert.Equal(t, tc.want, names(e.FreeVariables()))
		})
	}
}

func TestFieldsOf(t *testing.T) {
	for _, tc := range []struct {
		expr   string
		fields []string
		whole  bool
	}{
		{"$states.input.a + $states.input.b", []string{"input"}, false},
		{"$states.input[0] & $states.result.x", []string{"input", "result"}, false},
		{"$states.context.Execution.Id", []string{"context"}, false},
		{"$states", nil, true},
		{"$keys($states)", nil, true},
		{"$states.*", nil, true},
		{"$states[0].input", nil, true},
		{"$states.(input)", nil, true},
		{"$other.context & $states.input", []string{"input"}, false},
		{"( $states := {'input': 1}; $states.context )", nil, false},
		{"$map([1], function($v) { $states.errorOutput })", []string{"errorOutput"}, false},
		{"$states.input.items[$states.context.Map.Item.Index > 1]", []string{"input", "context"}, false},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := Compile(tc.expr)
			require.NoError(t, err)
			fields, whole := e.FieldsOf("states")
			assert.Equal(t, tc.fields, fields)
			assert.Equal(t, tc.whole, whole)
		})
	}
}

func TestTopLevelNames(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{"phone.number", []string{"phone@0"}},
		{"$count(items)", []string{"items@7"}},
		{"`first name` & x", []string{"first name@0", "x@15"}},
		{"{ 'k': v }", []string{"v@7"}},
		{"$states.input.items[price > 1]{ type: $sum(qty) }^(>name)", []string{}},
		{"$states.input ~> | a | { 'b': c } |", []string{}},
		{"function($v) { total }", []string{"total@15"}},
		{"[1..3].(value)", []string{}},
		{"and or in", []string{"and@0", "in@7"}},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := Compile(tc.expr)
			require.NoError(t, err)
			assert.Equal(t, tc.want, names(e.TopLevelNames()))
		})
	}
}

// TestInspectReferenceCases walks every expression of jsonata-js's conformance suite: no panic, and each
// name is written where its position says.
func TestInspectReferenceCases(t *testing.T) {
	for _, c := range loadSuite(t) {
		var src string
		if json.Unmarshal(c.raw["expr"], &src) != nil {
			continue
		}
		e, err := Compile(src)
		if err != nil {
			continue
		}
		for _, v := range e.FreeVariables() {
			assert.True(t, strings.HasPrefix(src[v.Position:], "$"+v.Name), "%s: %q at %d", c.name, v.Name, v.Position)
		}
		for _, n := range e.TopLevelNames() {
			rest := strings.TrimLeft(src[n.Position:], "`\"'")
			assert.True(t, strings.HasPrefix(rest, n.Name), "%s: %q at %d", c.name, n.Name, n.Position)
		}
	}
}
