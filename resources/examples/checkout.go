package examples

// 000 Store Checkout (eduardo3g/serverless-stepf-store-checkout @ 0af8c18): the Node.js 12 functions of
// src/functions/*.js. Those that catch errors rethrow them as `new Error(e)`, so Step Functions sees the
// error name Error and a message "Name: message"; only checkInventory's BookOutOfStock and calculateTotal's
// TypeError keep their own names.

import (
	"context"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/sqs"
)

// courier stands in for the author's personal e-mail address, which sqsWorker hard-codes.
const courier = "courier@example.com"

func init() {
	function("checkout/checkInventory", checkInventory(false))
	// The designed intent: an unknown book throws BookNotFound, which the definition catches. The real code
	// never does (paths.md P4b).
	function("checkout/checkInventoryBookNotFound", checkInventory(true))
	pure("checkout/calculateTotal", calculateTotal)
	function("checkout/redeemPoints", redeemPoints)
	pure("checkout/billCustomer", func(context.Context, *resources.Env, *resources.Call) (any, error) {
		return "Successfully billed", nil
	})
	function("checkout/restoreQuantity", restoreQuantity)
	function("checkout/restoreRedeemPoints", restoreRedeemPoints)
	resources.RegisterWorker("checkout/sqsWorker", sqsWorker)
}

func bookTable() string { return tableName("BOOK_TABLE", "BookTable") }
func userTable() string { return tableName("USER_TABLE", "UserTable") }

// checkInventory returns the book when more than the ordered quantity is in stock (a missing or
// non-numeric quantity never is) and throws BookOutOfStock otherwise. Any other failure, an unknown book
// included, is rethrown as a plain Error; designed makes an unknown book throw BookNotFound instead.
func checkInventory(designed bool) func(context.Context, *resources.Env, *resources.Call) (any, error) {
	const fn = "src/functions/checkInventory"
	return func(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
		values, err := attributes(map[string]any{":bookId": field(call.Input, "bookId")})
		var book any = undefined{}
		if err == nil {
			var out map[string]any
			out, err = env.Services.DynamoDB.Call(ctx, "query", map[string]any{
				"TableName":                 bookTable(),
				"KeyConditionExpression":    "bookId = :bookId",
				"ExpressionAttributeValues": values,
			})
			if items, _ := out["Items"].([]any); len(items) > 0 {
				if it, ok := item(items[0]); ok {
					book = it
				}
			}
		}
		if err == nil {
			if _, unknown := book.(undefined); unknown && designed {
				return nil, nodeError("BookNotFound", "No such book available", fn)
			}
			var stock any
			if stock, err = jsGet(book, fn, false, "quantity"); err == nil {
				if toNumber(stock)-toNumber(field(call.Input, "quantity")) > 0 {
					return book, nil
				}
				return nil, nodeError("BookOutOfStock", "The book is out of stock", fn)
			}
		}
		return nil, nodeError("Error", jsString(err), fn)
	}
}

// calculateTotal returns {"total": book.price * quantity}. It catches nothing: without a book the
// TypeError escapes.
func calculateTotal(_ context.Context, _ *resources.Env, call *resources.Call) (any, error) {
	const fn = "src/functions/calculateTotal"
	price, err := jsGet(call.Input, fn, false, "book", "price")
	if err != nil {
		return nil, err
	}
	return map[string]any{"total": jsonNumber(toNumber(price) * toNumber(field(call.Input, "quantity")))}, nil
}

