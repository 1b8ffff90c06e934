package dynamodb

import (
	"encoding/json"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/resources/awserr"
)

// optString reads an optional string member; a JSON null counts as absent.
func optString(req map[string]any, name string) (string, bool, *awserr.Error) {
	raw, ok := req[name]
	if !ok || raw == nil {
		return "", false, nil
	}
	s, ok := raw.(string)
	if !ok {
		return "", false, serializationf("Unexpected %s for %s, which must be a string", jsonType(raw), name)
	}
	return s, true, nil
}

func optMap(req map[string]any, name string) (map[string]any, bool, *awserr.Error) {
	raw, ok := req[name]
	if !ok || raw == nil {
		return nil, false, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, false, serializationf("Unexpected %s for %s, which must be a map", jsonType(raw), name)
	}
	return m, true, nil
}

func optBool(req map[string]any, name string) (bool, *awserr.Error) {
	raw, ok := req[name]
	if !ok || raw == nil {
		return false, nil
	}
	b, ok := raw.(bool)
	if !ok {
		return false, serializationf("Unexpected %s for %s, which must be a boolean", jsonType(raw), name)
	}
	return b, nil
}

// optInt reads an optional integer member, as any of the number types a JSON parser yields.
func optInt(req map[string]any, name string) (int64, bool, *awserr.Error) {
	raw, ok := req[name]
	if !ok || raw == nil {
		return 0, false, nil
	}
	bad := serializationf("Unexpected %s for %s, which must be an integer", jsonType(raw), name)
	switch n := raw.(type) {
	case int64:
		return n, true, nil
	case int:
		return int64(n), true, nil
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false, bad
		}
		return int64(n), true, nil
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return 0, false, bad
		}
		return i, true, nil
	}
	return 0, false, bad
}

// enumMember reads an optional member that takes one of a fixed set of values (the first is the default).
func enumMember(req map[string]any, name string, allowed ...string) (string, *awserr.Error) {
	s, ok, err := optString(req, name)
	if err != nil || !ok {
		return allowed[0], err
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", validationf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
		s, strings.ToLower(name[:1])+name[1:], strings.Join(allowed, ", "))
}

