// Package source reads a state machine definition (JSON or YAML) into a tree of
// positioned nodes, so that the linter can report file:line:col for every state
// and field, keep key order and see duplicate keys.
//
// Input may be hostile: any bytes give a node or a *SyntaxError, never a panic,
// and work and memory are bounded by MaxBytes, MaxYAMLBytes, MaxDepth and MaxNodes.
package source

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits. AWS caps a definition at 1 MiB, so each bound is well above anything
// AWS accepts and only stops hostile input.
const (
	// MaxBytes bounds the input of Parse and ParseJSON; larger input is rejected
	// before parsing.
	MaxBytes = 16 << 20
	// MaxYAMLBytes bounds the input of ParseYAML, twice AWS's limit as YAML can be
	// longer than the JSON it stands for. It is lower than MaxBytes because the YAML
	// library builds its own tree before MaxNodes can apply: the worst input measured
	// ("? \n" repeated) peaks at about 450 MB, against 150 MB for JSON.
	MaxYAMLBytes = 2 << 20
	// MaxDepth bounds the nesting of arrays and objects (after YAML aliases are expanded).
	MaxDepth = 1000
	// MaxNodes bounds the number of values in the tree, after YAML aliases and merge
	// keys are expanded: it stops alias bombs ("billion laughs") and bounds memory.
	// A 1 MiB JSON text holds at most about 2^19 values ("[0,0,...]"), so twice that
	// cannot reject a definition AWS accepts.
	MaxNodes = 1 << 20
)

// Kind is the JSON type of a node.
type Kind uint8

// The kinds, one per JSON type.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Pos is a 1-based line and column; columns count Unicode characters (runes), not
// bytes, as editors do. A tab is one column. CR LF, LF and a lone CR each end a line.
// A leading byte order mark is not counted.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col) }

// posAt computes the position of byte offset off by counting from the start.
func posAt(data []byte, off int) Pos {
	line, start := 1, min(off, len(data)-len(skipBOM(data))) // the byte order mark takes no column
	for i := start; i < off; i++ {
		switch data[i] {
		case '\n':
			line, start = line+1, i+1
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				continue
			}
			line, start = line+1, i+1
		}
	}
	return Pos{line, 1 + utf8.RuneCount(data[start:off])}
}

// Member is one key and value of an object.
type Member struct {
	Key    string
	KeyPos Pos // position of the key's opening quote (JSON) / first character (YAML)
	Value  *Node
}

// Node is one value of the document.
type Node struct {
	Kind    Kind
	Pos     Pos      // position of the value's first character
	Bool    bool     // Kind == Bool
	Str     string   // Kind == String: the decoded string
	Num     string   // Kind == Number: the text as written in JSON; for YAML see ParseYAML
	Items   []*Node  // Kind == Array
	Members []Member // Kind == Object, in document order; duplicate keys are kept
}

// Member returns the value of the first member with that key, or nil.
func (n *Node) Member(key string) *Node {
	for i := range n.Members {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// Value converts the node to an ojg generic value: map[string]any, []any, int64
// (integral numbers written without fraction or exponent that fit in int64), float64
// (every other number), string, bool or nil. Of duplicate keys the last one wins, as
// in the default tree model of Jackson, the parser AWS is said to use.
func (n *Node) Value() any {
	switch n.Kind {
	case Bool:
		return n.Bool
	case Number:
		return numberValue(n.Num)
	case String:
		return n.Str
	case Array:
		a := make([]any, len(n.Items))
		for i, it := range n.Items {
			a[i] = it.Value()
		}
		return a
	case Object:
		m := make(map[string]any, len(n.Members))
		for _, mb := range n.Members {
			m[mb.Key] = mb.Value.Value()
		}
		return m
	}
	return nil
}

// numberValue converts a JSON number's text. The parsers have checked that it is in
// range, so the float64 fallback cannot be infinite.
func numberValue(s string) any {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// SyntaxError is every error that Parse, ParseJSON and ParseYAML return.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

func errorf(p Pos, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// Parse reads JSON, or YAML when the document is not JSON: a document whose first
// byte after an optional byte order mark and JSON whitespace is '{' or '[' is JSON,
// and a syntax error in it is reported as a JSON error, not retried as YAML; anything
// else is YAML. Empty or whitespace-only input is an error ("empty document").
func Parse(data []byte) (*Node, error) {
	if err := checkSize(data, MaxBytes); err != nil {
		return nil, err
	}
	rest := skipJSONSpace(skipBOM(data))
	if len(rest) == 0 || rest[0] == '{' || rest[0] == '[' {
		return ParseJSON(data)
	}
	return ParseYAML(data)
}

// ParseTemplate is Parse for a definition template that still holds placeholders: in JSON it also
// takes a bare placeholder ("Seconds": ${wait}, as Terraform templates write it) for a value, read as
// the string "${wait}". YAML reads such a placeholder as a string already.
func ParseTemplate(data []byte) (*Node, error) {
	if err := checkSize(data, MaxBytes); err != nil {
		return nil, err
	}
	rest := skipJSONSpace(skipBOM(data))
	if len(rest) == 0 || rest[0] == '{' || rest[0] == '[' {
		return parseJSON(data, true)
	}
	return ParseYAML(data)
}

func checkSize(data []byte, limit int) error {
	if len(data) > limit {
		return errorf(Pos{1, 1}, "input is %d bytes, more than the limit of %d", len(data), limit)
	}
	return nil
}

var bom = []byte("\xef\xbb\xbf")

func skipBOM(data []byte) []byte {
	if len(data) >= 3 && string(data[:3]) == string(bom) {
		return data[3:]
	}
	return data
}

func skipJSONSpace(data []byte) []byte {
	for len(data) > 0 && isJSONSpace(data[0]) {
		data = data[1:]
	}
	return data
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
