package jsonpath

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseValid(t *testing.T) {
	for _, s := range []string{
		"$", "$$", "$x", "$_private", "$varName9", "$état.x",
		"$.a", "$.a.b.c", "$.a[0]", "$.a[-1]", "$[0]", "$[0][1]",
		"$$.Execution.Id", "$$.Map.Item.Value", "$myVar.x[2]['y z']",
		"$.delivery-partner", "$$.Execution.Input.input-value", "$.@timestamp", "$.a:b", "$.a$b",
		"$['a']", `$["a"]`, "$['a b']", "$['a.b']", `$['it\'s']`, `$["q\"x"]`, `$['\u00e9']`, "$['']",
		"$.abc.['def ghi']", "$.[0]", "$[ 'a' , \"b\" ]",
		"$.*", "$[*]", "$[ * ]", "$.a[*].b", "$[*][*]",
		"$..a", "$..*", "$..[0]", "$..['a']", "$.a..b",
		"$[0,1]", "$[0, -1]", "$['a','b']",
		"$[1:3]", "$[1:]", "$[:2]", "$[-2:]", "$[ 1 : 3 ]", "$[0:4:2]",
		"$.a[?(@.x)]", "$.a[?(@.x > 1)]", "$.a[?(@.x == 'str')]", "$.a[ ?( @.x ) ]",
		"$[?(@.a == 1 && @.b != 'x' || !@.c)]", "$[?(!(@.a < 2))]", "$[?((@.a <= 2) && (@.b >= 3))]",
		"$[?(@.a =~ /^x.*$/i)]", `$[?(@.a =~ /a\/b/)]`, "$[?(@.a in ['x', 'y'])]", "$[?(@.a nin [1, 2])]",
		"$[?(@.a subsetof [1,2])]", "$[?(@.a anyof [1])]", "$[?(@.a noneof [1])]", "$[?(@.a size 2)]",
		"$[?(@.a empty true)]", "$[?(@.a contains 'x')]", "$[?(@.a all [1])]", "$[?(@.a === 1)]",
		"$[?(@.a !== 1)]", "$[?(@.a == {'k': 1})]", "$[?(@.a == null)]", "$[?(@.a == false)]",
		"$[?(@.a == -1.5e2)]", "$[?(@.price < $.max)]", "$[?(@['a b'] == 1)]", "$[?(@.delivery-partner == 'x')]",
		"$[?(@.a[?(@.b)])]", "$[?(@)]", "$[?(@.a==1)]", "$[?(@.a.length() > 1)]",
		"$.Jobs.sum()", "$.a.length()", "$.concat('a', \"(\")",
	} {
		t.Run(s, func(t *testing.T) {
			p, err := Parse(s)
			require.NoError(t, err)
			assert.Equal(t, s, p.String())
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct {
		path   string
		offset int
		msg    string
	}{
		{"", 0, "empty path"},
		{"a", 0, "must start with '$'"},
		{".guid", 0, "must start with '$'"},
		{"..guid", 0, "must start with '$'"},
		{"()", 0, "must start with '$'"},
		{"bug$.library.movies", 0, "must start with '$'"},
		{"$.", 1, "must not end with '.'"},
		{"$.a.", 3, "must not end with '.'"},
		{"$..", 1, "must not end with '..'"},
		{"$...", 3, "unexpected '.'"},
		{"$a b", 2, "expected '.' or '['"},
		{"$$23", 2, "expected '.' or '['"},
		{"$$a", 2, "expected '.' or '['"},
		{"$1", 1, "expected '.' or '['"},
		{"$x-y", 2, "expected '.' or '['"},
		{"$.a b", 3, "blanks"},
		{"$.a]", 3, `unexpected ']'`},
		{"$.a'", 3, `unexpected '\''`},
		{"$.a*", 3, `unexpected '*'`},
		{"$ .a", 1, "expected '.' or '['"},
		{"$[", 1, "unclosed '['"},
		{"$[0", 1, "unclosed '['"},
		{"$['a'", 1, "unclosed '['"},
		{"$['a", 2, "unterminated string"},
		{"$['a' 'b']", 6, "expected ',' or ']'"},
		{"$['a',]", 6, "expected a quoted name"},
		{"$[a]", 2, `unexpected 'a' after '['`},
		{"$[]", 2, `unexpected ']' after '['`},
		{"$[*", 1, "unclosed '['"},
		{"$[*x]", 3, "expected ']'"},
		{"$[0x]", 3, `unexpected 'x' in an index`},
		{"$[1,]", 4, "expected a number"},
		{"$[--1]", 2, "is not a number"},
		{"$[99999999999]", 2, "out of range"},
		{"$[:]", 1, "needs a start or an end"},
		{"$[::2]", 1, "needs a start or an end"},
		{"$[1:2:3:4]", 1, "at most three parts"},
		{"$[1:2,3]", 5, "cannot be part of a union"},
		{`$['\u12']`, 5, "hex digits"},
		{"$[?@.x]", 3, "expected '('"},
		{"$[?(@.x]", 7, "expected ')'"},
		{"$[?(@.x)", 1, "unclosed '['"},
		{"$[?(@.x) ]x", 10, "expected '.' or '['"},
		{"$[?()]", 4, "unexpected ')'"},
		{"$[?(1)]", 4, "expected a path or a comparison"},
		{"$[?(@.a ~~ 1)]", 8, `unknown operator "~~"`},
		{"$[?(@.a like 1)]", 8, `unknown operator "like"`},
		{"$[?(@.a == )]", 11, "expected a value"},
		{"$[?(@.a == 12x)]", 13, "expected ')' to close the filter"},
		{"$[?(@.a == 'x)]", 11, "unterminated string"},
		{"$[?(@.a =~ /x)]", 11, "unterminated regular expression"},
		{"$[?(@.a =~ /x/g)]", 14, "unsupported regular expression flag"},
		{"$[?(@.a =~ /(?<=x)/)]", 11, "invalid regular expression"},
		{"$[?(@.a in [1, 2)]", 11, "invalid JSON literal"},
		{"$[?(@.a in [1 2 3}])]", 11, "invalid JSON literal"},
		{"$[?(@.a == 1.2.3)]", 11, "is not a number"},
		{"$[?($x == 1)]", 4, "only '@' and '$' paths"},
		{"$[?(!1)]", 5, "expected a path or a comparison"},
		{"$[?(@.a == !1)]", 11, "'!' must precede a path"},
		{"$[?((@.a)]", 9, "expected ')' to close the filter"},
		{"$[?((@.a == 1 ]", 4, "unclosed '('"},
		{"$[?(@.a && )]", 11, "unexpected ')'"},
		{"$.a.length().b", 12, "function call must end the path"},
		{"$.a(", 3, "unclosed '('"},
		{"$.(x)", 2, "expected a function name"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			_, err := Parse(tc.path)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.path, pe.Path)
			assert.Equal(t, tc.offset, pe.Offset, pe.Error())
			assert.Contains(t, pe.Msg, tc.msg)
			assert.Contains(t, pe.Error(), "offset")
		})
	}
}

func TestParseReference(t *testing.T) {
	for _, s := range []string{"$", "$.a", "$.a[0].b", "$[-1]", "$['a b'].c", "$$.Execution.Input", "$var.x"} {
		p, err := ParseReference(s)
		require.NoError(t, err, s)
		assert.True(t, p.Definite(), s)
	}
	for _, tc := range []struct {
		path   string
		offset int
	}{
		{"$.a[*]", 3}, {"$..a", 1}, {"$.a[1:2]", 3}, {"$.a[0,1]", 3}, {"$['a','b']", 1},
		{"$.a[?(@.b)]", 3}, {"$.a.length()", 4}, {"$.*", 2},
	} {
		_, err := ParseReference(tc.path)
		var pe *ParseError
		require.ErrorAs(t, err, &pe, tc.path)
		assert.Equal(t, tc.offset, pe.Offset, tc.path)
		assert.Contains(t, pe.Msg, "reference path", tc.path)
	}
	_, err := ParseReference("$.a b")
	var pe *ParseError
	assert.True(t, errors.As(err, &pe))
}

func TestDefinite(t *testing.T) {
	for _, tc := range []struct {
		path     string
		definite bool
	}{
		{"$", true}, {"$$", true}, {"$v", true}, {"$.a.b", true}, {"$.a[0]", true}, {"$.a[-1].b", true},
		{"$['a']['b c']", true}, {"$$.Map.Item.Value", true},
		{"$.a[*]", false}, {"$.*", false}, {"$..a", false}, {"$.a[1:]", false}, {"$.a[0,1]", false},
		{"$['a','b']", false}, {"$.a[?(@.x)]", false}, {"$.a.length()", false},
	} {
		p, err := Parse(tc.path)
		require.NoError(t, err)
		assert.Equal(t, tc.definite, p.Definite(), tc.path)
	}
}

func TestNormalized(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"$", "$"},
		{"$.NoSuchInputPath", "$['NoSuchInputPath']"}, // pass_io ST.INVALID_JSONPATH_IN_INPUTPATH
		{"$.a.b[0]", "$['a']['b'][0]"},
		{"$['a b'][-1]", "$['a b'][-1]"},
		{`$["it's"]`, "$['it's']"}, // Jayway does not escape
		{"$.a[*].b", "$['a'][*]['b']"},
		{"$.*", "$[*]"},
		{"$..x", "$..['x']"},
		{"$..[0]", "$..[0]"},
		{"$.a[1:3]", "$['a'][1:3]"},
		{"$.a[1:]", "$['a'][1:]"},
		{"$.a[:-1]", "$['a'][:-1]"},
		{"$.a[0:4:2]", "$['a'][0:4]"},
		{"$.a[0, 1]", "$['a'][0,1]"},
		{"$['a', 'b']", "$['a','b']"},
		{"$.a[?(@.x > 1)].y", "$['a'][?]['y']"},
		{"$.Jobs.sum()", "$['Jobs'].sum()"},
		{"$$.Execution.Id", "$['Execution']['Id']"},
		{"$var.x", "$['x']"},
	} {
		p, err := Parse(tc.path)
		require.NoError(t, err)
		assert.Equal(t, tc.want, p.Normalized(), tc.path)
	}
}

