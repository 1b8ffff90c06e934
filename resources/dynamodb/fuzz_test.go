package dynamodb

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzExpressions feeds arbitrary text to every expression parser and applies what parses to an item:
// nothing may panic.
func FuzzExpressions(f *testing.F) {
	for _, seed := range []string{
		"SET a = a + :n, #m.k[0] = list_append(if_not_exists(l, :l), :l) REMOVE x[1] ADD s :ss DELETE s :ss",
		"a = :n AND (NOT b BETWEEN :n AND :n OR c IN (:n, :s)) AND size(l) > :n",
		"attribute_type(a, :s) OR begins_with(#m.k, :s) OR contains(l, :n) OR attribute_not_exists(z)",
		"((a = :n))", "a-b", "!!!", "SET", "a[99999999999999999999]", "#", ":", "a.b.c[0][1].d",
	} {
		f.Add(seed)
	}
	it := item{
		"a": numValue(intDecimal(1)), "s": &value{kind: kindSS, strs: []string{"x"}},
		"l": listValue([]*value{strValue("x"), mapValue(item{"k": strValue("v")})}),
		"m": mapValue(item{"k": listValue([]*value{numValue(intDecimal(2))})}),
	}
	f.Fuzz(func(t *testing.T, src string) {
		ctx := &exprContext{
			names: map[string]string{"#m": "m", "#a": "a"},
			values: map[string]*value{
				":n": numValue(intDecimal(3)), ":s": strValue("S"), ":l": listValue(nil),
				":ss": &value{kind: kindSS, strs: []string{"x", "y"}},
			},
			usedNames: map[string]bool{}, usedValues: map[string]bool{},
		}
		if c, err := parseCondition(ctx, "ConditionExpression", src); err == nil {
			evalCondition(c, it)
			(&table{key: KeySchema{PartitionKey: Attribute{"a", "N"}, SortKey: Attribute{"s", "S"}}}).keyConditions(c)
		}
		if actions, err := parseUpdate(ctx, src); err == nil {
			_ = applyUpdate(actions, it.clone())
		}
		if paths, err := parseProjection(ctx, src); err == nil {
			project(it, paths)
		}
	})
}

// FuzzCall sends arbitrary JSON requests to every action: nothing may panic.
func FuzzCall(f *testing.F) {
	for _, seed := range []string{
		`{"TableName":"Orders","Item":{"customer":{"S":"a"},"orderId":{"N":"1"},"m":{"M":{"l":{"L":[{"NS":["1"]}]}}}}}`,
		`{"TableName":"Orders","Key":{"customer":{"S":"a"},"orderId":{"N":"1"}},"UpdateExpression":"SET m.l[0] = :v","ExpressionAttributeValues":{":v":{"B":"AA=="}},"ReturnValues":"UPDATED_NEW"}`,
		`{"TableName":"Orders","KeyConditionExpression":"customer = :c AND orderId > :o","ExpressionAttributeValues":{":c":{"S":"a"},":o":{"N":"0"}},"Limit":1,"ExclusiveStartKey":{"customer":{"S":"a"},"orderId":{"N":"1"}}}`,
		`{"TableName":"Books","Segment":0,"TotalSegments":2,"FilterExpression":"size(#t) > :n","ExpressionAttributeNames":{"#t":"t"},"ExpressionAttributeValues":{":n":{"N":"1"}}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		// encoding/json rather than ojg, which itself panics on some malformed text.
		var req map[string]any
		dec := json.NewDecoder(strings.NewReader(src))
		dec.UseNumber()
		if dec.Decode(&req) != nil {
			return
		}
		db := New()
		_ = db.CreateTable("Orders", KeySchema{PartitionKey: Attribute{"customer", "S"}, SortKey: Attribute{"orderId", "N"}})
		_ = db.CreateTable("Books", KeySchema{PartitionKey: Attribute{"bookId", "S"}})
		for _, action := range []string{"PutItem", "UpdateItem", "GetItem", "Query", "Scan", "DeleteItem"} {
			_, _ = db.Call(context.Background(), action, req)
		}
		_ = db.Dump()
	})
}
