package asl

import (
	"regexp"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/source"
)

// placeholderRe matches a template placeholder: ${Name} of SAM's DefinitionSubstitutions, ${AWS::Region}
// or ${Res.Attr} of CloudFormation's Fn::Sub, ${var.x} or ${jsonencode(x)} of a Terraform template.
var placeholderRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{[^{}\s][^{}\n]*\}`) })

// placeholderUse is one string of the definition that holds placeholders.
type placeholderUse struct {
	n          *source.Node
	ptr        string
	start, end source.Pos
}

// placeholders treats every string that holds a ${...} placeholder as a value of the right type, to be
// substituted: it drops the diagnostics located on such a string (a Seconds that is no number, an ARN
// that is no ARN, a States.Format template with braces), and reports each placeholder once where it is
// used (once per string), as mode says.
func placeholders(ds []Diagnostic, root *source.Node, data []byte, mode Placeholders) []Diagnostic {
	var uses []placeholderUse
	t := text{data: data}
	collectPlaceholders(root, "", &t, &uses, 0)
	if len(uses) == 0 {
		return ds
	}
	kept := ds[:0]
	for _, d := range ds {
		if !onPlaceholder(d, uses) {
			kept = append(kept, d)
		}
	}
	if mode == PlaceholdersIgnore {
		return kept
	}
	sev := SeverityWarning
	if mode == PlaceholdersError {
		sev = SeverityError
	}
	for _, u := range uses {
		seen := map[string]bool{}
		for _, name := range placeholderRe().FindAllString(u.n.Str, -1) {
			if seen[name] {
				continue
			}
			seen[name] = true
			kept = append(kept, Diagnostic{Severity: sev, Code: CodePlaceholder, Pointer: u.ptr, Line: u.start.Line, Col: u.start.Col,
				Message: "'" + name + "' is a template placeholder: it is taken for a value of the right type and checked only once substituted"})
		}
	}
	return kept
}

// collectPlaceholders finds the strings that hold placeholders, with where each starts and ends.
func collectPlaceholders(n *source.Node, ptr string, t *text, uses *[]placeholderUse, depth int) {
	if n == nil || depth > source.MaxDepth {
		return
	}
	switch n.Kind {
	case source.String:
		if !placeholderRe().MatchString(n.Str) {
			return
		}
		end := t.at(n, len(n.Str))
		if end == n.Pos {
			// Not a quoted one-line string (a bare ${...}, a YAML plain scalar): it spans its text.
			end = source.Pos{Line: n.Pos.Line, Col: n.Pos.Col + utf8.RuneCountInString(n.Str)}
		}
		*uses = append(*uses, placeholderUse{n: n, ptr: ptr, start: n.Pos, end: end})
	case source.Array:
		for i, it := range n.Items {
			collectPlaceholders(it, ptr+"/"+strconv.Itoa(i), t, uses, depth+1)
		}
	case source.Object:
		for _, m := range n.Members {
			collectPlaceholders(m.Value, ptr+"/"+m.Key, t, uses, depth+1)
		}
	}
}

// onPlaceholder reports whether a diagnostic is located on a string that holds a placeholder.
func onPlaceholder(d Diagnostic, uses []placeholderUse) bool {
	for _, u := range uses {
		if d.Line == u.start.Line && d.Col >= u.start.Col && d.Line == u.end.Line && d.Col <= u.end.Col {
			return true
		}
	}
	return false
}
