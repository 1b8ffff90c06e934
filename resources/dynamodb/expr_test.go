package dynamodb

import (
	"encoding/json"
	"testing"
)

// update builds an UpdateItem request on Books' item b1.
func update(expr, names, values string) string {
	req := `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"UpdateExpression":` + quote(expr)
	if names != "" {
		req += `,"ExpressionAttributeNames":` + names
	}
	if values != "" {
		req += `,"ExpressionAttributeValues":` + values
	}
	return req + "}"
}

// conditionalPut builds a PutItem request on Books with a ConditionExpression.
func conditionalPut(cond, names, values string) string {
	req := `{"TableName":"Books","Item":{"bookId":{"S":"b1"}},"ConditionExpression":` + quote(cond)
	if names != "" {
		req += `,"ExpressionAttributeNames":` + names
	}
	if values != "" {
		req += `,"ExpressionAttributeValues":` + values
	}
	return req + "}"
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

const (
	vN = `{":v":{"N":"1"}}`
	vS = `{":v":{"S":"x"}}`
)

func TestUpdateExpressionErrors(t *testing.T) {
	for _, c := range []struct{ name, req, msg string }{
		{"bad first token", update("INVALID SYNTAX HERE", "", vS), `Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"`},
		{"lone colon", update("ADD hits : incr", "", `{":incr":{"N":"1"}}`), `Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"`},
		{"missing value", update("SET a = ", "", ""), `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "= "`},
		{"trailing comma", update("SET a = :v,", "", vN), `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","`},
		{"section alone", update("SET", "", ""), `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`},
		{"ADD without value", update("ADD numx", "", ""), `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "numx"`},
		{"missing comma", update("SET a = :v b = :v", "", vN), `Invalid UpdateExpression: Syntax error; token: "b", near: ":v b ="`},
		{"keyword as path", update("SET a = :v, REMOVE b", "", vN), `Invalid UpdateExpression: Syntax error; token: "REMOVE", near: ", REMOVE b"`},
		{"bad index", update("SET a[x] = :v", "", vN), `Invalid UpdateExpression: Syntax error; token: "x", near: "[x]"`},
		{"empty", update("", "", ""), "Invalid UpdateExpression: The expression can not be empty;"},
		{"blank", update("  ", "", ""), "Invalid UpdateExpression: The expression can not be empty;"},
		{"undefined name", update("SET #s = :v", "", vS), "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #s"},
		{"undefined value", update("SET a = :v", "", ""), "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"},
		{"reserved word", update("SET status = :v", "", vS), "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"},
		{"reserved word nested", update("SET a.Name = :v", "", vS), "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Name"},
		{"section twice", update("SET a = :v SET b = :v", "", vS), `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{"same path twice", update("SET #v = :v, #v = :v", `{"#v":"val"}`, vS), "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [val], path two: [val]"},
		{"nested overlap", update("SET a = :v REMOVE a.b", "", vS), "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"conflict", update("SET a[0] = :v, a.b = :v", "", vS), "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"},
		{"unknown function", update("SET a = foo(:v)", "", vS), "Invalid UpdateExpression: Invalid function name; function: foo"},
		{"condition function", update("SET a = size(b)", "", ""), "Invalid UpdateExpression: Invalid function name; function: size"},
		{"arity", update("SET a = list_append(:v)", "", `{":v":{"L":[]}}`), "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"},
		{"plus string", update("SET a = a + :v", "", vS), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"list_append number", update("SET a = list_append(a, :v)", "", vN), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: N"},
		{"if_not_exists value", update("SET a = if_not_exists(:v, :v)", "", vN), "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
		{"ADD string", update("ADD a :v", "", vS), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"DELETE number", update("DELETE a :v", "", vN), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
		{"DELETE list", update("DELETE a :v", "", `{":v":{"L":[]}}`), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: LIST"},
		{"unused name", update("SET a = :v", `{"#unused":"x"}`, vS), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"},
		{"unused values", update("SET a = :v", "", `{":v":{"S":"x"},":b":{"S":"y"},":a":{"S":"z"}}`), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :b}"},
		{"empty names", update("SET a = :v", `{}`, vS), "ExpressionAttributeNames must not be empty"},
		{"empty values", update("SET a = b", "", `{}`), "ExpressionAttributeValues must not be empty"},
		{"name key", update("SET #s = :v", `{"s":"status"}`, vS), `ExpressionAttributeNames contains invalid key: Syntax error; key: "s"`},
		{"name key chars", update("SET a = :v", `{"#a-b":"x"}`, vS), `ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"`},
		{"value key", update("SET a = :v", "", `{"v":{"S":"x"}}`), `ExpressionAttributeValues contains invalid key: Syntax error; key: "v"`},
		{"value invalid", update("SET a = :v", "", `{":v":{"N":"x"}}`), "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: x for key :v"},
		{"value empty set", update("SET a = :v", "", `{":v":{"SS":[]}}`), "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v"},
		{"key attribute", update("SET bookId = :v", "", vS), "One or more parameter values were invalid: Cannot update attribute bookId. This attribute is part of the key"},
		{"key attribute removed", update("REMOVE #k", `{"#k":"bookId"}`, ""), "One or more parameter values were invalid: Cannot update attribute bookId. This attribute is part of the key"},
		{"names without expressions", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ExpressionAttributeNames":{"#s":"status"}}`, "ExpressionAttributeNames can only be specified when using expressions"},
		{"values without expressions", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ExpressionAttributeValues":{":v":{"S":"x"}}}`, "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := call(t, testDB(t), "UpdateItem", c.req)
			assertError(t, err, codeValidation, c.msg)
		})
	}
}

func TestConditionExpressionErrors(t *testing.T) {
	for _, c := range []struct{ name, req, msg string }{
		{"minus", conditionalPut("a-b", "", ""), `Invalid ConditionExpression: Syntax error; token: "-", near: "a-b"`},
		{"dangling AND", conditionalPut("a = :v AND", "", vN), `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"`},
		{"double comparator", conditionalPut("a = = :v", "", vN), `Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"`},
		{"path alone", conditionalPut("a", "", ""), `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "a"`},
		{"unclosed paren", conditionalPut("(a = :v", "", vN), `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":v"`},
		{"stray paren", conditionalPut("a = :v)", "", vN), `Invalid ConditionExpression: Syntax error; token: ")", near: ":v)"`},
		{"BETWEEN without AND", conditionalPut("a BETWEEN :v OR :v", "", vN), `Invalid ConditionExpression: Syntax error; token: "OR", near: ":v OR :v"`},
		{"empty IN", conditionalPut("a IN ()", "", ""), `Invalid ConditionExpression: Syntax error; token: ")", near: "()"`},
		{"keyword as path", conditionalPut("and = :v", "", vN), `Invalid ConditionExpression: Syntax error; token: "and", near: "and ="`},
		{"unicode", conditionalPut("a = :v ∧ b", "", vN), `Invalid ConditionExpression: Syntax error; token: "∧", near: ":v ∧ b"`},
		{"lone hash", conditionalPut("# = :v", "", vN), `Invalid ConditionExpression: Syntax error; token: "#", near: "# ="`},
		{"empty", conditionalPut("", "", ""), "Invalid ConditionExpression: The expression can not be empty;"},
		{"redundant parens", conditionalPut("((attribute_not_exists(bookId)))", "", ""), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"redundant inner parens", conditionalPut("a = :v AND ((b = :v))", "", vN), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"distinct operands", conditionalPut("contains(#a, #a)", `{"#a":"data"}`, ""), "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [data]"},
		{"distinct comparison", conditionalPut("a = a", "", ""), "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"function compared", conditionalPut("attribute_exists(a) = :v", "", `{":v":{"BOOL":true}}`), "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"size alone", conditionalPut("size(a)", "", ""), "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
		{"between bounds", conditionalPut("a BETWEEN :hi AND :lo", "", `{":hi":{"N":"5"},":lo":{"N":"1"}}`), "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
		{"between types", conditionalPut("a BETWEEN :lo AND :hi", "", `{":hi":{"N":"5"},":lo":{"S":"1"}}`), "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {S:1}, upper bound operand: AttributeValue: {N:5}"},
		{"attribute_type name", conditionalPut("attribute_type(a, :t)", "", `{":t":{"S":"STRING"}}`), "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"attribute_type operand", conditionalPut("attribute_type(a, :t)", "", `{":t":{"N":"1"}}`), "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"begins_with number", conditionalPut("begins_with(a, :v)", "", vN), "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"exists on value", conditionalPut("attribute_exists(:v)", "", vN), "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
		{"size of value", conditionalPut("size(:v) > :v", "", vN), "Invalid ConditionExpression: Operator or function requires a document path; operator or function: size"},
		{"unknown function", conditionalPut("foo(a)", "", ""), "Invalid ConditionExpression: Invalid function name; function: foo"},
		{"update function", conditionalPut("if_not_exists(a, :v)", "", vN), "Invalid ConditionExpression: Invalid function name; function: if_not_exists"},
		{"arity", conditionalPut("begins_with(a)", "", ""), "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"undefined name", conditionalPut("#missing = :v", "", vN), "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #missing"},
		{"undefined value", conditionalPut("a = :nope", "", ""), "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"reserved", conditionalPut("attribute_exists(count)", "", ""), "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: count"},
		{"parens before reserved", conditionalPut("((status = :v))", "", vN), "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"values without condition", `{"TableName":"Books","Item":{"bookId":{"S":"b1"}},"ExpressionAttributeValues":{":v":{"S":"unused"}}}`, "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"},
		{"projection syntax", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ProjectionExpression":"!!! INVALID !!!"}`, `Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"`},
		{"projection overlap", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ProjectionExpression":"a, a.b"}`, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"projection empty", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ProjectionExpression":""}`, "Invalid ProjectionExpression: The expression can not be empty;"},
		{"projection reserved", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ProjectionExpression":"name"}`, "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
		{"projection names unused", `{"TableName":"Books","Key":{"bookId":{"S":"b1"}},"ProjectionExpression":"a","ExpressionAttributeNames":{"#n":"name"}}`, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			action := "PutItem"
			if c.name[:4] == "proj" {
				action = "GetItem"
			}
			_, err := call(t, testDB(t), action, c.req)
			assertError(t, err, codeValidation, c.msg)
		})
	}
}
