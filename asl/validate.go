package asl

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/source"
)

// The state machine types, as CreateStateMachine spells them.
const (
	Standard = "STANDARD"
	Express  = "EXPRESS"
)

// MaxDefinitionChars is the size of the largest definition AWS accepts (the definition parameter of
// CreateStateMachine is at most 1,048,576 characters).
const MaxDefinitionChars = 1 << 20

// maxNesting bounds how deeply Validate descends into Parallel branches and Map processors, and into
// nested Choice rules. A parsed document cannot reach it (asl/source caps the nesting of the file well
// below), but a model built in Go could, or could even hold a cycle.
const maxNesting = 1000

// Options are what Validate needs to know beyond the definition.
type Options struct {
	// Type is the state machine type, Standard (the default, when empty) or Express. Express machines
	// refuse the .sync and .waitForTaskToken integration patterns and activities.
	Type string
	// Placeholders is how a definition template's ${...} placeholders are treated (SAM
	// DefinitionSubstitutions, CloudFormation Fn::Sub, Terraform templatefile). The zero value,
	// PlaceholdersNone, checks the text as AWS would receive it: a placeholder is the string it is
	// written as, and a bare one is no JSON (only a placeholder in Resource is let through, with a
	// PLACEHOLDER_RESOURCE warning). The other modes take every placeholder for a value of the right
	// type, to be substituted, and report it once per name: as a warning, an error, or not at all.
	Placeholders Placeholders
	// SDKCall, when set, tells whether the runtime can call arn:aws:states:::aws-sdk:SERVICE:ACTION itself;
	// its error becomes an UNRECOGNIZED_RESOURCE warning (never an error: AWS adds services and actions).
	SDKCall func(service, action string) error
}

// Placeholders is a mode of Options.Placeholders.
type Placeholders string

// The placeholder modes.
const (
	PlaceholdersNone   Placeholders = ""
	PlaceholdersWarn   Placeholders = "warn"
	PlaceholdersError  Placeholders = "error"
	PlaceholdersIgnore Placeholders = "ignore"
)

func (o Options) express() bool { return strings.EqualFold(o.Type, Express) }

// Check parses a definition and validates it: every diagnostic AWS's CreateStateMachine would give, and
// our warnings, sorted by position in the file.
func Check(data []byte, opts Options) (*StateMachine, []Diagnostic) {
	sm, ds := parse(data, opts.Placeholders != PlaceholdersNone)
	return check(sm, ds, data, utf8.RuneCount(data), opts)
}

// CheckNode is Check of a definition parsed already, as a template holds one: n's positions locate the
// diagnostics in data, the text of the file n was read from (a template); chars is the length of the
// definition as AWS receives it, its JSON text.
func CheckNode(n *source.Node, data []byte, chars int, opts Options) (*StateMachine, []Diagnostic) {
	var ds diagnostics
	sm := parseNode(&ds, n)
	return check(sm, ds.list, data, chars, opts)
}

// check completes Check on what parse gave.
func check(sm *StateMachine, ds []Diagnostic, data []byte, chars int, opts Options) (*StateMachine, []Diagnostic) {
	template := opts.Placeholders != PlaceholdersNone
	if chars > MaxDefinitionChars {
		// Our wording: AWS refuses such a request before validating it (a ValidationException).
		ds = append(ds, Diagnostic{Severity: SeverityError, Code: CodeSchema, Line: 1, Col: 1,
			Message: "The definition has " + strconv.Itoa(chars) + " characters, more than the 1,048,576 that AWS accepts"})
	}
	if sm != nil {
		ds = append(ds, validate(sm, opts, data)...)
		if template {
			ds = placeholders(ds, sm.Node, data, opts.Placeholders)
		}
	}
	sortDiagnostics(ds)
	return sm, ds
}

// Validate reports what AWS would refuse in a parsed definition beyond its shape (which Parse reports):
// transitions, reachability, names, paths, templates, intrinsic functions, JSONata expressions, Retry and
// Catch, Choice rules, resources, the fields of each query language, variable names and the limits; and,
// as warnings, what AWS accepts but is likely a mistake, such as reading a variable no state in scope
// assigns. It does not repeat Parse's diagnostics. Without the definition's text, a problem inside a
// string is located at the string; Check locates it inside.
func Validate(sm *StateMachine, opts Options) []Diagnostic {
	return validate(sm, opts, nil)
}

