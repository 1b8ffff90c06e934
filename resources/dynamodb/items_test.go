package dynamodb

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const book = `{"bookId":{"S":"b1"},"title":{"S":"Dune"},"stock":{"N":"5"},"tags":{"SS":["sf"]},` +
	`"info":{"M":{"pages":{"N":"412"},"authors":{"L":[{"S":"Herbert"},{"S":"Anon"}]}}}}`

func TestPutGetDelete(t *testing.T) {
	db := testDB(t)
	assert.JSONEq(t, `{}`, mustCall(t, db, "PutItem", `{"TableName":"Books","Item":`+book+`}`))
	assert.JSONEq(t, `{"Item":`+book+`}`, mustCall(t, db, "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ConsistentRead":true}`))
	assert.JSONEq(t, `{}`, mustCall(t, db, "getItem", `{"TableName":"Books","Key":{"bookId":{"S":"nope"}}}`))

	// Replacing returns the old item for ALL_OLD only.
	assert.JSONEq(t, `{"Attributes":`+book+`}`, mustCall(t, db, "putItem", `{"TableName":"Books","Item":`+book+`,"ReturnValues":"ALL_OLD"}`))
	assert.JSONEq(t, `{}`, mustCall(t, db, "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b2"}},"ReturnValues":"ALL_OLD"}`))
	assert.JSONEq(t, `{}`, mustCall(t, db, "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b2"}},"ReturnValues":"NONE"}`))

	assert.JSONEq(t, `{"Attributes":{"bookId":{"S":"b2"}}}`, mustCall(t, db, "DeleteItem", `{"TableName":"Books","Key":{"bookId":{"S":"b2"}},"ReturnValues":"ALL_OLD"}`))
	assert.JSONEq(t, `{}`, mustCall(t, db, "DeleteItem", `{"TableName":"Books","Key":{"bookId":{"S":"b2"}},"ReturnValues":"ALL_OLD"}`))
	assert.JSONEq(t, `{}`, mustCall(t, db, "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b2"}}}`))
}

