package source

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseYAMLPositions(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		cases []posCase
	}{{
		name: "CRLF, tabs, multi-byte characters and a byte order mark",
		in: "\xef\xbb\xbfname: é\r\n" +
			"States:\r\n" +
			"  ✓Pass:\r\n" +
			"    Type:\tPass\r\n" +
			"    List: [1, \"ü\", {k: v}]\r\n",
		cases: []posCase{
			{path: nil, pos: Pos{1, 1}},
			{path: []any{"name"}, pos: Pos{1, 7}, keyPos: Pos{1, 1}},
			{path: []any{"States"}, pos: Pos{3, 3}, keyPos: Pos{2, 1}},
			{path: []any{"States", "✓Pass"}, pos: Pos{4, 5}, keyPos: Pos{3, 3}},
			{path: []any{"States", "✓Pass", "Type"}, pos: Pos{4, 11}, keyPos: Pos{4, 5}},
			{path: []any{"States", "✓Pass", "List"}, pos: Pos{5, 11}, keyPos: Pos{5, 5}},
			{path: []any{"States", "✓Pass", "List", 0}, pos: Pos{5, 12}},
			{path: []any{"States", "✓Pass", "List", 1}, pos: Pos{5, 15}},
			{path: []any{"States", "✓Pass", "List", 2}, pos: Pos{5, 20}},
			{path: []any{"States", "✓Pass", "List", 2, "k"}, pos: Pos{5, 24}, keyPos: Pos{5, 21}},
		},
	}, {
		name: "block sequence and quoted key",
		in:   "# comment\n\"a b\":\n  - x\n  -   y\n",
		cases: []posCase{
			{path: []any{"a b"}, pos: Pos{3, 3}, keyPos: Pos{2, 1}},
			{path: []any{"a b", 1}, pos: Pos{4, 7}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseYAML([]byte(tt.in))
			require.NoError(t, err)
			checkPositions(t, n, tt.cases)
		})
	}
}

func TestParseYAMLScalars(t *testing.T) {
	tests := []struct {
		in   string // the value of key a
		want Node   // Pos is not compared
	}{
		{`x`, Node{Kind: String, Str: "x"}},
		{`'it''s'`, Node{Kind: String, Str: "it's"}},
		{`"\u00e9\n"`, Node{Kind: String, Str: "é\n"}},
		{"|\n  x\n  y\n", Node{Kind: String, Str: "x\ny\n"}},
		{`!!str 12`, Node{Kind: String, Str: "12"}},
		{`"12"`, Node{Kind: String, Str: "12"}},
		{`yes`, Node{Kind: String, Str: "yes"}}, // YAML 1.2: not a boolean
		{`2001-12-14`, Node{Kind: String, Str: "2001-12-14"}},
		{`2001-12-14T21:59:43.10Z`, Node{Kind: String, Str: "2001-12-14T21:59:43.10Z"}},
		{`1e400`, Node{Kind: String, Str: "1e400"}}, // not a float64, so YAML resolves a string
		{`<<`, Node{Kind: String, Str: "<<"}},
		{`true`, Node{Kind: Bool, Bool: true}},
		{`False`, Node{Kind: Bool}},
		{`!!bool "true"`, Node{Kind: Bool, Bool: true}},
		{``, Node{Kind: Null}},
		{`~`, Node{Kind: Null}},
		{`null`, Node{Kind: Null}},
		{`!!null ""`, Node{Kind: Null}},
		{`12`, Node{Kind: Number, Num: "12"}},
		{`-0`, Node{Kind: Number, Num: "-0"}},
		{`+5`, Node{Kind: Number, Num: "5"}},
		{`0x1F`, Node{Kind: Number, Num: "31"}},
		{`0o17`, Node{Kind: Number, Num: "15"}},
		{`017`, Node{Kind: Number, Num: "15"}}, // YAML 1.1 octal, which the library keeps
		{`1_000`, Node{Kind: Number, Num: "1000"}},
		{`12345678901234567890`, Node{Kind: Number, Num: "12345678901234567890"}},
		{`-9223372036854775809`, Node{Kind: Number, Num: "-9223372036854775809"}},
		{`!!int "12"`, Node{Kind: Number, Num: "12"}},
		{`1.50`, Node{Kind: Number, Num: "1.50"}},
		{`1e3`, Node{Kind: Number, Num: "1e3"}},
		{`.5`, Node{Kind: Number, Num: "0.5"}},
		{`-1.`, Node{Kind: Number, Num: "-1.0"}},
		{`+1.5E-2`, Node{Kind: Number, Num: "0.015"}},
		{`!!float 1`, Node{Kind: Number, Num: "1.0"}},
		{`!!float 1e2`, Node{Kind: Number, Num: "1e2"}},
	}
	for _, tt := range tests {
		n, err := ParseYAML([]byte("a: " + tt.in))
		require.NoError(t, err, tt.in)
		v := n.Member("a")
		require.NotNil(t, v, tt.in)
		v.Pos = Pos{}
		assert.Equal(t, tt.want, *v, tt.in)
	}
}

