// Package asl is the Amazon States Language: the typed model of a state machine definition, its parser
// (JSON or YAML, keeping the position of every state and field) and its validator.
package asl

import (
	"github.com/aslrun/aslrun/asl/jsonata"
	"github.com/aslrun/aslrun/asl/source"
)

// QueryLanguage is the language of a state's paths and expressions.
type QueryLanguage string

// The two query languages.
const (
	JSONPath QueryLanguage = "JSONPath"
	JSONata  QueryLanguage = "JSONata"
)

// The state types.
const (
	TypeTask     = "Task"
	TypePass     = "Pass"
	TypeChoice   = "Choice"
	TypeWait     = "Wait"
	TypeSucceed  = "Succeed"
	TypeFail     = "Fail"
	TypeParallel = "Parallel"
	TypeMap      = "Map"
)

// StateMachine is a parsed definition: the top-level machine and its options.
type StateMachine struct {
	Machine
	Comment        string
	Version        string
	TimeoutSeconds *int64
	// Node is the document the machine was read from; its positions locate every field.
	Node *source.Node
	// expressions are the JSONata expressions the checks compiled, by their text (Expression).
	expressions map[string]*jsonata.Expr
}

// Expression is the JSONata expression text ("{% text %}") as the checks compiled it, so that the
// interpreter does not compile it again; nil when they did not.
func (sm *StateMachine) Expression(text string) *jsonata.Expr { return sm.expressions[text] }

// Machine is a set of states with a start: the whole definition, a Parallel branch or a Map's processor.
type Machine struct {
	StartAt string
	// Order lists the state names as they appear in the file; States holds them by name.
	Order  []string
	States map[string]State
	// QueryLanguage is the machine's default, as written (empty if absent); states inherit it.
	QueryLanguage QueryLanguage
	// Pointer is the JSON pointer of the machine's object ("" for the top level).
	Pointer string
	Node    *source.Node
}

// State is one state of any type. Base gives the fields every state has.
type State interface {
	Base() *Common
}

// Common holds the fields every state type has, and where the state sits.
type Common struct {
	Name    string
	Type    string
	Comment string
	// QueryLanguage is the effective language: the state's own field, else its machine's, else JSONPath.
	QueryLanguage QueryLanguage
	Next          string
	End           bool
	// Pointer is the JSON pointer of the state's object, e.g. "/States/Name".
	Pointer string
	Node    *source.Node
	// Assign (variables) and Output (JSONata) are kept as written.
	Assign *source.Node
	Output *source.Node
}

// Base returns the common fields.
func (c *Common) Base() *Common { return c }

// IO holds the JSONPath input and output processing fields. A nil path means the field was null; an
// absent field holds the default "$".
type IO struct {
	InputPath  *string
	OutputPath *string
}

// ResultFields holds the fields of states that produce a result.
type ResultFields struct {
	ResultPath     *string
	ResultSelector *source.Node
}

// Errors holds Retry and Catch.
type Errors struct {
	Retry []*Retrier
	Catch []*Catcher
}

// Amount is a numeric field that a JSONata state may give as an expression "{% ... %}" instead.
type Amount struct {
	Set   bool
	Value float64
	// Expr holds the string as written when the field was a string.
	Expr string
}

// Task runs a resource.
type Task struct {
	Common
	IO
	ResultFields
	Errors
	Resource             string
	Parameters           *source.Node
	Arguments            *source.Node
	Credentials          *source.Node
	TimeoutSeconds       Amount
	TimeoutSecondsPath   string
	HeartbeatSeconds     Amount
	HeartbeatSecondsPath string
}

// Pass passes its input, or a fixed Result, to its output.
type Pass struct {
	Common
	IO
	ResultPath *string
	Parameters *source.Node
	Result     *source.Node
}

// Choice picks the next state by rules.
type Choice struct {
	Common
	IO
	Choices []*ChoiceRule
	Default string
}

// ChoiceRule is a top-level rule (with Next) or a nested one inside And, Or, Not.
type ChoiceRule struct {
	Variable string
	// Operator is the comparison's field name, e.g. "StringEquals" or "NumericLessThanPath".
	Operator string
	// Operand is the comparison's value as written (a path string for the ...Path operators).
	Operand any
	And     []*ChoiceRule
	Or      []*ChoiceRule
	Not     *ChoiceRule
	// Condition is the JSONata form's expression.
	Condition *source.Node
	Next      string
	Comment   string
	Assign    *source.Node
	Output    *source.Node
	Pointer   string
	Node      *source.Node
}

// Wait delays for a time or until a time.
type Wait struct {
	Common
	IO
	Seconds       Amount
	SecondsPath   string
	Timestamp     string
	TimestampPath string
}

// Succeed ends the machine (or branch) successfully.
type Succeed struct {
	Common
	IO
}

// Fail ends the machine with an error.
type Fail struct {
	Common
	Error     string
	ErrorPath string
	Cause     string
	CausePath string
	HasError  bool
	HasCause  bool
}

// Parallel runs branches concurrently.
type Parallel struct {
	Common
	IO
	ResultFields
	Errors
	Branches   []*Machine
	Parameters *source.Node
	Arguments  *source.Node
}

// Map runs a processor for each item.
type Map struct {
	Common
	IO
	ResultFields
	Errors
	// Processor is the ItemProcessor or, in older definitions, the Iterator.
	Processor *Machine
	// ProcessorMode is INLINE (default) or DISTRIBUTED; ExecutionType is for DISTRIBUTED.
	ProcessorMode string
	ExecutionType string
	ItemsPath     *string
	Items         *source.Node
	// ItemsPointer is the JSON Pointer (RFC 6901) that selects the items in the state's input; empty when
	// absent, as "" selects the whole input anyway. ItemReader.ReaderConfig may hold one of its own.
	ItemsPointer   string
	ItemSelector   *source.Node
	Parameters     *source.Node
	MaxConcurrency Amount
	// The ...Path forms of the numeric fields.
	MaxConcurrencyPath             string
	ToleratedFailureCount          Amount
	ToleratedFailureCountPath      string
	ToleratedFailurePercentage     Amount
	ToleratedFailurePercentagePath string
	Label                          string
	ItemReader                     *source.Node
	ItemBatcher                    *source.Node
	ResultWriter                   *source.Node
}

// Retrier is one entry of Retry.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds int64
	MaxAttempts     int64
	BackoffRate     float64
	MaxDelaySeconds int64 // 0: no cap
	JitterStrategy  string
	Comment         string
	Pointer         string
	Node            *source.Node
}

// Catcher is one entry of Catch.
type Catcher struct {
	ErrorEquals []string
	Next        string
	ResultPath  *string
	Output      *source.Node
	Assign      *source.Node
	Comment     string
	Pointer     string
	Node        *source.Node
}

// The Retry defaults of the language.
const (
	DefaultIntervalSeconds = 1
	DefaultMaxAttempts     = 3
	DefaultBackoffRate     = 2.0
)
