package examples

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/dynamodb"
	"github.com/aslrun/aslrun/resources/sqs"
)

// Every execution path of /work/shared/workflows/*/paths.md, on the definitions of definitions/ with
// their sidecars. Paths that need a fault override a binding after loading.

// pathCase is one execution path: how to set it up, the input file, and what to check.
type pathCase struct {
	name  string
	opts  []loadOption
	setup func(t *testing.T, h *harness)
	input string
	check func(t *testing.T, h *harness, res *result)
}

func runPaths(t *testing.T, workflow string, cases []pathCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := load(t, workflow, c.opts...)
			if c.setup != nil {
				c.setup(t, h)
			}
			c.check(t, h, h.run(h.input(c.input)))
		})
	}
}

// --- 000 Store Checkout ---

const (
	checkoutFn = "arn:aws:lambda:us-east-1:123456789012:function:serverless-stepf-store-checkout-dev-"
	bookID     = "01G4E1A9GF5CZWET09RSBR04PV"
	userID     = "01G4E1AZW2Q1X3QQEYBACQXMFH"
	orderQueue = "serverless-stepf-store-checkout-dev-queue"
	orderTopic = "serverless-stepf-store-checkout-dev-orders-topic"
)

func (h *harness) stock() any {
	return h.getItem("BookTable", map[string]any{"bookId": bookID})["quantity"]
}
func (h *harness) points() any {
	return h.getItem("UserTable", map[string]any{"userId": userID})["points"]
}

// courierFailing is the checkout's courier worker on a DynamoDB without tables: its stock update fails
// before taking anything, so it answers NoCourierAvailable.
func courierFailing(h *harness) resources.Worker {
	broken := *h.local.Env
	broken.Services = &resources.Services{DynamoDB: dynamodb.New(), SQS: h.local.Env.Services.SQS, SNS: h.local.Env.Services.SNS}
	return sqsWorker(&broken)
}

// courierAnswering is a worker that answers every task with SendTaskFailure(errName, cause).
func courierAnswering(h *harness, errName, cause string) resources.Worker {
	return func(_ context.Context, m sqs.Message) error {
		body, err := oj.ParseString(m.Body)
		if err != nil {
			return err
		}
		token, _ := field(body, "Token").(string)
		return h.local.Env.Answers.SendTaskFailure(token, errName, cause)
	}
}

