package asl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// Parse reads a definition (JSON, or YAML) into the model. It reports what the document's shape breaks
// (syntax, field types, unknown, missing or conflicting fields) as diagnostics; the machine is nil only
// when the document is not an object at all. Semantic checks are Validate's.
func Parse(data []byte) (*StateMachine, []Diagnostic) { return parse(data, false) }

// parse is Parse; template reads the definition as a template that may hold bare ${...} placeholders
// (source.ParseTemplate).
func parse(data []byte, template bool) (*StateMachine, []Diagnostic) {
	var ds diagnostics
	if len(strings.TrimSpace(string(data))) == 0 {
		ds.errorf(CodeSchema, source.Pos{Line: 1, Col: 1}, "", "Definition must be a valid JSON object")
		return nil, ds.list
	}
	read := source.Parse
	if template {
		read = source.ParseTemplate
	}
	n, err := read(data)
	if err != nil {
		var se *source.SyntaxError
		pos := source.Pos{Line: 1, Col: 1}
		msg := err.Error()
		if errors.As(err, &se) {
			pos, msg = se.Pos, se.Msg
		}
		ds.errorf(CodeInvalidJSON, pos, "", "%s", msg)
		return nil, ds.list
	}
	if n.Kind == source.String {
		if msg, ok := unrecognizedToken(data); ok {
			ds.errorf(CodeInvalidJSON, source.Pos{Line: 1, Col: 1}, "", "%s", msg)
			return nil, ds.list
		}
	}
	sm := parseNode(&ds, n)
	sortDiagnostics(ds.list)
	return sm, ds.list
}

// unrecognizedToken words a document that is neither JSON nor a YAML mapping but a bare YAML string
// ("not a definition") as AWS's JSON parser (Jackson) does, since AWS reads definitions as JSON only:
// "Unrecognized token 'not': was expecting (...)\n at [Source: (String)"not a definition"; line: 1, column: 4]".
func unrecognizedToken(data []byte) (string, bool) {
	text := string(data)
	trimmed := strings.TrimLeft(text, " \t\r\n")
	if trimmed == "" || strings.ContainsRune("{[\"-0123456789", rune(trimmed[0])) {
		return "", false
	}
	end := strings.IndexAny(trimmed, " \t\r\n,:{}[]\"")
	if end < 0 {
		end = len(trimmed)
	}
	token := trimmed[:end]
	switch token {
	case "true", "false", "null":
		return "", false
	}
	line := 1 + strings.Count(text[:len(text)-len(trimmed)], "\n")
	col := len(text) - len(trimmed) - strings.LastIndex(text[:len(text)-len(trimmed)], "\n") + len(token)
	source := text
	if len(source) > 500 {
		source = source[:500] + "\"[truncated " + strconv.Itoa(len(text)-500) + " chars]"
	}
	return fmt.Sprintf("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)%q; line: %d, column: %d]",
		token, source, line, col), true
}

