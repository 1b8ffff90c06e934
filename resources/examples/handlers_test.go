package examples

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/sqs"
)

// oddInputs are events no workflow sends, which handlers must answer (or fail) without panicking.
var oddInputs = []any{
	nil, "Order Received", int64(7), 2.5, true, []any{}, []any{nil, "x"}, map[string]any{},
	map[string]any{
		"bookId": int64(1), "quantity": "many", "userId": []any{}, "total": "x", "book": map[string]any{"price": nil},
		"order": map[string]any{"orderId": true, "customerId": "c", "items": []any{"not an item"}},
		"items": map[string]any{}, "paymentDetails": map[string]any{"x-test-paymentVerified": "yes", "x-test-chargeError": int64(1)},
		"flavor": int64(3), "errorOnStep": "4", "orderId": "not a number", "perStepDelaySeconds": "soon", "TotalValue": []any{},
	},
	map[string]any{"order": nil, "items": []any{int64(1)}, "flavor": nil, "Discount": map[string]any{}},
}

// TestHandlersOnOddInput runs every built-in on odd events: each must return, a result or a failure.
func TestHandlersOnOddInput(t *testing.T) {
	local, err := resources.NewLocal("../../definitions/checkout.asl.json", interpreter.NewVirtualClock(epoch),
		"../../definitions/cloud-pizza.handlers.json", "../../definitions/order-fulfillment.handlers.json")
	require.NoError(t, err)
	ours := func(all []string) []string {
		var out []string
		for _, n := range all {
			if prefix, _, _ := strings.Cut(n, "/"); contains([]string{"checkout", "orderprocessing", "simpleorder", "fulfillment", "pizza"}, prefix) {
				out = append(out, n)
			}
		}
		return out
	}
	handlers, workers := resources.Builtins()
	names, workers := ours(handlers), ours(workers)
	require.Len(t, workers, 2)
	stubs := map[string]any{}
	for i, name := range names {
		stubs[fmt.Sprintf("fn%d", i)] = map[string]any{"builtin": name}
	}
	file, err := json.Marshal(stubs)
	require.NoError(t, err)
	require.NoError(t, local.Registry.AddHandlers("odd.json", file))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, name := range names {
		for _, in := range oddInputs {
			_, err := local.Registry.Invoke(ctx, &interpreter.TaskRequest{
				Resource: fmt.Sprintf("arn:aws:lambda:us-east-1:123456789012:function:fn%d", i), StateName: "S",
				Input: in, Clock: local.Env.Clock, Answers: local.Env.Answers,
			})
			if err != nil {
				assert.NotContains(t, err.Error(), "panic", "%s on %v", name, in)
			}
		}
	}
	env := local.Env
	for _, name := range workers {
		var w resources.Worker
		switch name {
		case "checkout/sqsWorker":
			w = sqsWorker(env)
		case "pizza/OrderProcessor":
			w = orderProcessor(env)
		default:
			t.Fatalf("worker %s is not tested", name)
		}
		for _, body := range []string{"", "null", "[]", `"x"`, `{"Input": 3, "Token": 4}`, `{"payload": [], "taskToken": "AQ"}`} {
			assert.Error(t, w(ctx, sqs.Message{Body: body}), "%s on %s", name, body)
		}
	}
}

// The 003 functions behave differently when they do get the order, which no path of the workflow gives
// them (handlers.md).
func TestFulfillmentWithTheOrder(t *testing.T) {
	h := load(t, "order-fulfillment")
	env, ctx := h.local.Env, context.Background()
	order := h.input("input.json")
	call := &resources.Call{Input: order, Clock: env.Clock}

	out, err := validateOrder(ctx, env, call)
	require.NoError(t, err)
	assert.Equal(t, int64(500), field(out, "statusCode"), "the Orders key is OrderId, the order has orderId")
	assert.Contains(t, field(out, "body"), `"code":"ValidationException"`)
	assert.Empty(t, h.items("Orders"))

	invalid, err := validateOrder(ctx, env, &resources.Call{Input: map[string]any{"order": map[string]any{"orderId": "1"}}})
	require.NoError(t, err)
	assert.Equal(t, response(400, "Invalid order details", nil), invalid)

	out, err = checkOrderInventory(ctx, env, call)
	require.NoError(t, err)
	assert.Equal(t, response(200, "Inventory check successful", nil), out)
	greedy := map[string]any{"order": map[string]any{"items": []any{map[string]any{"itemId": "item1", "quantity": int64(11)}}}}
	out, err = checkOrderInventory(ctx, env, &resources.Call{Input: greedy})
	require.NoError(t, err)
	assert.Equal(t, response(400, "Insufficient inventory", nil), out)
	unknown := map[string]any{"order": map[string]any{"items": []any{map[string]any{"itemId": "item9", "quantity": int64(1)}}}}
	out, err = checkOrderInventory(ctx, env, &resources.Call{Input: unknown})
	require.NoError(t, err)
	assert.Equal(t, int64(500), field(out, "statusCode"))

	out, err = sendConfirmation(ctx, env, call)
	require.NoError(t, err)
	assert.Equal(t, response(200, "Confirmation email sent successfully", nil), out)
	msgs := h.messages("sns", "OrderConfirmation")
	require.Len(t, msgs, 1)
	assert.Equal(t, "Your order 12345 has been shipped.", msgs[0]["Message"])
}

// TestPureHandlersAreInline: a built-in that answers from its input alone is called inline; one that calls
// the embedded services is not.
func TestPureHandlersAreInline(t *testing.T) {
	local, err := resources.NewLocal("../../definitions/checkout.asl.json", interpreter.NewVirtualClock(epoch))
	require.NoError(t, err)
	require.NoError(t, local.Registry.AddHandlers("inline.json", []byte(`{"pure": {"builtin": "simpleorder/checkInventory"},
		"calls": {"builtin": "checkout/redeemPoints"}}`)))
	for fn, inline := range map[string]bool{"pure": true, "calls": false} {
		assert.Equal(t, inline, local.Registry.Inline(&interpreter.TaskRequest{
			Resource: "arn:aws:lambda:us-east-1:123456789012:function:" + fn, StateName: "S"}), fn)
	}
}