// returnValues reads ReturnValues for PutItem and DeleteItem, which take only NONE and ALL_OLD.
func returnValues(req map[string]any) (string, *awserr.Error) {
	rv, err := enumMember(req, "ReturnValues", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
	if err != nil {
		return "", err
	}
	if rv != "NONE" && rv != "ALL_OLD" {
		return "", validation(msgReturnValues)
	}
	return rv, nil
}

// legacyMembers are the pre-expression request members, which the emulation does not implement.
var legacyMembers = []string{"AttributesToGet", "AttributeUpdates", "ConditionalOperator", "Expected", "KeyConditions", "QueryFilter", "ScanFilter"}

var (
	nameKeyRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#[0-9A-Za-z_]+$`) })
	valueKeyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^:[0-9A-Za-z_]+$`) })
)

// newExprContext validates ExpressionAttributeNames and ExpressionAttributeValues against the request's
// expressions: exprMembers are the expression members the action takes, valueMembers those of them that
// may use values (a ProjectionExpression cannot).
func newExprContext(req map[string]any, exprMembers, valueMembers []string) (*exprContext, *awserr.Error) {
	var present []string
	for _, m := range exprMembers {
		if _, ok, err := optString(req, m); err != nil {
			return nil, err
		} else if ok {
			present = append(present, m)
		}
	}
	var legacy []string
	for _, m := range legacyMembers {
		if req[m] != nil {
			legacy = append(legacy, m)
		}
	}
	if len(legacy) > 0 {
		if len(present) > 0 {
			return nil, validationf("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}",
				strings.Join(legacy, ", "), strings.Join(present, ", "))
		}
		return nil, validationf("The embedded DynamoDB does not implement the legacy parameter %s: use the expression parameters", legacy[0])
	}
	names, hasNames, err := optMap(req, "ExpressionAttributeNames")
	if err != nil {
		return nil, err
	}
	var values map[string]any
	hasValues := false
	if len(valueMembers) > 0 { // actions without such expressions have no ExpressionAttributeValues member
		if values, hasValues, err = optMap(req, "ExpressionAttributeValues"); err != nil {
			return nil, err
		}
	}
	if hasNames && len(present) == 0 {
		return nil, validation("ExpressionAttributeNames can only be specified when using expressions")
	}
	if hasValues {
		used := false
		for _, m := range valueMembers {
			used = used || req[m] != nil
		}
		if !used {
			verb := "is"
			if len(valueMembers) > 1 {
				verb = "are"
			}
			return nil, validationf("ExpressionAttributeValues can only be specified when using expressions: %s %s null", strings.Join(valueMembers, " and "), verb)
		}
	}
	ctx := &exprContext{names: map[string]string{}, values: map[string]*value{}, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
	if hasNames && len(names) == 0 {
		return nil, validation("ExpressionAttributeNames must not be empty")
	}
	for _, k := range sortedKeys(names) {
		if !nameKeyRE().MatchString(k) {
			return nil, validationf(`ExpressionAttributeNames contains invalid key: Syntax error; key: "%s"`, k)
		}
		s, ok := names[k].(string)
		if !ok {
			return nil, serializationf("Unexpected %s for ExpressionAttributeNames value %s, which must be a string", jsonType(names[k]), k)
		}
		ctx.names[k] = s
	}
	if hasValues && len(values) == 0 {
		return nil, validation("ExpressionAttributeValues must not be empty")
	}
	for _, k := range sortedKeys(values) {
		if !valueKeyRE().MatchString(k) {
			return nil, validationf(`ExpressionAttributeValues contains invalid key: Syntax error; key: "%s"`, k)
		}
	}
	for _, k := range sortedKeys(values) {
		v, err := parseValue(values[k])
		if err != nil {
			if err.Code == codeValidation {
				err = validationf("ExpressionAttributeValues contains invalid value: %s for key %s", err.Message, k)
			}
			return nil, err
		}
		ctx.values[k] = v
	}
	return ctx, nil
}

// checkUnused rejects names and values the request's expressions did not use, as DynamoDB does.
func (ctx *exprContext) checkUnused() *awserr.Error {
	var unused []string
	for k := range ctx.names {
		if !ctx.usedNames[k] {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return validationf("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", strings.Join(unused, ", "))
	}
	for k := range ctx.values {
		if !ctx.usedValues[k] {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return validationf("Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}", strings.Join(unused, ", "))
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// optCondition parses an optional condition-like member (ConditionExpression, FilterExpression).
func optCondition(req map[string]any, ctx *exprContext, member string) (condition, *awserr.Error) {
	src, ok, err := optString(req, member)
	if err != nil || !ok {
		return nil, err
	}
	return parseCondition(ctx, member, src)
}

// optProjection parses an optional ProjectionExpression.
func optProjection(req map[string]any, ctx *exprContext) ([]docPath, *awserr.Error) {
	src, ok, err := optString(req, "ProjectionExpression")
	if err != nil || !ok {
		return nil, err
	}
	return parseProjection(ctx, src)
}

// parseKey reads a Key member: exactly the table's key attributes, with the schema's types.
func (t *table) parseKey(req map[string]any) (item, *awserr.Error) {
	raw, ok, err := optMap(req, "Key")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nullMember("key")
	}
	key, err := parseItem(raw)
	if err != nil {
		return nil, err
	}
	if !t.matchesSchema(key) {
		return nil, validation(msgKeySchema)
	}
	return key, t.checkKeyValues(key)
}

// startKey reads an optional ExclusiveStartKey, which must be a primary key of the table.
func (t *table) startKey(req map[string]any) (item, *awserr.Error) {
	raw, ok, err := optMap(req, "ExclusiveStartKey")
	if err != nil || !ok {
		return nil, err
	}
	key, err := parseItem(raw)
	if err != nil {
		return nil, err
	}
	if !t.matchesSchema(key) {
		return nil, validation(msgStartKey)
	}
	return key, nil
}

// matchesSchema reports whether a key has exactly the table's key attributes, with the schema's types.
func (t *table) matchesSchema(key item) bool {
	if len(key) != len(t.keyAttrs()) {
		return false
	}
	for _, a := range t.keyAttrs() {
		if v, ok := key[a.Name]; !ok || v.kind.String() != a.Type {
			return false
		}
	}
	return true
}

// checkItemKey checks that an item to put carries the table's key attributes with the schema's types.
func (t *table) checkItemKey(it item) *awserr.Error {
	for _, a := range t.keyAttrs() {
		v, ok := it[a.Name]
		if !ok {
			return validation(msgMissingKey)
		}
		if v.kind.String() != a.Type {
			return validationf("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", a.Name, a.Type, v.kind)
		}
	}
	return t.checkKeyValues(it)
}

// checkKeyValues applies DynamoDB's limits to key values: not empty, and not too long.
func (t *table) checkKeyValues(it item) *awserr.Error {
	for i, a := range t.keyAttrs() {
		v := it[a.Name]
		if v.kind == kindN {
			continue
		}
		if v.str == "" {
			what := "string"
			if v.kind == kindB {
				what = "binary"
			}
			return validationf("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s", what, a.Name)
		}
		if i == 0 && len(v.str) > maxPartitionBytes {
			return validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
		}
		if i == 1 && len(v.str) > maxSortBytes {
			return validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
	}
	return nil
}

// conditionFailed is ConditionalCheckFailedException.
func conditionFailed() *awserr.Error { return awserr.New(codeConditional, 400, msgConditionFailed) }