func TestGetItemProjection(t *testing.T) {
	db := testDB(t)
	mustCall(t, db, "PutItem", `{"TableName":"Books","Item":`+book+`}`)
	for _, c := range []struct{ projection, names, want string }{
		{"title", ``, `{"title":{"S":"Dune"}}`},
		{"title, stock, absent", ``, `{"title":{"S":"Dune"},"stock":{"N":"5"}}`},
		{"info.pages", ``, `{"info":{"M":{"pages":{"N":"412"}}}}`},
		{"info.authors[1], info.authors[0]", ``, `{"info":{"M":{"authors":{"L":[{"S":"Herbert"},{"S":"Anon"}]}}}}`},
		{"info.authors[1]", ``, `{"info":{"M":{"authors":{"L":[{"S":"Anon"}]}}}}`},
		{"#i.#p, #t", `,"ExpressionAttributeNames":{"#i":"info","#p":"pages","#t":"tags"}`, `{"info":{"M":{"pages":{"N":"412"}}},"tags":{"SS":["sf"]}}`},
		{"nothing", ``, `{}`},
	} {
		got := mustCall(t, db, "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ProjectionExpression":"`+c.projection+`"`+c.names+`}`)
		assert.JSONEq(t, `{"Item":`+c.want+`}`, got, c.projection)
	}
}

func TestConditionalWrites(t *testing.T) {
	db := testDB(t)
	put := `{"TableName":"Books","Item":{"bookId":{"S":"b1"},"v":{"N":"1"}},"ConditionExpression":"attribute_not_exists(bookId)"}`
	mustCall(t, db, "PutItem", put)
	_, err := call(t, db, "PutItem", put)
	assertError(t, err, codeConditional, "The conditional request failed")

	_, err = call(t, db, "DeleteItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ConditionExpression":"v = :v","ExpressionAttributeValues":{":v":{"N":"2"}}}`)
	assertError(t, err, codeConditional, "The conditional request failed")
	_, err = call(t, db, "DeleteItem", `{"TableName":"Books","Key":{"bookId":{"S":"zz"}},"ConditionExpression":"attribute_exists(bookId)"}`)
	assertError(t, err, codeConditional, "The conditional request failed")
	mustCall(t, db, "DeleteItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ConditionExpression":"v = :v","ExpressionAttributeValues":{":v":{"N":"1.0"}}}`)

	_, err = call(t, db, "UpdateItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"UpdateExpression":"SET v = :v","ConditionExpression":"attribute_exists(bookId)","ExpressionAttributeValues":{":v":{"N":"2"}}}`)
	assertError(t, err, codeConditional, "The conditional request failed")
	assert.JSONEq(t, `{}`, mustCall(t, db, "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}}}`), "a failed update writes nothing")
}

func TestItemErrors(t *testing.T) {
	db := testDB(t)
	mustCall(t, db, "PutItem", `{"TableName":"Orders","Item":{"customer":{"S":"ann"},"orderId":{"N":"1"}}}`)
	big := strings.Repeat("x", 410_000)
	for _, c := range []struct{ name, action, req, code, msg string }{
		{"no table", "PutItem", `{"TableName":"Nope","Item":{"bookId":{"S":"b"}}}`, codeNotFound, "Requested resource not found"},
		{"no table get", "GetItem", `{"TableName":"Nope","Key":{"bookId":{"S":"b"}}}`, codeNotFound, "Requested resource not found"},
		{"no table name", "PutItem", `{"Item":{"bookId":{"S":"b"}}}`, codeValidation, "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"},
		{"table name type", "PutItem", `{"TableName":1,"Item":{}}`, codeSerialization, "Unexpected number for TableName, which must be a string"},
		{"no item", "PutItem", `{"TableName":"Books"}`, codeValidation, "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null"},
		{"item without key", "PutItem", `{"TableName":"Books","Item":{"title":{"S":"x"}}}`, codeValidation, "One of the required keys was not given a value"},
		{"item without sort key", "PutItem", `{"TableName":"Orders","Item":{"customer":{"S":"x"}}}`, codeValidation, "One of the required keys was not given a value"},
		{"item key type", "PutItem", `{"TableName":"Books","Item":{"bookId":{"N":"1"}}}`, codeValidation, "One or more parameter values were invalid: Type mismatch for key bookId expected: S actual: N"},
		{"item empty key", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":""}}}`, codeValidation, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: bookId"},
		{"item empty binary key", "PutItem", `{"TableName":"Blobs","Item":{"id":{"B":""}}}`, codeValidation, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: id"},
		{"hash key too long", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"` + strings.Repeat("k", 2049) + `"}}}`, codeValidation, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"item too large", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b"},"big":{"S":"` + big + `"}}}`, codeValidation, "Item size has exceeded the maximum allowed size"},
		{"item bad number", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b"},"n":{"N":"1,5"}}}`, codeValidation, "The parameter cannot be converted to a numeric value: 1,5"},
		{"item 39 digits", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b"},"n":{"N":"123456789012345678901234567890123456789"}}}`, codeValidation, "Attempting to store more than 38 significant digits in a Number"},
		{"put ALL_NEW", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b"}},"ReturnValues":"ALL_NEW"}`, codeValidation, "Return values set to invalid value"},
		{"delete UPDATED_OLD", "DeleteItem", `{"TableName":"Books","Key":{"bookId":{"S":"b"}},"ReturnValues":"UPDATED_OLD"}`, codeValidation, "Return values set to invalid value"},
		{"bad ReturnValues", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b"}},"ReturnValues":"SOME"}`, codeValidation, "1 validation error detected: Value 'SOME' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]"},
		{"no key", "GetItem", `{"TableName":"Books"}`, codeValidation, "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"},
		{"key missing sort key", "GetItem", `{"TableName":"Orders","Key":{"customer":{"S":"ann"}}}`, codeValidation, "The provided key element does not match the schema"},
		{"key extra attribute", "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b"},"title":{"S":"x"}}}`, codeValidation, "The provided key element does not match the schema"},
		{"key wrong name", "GetItem", `{"TableName":"Books","Key":{"id":{"S":"b"}}}`, codeValidation, "The provided key element does not match the schema"},
		{"key wrong type", "DeleteItem", `{"TableName":"Orders","Key":{"customer":{"S":"ann"},"orderId":{"S":"1"}}}`, codeValidation, "The provided key element does not match the schema"},
		{"key empty", "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":""}}}`, codeValidation, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: bookId"},
		{"key bad value", "GetItem", `{"TableName":"Books","Key":{"bookId":{}}}`, codeValidation, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"consistent read type", "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b"}},"ConsistentRead":"yes"}`, codeSerialization, "Unexpected string for ConsistentRead, which must be a boolean"},
		{"legacy parameter", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b"}},"Expected":{"bookId":{"Exists":false}}}`, codeValidation, "The embedded DynamoDB does not implement the legacy parameter Expected: use the expression parameters"},
		{"legacy and expression", "PutItem", `{"TableName":"Books","Item":{"bookId":{"S":"b"}},"Expected":{"bookId":{"Exists":false}},"ConditionExpression":"attribute_not_exists(bookId)"}`, codeValidation, "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"},
		{"unknown action", "BatchWriteItem", `{}`, codeUnknownOp, "The embedded DynamoDB does not implement the action BatchWriteItem"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := call(t, db, c.action, c.req)
			assertError(t, err, c.code, c.msg)
		})
	}
}

