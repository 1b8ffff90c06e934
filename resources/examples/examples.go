// Package examples holds the Lambda functions and queue workers of the example workflows in definitions/,
// rewritten in Go on the embedded services, so that the definitions run unmodified with aslrun. Each is
// registered in init() as a built-in that a definition's sidecar handler file binds ({"builtin": NAME},
// "$workers"); they follow the pseudo-specs (handlers.md) of the seed workflows definitions/SOURCES.md
// lists.
//
// The handlers reproduce the originals' observable behaviour, quirks included: the error names and
// messages their runtimes (Node.js, Python) report, the table writes, what they return. 001's random
// failures are replaced by hints its inputs carry (orderprocessing.go); 003's coin flips stay random, as
// nothing in that workflow reads their outcome.
package examples

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/awserr"
	"github.com/aslrun/aslrun/resources/dynamodb"
)

// nodeError is the failure a Node.js Lambda function reports for a thrown error: Error is err.name and
// the Cause is the runtime's error payload, {"errorType","errorMessage","trace"}.
func nodeError(errorType, message, function string) error {
	cause, _ := json.Marshal(struct { // strings and a list of strings always marshal
		Type    string   `json:"errorType"`
		Message string   `json:"errorMessage"`
		Trace   []string `json:"trace"`
	}{errorType, message, []string{
		errorType + ": " + message,
		"    at Runtime.handler (/var/task/" + function + ".js)",
	}})
	return failure.New(errorType, string(cause))
}

// pythonError is the failure a Python Lambda function reports for an uncaught exception: Error is the
// exception's class name and the Cause the runtime's payload, {"errorMessage","errorType","requestId",
// "stackTrace"}.
func pythonError(errorType, message, function string) error {
	cause, _ := json.Marshal(struct {
		Message   string   `json:"errorMessage"`
		Type      string   `json:"errorType"`
		RequestID string   `json:"requestId"`
		Trace     []string `json:"stackTrace"`
	}{message, errorType, interpreter.NewUUID(), []string{
		"  File \"/var/task/" + function + ".py\", in lambda_handler\n",
	}})
	return failure.New(errorType, string(cause))
}

// jsString is String(e) of an error a Node.js function caught: "Name: message". AWS SDK errors print as
// their code and message.
func jsString(err error) string {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae.Code + ": " + ae.Message
	}
	var fe *failure.Error
	if errors.As(err, &fe) { // a TypeError built by jsGet
		var payload struct {
			Type    string `json:"errorType"`
			Message string `json:"errorMessage"`
		}
		if json.Unmarshal([]byte(fe.Cause), &payload) == nil && payload.Type != "" {
			return payload.Type + ": " + payload.Message
		}
		return fe.Name
	}
	return "Error: " + err.Error()
}

// undefined is JavaScript's undefined, which JSON has no value for: a missing property.
type undefined struct{}

// jsGet reads event.k1.k2... as JavaScript does: a missing property is undefined, and reading a property of
// undefined or null throws TypeError with the message of the given Node.js version (12/14 or 16+).
// Properties of other primitives are undefined.
func jsGet(v any, function string, node16 bool, keys ...string) (any, error) {
	for _, k := range keys {
		switch t := v.(type) {
		case undefined, nil:
			of := "undefined"
			if t == nil {
				of = "null"
			}
			msg := "Cannot read property '" + k + "' of " + of
			if node16 {
				msg = "Cannot read properties of " + of + " (reading '" + k + "')"
			}
			return nil, nodeError("TypeError", msg, function)
		case map[string]any:
			e, ok := t[k]
			if !ok {
				e = undefined{}
			}
			v = e
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(t) {
				v = undefined{}
			} else {
				v = t[i]
			}
		default:
			v = undefined{}
		}
	}
	return v, nil
}

// field reads a member of an object; absent, or not an object, gives undefined.
func field(v any, key string) any {
	if m, ok := v.(map[string]any); ok {
		if e, ok := m[key]; ok {
			return e
		}
	}
	return undefined{}
}

// toNumber is JavaScript's Number(v): NaN for what does not convert.
func toNumber(v any) float64 {
	switch t := v.(type) {
	case int64:
		return float64(t)
	case float64:
		return t
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return math.NaN()
		}
		return f
	case bool:
		if t {
			return 1
		}
		return 0
	case nil:
		return 0
	case string:
		s := strings.TrimSpace(t)
		if s == "" {
			return 0
		}
		lower := strings.ToLower(strings.TrimLeft(s, "+-"))
		if strings.HasPrefix(lower, "inf") || strings.HasPrefix(lower, "nan") || strings.Contains(lower, "_") {
			if s == "Infinity" || s == "+Infinity" {
				return math.Inf(1)
			}
			if s == "-Infinity" {
				return math.Inf(-1)
			}
			return math.NaN()
		}
		if len(s) > 2 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(s[1])) {
			// Hexadecimal, octal and binary integer literals, unsigned.
			n, err := strconv.ParseUint(s, 0, 64)
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN() // undefined, objects, arrays
}

