package examples

// 001 Order Processing (d-lazenby/order-processing-workflow @ e7e75f7): the Python 3.12 functions of
// lambda/*.py. The originals draw random numbers; here each draw is replaced by an x-test-* hint that the
// inputs carry through the workflow (handlers.md, "Deterministic testing"), and by the likely outcome
// when the hint is absent:
//   - paymentDetails["x-test-paymentVerified"] (bool, default true): what PaymentVerifier returns;
//   - items[i]["x-test-quantityInStock"] (integer, default 5): the stock ItemsInStockRetriever reports;
//   - paymentDetails["x-test-chargeError"] (bool, default false): chargePaymentMethod raises PaymentError.

import (
	"context"
	"fmt"
	"math"

	"github.com/aslrun/aslrun/resources"
)

func init() {
	pure("orderprocessing/PaymentVerifier", paymentVerifier)
	pure("orderprocessing/ItemsInStockRetriever", itemsInStockRetriever)
	pure("orderprocessing/chargePaymentMethod", chargePaymentMethod)
}

// paymentVerifier returns {"paymentVerified": bool}; the original is false one time in four.
func paymentVerifier(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
	verified, err := boolHint(field(call.Input, "paymentDetails"), "x-test-paymentVerified", true, "payment_verifier")
	if err != nil {
		return nil, err
	}
	return map[string]any{"paymentVerified": verified}, nil
}

// itemsInStockRetriever returns the items of {"items": [...]} with their quantityInStock added; the
// original draws it from 0 to 9, 0 meaning out of stock.
func itemsInStockRetriever(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
	const fn = "items_in_stock_retriever"
	event, ok := call.Input.(map[string]any)
	if !ok {
		return nil, pythonError("TypeError", fmt.Sprintf("%s indices must be integers or slices, not str", pythonType(call.Input)), fn)
	}
	raw, ok := event["items"]
	if !ok {
		return nil, pythonError("KeyError", "'items'", fn)
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, pythonError("TypeError", fmt.Sprintf("'%s' object is not iterable", pythonType(raw)), fn)
	}
	out := make([]any, len(items))
	for i, e := range items {
		it, ok := e.(map[string]any)
		if !ok {
			return nil, pythonError("TypeError", fmt.Sprintf("'%s' object does not support item assignment", pythonType(e)), fn)
		}
		stock := int64(5)
		if h, ok := it["x-test-quantityInStock"]; ok {
			n, isInt := integer(h)
			if !isInt {
				return nil, pythonError("ValueError", fmt.Sprintf("x-test-quantityInStock of item %d must be an integer", i), fn)
			}
			stock = n
		}
		copied := make(map[string]any, len(it)+1)
		for k, v := range it {
			copied[k] = v
		}
		copied["quantityInStock"] = stock
		out[i] = copied
	}
	return out, nil
}

// chargePaymentMethod returns {"paymentResult": "SUCCESS"} or raises PaymentError; the original raises
// it one time in four.
func chargePaymentMethod(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
	const fn = "charge_payment_method"
	fail, err := boolHint(field(call.Input, "paymentDetails"), "x-test-chargeError", false, fn)
	if err != nil {
		return nil, err
	}
	if fail {
		return nil, pythonError("PaymentError", "Failed to process payment", fn)
	}
	return map[string]any{"paymentResult": "SUCCESS"}, nil
}

// boolHint reads a boolean hint of an object; a hint of another type is the test author's mistake and
// fails the function.
func boolHint(obj any, name string, fallback bool, fn string) (bool, error) {
	v := field(obj, name)
	switch t := v.(type) {
	case undefined:
		return fallback, nil
	case bool:
		return t, nil
	}
	return false, pythonError("ValueError", name+" must be a boolean", fn)
}

// integer reads a JSON integer.
func integer(v any) (int64, bool) {
	switch t := v.(type) {
	case int64:
		return t, true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return int64(t), true
		}
	}
	return 0, false
}

// pythonType is the name of the Python type json.loads gives for a JSON value.
func pythonType(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	}
	return "object"
}