func TestBinaryKeys(t *testing.T) {
	db := testDB(t)
	mustCall(t, db, "PutItem", `{"TableName":"Blobs","Item":{"id":{"B":"AAEC"},"data":{"BS":["AQ==","Ag=="]}}}`)
	assert.JSONEq(t, `{"Item":{"id":{"B":"AAEC"},"data":{"BS":["AQ==","Ag=="]}}}`, mustCall(t, db, "GetItem", `{"TableName":"Blobs","Key":{"id":{"B":"AAEC"}}}`))
}

func TestCallDoesNotMutateRequest(t *testing.T) {
	db := testDB(t)
	req := parse(t, `{"TableName":"Books","Item":{"bookId":{"S":"b1"},"n":{"N":"1.50"},"s":{"NULL":false}}}`)
	before := toJSON(t, req)
	_, err := db.Call(context.Background(), "PutItem", req)
	require.NoError(t, err)
	assert.JSONEq(t, before, toJSON(t, req))
	// Nor does the stored item share structure with the response.
	resp, err := db.Call(context.Background(), "GetItem", parse(t, `{"TableName":"Books","Key":{"bookId":{"S":"b1"}}}`))
	require.NoError(t, err)
	resp["Item"].(map[string]any)["n"] = "changed"
	assert.JSONEq(t, `{"Item":{"bookId":{"S":"b1"},"n":{"N":"1.5"},"s":{"NULL":true}}}`, mustCall(t, db, "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}}}`))
}

func TestCallHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := testDB(t).Call(ctx, "GetItem", map[string]any{})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = testDB(t).Call(context.Background(), "GetItem", nil)
	assertError(t, err, codeValidation, "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
}

func TestCreateTable(t *testing.T) {
	db := New()
	require.NoError(t, db.CreateTable("Tab1", KeySchema{PartitionKey: Attribute{"id", "S"}}))
	assertError(t, db.CreateTable("Tab1", KeySchema{PartitionKey: Attribute{"id", "S"}}), codeInUse, "Table already exists: Tab1")
	for _, bad := range []struct {
		name string
		key  KeySchema
	}{
		{"x", KeySchema{PartitionKey: Attribute{"id", "S"}}},
		{"bad name!", KeySchema{PartitionKey: Attribute{"id", "S"}}},
		{"Tab2", KeySchema{PartitionKey: Attribute{"", "S"}}},
		{"Tab2", KeySchema{PartitionKey: Attribute{"id", "BOOL"}}},
		{"Tab2", KeySchema{PartitionKey: Attribute{"id", "S"}, SortKey: Attribute{"id", "N"}}},
		{"Tab2", KeySchema{PartitionKey: Attribute{"id", "S"}, SortKey: Attribute{"sk", "X"}}},
	} {
		err := db.CreateTable(bad.name, bad.key)
		assert.Error(t, err, "%+v", bad)
	}
}