func TestParseYAMLKeys(t *testing.T) {
	n, err := ParseYAML([]byte("1: a\ntrue: b\n~: c\n0x10: d\n'q': e\n\"\": f\n? |\n  lit\n: g\n"))
	require.NoError(t, err)
	var keys []string
	for _, m := range n.Members {
		keys = append(keys, m.Key)
	}
	assert.Equal(t, []string{"1", "true", "~", "0x10", "q", "", "lit\n"}, keys)

	n, err = ParseYAML([]byte("- &k name\n- {*k : v}\n"))
	require.NoError(t, err)
	_, m := find(t, n, 1, "name")
	assert.Equal(t, Pos{2, 4}, m.KeyPos)
}

func TestParseYAMLMergeKeys(t *testing.T) {
	in := "base: &base\n" +
		"  Type: Task\n" +
		"  Retry: []\n" +
		"  Comment: base\n" +
		"more: &more\n" +
		"  Comment: more\n" +
		"  End: true\n" +
		"  Type: Pass\n" +
		"state:\n" +
		"  Comment: own\n" +
		"  <<: [*base, *more]\n" +
		"  Next: X\n" +
		"single: {<<: *more, End: false}\n" +
		"inline: {<<: {x: 1, x: 2}}\n"
	n, err := ParseYAML([]byte(in))
	require.NoError(t, err)

	state := n.Member("state")
	var keys []string
	for _, m := range state.Members {
		keys = append(keys, m.Key)
	}
	// Written keys win; earlier sources win; merged members take the place of <<.
	assert.Equal(t, []string{"Comment", "Type", "Retry", "End", "Next"}, keys)
	assert.Equal(t, "own", state.Member("Comment").Str)
	assert.Equal(t, "Task", state.Member("Type").Str)
	checkPositions(t, n, []posCase{
		{path: []any{"state", "Type"}, pos: Pos{2, 9}, keyPos: Pos{2, 3}},
		{path: []any{"state", "End"}, pos: Pos{7, 8}, keyPos: Pos{7, 3}},
	})

	assert.Equal(t, map[string]any{"Comment": "more", "End": false, "Type": "Pass"}, n.Member("single").Value())
	inline := n.Member("inline")
	require.Len(t, inline.Members, 1) // a duplicate within a source: the last wins
	assert.Equal(t, "2", inline.Members[0].Value.Num)
	assert.Equal(t, Pos{14, 21}, inline.Members[0].KeyPos)

	checkErrors(t, ParseYAML, []errorCase{
		{"a: {<<: 1}", Pos{1, 9}, "the value of a merge key '<<' must be a mapping"},
		{"a: {<<: [{}, 1]}", Pos{1, 14}, "must be a mapping"},
		{"s: &s [1]\na: {<<: *s}", Pos{2, 9}, "must be a mapping"},
		{"a: {<<: {b: .inf}}", Pos{1, 13}, ".inf cannot be represented in JSON"},
	})
}

func TestParseYAMLAliases(t *testing.T) {
	n, err := ParseYAML([]byte("a: &a\n  x: [1]\nb: *a\n"))
	require.NoError(t, err)
	// The expanded value is at the alias; what is inside it is where it was written.
	checkPositions(t, n, []posCase{
		{path: []any{"b"}, pos: Pos{3, 4}, keyPos: Pos{3, 1}},
		{path: []any{"b", "x"}, pos: Pos{2, 6}, keyPos: Pos{2, 3}},
	})
	a, b := n.Member("a"), n.Member("b")
	assert.Equal(t, a.Value(), b.Value())
	assert.NotSame(t, a.Member("x"), b.Member("x"), "aliases are copies")

	checkErrors(t, ParseYAML, []errorCase{
		{"a: &a [*a]", Pos{1, 8}, "alias *a is inside its own anchor"},
		{"a: &a {b: [1, *a]}", Pos{1, 15}, "alias *a is inside its own anchor"},
		{"a: 1\nb: [*x]", Pos{2, 5}, "unknown anchor 'x' referenced"},
		{"a: &xy 1\nb: *x", Pos{2, 4}, "unknown anchor 'x' referenced"},
	})
}

