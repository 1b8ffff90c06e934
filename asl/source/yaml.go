package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ParseYAML reads a single YAML document, as go.yaml.in/yaml/v3 reads it, into the
// same tree as ParseJSON:
//
//   - A mapping becomes an Object. Keys must be scalars (or aliases of scalars); a key
//     that YAML would resolve to another type, like 1, true or ~, becomes its text as
//     written ("1", "true", "~").
//   - Merge keys (<<: *defaults, or a sequence of aliases) are supported as YAML 1.1
//     defines them: keys written in the mapping win over merged ones, earlier sources
//     win over later ones, and merged members take the place of the << member, keeping
//     the positions where they were written. They never count as duplicates.
//   - Aliases are expanded into copies. The expanded value takes the position of the
//     alias; what is inside it keeps the positions under the anchor. A document that
//     expands to more than MaxNodes values, nests deeper than MaxDepth or whose alias
//     contains itself is rejected before anything is copied.
//   - Scalars follow their resolved tag: !!str, !!bool, !!null; !!int and !!float become
//     a Number whose Num is the text as written when that is a JSON number of the same
//     kind (integer or not), else the canonical decimal (0x1F -> "31", .5 -> "0.5");
//     .inf and .nan are errors as JSON cannot hold them; !!timestamp becomes the String
//     as written. Other tags (!!binary, !!set, !Ref ...) are errors.
//   - More than one document is an error.
//
// A value or key with an anchor or a tag starts at the anchor or tag, where the
// library places it. Errors of the library carry a line but no column: they are
// reported at column 1 (at 1:1 when the message has no line either), except those of
// a block collection, which are placed at the token it could not take.
func ParseYAML(data []byte) (*Node, error) { return parseYAML(data, nil) }

// LocalTags maps a YAML local tag (!Ref) to the key of the one-member object that stands for the value
// it tags ({"Ref": value}), as CloudFormation's short forms do; ok is false for a tag it does not know.
type LocalTags func(tag string) (key string, ok bool)

// ParseWithTags is Parse that also reads the local tags that tags knows (JSON has none): a tagged
// value becomes a one-member object at the tag's position, its member the value as if untagged (a
// tagged scalar is always a string). Other tags are errors, as in ParseYAML.
func ParseWithTags(data []byte, tags LocalTags) (*Node, error) {
	if err := checkSize(data, MaxBytes); err != nil {
		return nil, err
	}
	rest := skipJSONSpace(skipBOM(data))
	if len(rest) == 0 || rest[0] == '{' || rest[0] == '[' {
		return ParseJSON(data)
	}
	return parseYAML(data, tags)
}

func parseYAML(data []byte, tags LocalTags) (*Node, error) {
	if err := checkSize(data, MaxYAMLBytes); err != nil {
		return nil, err
	}
	if err := checkYAMLChars(data); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := safely(func() error { return dec.Decode(&doc) }); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errorf(Pos{1, 1}, "empty document")
		}
		return nil, yamlError(data, err)
	}
	var next yaml.Node
	switch err := safely(func() error { return dec.Decode(&next) }); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, yamlError(data, err)
	default:
		return nil, errorf(yamlPos(&next), "more than one YAML document")
	}
	root := doc.Content[0] // a document holds exactly one node
	c := &yamlConv{measured: map[*yaml.Node]extent{}, measuring: map[*yaml.Node]bool{}, tags: tags}
	if _, err := c.measure(root, 0); err != nil {
		return nil, err
	}
	return c.value(root)
}

// safely calls into the YAML library. The library reports its errors by panicking
// and recovering; any other panic is a bug in it, which must not crash the caller.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: internal error: %v", r)
		}
	}()
	return f()
}

// yamlError turns the library's "yaml: line 3: msg" into a SyntaxError at 3:1, or where the offending
// token of a block collection is (blockProblemPos).
func yamlError(data []byte, err error) *SyntaxError {
	e, hasLine := libraryError(data, err)
	if hasLine && blockProblems[e.Msg] {
		e.Pos = blockProblemPos(data, e)
	}
	return e
}

// blockProblems are the parser errors of a block mapping or sequence. The library reports them at the
// line where the collection starts (its context mark) unless that is the first line, not at the token the
// collection could not take (its problem mark, which the error does not carry): a mis-indented key on
// line 5 of a mapping that starts on line 3 is reported at line 3.
var blockProblems = map[string]bool{
	"did not find expected key":           true,
	"did not find expected '-' indicator": true,
}