func TestCheckout(t *testing.T) {
	const dispatched = "Your order will be dispatched in 24 hours"
	happyState := func(redeem bool, total string) any {
		return parse(t, `{"userId":"`+userID+`","bookId":"`+bookID+`","quantity":50,"redeem":`+map[bool]string{true: "true", false: "false"}[redeem]+
			`,"book":{"bookId":"`+bookID+`","title":"The 10X Rule","quantity":500,"price":20},"total":`+total+
			`,"billingStatus":"Successfully billed","courierStatus":{"courier":"courier@example.com"}}`)
	}
	billingFault := func(n int) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			fail, _ := failing(n, resources.Fail("BillingDown", "billing is down"), "Successfully billed")
			h.local.Registry.Lambda(checkoutFn+"billCustomer", fail)
		}
	}
	prefix := []any{"checkInventory", "calculateTotal", "isRedeemNeeded"}
	route := func(states ...any) []any { return append(append([]any{}, prefix...), states...) }
	rollback := func(t *testing.T, res *result) {
		in := enteredInput(t, res, "RestoreRedeemPoints")
		assert.Equal(t, map[string]any{"Error": "NoCourierAvailable", "Cause": "No couriers available"}, field(in, "courierError"))
		assert.Equal(t, "Customer is refunded", field(in, "refundStatus"))
		assert.Equal(t, "Quantity restored", field(in, "quantityRestoreStatus"))
	}

	runPaths(t, "checkout", []pathCase{
		{name: "P1 happy path with redeem", input: "input.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, route("RedeemPoints", "BillCustomer", "PrepareOrder", "DispatchOrder", "Dispatched")...)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Equal(t, dispatched, res.Output)
			assert.Equal(t, int64(0), h.points())
			assert.Equal(t, int64(450), h.stock())
			state := happyState(true, `{"total":700,"points":300}`)
			assert.Equal(t, []any{state}, h.bodies("sns", orderTopic))
			sent := h.bodies("sqs", orderQueue)
			require.Len(t, sent, 1)
			upToBilling := parse(t, `{"userId":"`+userID+`","bookId":"`+bookID+`","quantity":50,"redeem":true,`+
				`"book":{"bookId":"`+bookID+`","title":"The 10X Rule","quantity":500,"price":20},"total":{"total":700,"points":300},"billingStatus":"Successfully billed"}`)
			assert.Equal(t, upToBilling, field(sent[0], "Input"))
			assert.NotEmpty(t, field(sent[0], "Token"))
		}},
		{name: "P2 happy path without redeem", input: "input-no-redeem.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, route("BillCustomer", "PrepareOrder", "DispatchOrder", "Dispatched")...)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Equal(t, dispatched, res.Output)
			assert.Equal(t, int64(300), h.points())
			assert.Equal(t, int64(450), h.stock())
			assert.Equal(t, []any{happyState(false, `{"total":1000}`)}, h.bodies("sns", orderTopic))
		}},
		{name: "P3 out of stock", input: "input-out-of-stock.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "checkInventory", "BookOutOfStockError")
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Equal(t, "Sorry, the book is out of stock", res.Output)
			assert.Equal(t, int64(500), h.stock())
			assert.Equal(t, int64(300), h.points())
			assert.Empty(t, h.messages("sqs", orderQueue))
			assert.Empty(t, h.messages("sns", orderTopic))
		}},
		{name: "P4a unknown book, faithful handler", input: "input-book-not-found.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "checkInventory")
			assertFailed(t, res, "Error", "")
			assert.Equal(t, "TypeError: Cannot read property 'quantity' of undefined", errorMessage(t, res.Cause, "Error"))
		}},
		{name: "P4b unknown book, designed-intent handler", input: "input-book-not-found.json",
			setup: func(t *testing.T, h *harness) {
				h.local.Registry.Lambda(checkoutFn+"checkInventory", resources.HandlerFunc(func(ctx context.Context, call *resources.Call) (any, error) {
					return checkInventory(true)(ctx, h.local.Env, call)
				}))
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "checkInventory", "BookNotFoundError")
				require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
				assert.Equal(t, "No such book available", res.Output)
			}},
		{name: "P5 redeem fails", input: "input-redeem-error.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, route("RedeemPoints", "RedeemPointsError")...)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Equal(t, "Error in redeeming points", res.Output)
			assert.Equal(t, int64(300), h.points())
			assert.Equal(t, int64(500), h.stock())
			in := enteredInput(t, res, "RedeemPointsError")
			assert.Equal(t, "Error", field(in, "Error"))
			assert.Equal(t, "Error: Order total is less than redeem points", errorMessage(t, field(in, "Cause").(string), "Error"))
		}},
		{name: "P6 billing fails, points restored", input: "input.json", setup: billingFault(-1), check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, route("RedeemPoints", "BillCustomer", "BillingError", "RestoreRedeemPoints")...)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Nil(t, res.Output)
			assert.Equal(t, 7*time.Second, elapsed(res), "retry waits of 1, 2 and 4 s")
			in := enteredInput(t, res, "RestoreRedeemPoints")
			assert.Equal(t, "BillingDown", field(field(in, "customerBilling"), "Error"))
			assert.Equal(t, "billing is down", errorMessage(t, field(field(in, "customerBilling"), "Cause").(string), "BillingDown"))
			assert.Equal(t, "Billing error", field(in, "billingStatus"))
			assert.Equal(t, map[string]any{"total": int64(700), "points": int64(300)}, field(in, "total"), "RedeemPoints took the points")
			assert.Equal(t, int64(300), h.points())
			assert.Equal(t, int64(500), h.stock())
		}},
		{name: "P6 billing recovers on the 4th attempt", input: "input.json", setup: billingFault(3), check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, route("RedeemPoints", "BillCustomer", "PrepareOrder", "DispatchOrder", "Dispatched")...)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Equal(t, dispatched, res.Output)
			assert.Equal(t, 7*time.Second, elapsed(res))
		}},
		{name: "P6' billing fails without redeem", input: "input-no-redeem.json", setup: billingFault(-1), check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, route("BillCustomer", "BillingError", "RestoreRedeemPoints")...)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Nil(t, res.Output)
			assert.Equal(t, int64(300), h.points())
		}},
		{name: "P7 no courier, full rollback (failed before the decrement)", input: "input.json", opts: []loadOption{withoutWorkers()},
			setup: func(t *testing.T, h *harness) { h.subscribe(orderQueue, courierFailing(h)) },
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, route("RedeemPoints", "BillCustomer", "PrepareOrder", "RefundCustomer", "RestoreQuantity", "RestoreRedeemPoints")...)
				require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
				assert.Nil(t, res.Output)
				rollback(t, res)
				assert.Equal(t, int64(300), h.points())
				assert.Equal(t, int64(550), h.stock(), "RestoreQuantity adds back what was never taken")
			}},
		{name: "P7 no courier, full rollback (failed after the decrement)", input: "input.json", opts: []loadOption{withoutWorkers()},
			setup: func(t *testing.T, h *harness) {
				// The courier's own SendTaskSuccess fails (here: it answers to callbacks that do not know the
				// token), after it took the stock; it then reports NoCourierAvailable for real.
				lost := *h.local.Env
				lost.Answers = interpreter.NewCallbacks()
				courier := sqsWorker(&lost)
				h.subscribe(orderQueue, func(ctx context.Context, m sqs.Message) error {
					assert.Error(t, courier(ctx, m))
					token, _ := field(parse(t, m.Body), "Token").(string)
					return h.local.Env.Answers.SendTaskFailure(token, "NoCourierAvailable", "No couriers available")
				})
			},
			check: func(t *testing.T, h *harness, res *result) {
				require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
				rollback(t, res)
				assert.Equal(t, int64(500), h.stock(), "500 → 450 → 500")
				assert.Equal(t, int64(300), h.points())
			}},
		{name: "P7' no courier without redeem", input: "input-no-redeem.json", opts: []loadOption{withoutWorkers()},
			setup: func(t *testing.T, h *harness) { h.subscribe(orderQueue, courierFailing(h)) },
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, route("BillCustomer", "PrepareOrder", "RefundCustomer", "RestoreQuantity", "RestoreRedeemPoints")...)
				require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
				assert.Nil(t, res.Output)
				assert.Equal(t, int64(300), h.points())
				assert.Equal(t, int64(550), h.stock())
			}},
		{name: "P8 missing redeem", input: "input-missing-redeem.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, prefix...)
			assertFailed(t, res, failure.Runtime, "")
			assert.Contains(t, res.Cause, "Invalid path '$.redeem': The choice state's condition path references an invalid value.")
		}},
		{name: "P9 calculateTotal throws", input: "input.json",
			setup: func(t *testing.T, h *harness) {
				fail, _ := failing(-1, nodeError("TypeError", "Cannot read property 'price' of undefined", "calculateTotal"), nil)
				h.local.Registry.Lambda(checkoutFn+"calculateTotal", fail)
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "checkInventory", "calculateTotal")
				assertFailed(t, res, "TypeError", "")
			}},
		{name: "P9 DispatchOrder's SNS publish fails", input: "input.json",
			setup: func(t *testing.T, h *harness) {
				fail, _ := failing(-1, failure.New("SNS.AmazonSNSException", "Service unavailable (Service: AmazonSNS; Status Code: 503)"), nil)
				h.local.Registry.Resource("arn:aws:states:::sns:publish", fail)
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, route("RedeemPoints", "BillCustomer", "PrepareOrder", "DispatchOrder")...)
				assertFailed(t, res, "SNS.AmazonSNSException", "")
				assert.Equal(t, int64(450), h.stock())
			}},
		{name: "P9 RestoreQuantity throws", input: "input.json", opts: []loadOption{withoutWorkers()},
			setup: func(t *testing.T, h *harness) {
				h.subscribe(orderQueue, courierFailing(h))
				fail, _ := failing(-1, nodeError("Error", "ValidationException: boom", "restoreQuantity"), nil)
				h.local.Registry.Lambda(checkoutFn+"restoreQuantity", fail)
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, route("RedeemPoints", "BillCustomer", "PrepareOrder", "RefundCustomer", "RestoreQuantity")...)
				assertFailed(t, res, "Error", "")
				assert.Equal(t, int64(0), h.points(), "the points are never restored")
			}},
		{name: "P9 RestoreRedeemPoints throws", input: "input.json",
			setup: func(t *testing.T, h *harness) {
				billingFault(-1)(t, h)
				fail, _ := failing(-1, nodeError("Error", "ValidationException: boom", "restoreRedeemPoints"), nil)
				h.local.Registry.Lambda(checkoutFn+"restoreRedeemPoints", fail)
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, route("RedeemPoints", "BillCustomer", "BillingError", "RestoreRedeemPoints")...)
				assertFailed(t, res, "Error", "")
				assert.Equal(t, int64(0), h.points())
			}},
		{name: "P9 the courier fails the task with another error", input: "input.json", opts: []loadOption{withoutWorkers()},
			setup: func(t *testing.T, h *harness) {
				h.subscribe(orderQueue, courierAnswering(h, "CourierStrike", "All couriers are on strike"))
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, route("RedeemPoints", "BillCustomer", "PrepareOrder")...)
				assertFailed(t, res, "CourierStrike", "All couriers are on strike")
			}},
	})

	// P9, the courier never calls back: paths.md says the execution stays RUNNING, as neither the
	// definition nor PrepareOrder has a timeout. Under the virtual clock nothing else is pending, so time
	// jumps to the Task's default TimeoutSeconds (99999999 s) and the task fails with States.Timeout.
	// (AWS would end a standard execution at its one-year limit first; the interpreter has no such limit.)
	t.Run("P9 the courier never calls back", func(t *testing.T) {
		h := load(t, "checkout", withoutWorkers())
		h.subscribe(orderQueue, noWorker)
		res := h.run(h.input("input.json"))
		assertEntered(t, res, route("RedeemPoints", "BillCustomer", "PrepareOrder")...)
		assertFailed(t, res, failure.Timeout, "")
		assert.Equal(t, interpreter.DefaultTaskTimeout, elapsed(res))
		assert.Equal(t, int64(500), h.stock())
	})
}

