package dynamodb

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// start is the item the update cases begin from.
const start = `{"bookId":{"S":"b1"},"quantity":{"N":"10"},"title":{"S":"Dune"},"tags":{"SS":["a","b"]},"nums":{"NS":["1","2"]},` +
	`"seq":{"L":[{"S":"x"},{"S":"y"},{"S":"z"}]},"info":{"M":{"pages":{"N":"412"},"authors":{"L":[{"S":"H"}]}}}}`

func TestUpdateItemActions(t *testing.T) {
	for _, c := range []struct {
		name, expr, names, values string
		want                      string // the attributes that differ from start (null: removed)
	}{
		{"subtract", "SET quantity = quantity - :q", "", `{":q":{"N":"3"}}`, `{"quantity":{"N":"7"}}`},
		{"add exact decimals", "SET quantity = quantity + :q", "", `{":q":{"N":"0.1"}}`, `{"quantity":{"N":"10.1"}}`},
		{"add values", "SET amount = :a + :b", "", `{":a":{"N":"0.1"},":b":{"N":"0.2"}}`, `{"amount":{"N":"0.3"}}`},
		{"parenthesised", "SET amount = (quantity - :q)", "", `{":q":{"N":"12"}}`, `{"amount":{"N":"-2"}}`},
		{"new attribute", "SET #s = :s, price = :p", `{"#s":"status"}`, `{":s":{"S":"ok"},":p":{"N":"1.50"}}`, `{"status":{"S":"ok"},"price":{"N":"1.5"}}`},
		{"dup attribute", "SET dup = title", "", "", `{"dup":{"S":"Dune"}}`},
		{"swap", "SET title = quantity, quantity = title", "", "", `{"title":{"N":"10"},"quantity":{"S":"Dune"}}`},
		{"if_not_exists existing", "SET quantity = if_not_exists(quantity, :z) + :one", "", `{":z":{"N":"0"},":one":{"N":"1"}}`, `{"quantity":{"N":"11"}}`},
		{"if_not_exists missing", "SET hits = if_not_exists(hits, :z) + :one", "", `{":z":{"N":"0"},":one":{"N":"1"}}`, `{"hits":{"N":"1"}}`},
		{"list_append after", "SET seq = list_append(seq, :l)", "", `{":l":{"L":[{"N":"1"}]}}`, `{"seq":{"L":[{"S":"x"},{"S":"y"},{"S":"z"},{"N":"1"}]}}`},
		{"list_append before", "SET seq = list_append(:l, seq)", "", `{":l":{"L":[{"N":"1"}]}}`, `{"seq":{"L":[{"N":"1"},{"S":"x"},{"S":"y"},{"S":"z"}]}}`},
		{"list_append if_not_exists", "SET fresh = list_append(if_not_exists(fresh, :e), :l)", "", `{":e":{"L":[]},":l":{"L":[{"N":"1"}]}}`, `{"fresh":{"L":[{"N":"1"}]}}`},
		{"nested map", "SET info.pages = info.pages + :one, info.isbn = :s", "", `{":one":{"N":"1"},":s":{"S":"978"}}`, `{"info":{"M":{"pages":{"N":"413"},"isbn":{"S":"978"},"authors":{"L":[{"S":"H"}]}}}}`},
		{"nested seq", "SET info.authors[0] = :s", "", `{":s":{"S":"Frank"}}`, `{"info":{"M":{"pages":{"N":"412"},"authors":{"L":[{"S":"Frank"}]}}}}`},
		{"index past end appends", "SET seq[10] = :s", "", `{":s":{"S":"w"}}`, `{"seq":{"L":[{"S":"x"},{"S":"y"},{"S":"z"},{"S":"w"}]}}`},
		{"placeholders in paths", "SET #i.#p = :v", `{"#i":"info","#p":"pages"}`, `{":v":{"N":"1"}}`, `{"info":{"M":{"pages":{"N":"1"},"authors":{"L":[{"S":"H"}]}}}}`},
		{"remove", "REMOVE title, info.pages", "", "", `{"title":null,"info":{"M":{"authors":{"L":[{"S":"H"}]}}}}`},
		{"remove seq elements", "REMOVE seq[0], seq[2]", "", "", `{"seq":{"L":[{"S":"y"}]}}`},
		{"remove absent", "REMOVE nothing, seq[7]", "", "", `{}`},
		{"add number", "ADD quantity :q", "", `{":q":{"N":"-2.5"}}`, `{"quantity":{"N":"7.5"}}`},
		{"add number new", "ADD hits :q", "", `{":q":{"N":"1"}}`, `{"hits":{"N":"1"}}`},
		{"add strings", "ADD tags :t", "", `{":t":{"SS":["b","c"]}}`, `{"tags":{"SS":["a","b","c"]}}`},
		{"add numbers to set", "ADD nums :n", "", `{":n":{"NS":["2.0","3"]}}`, `{"nums":{"NS":["1","2","3"]}}`},
		{"add set new", "ADD more :t", "", `{":t":{"SS":["q"]}}`, `{"more":{"SS":["q"]}}`},
		{"add nested", "ADD info.pages :q", "", `{":q":{"N":"8"}}`, `{"info":{"M":{"pages":{"N":"420"},"authors":{"L":[{"S":"H"}]}}}}`},
		{"delete", "DELETE tags :t", "", `{":t":{"SS":["a","zz"]}}`, `{"tags":{"SS":["b"]}}`},
		{"delete all", "DELETE nums :n", "", `{":n":{"NS":["1","2"]}}`, `{"nums":null}`},
		{"delete absent", "DELETE nothing :n", "", `{":n":{"NS":["1"]}}`, `{}`},
		{"all sections", "SET a = :one REMOVE title ADD quantity :one DELETE tags :t", "", `{":one":{"N":"1"},":t":{"SS":["a"]}}`, `{"a":{"N":"1"},"title":null,"quantity":{"N":"11"},"tags":{"SS":["b"]}}`},
		{"lower-case keywords", "set a = :one remove title", "", `{":one":{"N":"1"}}`, `{"a":{"N":"1"},"title":null}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := testDB(t)
			mustCall(t, db, "PutItem", `{"TableName":"Books","Item":`+start+`}`)
			got := mustCall(t, db, "UpdateItem", withReturn(update(c.expr, c.names, c.values), "ALL_NEW"))
			want := parse(t, start)
			for k, v := range parse(t, c.want) {
				if v == nil {
					delete(want, k)
				} else {
					want[k] = v
				}
			}
			assert.JSONEq(t, toJSON(t, map[string]any{"Attributes": want}), got)
		})
	}
}

func withReturn(req, rv string) string {
	return strings.TrimSuffix(req, "}") + `,"ReturnValues":"` + rv + `"}`
}

func TestUpdateItemRuntimeErrors(t *testing.T) {
	for _, c := range []struct{ name, expr, values, msg string }{
		{"arithmetic on missing", "SET quantity = missed + :q", `{":q":{"N":"1"}}`, "The provided expression refers to an attribute that does not exist in the item"},
		{"dup missing", "SET a = info.nope", "", "The provided expression refers to an attribute that does not exist in the item"},
		{"arithmetic on string", "SET a = title + :q", `{":q":{"N":"1"}}`, "An operand in the update expression has an incorrect data type"},
		{"list_append on map", "SET a = list_append(info, :l)", `{":l":{"L":[]}}`, "An operand in the update expression has an incorrect data type"},
		{"add to string", "ADD title :q", `{":q":{"N":"1"}}`, "An operand in the update expression has an incorrect data type"},
		{"add wrong set type", "ADD tags :n", `{":n":{"NS":["1"]}}`, "An operand in the update expression has an incorrect data type"},
		{"delete wrong set type", "DELETE tags :n", `{":n":{"NS":["1"]}}`, "An operand in the update expression has an incorrect data type"},
		{"set under missing map", "SET nope.deep = :q", `{":q":{"N":"1"}}`, "The document path provided in the update expression is invalid for update"},
		{"set key of a number", "SET quantity.deep = :q", `{":q":{"N":"1"}}`, "The document path provided in the update expression is invalid for update"},
		{"set index of a map", "SET info[0] = :q", `{":q":{"N":"1"}}`, "The document path provided in the update expression is invalid for update"},
		{"remove under missing", "REMOVE nope.deep", "", "The document path provided in the update expression is invalid for update"},
		{"add under missing", "ADD nope.deep :q", `{":q":{"N":"1"}}`, "The document path provided in the update expression is invalid for update"},
		{"overflow", "SET n = :a + :b", `{":a":{"N":"9.9e125"},":b":{"N":"9.9e125"}}`, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"too large", "SET big = :s", `{":s":{"S":"` + strings.Repeat("x", 409_600) + `"}}`, "Item size to update has exceeded the maximum allowed size"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := testDB(t)
			mustCall(t, db, "PutItem", `{"TableName":"Books","Item":`+start+`}`)
			_, err := call(t, db, "UpdateItem", update(c.expr, "", c.values))
			assertError(t, err, codeValidation, c.msg)
			// The failed update left the item alone.
			assert.JSONEq(t, `{"Item":`+start+`}`, mustCall(t, db, "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}}}`))
		})
	}
}

