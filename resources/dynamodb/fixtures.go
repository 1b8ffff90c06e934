package dynamodb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/aslrun/aslrun/resources/awserr"
)

// LoadFixtures creates tables and their items from the parsed "dynamodb" section of a fixtures file: an
// object of table names to tables, each in one of these forms.
//
// Explicit: {"KeySchema": {"PartitionKey": {"Name": "orderId", "Type": "N"}, "SortKey": {...}},
// "Items": [...]}. Items are plain JSON (see Marshal) unless "Typed": true makes them DynamoDB JSON. With no
// items the table is created empty.
//
// Keyed: {"Key": "bookId", "SortKey": "title", "Items": [...]} (SortKey optional), with plain items; each
// key's type, S or N, is that of the first item's value.
//
// Short: [{plain item}, ...]. The partition key is the first attribute of the first item as written, typed
// S or N by its value. A Go map does not keep that order, so here the short form works only when the first
// item has a single attribute; LoadFixturesJSON reads the order from the JSON text.
//
// Either every table loads or none does; a table that already exists is an error.
func (db *DB) LoadFixtures(v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("dynamodb fixtures: want an object of table names to tables, got %s", jsonType(v))
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	tables := make([]*table, 0, len(names))
	for _, name := range names {
		t, err := buildTable(name, obj[name], "")
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	return db.install(tables)
}

// LoadFixturesJSON is LoadFixtures on the JSON text of the "dynamodb" section, which keeps the order of
// attributes the short form takes its key from.
func (db *DB) LoadFixturesJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	doc, err := decodeOrdered(dec)
	if err == nil {
		if _, trailing := dec.Token(); trailing != io.EOF {
			err = errors.New("unexpected data after the top-level value")
		}
	}
	if err != nil {
		return fmt.Errorf("dynamodb fixtures: %w", err)
	}
	top, ok := doc.(*orderedObject)
	if !ok {
		return fmt.Errorf("dynamodb fixtures: want an object of table names to tables, got %s", jsonType(toPlain(doc)))
	}
	tables := make([]*table, 0, len(top.keys))
	for _, name := range top.keys {
		spec := top.vals[name]
		firstKey := ""
		if list, ok := spec.([]any); ok && len(list) > 0 {
			if first, ok := list[0].(*orderedObject); ok && len(first.keys) > 0 {
				firstKey = first.keys[0]
			}
		}
		t, err := buildTable(name, toPlain(spec), firstKey)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	return db.install(tables)
}

// install adds tables built from fixtures, all or none.
func (db *DB) install(tables []*table) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	for _, t := range tables {
		if _, ok := db.tables[t.name]; ok {
			return fmt.Errorf("dynamodb fixtures: table %q already exists", t.name)
		}
	}
	for _, t := range tables {
		db.tables[t.name] = t
	}
	return nil
}

// buildTable reads one table of fixtures. firstKey is the first attribute of the first item as written,
// when the caller knows it.
func buildTable(name string, spec any, firstKey string) (*table, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("dynamodb fixtures: table %q: %s", name, fmt.Sprintf(format, args...))
	}
	var key KeySchema
	var items []any
	typed := false
	switch spec := spec.(type) {
	case []any:
		items = spec
		if len(items) == 0 {
			return nil, fail(`the short form takes the key from the first item, and there is none: use {"KeySchema": ..., "Items": []}`)
		}
		first, ok := items[0].(map[string]any)
		if !ok {
			return nil, fail("Items[0] is a %s, not an object", jsonType(items[0]))
		}
		if firstKey == "" {
			if len(first) != 1 {
				return nil, fail(`the short form takes the key from the first attribute of the first item, whose order is lost here: give {"Key": "name", "Items": [...]}`)
			}
			for k := range first {
				firstKey = k
			}
		}
		attr, err := inferAttribute(firstKey, items)
		if err != nil {
			return nil, fail("%v", err)
		}
		key.PartitionKey = attr
	case map[string]any:
		var err error
		if key, items, typed, err = readTableSpec(spec); err != nil {
			return nil, fail("%v", err)
		}
	default:
		return nil, fail("want a list of items or an object, got %s", jsonType(spec))
	}
	t, awsErr := newTable(name, key)
	if awsErr != nil {
		return nil, fail("%s", awsErr.Message)
	}
	for i, raw := range items {
		if err := t.loadItem(raw, typed); err != nil {
			var ae *awserr.Error
			if errors.As(err, &ae) {
				return nil, fail("Items[%d]: %s", i, ae.Message) // a fixture error, not an API response
			}
			return nil, fail("Items[%d]: %v", i, err)
		}
	}
	return t, nil
}

