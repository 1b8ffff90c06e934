package jsonata

import (
	"context"
	"testing"
	"time"
)

// FuzzCompileEval checks that no expression makes Compile or Eval panic or hang.
func FuzzCompileEval(f *testing.F) {
	for _, seed := range []string{
		"$sum(Account.Order.Product.(Price * Quantity))",
		"Account.Order@$o.Product[Price > 30]{ $o.OrderID: %.OrderID }",
		"$map([1..5], function($v, $i){ $v * $i }) ~> $join(',')",
		`| Account.Order.Product | {"Total": Price * Quantity}, ["Description"] |`,
		`$formatNumber(1234.5, '#,##0.00') & $fromMillis(0, '[Y0001]-[M01]-[D01]')`,
		`$replace("abc", /b+/i, function($m){ $uppercase($m.match) })`,
		"**[$type($) = 'number']^(>$)#$i[$i < 3]",
	} {
		f.Add(seed)
	}
	input := map[string]any{
		"Account": map[string]any{"Order": []any{
			map[string]any{"OrderID": "o1", "Product": []any{map[string]any{"Price": 34.45, "Quantity": int64(2)}}},
			map[string]any{"OrderID": "o2", "Product": []any{map[string]any{"Price": 21.67, "Quantity": int64(1), "Description": nil}}},
		}},
	}
	var inputs []any
	for _, form := range hostForms {
		inputs = append(inputs, form.of(input))
	}
	f.Fuzz(func(t *testing.T, expr string) {
		e, err := Compile(expr)
		if err != nil {
			return
		}
		for _, in := range inputs {
			_, _, _ = e.Eval(context.Background(), in, &Options{Timeout: 200 * time.Millisecond, MaxDepth: 500})
		}
	})
}