// --- 001 Order Processing ---

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// placeholderTopics works around the embedded SNS, which refuses topic ARNs whose region and account are
// not its own, such as the literal {region}/{account} placeholders of 001's committed definition (NOTES.md
// asks for topics to be keyed by name, as Lambda functions are): it publishes to the topic the ARN names.
func placeholderTopics(h *harness) {
	resolve := strings.NewReplacer("{region}", "us-east-1", "{account}", "123456789012")
	h.local.Registry.Resource("arn:aws:states:::sns:publish", resources.HandlerFunc(func(ctx context.Context, call *resources.Call) (any, error) {
		request := map[string]any{}
		for k, v := range call.Input.(map[string]any) {
			request[k] = v
		}
		arn, _ := request["TopicArn"].(string)
		request["TopicArn"] = resolve.Replace(arn)
		out, err := h.local.Env.Services.SNS.Publish(ctx, request, hold(call.Clock))
		if err != nil {
			return nil, failure.New("SNS.AmazonSNSException", err.Error())
		}
		out["SdkHttpMetadata"] = map[string]any{"HttpStatusCode": int64(200)}
		out["SdkResponseMetadata"] = map[string]any{"RequestId": interpreter.NewUUID()}
		return out, nil
	}))
}

func TestOrderProcessing(t *testing.T) {
	const (
		verify   = "Verify Payment Details"
		retrieve = "Retrieve Item Stock Levels"
		choice   = "Validate Payment Details Verification"
		reshape  = "Transform Output"
		stock    = "Validate Stock > 0"
		charge   = "Charge Payment"
		okPut    = "Create Order Entry with State PAYMENT_PROCESSED"
		failPut  = "Create Order Entry with State PAYMENT_FAILED"
		publish  = "Publish to interested parties"
	)
	mapChildren := children{"Choice", "Not in Stock", "Placeholder"}
	both := branches([]string{verify}, []string{retrieve})
	stocked := func(hints bool) []any {
		items := []any{
			map[string]any{"itemId": "item-c9f4x", "price": int64(1000), "itemDescription": "Macbook", "quantityInStock": int64(5)},
			map[string]any{"itemId": "item-g7b2q", "price": int64(500), "itemDescription": "iPhone", "quantityInStock": int64(5)},
			map[string]any{"itemId": "item-p4c97", "price": int64(750), "itemDescription": "iPad", "quantityInStock": int64(5)},
		}
		if hints {
			for _, it := range items {
				it.(map[string]any)["x-test-quantityInStock"] = int64(5)
			}
		}
		return items
	}
	order := func(t *testing.T, h *harness, state string, hints bool) {
		orders := h.items("CustomerOrders")
		require.Len(t, orders, 1)
		o := orders[0].(map[string]any)
		assert.Regexp(t, uuidRE, o["OrderId"])
		assert.Equal(t, state, o["State"])
		assert.Equal(t, "c-id-56392", o["CustomerId"])
		assert.Equal(t, int64(2250), o["OrderTotal"])
		assert.Equal(t, stocked(hints), parse(t, o["Items"].(string)))
	}
	published := func(t *testing.T, h *harness, res *result) any {
		out, ok := res.Output.(map[string]any)
		require.True(t, ok, "output %v", res.Output)
		assert.NotEmpty(t, out["MessageId"])
		assert.Contains(t, out, "SdkHttpMetadata")
		assert.Contains(t, out, "SdkResponseMetadata")
		msgs := h.bodies("sns", "OrderUpdates")
		require.Len(t, msgs, 1)
		for _, k := range []string{"items", "paymentVerified", "orderTotal", "customerId", "paymentDetails", "output"} {
			assert.Contains(t, msgs[0], k)
		}
		return msgs[0]
	}
	happy := func(hints bool) func(t *testing.T, h *harness, res *result) {
		return func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "Parallel", both, choice, reshape, stock, mapChildren, charge, okPut, publish)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			all := entered(res)
			assert.Equal(t, 3, count(all, "Choice"))
			assert.Equal(t, 3, count(all, "Placeholder"))
			order(t, h, "PAYMENT_PROCESSED", hints)
			msg := published(t, h, res)
			assert.Equal(t, "SUCCESS", field(field(field(msg, "output"), "Payload"), "paymentResult"))
			assert.Equal(t, int64(200), field(field(msg, "output"), "StatusCode"))
		}
	}
	failedQuietly := func(t *testing.T, res *result) {
		assertFailed(t, res, "", "")
		assert.Empty(t, res.Cause)
	}
	lambda := func(fn string, n int, err error) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			fail, _ := failing(n, err, nil)
			h.local.Registry.Lambda(fn, fail)
		}
	}
	var attempts func() int32
	counted := func(fn string, err error) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			fail, calls := failing(-1, err, nil)
			attempts = func() int32 { return calls.Load() }
			h.local.Registry.Lambda(fn, fail)
		}
	}

	cases := []pathCase{
		{name: "P1 PAYMENT_PROCESSED", input: "input-payment-processed.json", check: happy(true)},
		{name: "P1 PAYMENT_PROCESSED (the repository's input, no hints)", input: "input.json", check: happy(false)},
		{name: "P2 PAYMENT_FAILED", input: "input-payment-error.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "Parallel", both, choice, reshape, stock, mapChildren, charge, failPut, publish)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			order(t, h, "PAYMENT_FAILED", false)
			out := field(published(t, h, res), "output")
			assert.Equal(t, "PaymentError", field(out, "Error"))
			cause := field(out, "Cause").(string)
			assert.Equal(t, "Failed to process payment", errorMessage(t, cause, "PaymentError"))
			assert.Contains(t, parse(t, cause), "requestId")
			assert.Contains(t, parse(t, cause), "stackTrace")
		}},
		{name: "P3 payment details not verified", input: "input-payment-not-verified.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "Parallel", both, choice, "Fail")
			failedQuietly(t, res)
			assert.Empty(t, h.items("CustomerOrders"))
			assert.Empty(t, h.messages("sns", "OrderUpdates"))
		}},
		{name: "P4 an item is out of stock", input: "input-out-of-stock.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "Parallel", both, choice, reshape, stock, mapChildren, "Fail")
			failedQuietly(t, res)
			assert.Equal(t, 1, count(entered(res), "Not in Stock"))
			assert.Equal(t, failure.ExceedToleratedFailure, field(enteredInput(t, res, "Fail"), "Error"), "the Map's error, caught")
			assert.Empty(t, h.items("CustomerOrders"))
			assert.Empty(t, h.messages("sns", "OrderUpdates"))
		}},
		{name: "P5 a Parallel branch raises", input: "input-payment-processed.json",
			setup: lambda("PaymentVerifier", -1, pythonError("ConnectionError", "card network unreachable", "payment_verifier")),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Parallel", partialBranches([]string{verify}, []string{retrieve}), "Fail")
				failedQuietly(t, res)
				assert.Equal(t, "ConnectionError", field(enteredInput(t, res, "Fail"), "Error"))
			}},
		{name: "P5 a Parallel branch's Lambda.ServiceException persists", input: "input-payment-processed.json",
			setup: counted("ItemsInStockRetriever", serviceError("Lambda.ServiceException")),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Parallel", partialBranches([]string{verify}, []string{retrieve}), "Fail")
				failedQuietly(t, res)
				assert.Equal(t, int32(4), attempts())
				assert.Equal(t, 7*time.Second, elapsed(res), "retry waits of 1, 2 and 4 s")
			}},
		{name: "P6 Charge Payment's Lambda.TooManyRequestsException persists", input: "input-payment-processed.json",
			setup: counted("chargePaymentMethod", serviceError("Lambda.TooManyRequestsException")),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Parallel", both, choice, reshape, stock, mapChildren, charge)
				assertFailed(t, res, "Lambda.TooManyRequestsException", "")
				assert.Equal(t, int32(4), attempts())
				assert.Equal(t, 7*time.Second, elapsed(res))
				assert.Empty(t, h.items("CustomerOrders"))
			}},
		{name: "P6 Charge Payment raises another exception", input: "input-payment-processed.json",
			setup: counted("chargePaymentMethod", pythonError("ValueError", "bad card", "charge_payment_method")),
			check: func(t *testing.T, h *harness, res *result) {
				assertFailed(t, res, "ValueError", "")
				assert.Equal(t, "bad card", errorMessage(t, res.Cause, "ValueError"))
				assert.Equal(t, int32(1), attempts(), "not retried")
			}},
		{name: "P7 orderContents.items missing", input: "input-missing-order-contents.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "Parallel", partialBranches([]string{verify}, []string{retrieve}))
			assertFailed(t, res, failure.Runtime, "")
			assert.Contains(t, res.Cause, "An error occurred while executing the state 'Retrieve Item Stock Levels'")
			assert.Contains(t, res.Cause, "The JSONPath '$.orderContents.items' specified for the field 'items.$' could not be found in the input")
			assert.Contains(t, entered(res), retrieve)
		}},
		{name: "P8 the CustomerOrders table does not exist", input: "input-payment-processed.json", opts: []loadOption{withoutFixtures()},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Parallel", both, choice, reshape, stock, mapChildren, charge, okPut)
				assertFailed(t, res, "DynamoDB.ResourceNotFoundException", "")
			}},
		{name: "P8 the SNS publish fails", input: "input-payment-processed.json",
			setup: func(t *testing.T, h *harness) {
				fail, _ := failing(-1, failure.New("SNS.AuthorizationErrorException", "not authorized (Service: AmazonSNS; Status Code: 403)"), nil)
				h.local.Registry.Resource("arn:aws:states:::sns:publish", fail)
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Parallel", both, choice, reshape, stock, mapChildren, charge, okPut, publish)
				assertFailed(t, res, "SNS.AuthorizationErrorException", "")
				assert.Len(t, h.items("CustomerOrders"), 1)
			}},
	}
	for i := range cases {
		own := cases[i].setup
		cases[i].setup = func(t *testing.T, h *harness) {
			placeholderTopics(h)
			if own != nil {
				own(t, h)
			}
		}
	}
	runPaths(t, "order-processing", cases)
}

