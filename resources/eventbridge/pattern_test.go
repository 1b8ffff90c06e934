package eventbridge

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/source"
)

// The event every case matches against, shaped like EventBridge's envelope.
const patternEvent = `{
	"version": "0", "id": "e-1", "detail-type": "Order Placed", "source": "com.shop.orders",
	"account": "123456789012", "time": "2026-12-07T10:00:00Z", "region": "us-east-1",
	"resources": ["arn:aws:states:us-east-1:123456789012:stateMachine:checkout"],
	"detail": {
		"orderId": "o-17", "total": 42.5, "items": 3, "express": true, "coupon": null,
		"state": "PAID", "file": "invoice.PDF", "ip": "10.0.0.7",
		"tags": ["gift", "priority"],
		"lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}],
		"customer": {"tier": "gold", "country": "FR"}
	}
}`

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		name, pattern string
		match         bool
	}{
		{"exact source", `{"source": ["com.shop.orders"]}`, true},
		{"exact source, other value", `{"source": ["com.shop.billing"]}`, false},
		{"one of several values", `{"source": ["x", "com.shop.orders"]}`, true},
		{"and of two fields", `{"source": ["com.shop.orders"], "detail-type": ["Order Placed"]}`, true},
		{"and fails on one field", `{"source": ["com.shop.orders"], "detail-type": ["Order Shipped"]}`, false},
		{"nested field", `{"detail": {"customer": {"tier": ["gold"]}}}`, true},
		{"missing field", `{"detail": {"missing": ["x"]}}`, false},
		{"number by value", `{"detail": {"items": [3.0]}}`, true},
		{"number is not its string", `{"detail": {"items": ["3"]}}`, false},
		{"true", `{"detail": {"express": [true]}}`, true},
		{"null", `{"detail": {"coupon": [null]}}`, true},
		{"array value: any element", `{"detail": {"tags": ["priority"]}}`, true},
		{"array value: no element", `{"detail": {"tags": ["fragile"]}}`, false},
		{"resources array", `{"resources": [{"suffix": ":stateMachine:checkout"}]}`, true},
		{"array of objects flattened", `{"detail": {"lines": {"sku": ["B"]}}}`, true},
		{"array of objects, no element", `{"detail": {"lines": {"sku": ["C"]}}}`, false},
		{"prefix", `{"time": [{"prefix": "2026-12-07"}]}`, true},
		{"prefix, no match", `{"time": [{"prefix": "2025"}]}`, false},
		{"prefix ignoring case", `{"detail-type": [{"prefix": {"equals-ignore-case": "order p"}}]}`, true},
		{"prefix on a number", `{"detail": {"items": [{"prefix": "3"}]}}`, false},
		{"suffix", `{"detail": {"file": [{"suffix": ".PDF"}]}}`, true},
		{"suffix is case-sensitive", `{"detail": {"file": [{"suffix": ".pdf"}]}}`, false},
		{"suffix ignoring case", `{"detail": {"file": [{"suffix": {"equals-ignore-case": ".pdf"}}]}}`, true},
		{"equals-ignore-case", `{"detail": {"state": [{"equals-ignore-case": "paid"}]}}`, true},
		{"wildcard", `{"detail": {"file": [{"wildcard": "inv*.PDF"}]}}`, true},
		{"wildcard whole value", `{"detail": {"file": [{"wildcard": "inv*"}]}}`, true},
		{"wildcard no match", `{"detail": {"file": [{"wildcard": "*.png"}]}}`, false},
		{"wildcard escaped star", `{"detail": {"file": [{"wildcard": "invoice\\*PDF"}]}}`, false},
		{"anything-but a value", `{"detail": {"state": [{"anything-but": "PENDING"}]}}`, true},
		{"anything-but the value", `{"detail": {"state": [{"anything-but": "PAID"}]}}`, false},
		{"anything-but a list", `{"detail": {"state": [{"anything-but": ["PAID", "PENDING"]}]}}`, false},
		{"anything-but a number", `{"detail": {"items": [{"anything-but": [1, 2]}]}}`, true},
		{"anything-but a prefix", `{"source": [{"anything-but": {"prefix": "com.shop"}}]}`, false},
		{"anything-but a suffix", `{"detail": {"file": [{"anything-but": {"suffix": ".png"}}]}}`, true},
		{"anything-but ignoring case", `{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["paid"]}}]}}`, false},
		{"anything-but a wildcard", `{"detail": {"file": [{"anything-but": {"wildcard": "*.PDF"}}]}}`, false},
		{"anything-but needs the field", `{"detail": {"missing": [{"anything-but": "x"}]}}`, false},
		{"numeric range", `{"detail": {"total": [{"numeric": [">", 0, "<=", 42.5]}]}}`, true},
		{"numeric range excludes", `{"detail": {"total": [{"numeric": [">", 42.5]}]}}`, false},
		{"numeric equals", `{"detail": {"items": [{"numeric": ["=", 3]}]}}`, true},
		{"numeric on a string", `{"detail": {"state": [{"numeric": [">", 0]}]}}`, false},
		{"exists", `{"detail": {"orderId": [{"exists": true}]}}`, true},
		{"exists on null", `{"detail": {"coupon": [{"exists": true}]}}`, true},
		{"exists on a missing field", `{"detail": {"missing": [{"exists": true}]}}`, false},
		{"not exists on a missing field", `{"detail": {"missing": [{"exists": false}]}}`, true},
		{"not exists on a field", `{"detail": {"orderId": [{"exists": false}]}}`, false},
		{"exists is for leaves", `{"detail": {"customer": [{"exists": true}]}}`, false},
		{"cidr", `{"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}`, true},
		{"cidr outside", `{"detail": {"ip": [{"cidr": "10.0.1.0/24"}]}}`, false},
		{"$or, second alternative", `{"source": ["com.shop.orders"], "$or": [{"detail": {"state": ["NEW"]}}, {"detail": {"items": [{"numeric": [">=", 3]}]}}]}`, true},
		{"$or, no alternative", `{"$or": [{"source": ["x"]}, {"detail-type": ["y"]}]}`, false},
		{"$or nested under detail", `{"detail": {"$or": [{"state": ["PAID"]}, {"total": [0]}]}}`, true},
		{"filters or values", `{"detail": {"state": ["NEW", {"prefix": "PA"}]}}`, true},
	}
	event, err := source.DecodePlain([]byte(patternEvent))
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CompilePattern(tt.pattern)
			require.NoError(t, err)
			assert.Equal(t, tt.match, p.Match(event.(map[string]any)))
		})
	}
}