// blockProblemPos finds the token a block collection could not take: it is on the first line, from the
// reported one on, after which the document cut there fails with the same error. Cut before that token,
// the collection just ends, so the document parses or fails otherwise; the search is binary, as the cut
// fails the same way from that line on. The column is the line's first character, where a mis-indented
// key or item starts.
func blockProblemPos(data []byte, e *SyntaxError) Pos {
	var ends []int // ends[i]: the offset after line i+1 and its newline
	for off := 0; off < len(data); {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			ends = append(ends, len(data))
			break
		}
		off += i + 1
		ends = append(ends, off)
	}
	fails := func(line int) bool {
		err := decodeAll(data[:ends[line-1]])
		if err == nil {
			return false
		}
		cut, _ := libraryError(data, err)
		return *cut == *e
	}
	lo, hi := e.Pos.Line, len(ends)
	if lo > hi || !fails(hi) {
		return e.Pos
	}
	for lo < hi {
		if mid := (lo + hi) / 2; fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	start := 0
	if lo > 1 {
		start = ends[lo-2]
	}
	for start < ends[lo-1]-1 && (data[start] == ' ' || data[start] == '\t') {
		start++
	}
	return posAt(data, start)
}

// decodeAll decodes the documents of data as ParseYAML does (up to two), returning the library's error.
func decodeAll(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for range 2 {
		var n yaml.Node
		if err := safely(func() error { return dec.Decode(&n) }); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
	return nil
}

// libraryError reads the library's "yaml: line 3: msg" as a SyntaxError at 3:1, saying whether the
// message had a line.
func libraryError(data []byte, err error) (*SyntaxError, bool) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pos := Pos{1, 1}
	hasLine := false
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil && line > 0 {
				pos.Line, msg, hasLine = line, text, true
			}
		}
	}
	// The library numbers lines from 0 in the errors of its parser (as opposed to its
	// scanner), leaving out line 0, which is the 1 above.
	if hasLine && yamlParserProblems[msg] {
		pos.Line++
	}
	// At the end of the input the library counts one more line than there is.
	pos.Line = min(pos.Line, posAt(data, len(data)).Line)
	// An unknown anchor has no position: it is at the first use of the name, as an
	// anchor defined before that use would not be unknown.
	if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		alias := []byte("*" + strings.TrimSuffix(name, "' referenced"))
		for off := 0; ; off++ {
			i := bytes.Index(data[off:], alias)
			if i < 0 {
				break
			}
			off += i
			if end := off + len(alias); end == len(data) || isYAMLSpaceOrFlow(data[end]) {
				pos = posAt(data, off)
				break
			}
		}
	}
	return &SyntaxError{Pos: pos, Msg: msg}, hasLine
}

// yamlParserProblems are the messages of the library's parser errors.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// isYAMLSpaceOrFlow reports whether c ends an alias name.
func isYAMLSpaceOrFlow(c byte) bool {
	return strings.IndexByte(" \t\r\n,[]{}", c) >= 0
}

// checkYAMLChars finds what the library's reader rejects in UTF-8 input (invalid
// UTF-8, characters outside YAML's printable set), to report it with a position,
// which the library's reader errors lack. UTF-16 input is left to the library.
func checkYAMLChars(data []byte) *SyntaxError {
	if len(data) >= 2 && (data[0] == 0xfe && data[1] == 0xff || data[0] == 0xff && data[1] == 0xfe) {
		return nil
	}
	for off := 0; off < len(data); {
		if c := data[off]; c >= 0x20 && c <= 0x7e || c == '\t' || c == '\n' || c == '\r' {
			off++
			continue
		}
		r, size := utf8.DecodeRune(data[off:])
		switch {
		case r == utf8.RuneError && size == 1:
			return errorf(posAt(data, off), "invalid UTF-8 byte 0x%02x", data[off])
		case r < 0xa0 && r != 0x85, r > 0xd7ff && r < 0xe000, r == 0xfffe, r == 0xffff:
			return errorf(posAt(data, off), "character %U is not allowed in YAML", r)
		}
		off += size
	}
	return nil
}

func yamlPos(y *yaml.Node) Pos {
	return Pos{max(y.Line, 1), max(y.Column, 1)}
}

type yamlConv struct {
	// measured holds the extent of anchored nodes, so that each alias costs one
	// lookup however often it is used; measuring holds the anchored nodes being
	// measured, to detect an alias inside its own anchor.
	measured  map[*yaml.Node]extent
	measuring map[*yaml.Node]bool
	aliases   bool // whether measure met an alias, to explain a size error
	tags      LocalTags
}

// extent is the size of a value once aliases are expanded: the number of values in
// it and the depth of the arrays and objects nested in it, itself included.
type extent struct{ nodes, depth int }

