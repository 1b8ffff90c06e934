package template

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// manifest is what a cloud assembly's manifest.json says that matters here: its stacks' template files
// and names, and its nested assemblies (CDK Stages).
type manifest struct {
	Artifacts map[string]struct {
		Type       string `json:"type"`
		Properties struct {
			TemplateFile  string `json:"templateFile"`
			StackName     string `json:"stackName"`
			DirectoryName string `json:"directoryName"`
		} `json:"properties"`
	} `json:"artifacts"`
}

// maxAssemblyDepth bounds the nesting of assemblies (Stages in Stages), which a cycle could make endless.
const maxAssemblyDepth = 8

// readAssembly reads the stack templates of the cloud assembly in dir and of the assemblies nested in it.
// Each state machine may also be named by its construct, from the aws:cdk:path of its resource's Metadata:
// the last segment that is not CDK's "Resource" or "Default" (MyStack/Orders/Resource: "Orders"), and the
// whole path without them ("MyStack/Orders").
func readAssembly(dir string, depth int) ([]*Template, error) {
	if depth > maxAssemblyDepth {
		return nil, fmt.Errorf("%s: cloud assemblies nested more than %d deep", dir, maxAssemblyDepth)
	}
	path := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	ids := make([]string, 0, len(m.Artifacts))
	for id := range m.Artifacts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []*Template
	for _, id := range ids {
		a := m.Artifacts[id]
		switch a.Type {
		case "aws:cloudformation:stack":
			if a.Properties.TemplateFile == "" {
				return nil, fmt.Errorf("%s: stack %s has no properties.templateFile", path, id)
			}
			file := filepath.Join(dir, a.Properties.TemplateFile)
			data, err := os.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("%s: stack %s: %v", path, id, err)
			}
			t, err := Parse(file, data)
			if err != nil {
				return nil, err
			}
			t.Stack = a.Properties.StackName
			if t.Stack == "" {
				t.Stack = id
			}
			t.aliases = cdkAliases(t)
			out = append(out, t)
		case "cdk:cloud-assembly":
			nested, err := readAssembly(filepath.Join(dir, a.Properties.DirectoryName), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, nested...)
		}
	}
	return out, nil
}

// cdkAliases maps the construct names of a template's state machines to their logical ids.
func cdkAliases(t *Template) map[string][]string {
	aliases := map[string][]string{}
	for _, id := range t.Machines() {
		meta := t.resource(id).Member("Metadata")
		if meta == nil || meta.Kind != source.Object {
			continue
		}
		p := meta.Member("aws:cdk:path")
		if p == nil || p.Kind != source.String {
			continue
		}
		segs := strings.Split(p.Str, "/")
		for len(segs) > 1 && (segs[len(segs)-1] == "Resource" || segs[len(segs)-1] == "Default") {
			segs = segs[:len(segs)-1]
		}
		for _, a := range []string{segs[len(segs)-1], strings.Join(segs, "/")} {
			if a != id && !slices.Contains(aliases[a], id) {
				aliases[a] = append(aliases[a], id)
			}
		}
	}
	return aliases
}
