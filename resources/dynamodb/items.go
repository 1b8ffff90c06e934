package dynamodb

import "github.com/aslrun/aslrun/resources/awserr"

var (
	conditionMembers = []string{"ConditionExpression"}
	projectionOnly   = []string{"ProjectionExpression"}
)

// putItem is PutItem: store an item, replacing any with the same key, if the condition holds.
func (db *DB) putItem(req map[string]any) (map[string]any, *awserr.Error) {
	rv, cond, t, err := db.conditionalWrite(req)
	if err != nil {
		return nil, err
	}
	raw, ok, err := optMap(req, "Item")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nullMember("item")
	}
	it, err := parseItem(raw)
	if err != nil {
		return nil, err
	}
	if err := t.checkItemKey(it); err != nil {
		return nil, err
	}
	if it.size() > maxItemSize {
		return nil, validation(msgItemTooLarge)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.keyString(it)
	old := t.items[k]
	if cond != nil && !evalCondition(cond, old) {
		return nil, conditionFailed()
	}
	t.items[k] = it
	return oldAttributes(rv, old), nil
}

// oldAttributes is the response of PutItem and DeleteItem: the replaced item for ALL_OLD, if there was one.
func oldAttributes(rv string, old item) map[string]any {
	if rv == "ALL_OLD" && old != nil {
		return map[string]any{"Attributes": itemJSON(old)}
	}
	return map[string]any{}
}

// getItem is GetItem: the item with the key, if any, projected.
func (db *DB) getItem(req map[string]any) (map[string]any, *awserr.Error) {
	ctx, err := newExprContext(req, projectionOnly, nil)
	if err != nil {
		return nil, err
	}
	projection, err := optProjection(req, ctx)
	if err != nil {
		return nil, err
	}
	if err := ctx.checkUnused(); err != nil {
		return nil, err
	}
	if _, err := optBool(req, "ConsistentRead"); err != nil {
		return nil, err
	}
	t, err := db.table(req)
	if err != nil {
		return nil, err
	}
	key, err := t.parseKey(req)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	it := t.items[t.keyString(key)]
	if it == nil {
		return map[string]any{}, nil
	}
	if projection != nil {
		it = project(it, projection)
	}
	return map[string]any{"Item": itemJSON(it)}, nil
}

// deleteItem is DeleteItem: remove the item with the key, if the condition holds.
func (db *DB) deleteItem(req map[string]any) (map[string]any, *awserr.Error) {
	rv, cond, t, err := db.conditionalWrite(req)
	if err != nil {
		return nil, err
	}
	key, err := t.parseKey(req)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.keyString(key)
	old := t.items[k]
	if cond != nil && !evalCondition(cond, old) {
		return nil, conditionFailed()
	}
	delete(t.items, k)
	return oldAttributes(rv, old), nil
}

// conditionalWrite reads what PutItem and DeleteItem share, in DynamoDB's order of validation: ReturnValues,
// ReturnValuesOnConditionCheckFailure, the ConditionExpression and its attribute names and values, then the
// table.
func (db *DB) conditionalWrite(req map[string]any) (string, condition, *table, *awserr.Error) {
	rv, err := returnValues(req)
	if err != nil {
		return "", nil, nil, err
	}
	if _, err := enumMember(req, "ReturnValuesOnConditionCheckFailure", "NONE", "ALL_OLD"); err != nil {
		return "", nil, nil, err
	}
	ctx, err := newExprContext(req, conditionMembers, conditionMembers)
	if err != nil {
		return "", nil, nil, err
	}
	cond, err := optCondition(req, ctx, "ConditionExpression")
	if err != nil {
		return "", nil, nil, err
	}
	if err := ctx.checkUnused(); err != nil {
		return "", nil, nil, err
	}
	t, err := db.table(req)
	if err != nil {
		return "", nil, nil, err
	}
	return rv, cond, t, nil
}
