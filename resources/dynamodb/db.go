// Package dynamodb is an embedded, in-memory emulation of Amazon DynamoDB's item API for local runs of
// Step Functions workflows: PutItem, GetItem, UpdateItem, DeleteItem, Query and Scan, with DynamoDB's typed
// attribute values, its expression languages and its error codes and messages.
//
// Requests and responses are DynamoDB's JSON API shapes as generic JSON values (map[string]any, []any,
// string, int64, float64, json.Number, bool, nil), so a Task's parameters go in as they are and the result
// comes back as DynamoDB's response body. Errors are *awserr.Error values carrying DynamoDB's error code and
// message.
//
// Beyond the item API, tables have only a primary key: there are no secondary indexes, streams, TTL,
// transactions or batch operations, and the legacy (non-expression) request parameters are refused.
package dynamodb

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/resources/awserr"
)

// DB is a set of tables. It is safe for concurrent use, and every operation is atomic.
type DB struct {
	mu     sync.RWMutex
	tables map[string]*table
}

// KeySchema is a table's primary key. SortKey.Name is empty when the table has a partition key only.
type KeySchema struct {
	PartitionKey, SortKey Attribute
}

// Attribute is a key attribute: its name and its type, "S", "N" or "B".
type Attribute struct {
	Name string
	Type string
}

type table struct {
	name string
	key  KeySchema
	mu   sync.RWMutex
	// items by their encoded primary key.
	items map[string]item
}

// New returns a DB without tables.
func New() *DB { return &DB{tables: map[string]*table{}} }

var tableNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`) })

// CreateTable adds an empty table. It fails with ResourceInUseException if the table exists.
func (db *DB) CreateTable(name string, key KeySchema) error {
	t, err := newTable(name, key)
	if err != nil {
		return err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if _, ok := db.tables[name]; ok {
		return awserr.New(codeInUse, 400, "Table already exists: "+name)
	}
	db.tables[name] = t
	return nil
}

func newTable(name string, key KeySchema) (*table, *awserr.Error) {
	if !tableNameRE().MatchString(name) {
		return nil, validationf("Invalid table name %q: it must be 3 to 255 characters of a-z, A-Z, 0-9, _, - and .", name)
	}
	attrs := []Attribute{key.PartitionKey}
	if key.SortKey.Name != "" {
		attrs = append(attrs, key.SortKey)
	}
	for _, a := range attrs {
		if a.Name == "" {
			return nil, validation("The partition key of table " + name + " has no name")
		}
		if a.Type != "S" && a.Type != "N" && a.Type != "B" {
			return nil, validationf("Key attribute %s of table %s has type %q: it must be S, N or B", a.Name, name, a.Type)
		}
	}
	if key.SortKey.Name == key.PartitionKey.Name {
		return nil, validation("Both the partition key and the sort key of table " + name + " are named " + key.PartitionKey.Name)
	}
	return &table{name: name, key: key, items: map[string]item{}}, nil
}

// keyAttrs lists the table's key attributes, partition key first.
func (t *table) keyAttrs() []Attribute {
	if t.key.SortKey.Name == "" {
		return []Attribute{t.key.PartitionKey}
	}
	return []Attribute{t.key.PartitionKey, t.key.SortKey}
}

func (t *table) isKey(name string) bool {
	return name == t.key.PartitionKey.Name || t.key.SortKey.Name != "" && name == t.key.SortKey.Name
}

// keyString encodes an item's primary key for the item map: type and canonical text of each key value.
func (t *table) keyString(it item) string {
	var b strings.Builder
	for _, a := range t.keyAttrs() {
		v := it[a.Name]
		text := v.str
		if v.kind == kindN {
			text = v.num.String()
		}
		fmt.Fprintf(&b, "%s%d:%s", v.kind, len(text), text)
	}
	return b.String()
}

// keyOf is the item's primary key attributes.
func (t *table) keyOf(it item) item {
	k := item{}
	for _, a := range t.keyAttrs() {
		k[a.Name] = it[a.Name]
	}
	return k
}

// compareKeys orders items by partition key, then sort key.
func (t *table) compareKeys(a, b item) int {
	for _, attr := range t.keyAttrs() {
		if c, _ := scalarCompare(a[attr.Name], b[attr.Name]); c != 0 {
			return c
		}
	}
	return 0
}

// sortedItems returns the table's items in key order. The caller holds the table's lock.
func (t *table) sortedItems() []item {
	items := make([]item, 0, len(t.items))
	for _, it := range t.items {
		items = append(items, it)
	}
	slices.SortFunc(items, t.compareKeys)
	return items
}

// Call runs a DynamoDB API action ("PutItem" or "putItem") on a request in DynamoDB's JSON shape and
// returns DynamoDB's response body, or an *awserr.Error.
func (db *DB) Call(ctx context.Context, action string, request map[string]any) (map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if request == nil {
		request = map[string]any{}
	}
	var handler func(map[string]any) (map[string]any, *awserr.Error)
	switch strings.ToLower(action) {
	case "putitem":
		handler = db.putItem
	case "getitem":
		handler = db.getItem
	case "deleteitem":
		handler = db.deleteItem
	case "updateitem":
		handler = db.updateItem
	case "query":
		handler = db.query
	case "scan":
		handler = db.scan
	default:
		return nil, awserr.New(codeUnknownOp, 400, "The embedded DynamoDB does not implement the action "+action)
	}
	resp, err := handler(request)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// table looks up the request's TableName.
func (db *DB) table(req map[string]any) (*table, *awserr.Error) {
	name, ok, err := optString(req, "TableName")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nullMember("tableName")
	}
	db.mu.RLock()
	t := db.tables[name]
	db.mu.RUnlock()
	if t == nil {
		return nil, awserr.New(codeNotFound, 400, msgTableNotFound)
	}
	return t, nil
}

// Dump returns every table as {"KeySchema": ..., "Items": [...]}: the key schema in the fixtures' shape
// and the items as plain JSON (see Unmarshal) in key order. Sets become lists and binaries base64 strings.
func (db *DB) Dump() map[string]any {
	db.mu.RLock()
	tables := make([]*table, 0, len(db.tables))
	for _, t := range db.tables {
		tables = append(tables, t)
	}
	db.mu.RUnlock()
	out := make(map[string]any, len(tables))
	for _, t := range tables {
		t.mu.RLock()
		items := t.sortedItems()
		plain := make([]any, len(items))
		for i, it := range items {
			plain[i] = mapValue(it).plain()
		}
		t.mu.RUnlock()
		schema := map[string]any{"PartitionKey": attributeJSON(t.key.PartitionKey)}
		if t.key.SortKey.Name != "" {
			schema["SortKey"] = attributeJSON(t.key.SortKey)
		}
		out[t.name] = map[string]any{"KeySchema": schema, "Items": plain}
	}
	return out
}

func attributeJSON(a Attribute) map[string]any {
	return map[string]any{"Name": a.Name, "Type": a.Type}
}
