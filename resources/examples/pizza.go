package examples

// 004 Cloud Pizza (WesJones127/cloud-pizza @ fd6b733): the Node.js 16 functions of lambda/*.ts with
// services/orders-service.ts. Each step throws "Simulating an exception in step: N" when the input's
// errorOnStep equals (==) its number, which is how the README's eight paths are chosen.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/awserr"
	"github.com/aslrun/aslrun/resources/sqs"
)

// The OrderStatus values the functions write to the orders table.
const (
	statusPending           = 1
	statusPaymentProcessing = 2
	statusPaymentComplete   = 3
	statusCookingStarted    = 4
	statusDeliveryConfirmed = 7
	statusPaymentFailed     = 8
	statusCancelled         = 9
)

func init() {
	function("pizza/OrderInsert", orderInsert)
	function("pizza/PaymentProcessor", func(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
		if err := simulated(call.Input, 2, "payment-processor"); err != nil {
			return nil, err
		}
		updateStatus(ctx, env, callClock(call, env), call.Input, statusPaymentProcessing)
		updateStatus(ctx, env, callClock(call, env), call.Input, statusPaymentComplete)
		return spread(map[string]any{"status": "ok", "paymentId": "simulatedPaymentId"}, call.Input), nil
	})
	function("pizza/LoyaltyInsert", func(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
		if err := simulated(call.Input, 3, "loyalty-insert"); err != nil {
			return nil, err
		}
		return spread(map[string]any{
			"status": "ok", "paymentId": field(call.Input, "paymentId"), "loyaltyTransactionId": "simulatedLoyaltytId",
		}, call.Input), nil
	})
	function("pizza/OrderPrepare", func(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
		// Step 4 also fails for errorOnStep 6 and above, to start the rollback the later steps fail in.
		if step := field(call.Input, "errorOnStep"); looseEquals(step, 4) || toNumber(step) >= 6 {
			return nil, nodeError("Error", "Simulating an exception in step: 4", "order-prepare")
		}
		updateStatus(ctx, env, callClock(call, env), call.Input, statusCookingStarted)
		return spread(map[string]any{
			"status": "ok", "paymentId": field(call.Input, "paymentId"), "loyaltyTransactionId": "simulatedLoyaltytId",
		}, call.Input), nil
	})
	function("pizza/PaymentRefundProcessor", func(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
		if err := simulated(call.Input, 6, "payment-refund-processor"); err != nil {
			return nil, err
		}
		updateStatus(ctx, env, callClock(call, env), call.Input, statusPaymentFailed)
		return spread(map[string]any{"status": "ok"}, call.Input), nil
	})
	function("pizza/LoyaltyPointsRemove", func(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
		if err := simulated(call.Input, 7, "loyalty-points-remove"); err != nil {
			return nil, err
		}
		return spread(map[string]any{"status": "ok"}, call.Input), nil
	})
	// CustomerNotification never sees an orderId or errorOnStep in this workflow (its input is an error, a
	// DLQ response or an invoke envelope), so its update is refused and swallowed; it returns nothing.
	function("pizza/CustomerNotification", func(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
		if err := simulated(call.Input, 7, "customer-notification"); err != nil {
			return nil, err
		}
		updateStatus(ctx, env, callClock(call, env), call.Input, statusCancelled)
		return nil, nil
	})
	resources.RegisterWorker("pizza/OrderProcessor", orderProcessor)
}

// simulated is the failure a step simulates when the event's errorOnStep == step.
func simulated(event any, step float64, fn string) error {
	if looseEquals(field(event, "errorOnStep"), step) {
		return nodeError("Error", fmt.Sprintf("Simulating an exception in step: %v", step), fn)
	}
	return nil
}

// updateStatus sets the order's status. Like the service it swallows every DynamoDB error, and after a
// successful update waits perStepDelaySeconds, which it passes to setTimeout: milliseconds, in fact.
func updateStatus(ctx context.Context, env *resources.Env, clock interpreter.Clock, event any, status int64) {
	key, err := attributes(map[string]any{"orderId": field(event, "orderId")})
	if err != nil {
		return
	}
	values, _ := attributes(map[string]any{":status": status}) // a number always marshals
	if _, err := env.Services.DynamoDB.Call(ctx, "updateItem", map[string]any{
		"TableName":                 "orders",
		"Key":                       key,
		"UpdateExpression":          "SET #status = :status",
		"ExpressionAttributeNames":  map[string]any{"#status": "status"},
		"ExpressionAttributeValues": values,
	}); err != nil {
		return
	}
	stepDelay(ctx, clock, event)
}

// stepDelay waits perStepDelaySeconds milliseconds (setTimeout waits 0 for what is not a number).
func stepDelay(ctx context.Context, clock interpreter.Clock, event any) {
	if ms := toNumber(field(event, "perStepDelaySeconds")); ms > 0 {
		_ = sleep(ctx, clock, time.Duration(ms*float64(time.Millisecond))) // only ends early when the run does
	}
}

// orderInsert creates the order (status Pending) with the pineapple discount, 20% for pineapple or
// hawaiian.
func orderInsert(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
	const fn = "order-insert"
	if err := simulated(call.Input, 1, fn); err != nil {
		return nil, err
	}
	flavor := field(call.Input, "flavor")
	if _, err := jsGet(flavor, fn, true, "toLowerCase"); err != nil {
		return nil, err
	}
	s, ok := flavor.(string)
	if !ok {
		return nil, nodeError("TypeError", "event.flavor.toLowerCase is not a function", fn)
	}
	discount, reason := any(int64(0)), ""
	if l := strings.ToLower(s); l == "pineapple" || l == "hawaiian" {
		discount, reason = 0.2, "You like pineapple, you're one of us!"
	}
	it, err := attributes(map[string]any{
		"orderId": field(call.Input, "orderId"), "status": int64(statusPending), "flavour": s,
		"discountApplied": discount, "discountReason": reason,
	})
	if err == nil {
		_, err = env.Services.DynamoDB.Call(ctx, "putItem", map[string]any{"TableName": "orders", "Item": it})
	}
	if err != nil {
		name, message := "Error", err.Error()
		var ae *awserr.Error
		if errors.As(err, &ae) {
			name, message = ae.Code, ae.Message
		}
		return nil, nodeError(name, message, fn)
	}
	stepDelay(ctx, callClock(call, env), call.Input)
	return spread(map[string]any{"status": "ok"}, call.Input), nil
}

// orderProcessor is the kitchen: it answers the "Wait on food to be cooked and delivered" task at once,
// then confirms the delivery. For errorOnStep 5 it throws without answering, so the task's heartbeat
// times out.
func orderProcessor(env *resources.Env) resources.Worker {
	return func(ctx context.Context, m sqs.Message) error {
		body, err := source.DecodePlain([]byte(m.Body))
		if err != nil {
			return nodeError("SyntaxError", "Unexpected token in JSON", "order-processor")
		}
		payload := field(body, "payload")
		if err := simulated(payload, 5, "order-processor"); err != nil {
			return err
		}
		token, _ := field(body, "taskToken").(string)
		if err := env.Answers.SendTaskSuccess(token, `"Callback task completed successfully."`); err != nil {
			return err
		}
		updateStatus(ctx, env, env.Clock, payload, statusDeliveryConfirmed)
		return nil
	}
}