func parseNode(ds *diagnostics, n *source.Node) *StateMachine {
	if n.Kind != source.Object {
		ds.errorf(CodeSchema, n.Pos, "", "Definition must be a valid JSON object")
		return nil
	}
	o := newObject(ds, n, "")
	var missing []string
	for _, k := range []string{"States", "StartAt"} {
		if !o.has(k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		ds.errorf(CodeSchema, n.Pos, "", "These fields are required: [%s]", strings.Join(missing, ", "))
	}
	sm := &StateMachine{Node: n}
	sm.Comment, _ = o.str("Comment")
	sm.Version, _ = o.str("Version")
	if t, ok := o.integer("TimeoutSeconds", 0); ok {
		sm.TimeoutSeconds = &t
	}
	ql := queryLanguage(o, JSONPath)
	p := &parser{ds: ds}
	p.machine(&sm.Machine, o, "", ql)
	o.unknown()
	return sm
}

// queryLanguage reads the QueryLanguage field; def is the language in force around it.
func queryLanguage(o *object, def QueryLanguage) QueryLanguage {
	if s, ok := o.enum("QueryLanguage", string(JSONPath), string(JSONata)); ok {
		return QueryLanguage(s)
	}
	return def
}

// objectAt opens n as an object, reporting "<what> must be an object" when it is none.
func (p *parser) objectAt(n *source.Node, ptr, what string) *object {
	if n.Kind != source.Object {
		p.ds.errorf(CodeSchema, n.Pos, ptr, "%s must be an object, not %s", what, article(n.Kind))
		return nil
	}
	return newObject(p.ds, n, ptr)
}

type parser struct {
	ds *diagnostics
	// inherit is the language the states of the machine being read inherit. A Parallel branch or a Map
	// processor inherits it too, not the language of the Parallel or Map state that holds it: AWS
	// measured (floci-io/floci#2968) that a Map declaring JSONata leaves its processor's states in the
	// machine's language.
	inherit QueryLanguage
}

// machine reads StartAt and States of o into m; ql is the language its states inherit.
func (p *parser) machine(m *Machine, o *object, ptr string, ql QueryLanguage) {
	m.Pointer, m.Node = ptr, o.n
	if o.has("QueryLanguage") {
		m.QueryLanguage = ql
	}
	m.StartAt, _ = o.str("StartAt")
	saved := p.inherit
	p.inherit = ql
	defer func() { p.inherit = saved }()
	states := o.get("States")
	m.States = map[string]State{}
	if states == nil {
		return
	}
	if states.Kind != source.Object {
		o.typeError("States", states, "an object")
		return
	}
	sp := o.child("States")
	// A state name given twice is not a duplicate field here: Validate reports it as AWS does, with
	// DUPLICATE_STATE_NAME, together with names repeated across branches and processors.
	for _, mem := range states.Members {
		if _, dup := m.States[mem.Key]; dup {
			continue
		}
		st := p.state(mem.Key, mem.Value, sp+"/"+mem.Key, ql)
		if st == nil {
			continue
		}
		m.Order = append(m.Order, mem.Key)
		m.States[mem.Key] = st
	}
}

// sub reads a nested machine: a Parallel branch or a Map's processor.
func (p *parser) sub(n *source.Node, ptr string, ql QueryLanguage) *Machine {
	o := p.objectAt(n, ptr, "The value")
	if o == nil {
		return nil
	}
	o.required("StartAt", "States")
	ql = queryLanguage(o, ql)
	m := &Machine{}
	p.machine(m, o, ptr, ql)
	o.get("Comment")
	return m
}

var stateTypes = []string{TypeTask, TypePass, TypeChoice, TypeWait, TypeSucceed, TypeFail, TypeParallel, TypeMap}

func (p *parser) state(name string, n *source.Node, ptr string, ql QueryLanguage) State {
	o := p.objectAt(n, ptr, "A state")
	if o == nil {
		return nil
	}
	typ, ok := o.str("Type")
	if !ok {
		if !o.has("Type") {
			o.required("Type")
		}
		return nil
	}
	c := Common{Name: name, Type: typ, Pointer: ptr, Node: n}
	c.Comment, _ = o.str("Comment")
	c.QueryLanguage = queryLanguage(o, ql)
	var st State
	switch typ {
	case TypeTask:
		st = p.task(o, c)
	case TypePass:
		st = p.pass(o, c)
	case TypeChoice:
		st = p.choice(o, c)
	case TypeWait:
		st = p.wait(o, c)
	case TypeSucceed:
		// No Assign: AWS refuses it on Succeed (and Fail), whose variables nothing could read.
		st = &Succeed{Common: c, IO: io(o)}
		st.Base().Output = o.node("Output")
	case TypeFail:
		st = p.fail(o, c)
	case TypeParallel:
		st = p.parallel(o, c)
	case TypeMap:
		st = p.mapState(o, c)
	default:
		p.ds.errorf(CodeSchema, o.get("Type").Pos, ptr+"/Type",
			"The value for the field 'Type' must be one of [%s]", strings.Join(stateTypes, ", "))
		return nil
	}
	o.unknown()
	return st
}

// transition reads Next and End, which every state that continues has.
func (p *parser) transition(o *object, c *Common) {
	c.Next = o.nonEmptyStr("Next")
	c.End = o.boolean("End")
	if o.has("Next") && o.has("End") {
		p.ds.errorf(CodeSchema, o.n.Pos, o.ptr, "There should only be one of the following fields: [Next, End]")
	}
}

// output reads the JSONata Output and the Assign field.
func (p *parser) output(o *object, c *Common) {
	c.Output = o.node("Output")
	c.Assign = o.objectField("Assign")
}

func io(o *object) IO {
	return IO{InputPath: o.path("InputPath"), OutputPath: o.path("OutputPath")}
}

func resultFields(o *object) ResultFields {
	return ResultFields{ResultPath: o.path("ResultPath"), ResultSelector: o.node("ResultSelector")}
}

func (p *parser) task(o *object, c Common) *Task {
	t := &Task{Common: c, IO: io(o), ResultFields: resultFields(o), Errors: p.errors(o)}
	p.transition(o, &t.Common)
	p.output(o, &t.Common)
	o.required("Resource")
	if r := o.get("Resource"); r != nil && isCloudFormationIntrinsic(r) {
		// Validate warns; such a Resource names no local handler until CloudFormation resolves it.
	} else {
		t.Resource = o.nonEmptyStr("Resource")
	}
	t.Parameters = o.node("Parameters")
	t.Arguments = o.node("Arguments")
	if cr := o.get("Credentials"); cr != nil {
		if cr.Kind != source.Object {
			o.typeError("Credentials", cr, "an object")
		} else {
			t.Credentials = cr
			co := newObject(p.ds, cr, o.child("Credentials"))
			co.oneOf("RoleArn", "RoleArn.$")
			if !co.has("RoleArn") && !co.has("RoleArn.$") {
				co.required("RoleArn")
			}
			co.get("RoleArn")
			co.get("RoleArn.$")
			co.unknown()
		}
	}
	o.oneOf("TimeoutSeconds", "TimeoutSecondsPath")
	o.oneOf("HeartbeatSeconds", "HeartbeatSecondsPath")
	t.TimeoutSeconds = p.positive(o, "TimeoutSeconds")
	t.TimeoutSecondsPath, _ = o.str("TimeoutSecondsPath")
	t.HeartbeatSeconds = p.positive(o, "HeartbeatSeconds")
	t.HeartbeatSecondsPath, _ = o.str("HeartbeatSecondsPath")
	return t
}

// positive reads a whole number of seconds that must be at least 1.
func (p *parser) positive(o *object, key string) Amount {
	a := o.amount(key, true)
	if a.Set && a.Expr == "" && a.Value < 1 {
		p.ds.errorf(CodeSchema, o.get(key).Pos, o.child(key), "Minimum value is 1")
	}
	return a
}

func (p *parser) pass(o *object, c Common) *Pass {
	s := &Pass{Common: c, IO: io(o), ResultPath: o.path("ResultPath")}
	p.transition(o, &s.Common)
	p.output(o, &s.Common)
	s.Parameters = o.node("Parameters")
	s.Result = o.node("Result")
	return s
}

func (p *parser) choice(o *object, c Common) *Choice {
	s := &Choice{Common: c, IO: io(o)}
	p.output(o, &s.Common)
	s.Default = o.nonEmptyStr("Default")
	for i, it := range o.requiredList("Choices") {
		if r := p.rule(it, o.child("Choices")+"/"+strconv.Itoa(i), true); r != nil {
			s.Choices = append(s.Choices, r)
		}
	}
	return s
}

// The comparison operators of a Choice rule, and the type each literal operand must have.
var comparisons = map[string]source.Kind{
	"StringEquals": source.String, "StringLessThan": source.String, "StringGreaterThan": source.String,
	"StringLessThanEquals": source.String, "StringGreaterThanEquals": source.String, "StringMatches": source.String,
	"NumericEquals": source.Number, "NumericLessThan": source.Number, "NumericGreaterThan": source.Number,
	"NumericLessThanEquals": source.Number, "NumericGreaterThanEquals": source.Number,
	"BooleanEquals":   source.Bool,
	"TimestampEquals": source.String, "TimestampLessThan": source.String, "TimestampGreaterThan": source.String,
	"TimestampLessThanEquals": source.String, "TimestampGreaterThanEquals": source.String,
	"IsNull": source.Bool, "IsPresent": source.Bool, "IsNumeric": source.Bool, "IsString": source.Bool,
	"IsBoolean": source.Bool, "IsTimestamp": source.Bool,
}

// IsComparison reports whether name is a Choice comparison operator, in its literal or ...Path form.
func IsComparison(name string) bool {
	if _, ok := comparisons[name]; ok {
		return true
	}
	base, ok := strings.CutSuffix(name, "Path")
	if !ok || strings.HasPrefix(base, "Is") || base == "StringMatches" {
		return false
	}
	_, ok = comparisons[base]
	return ok
}

func (p *parser) rule(n *source.Node, ptr string, top bool) *ChoiceRule {
	o := p.objectAt(n, ptr, "A choice rule")
	if o == nil {
		return nil
	}
	r := &ChoiceRule{Pointer: ptr, Node: n}
	r.Comment, _ = o.str("Comment")
	if top {
		o.required("Next")
		r.Next = o.nonEmptyStr("Next")
		r.Assign = o.objectField("Assign")
		r.Output = o.node("Output")
	}
	r.Condition = o.node("Condition")
	r.Variable, _ = o.str("Variable")
	var ops []string
	for _, m := range n.Members {
		if IsComparison(m.Key) {
			ops = append(ops, m.Key)
		}
	}
	for _, op := range ops {
		v := o.get(op)
		r.Operator, r.Operand = op, v.Value()
		want, literal := comparisons[op]
		if !literal {
			want = source.String
		}
		if v.Kind != want {
			o.typeError(op, v, article(want))
		}
	}
	if len(ops) > 1 {
		p.ds.errorf(CodeSchema, n.Pos, ptr, "A choice rule must have only one comparison operator, found [%s]", strings.Join(ops, ", "))
	}
	for _, key := range []string{"And", "Or"} {
		v := o.get(key)
		if v == nil {
			continue
		}
		if v.Kind != source.Array {
			o.typeError(key, v, "an array of choice rules")
			continue
		}
		if len(v.Items) == 0 {
			p.ds.errorf(CodeSchema, v.Pos, o.child(key), "The field '%s' must not be empty", key)
		}
		var rules []*ChoiceRule
		for i, it := range v.Items {
			if nr := p.rule(it, o.child(key)+"/"+strconv.Itoa(i), false); nr != nil {
				rules = append(rules, nr)
			}
		}
		if key == "And" {
			r.And = rules
		} else {
			r.Or = rules
		}
	}
	if v := o.get("Not"); v != nil {
		r.Not = p.rule(v, o.child("Not"), false)
	}
	kinds := len(ops)
	for _, k := range []string{"And", "Or", "Not", "Condition"} {
		if o.has(k) {
			kinds++
		}
	}
	if kinds == 0 {
		p.ds.errorf(CodeSchema, n.Pos, ptr, "A choice rule must have a comparison operator, And, Or, Not or Condition")
	} else if kinds > 1 && len(ops) <= 1 {
		p.ds.errorf(CodeSchema, n.Pos, ptr, "A choice rule must have only one of a comparison operator, And, Or, Not and Condition")
	}
	if len(ops) == 1 && !o.has("Variable") {
		o.required("Variable")
	}
	o.unknown()
	return r
}

func (p *parser) wait(o *object, c Common) *Wait {
	s := &Wait{Common: c, IO: io(o)}
	p.transition(o, &s.Common)
	p.output(o, &s.Common)
	n := 0
	for _, k := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if o.has(k) {
			n++
		}
	}
	switch {
	case n > 1:
		// AWS's wording and order, as cdk-preflight recorded it from ValidateStateMachineDefinition.
		p.ds.errorf(CodeSchema, o.n.Pos, o.ptr, "There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]")
	case n == 0:
		p.ds.errorf(CodeSchema, o.n.Pos, o.ptr, "There should be exactly one of the following fields: [Seconds, SecondsPath, Timestamp, TimestampPath]")
	}
	s.Seconds = o.amount("Seconds", true)
	if s.Seconds.Set && s.Seconds.Expr == "" && s.Seconds.Value < 0 {
		p.ds.errorf(CodeSchema, o.get("Seconds").Pos, o.child("Seconds"), "Minimum value is 0")
	}
	s.SecondsPath, _ = o.str("SecondsPath")
	s.Timestamp, _ = o.str("Timestamp")
	s.TimestampPath, _ = o.str("TimestampPath")
	return s
}