// looseEquals is JavaScript's v == n for a number n.
func looseEquals(v any, n float64) bool {
	switch v.(type) {
	case undefined, nil, map[string]any, []any:
		return false
	}
	return toNumber(v) == n
}

// truthy is JavaScript's Boolean(v).
func truthy(v any) bool {
	switch t := v.(type) {
	case undefined, nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	case int64, float64, json.Number:
		f := toNumber(t)
		return f != 0 && !math.IsNaN(f)
	}
	return true
}

// jsonNumber is a JavaScript number as JSON.stringify writes it: integers as integers, NaN and the
// infinities as null.
func jsonNumber(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return f
}

// defined drops undefined values, as JSON.stringify does for object members.
func defined(m map[string]any) map[string]any {
	for k, v := range m {
		if _, ok := v.(undefined); ok {
			delete(m, k)
		}
	}
	return m
}

// spread is {...first, ...event} for an event that may not be an object (spreading a primitive adds
// nothing). The result is a new map: the event is shared with the execution.
func spread(first map[string]any, event any) map[string]any {
	out := make(map[string]any, len(first)+8)
	for k, v := range first {
		out[k] = v
	}
	if m, ok := event.(map[string]any); ok {
		for k, v := range m {
			out[k] = v
		}
	}
	return defined(out)
}

// tableName is the table a function finds in its environment variable, as the originals do, with the
// name the example fixtures use by default.
func tableName(variable, fallback string) string {
	if v := os.Getenv(variable); v != "" {
		return v
	}
	return fallback
}

// attributes marshals plain values into DynamoDB attribute values. undefined cannot be marshalled; the
// DocumentClient would send nothing and DynamoDB would complain, so it becomes NULL, which DynamoDB
// refuses in a key and in arithmetic alike.
func attributes(plain map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(plain))
	for k, v := range plain {
		if _, ok := v.(undefined); ok {
			v = nil
		}
		av, err := dynamodb.Marshal(v)
		if err != nil {
			return nil, awserr.New("ValidationException", 400, "Supplied AttributeValue is invalid: "+err.Error())
		}
		out[k] = av
	}
	return out, nil
}

// item unmarshals the Item (or an element of Items) of a DynamoDB response; ok is false when there is none.
func item(v any) (map[string]any, bool) {
	typed, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	plain, err := dynamodb.Unmarshal(map[string]any{"M": typed})
	if err != nil {
		return nil, false
	}
	m, ok := plain.(map[string]any)
	return m, ok
}

// sleep waits on the run's clock, so that virtual time stays consistent.
func sleep(ctx context.Context, clock interpreter.Clock, d time.Duration) error {
	if clock == nil || d <= 0 {
		return ctx.Err()
	}
	return clock.Sleep(ctx, d)
}

// callClock is the clock of a call, or of the environment when the interpreter gave none.
func callClock(call *resources.Call, env *resources.Env) interpreter.Clock {
	if call.Clock != nil {
		return call.Clock
	}
	return env.Clock
}

// hold is the hold function the embedded brokers take, so that what they deliver counts as work.
func hold(clock interpreter.Clock) func() func() {
	if clock == nil {
		return nil
	}
	return clock.Hold
}

// pure binds a handler function that answers from its input alone (no service, no clock) to a built-in
// name, as an inline handler (resources.InlineFunc): a Task calls it on its own goroutine.
func pure(name string, f func(ctx context.Context, env *resources.Env, call *resources.Call) (any, error)) {
	resources.RegisterBuiltin(name, func(env *resources.Env) resources.Handler {
		return resources.InlineFunc(func(ctx context.Context, call *resources.Call) (any, error) {
			return f(ctx, env, call)
		})
	})
}

// function binds a handler function to a built-in name.
func function(name string, f func(ctx context.Context, env *resources.Env, call *resources.Call) (any, error)) {
	resources.RegisterBuiltin(name, func(env *resources.Env) resources.Handler {
		return resources.HandlerFunc(func(ctx context.Context, call *resources.Call) (any, error) {
			return f(ctx, env, call)
		})
	})
}