// readTableSpec reads the explicit ("KeySchema") and keyed ("Key") forms.
func readTableSpec(spec map[string]any) (key KeySchema, items []any, typed bool, err error) {
	if raw, ok := spec["Items"]; ok && raw != nil {
		if items, ok = raw.([]any); !ok {
			return key, nil, false, fmt.Errorf("Items is a %s, not a list", jsonType(raw))
		}
	}
	if raw, ok := spec["Typed"]; ok {
		if typed, ok = raw.(bool); !ok {
			return key, nil, false, fmt.Errorf("Typed is a %s, not a boolean", jsonType(raw))
		}
	}
	_, explicit := spec["KeySchema"]
	allowed := map[string]bool{"Items": true, "Typed": true, "KeySchema": explicit, "Key": !explicit, "SortKey": !explicit}
	for member := range spec {
		if !allowed[member] {
			return key, nil, false, fmt.Errorf("unknown member %q", member)
		}
	}
	if explicit {
		schema, ok := spec["KeySchema"].(map[string]any)
		if !ok {
			return key, nil, false, errors.New(`KeySchema must be {"PartitionKey": {"Name": ..., "Type": ...}, "SortKey": ...}`)
		}
		key.PartitionKey, err = readAttribute(schema, "PartitionKey", true)
		if err == nil {
			key.SortKey, err = readAttribute(schema, "SortKey", false)
		}
		return key, items, typed, err
	}
	if typed {
		return key, nil, false, errors.New(`"Typed" needs the explicit form with a KeySchema`)
	}
	pk, ok := spec["Key"].(string)
	if !ok {
		return key, nil, false, errors.New(`want "KeySchema" or "Key" (the partition key's name)`)
	}
	if key.PartitionKey, err = inferAttribute(pk, items); err != nil {
		return key, nil, false, err
	}
	if raw, ok := spec["SortKey"]; ok {
		sk, ok := raw.(string)
		if !ok {
			return key, nil, false, errors.New("SortKey must be the sort key's name")
		}
		key.SortKey, err = inferAttribute(sk, items)
	}
	return key, items, false, err
}

func readAttribute(schema map[string]any, member string, required bool) (Attribute, error) {
	raw, ok := schema[member]
	if !ok || raw == nil {
		if required {
			return Attribute{}, fmt.Errorf("KeySchema has no %s", member)
		}
		return Attribute{}, nil
	}
	obj, ok := raw.(map[string]any)
	name, nameOK := obj["Name"].(string)
	typ, typeOK := obj["Type"].(string)
	if !ok || !nameOK || !typeOK {
		return Attribute{}, fmt.Errorf(`KeySchema.%s must be {"Name": ..., "Type": "S", "N" or "B"}`, member)
	}
	return Attribute{Name: name, Type: typ}, nil
}

// inferAttribute types a key attribute by the first item's value: a string is S, a number N.
func inferAttribute(name string, items []any) (Attribute, error) {
	if len(items) == 0 {
		return Attribute{}, fmt.Errorf("the type of key %s is taken from the first item, and there is none: use the explicit form", name)
	}
	first, _ := items[0].(map[string]any)
	switch first[name].(type) {
	case string:
		return Attribute{Name: name, Type: "S"}, nil
	case int64, float64, json.Number, int:
		return Attribute{Name: name, Type: "N"}, nil
	}
	return Attribute{}, fmt.Errorf("the first item's key %s must be a string or a number to give the key its type", name)
}

// loadItem validates an item as PutItem does and stores it; a duplicate key is an error.
func (t *table) loadItem(raw any, typed bool) error {
	var it item
	if typed {
		obj, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("an item must be an object, not a %s", jsonType(raw))
		}
		parsed, err := parseItem(obj)
		if err != nil {
			return err
		}
		it = parsed
	} else {
		if _, ok := raw.(map[string]any); !ok {
			return fmt.Errorf("an item must be an object, not a %s", jsonType(raw))
		}
		v, err := fromPlain(raw)
		if err != nil {
			return err
		}
		it = v.m
	}
	if err := t.checkItemKey(it); err != nil {
		return err
	}
	if it.size() > maxItemSize {
		return validation(msgItemTooLarge)
	}
	k := t.keyString(it)
	if _, dup := t.items[k]; dup {
		return errors.New("an earlier item has the same key")
	}
	t.items[k] = it
	return nil
}

// orderedObject is a JSON object that remembers the order of its members.
type orderedObject struct {
	keys []string
	vals map[string]any
}

// decodeOrdered reads one JSON value, objects as *orderedObject and numbers as json.Number.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := nextToken(dec)
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch delim {
	case '{':
		obj := &orderedObject{vals: map[string]any{}}
		for dec.More() {
			k, err := nextToken(dec)
			if err != nil {
				return nil, err
			}
			key, _ := k.(string) // the decoder only yields strings as object keys
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			if _, dup := obj.vals[key]; !dup {
				obj.keys = append(obj.keys, key)
			}
			obj.vals[key] = v
		}
		_, err := nextToken(dec) // }
		return obj, err
	case '[':
		list := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := nextToken(dec) // ]
		return list, err
	}
	return nil, fmt.Errorf("unexpected %v", delim)
}

// nextToken reads the next token of a value that is not complete yet, so the end of the input is an error.
func nextToken(dec *json.Decoder) (json.Token, error) {
	tok, err := dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return tok, err
}

// toPlain turns decodeOrdered's output into ordinary JSON values.
func toPlain(v any) any {
	switch v := v.(type) {
	case *orderedObject:
		m := make(map[string]any, len(v.vals))
		for k, e := range v.vals {
			m[k] = toPlain(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = toPlain(e)
		}
		return l
	}
	return v
}