func (p *parser) fail(o *object, c Common) *Fail {
	s := &Fail{Common: c}
	o.oneOf("Error", "ErrorPath")
	o.oneOf("Cause", "CausePath")
	s.Error, s.HasError = o.str("Error")
	s.ErrorPath, _ = o.str("ErrorPath")
	s.Cause, s.HasCause = o.str("Cause")
	s.CausePath, _ = o.str("CausePath")
	return s
}

func (p *parser) parallel(o *object, c Common) *Parallel {
	s := &Parallel{Common: c, IO: io(o), ResultFields: resultFields(o), Errors: p.errors(o)}
	p.transition(o, &s.Common)
	p.output(o, &s.Common)
	s.Parameters = o.node("Parameters")
	s.Arguments = o.node("Arguments")
	for i, it := range o.requiredList("Branches") {
		if m := p.sub(it, o.child("Branches")+"/"+strconv.Itoa(i), p.inherit); m != nil {
			s.Branches = append(s.Branches, m)
		}
	}
	return s
}

func (p *parser) mapState(o *object, c Common) *Map {
	s := &Map{Common: c, IO: io(o), ResultFields: resultFields(o), Errors: p.errors(o)}
	p.transition(o, &s.Common)
	p.output(o, &s.Common)
	s.ProcessorMode = "INLINE"
	o.oneOf("ItemProcessor", "Iterator")
	o.oneOf("ItemsPath", "Items")
	// Ours: ItemsPointer is a third way to choose the items, so it stands alone as the other two do.
	o.oneOf("ItemsPath", "ItemsPointer")
	o.oneOf("Items", "ItemsPointer")
	o.oneOf("ItemSelector", "Parameters")
	o.oneOf("MaxConcurrency", "MaxConcurrencyPath")
	o.oneOf("ToleratedFailureCount", "ToleratedFailureCountPath")
	o.oneOf("ToleratedFailurePercentage", "ToleratedFailurePercentagePath")
	key := "ItemProcessor"
	if !o.has(key) && o.has("Iterator") {
		key = "Iterator"
	}
	if v := o.get(key); v != nil {
		s.Processor = p.processor(s, v, o.child(key), p.inherit)
	} else if !o.has("ItemProcessor") {
		o.required("ItemProcessor")
	}
	o.get("Iterator")
	s.ItemsPath = o.path("ItemsPath")
	s.Items = o.node("Items")
	s.ItemsPointer, _ = o.str("ItemsPointer")
	s.ItemSelector = o.node("ItemSelector")
	s.Parameters = o.node("Parameters")
	s.MaxConcurrency = p.minimum(o, "MaxConcurrency", true, 0)
	s.MaxConcurrencyPath, _ = o.str("MaxConcurrencyPath")
	s.ToleratedFailureCount = p.minimum(o, "ToleratedFailureCount", true, 0)
	s.ToleratedFailureCountPath, _ = o.str("ToleratedFailureCountPath")
	s.ToleratedFailurePercentage = p.minimum(o, "ToleratedFailurePercentage", false, 0)
	if a := s.ToleratedFailurePercentage; a.Set && a.Expr == "" && a.Value > 100 {
		p.ds.errorf(CodeSchema, o.get("ToleratedFailurePercentage").Pos, o.child("ToleratedFailurePercentage"), "Maximum value is 100.0")
	}
	s.ToleratedFailurePercentagePath, _ = o.str("ToleratedFailurePercentagePath")
	s.Label, _ = o.str("Label")
	s.ItemReader = o.objectField("ItemReader")
	s.ItemBatcher = o.objectField("ItemBatcher")
	s.ResultWriter = o.objectField("ResultWriter")
	return s
}

