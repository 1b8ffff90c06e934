// Package jsonpath compiles and evaluates JSONPath in the dialect AWS Step Functions uses.
package jsonpath

import (
	"strings"

	"github.com/ohler55/ojg/jp"
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

// Path is a compiled path. It is immutable and safe for concurrent use.
type Path struct {
	src      string
	root     Root
	variable string
	expr     jp.Expr
	definite bool
}

// Parse compiles a path. PLACEHOLDER: the jsonpath helper replaces this with the AWS dialect.
func Parse(s string) (*Path, error) {
	p := &Path{src: s}
	rest := s
	switch {
	case strings.HasPrefix(s, "$$"):
		p.root, rest = Context, s[1:]
	}
	x, err := jp.ParseString(rest)
	if err != nil {
		return nil, err
	}
	p.expr = x
	return p, nil
}

// String returns the path as written.
func (p *Path) String() string { return p.src }

// Root returns the document the path reads.
func (p *Path) Root() Root { return p.root }

// Variable returns the variable name of a Variable path.
func (p *Path) Variable() string { return p.variable }

// Definite reports whether the path selects at most one node (a reference path).
func (p *Path) Definite() bool { return p.definite }

// Get evaluates the path on doc.
func (p *Path) Get(doc any) (any, bool) {
	r := p.expr.Get(doc)
	if len(r) == 0 {
		return nil, false
	}
	return r[0], true
}
