// Package template reads the state machines of AWS CloudFormation and SAM templates (JSON or YAML, with
// CloudFormation's short-form tags) and of a CDK cloud assembly (cdk.out): each one's definition, its
// intrinsic functions resolved where a local run can resolve them and DefinitionSubstitutions applied,
// with positions into the file it was written in.
package template

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// The resource types that hold a state machine.
const (
	StepFunctions = "AWS::StepFunctions::StateMachine"
	Serverless    = "AWS::Serverless::StateMachine"
)

// Template is one parsed template file.
type Template struct {
	// Path is the file's path; Data its text, which the nodes' positions refer to.
	Path string
	Data []byte
	Root *source.Node
	// Stack is the stack's name where a cloud assembly gives one ("" for a template file).
	Stack string
	// aliases maps a CDK construct's name to the logical ids of the state machines it made.
	aliases map[string][]string
}

// shortTags maps CloudFormation's YAML short forms to their long forms' keys.
func shortTags(tag string) (string, bool) {
	switch tag {
	case "!Ref":
		return "Ref", true
	case "!Condition":
		return "Condition", true
	case "!GetAtt", "!Sub", "!Join", "!If", "!Select", "!Split", "!ImportValue", "!FindInMap", "!Base64",
		"!GetAZs", "!Equals", "!And", "!Or", "!Not", "!Cidr", "!Transform", "!ToJsonString", "!Length":
		return "Fn::" + tag[1:], true
	}
	return "", false
}

// Parse reads a template's text; path names it in errors and is where relative paths start.
func Parse(path string, data []byte) (*Template, error) {
	n, err := source.ParseWithTags(data, shortTags)
	if err != nil {
		var se *source.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s:%d:%d: %s", path, se.Pos.Line, se.Pos.Col, se.Msg)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Template{Path: path, Data: data, Root: n}, nil
}

// IsTemplate reports whether a parsed document is a CloudFormation or SAM template rather than a state
// machine definition: an object with AWSTemplateFormatVersion, a SAM Transform, or Resources holding a
// state machine.
func IsTemplate(n *source.Node) bool {
	if n == nil || n.Kind != source.Object {
		return false
	}
	if n.Member("AWSTemplateFormatVersion") != nil {
		return true
	}
	if tr := n.Member("Transform"); tr != nil && strings.Contains(fmt.Sprint(tr.Value()), "AWS::Serverless") {
		return true
	}
	res := n.Member("Resources")
	if res == nil || res.Kind != source.Object {
		return false
	}
	for _, m := range res.Members {
		if isMachine(m.Value) {
			return true
		}
	}
	return false
}

// isMachine reports whether a resource is a state machine.
func isMachine(r *source.Node) bool {
	if r == nil || r.Kind != source.Object {
		return false
	}
	t := r.Member("Type")
	return t != nil && t.Kind == source.String && (t.Str == StepFunctions || t.Str == Serverless)
}

// resource returns the resource with that logical id, or nil.
func (t *Template) resource(id string) *source.Node {
	if res := t.Root.Member("Resources"); res != nil && res.Kind == source.Object {
		return res.Member(id)
	}
	return nil
}

// Machines lists the logical ids of the template's state machines, in the order written.
func (t *Template) Machines() []string {
	var ids []string
	if res := t.Root.Member("Resources"); res != nil && res.Kind == source.Object {
		for _, m := range res.Members {
			if isMachine(m.Value) {
				ids = append(ids, m.Key)
			}
		}
	}
	return ids
}

// Set is the templates an argument names: one file, or the stacks of a cloud assembly.
type Set struct {
	// Path is the argument: the template file or the cdk.out directory.
	Path      string
	Templates []*Template
}

// IsAssembly reports whether path is a directory holding a CDK cloud assembly's manifest.json.
func IsAssembly(path string) bool {
	info, err := os.Stat(filepath.Join(path, "manifest.json"))
	return err == nil && !info.IsDir()
}

// Open reads the template file at path, or the templates of the cloud assembly (cdk.out) at path.
func Open(path string) (*Set, error) {
	if IsAssembly(path) {
		ts, err := readAssembly(path, 0)
		if err != nil {
			return nil, err
		}
		return &Set{Path: path, Templates: ts}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return &Set{Path: path, Templates: []*Template{t}}, nil
}

// found is one state machine of a set.
type found struct {
	t  *Template
	id string
}

// Find returns the template and logical id of the state machine that id names: a logical id, a CDK
// construct's name (see readAssembly), or, when id is "", the set's only state machine.
func (s *Set) Find(id string) (*Template, string, error) {
	var all, hits []found
	for _, t := range s.Templates {
		for _, m := range t.Machines() {
			all = append(all, found{t, m})
			if m == id {
				hits = append(hits, found{t, m})
			}
		}
	}
	if len(all) == 0 {
		return nil, "", fmt.Errorf("%s: no state machine (no resource of type %s or %s)", s.Path, StepFunctions, Serverless)
	}
	if id == "" {
		if len(all) == 1 {
			return all[0].t, all[0].id, nil
		}
		return nil, "", fmt.Errorf("%s holds %d state machines: name one as %s#ID, ID one of %s", s.Path, len(all), s.Path, s.names(all))
	}
	if len(hits) == 0 {
		for _, t := range s.Templates {
			for _, m := range t.aliases[id] {
				hits = append(hits, found{t, m})
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0].t, hits[0].id, nil
	case 0:
		return nil, "", fmt.Errorf("%s: no state machine %q: the state machines are %s", s.Path, id, s.names(all))
	}
	return nil, "", fmt.Errorf("%s: %q names %d state machines: %s", s.Path, id, len(hits), s.names(hits))
}

// names lists state machines for an error: their logical ids, and their CDK names where they have one.
func (s *Set) names(fs []found) string {
	var out []string
	for _, f := range fs {
		name := f.id
		var aliases []string
		for a, ids := range f.t.aliases {
			if slices.Contains(ids, f.id) {
				aliases = append(aliases, a)
			}
		}
		sort.Strings(aliases)
		if len(aliases) > 0 {
			name += " (" + strings.Join(aliases, ", ") + ")"
		}
		if len(s.Templates) > 1 {
			name = f.t.Stack + ": " + name
		}
		out = append(out, name)
	}
	return strings.Join(out, ", ")
}