// minimum reads a number (or JSONata string) that must be at least min.
func (p *parser) minimum(o *object, key string, integer bool, min float64) Amount {
	a := o.amount(key, integer)
	if a.Set && a.Expr == "" && a.Value < min {
		msg := "Minimum value is " + strconv.FormatFloat(min, 'f', -1, 64)
		if !integer {
			msg = "Minimum value is " + strconv.FormatFloat(min, 'f', 1, 64)
		}
		p.ds.errorf(CodeSchema, o.get(key).Pos, o.child(key), "%s", msg)
	}
	return a
}

// processor reads a Map's ItemProcessor (or Iterator) with its ProcessorConfig.
func (p *parser) processor(s *Map, n *source.Node, ptr string, ql QueryLanguage) *Machine {
	o := p.objectAt(n, ptr, "The value")
	if o == nil {
		return nil
	}
	o.required("StartAt", "States")
	if cfg := o.objectField("ProcessorConfig"); cfg != nil {
		co := newObject(p.ds, cfg, o.child("ProcessorConfig"))
		if mode, ok := co.enum("Mode", "INLINE", "DISTRIBUTED"); ok {
			s.ProcessorMode = mode
		}
		if et, ok := co.str("ExecutionType"); ok {
			if et == Standard || et == Express {
				s.ExecutionType = et
			} else {
				// AWS's wording, as cdk-preflight recorded it from CreateStateMachine.
				p.ds.errorf(CodeSchema, co.get("ExecutionType").Pos, co.child("ExecutionType"), "Value should be one of the following: [STANDARD, EXPRESS]")
			}
		}
		co.unknown()
	}
	// A processor takes no QueryLanguage of its own (AWS: "Field 'QueryLanguage' is not supported" at the
	// ItemProcessor or Iterator, floci-io/floci#2968), so it is left for unknown() to report.
	m := &Machine{}
	p.machine(m, o, ptr, ql)
	o.get("Comment")
	o.unknown()
	return m
}