// validate is Validate with the definition's text, when known, to locate problems inside strings.
func validate(sm *StateMachine, opts Options, data []byte) []Diagnostic {
	if sm == nil {
		return nil
	}
	v := &validator{opts: opts, sm: sm, names: map[string]bool{}, labels: map[string]bool{}, text: text{data: data}}
	v.top()
	v.scope = v.newScope(nil, false)
	v.machine(&sm.Machine, 0, false)
	v.variables()
	sortDiagnostics(v.ds.list)
	return v.ds.list
}

// validator holds what the checks of one definition share.
type validator struct {
	ds   diagnostics
	opts Options
	sm   *StateMachine
	// names and labels are every state name and Map Label seen so far in the whole definition: both must
	// be unique across branches and processors too.
	names, labels map[string]bool
	// text locates positions inside the definition's strings.
	text text
	// scope is the variable scope of the states being checked; refs are the variable references found,
	// resolved once every scope's assignments are known.
	scope  *varScope
	scopes []*varScope
	refs   []varRef
	// failErrors are the Error names the definition's Fail states give (see raisedByFail).
	failErrors map[string]bool
}

// top checks the fields of the definition's own object.
func (v *validator) top() {
	n := v.sm.Node
	if n == nil {
		return
	}
	if ver := member(n, "Version"); ver != nil && ver.Kind == source.String && ver.Str != "1.0" {
		v.ds.errorf(CodeSchema, ver.Pos, "/Version", "Value should be one of the following: [1.0]")
	}
	if t := v.sm.TimeoutSeconds; t != nil {
		v.maximum(member(n, "TimeoutSeconds"), "/TimeoutSeconds", float64(*t), maxSeconds)
	}
}

// machine checks one set of states: the definition, a branch or a processor. distributed tells that it
// is the processor of a DISTRIBUTED Map, whose states run as child executions.
func (v *validator) machine(m *Machine, depth int, distributed bool) {
	if m == nil {
		return
	}
	if depth > maxNesting {
		v.ds.errorf(CodeSchema, posOf(m.Node), m.Pointer, "The definition nests branches and processors more than %d deep", maxNesting)
		return
	}
	v.stateNames(m)
	v.graph(m)
	for _, name := range m.Order {
		st := m.States[name]
		if st == nil {
			continue
		}
		v.state(st, depth, distributed)
	}
}

// state checks one state of any type.
func (v *validator) state(st State, depth int, distributed bool) {
	c := st.Base()
	v.queryLanguage(c, distributed)
	v.transition(st)
	v.assign(c)
	// Every state type but Fail has InputPath and OutputPath (Parse refuses them on a Fail state).
	if _, isFail := st.(*Fail); !isFail && c.QueryLanguage != JSONata {
		v.pathField(c.Node, c.Pointer, "InputPath", anyPath)
		v.pathField(c.Node, c.Pointer, "OutputPath", anyPath)
	}
	switch s := st.(type) {
	case *Task:
		v.task(s)
	case *Pass:
		v.pass(s)
	case *Choice:
		v.choice(s, depth)
	case *Wait:
		v.wait(s)
	case *Fail:
		v.fail(s)
	case *Parallel:
		v.results(c, s.ResultFields)
		v.template(c, "Parameters", s.Parameters)
		v.errors(c, s.Errors)
		for _, b := range s.Branches {
			v.inScope(b, false, func() { v.machine(b, depth+1, distributed) })
		}
	case *Map:
		v.mapState(s, depth, distributed)
	}
}

// results checks ResultPath and ResultSelector, the JSONPath fields of a state that produces a result.
func (v *validator) results(c *Common, rf ResultFields) {
	if c.QueryLanguage == JSONata {
		return
	}
	v.pathField(c.Node, c.Pointer, "ResultPath", resultPath)
	v.template(c, "ResultSelector", rf.ResultSelector)
}

// member returns the value of the last member named key, the one AWS's parser (Jackson) keeps of
// duplicates, or nil.
func member(n *source.Node, key string) *source.Node {
	if n == nil || n.Kind != source.Object {
		return nil
	}
	var v *source.Node
	for i := range n.Members {
		if n.Members[i].Key == key {
			v = n.Members[i].Value
		}
	}
	return v
}

// posOf is the position of a node, or the unknown position for none.
func posOf(n *source.Node) source.Pos {
	if n == nil {
		return source.Pos{}
	}
	return n.Pos
}
