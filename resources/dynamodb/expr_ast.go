package dynamodb

import (
	"strconv"
	"strings"
)

// pathElem is one step of a document path: an attribute or map key name, or a list index.
type pathElem struct {
	name    string
	index   int
	isIndex bool
}

// docPath is a resolved document path such as a.b[0] (placeholders already replaced by names).
type docPath []pathElem

// String renders the path as DynamoDB's messages do: [a, b, [0]].
func (p docPath) String() string {
	parts := make([]string, len(p))
	for i, e := range p {
		if e.isIndex {
			parts[i] = "[" + strconv.Itoa(e.index) + "]"
		} else {
			parts[i] = e.name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// operand is one side of a comparison or an argument: a path, a value, a function call or (in update
// expressions) an arithmetic expression.
type operand interface{ operandNode() }

type pathOperand struct{ path docPath }

type valueOperand struct{ v *value }

type funcOperand struct {
	name string
	args []operand
}

type arithOperand struct {
	minus bool
	l, r  operand
}

func (*pathOperand) operandNode()  {}
func (*valueOperand) operandNode() {}
func (*funcOperand) operandNode()  {}
func (*arithOperand) operandNode() {}

// condition is a node of a condition, filter or key condition expression.
type condition interface{ conditionNode() }

type compareCond struct {
	op   tokKind
	l, r operand
}

type betweenCond struct{ v, lo, hi operand }

type inCond struct {
	v    operand
	list []operand
}

type logicCond struct {
	and  bool
	l, r condition
}

type notCond struct{ c condition }

// funcCond is a function used as a condition: attribute_exists, begins_with, contains and so on.
type funcCond struct{ f *funcOperand }

func (*compareCond) conditionNode() {}
func (*betweenCond) conditionNode() {}
func (*inCond) conditionNode()      {}
func (*logicCond) conditionNode()   {}
func (*notCond) conditionNode()     {}
func (*funcCond) conditionNode()    {}

// updateAction is one action of an update expression.
type updateAction struct {
	section string // SET, REMOVE, ADD or DELETE
	path    docPath
	val     operand // SET's value; ADD's and DELETE's is a *valueOperand; nil for REMOVE
}

// Functions by the expressions that may use them, with their number of operands.
var (
	conditionFunctions = map[string]int{
		"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
		"begins_with": 2, "contains": 2, "size": 1,
	}
	updateFunctions = map[string]int{"if_not_exists": 2, "list_append": 2}
)

// comparatorText names comparison operators in messages.
var comparatorText = map[tokKind]string{
	tokEq: "=", tokNe: "<>", tokLt: "<", tokLe: "<=", tokGt: ">", tokGe: ">=",
}
