package dynamodb

import (
	"strings"

	"github.com/aslrun/aslrun/resources/awserr"
)

// keyConditions is a parsed KeyConditionExpression: the partition key value and an optional sort key
// condition.
type keyConditions struct {
	pkName, skName string
	pk             *value
	sk             *keyCond
}

// keyCond is one condition on a key attribute: a comparison, BETWEEN or begins_with.
type keyCond struct {
	attr string
	op   string // =, <, <=, >, >=, BETWEEN or begins_with
	vals []*value
}

// keyConditions checks a KeyConditionExpression against the table's key schema.
func (t *table) keyConditions(c condition) (*keyConditions, *awserr.Error) {
	var conds []*keyCond
	if err := collectKeyConds(c, &conds); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, kc := range conds {
		if seen[kc.attr] {
			return nil, validation("KeyConditionExpressions must only contain one condition per key")
		}
		seen[kc.attr] = true
	}
	kcs := &keyConditions{pkName: t.key.PartitionKey.Name, skName: t.key.SortKey.Name}
	for _, kc := range conds {
		if kc.attr == kcs.pkName {
			if kc.op != "=" {
				return nil, validation("Query key condition not supported")
			}
			kcs.pk = kc.vals[0]
		}
	}
	if kcs.pk == nil {
		return nil, validation("Query condition missed key schema element: " + kcs.pkName)
	}
	for _, kc := range conds {
		switch {
		case kc.attr == kcs.pkName:
		case kcs.skName != "" && kc.attr == kcs.skName:
			kcs.sk = kc
		case kcs.skName != "":
			return nil, validation("Query condition missed key schema element: " + kcs.skName)
		default:
			return nil, validation("Query key condition not supported")
		}
	}
	for _, kc := range conds {
		want := t.key.PartitionKey.Type
		if kc.attr == kcs.skName {
			want = t.key.SortKey.Type
		}
		for _, v := range kc.vals {
			if v.kind.String() != want {
				return nil, validation("One or more parameter values were invalid: Condition parameter type does not match schema type")
			}
		}
	}
	return kcs, nil
}

// collectKeyConds flattens the ANDs of a key condition, refusing every other construct.
func collectKeyConds(c condition, out *[]*keyCond) *awserr.Error {
	invalidOp := func(op string) *awserr.Error {
		return validation("Invalid operator used in KeyConditionExpression: " + op)
	}
	switch c := c.(type) {
	case *logicCond:
		if !c.and {
			return invalidOp("OR")
		}
		if err := collectKeyConds(c.l, out); err != nil {
			return err
		}
		return collectKeyConds(c.r, out)
	case *notCond:
		return invalidOp("NOT")
	case *inCond:
		return invalidOp("IN")
	case *compareCond:
		if c.op == tokNe {
			return invalidOp("<>")
		}
		attr, vals, flipped, err := keyOperands(c.l, c.r)
		if err != nil {
			return err
		}
		op := comparatorText[c.op]
		if flipped {
			op = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
		}
		*out = append(*out, &keyCond{attr: attr, op: op, vals: vals})
		return nil
	case *betweenCond:
		attr, vals, flipped, err := keyOperands(c.v, c.lo, c.hi)
		if err != nil {
			return err
		}
		if flipped {
			return validation("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand")
		}
		*out = append(*out, &keyCond{attr: attr, op: "BETWEEN", vals: vals})
		return nil
	case *funcCond:
		if c.f.name != "begins_with" {
			return invalidOp(c.f.name)
		}
		attr, vals, flipped, err := keyOperands(c.f.args...)
		if err != nil {
			return err
		}
		if flipped {
			return validation("Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand")
		}
		*out = append(*out, &keyCond{attr: attr, op: "begins_with", vals: vals})
		return nil
	}
	return invalidOp("?")
}

// keyOperands splits a key condition's operands into the one key attribute and the values; flipped is
// true when the attribute is not the first operand.
func keyOperands(ops ...operand) (attr string, vals []*value, flipped bool, err *awserr.Error) {
	found := false
	for i, o := range ops {
		switch o := o.(type) {
		case *pathOperand:
			if found {
				return "", nil, false, validation("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
			}
			if len(o.path) > 1 {
				return "", nil, false, validation("KeyConditionExpressions cannot have conditions on nested attributes")
			}
			attr, found, flipped = o.path[0].name, true, i > 0
		case *valueOperand:
			vals = append(vals, o.v)
		default:
			return "", nil, false, validation("KeyConditionExpressions cannot contain nested operations")
		}
	}
	if !found {
		return "", nil, false, validation("Invalid condition in KeyConditionExpression: No key attribute specified")
	}
	return attr, vals, flipped, nil
}

// match reports whether an item is in the queried partition and satisfies the sort key condition.
func (k *keyConditions) match(it item) bool {
	if !it[k.pkName].equal(k.pk) {
		return false
	}
	if k.sk == nil {
		return true
	}
	v := it[k.skName]
	switch k.sk.op {
	case "BETWEEN":
		return compare(tokGe, v, k.sk.vals[0]) && compare(tokLe, v, k.sk.vals[1])
	case "begins_with":
		return strings.HasPrefix(v.str, k.sk.vals[0].str)
	}
	op := map[string]tokKind{"=": tokEq, "<": tokLt, "<=": tokLe, ">": tokGt, ">=": tokGe}[k.sk.op]
	return compare(op, v, k.sk.vals[0])
}

// keyInCondition returns a key attribute a filter refers to: DynamoDB refuses to filter on them in Query.
func (t *table) keyInCondition(c condition) (string, bool) {
	var found string
	var visitOperand func(o operand)
	visitOperand = func(o operand) {
		switch o := o.(type) {
		case *pathOperand:
			if found == "" && t.isKey(o.path[0].name) {
				found = o.path[0].name
			}
		case *funcOperand:
			for _, a := range o.args {
				visitOperand(a)
			}
		}
	}
	var visit func(c condition)
	visit = func(c condition) {
		switch c := c.(type) {
		case *logicCond:
			visit(c.l)
			visit(c.r)
		case *notCond:
			visit(c.c)
		case *compareCond:
			visitOperand(c.l)
			visitOperand(c.r)
		case *betweenCond:
			visitOperand(c.v)
			visitOperand(c.lo)
			visitOperand(c.hi)
		case *inCond:
			visitOperand(c.v)
			for _, o := range c.list {
				visitOperand(o)
			}
		case *funcCond:
			visitOperand(c.f)
		}
	}
	visit(c)
	return found, found != ""
}