// redeemPoints spends the user's points on the order: when the total exceeds them it zeroes the points and
// returns {"total": total - points, "points": points}; otherwise it fails.
func redeemPoints(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
	const fn = "src/functions/redeemPoints"
	fail := func(err error) error { return nodeError("Error", jsString(err), fn) }
	key, err := attributes(map[string]any{"userId": field(call.Input, "userId")})
	if err != nil {
		return nil, fail(err)
	}
	out, err := env.Services.DynamoDB.Call(ctx, "getItem", map[string]any{"TableName": userTable(), "Key": key})
	if err != nil {
		return nil, fail(err)
	}
	var user any = undefined{}
	if it, ok := item(out["Item"]); ok {
		user = it
	}
	points, err := jsGet(user, fn, false, "points")
	if err != nil {
		return nil, fail(err)
	}
	total, err := jsGet(call.Input, fn, false, "total", "total")
	if err != nil {
		return nil, fail(err)
	}
	if !(toNumber(total) > toNumber(points)) {
		return nil, nodeError("Error", "Error: Order total is less than redeem points", fn)
	}
	zero, _ := attributes(map[string]any{":points": int64(0)}) // a number always marshals
	if _, err := env.Services.DynamoDB.Call(ctx, "updateItem", map[string]any{
		"TableName":                 userTable(),
		"Key":                       key,
		"UpdateExpression":          "SET points = :points",
		"ExpressionAttributeValues": zero,
	}); err != nil {
		return nil, fail(err)
	}
	return map[string]any{"total": jsonNumber(toNumber(total) - toNumber(points)), "points": points}, nil
}

// restoreQuantity gives the ordered quantity back to the stock, unconditionally: when the courier worker
// failed before taking it, the stock ends up higher than it started (a faithful quirk).
func restoreQuantity(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
	const fn = "src/functions/restoreQuantity"
	if err := addStock(ctx, env, call.Input, "+"); err != nil {
		return nil, nodeError("Error", jsString(err), fn)
	}
	return "Quantity restored", nil
}

// addStock runs SET quantity = quantity <op> :orderQuantity on the order's book.
func addStock(ctx context.Context, env *resources.Env, order any, op string) error {
	key, err := attributes(map[string]any{"bookId": field(order, "bookId")})
	if err != nil {
		return err
	}
	values, err := attributes(map[string]any{":orderQuantity": field(order, "quantity")})
	if err != nil {
		return err
	}
	_, err = env.Services.DynamoDB.Call(ctx, "updateItem", map[string]any{
		"TableName":                 bookTable(),
		"Key":                       key,
		"UpdateExpression":          "SET quantity = quantity " + op + " :orderQuantity",
		"ExpressionAttributeValues": values,
	})
	return err
}

// restoreRedeemPoints puts back the points RedeemPoints took (total.points), overwriting the user's
// points; without them it does nothing. It returns nothing, so the task result is null.
func restoreRedeemPoints(ctx context.Context, env *resources.Env, call *resources.Call) (any, error) {
	const fn = "src/functions/restoreRedeemPoints"
	fail := func(err error) error { return nodeError("Error", jsString(err), fn) }
	points, err := jsGet(call.Input, fn, false, "total", "points")
	if err != nil {
		return nil, fail(err)
	}
	if !truthy(points) {
		return nil, nil
	}
	key, err := attributes(map[string]any{"userId": field(call.Input, "userId")})
	if err != nil {
		return nil, fail(err)
	}
	values, err := attributes(map[string]any{":points": points})
	if err != nil {
		return nil, fail(err)
	}
	if _, err := env.Services.DynamoDB.Call(ctx, "updateItem", map[string]any{
		"TableName":                 userTable(),
		"Key":                       key,
		"UpdateExpression":          "SET points = :points",
		"ExpressionAttributeValues": values,
	}); err != nil {
		return nil, fail(err)
	}
	return nil, nil
}

// sqsWorker is the courier: it takes the ordered quantity from the stock and answers the PrepareOrder
// task with the courier's address; when anything fails it answers NoCourierAvailable instead. Only when
// it cannot answer at all does the message fail.
func sqsWorker(env *resources.Env) resources.Worker {
	const fn = "src/functions/sqsWorker"
	return func(ctx context.Context, m sqs.Message) error {
		body, err := source.DecodePlain([]byte(m.Body))
		token, _ := field(body, "Token").(string)
		if err == nil {
			var input any
			if input, err = jsGet(body, fn, false, "Input"); err == nil {
				if _, err = jsGet(input, fn, false, "bookId"); err == nil {
					err = addStock(ctx, env, input, "-")
				}
			}
		}
		if err == nil {
			err = env.Answers.SendTaskSuccess(token, `{"courier":"`+courier+`"}`)
		}
		if err != nil {
			return env.Answers.SendTaskFailure(token, "NoCourierAvailable", "No couriers available")
		}
		return nil
	}
}