// --- 002 Simple Order Flow ---

func TestSimpleOrderFlow(t *testing.T) {
	fanOut := branches(
		[]string{"CheckFurtherDiscountEligibility", "GenerateDiscountCode"},
		[]string{"UpdateLoyaltyPoints"},
		[]string{"PrepareOrder", "SendToShipment"},
		[]string{"UpdateRecoEngine"},
	)
	inStock := parse(t, `[{"DiscountCode":"Hello10"},{},{"ShipmentSent":"True"},{"RecoengineUpdated":"True"}]`)
	printed := parse(t, `[{"DiscountCode":"Hello10"},{"LoyaltyPoints":500},{"ShipmentSent":"True"},{"RecoengineUpdated":"True"}]`)
	p1 := func(t *testing.T, h *harness, res *result) {
		assertEntered(t, res, "Order Handling", "CheckInventory", "Choice", "Pass", "Parallel", fanOut, "Order Handled")
		require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
		assert.Equal(t, inStock, res.Output)
	}
	p2 := func(t *testing.T, h *harness, res *result) {
		assertEntered(t, res, "Order Handling", "CheckInventory", "Choice", "OrderPrint", "Parallel", fanOut, "Order Handled")
		require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
		assert.Equal(t, printed, res.Output)
	}
	var attempts func() int32
	fault := func(state string, n int, err error, result any) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			fail, calls := failing(n, err, result)
			attempts = func() int32 { return calls.Load() }
			h.local.Registry.State(state, fail)
		}
	}

	runPaths(t, "simple-order-flow", []pathCase{
		{name: "P1 inventory available", input: "input.json", check: p1},
		{name: "P2 no inventory, print the book", input: "input-no-inventory.json", check: p2},
		{name: "P1 on the commenter's fix (direct ARNs, no Parameters)", input: "input.json",
			opts: []loadOption{variant("variants/simple-order-flow.commenter-fix.asl.json")}, check: p1},
		{name: "P2 on the commenter's fix (direct ARNs, no Parameters)", input: "input-no-inventory.json",
			opts: []loadOption{variant("variants/simple-order-flow.commenter-fix.asl.json")}, check: p2},
		{name: "P3 the article's direct ARNs with Parameters and OutputPath kept", input: "input.json",
			opts: []loadOption{variant("variants/simple-order-flow.direct-arn.asl.json")},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Order Handling", "CheckInventory")
				assertFailed(t, res, failure.Runtime, "An error occurred while executing the state 'CheckInventory' (entered at the event id #4). "+
					"Invalid path '$.Payload' : No results for path: $['Payload']")
			}},
		{name: "P4 a Lambda.ServiceException recovers", input: "input.json",
			setup: fault("CheckInventory", 2, serviceError("Lambda.ServiceException"), map[string]any{"ItemStock": int64(20)}),
			check: func(t *testing.T, h *harness, res *result) {
				p1(t, h, res)
				assert.Equal(t, int32(3), attempts())
				assert.Equal(t, 6*time.Second, elapsed(res), "retry waits of 2 and 4 s")
			}},
		{name: "P4 a Lambda.AWSLambdaException persists in a branch", input: "input.json",
			setup: fault("UpdateRecoEngine", -1, serviceError("Lambda.AWSLambdaException"), nil),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Order Handling", "CheckInventory", "Choice", "Pass", "Parallel", partialBranches(
					[]string{"CheckFurtherDiscountEligibility", "GenerateDiscountCode"},
					[]string{"UpdateLoyaltyPoints"},
					[]string{"PrepareOrder", "SendToShipment"},
					[]string{"UpdateRecoEngine"},
				))
				assertFailed(t, res, "Lambda.AWSLambdaException", "")
				assert.Equal(t, int32(7), attempts())
				assert.Equal(t, 126*time.Second, elapsed(res), "retry waits of 2, 4, 8, 16, 32 and 64 s")
			}},
		{name: "P4 another handler error is not retried", input: "input-no-inventory.json",
			setup: fault("OrderPrint", -1, nodeError("Error", "printer on fire", "orderToPrint"), nil),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "Order Handling", "CheckInventory", "Choice", "OrderPrint")
				assertFailed(t, res, "Error", "")
				assert.Equal(t, int32(1), attempts())
				assert.Zero(t, elapsed(res))
			}},
	})
}

