package template

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// The pseudo parameters' local values.
const (
	Region    = "us-east-1"
	AccountID = "123456789012"
	Partition = "aws"
	URLSuffix = "amazonaws.com"
)

// maxConditionDepth bounds conditions that name conditions, which a cycle could make endless.
const maxConditionDepth = 100

// evaluator resolves the intrinsic functions of one state machine's properties.
type evaluator struct {
	t    *Template
	id   string
	opts Options
	// stack is the value of AWS::StackName.
	stack string
	// generated holds the placeholders (the text inside ${...}) that stand for what cannot be resolved
	// here, which substitution leaves in place without an error.
	generated map[string]bool
	// naming holds the resources whose names are being resolved, against a name that refers to itself.
	naming map[string]bool
}

func (e *evaluator) where() string { return e.t.Path + "#" + e.id }

func (e *evaluator) errorf(at source.Pos, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: resource %s: %s", e.t.Path, at.Line, at.Col, e.id, fmt.Sprintf(format, args...))
}

// stand is a value that stands in for what AWS would resolve, told once to Options.Warn.
func (e *evaluator) stand(what, value string) string {
	if e.opts.Warn != nil {
		e.opts.Warn(fmt.Sprintf("%s: %s stands as %q (not resolved locally)", e.where(), what, value))
	}
	return value
}

// placeholder is "${TEXT}", standing for what cannot be resolved here, or --sub's value for TEXT.
func (e *evaluator) placeholder(what, text string) string {
	if v, ok := e.opts.Subs[text]; ok {
		return v
	}
	e.generated[text] = true
	return e.stand(what, "${"+text+"}")
}

func str(at source.Pos, s string) *source.Node {
	return &source.Node{Kind: source.String, Pos: at, Str: s}
}

// intrinsicKey returns the function an object calls: its one key, Ref or Fn::*.
func intrinsicKey(n *source.Node) (string, bool) {
	if n.Kind != source.Object || len(n.Members) != 1 {
		return "", false
	}
	k := n.Members[0].Key
	return k, k == "Ref" || strings.HasPrefix(k, "Fn::")
}

// eval resolves the intrinsic functions in n; nil stands for AWS::NoValue, which removes what holds it.
func (e *evaluator) eval(n *source.Node) (*source.Node, error) {
	if key, ok := intrinsicKey(n); ok {
		return e.call(key, n.Members[0].Value, n.Pos)
	}
	switch n.Kind {
	case source.Object:
		out := &source.Node{Kind: source.Object, Pos: n.Pos, Members: make([]source.Member, 0, len(n.Members))}
		for _, m := range n.Members {
			v, err := e.eval(m.Value)
			if err != nil {
				return nil, err
			}
			if v != nil {
				out.Members = append(out.Members, source.Member{Key: m.Key, KeyPos: m.KeyPos, Value: v})
			}
		}
		return out, nil
	case source.Array:
		out := &source.Node{Kind: source.Array, Pos: n.Pos, Items: make([]*source.Node, 0, len(n.Items))}
		for _, it := range n.Items {
			v, err := e.eval(it)
			if err != nil {
				return nil, err
			}
			if v != nil {
				out.Items = append(out.Items, v)
			}
		}
		return out, nil
	}
	return n, nil
}

// text evaluates n to the text a string context takes: a string, or a number's or boolean's text.
func (e *evaluator) text(n *source.Node, what string) (string, error) {
	v, err := e.eval(n)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", e.errorf(n.Pos, "%s is AWS::NoValue", what)
	}
	switch v.Kind {
	case source.String:
		return v.Str, nil
	case source.Number:
		return v.Num, nil
	case source.Bool:
		return strconv.FormatBool(v.Bool), nil
	}
	return "", e.errorf(n.Pos, "%s must be a string, not %s", what, v.Kind)
}

// args checks that an intrinsic's argument is a list of count (or, with more, at least count) items.
func (e *evaluator) args(fn string, arg *source.Node, count int, more bool) ([]*source.Node, error) {
	if arg.Kind != source.Array || len(arg.Items) < count || !more && len(arg.Items) != count {
		return nil, e.errorf(arg.Pos, "%s takes a list of %d items", fn, count)
	}
	return arg.Items, nil
}

// list evaluates n to a list.
func (e *evaluator) list(fn string, n *source.Node) (*source.Node, error) {
	v, err := e.eval(n)
	if err != nil {
		return nil, err
	}
	if v == nil || v.Kind != source.Array {
		return nil, e.errorf(n.Pos, "%s takes a list here", fn)
	}
	return v, nil
}