func TestPatternErrors(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{`[]`, `the event pattern must be a JSON object, not []`},
		{`{`, `the event pattern is not JSON`},
		{`{}`, `the top level is an empty object`},
		{`{"source": "x"}`, `"source" must be an object or an array of values and filters, not "x"`},
		{`{"detail": {"a": []}}`, `"detail.a" is an empty array, which matches nothing`},
		{`{"source": [{"prefix": 1}]}`, `"source": "prefix" takes a string or {"equals-ignore-case": string}`},
		{`{"source": [{"regex": "x"}]}`, `"source": unknown filter "regex"`},
		{`{"source": [{"prefix": "a", "suffix": "b"}]}`, `"source": a filter is an object with one key`},
		{`{"n": [{"numeric": [">", "1"]}]}`, `"n": "numeric": "1" is not a number`},
		{`{"n": [{"numeric": [">", 1, ">", 2]}]}`, `"n": "numeric" has two lower bounds`},
		{`{"n": [{"numeric": ["!=", 1]}]}`, `"n": "numeric": unknown operator "!="`},
		{`{"n": [{"exists": "yes"}]}`, `"n": "exists" takes true or false`},
		{`{"n": [{"cidr": "10.0.0.0"}]}`, `"n": "cidr" takes an IP address range`},
		{`{"n": [{"anything-but": {"numeric": [">", 1]}}]}`, `"n": "anything-but" takes a value, a list, or a prefix`},
		{`{"n": [{"wildcard": "a**"}]}`, `"n": "wildcard" "a**" has consecutive wildcard characters`},
		{`{"$or": [{"a": ["x"]}]}`, `"$or" at the top level must be an array of at least two patterns`},
		{`{"n": [["x"]]}`, `"n": a value in a pattern array cannot be an array`},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			_, err := CompilePattern(tt.pattern)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// BenchmarkPatternMatch is one rule of several fields and filters against the envelope of an order.
func BenchmarkPatternMatch(b *testing.B) {
	event, err := source.DecodePlain([]byte(patternEvent))
	require.NoError(b, err)
	p, err := CompilePattern(`{"source": [{"prefix": "com.shop"}], "detail-type": ["Order Placed"],
		"detail": {"total": [{"numeric": [">", 0, "<=", 100]}], "state": [{"anything-but": ["NEW", "CANCELLED"]}],
		"lines": {"sku": ["B"]}, "$or": [{"express": [true]}, {"customer": {"tier": ["gold"]}}]}}`)
	require.NoError(b, err)
	e := event.(map[string]any)
	b.ReportAllocs()
	for b.Loop() {
		if !p.Match(e) {
			b.Fatal("no match")
		}
	}
}