// --- 003 Order Fulfillment ---

// tolerant stands in for a function that answers 200 whatever its input (handlers.md, "Deterministic
// testing").
func tolerant(message string) resources.Handler {
	return resources.HandlerFunc(func(context.Context, *resources.Call) (any, error) {
		return response(200, message, nil), nil
	})
}

func TestOrderFulfillment(t *testing.T) {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:"
	all := []any{"OrderReceived", "ValidateOrder", "ProcessPayment", "CheckInventory", "HumanApproval", "ShipOrder", "SendConfirmation"}
	confirmed := map[string]any{"statusCode": int64(200), "body": `{"message":"Confirmation email sent successfully"}`}
	// stubs binds tolerant functions, except those given.
	stubs := func(except ...string) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			for name, message := range map[string]string{
				"ValidateOrder": "Order validated successfully", "ProcessPayment": "Payment processed successfully",
				"CheckInventory": "Inventory check successful", "ShipOrder": "Order shipped successfully",
				"SendConfirmation": "Confirmation email sent successfully",
			} {
				if !contains(except, name) {
					h.local.Registry.Lambda(fn+name, tolerant(message))
				}
			}
		}
	}
	var attempts func() int32
	payment := func(n int) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			stubs("ProcessPayment")(t, h)
			fail, calls := failing(n, nodeError("Error", "gateway timeout", "ProcessPayment"), response(200, "Payment processed successfully", nil))
			attempts = func() int32 { return calls.Load() }
			h.local.Registry.Lambda(fn+"ProcessPayment", fail)
		}
	}

	runPaths(t, "order-fulfillment", []pathCase{
		{name: "P1 faithful run", input: "input.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, "OrderReceived", "ValidateOrder")
			assertFailed(t, res, "TypeError", "")
			assert.Equal(t, "Cannot read property 'orderId' of undefined", errorMessage(t, res.Cause, "TypeError"))
			assert.Equal(t, "Order Received", enteredInput(t, res, "ValidateOrder"))
			assert.Empty(t, h.items("Orders"))
		}},
		{name: "P2 happy path", input: "input.json", setup: stubs(), check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, all...)
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.Equal(t, confirmed, res.Output)
			assert.Equal(t, 300*time.Second, elapsed(res), "HumanApproval waits 300 s")
		}},
		{name: "P3 ProcessPayment recovers on the 4th attempt", input: "input.json", setup: payment(3),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, all...)
				require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
				assert.Equal(t, confirmed, res.Output)
				assert.Equal(t, int32(4), attempts())
				assert.Equal(t, 335*time.Second, elapsed(res), "retry waits of 5, 10 and 20 s, then the 300 s wait")
			}},
		{name: "P4 ProcessPayment fails on every attempt", input: "input.json", setup: payment(-1),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "OrderReceived", "ValidateOrder", "ProcessPayment")
				assertFailed(t, res, "Error", "")
				assert.Equal(t, "gateway timeout", errorMessage(t, res.Cause, "Error"))
				assert.Equal(t, int32(4), attempts())
				assert.Equal(t, 35*time.Second, elapsed(res))
			}},
		{name: "P5 CheckInventory throws, Catch to OrderFailed", input: "input.json",
			setup: func(t *testing.T, h *harness) {
				// Only ValidateOrder is tolerant: the faithful CheckInventory throws on ProcessPayment's answer.
				h.local.Registry.Lambda(fn+"ValidateOrder", tolerant("Order validated successfully"))
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, "OrderReceived", "ValidateOrder", "ProcessPayment", "CheckInventory", "OrderFailed")
				assertFailed(t, res, "", "Order processing failed")
				assert.Equal(t, "TypeError", field(enteredInput(t, res, "OrderFailed"), "Error"))
				code := field(enteredInput(t, res, "CheckInventory"), "statusCode")
				assert.Contains(t, []any{int64(200), int64(400)}, code, "ProcessPayment's answer")
			}},
		{name: "P6 ShipOrder throws after the wait", input: "input.json",
			setup: func(t *testing.T, h *harness) {
				stubs("ShipOrder")(t, h)
				fail, _ := failing(-1, nodeError("Error", "no truck", "ShipOrder"), nil)
				h.local.Registry.Lambda(fn+"ShipOrder", fail)
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, all[:6]...)
				assertFailed(t, res, "Error", "")
				assert.Equal(t, 300*time.Second, elapsed(res))
			}},
		{name: "P6 the faithful SendConfirmation throws", input: "input.json", setup: stubs("SendConfirmation"),
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, all...)
				assertFailed(t, res, "TypeError", "")
				assert.Equal(t, "Cannot read property 'orderId' of undefined", errorMessage(t, res.Cause, "TypeError"))
				assert.Empty(t, h.messages("sns", "OrderConfirmation"))
			}},
	})
}

