package dynamodb

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ordersDB has Orders for ann (orderId 1, 2, 3, 10, 20) and bob (orderId 1), and Events keyed by device
// and a string timestamp.
func ordersDB(t *testing.T) *DB {
	db := testDB(t)
	for _, id := range []string{"20", "1", "10", "3", "2"} {
		mustCall(t, db, "PutItem", `{"TableName":"Orders","Item":{"customer":{"S":"ann"},"orderId":{"N":"`+id+`"},"qty":{"N":"`+id+`"}}}`)
	}
	mustCall(t, db, "PutItem", `{"TableName":"Orders","Item":{"customer":{"S":"bob"},"orderId":{"N":"1"},"qty":{"N":"5"}}}`)
	require.NoError(t, db.CreateTable("Events", KeySchema{PartitionKey: Attribute{"device", "S"}, SortKey: Attribute{"ts", "S"}}))
	for _, ts := range []string{"2024-01-02", "2024-02-01", "2023-12-31", "2024-01-15"} {
		mustCall(t, db, "PutItem", `{"TableName":"Events","Item":{"device":{"S":"d1"},"ts":{"S":"`+ts+`"}}}`)
	}
	return db
}

// ids lists the orderIds or timestamps of a Query or Scan response.
func ids(t *testing.T, resp map[string]any) []string {
	var out []string
	for _, it := range resp["Items"].([]any) {
		m := it.(map[string]any)
		for _, attr := range []string{"orderId", "ts"} {
			if v, ok := m[attr].(map[string]any); ok {
				for _, s := range v {
					out = append(out, fmt.Sprint(s))
				}
			}
		}
	}
	return out
}

func TestQuery(t *testing.T) {
	db := ordersDB(t)
	for _, c := range []struct {
		name, table, kce, values, extra string
		want                            []string
	}{
		{"partition", "Orders", "customer = :c", `{":c":{"S":"ann"}}`, ``, []string{"1", "2", "3", "10", "20"}},
		{"other partition", "Orders", "customer = :c", `{":c":{"S":"bob"}}`, ``, []string{"1"}},
		{"no partition", "Orders", "customer = :c", `{":c":{"S":"cy"}}`, ``, nil},
		{"equal", "Orders", "customer = :c AND orderId = :o", `{":c":{"S":"ann"},":o":{"N":"10.0"}}`, ``, []string{"10"}},
		{"less", "Orders", "customer = :c AND orderId < :o", `{":c":{"S":"ann"},":o":{"N":"10"}}`, ``, []string{"1", "2", "3"}},
		{"less or equal", "Orders", "customer = :c AND orderId <= :o", `{":c":{"S":"ann"},":o":{"N":"10"}}`, ``, []string{"1", "2", "3", "10"}},
		{"greater", "Orders", "customer = :c AND orderId > :o", `{":c":{"S":"ann"},":o":{"N":"3"}}`, ``, []string{"10", "20"}},
		{"greater or equal", "Orders", "customer = :c AND orderId >= :o", `{":c":{"S":"ann"},":o":{"N":"3"}}`, ``, []string{"3", "10", "20"}},
		{"between", "Orders", "customer = :c AND orderId BETWEEN :a AND :b", `{":c":{"S":"ann"},":a":{"N":"2"},":b":{"N":"10"}}`, ``, []string{"2", "3", "10"}},
		{"sort key first", "Orders", "orderId > :o AND customer = :c", `{":c":{"S":"ann"},":o":{"N":"3"}}`, ``, []string{"10", "20"}},
		{"value first", "Orders", ":o < orderId AND :c = customer", `{":c":{"S":"ann"},":o":{"N":"3"}}`, ``, []string{"10", "20"}},
		{"parentheses", "Orders", "(customer = :c) AND (orderId > :o)", `{":c":{"S":"ann"},":o":{"N":"3"}}`, ``, []string{"10", "20"}},
		{"placeholders", "Orders", "#c = :c AND #o <= :o", `{":c":{"S":"ann"},":o":{"N":"2"}}`, `,"ExpressionAttributeNames":{"#c":"customer","#o":"orderId"}`, []string{"1", "2"}},
		{"backward", "Orders", "customer = :c", `{":c":{"S":"ann"}}`, `,"ScanIndexForward":false`, []string{"20", "10", "3", "2", "1"}},
		{"begins_with", "Events", "device = :d AND begins_with(ts, :p)", `{":d":{"S":"d1"},":p":{"S":"2024-01"}}`, ``, []string{"2024-01-02", "2024-01-15"}},
		{"string order", "Events", "device = :d AND ts > :p", `{":d":{"S":"d1"},":p":{"S":"2024"}}`, ``, []string{"2024-01-02", "2024-01-15", "2024-02-01"}},
		{"filter", "Orders", "customer = :c", `{":c":{"S":"ann"},":q":{"N":"3"}}`, `,"FilterExpression":"qty >= :q"`, []string{"3", "10", "20"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := call(t, db, "Query", `{"TableName":"`+c.table+`","KeyConditionExpression":"`+c.kce+`","ExpressionAttributeValues":`+c.values+c.extra+`}`)
			require.NoError(t, err)
			assert.Equal(t, c.want, ids(t, resp))
			assert.Equal(t, int64(len(c.want)), resp["Count"])
			assert.NotContains(t, resp, "LastEvaluatedKey")
		})
	}
}