func (p *parser) errors(o *object) Errors {
	var e Errors
	if v := o.get("Retry"); v != nil {
		if v.Kind != source.Array {
			o.typeError("Retry", v, "an array")
		} else {
			for i, it := range v.Items {
				if r := p.retrier(it, o.child("Retry")+"/"+strconv.Itoa(i)); r != nil {
					e.Retry = append(e.Retry, r)
				}
			}
		}
	}
	if v := o.get("Catch"); v != nil {
		if v.Kind != source.Array {
			o.typeError("Catch", v, "an array")
		} else {
			for i, it := range v.Items {
				if c := p.catcher(it, o.child("Catch")+"/"+strconv.Itoa(i)); c != nil {
					e.Catch = append(e.Catch, c)
				}
			}
		}
	}
	return e
}

func (p *parser) retrier(n *source.Node, ptr string) *Retrier {
	o := p.objectAt(n, ptr, "A retrier")
	if o == nil {
		return nil
	}
	r := &Retrier{Pointer: ptr, Node: n, IntervalSeconds: DefaultIntervalSeconds, MaxAttempts: DefaultMaxAttempts,
		BackoffRate: DefaultBackoffRate, JitterStrategy: "NONE"}
	o.required("ErrorEquals")
	r.ErrorEquals = o.strings("ErrorEquals")
	r.Comment, _ = o.str("Comment")
	if v, ok := o.integer("IntervalSeconds", 1); ok {
		r.IntervalSeconds = v
	}
	if v, ok := o.integer("MaxAttempts", 0); ok {
		r.MaxAttempts = v
	}
	if v, ok := o.number("BackoffRate", false); ok {
		if v < 1 {
			p.ds.errorf(CodeSchema, o.get("BackoffRate").Pos, o.child("BackoffRate"), "Minimum value is 1.0")
		}
		r.BackoffRate = v
	}
	if v, ok := o.integer("MaxDelaySeconds", 1); ok {
		r.MaxDelaySeconds = v
	}
	if v, ok := o.enum("JitterStrategy", "FULL", "NONE"); ok {
		r.JitterStrategy = v
	}
	o.unknown()
	return r
}

func (p *parser) catcher(n *source.Node, ptr string) *Catcher {
	o := p.objectAt(n, ptr, "A catcher")
	if o == nil {
		return nil
	}
	c := &Catcher{Pointer: ptr, Node: n}
	o.required("ErrorEquals", "Next")
	c.ErrorEquals = o.strings("ErrorEquals")
	c.Next = o.nonEmptyStr("Next")
	c.ResultPath = o.path("ResultPath")
	c.Output = o.node("Output")
	c.Assign = o.objectField("Assign")
	c.Comment, _ = o.str("Comment")
	o.unknown()
	return c
}
