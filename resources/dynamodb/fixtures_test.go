package dynamodb

import (
	"encoding/json"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadFixturesForms(t *testing.T) {
	db := New()
	require.NoError(t, db.LoadFixturesJSON([]byte(`{
		"BookTable": [
			{"bookId": "b2", "title": "Emma", "stock": 3},
			{"bookId": "b1", "title": "Dune", "stock": 12.5, "meta": {"tags": ["sf"], "signed": true, "note": null}}
		],
		"Counters": [{"counterId": 7, "value": 1}, {"counterId": 12345678901234567890123, "value": 2}],
		"Orders": {
			"KeySchema": {"PartitionKey": {"Name": "orderId", "Type": "N"}, "SortKey": {"Name": "line", "Type": "S"}},
			"Items": [{"orderId": 10, "line": "b"}, {"orderId": 2, "line": "a"}, {"orderId": 10, "line": "a"}]
		},
		"Typed": {
			"KeySchema": {"PartitionKey": {"Name": "pk", "Type": "S"}},
			"Typed": true,
			"Items": [{"pk": {"S": "p"}, "tags": {"SS": ["x", "y"]}, "n": {"N": "1.50"}}]
		},
		"Keyed": {"Key": "title", "SortKey": "year", "Items": [{"year": 1965, "title": "Dune"}]},
		"Empty": {"KeySchema": {"PartitionKey": {"Name": "id", "Type": "S"}}}
	}`)))

	assert.JSONEq(t, `{"Item":{"bookId":{"S":"b1"},"title":{"S":"Dune"},"stock":{"N":"12.5"},"meta":{"M":{"tags":{"L":[{"S":"sf"}]},"signed":{"BOOL":true},"note":{"NULL":true}}}}}`,
		mustCall(t, db, "GetItem", `{"TableName":"BookTable","Key":{"bookId":{"S":"b1"}}}`))
	assert.JSONEq(t, `{"Item":{"counterId":{"N":"12345678901234567890123"},"value":{"N":"2"}}}`,
		mustCall(t, db, "GetItem", `{"TableName":"Counters","Key":{"counterId":{"N":"12345678901234567890123"}}}`))
	assert.JSONEq(t, `{"Item":{"pk":{"S":"p"},"tags":{"SS":["x","y"]},"n":{"N":"1.5"}}}`,
		mustCall(t, db, "GetItem", `{"TableName":"Typed","Key":{"pk":{"S":"p"}}}`))
	assert.JSONEq(t, `{"Item":{"title":{"S":"Dune"},"year":{"N":"1965"}}}`,
		mustCall(t, db, "GetItem", `{"TableName":"Keyed","Key":{"title":{"S":"Dune"},"year":{"N":"1965"}}}`))

	dump := db.Dump()
	assert.JSONEq(t, `{
		"KeySchema": {"PartitionKey": {"Name": "orderId", "Type": "N"}, "SortKey": {"Name": "line", "Type": "S"}},
		"Items": [{"orderId": 2, "line": "a"}, {"orderId": 10, "line": "a"}, {"orderId": 10, "line": "b"}]
	}`, toJSON(t, dump["Orders"]), "items in key order, numbers by value")
	assert.JSONEq(t, `{"KeySchema": {"PartitionKey": {"Name": "bookId", "Type": "S"}}, "Items": [
		{"bookId": "b1", "title": "Dune", "stock": 12.5, "meta": {"tags": ["sf"], "signed": true, "note": null}},
		{"bookId": "b2", "title": "Emma", "stock": 3}]}`, toJSON(t, dump["BookTable"]))
	assert.JSONEq(t, `{"KeySchema": {"PartitionKey": {"Name": "id", "Type": "S"}}, "Items": []}`, toJSON(t, dump["Empty"]))
	assert.Equal(t, json.Number("12345678901234567890123"), dump["Counters"].(map[string]any)["Items"].([]any)[1].(map[string]any)["counterId"])
	assert.Len(t, dump, 6)
}

// TestLoadFixturesGeneric loads what ojg parsed (map order lost) and reloads a Dump.
func TestLoadFixturesGeneric(t *testing.T) {
	v, err := oj.ParseString(`{
		"Single": [{"id": "a"}, {"id": "b", "x": 1}],
		"Keyed": {"Key": "bookId", "Items": [{"title": "Dune", "bookId": "b1"}]},
		"Orders": {"KeySchema": {"PartitionKey": {"Name": "orderId", "Type": "N"}}, "Items": [{"orderId": 1, "qty": 2.5}]}
	}`)
	require.NoError(t, err)
	db := New()
	require.NoError(t, db.LoadFixtures(v))
	assert.JSONEq(t, `{"Item":{"bookId":{"S":"b1"},"title":{"S":"Dune"}}}`, mustCall(t, db, "GetItem", `{"TableName":"Keyed","Key":{"bookId":{"S":"b1"}}}`))

	reloaded := New()
	require.NoError(t, reloaded.LoadFixtures(db.Dump()))
	assert.Equal(t, db.Dump(), reloaded.Dump())
}

func TestLoadFixturesErrors(t *testing.T) {
	for _, c := range []struct{ name, json, msg string }{
		{"not an object", `[]`, `dynamodb fixtures: want an object of table names to tables, got list`},
		{"bad json", `{"T": [`, `dynamodb fixtures: unexpected EOF`},
		{"trailing", `{} {}`, `dynamodb fixtures: unexpected data after the top-level value`},
		{"short empty", `{"Tab": []}`, `dynamodb fixtures: table "Tab": the short form takes the key from the first item, and there is none: use {"KeySchema": ..., "Items": []}`},
		{"short key type", `{"Tab": [{"id": true}]}`, `dynamodb fixtures: table "Tab": the first item's key id must be a string or a number to give the key its type`},
		{"short not objects", `{"Tab": [1]}`, `dynamodb fixtures: table "Tab": Items[0] is a number, not an object`},
		{"missing key", `{"Tab": [{"id": "a"}, {"other": "b"}]}`, `dynamodb fixtures: table "Tab": Items[1]: One of the required keys was not given a value`},
		{"key type", `{"Tab": [{"id": "a"}, {"id": 2}]}`, `dynamodb fixtures: table "Tab": Items[1]: One or more parameter values were invalid: Type mismatch for key id expected: S actual: N`},
		{"duplicate", `{"Tab": [{"id": "a"}, {"id": "a"}]}`, `dynamodb fixtures: table "Tab": Items[1]: an earlier item has the same key`},
		{"bad number", `{"Tab": [{"id": "a", "n": 1e999}]}`, `dynamodb fixtures: table "Tab": Items[0]: n: 1e999: Number overflow. Attempting to store a number with magnitude larger than supported range`},
		{"bad table name", `{"T": [{"id": "a"}]}`, `dynamodb fixtures: table "T": Invalid table name "T": it must be 3 to 255 characters of a-z, A-Z, 0-9, _, - and .`},
		{"bad key type", `{"Tab": {"KeySchema": {"PartitionKey": {"Name": "id", "Type": "BOOL"}}}}`, `dynamodb fixtures: table "Tab": Key attribute id of table Tab has type "BOOL": it must be S, N or B`},
		{"no partition key", `{"Tab": {"KeySchema": {}}}`, `dynamodb fixtures: table "Tab": KeySchema has no PartitionKey`},
		{"bad partition key", `{"Tab": {"KeySchema": {"PartitionKey": "id"}}}`, `dynamodb fixtures: table "Tab": KeySchema.PartitionKey must be {"Name": ..., "Type": "S", "N" or "B"}`},
		{"unknown member", `{"Tab": {"KeySchema": {"PartitionKey": {"Name": "id", "Type": "S"}}, "Item": []}}`, `dynamodb fixtures: table "Tab": unknown member "Item"`},
		{"no key", `{"Tab": {"Items": []}}`, `dynamodb fixtures: table "Tab": want "KeySchema" or "Key" (the partition key's name)`},
		{"keyed typed", `{"Tab": {"Key": "id", "Typed": true, "Items": []}}`, `dynamodb fixtures: table "Tab": "Typed" needs the explicit form with a KeySchema`},
		{"keyed empty", `{"Tab": {"Key": "id", "Items": []}}`, `dynamodb fixtures: table "Tab": the type of key id is taken from the first item, and there is none: use the explicit form`},
		{"typed invalid", `{"Tab": {"KeySchema": {"PartitionKey": {"Name": "id", "Type": "S"}}, "Typed": true, "Items": [{"id": {"S": "a"}, "n": {"N": "x"}}]}}`, `dynamodb fixtures: table "Tab": Items[0]: The parameter cannot be converted to a numeric value: x`},
		{"typed plain", `{"Tab": {"KeySchema": {"PartitionKey": {"Name": "id", "Type": "S"}}, "Typed": true, "Items": [{"id": "a"}]}}`, `dynamodb fixtures: table "Tab": Items[0]: Unexpected string where an AttributeValue (a JSON object) was expected`},
		{"items not list", `{"Tab": {"Key": "id", "Items": {}}}`, `dynamodb fixtures: table "Tab": Items is a map, not a list`},
		{"table not list", `{"Tab": "x"}`, `dynamodb fixtures: table "Tab": want a list of items or an object, got string`},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := New()
			err := db.LoadFixturesJSON([]byte(c.json))
			require.Error(t, err)
			assert.Equal(t, c.msg, err.Error())
			assert.Empty(t, db.Dump(), "nothing is loaded when anything fails")
		})
	}

	// The short form needs the key first, which a Go map cannot tell.
	err := New().LoadFixtures(map[string]any{"Tab": []any{map[string]any{"id": "a", "x": int64(1)}}})
	assert.EqualError(t, err, `dynamodb fixtures: table "Tab": the short form takes the key from the first attribute of the first item, whose order is lost here: give {"Key": "name", "Items": [...]}`)
	assert.EqualError(t, New().LoadFixtures("x"), `dynamodb fixtures: want an object of table names to tables, got string`)

	// Tables that exist are not replaced, and nothing of the batch is loaded.
	db := New()
	require.NoError(t, db.CreateTable("Tab", KeySchema{PartitionKey: Attribute{"id", "S"}}))
	err = db.LoadFixturesJSON([]byte(`{"Aaa": [{"id": "a"}], "Tab": [{"id": "a"}]}`))
	assert.EqualError(t, err, `dynamodb fixtures: table "Tab" already exists`)
	assert.Len(t, db.Dump(), 1)
}