func TestQueryCountsAndProjection(t *testing.T) {
	db := ordersDB(t)
	kce := `"KeyConditionExpression":"customer = :c","ExpressionAttributeValues":{":c":{"S":"ann"},":q":{"N":"10"}}`
	assert.JSONEq(t, `{"Count":2,"ScannedCount":5,"Items":[{"qty":{"N":"10"}},{"qty":{"N":"20"}}]}`,
		mustCall(t, db, "Query", `{"TableName":"Orders",`+kce+`,"FilterExpression":"qty >= :q","ProjectionExpression":"qty"}`))
	assert.JSONEq(t, `{"Count":2,"ScannedCount":5}`,
		mustCall(t, db, "Query", `{"TableName":"Orders",`+kce+`,"FilterExpression":"qty >= :q","Select":"COUNT"}`))
	assert.JSONEq(t, `{"Count":0,"ScannedCount":0,"Items":[]}`,
		mustCall(t, db, "Query", `{"TableName":"Orders","KeyConditionExpression":"customer = :c","ExpressionAttributeValues":{":c":{"S":"zed"}}}`))
}

// TestQueryPagination pages with Limit: Limit counts items read before the filter, LastEvaluatedKey is
// there whenever the limit is reached, and ExclusiveStartKey continues after it.
func TestQueryPagination(t *testing.T) {
	db := ordersDB(t)
	for _, forward := range []bool{true, false} {
		var got []string
		pages := 0
		var start any
		for {
			req := parse(t, `{"TableName":"Orders","KeyConditionExpression":"customer = :c","ExpressionAttributeValues":{":c":{"S":"ann"},":q":{"N":"2"}},"FilterExpression":"qty <> :q","Limit":2}`)
			req["ScanIndexForward"] = forward
			if start != nil {
				req["ExclusiveStartKey"] = start
			}
			resp, err := db.Call(t.Context(), "Query", req)
			require.NoError(t, err)
			pages++
			got = append(got, ids(t, resp)...)
			start = resp["LastEvaluatedKey"]
			if start == nil {
				break
			}
			assert.Equal(t, int64(2), resp["ScannedCount"])
			assert.Contains(t, start, "customer")
			assert.Contains(t, start, "orderId")
		}
		if forward {
			assert.Equal(t, []string{"1", "3", "10", "20"}, got)
		} else {
			assert.Equal(t, []string{"20", "10", "3", "1"}, got)
		}
		assert.Equal(t, 3, pages, "5 items by 2: the third page is short and ends it")
	}
	// A page ending exactly at the last item still has a LastEvaluatedKey; the next page is empty.
	resp, err := call(t, db, "Query", `{"TableName":"Orders","KeyConditionExpression":"customer = :c","ExpressionAttributeValues":{":c":{"S":"bob"}},"Limit":1}`)
	require.NoError(t, err)
	assert.JSONEq(t, `{"customer":{"S":"bob"},"orderId":{"N":"1"}}`, toJSON(t, resp["LastEvaluatedKey"]))
	assert.JSONEq(t, `{"Count":0,"ScannedCount":0,"Items":[]}`, mustCall(t, db, "Query",
		`{"TableName":"Orders","KeyConditionExpression":"customer = :c","ExpressionAttributeValues":{":c":{"S":"bob"}},"Limit":1,"ExclusiveStartKey":{"customer":{"S":"bob"},"orderId":{"N":"1"}}}`))
}