func TestParseYAMLErrors(t *testing.T) {
	checkErrors(t, ParseYAML, []errorCase{
		{"", Pos{1, 1}, "empty document"},
		{"  \n", Pos{1, 1}, "empty document"},
		{"# only a comment\n", Pos{1, 1}, "empty document"},
		{"a: 1\n---\nb: 2\n", Pos{2, 1}, "more than one YAML document"},
		{"a: 1\n---\n[", Pos{3, 1}, "did not find expected node content"},
		{"a: 1\nb: 2\n- c\n", Pos{3, 1}, "did not find expected key"},
		// A block collection's errors are reported at the token it could not take, not where it starts.
		{"StartAt: A\nStates:\n  A:\n    Type: Pass\n   End: true\n", Pos{5, 4}, "did not find expected key"},
		{"a:\n  b: 1\n  c: [1,\n   2]\n  d: 2\n e: 3\n", Pos{6, 2}, "did not find expected key"},
		{"a:\n  b:\n    - 1\n    - 2\n   - 3\n", Pos{5, 4}, "did not find expected key"},
		{"a:\n  - 1\n  - 2\n  x: 3\n", Pos{4, 3}, "did not find expected '-' indicator"},
		{"a:\n  b: 1\n c: 2", Pos{3, 2}, "did not find expected key"},
		{"a: 1\nb: 2\nc: }\n", Pos{3, 1}, "did not find expected node content"},
		{"a: 1\nb: [1, 2\nc: 3\n", Pos{2, 1}, "did not find expected ',' or ']'"},
		{"{a: 1}\n{a: 2}\n", Pos{2, 1}, "did not find expected <document start>"},
		{"a: 1\nb: c: d\n", Pos{2, 1}, "mapping values are not allowed in this context"},
		{"a: 1\nb: \"abc\n", Pos{2, 1}, "found unexpected end of stream"},
		{"a: 1\nb: @x\n", Pos{2, 1}, "found character that cannot start any token"},
		{"a:\n\t- 1\n", Pos{2, 1}, "found character that cannot start any token"},
		{"a: \"\\q\"", Pos{1, 1}, "found unknown escape character"},
		{"a: b\x01", Pos{1, 5}, "character U+0001 is not allowed in YAML"},
		{"a: é\u00a0\u0080", Pos{1, 6}, "character U+0080 is not allowed in YAML"},
		{"a: \xff", Pos{1, 4}, "invalid UTF-8 byte 0xff"},
		{"a: \xed\xa0\x80", Pos{1, 4}, "invalid UTF-8 byte 0xed"},
		{"\xff\xfea\x00:\x00 \x00\x01\x00", Pos{1, 1}, "control characters are not allowed"}, // UTF-16
		{"a: .inf", Pos{1, 4}, ".inf cannot be represented in JSON"},
		{"a: -.Inf", Pos{1, 4}, "-.Inf cannot be represented in JSON"},
		{"a: .nan", Pos{1, 4}, ".nan cannot be represented in JSON"},
		{"a: !!float .NaN", Pos{1, 4}, "cannot be represented in JSON"},
		{"a: !!int x", Pos{1, 4}, "cannot decode !!str `x` as a !!int"},
		{"a: !!bool yes", Pos{1, 4}, "cannot decode !!str `yes` as a !!bool"},
		{"a: !!float 1e400", Pos{1, 4}, "as a !!float"},
		{"a: !Ref x", Pos{1, 4}, "unsupported YAML tag !Ref"},
		{"a: !!binary aGk=", Pos{1, 4}, "unsupported YAML tag !!binary"},
		{"a: !!set {x}", Pos{1, 4}, "unsupported YAML tag !!set"},
		{"a: !!omap [x: 1]", Pos{1, 4}, "unsupported YAML tag !!omap"},
		{"? [a]\n: 1\n", Pos{1, 3}, "mapping keys must be scalars"},
		{"- &k {a: 1}\n- {*k : v}\n", Pos{2, 4}, "mapping keys must be scalars"},
	})
}