func TestUpdateItemReturnValues(t *testing.T) {
	expr := "SET quantity = quantity - :q, info.pages = :p REMOVE title ADD fresh :q"
	values := `{":q":{"N":"1"},":p":{"N":"1"}}`
	for _, c := range []struct{ rv, want string }{
		{"NONE", `{}`},
		{"ALL_OLD", `{"Attributes":` + start + `}`},
		{"UPDATED_OLD", `{"Attributes":{"quantity":{"N":"10"},"info":{"M":{"pages":{"N":"412"}}},"title":{"S":"Dune"}}}`},
		{"UPDATED_NEW", `{"Attributes":{"quantity":{"N":"9"},"info":{"M":{"pages":{"N":"1"}}},"fresh":{"N":"1"}}}`},
	} {
		t.Run(c.rv, func(t *testing.T) {
			db := testDB(t)
			mustCall(t, db, "PutItem", `{"TableName":"Books","Item":`+start+`}`)
			assert.JSONEq(t, c.want, mustCall(t, db, "UpdateItem", withReturn(update(expr, "", values), c.rv)))
		})
	}
	_, err := call(t, testDB(t), "UpdateItem", withReturn(update(expr, "", values), "EVERYTHING"))
	assertError(t, err, codeValidation, "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]")
}

func TestUpdateItemCreates(t *testing.T) {
	db := testDB(t)
	key := `"Key":{"customer":{"S":"ann"},"orderId":{"N":"7"}}`
	// ALL_OLD and UPDATED_OLD of a new item return nothing.
	assert.JSONEq(t, `{}`, mustCall(t, db, "UpdateItem", `{"TableName":"Orders",`+key+`,"UpdateExpression":"ADD qty :q","ExpressionAttributeValues":{":q":{"N":"2"}},"ReturnValues":"ALL_OLD"}`))
	assert.JSONEq(t, `{"Item":{"customer":{"S":"ann"},"orderId":{"N":"7"},"qty":{"N":"2"}}}`, mustCall(t, db, "GetItem", `{"TableName":"Orders",`+key+`}`))
	// An update with no expression, or only REMOVEs, still creates the item from its key.
	assert.JSONEq(t, `{"Attributes":{"customer":{"S":"bob"},"orderId":{"N":"1"}}}`, mustCall(t, db, "UpdateItem", `{"TableName":"Orders","Key":{"customer":{"S":"bob"},"orderId":{"N":"1"}},"ReturnValues":"ALL_NEW"}`))
	assert.JSONEq(t, `{}`, mustCall(t, db, "UpdateItem", `{"TableName":"Orders","Key":{"customer":{"S":"cy"},"orderId":{"N":"1"}},"UpdateExpression":"REMOVE gone","ReturnValues":"UPDATED_NEW"}`))
	assert.JSONEq(t, `{"Item":{"customer":{"S":"cy"},"orderId":{"N":"1"}}}`, mustCall(t, db, "GetItem", `{"TableName":"Orders","Key":{"customer":{"S":"cy"},"orderId":{"N":"1"}}}`))
}

// TestConcurrentAdd runs many UpdateItem ADDs at once: each is atomic, so the amount is exact.
func TestConcurrentAdd(t *testing.T) {
	db := testDB(t)
	const workers, each = 32, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				expr := "ADD hits :one"
				if (w+i)%2 == 0 {
					expr = "SET hits = if_not_exists(hits, :zero) + :one"
				}
				req := map[string]any{
					"TableName":                 "Books",
					"Key":                       map[string]any{"bookId": map[string]any{"S": "counter"}},
					"UpdateExpression":          expr,
					"ExpressionAttributeValues": map[string]any{":one": map[string]any{"N": "0.01"}},
				}
				if strings.Contains(expr, ":zero") {
					req["ExpressionAttributeValues"].(map[string]any)[":zero"] = map[string]any{"N": "0"}
				}
				if _, err := db.Call(context.Background(), "UpdateItem", req); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	want := fmt.Sprintf(`{"Item":{"bookId":{"S":"counter"},"hits":{"N":"%d"}}}`, workers*each/100)
	assert.JSONEq(t, want, mustCall(t, db, "GetItem", `{"TableName":"Books","Key":{"bookId":{"S":"counter"}}}`))
}
