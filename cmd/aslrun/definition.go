package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/template"
)

// definition is the state machine an argument names: a definition file, or a state machine of a
// CloudFormation or SAM template or of a CDK cloud assembly (cdk.out): TEMPLATE#LogicalId, or TEMPLATE
// alone when it holds one state machine.
type definition struct {
	// path is the file (or cdk.out directory) the argument names, beside which the sidecar handler file
	// and the nested state machines are found.
	path string
	// name is the state machine's name: the file name without its extensions, or the template's name for
	// it; typ is the template's type for it ("" when it gives none).
	name, typ string
	// text is the definition as AWS receives it.
	text []byte
	// node is a template's Definition object, its positions in data, the template's text.
	node *source.Node
	data []byte
	// file names the definition in diagnostics: the file their positions refer to, or TEMPLATE#LogicalId
	// for a DefinitionString, whose positions are within the string.
	file string
	// shift places the text's positions in file (template.Machine.Shift).
	shift source.Pos
	// nested finds the state machines that states:startExecution starts by name (service.Options.Definitions).
	nested func(name string) (path string, definition []byte, err error)
}

// subFlag adds --sub KEY=VALUE (repeatable) to a command that reads definitions.
func subFlag(f *pflag.FlagSet, subs *[]string) {
	f.StringArrayVar(subs, "sub", nil, "fill the ${KEY} placeholders of a template's definition with VALUE, over its "+
		"DefinitionSubstitutions; also gives template parameters and AWS::Region... values (KEY=VALUE, repeatable; README: Run a state machine from its template)")
}

// parseSubs reads --sub's KEY=VALUE pairs.
func parseSubs(flag string, pairs []string) (map[string]string, error) {
	subs := map[string]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s takes KEY=VALUE, not %q", flag, kv)
		}
		subs[k] = v
	}
	return subs, nil
}

// templateArg splits TEMPLATE#LogicalId; an argument that names an existing file or directory is one
// path, whatever it holds.
func templateArg(arg string) (path, id string) {
	if _, err := os.Stat(arg); err == nil {
		return arg, ""
	}
	if i := strings.LastIndexByte(arg, '#'); i > 0 {
		return arg[:i], arg[i+1:]
	}
	return arg, ""
}

// readTemplate opens path as a template set when it is one: a cdk.out directory, or a file whose text is
// a CloudFormation or SAM template. It returns nil for a definition file.
func readTemplate(path string, data []byte) (*template.Set, error) {
	if template.IsAssembly(path) {
		return template.Open(path)
	}
	if !bytes.Contains(data, []byte("Resources")) {
		return nil, nil
	}
	t, err := template.Parse(path, data)
	if err != nil && looksLikeTemplate(data) {
		return nil, err
	}
	if err != nil || !template.IsTemplate(t.Root) {
		return nil, nil // not a template: read as a definition, whose errors lint reports
	}
	return &template.Set{Path: path, Templates: []*template.Template{t}}, nil
}

// looksLikeTemplate reports whether text that does not parse was meant for a template, so that its syntax
// error is told as the template's.
func looksLikeTemplate(data []byte) bool {
	for _, mark := range []string{"AWSTemplateFormatVersion", "AWS::Serverless", "AWS::StepFunctions::StateMachine"} {
		if bytes.Contains(data, []byte(mark)) {
			return true
		}
	}
	return false
}

// loadDefinitions reads the state machines an argument names: one, or with all every state machine of a
// template given without #LogicalId. Stand-ins for what CloudFormation resolves are told on warn. With
// keep, placeholders without a value are left for asl's placeholder checks, else they are an error.
func loadDefinitions(arg string, subs map[string]string, keep, all bool, warn io.Writer) ([]*definition, error) {
	path, id := templateArg(arg)
	var data []byte
	if !template.IsAssembly(path) {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, err
		}
	}
	set, err := readTemplate(path, data)
	if err != nil {
		return nil, err
	}
	if set == nil {
		if id != "" && path != arg {
			return nil, fmt.Errorf("%s is not a CloudFormation or SAM template, so %s names no state machine in it", path, arg)
		}
		if len(subs) > 0 {
			data = []byte(substituteKeys(string(data), subs))
		}
		return []*definition{{path: path, name: strings.SplitN(filepath.Base(path), ".", 2)[0], text: data, file: path,
			nested: siblings(path)}}, nil
	}
	told := map[string]bool{}
	opts := template.Options{Subs: subs, Keep: keep, Warn: func(s string) {
		if !told[s] {
			told[s] = true
			fmt.Fprintf(warn, "aslrun: %s\n", s)
		}
	}}
	type pick struct {
		t  *template.Template
		id string
	}
	var picks []pick
	if all && id == "" {
		for _, t := range set.Templates {
			for _, m := range t.Machines() {
				picks = append(picks, pick{t, m})
			}
		}
	}
	if len(picks) == 0 {
		t, lid, err := set.Find(id)
		if err != nil {
			return nil, err
		}
		picks = append(picks, pick{t, lid})
	}
	var defs []*definition
	for _, p := range picks {
		m, err := p.t.Machine(p.id, opts)
		if err != nil {
			return nil, err
		}
		d := &definition{path: path, name: m.Name, typ: m.Type, text: m.Text, node: m.Node, data: m.Data, file: m.File, shift: m.Shift,
			nested: nestedInTemplate(set, opts, siblings(path))}
		if d.file == "" {
			d.file = m.Label
		}
		defs = append(defs, d)
	}
	return defs, nil
}

// nestedInTemplate finds a state machine that states:startExecution starts among those of the template set
// (by the name that their stand-in ARN holds: StateMachineName, SAM's Name, or the logical id), else
// with others, beside the template.
func nestedInTemplate(set *template.Set, opts template.Options, others func(string) (string, []byte, error)) func(string) (string, []byte, error) {
	opts.Keep = false
	return func(name string) (string, []byte, error) {
		for _, t := range set.Templates {
			for _, id := range t.Machines() {
				m, err := t.Machine(id, opts)
				if err == nil && m.Name == name {
					return m.Label, m.Text, nil
				}
				if err != nil && id == name {
					return "", nil, err
				}
			}
		}
		return others(name)
	}
}

// loadDefinition reads the one state machine an argument names.
func loadDefinition(arg string, subs map[string]string, warn io.Writer) (*definition, error) {
	defs, err := loadDefinitions(arg, subs, false, false, warn)
	if err != nil {
		return nil, err
	}
	return defs[0], nil
}

// substituteKeys replaces ${KEY} with its value, for a definition file.
func substituteKeys(text string, subs map[string]string) string {
	pairs := make([]string, 0, 2*len(subs))
	for k, v := range subs {
		pairs = append(pairs, "${"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// check parses and checks the definition, locating diagnostics in its file.
func (d *definition) check(opts asl.Options) (*asl.StateMachine, []asl.Diagnostic) {
	if d.node != nil {
		return asl.CheckNode(d.node, d.data, utf8.RuneCount(d.text), opts)
	}
	sm, ds := asl.Check(d.text, opts)
	if d.shift != (source.Pos{}) {
		for i := range ds {
			ds[i].Line += d.shift.Line
			ds[i].Col += d.shift.Col
		}
	}
	return sm, ds
}
