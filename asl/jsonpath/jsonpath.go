// Package jsonpath compiles and evaluates JSONPath in the dialect AWS Step Functions uses.
//
// AWS evaluates paths with Jayway JsonPath: its error causes quote Jayway's messages verbatim
// ("No results for path: $['x']", "Missing property in path $['no']"). This package therefore follows
// Jayway's semantics, and states below the AWS behaviour that was observed (recorded executions in
// conformance-aws) or documented. It evaluates paths itself instead of with ojg's jp, whose answers
// differ from Jayway's where AWS users see it: '..' order, a filter on an object, "@.a-b" in a filter
// (jp reads a subtraction), "||" and "&&" of equal precedence, "=~" matching part of a string, "$" in a
// filter meaning the element, slices with a negative bound, errors for a missing step.
//
// # What a path returns
//
// A definite path (only names and single indexes, Jayway's "definite") returns the one node it names,
// or nothing. AWS then fails the state with States.Runtime (InputPath, OutputPath, Parameters, Choice).
//
// Every other path (wildcard, slice, filter, '..', index union) returns a JSON array of its matches,
// in document order, and never fails: when nothing matches it is the empty array. Evidence: the
// recorded cases pass_io/base__test_json_path_array_wildcard_or_slice_with_no_input_* where
// "$[*]", "$.items[*]", "$.item.items[1:5].itemValue", "$.items[:1]" on the input {} all give [].
//
// Quirks kept from Jayway, because AWS shows them:
//   - "$['a','b']" at the end of a path returns an object holding those of the keys that exist.
//   - A slice [from:to] with both bounds does not wrap a negative bound (Jayway resolves each index on
//     its own), and a step ([a:b:c]) is ignored.
//   - A filter applied to an object tests the object itself; applied to an array it tests each element.
//     Only object elements can match: the AWS developer guide ("Paths") states that "@" does not match
//     scalar values.
//   - Functions such as sum() or length() parse but select nothing: AWS answers "$.Jobs.sum()" with
//     "could not be found in the input" (re:Post QUYiQKP0XfThWEc_ahsMnLOA) and the guide says that
//     functions are not supported.
//
// Objects (Go maps or value.Objects) do not keep the order of the JSON text, so wildcards and '..' visit
// object members in sorted key order where AWS would use document order.
package jsonpath

import (
	"errors"
	"fmt"
	"strings"
)

// Root names the document a path reads.
type Root int

const (
	// Input is "$...": the state's input (or the document the caller hands in).
	Input Root = iota
	// Context is "$$...": the context object.
	Context
	// Variable is "$name...": a workflow variable.
	Variable
)

// mode is how a compiled path is evaluated.
type mode uint8

const (
	// modeReference: only names and single indexes; lookup evaluates it without allocating.
	modeReference mode = iota
	// modeSingle: definite for Jayway but not a reference path ("$['a','b']" ends the path).
	modeSingle
	// modeMulti: returns the array of its matches.
	modeMulti
	// modeFunction: ends in a function call, which AWS does not evaluate.
	modeFunction
)

// Path is a compiled path. It is immutable and safe for concurrent use.
type Path struct {
	src      string
	root     Root
	variable string
	segs     []segment
	mode     mode
	// unquoted are the unquoted words its filters compare with (UnquotedValues).
	unquoted []string
}

// ParseError reports a malformed path and the byte offset of the problem.
type ParseError struct {
	Path   string
	Offset int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid JSONPath %q: %s at offset %d", e.Path, e.Msg, e.Offset)
}

// Parse compiles a path: "$", "$.a[0]", "$$.Execution.Id", "$myVar.x", filters, slices, '..' and so on.
// Blanks around the path are ignored, as Jayway's PathCompiler trims the path before reading it
// (deployed definitions hold "$$.Execution.Name "); String still gives the path as written.
func Parse(s string) (*Path, error) {
	lead := len(s) - len(strings.TrimLeft(s, blanks))
	p := &parser{src: strings.Trim(s, blanks)}
	path, err := p.path()
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Path, pe.Offset = s, pe.Offset+lead
		}
		return nil, err
	}
	path.src = s
	return path, nil
}

// blanks are the characters Parse trims around a path.
const blanks = " \t\n\r"

// UnquotedValues lists the unquoted words that the path's filters compare with, as in
// "[?(@.status==done)]": Jayway reads no such value, but AWS accepts the definition (see operand).
func (p *Path) UnquotedValues() []string { return p.unquoted }

// ParseReference compiles a Reference Path (ResultPath, Choice Variable, the *Path fields of Wait,
// Task and Map): a path that only holds names and single indexes.
func ParseReference(s string) (*Path, error) {
	p, err := Parse(s)
	if err != nil {
		return nil, err
	}
	for _, sg := range p.segs {
		if sg.kind != kName && sg.kind != kIndex {
			return nil, &ParseError{Path: s, Offset: sg.pos,
				Msg: "a reference path may only hold names and single indexes, not " + sg.kind.String()}
		}
	}
	return p, nil
}

// String returns the path as written.
func (p *Path) String() string { return p.src }

// Root returns the document the path reads.
func (p *Path) Root() Root { return p.root }

// Variable returns the variable name of a Variable path.
func (p *Path) Variable() string { return p.variable }

// Definite reports whether the path is a Reference Path: only names and single indexes, so it selects
// at most one node.
func (p *Path) Definite() bool { return p.mode == modeReference }

// Normalized returns the path as Jayway prints it in AWS error causes: "$.a.b[0]" is "$['a']['b'][0]".
// The document root is always "$", as Jayway sees it, also for "$$" and variable paths.
func (p *Path) Normalized() string { return normalized(p.segs) }

// normalized prints segments the way Jayway's Path.toString does. Jayway does not escape quotes.
func normalized(segs []segment) string {
	var b strings.Builder
	b.WriteByte('$')
	for i := range segs {
		segs[i].appendTo(&b)
	}
	return b.String()
}
