package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/awserr"
)

// testDB has three tables: Books (bookId S), Orders (customer S, orderId N) and Blobs (id B).
func testDB(t *testing.T) *DB {
	t.Helper()
	db := New()
	require.NoError(t, db.CreateTable("Books", KeySchema{PartitionKey: Attribute{"bookId", "S"}}))
	require.NoError(t, db.CreateTable("Orders", KeySchema{PartitionKey: Attribute{"customer", "S"}, SortKey: Attribute{"orderId", "N"}}))
	require.NoError(t, db.CreateTable("Blobs", KeySchema{PartitionKey: Attribute{"id", "B"}}))
	return db
}

// parse reads JSON as ojg does for the interpreter, so requests carry the same Go types as in a run.
func parse(t *testing.T, src string) map[string]any {
	t.Helper()
	v, err := oj.ParseString(src)
	require.NoError(t, err, src)
	m, ok := v.(map[string]any)
	require.True(t, ok, src)
	return m
}

func call(t *testing.T, db *DB, action, req string) (map[string]any, error) {
	t.Helper()
	return db.Call(context.Background(), action, parse(t, req))
}

// mustCall runs an action that must succeed and returns its response as JSON text.
func mustCall(t *testing.T, db *DB, action, req string) string {
	t.Helper()
	resp, err := call(t, db, action, req)
	require.NoError(t, err, "%s %s", action, req)
	return toJSON(t, resp)
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// assertError checks that err is the DynamoDB error code with the exact message.
func assertError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae *awserr.Error
	require.True(t, errors.As(err, &ae), "want %s: %s, got %v", code, message, err)
	assert.Equal(t, code, ae.Code)
	assert.Equal(t, 400, ae.Status)
	assert.Equal(t, message, ae.Message)
}