func (e *evaluator) call(fn string, arg *source.Node, at source.Pos) (*source.Node, error) {
	switch fn {
	case "Ref":
		if arg.Kind != source.String {
			return nil, e.errorf(arg.Pos, "Ref takes a name")
		}
		return e.ref(arg.Str, at)
	case "Fn::GetAtt":
		return e.getAtt(arg, at)
	case "Fn::Sub":
		return e.sub(arg, at)
	case "Fn::Join":
		items, err := e.args(fn, arg, 2, false)
		if err != nil {
			return nil, err
		}
		sep, err := e.text(items[0], "the delimiter of Fn::Join")
		if err != nil {
			return nil, err
		}
		list, err := e.list(fn, items[1])
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(list.Items))
		for i, it := range list.Items {
			if parts[i], err = e.text(it, "an item of Fn::Join"); err != nil {
				return nil, err
			}
		}
		return str(at, strings.Join(parts, sep)), nil
	case "Fn::Select":
		items, err := e.args(fn, arg, 2, false)
		if err != nil {
			return nil, err
		}
		idx, err := e.text(items[0], "the index of Fn::Select")
		if err != nil {
			return nil, err
		}
		list, err := e.list(fn, items[1])
		if err != nil {
			return nil, err
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= len(list.Items) {
			return nil, e.errorf(items[0].Pos, "Fn::Select index %s is not in the list of %d items", idx, len(list.Items))
		}
		return list.Items[i], nil
	case "Fn::Split":
		items, err := e.args(fn, arg, 2, false)
		if err != nil {
			return nil, err
		}
		sep, err := e.text(items[0], "the delimiter of Fn::Split")
		if err != nil {
			return nil, err
		}
		s, err := e.text(items[1], "the string of Fn::Split")
		if err != nil {
			return nil, err
		}
		out := &source.Node{Kind: source.Array, Pos: at}
		for _, part := range strings.Split(s, sep) {
			out.Items = append(out.Items, str(at, part))
		}
		return out, nil
	case "Fn::Base64":
		s, err := e.text(arg, "the argument of Fn::Base64")
		if err != nil {
			return nil, err
		}
		return str(at, base64.StdEncoding.EncodeToString([]byte(s))), nil
	case "Fn::GetAZs":
		r := e.pseudo("AWS::Region")
		return &source.Node{Kind: source.Array, Pos: at, Items: []*source.Node{str(at, r+"a"), str(at, r+"b"), str(at, r+"c")}}, nil
	case "Fn::FindInMap":
		return e.findInMap(arg, at)
	case "Fn::If":
		items, err := e.args(fn, arg, 3, false)
		if err != nil {
			return nil, err
		}
		if items[0].Kind != source.String {
			return nil, e.errorf(items[0].Pos, "Fn::If takes a condition's name first")
		}
		ok, err := e.condition(items[0].Str, items[0].Pos, 0)
		if err != nil {
			return nil, err
		}
		if ok {
			return e.eval(items[1])
		}
		return e.eval(items[2])
	case "Fn::ImportValue":
		name, err := e.text(arg, "the name of Fn::ImportValue")
		if err != nil {
			return nil, err
		}
		return str(at, e.placeholder("Fn::ImportValue "+name, "Fn::ImportValue:"+name)), nil
	case "Fn::ToJsonString":
		v, err := e.eval(arg)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, e.errorf(arg.Pos, "Fn::ToJsonString of AWS::NoValue")
		}
		return str(at, value.JSON(v.Value())), nil
	case "Fn::Length":
		list, err := e.list(fn, arg)
		if err != nil {
			return nil, err
		}
		return &source.Node{Kind: source.Number, Pos: at, Num: strconv.Itoa(len(list.Items))}, nil
	}
	return nil, e.errorf(at, "%s cannot be resolved locally (aslrun resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join, "+
		"Fn::Select, Fn::Split, Fn::Base64, Fn::GetAZs, Fn::FindInMap, Fn::If, Fn::ImportValue, Fn::ToJsonString and Fn::Length)", fn)
}

// pseudo returns a pseudo parameter's value: --sub's, else the local one. AWS::NoValue and
// AWS::NotificationARNs are not strings: ref handles them.
func (e *evaluator) pseudo(name string) string {
	if v, ok := e.opts.Subs[name]; ok {
		return v
	}
	switch name {
	case "AWS::Region":
		return Region
	case "AWS::AccountId":
		return AccountID
	case "AWS::Partition":
		return Partition
	case "AWS::URLSuffix":
		return URLSuffix
	case "AWS::StackName":
		return e.stack
	case "AWS::StackId":
		return "arn:aws:cloudformation:" + e.pseudo("AWS::Region") + ":" + e.pseudo("AWS::AccountId") + ":stack/" + e.stack + "/00000000-0000-0000-0000-000000000000"
	}
	return ""
}