// measure computes the extent of y, which is inside depth arrays and objects, once
// aliases are expanded but without expanding them, and fails as soon as it exceeds
// MaxNodes or MaxDepth, so that alias bombs fail in time linear in the input.
// Mapping keys are not counted: they do not become values.
func (c *yamlConv) measure(y *yaml.Node, depth int) (extent, error) {
	at := y
	if y.Kind == yaml.AliasNode {
		y, c.aliases = y.Alias, true
	}
	isCollection := y.Kind == yaml.MappingNode || y.Kind == yaml.SequenceNode
	if isCollection && depth >= MaxDepth {
		return extent{}, errorf(yamlPos(at), "nesting deeper than %d levels", MaxDepth)
	}
	if e, ok := c.measured[y]; ok {
		if depth+e.depth > MaxDepth {
			return extent{}, errorf(yamlPos(at), "nesting deeper than %d levels once aliases are expanded", MaxDepth)
		}
		return e, nil
	}
	if c.measuring[y] {
		return extent{}, errorf(yamlPos(at), "alias *%s is inside its own anchor", at.Value)
	}
	if y.Anchor != "" {
		c.measuring[y] = true
	}
	e := extent{nodes: 1}
	if isCollection {
		step := 1
		if y.Kind == yaml.MappingNode {
			step = 2 // values only
		}
		for i := step - 1; i < len(y.Content); i += step {
			ce, err := c.measure(y.Content[i], depth+1)
			if err != nil {
				return extent{}, err
			}
			e.nodes += ce.nodes
			e.depth = max(e.depth, ce.depth)
			if e.nodes > MaxNodes {
				if c.aliases {
					return extent{}, errorf(yamlPos(at), "more than %d values once aliases are expanded", MaxNodes)
				}
				return extent{}, errorf(yamlPos(at), "more than %d values", MaxNodes)
			}
		}
		e.depth++
	}
	if y.Anchor != "" {
		delete(c.measuring, y)
		c.measured[y] = e
	}
	return e, nil
}

// value converts y; measure has bounded its size and depth.
func (c *yamlConv) value(y *yaml.Node) (*Node, error) {
	at := yamlPos(y)
	if y.Kind == yaml.AliasNode {
		y = y.Alias
	}
	if key, ok := c.localTag(y); ok {
		plain := *y
		plain.Tag = map[yaml.Kind]string{yaml.ScalarNode: "!!str", yaml.SequenceNode: "!!seq", yaml.MappingNode: "!!map"}[y.Kind]
		v, err := c.value(&plain)
		if err != nil {
			return nil, err
		}
		v.Pos = yamlValuePos(y)
		return &Node{Kind: Object, Pos: at, Members: []Member{{Key: key, KeyPos: at, Value: v}}}, nil
	}
	switch y.Kind {
	case yaml.ScalarNode:
		return scalar(y, at)
	case yaml.SequenceNode:
		if y.Tag != "!!seq" {
			return nil, errorf(at, "unsupported YAML tag %s", y.Tag)
		}
		n := &Node{Kind: Array, Pos: at, Items: make([]*Node, 0, len(y.Content))}
		for _, item := range y.Content {
			v, err := c.value(item)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, v)
		}
		return n, nil
	}
	return c.mapping(y, at)
}

// localTag returns the key that the local tag of y stands for, when c knows it.
func (c *yamlConv) localTag(y *yaml.Node) (string, bool) {
	if c.tags == nil || !strings.HasPrefix(y.Tag, "!") || strings.HasPrefix(y.Tag, "!!") {
		return "", false
	}
	return c.tags(y.Tag)
}

// yamlValuePos is where a tagged value starts after its tag, which the library does not record: the
// column after the tag and one space when the value is on the tag's line. It is the tag's position
// when the value is elsewhere (a block collection on the next lines).
func yamlValuePos(y *yaml.Node) Pos {
	p := yamlPos(y)
	if y.Kind == yaml.ScalarNode || y.Style&yaml.FlowStyle != 0 {
		p.Col += utf8.RuneCountInString(y.Tag) + 1
	}
	return p
}

func (c *yamlConv) mapping(y *yaml.Node, at Pos) (*Node, error) {
	if y.Tag != "!!map" {
		return nil, errorf(at, "unsupported YAML tag %s", y.Tag)
	}
	n := &Node{Kind: Object, Pos: at, Members: make([]Member, 0, len(y.Content)/2)}
	var taken map[string]bool // keys that a merge must not add; made at the first merge
	for i := 0; i+1 < len(y.Content); i += 2 {
		k, v := y.Content[i], y.Content[i+1]
		if isMerge(k) {
			if taken == nil {
				taken = writtenKeys(y)
			}
			if err := c.merge(n, v, taken); err != nil {
				return nil, err
			}
			continue
		}
		key, err := keyText(k)
		if err != nil {
			return nil, err
		}
		val, err := c.value(v)
		if err != nil {
			return nil, err
		}
		n.Members = append(n.Members, Member{Key: key, KeyPos: yamlPos(k), Value: val})
	}
	return n, nil
}