func TestSafely(t *testing.T) {
	err := safely(func() error { panic("a bug in the library") })
	assert.EqualError(t, err, "yaml: internal error: a bug in the library")
	assert.Equal(t, &SyntaxError{Pos: Pos{1, 1}, Msg: "internal error: a bug in the library"}, yamlError(nil, err))
}

func TestParseYAMLDocuments(t *testing.T) {
	n, err := ParseYAML([]byte("\xff\xfea\x00:\x00 \x00\xe9\x00")) // UTF-16LE
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"a": "é"}, n.Value())

	for _, in := range []string{"---\na: 1\n", "a: 1\n...\n"} {
		n, err := ParseYAML([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, map[string]any{"a": int64(1)}, n.Value(), in)
	}
	n, err = ParseYAML([]byte("---\n"))
	require.NoError(t, err)
	assert.Equal(t, Null, n.Kind)
}

func TestParseYAMLLimits(t *testing.T) {
	// Each level multiplies by 10: 10^9 values once expanded.
	var bomb strings.Builder
	bomb.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		prev := "*l" + string(rune('0'+i-1))
		bomb.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" +
			strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	start := time.Now()
	_, err := ParseYAML([]byte(bomb.String()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 1048576 values once aliases are expanded")
	assert.Less(t, time.Since(start), 2*time.Second)

	deep := func(n int, inner string) string { return strings.Repeat("[", n) + inner + strings.Repeat("]", n) }
	_, err = ParseYAML([]byte(deep(MaxDepth, "")))
	require.NoError(t, err)
	checkErrors(t, ParseYAML, []errorCase{
		{deep(MaxDepth+1, ""), Pos{1, MaxDepth + 1}, "nesting deeper than 1000 levels"},
		{"a: &a " + deep(600, "") + "\nb: " + deep(500, "*a"), Pos{2, 504}, "nesting deeper than 1000 levels once aliases are expanded"},
		{strings.Repeat("[", 100000), Pos{1, 1}, "exceeded max depth of 10000"},
		{strings.Repeat(" ", MaxYAMLBytes+1), Pos{1, 1}, "more than the limit of 2097152"},
	})
}

// TestParseWithTags: CloudFormation's short forms become one-member objects at the tag, their values
// right after it; tags the function does not know stay errors, and JSON is read as JSON.
func TestParseWithTags(t *testing.T) {
	tags := func(tag string) (string, bool) {
		switch tag {
		case "!Ref":
			return "Ref", true
		case "!Sub", "!Join":
			return "Fn::" + tag[1:], true
		}
		return "", false
	}
	doc := "A: !Ref Table\nB: !Sub [\"${X}\", {X: !Ref Y}]\nC: !Join\n  - ''\n  - [a, b]\n"
	n, err := ParseWithTags([]byte(doc), tags)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"A": map[string]any{"Ref": "Table"},
		"B": map[string]any{"Fn::Sub": []any{"${X}", map[string]any{"X": map[string]any{"Ref": "Y"}}}},
		"C": map[string]any{"Fn::Join": []any{"", []any{"a", "b"}}},
	}, n.Value())
	a := n.Member("A")
	assert.Equal(t, Pos{1, 4}, a.Pos)
	assert.Equal(t, Pos{1, 9}, a.Member("Ref").Pos)
	assert.Equal(t, Pos{2, 4}, n.Member("B").Pos)
	assert.Equal(t, Pos{2, 9}, n.Member("B").Member("Fn::Sub").Pos)
	assert.Equal(t, Pos{3, 4}, n.Member("C").Member("Fn::Join").Pos)

	_, err = ParseWithTags([]byte("A: !GetAtt X.Y\n"), tags)
	assert.ErrorContains(t, err, "unsupported YAML tag !GetAtt")
	_, err = ParseYAML([]byte("A: !Ref Table\n"))
	assert.ErrorContains(t, err, "unsupported YAML tag !Ref", "plain YAML reads no local tag")
	n, err = ParseWithTags([]byte(`{"A": {"Ref": "T"}}`), tags)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"A": map[string]any{"Ref": "T"}}, n.Value())
}
