package dynamodb

import (
	"slices"

	"github.com/aslrun/aslrun/resources/awserr"
)

var updateMembers = []string{"UpdateExpression", "ConditionExpression"}

// updateItem is UpdateItem: apply an update expression to the item with the key, creating it from the key
// when it does not exist, if the condition holds.
func (db *DB) updateItem(req map[string]any) (map[string]any, *awserr.Error) {
	rv, err := enumMember(req, "ReturnValues", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
	if err != nil {
		return nil, err
	}
	if _, err := enumMember(req, "ReturnValuesOnConditionCheckFailure", "NONE", "ALL_OLD"); err != nil {
		return nil, err
	}
	ctx, err := newExprContext(req, updateMembers, updateMembers)
	if err != nil {
		return nil, err
	}
	var actions []updateAction
	if src, ok, err := optString(req, "UpdateExpression"); err != nil {
		return nil, err
	} else if ok {
		if actions, err = parseUpdate(ctx, src); err != nil {
			return nil, err
		}
	}
	cond, err := optCondition(req, ctx, "ConditionExpression")
	if err != nil {
		return nil, err
	}
	if err := ctx.checkUnused(); err != nil {
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
	for _, a := range actions {
		if t.isKey(a.path[0].name) {
			return nil, validationf("One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key", a.path[0].name)
		}
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.keyString(key)
	old := t.items[k]
	if cond != nil && !evalCondition(cond, old) {
		return nil, conditionFailed()
	}
	updated := key.clone()
	if old != nil {
		updated = old.clone()
	}
	if err := applyUpdate(actions, updated); err != nil {
		return nil, err
	}
	if updated.size() > maxItemSize {
		return nil, validation(msgUpdateTooLarge)
	}
	t.items[k] = updated

	var attrs item
	switch rv {
	case "ALL_OLD":
		attrs = old
	case "ALL_NEW":
		attrs = updated
	case "UPDATED_OLD":
		if old != nil {
			attrs = project(old, actionPaths(actions))
		}
	case "UPDATED_NEW":
		var paths []docPath
		for _, a := range actions {
			if a.section != "REMOVE" {
				paths = append(paths, a.path)
			}
		}
		attrs = project(updated, paths)
	}
	if len(attrs) == 0 {
		return map[string]any{}, nil
	}
	return map[string]any{"Attributes": itemJSON(attrs)}, nil
}

// applyUpdate applies the actions to it. SET values are computed from the item as it was before the
// update, as DynamoDB does; REMOVEs of list elements go from the highest index down so that the indexes
// written all refer to the list as it was.
func applyUpdate(actions []updateAction, it item) *awserr.Error {
	values := make([]*value, len(actions))
	for i, a := range actions {
		if a.section == "SET" {
			v, err := setValue(a.val, it)
			if err != nil {
				return err
			}
			values[i] = v
		}
	}
	var removes []docPath
	for i, a := range actions {
		var ok bool
		switch a.section {
		case "SET":
			ok = it.set(a.path, values[i])
		case "REMOVE":
			removes, ok = append(removes, a.path), true
		case "ADD":
			if err := add(it, a.path, a.val.(*valueOperand).v); err != nil {
				return err
			}
			ok = true
		case "DELETE":
			if err := deleteElements(it, a.path, a.val.(*valueOperand).v); err != nil {
				return err
			}
			ok = true
		}
		if !ok {
			return validation(msgInvalidDocPath)
		}
	}
	slices.SortFunc(removes, func(a, b docPath) int { return comparePaths(b, a) })
	for _, path := range removes {
		if !it.remove(path) {
			return validation(msgInvalidDocPath)
		}
	}
	return nil
}

// setValue computes SET's right-hand side.
func setValue(o operand, it item) (*value, *awserr.Error) {
	switch o := o.(type) {
	case *valueOperand:
		return o.v.clone(), nil
	case *pathOperand:
		v := it.lookup(o.path)
		if v == nil {
			return nil, validation(msgMissingOperand)
		}
		return v.clone(), nil
	case *arithOperand:
		l, err := setValue(o.l, it)
		if err != nil {
			return nil, err
		}
		r, err := setValue(o.r, it)
		if err != nil {
			return nil, err
		}
		if l.kind != kindN || r.kind != kindN {
			return nil, validation(msgIncorrectOperand)
		}
		op := l.num.add
		if o.minus {
			op = l.num.sub
		}
		d, msg := op(r.num)
		if msg != "" {
			return nil, validation(msg)
		}
		return numValue(d), nil
	}
	f, ok := o.(*funcOperand)
	if !ok || len(f.args) != 2 { // the parser lets no other operand through
		return nil, validation(msgIncorrectOperand)
	}
	if f.name == "if_not_exists" {
		if p, ok := f.args[0].(*pathOperand); ok {
			if v := it.lookup(p.path); v != nil {
				return v.clone(), nil
			}
		}
		return setValue(f.args[1], it)
	}
	// list_append
	l, err := setValue(f.args[0], it)
	if err != nil {
		return nil, err
	}
	r, err := setValue(f.args[1], it)
	if err != nil {
		return nil, err
	}
	if l.kind != kindL || r.kind != kindL {
		return nil, validation(msgIncorrectOperand)
	}
	return listValue(append(l.list, r.list...)), nil
}

// add is ADD: add to a number (a missing one counts as 0) or add elements to a set.
func add(it item, path docPath, v *value) *awserr.Error {
	existing := it.lookup(path)
	if existing == nil {
		if !it.set(path, v.clone()) {
			return validation(msgInvalidDocPath)
		}
		return nil
	}
	if existing.kind != v.kind {
		return validation(msgIncorrectOperand)
	}
	switch v.kind {
	case kindN:
		d, msg := existing.num.add(v.num)
		if msg != "" {
			return validation(msg)
		}
		existing.num = d
	case kindNS:
		for _, d := range v.nums {
			if !existing.hasNum(d) {
				existing.nums = append(existing.nums, d)
			}
		}
	default: // SS, BS
		for _, s := range v.strs {
			if !slices.Contains(existing.strs, s) {
				existing.strs = append(existing.strs, s)
			}
		}
	}
	return nil
}

// deleteElements is DELETE: remove elements from a set; a set left empty is removed.
func deleteElements(it item, path docPath, v *value) *awserr.Error {
	existing := it.lookup(path)
	if existing == nil {
		return nil
	}
	if existing.kind != v.kind {
		return validation(msgIncorrectOperand)
	}
	if v.kind == kindNS {
		existing.nums = slices.DeleteFunc(existing.nums, func(d decimal) bool { return v.hasNum(d) })
	} else {
		existing.strs = slices.DeleteFunc(existing.strs, func(s string) bool { return slices.Contains(v.strs, s) })
	}
	if len(existing.nums)+len(existing.strs) == 0 {
		it.remove(path)
	}
	return nil
}