// ref resolves Ref name: --sub's value, a pseudo parameter, a parameter's Default (else "${name}", to be
// substituted), or a resource's stand-in.
func (e *evaluator) ref(name string, at source.Pos) (*source.Node, error) {
	switch name {
	case "AWS::NoValue":
		return nil, nil
	case "AWS::NotificationARNs":
		return &source.Node{Kind: source.Array, Pos: at}, nil
	}
	if v, ok := e.opts.Subs[name]; ok {
		return str(at, v), nil
	}
	if v := e.pseudo(name); v != "" {
		return str(at, v), nil
	}
	if params := e.t.Root.Member("Parameters"); params != nil && params.Kind == source.Object {
		if p := params.Member(name); p != nil {
			return e.parameter(name, p, at)
		}
	}
	if r := e.t.resource(name); r != nil {
		s, err := e.resourceRef(name, r)
		return str(at, s), err
	}
	return nil, e.errorf(at, "Ref %s: the template has no parameter or resource %s", name, name)
}

// parameter is a template parameter's value: its Default, split for list types, or "${name}" to be
// substituted when it has none.
func (e *evaluator) parameter(name string, p *source.Node, at source.Pos) (*source.Node, error) {
	d := p.Member("Default")
	if d == nil {
		return str(at, "${"+name+"}"), nil
	}
	s, err := e.text(d, "the Default of parameter "+name)
	if err != nil {
		return nil, err
	}
	if t := p.Member("Type"); t != nil && t.Kind == source.String && (t.Str == "CommaDelimitedList" || strings.HasPrefix(t.Str, "List<")) {
		out := &source.Node{Kind: source.Array, Pos: at}
		for _, part := range strings.Split(s, ",") {
			out.Items = append(out.Items, str(at, strings.TrimSpace(part)))
		}
		return out, nil
	}
	return str(at, s), nil
}

// resourceName is the name a resource goes by: its name property, when it resolves to a string without
// placeholders, else its logical id.
func (e *evaluator) resourceName(id string, r *source.Node, k kind) string {
	props := r.Member("Properties")
	if props == nil || props.Kind != source.Object || e.naming[id] {
		return id
	}
	n := props.Member(k.nameProp)
	if n == nil {
		return id
	}
	e.naming[id] = true
	defer delete(e.naming, id)
	s, err := e.text(n, k.nameProp)
	if err != nil || placeholderRe().MatchString(s) {
		return id
	}
	return s
}

func resourceType(r *source.Node) string {
	if t := r.Member("Type"); t != nil && t.Kind == source.String {
		return t.Str
	}
	return ""
}

func (e *evaluator) resourceRef(id string, r *source.Node) (string, error) {
	if k, ok := kindOf(resourceType(r)); ok {
		name := e.resourceName(id, r, k)
		return e.stand("Ref "+id, k.ref(name, e.pseudo("AWS::Region"), e.pseudo("AWS::AccountId"))), nil
	}
	return e.placeholder("Ref "+id, "Ref:"+id), nil
}

// getAtt resolves Fn::GetAtt [id, attribute] (or "id.attribute", as the short form writes it).
func (e *evaluator) getAtt(arg *source.Node, at source.Pos) (*source.Node, error) {
	var id, name string
	switch {
	case arg.Kind == source.String && strings.Contains(arg.Str, "."):
		id, name, _ = strings.Cut(arg.Str, ".")
	case arg.Kind == source.Array && len(arg.Items) == 2:
		var err error
		if id, err = e.text(arg.Items[0], "the resource of Fn::GetAtt"); err != nil {
			return nil, err
		}
		if name, err = e.text(arg.Items[1], "the attribute of Fn::GetAtt"); err != nil {
			return nil, err
		}
	default:
		return nil, e.errorf(arg.Pos, "Fn::GetAtt takes [resource, attribute] or \"resource.attribute\"")
	}
	s, err := e.attribute(id, name, at)
	return str(at, s), err
}

func (e *evaluator) attribute(id, name string, at source.Pos) (string, error) {
	r := e.t.resource(id)
	if r == nil {
		return "", e.errorf(at, "Fn::GetAtt %s.%s: the template has no resource %s", id, name, id)
	}
	what := "Fn::GetAtt " + id + "." + name
	if k, ok := kindOf(resourceType(r)); ok {
		if f := k.attrs[name]; f != nil {
			return e.stand(what, f(e.resourceName(id, r, k), e.pseudo("AWS::Region"), e.pseudo("AWS::AccountId"))), nil
		}
	}
	return e.placeholder(what, "Fn::GetAtt:"+id+"."+name), nil
}

