package template

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// Options are what reading a state machine needs beyond its template.
type Options struct {
	// Subs (aslrun's --sub KEY=VALUE) fill the ${KEY} placeholders that DefinitionSubstitutions leaves and
	// override its values; they also give template parameters and pseudo parameters (AWS::Region) values.
	Subs map[string]string
	// Keep leaves a ${X} placeholder that has no value in the definition, where reading otherwise fails.
	Keep bool
	// Warn is told of each stand-in for what CloudFormation would resolve (a Lambda function's ARN),
	// once per stand-in and state machine.
	Warn func(string)
}

// Machine is a state machine's definition read from a template.
type Machine struct {
	LogicalID string
	// Name is the state machine's name (StateMachineName, or SAM's Name) when the template gives it as a
	// plain string, else its logical id; Type its type (StateMachineType, or SAM's Type), "" when not given.
	Name, Type string
	// Label names the state machine in messages: TEMPLATE#LogicalId.
	Label string
	// Form is the property the definition came from: Definition, DefinitionString, DefinitionS3Location
	// or DefinitionUri.
	Form string
	// Text is the definition as AWS receives it, intrinsic functions resolved and placeholders
	// substituted: JSON for Definition, the string for DefinitionString, the file's text otherwise.
	Text []byte
	// Node is Definition's object, resolved and substituted, its positions in File (nil for the other forms).
	Node *source.Node
	// File is the file that positions in the definition refer to, Data its text: the template for
	// Definition (the positions of Node), the definition file for DefinitionS3Location and DefinitionUri
	// (positions in Text); "" for DefinitionString, whose positions are within the string.
	File string
	Data []byte
	// Unresolved lists the ${X} placeholders left without a value (only with Options.Keep).
	Unresolved []string
	// Shift places Text in File when a DefinitionString is a YAML literal block (|) of the template:
	// Text's line L, column C is File's line L+Shift.Line, column C+Shift.Col (a substitution shifts the
	// columns after it on its line). It is zero otherwise.
	Shift source.Pos
}