func TestRootAndVariable(t *testing.T) {
	for _, tc := range []struct {
		path     string
		root     Root
		variable string
	}{
		{"$", Input, ""}, {"$.a", Input, ""}, {"$[0]", Input, ""},
		{"$$", Context, ""}, {"$$.Execution.Id", Context, ""}, {"$$['Map']", Context, ""},
		{"$x", Variable, "x"}, {"$my_var.a[0]", Variable, "my_var"}, {"$v2['k']", Variable, "v2"},
		{"$_", Variable, "_"}, {"$été.x", Variable, "été"},
	} {
		p, err := Parse(tc.path)
		require.NoError(t, err)
		assert.Equal(t, tc.root, p.Root(), tc.path)
		assert.Equal(t, tc.variable, p.Variable(), tc.path)
	}
}

func TestQuotedNames(t *testing.T) {
	for src, want := range map[string]string{
		`$['a\'b']`:         "a'b",
		`$["a\"b"]`:         `a"b`,
		`$['\b\t\n\f\r']`:   "\b\t\n\f\r",
		`$['\\']`:           `\`,
		`$['\/\q']`:         "/q",
		`$['\u00e9']`:       "é",
		`$['\ud83d\ude00']`: "\U0001F600",
		`$['\ud83dx']`:      "\uFFFDx",
		`$['\ud83d\u0041']`: "\uFFFDA",
		`$["it's"]`:         "it's",
	} {
		p, err := Parse(src)
		require.NoError(t, err, src)
		require.Len(t, p.segs, 1)
		assert.Equal(t, want, p.segs[0].name, src)
	}
}