// subRe matches a variable of Fn::Sub: ${Name}, ${Resource.Attribute}, or the literal ${!Text}.
var subRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^{}]*)\}`) })

// sub resolves Fn::Sub: its variables, then parameters, pseudo parameters and resources; a name it does not
// know stays ${Name}, for DefinitionSubstitutions.
func (e *evaluator) sub(arg *source.Node, at source.Pos) (*source.Node, error) {
	format, vars := arg, map[string]string{}
	if arg.Kind == source.Array {
		items, err := e.args("Fn::Sub", arg, 2, false)
		if err != nil {
			return nil, err
		}
		format = items[0]
		if items[1].Kind != source.Object {
			return nil, e.errorf(items[1].Pos, "the variables of Fn::Sub must be an object")
		}
		for _, m := range items[1].Members {
			if vars[m.Key], err = e.text(m.Value, "Fn::Sub variable "+m.Key); err != nil {
				return nil, err
			}
		}
	}
	if format.Kind != source.String {
		return nil, e.errorf(format.Pos, "Fn::Sub takes a string, or [string, variables]")
	}
	var firstErr error
	out := subRe().ReplaceAllStringFunc(format.Str, func(m string) string {
		name := m[2 : len(m)-1]
		if lit, ok := strings.CutPrefix(name, "!"); ok {
			return "${" + lit + "}"
		}
		if v, ok := vars[name]; ok {
			return v
		}
		if v, ok := e.opts.Subs[name]; ok {
			return v
		}
		var s string
		var err error
		switch id, attr, dotted := strings.Cut(name, "."); {
		case e.pseudo(name) != "":
			s = e.pseudo(name)
		case dotted && e.t.resource(id) != nil:
			s, err = e.attribute(id, attr, at)
		case e.t.resource(name) != nil:
			s, err = e.resourceRef(name, e.t.resource(name))
		default:
			s = m
			if params := e.t.Root.Member("Parameters"); params != nil && params.Kind == source.Object && params.Member(name) != nil {
				var v *source.Node
				if v, err = e.parameter(name, params.Member(name), at); err == nil && v.Kind == source.String {
					s = v.Str
				}
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return s
	})
	return str(at, out), firstErr
}

// condition evaluates the template's condition name.
func (e *evaluator) condition(name string, at source.Pos, depth int) (bool, error) {
	conds := e.t.Root.Member("Conditions")
	var c *source.Node
	if conds != nil && conds.Kind == source.Object {
		c = conds.Member(name)
	}
	if c == nil {
		return false, e.errorf(at, "the template has no condition %s", name)
	}
	return e.cond(c, depth+1)
}

func (e *evaluator) cond(n *source.Node, depth int) (bool, error) {
	if depth > maxConditionDepth {
		return false, e.errorf(n.Pos, "conditions nested more than %d deep", maxConditionDepth)
	}
	if n.Kind != source.Object || len(n.Members) != 1 {
		return false, e.errorf(n.Pos, "a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition")
	}
	fn, arg := n.Members[0].Key, n.Members[0].Value
	switch fn {
	case "Condition":
		if arg.Kind != source.String {
			return false, e.errorf(arg.Pos, "Condition takes a condition's name")
		}
		return e.condition(arg.Str, arg.Pos, depth)
	case "Fn::Equals":
		items, err := e.args(fn, arg, 2, false)
		if err != nil {
			return false, err
		}
		a, err := e.text(items[0], "an argument of Fn::Equals")
		if err != nil {
			return false, err
		}
		b, err := e.text(items[1], "an argument of Fn::Equals")
		return a == b, err
	case "Fn::Not":
		items, err := e.args(fn, arg, 1, false)
		if err != nil {
			return false, err
		}
		v, err := e.cond(items[0], depth+1)
		return !v, err
	case "Fn::And", "Fn::Or":
		items, err := e.args(fn, arg, 2, true)
		if err != nil {
			return false, err
		}
		and := fn == "Fn::And"
		for _, it := range items {
			v, err := e.cond(it, depth+1)
			if err != nil {
				return false, err
			}
			if v != and {
				return v, nil
			}
		}
		return and, nil
	}
	return false, e.errorf(n.Pos, "%s is not a condition function", fn)
}

// findInMap resolves Fn::FindInMap [map, key, key] from the template's Mappings.
func (e *evaluator) findInMap(arg *source.Node, at source.Pos) (*source.Node, error) {
	items, err := e.args("Fn::FindInMap", arg, 3, false)
	if err != nil {
		return nil, err
	}
	v := e.t.Root.Member("Mappings")
	path := "Mappings"
	for _, it := range items {
		key, err := e.text(it, "a key of Fn::FindInMap")
		if err != nil {
			return nil, err
		}
		path += "." + key
		if v != nil && v.Kind == source.Object {
			v = v.Member(key)
		} else {
			v = nil
		}
		if v == nil {
			return nil, e.errorf(at, "Fn::FindInMap: the template has no %s", path)
		}
	}
	return v, nil
}