// placeholderRe matches a ${...} placeholder, as asl's lint finds them.
var placeholderRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{[^{}\s][^{}\n]*\}`) })

// Machine reads the definition of the state machine with logical id id: its Definition, DefinitionString
// or DefinitionS3Location (SAM: Definition or DefinitionUri), intrinsic functions resolved, then
// DefinitionSubstitutions and opts.Subs applied to its ${...} placeholders.
func (t *Template) Machine(id string, opts Options) (*Machine, error) {
	r := t.resource(id)
	if !isMachine(r) {
		return nil, fmt.Errorf("%s: no state machine %s", t.Path, id)
	}
	stack := t.Stack
	if stack == "" {
		stack = id
	}
	e := &evaluator{t: t, id: id, opts: opts, stack: stack, generated: map[string]bool{}, naming: map[string]bool{}}
	if seen := map[string]bool{}; opts.Warn != nil {
		warn := opts.Warn
		e.opts.Warn = func(s string) {
			if !seen[s] {
				seen[s] = true
				warn(s)
			}
		}
	}
	m := &Machine{LogicalID: id, Name: id, Label: e.where()}
	props := r.Member("Properties")
	if props == nil || props.Kind != source.Object {
		return nil, e.errorf(r.Pos, "no Properties, so no definition")
	}
	sam := resourceType(r) == Serverless
	nameProp, typeProp, forms := "StateMachineName", "StateMachineType", []string{"Definition", "DefinitionString", "DefinitionS3Location"}
	if sam {
		nameProp, typeProp, forms = "Name", "Type", []string{"Definition", "DefinitionUri"}
	}
	if n := props.Member(nameProp); n != nil && n.Kind == source.String {
		m.Name = n.Str
	}
	if n := props.Member(typeProp); n != nil {
		typ, err := e.text(n, typeProp)
		if err != nil {
			return nil, err
		}
		m.Type = strings.ToUpper(typ)
		if m.Type != "STANDARD" && m.Type != "EXPRESS" {
			return nil, e.errorf(n.Pos, "%s must be STANDARD or EXPRESS, not %q", typeProp, typ)
		}
	}
	var given []string
	for _, f := range forms {
		if props.Member(f) != nil {
			given = append(given, f)
		}
	}
	switch len(given) {
	case 0:
		return nil, e.errorf(props.Pos, "no %s", strings.Join(forms, ", "))
	case 1:
		m.Form = given[0]
	default:
		return nil, e.errorf(props.Pos, "both %s: a state machine takes one", strings.Join(given, " and "))
	}
	subs, err := e.substitutions(props.Member("DefinitionSubstitutions"))
	if err != nil {
		return nil, err
	}
	def := props.Member(m.Form)
	switch m.Form {
	case "Definition":
		err = e.definition(m, def, subs)
	case "DefinitionString":
		err = e.definitionString(m, def, subs)
	default:
		err = e.definitionFile(m, def, subs)
	}
	if err != nil {
		return nil, err
	}
	if len(m.Unresolved) > 0 && !opts.Keep {
		var keys []string
		for _, p := range m.Unresolved {
			keys = append(keys, "--sub "+p[2:len(p)-1]+"=VALUE")
		}
		return nil, fmt.Errorf("%s: resource %s: %s in its %s %s no value: give %s in DefinitionSubstitutions or with %s",
			t.Path, id, strings.Join(m.Unresolved, ", "), m.Form, plural(len(m.Unresolved), "has", "have"),
			plural(len(m.Unresolved), "it", "them"), strings.Join(keys, " "))
	}
	return m, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// substitutions reads DefinitionSubstitutions, its values resolved, with opts.Subs over them.
func (e *evaluator) substitutions(n *source.Node) (map[string]string, error) {
	subs := map[string]string{}
	if n != nil {
		v, err := e.eval(n)
		if err != nil {
			return nil, err
		}
		if v == nil || v.Kind != source.Object {
			return nil, e.errorf(n.Pos, "DefinitionSubstitutions must be an object")
		}
		for _, m := range v.Members {
			if subs[m.Key], err = e.text(m.Value, "DefinitionSubstitutions "+m.Key); err != nil {
				return nil, err
			}
		}
	}
	for k, v := range e.opts.Subs {
		subs[k] = v
	}
	return subs, nil
}

// substitute replaces the placeholders of s that subs gives, noting in unresolved those it does not
// (stand-ins for intrinsic functions excepted).
func (e *evaluator) substitute(s string, subs map[string]string, unresolved map[string]bool) string {
	return placeholderRe().ReplaceAllStringFunc(s, func(p string) string {
		key := p[2 : len(p)-1]
		if v, ok := subs[key]; ok {
			return v
		}
		if !e.generated[key] {
			unresolved[p] = true
		}
		return p
	})
}

// definition reads the Definition object: resolved, then substituted string by string, keys included,
// keeping positions in the template.
func (e *evaluator) definition(m *Machine, def *source.Node, subs map[string]string) error {
	v, err := e.eval(def)
	if err != nil {
		return err
	}
	if v == nil || v.Kind != source.Object {
		return e.errorf(def.Pos, "Definition must be an object (DefinitionString takes a string)")
	}
	unresolved := map[string]bool{}
	m.Node = e.substituteNode(v, subs, unresolved, 0)
	m.Unresolved = slices.Sorted(maps.Keys(unresolved))
	m.Text = []byte(value.JSON(m.Node.Value()))
	m.File, m.Data = e.t.Path, e.t.Data
	return nil
}

func (e *evaluator) substituteNode(n *source.Node, subs map[string]string, unresolved map[string]bool, depth int) *source.Node {
	if depth > source.MaxDepth {
		return n
	}
	switch n.Kind {
	case source.String:
		if s := e.substitute(n.Str, subs, unresolved); s != n.Str {
			return str(n.Pos, s)
		}
	case source.Array:
		out := &source.Node{Kind: source.Array, Pos: n.Pos, Items: make([]*source.Node, len(n.Items))}
		for i, it := range n.Items {
			out.Items[i] = e.substituteNode(it, subs, unresolved, depth+1)
		}
		return out
	case source.Object:
		out := &source.Node{Kind: source.Object, Pos: n.Pos, Members: make([]source.Member, len(n.Members))}
		for i, mb := range n.Members {
			out.Members[i] = source.Member{Key: e.substitute(mb.Key, subs, unresolved), KeyPos: mb.KeyPos,
				Value: e.substituteNode(mb.Value, subs, unresolved, depth+1)}
		}
		return out
	}
	return n
}

// definitionString reads DefinitionString: a string, or intrinsic functions that make one.
func (e *evaluator) definitionString(m *Machine, def *source.Node, subs map[string]string) error {
	v, err := e.eval(def)
	if err != nil {
		return err
	}
	if v == nil || v.Kind != source.String {
		return e.errorf(def.Pos, "DefinitionString must be a string, or Fn::Sub or Fn::Join making one (Definition takes an object)")
	}
	if t := strings.TrimLeft(v.Str, " \t\r\n"); t != "" && t[0] != '{' {
		return e.errorf(def.Pos, "DefinitionString must be JSON, as AWS reads it (a YAML definition goes in Definition or DefinitionS3Location)")
	}
	unresolved := map[string]bool{}
	m.Text = []byte(e.substitute(v.Str, subs, unresolved))
	m.Unresolved = slices.Sorted(maps.Keys(unresolved))
	if shift, ok := literalBlock(e.t.Data, written(def)); ok {
		m.Shift, m.File, m.Data = shift, e.t.Path, e.t.Data
	}
	return nil
}

// written is the string a DefinitionString is written as: itself, or the format of its Fn::Sub.
func written(def *source.Node) *source.Node {
	if key, ok := intrinsicKey(def); ok && key == "Fn::Sub" {
		def = def.Members[0].Value
		if def.Kind == source.Array && len(def.Items) > 0 {
			def = def.Items[0]
		}
	}
	return def
}

// literalBlock finds where the lines of a string written as a YAML literal block scalar ("|", "|-" or
// "|+", without an indentation digit) are in data: line L of the string is line L+shift.Line of data, and
// its text starts shift.Col columns further right. It checks that the block's first line is the
// string's.
func literalBlock(data []byte, n *source.Node) (shift source.Pos, ok bool) {
	if n.Kind != source.String {
		return source.Pos{}, false
	}
	lines := strings.Split(string(data), "\n")
	if n.Pos.Line < 1 || n.Pos.Line >= len(lines) {
		return source.Pos{}, false
	}
	head := []rune(lines[n.Pos.Line-1])
	if n.Pos.Col < 1 || n.Pos.Col > len(head) || head[n.Pos.Col-1] != '|' {
		return source.Pos{}, false
	}
	indicator := strings.TrimSpace(string(head[n.Pos.Col:]))
	if i := strings.Index(indicator, "#"); i >= 0 {
		indicator = strings.TrimSpace(indicator[:i])
	}
	if indicator != "" && indicator != "-" && indicator != "+" {
		return source.Pos{}, false
	}
	first, _, _ := strings.Cut(n.Str, "\n")
	for i := n.Pos.Line; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		text := strings.TrimLeft(line, " ")
		if text == "" {
			continue
		}
		indent := len(line) - len(text)
		if first != "" && text != strings.TrimLeft(first, " ") {
			return source.Pos{}, false
		}
		return source.Pos{Line: n.Pos.Line, Col: indent}, true
	}
	return source.Pos{}, false
}

// definitionFile reads DefinitionS3Location {Bucket, Key} or SAM's DefinitionUri (a path, s3://BUCKET/KEY
// or {Bucket, Key}) from a local file: a path relative to the template; for an S3 location, KEY relative
// to the template, else BUCKET/KEY relative to it.
func (e *evaluator) definitionFile(m *Machine, def *source.Node, subs map[string]string) error {
	v, err := e.eval(def)
	if err != nil {
		return err
	}
	dir := filepath.Dir(e.t.Path)
	var paths []string
	uri := m.Form == "DefinitionUri" && v != nil && v.Kind == source.String
	switch {
	case uri && !strings.HasPrefix(v.Str, "s3://"):
		paths = []string{filepath.Join(dir, filepath.FromSlash(v.Str))}
	case uri:
		bucket, key, _ := strings.Cut(strings.TrimPrefix(v.Str, "s3://"), "/")
		paths = s3Paths(dir, bucket, key)
	case v != nil && v.Kind == source.Object:
		var bucket, key string
		for _, mb := range v.Members {
			switch mb.Key {
			case "Bucket":
				bucket, err = e.text(mb.Value, m.Form+".Bucket")
			case "Key":
				key, err = e.text(mb.Value, m.Form+".Key")
			case "Version":
				return e.errorf(mb.KeyPos, "%s.Version: a local file has no versions (remove Version to read the file)", m.Form)
			default:
				return e.errorf(mb.KeyPos, "%s takes Bucket and Key, not %s", m.Form, mb.Key)
			}
			if err != nil {
				return err
			}
		}
		if bucket == "" || key == "" {
			return e.errorf(v.Pos, "%s needs Bucket and Key", m.Form)
		}
		paths = s3Paths(dir, bucket, key)
	case m.Form == "DefinitionUri":
		return e.errorf(def.Pos, "DefinitionUri must be a local path, s3://BUCKET/KEY or {Bucket, Key}")
	default:
		return e.errorf(def.Pos, "%s must be {Bucket, Key}", m.Form)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return e.errorf(def.Pos, "%s: %v", m.Form, err)
		}
		unresolved := map[string]bool{}
		m.Text = []byte(e.substitute(string(data), subs, unresolved))
		m.Unresolved = slices.Sorted(maps.Keys(unresolved))
		m.File, m.Data = p, data
		return nil
	}
	return e.errorf(def.Pos, "%s: aslrun reads it from a local file, and there is no %s", m.Form, strings.Join(paths, " nor "))
}

// s3Paths are the local files that stand for an S3 object: KEY, then BUCKET/KEY, relative to dir.
func s3Paths(dir, bucket, key string) []string {
	return []string{filepath.Join(dir, filepath.FromSlash(key)), filepath.Join(dir, bucket, filepath.FromSlash(key))}
}