func isMerge(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag == "!!merge" }

func keyText(k *yaml.Node) (string, error) {
	at := yamlPos(k)
	if k.Kind == yaml.AliasNode {
		k = k.Alias
	}
	if k.Kind != yaml.ScalarNode {
		return "", errorf(at, "mapping keys must be scalars")
	}
	return k.Value, nil
}

// writtenKeys returns the keys written in mapping y, which merged keys never override.
func writtenKeys(y *yaml.Node) map[string]bool {
	keys := make(map[string]bool, len(y.Content)/2)
	for i := 0; i+1 < len(y.Content); i += 2 {
		if k := y.Content[i]; !isMerge(k) {
			if key, err := keyText(k); err == nil {
				keys[key] = true
			}
		}
	}
	return keys
}

// merge appends to n the members of the mapping (or sequence of mappings) v whose
// keys are not taken, and marks them taken so that later sources do not override them.
func (c *yamlConv) merge(n *Node, v *yaml.Node, taken map[string]bool) error {
	sources := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		sources = v.Content
	}
	for _, s := range sources {
		target := s
		if s.Kind == yaml.AliasNode {
			target = s.Alias
		}
		if target.Kind != yaml.MappingNode {
			return errorf(yamlPos(s), "the value of a merge key '<<' must be a mapping, an alias of one, or a sequence of them")
		}
		m, err := c.value(s)
		if err != nil {
			return err
		}
		from := len(n.Members)
		index := map[string]int{} // a duplicate key within one source: the last wins, as in Value
		for _, mb := range m.Members {
			if taken[mb.Key] {
				continue
			}
			if j, dup := index[mb.Key]; dup {
				n.Members[j] = mb
				continue
			}
			index[mb.Key] = len(n.Members)
			n.Members = append(n.Members, mb)
		}
		for _, mb := range n.Members[from:] {
			taken[mb.Key] = true
		}
	}
	return nil
}

func scalar(y *yaml.Node, at Pos) (*Node, error) {
	switch y.Tag {
	case "!!str", "!!merge": // "<<" outside a key is just text
		return &Node{Kind: String, Pos: at, Str: y.Value}, nil
	case "!!null", "!!bool", "!!int", "!!float", "!!timestamp":
	default:
		return nil, errorf(at, "unsupported YAML tag %s", y.Tag)
	}
	// Let the library resolve the value, so that explicit tags (!!int "12") are
	// checked exactly as YAML defines them.
	var v any
	if err := safely(func() error { return y.Decode(&v) }); err != nil {
		return nil, errorf(at, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	switch v := v.(type) {
	case nil:
		return &Node{Kind: Null, Pos: at}, nil
	case bool:
		return &Node{Kind: Bool, Pos: at, Bool: v}, nil
	case time.Time:
		return &Node{Kind: String, Pos: at, Str: y.Value}, nil
	case int:
		return &Node{Kind: Number, Pos: at, Num: yamlNumber(y.Value, strconv.Itoa(v), false)}, nil
	case int64: // on 32-bit platforms
		return &Node{Kind: Number, Pos: at, Num: yamlNumber(y.Value, strconv.FormatInt(v, 10), false)}, nil
	case uint64:
		return &Node{Kind: Number, Pos: at, Num: yamlNumber(y.Value, strconv.FormatUint(v, 10), false)}, nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, errorf(at, "%s cannot be represented in JSON", y.Value)
		}
		canon := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(canon, ".e") {
			canon += ".0" // keep it a float for Value
		}
		return &Node{Kind: Number, Pos: at, Num: yamlNumber(y.Value, canon, true)}, nil
	}
	return nil, errorf(at, "unsupported YAML value %q", y.Value)
}

// yamlNumber returns text when it is a JSON number that Value reads as the same kind
// (so 1.50 and 12345678901234567890 stay as written), else canon.
func yamlNumber(text, canon string, isFloat bool) string {
	end, _, problem := scanNumber(text)
	if problem != "" || end != len(text) {
		return canon
	}
	if _, isInt := numberValue(text).(int64); isFloat && isInt {
		return canon // !!float 1
	}
	return text
}
