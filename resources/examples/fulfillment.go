package examples

// 003 Long-Running Order Fulfillment (dev.to, SUDO Consultants): the article's Node.js 14 functions. They
// answer in API Gateway's shape, {statusCode, body}, and report business failures through statusCode, never
// by throwing; the only errors are TypeErrors from reading a missing event.order, which is what every
// function sees in this workflow, since the first Pass state replaces the input with a string.

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/awserr"
)

func init() {
	function("fulfillment/ValidateOrder", validateOrder)
	function("fulfillment/ProcessPayment", func(context.Context, *resources.Env, *resources.Call) (any, error) {
		// The original's Math.random() > 0.5; nothing in the workflow looks at the answer.
		if rand.Float64() > 0.5 {
			return response(200, "Payment processed successfully", nil), nil
		}
		return response(400, "Payment processing failed", nil), nil
	})
	function("fulfillment/CheckInventory", checkOrderInventory)
	function("fulfillment/ShipOrder", func(context.Context, *resources.Env, *resources.Call) (any, error) {
		if rand.Float64() > 0.5 {
			return response(200, "Order shipped successfully", nil), nil
		}
		return response(400, "Order shipping failed", nil), nil
	})
	function("fulfillment/SendConfirmation", sendConfirmation)
}

// response is {statusCode, body} with body the JSON text of {"message", "error"}.
func response(status int64, message string, err error) map[string]any {
	body := struct {
		Message string `json:"message"`
		Error   any    `json:"error,omitempty"`
	}{Message: message}
	if err != nil {
		// JSON.stringify shows an AWS SDK error's message, code and status; a TypeError's members are not
		// enumerable, so it shows as {}.
		detail := map[string]any{}
		var ae *awserr.Error
		if errors.As(err, &ae) {
			detail = map[string]any{"message": ae.Message, "code": ae.Code, "statusCode": int64(ae.Status)}
		}
		body.Error = detail
	}
	text, _ := json.Marshal(body) // strings and numbers always marshal
	return map[string]any{"statusCode": status, "body": string(text)}
}

// validateOrder checks that the order has an orderId, a customerId and items, and stores it in Orders.
// The table's key is OrderId while orders have orderId, so the put fails and the answer is a 500.
func validateOrder(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
	const fn = "ValidateOrder"
	order, err := jsGet(call.Input, fn, false, "order")
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"orderId", "customerId", "items"} {
		v, err := jsGet(order, fn, false, k)
		if err != nil {
			return nil, err
		}
		if !truthy(v) {
			return response(400, "Invalid order details", nil), nil
		}
	}
	obj, _ := order.(map[string]any) // it is: only an object has truthy members
	it, err := attributes(obj)
	if err == nil {
		_, err = env.Services.DynamoDB.Call(ctx, "putItem", map[string]any{"TableName": "Orders", "Item": it})
	}
	if err != nil {
		return response(500, "Error validating order", err), nil
	}
	return response(200, "Order validated successfully", nil), nil
}

// checkOrderInventory compares the stock of the order's first item with its quantity. It reads the item
// before its try block, so a missing order throws; anything failing after that is a 500.
func checkOrderInventory(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
	const fn = "CheckInventory"
	itemID, err := jsGet(call.Input, fn, false, "order", "items", "0", "itemId")
	if err != nil {
		return nil, err
	}
	quantity, _ := jsGet(call.Input, fn, false, "order", "items", "0", "quantity") // the path exists
	key, err := attributes(map[string]any{"itemId": itemID})
	var out map[string]any
	if err == nil {
		out, err = env.Services.DynamoDB.Call(ctx, "getItem", map[string]any{"TableName": "Inventory", "Key": key})
	}
	if err != nil {
		return response(500, "Error checking inventory", err), nil
	}
	var stored any = undefined{}
	if it, ok := item(out["Item"]); ok {
		stored = it
	}
	stock, err := jsGet(stored, fn, false, "quantity")
	if err != nil {
		return response(500, "Error checking inventory", err), nil
	}
	if toNumber(stock) >= toNumber(quantity) {
		return response(200, "Inventory check successful", nil), nil
	}
	return response(400, "Insufficient inventory", nil), nil
}

// sendConfirmation tells the customer by SNS that the order has shipped.
func sendConfirmation(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
	const fn = "SendConfirmation"
	orderID, err := jsGet(call.Input, fn, false, "order", "orderId")
	if err != nil {
		return nil, err
	}
	_, err = env.Services.SNS.Publish(ctx, map[string]any{
		"TopicArn": "arn:aws:sns:us-east-1:123456789012:OrderConfirmation",
		"Message":  "Your order " + jsText(orderID) + " has been shipped.",
	}, hold(callClock(call, env)))
	if err != nil {
		return response(500, "Error sending confirmation email", err), nil
	}
	return response(200, "Confirmation email sent successfully", nil), nil
}

// jsText is a value as a JavaScript template literal prints it.
func jsText(v any) string {
	switch t := v.(type) {
	case undefined:
		return "undefined"
	case nil:
		return "null"
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			if e != nil {
				parts[i] = jsText(e)
			}
		}
		return strings.Join(parts, ",")
	}
	return "[object Object]"
}