func TestQueryErrors(t *testing.T) {
	db := ordersDB(t)
	q := func(kce, values, extra string) string {
		return `{"TableName":"Orders","KeyConditionExpression":"` + kce + `","ExpressionAttributeValues":` + values + extra + `}`
	}
	ann := `{":c":{"S":"ann"}}`
	annN := `{":c":{"S":"ann"},":o":{"N":"1"}}`
	for _, c := range []struct{ name, req, code, msg string }{
		{"no table", `{"TableName":"Nope","KeyConditionExpression":"a = :a","ExpressionAttributeValues":{":a":{"S":"x"}}}`, codeNotFound, "Requested resource not found"},
		{"no key condition", `{"TableName":"Orders"}`, codeValidation, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."},
		{"empty key condition", q("", ann, ""), codeValidation, "Invalid KeyConditionExpression: The expression can not be empty;"},
		{"key condition syntax", q("customer = :c AND", ann, ""), codeValidation, `Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "AND"`},
		{"sort key only", q("orderId = :o", `{":o":{"N":"1"}}`, ""), codeValidation, "Query condition missed key schema element: customer"},
		{"non-key only", q("qty = :o", `{":o":{"N":"1"}}`, ""), codeValidation, "Query condition missed key schema element: customer"},
		{"non-key attribute", q("customer = :c AND qty = :o", annN, ""), codeValidation, "Query condition missed key schema element: orderId"},
		{"partition range", q("customer > :c", ann, ""), codeValidation, "Query key condition not supported"},
		{"partition begins_with", q("begins_with(customer, :c)", ann, ""), codeValidation, "Query key condition not supported"},
		{"OR", q("customer = :c OR orderId = :o", annN, ""), codeValidation, "Invalid operator used in KeyConditionExpression: OR"},
		{"NOT", q("NOT customer = :c", ann, ""), codeValidation, "Invalid operator used in KeyConditionExpression: NOT"},
		{"IN", q("customer IN (:c)", ann, ""), codeValidation, "Invalid operator used in KeyConditionExpression: IN"},
		{"not equal", q("customer <> :c", ann, ""), codeValidation, "Invalid operator used in KeyConditionExpression: <>"},
		{"function", q("attribute_exists(customer)", `{":c":{"S":"x"}}`, `,"FilterExpression":"qty = :c"`), codeValidation, "Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"size", q("customer = :c AND size(orderId) = :o", annN, ""), codeValidation, "KeyConditionExpressions cannot contain nested operations"},
		{"nested", q("customer = :c AND orderId.x = :o", annN, ""), codeValidation, "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"two attributes", q("customer = orderId", `{":c":{"S":"x"}}`, `,"FilterExpression":"qty = :c"`), codeValidation, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"no attribute", q(":c = :c", ann, ""), codeValidation, "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{"twice", q("customer = :c AND customer = :c", ann, ""), codeValidation, "KeyConditionExpressions must only contain one condition per key"},
		{"between first operand", q("customer = :c AND :o BETWEEN orderId AND :o", annN, ""), codeValidation, "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"},
		{"type mismatch", q("customer = :o", `{":o":{"N":"1"}}`, ""), codeValidation, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"sort type mismatch", q("customer = :c AND orderId = :s", `{":c":{"S":"ann"},":s":{"S":"1"}}`, ""), codeValidation, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"filter on key", q("customer = :c", annN, `,"FilterExpression":"orderId > :o"`), codeValidation, "Filter Expression can only contain non-primary key attributes: Primary key attribute: orderId"},
		{"filter syntax", q("customer = :c", ann, `,"FilterExpression":"qty >"`), codeValidation, `Invalid FilterExpression: Syntax error; token: "<EOF>", near: ">"`},
		{"filter undefined name", q("customer = :c", `{":c":{"S":"ann"},":fv":{"S":"x"}}`, `,"FilterExpression":"#missing = :fv"`), codeValidation, "Invalid FilterExpression: An expression attribute name used in the document path is not defined; attribute name: #missing"},
		{"unused value", q("customer = :c", annN, ""), codeValidation, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:o}"},
		{"limit zero", q("customer = :c", ann, `,"Limit":0`), codeValidation, "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"limit type", q("customer = :c", ann, `,"Limit":"5"`), codeSerialization, "Unexpected string for Limit, which must be an integer"},
		{"index", q("customer = :c", ann, `,"IndexName":"byQty"`), codeValidation, "The table does not have the specified index: byQty"},
		{"select", q("customer = :c", ann, `,"Select":"SOME"`), codeValidation, "1 validation error detected: Value 'SOME' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES, COUNT]"},
		{"projected attributes", q("customer = :c", ann, `,"Select":"ALL_PROJECTED_ATTRIBUTES"`), codeValidation, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"start key schema", q("customer = :c", ann, `,"ExclusiveStartKey":{"customer":{"S":"ann"}}`), codeValidation, "The provided starting key is invalid: The provided key element does not match the schema"},
		{"scan index forward type", q("customer = :c", ann, `,"ScanIndexForward":"no"`), codeSerialization, "Unexpected string for ScanIndexForward, which must be a boolean"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := call(t, db, "Query", c.req)
			assertError(t, err, c.code, c.msg)
		})
	}
}

func TestScan(t *testing.T) {
	db := ordersDB(t)
	resp, err := call(t, db, "Scan", `{"TableName":"Orders"}`)
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2", "3", "10", "20", "1"}, ids(t, resp), "key order: partition, then sort key")
	assert.Equal(t, int64(6), resp["Count"])

	assert.JSONEq(t, `{"Count":2,"ScannedCount":6}`, mustCall(t, db, "scan",
		`{"TableName":"Orders","FilterExpression":"qty BETWEEN :a AND :b","ExpressionAttributeValues":{":a":{"N":"4"},":b":{"N":"10"}},"Select":"COUNT"}`))

	// Pages of 4 cover the table once, across partitions.
	var got []string
	var start any
	for {
		req := parse(t, `{"TableName":"Orders","Limit":4,"ProjectionExpression":"orderId"}`)
		if start != nil {
			req["ExclusiveStartKey"] = start
		}
		resp, err := db.Call(t.Context(), "Scan", req)
		require.NoError(t, err)
		got = append(got, ids(t, resp)...)
		if start = resp["LastEvaluatedKey"]; start == nil {
			break
		}
	}
	assert.Equal(t, []string{"1", "2", "3", "10", "20", "1"}, got)

	// Parallel scan segments partition the table.
	seen := map[string]int{}
	for seg := range 3 {
		resp, err := call(t, db, "Scan", fmt.Sprintf(`{"TableName":"Orders","Segment":%d,"TotalSegments":3}`, seg))
		require.NoError(t, err)
		for _, it := range resp["Items"].([]any) {
			seen[toJSON(t, it)]++
		}
	}
	assert.Len(t, seen, 6)
	for it, n := range seen {
		assert.Equal(t, 1, n, it)
	}
}

func TestScanErrors(t *testing.T) {
	db := ordersDB(t)
	for _, c := range []struct{ req, msg string }{
		{`{"TableName":"Orders","Segment":1}`, "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"},
		{`{"TableName":"Orders","TotalSegments":2}`, "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"},
		{`{"TableName":"Orders","Segment":2,"TotalSegments":2}`, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2"},
		{`{"TableName":"Orders","Segment":0,"TotalSegments":0}`, "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value between 1 and 1000000"},
		{`{"TableName":"Orders","ExpressionAttributeValues":{":a":{"N":"1"}}}`, "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"},
		{`{"TableName":"Orders","FilterExpression":"qty > :a"}`, "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :a"},
		{`{"TableName":"Orders","ExclusiveStartKey":{"customer":{"S":"ann"},"orderId":{"S":"1"}}}`, "The provided starting key is invalid: The provided key element does not match the schema"},
		{`{"TableName":"Orders","Limit":-1}`, "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
	} {
		_, err := call(t, db, "Scan", c.req)
		assertError(t, err, codeValidation, c.msg)
	}
}

// TestPageSizeLimit stops a page once it has read 1 MB, as DynamoDB does.
func TestPageSizeLimit(t *testing.T) {
	db := testDB(t)
	big := strings.Repeat("x", 400_000)
	for i := range 4 {
		mustCall(t, db, "PutItem", fmt.Sprintf(`{"TableName":"Books","Item":{"bookId":{"S":"b%d"},"text":{"S":"%s"}}}`, i, big))
	}
	resp, err := call(t, db, "Scan", `{"TableName":"Books","Select":"COUNT"}`)
	require.NoError(t, err)
	assert.Equal(t, int64(3), resp["Count"])
	assert.JSONEq(t, `{"bookId":{"S":"b2"}}`, toJSON(t, resp["LastEvaluatedKey"]))
	assert.JSONEq(t, `{"Count":1,"ScannedCount":1}`, mustCall(t, db, "Scan", `{"TableName":"Books","Select":"COUNT","ExclusiveStartKey":{"bookId":{"S":"b2"}}}`))
}
