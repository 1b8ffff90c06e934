package jsonata

import "regexp"

// nodeType is the kind of an expression node.
type nodeType uint8

const (
	nPath nodeType = iota
	nBinary
	nUnary // op "-" negation, "[" array constructor, "{" object constructor
	nName
	nString
	nNumber
	nValue // true, false, null
	nWildcard
	nDescendant
	nParent
	nCondition
	nCoalesce // a ?? b
	nElvis    // a ?: b
	nBlock
	nBind
	nRegex
	nFunction
	nPartial
	nVariable
	nLambda
	nApply
	nSort
	nTransform
	nOperator    // an operator token standing alone: the '?' placeholder, or and/or/in used as names
	nPlaceholder // a '?' argument of a partial application after processing
)

// node is an expression node. The parser builds a raw tree (binary '.', '[', '{', '^', '@', '#'
// nodes); process turns it into the evaluated form (paths of steps with stages).
type node struct {
	typ                     nodeType
	op                      string
	pos                     int
	str                     string     // name, string literal, variable name
	lit                     any        // the value of a literal node
	lhs                     *node      // binary operands
	rhs                     *node      //
	exprs                   []*node    // array items, block expressions, call arguments
	pairs                   [][2]*node // object constructor
	terms                   []sortTerm
	steps                   []*node
	predicate               []*stage // filters on a non-path expression
	stages                  []*stage // filters and index bindings on a path step
	group                   *groupSpec
	procedure               *node
	params                  []string // lambda parameter names
	sig                     *signature
	body                    *node
	thunk                   bool // a tail call wrapped as a thunk lambda
	cond, then, els         *node
	pattern, update, delete *node
	re                      *regexp.Regexp

	keepArray          bool // [] after a step: keep singleton arrays
	keepSingletonArray bool
	consArray          bool   // an array constructor used as a path step
	tuple              bool   // this step, or path, carries a tuple stream
	needsFrame         bool   // a block that binds variables
	focus              string // @$var
	index              string // #$var
	// fields: a path of fields of a variable ($v.a.b) holds them here (a, b), for Options.LookupPath.
	fields        []string
	ancestor      *slot
	slot          *slot
	seekingParent []*slot
}

// stage is a predicate filter, or an index binding, applied to the result of a step.
type stage struct {
	filter bool
	expr   *node
	index  string
	pos    int
}

type groupSpec struct {
	pairs [][2]*node
	pos   int
}

type sortTerm struct {
	descending bool
	expr       *node
}

// slot is a parent (%) reference: the step that must record its context under label.
type slot struct {
	label string
	level int
	index int
}