// --- 004 Cloud Pizza ---

func TestCloudPizza(t *testing.T) {
	const (
		create   = "Create New Order (1)"
		pay      = "Process Payment (2)"
		fork     = "Payment Processed"
		loyalty  = "Add Loyalty Points To Customer Record (3)"
		dlq      = "Add Loyalty Points DLQ"
		prepare  = "Begin Order Preparation (4)"
		cook     = "Wait on food to be cooked and delivered (5)"
		done     = "Your pizza has been delivered!"
		refund   = "Begin Refund Process"
		refund6  = "Refund Payment (6)"
		remove7  = "Remove Loyalty Points (7)"
		rolled   = "Rollback Was Successful"
		failed   = "Order Failed"
		notify   = "Notify Customer - Order Failed"
		sorry    = "Sorry, We Couldn't complete your order"
		kitchen  = "TactacamStack-PrepareOrderQueue"
		callback = "Callback task completed successfully."
	)
	status := func(h *harness, orderID int64) any {
		it := h.getItem("orders", map[string]any{"orderId": orderID})
		if it == nil {
			return nil
		}
		return it["status"]
	}
	orderOf := func(h *harness, res *result) int64 {
		id, _ := field(enteredInput(h.t, res, create), "orderId").(int64)
		return id
	}
	// payload is what the steps after payment see for an input.
	payload := func(h *harness, res *result, extra map[string]any) map[string]any {
		out := map[string]any{"status": "ok", "paymentId": "simulatedPaymentId"}
		in, _ := enteredInput(h.t, res, create).(map[string]any)
		for k, v := range in {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	rollbackRoute := func(last ...string) []any {
		return append([]any{create, pay, fork, partialBranches([]string{loyalty, dlq}, []string{prepare, cook}), refund, refund6}, toAny(last)...)
	}
	succeeded := func(t *testing.T, h *harness, res *result, discount any) {
		require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
		out, ok := res.Output.([]any)
		require.True(t, ok, "output %v", res.Output)
		require.Len(t, out, 2)
		assert.Equal(t, callback, out[1])
		h.settled(kitchen)
		order := h.getItem("orders", map[string]any{"orderId": orderOf(h, res)})
		assert.Equal(t, int64(statusDeliveryConfirmed), order["status"])
		assert.Equal(t, discount, order["discountApplied"])
		sent := h.bodies("sqs", kitchen)
		require.Len(t, sent, 1)
		assert.Equal(t, "PrepareOrder", field(sent[0], "messageType"))
		assert.NotEmpty(t, field(sent[0], "taskToken"))
		assert.Equal(t, payload(h, res, map[string]any{"loyaltyTransactionId": "simulatedLoyaltytId"}), field(sent[0], "payload"))
	}
	notified := func(t *testing.T, res *result) any { return enteredInput(t, res, notify) }

	runPaths(t, "cloud-pizza", []pathCase{
		{name: "P0 delivered", input: "input.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, create, pay, fork, branches([]string{loyalty}, []string{prepare, cook}), done)
			succeeded(t, h, res, 0.2)
			env3 := res.Output.([]any)[0]
			assert.Equal(t, int64(200), field(env3, "StatusCode"))
			assert.Equal(t, payload(h, res, map[string]any{"loyaltyTransactionId": "simulatedLoyaltytId"}), field(env3, "Payload"))
			order := h.getItem("orders", map[string]any{"orderId": orderOf(h, res)})
			assert.Equal(t, "Pineapple", order["flavour"])
			assert.Equal(t, "You like pineapple, you're one of us!", order["discountReason"])
		}},
		{name: "P1 creating the order fails", input: "input-error-1-create-order.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, create, failed, notify, sorry)
			assertFailed(t, res, "", "")
			assert.Nil(t, status(h, orderOf(h, res)), "the throw comes before the put")
			assert.Equal(t, 7*time.Second, elapsed(res), "retry waits of 1, 2 and 4 s")
			in := notified(t, res)
			assert.Equal(t, "Error", field(in, "Error"))
			assert.Equal(t, "Simulating an exception in step: 1", errorMessage(t, field(in, "Cause").(string), "Error"))
		}},
		{name: "P2 payment fails", input: "input-error-2-process-payment.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, create, pay, failed, notify, sorry)
			assertFailed(t, res, "", "")
			assert.Equal(t, int64(statusPending), status(h, orderOf(h, res)))
			assert.Zero(t, elapsed(res), "MaxAttempts 0: no retry")
			assert.Equal(t, "Simulating an exception in step: 2", errorMessage(t, field(notified(t, res), "Cause").(string), "Error"))
		}},
		{name: "P3 loyalty points fail, to the DLQ", input: "input-error-3-add-loyalty-points.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, create, pay, fork, branches([]string{loyalty, dlq}, []string{prepare, cook}), done)
			succeeded(t, h, res, 0.2)
			sqsResp := res.Output.([]any)[0]
			assert.NotEmpty(t, field(sqsResp, "MessageId"))
			assert.NotEmpty(t, field(sqsResp, "MD5OfMessageBody"))
			assert.Equal(t, []any{map[string]any{"messageType": "AddLoyaltyPointsFailed", "payload": payload(h, res, nil)}},
				h.bodies("sqs", "TactacamStack-AddLoyaltyPointsDLQ"))
		}},
		{name: "P4 preparation fails, rollback", input: "input-error-4-prepare-order.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, rollbackRoute(remove7, rolled, failed, notify, sorry)...)
			assertFailed(t, res, "", "")
			assert.Equal(t, int64(statusPaymentFailed), status(h, orderOf(h, res)))
			assert.Equal(t, "Simulating an exception in step: 4",
				errorMessage(t, field(field(enteredInput(t, res, refund), "Error"), "Cause").(string), "Error"))
			assert.Equal(t, payload(h, res, nil), field(notified(t, res), "Payload"), "Env(7)")
			assert.Empty(t, h.messages("sqs", kitchen))
		}},
		{name: "P5 the kitchen never calls back: heartbeat timeout, rollback", input: "input-error-5-process-order-callback.json",
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, create, pay, fork, branches([]string{loyalty}, []string{prepare, cook}), refund, refund6, remove7, rolled, failed, notify, sorry)
				assertFailed(t, res, "", "")
				assert.Equal(t, 10*time.Second, elapsed(res), "HeartbeatSeconds 10")
				assert.Equal(t, failure.HeartbeatTimeout, field(field(enteredInput(t, res, refund), "Error"), "Error"))
				assert.Equal(t, int64(statusPaymentFailed), status(h, orderOf(h, res)), "1→2→3→4→8")
				msgs := h.messages("sqs", kitchen)
				require.Len(t, msgs, 1)
				assert.Contains(t, msgs[0]["WorkerError"], "Simulating an exception in step: 5")
			}},
		{name: "P6 refund fails, to the DLQ", input: "input-error-6-refund-payment.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, rollbackRoute("Refund Payment DLQ", "Rollback Failed", failed, notify, sorry)...)
			assertFailed(t, res, "", "")
			assert.Equal(t, int64(statusPaymentComplete), status(h, orderOf(h, res)), "the refund threw before its update")
			assert.InDelta(t, 6.1051, elapsed(res).Seconds(), 0.01, "waits of 1, 1.1, 1.21, 1.331 and 1.4641 s")
			assert.Equal(t, []any{map[string]any{"messageType": "RefundPaymentFailed", "payload": payload(h, res, nil)}},
				h.bodies("sqs", "TactacamStack-RefundPaymentDLQ"))
			assert.NotEmpty(t, field(notified(t, res), "MessageId"), "the DLQ's SendMessage response")
		}},
		{name: "P7 reclaiming the points fails, to the DLQ", input: "input-error-7-reclaim-loyalty-points.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, rollbackRoute(remove7, "Remove Loyalty Points DLQ", "Rollback Failed", failed, notify, sorry)...)
			assertFailed(t, res, "", "")
			assert.Equal(t, int64(statusPaymentFailed), status(h, orderOf(h, res)))
			assert.Equal(t, []any{map[string]any{"messageType": "RemoveLoyaltyPointsFailed", "payload": payload(h, res, nil)}},
				h.bodies("sqs", "TactacamStack-RemoveLoyaltyPointsDLQ"))
		}},
		{name: "extra errorOnStep 100 passed directly", input: "input-error-100-all-passed-directly.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, rollbackRoute(remove7, rolled, failed, notify, sorry)...)
			assertFailed(t, res, "", "")
			assert.Equal(t, int64(statusPaymentFailed), status(h, orderOf(h, res)))
		}},
		{name: "extra plain flavor", input: "input-plain-defaults.json", check: func(t *testing.T, h *harness, res *result) {
			assertEntered(t, res, create, pay, fork, branches([]string{loyalty}, []string{prepare, cook}), done)
			succeeded(t, h, res, int64(0))
			assert.Equal(t, "", h.getItem("orders", map[string]any{"orderId": orderOf(h, res)})["discountReason"])
		}},
		{name: "extra a kitchen slower than the heartbeat", input: "input.json", opts: []loadOption{withoutWorkers()},
			setup: func(t *testing.T, h *harness) {
				kitchenWorker := orderProcessor(h.local.Env)
				h.subscribe(kitchen, func(ctx context.Context, m sqs.Message) error {
					require.NoError(t, h.local.Env.Clock.Sleep(ctx, 12*time.Second))
					return kitchenWorker(ctx, m) // too late: TaskTimedOut
				})
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, create, pay, fork, branches([]string{loyalty}, []string{prepare, cook}), refund, refund6, remove7, rolled, failed, notify, sorry)
				assertFailed(t, res, "", "")
				assert.Equal(t, failure.HeartbeatTimeout, field(field(enteredInput(t, res, refund), "Error"), "Error"))
				assert.Equal(t, 10*time.Second, elapsed(res))
				h.settled(kitchen)
				assert.Contains(t, h.messages("sqs", kitchen)[0]["WorkerError"], interpreter.ErrTaskTimedOut)
			}},
		{name: "extra a kitchen that heartbeats and never finishes: execution timeout", input: "input.json", opts: []loadOption{withoutWorkers()},
			setup: func(t *testing.T, h *harness) {
				h.subscribe(kitchen, func(ctx context.Context, m sqs.Message) error {
					token, _ := field(parse(t, m.Body), "taskToken").(string)
					for {
						if err := h.local.Env.Clock.Sleep(ctx, 5*time.Second); err != nil {
							return err
						}
						if err := h.local.Env.Answers.SendTaskHeartbeat(token); err != nil {
							return err // the execution is over
						}
					}
				})
			},
			check: func(t *testing.T, h *harness, res *result) {
				assertEntered(t, res, create, pay, fork, branches([]string{loyalty}, []string{prepare, cook}))
				assert.Equal(t, interpreter.TimedOut, res.Status)
				assert.Equal(t, failure.Timeout, res.Error)
				assert.Equal(t, 30*time.Second, elapsed(res), "TimeoutSeconds 30")
				h.settled(kitchen)
			}},
	})
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}
