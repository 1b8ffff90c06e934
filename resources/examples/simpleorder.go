package examples

// 002 Simple Order Flow (dev.to, "AWS Step Functions - Simple Order Flow"): the article's eight Node.js 14
// functions. None throws, writes anything or draws a random number. The definition invokes them through
// lambda:invoke without a FunctionName, so the sidecar binds them by state name.

import (
	"context"

	"github.com/aslrun/aslrun/resources"
)

func init() {
	constant := func(result map[string]any) func(context.Context, *resources.Env, *resources.Call) (any, error) {
		return func(context.Context, *resources.Env, *resources.Call) (any, error) { return result, nil }
	}
	// checkInventory compares bookId with == to a number, so "343222" matches as well as 343222.
	pure("simpleorder/checkInventory", func(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
		if looseEquals(field(call.Input, "bookId"), 343222) {
			return map[string]any{"ItemStock": int64(20)}, nil
		}
		return map[string]any{"ItemStock": int64(0)}, nil
	})
	pure("simpleorder/OrderToPrint", constant(map[string]any{"TotalValue": int64(500)}))
	pure("simpleorder/checkFurtherDiscountEligibility", func(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
		if toNumber(field(call.Input, "TotalValue")) > 400 {
			return map[string]any{"Discount": int64(20)}, nil
		}
		return map[string]any{"Discount": int64(10)}, nil
	})
	// generateDiscountCode's threshold is strict, so the Discount of 20 this workflow can produce still
	// gets Hello10.
	pure("simpleorder/generateDiscountCode", func(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
		if toNumber(field(call.Input, "Discount")) > 20 {
			return map[string]any{"DiscountCode": "Hello20"}, nil
		}
		return map[string]any{"DiscountCode": "Hello10"}, nil
	})
	// updateLoyaltyPoints returns {"LoyaltyPoints": TotalValue}: without a TotalValue the member is
	// undefined and JSON drops it, leaving {}.
	pure("simpleorder/updateLoyaltyPoints", func(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
		return defined(map[string]any{"LoyaltyPoints": field(call.Input, "TotalValue")}), nil
	})
	pure("simpleorder/prepareOrder", constant(map[string]any{"Shipmsg": "Order Prepared - Ready for Shipment"}))
	pure("simpleorder/sendToShipment", constant(map[string]any{"ShipmentSent": "True"}))
	pure("simpleorder/updateRecoEngine", constant(map[string]any{"RecoengineUpdated": "True"}))
}
