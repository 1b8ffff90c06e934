package intrinsic

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/jsonpath"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/valuetest"
)

func nested(depth int) string {
	return strings.Repeat("States.Array(", depth) + "1" + strings.Repeat(")", depth)
}

func TestIsCall(t *testing.T) {
	assert.True(t, IsCall("States.Array()"))
	assert.True(t, IsCall("States.Foo")) // Parse, not IsCall, knows the names
	assert.False(t, IsCall(" States.Array()"))
	assert.False(t, IsCall("$.States.Array"))
	assert.False(t, IsCall("states.Array()"))
}

func TestParse(t *testing.T) {
	ok := []struct{ in, want string }{
		{"States.Format('Hello {}', $.name)", ""},
		{"States.JsonToString(States.Array(1, $.x))", ""},
		{"States.Array()", ""},
		{"States.UUID()  \n", "States.UUID()"},
		{"States.Array( $.a , $.b )", "States.Array($.a, $.b)"},
		{"States.Array(\n\t$.a,\r\n$$.Execution.Id\n)", "States.Array($.a, $$.Execution.Id)"},
		{"States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)", "States.MathAdd(States.ArrayLength($$.Execution.Input.machines), -1)"},
		{"States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)", ""},
		{`States.Format('Name: \'{}\', Surname: "{}"', $.name, $.surname)`, ""},
		{`States.Format('\{\} {} \\ \'', $.a)`, ""},
		{"States.StringSplit('Hello\nWorld', '\n')", ""}, // raw newlines: AWS splits them
		{"States.Array(42, true, false, null, 'hello', -1.5, 1e3, -0, 2.5E-3)", ""},
		{"States.Array(99999999999999999999)", ""},
		{"States.ArrayRange(0, 3, 1)", ""},
		{"States.MathRandom($.a, $.b, 3)", ""},
		{"States.Hash($.s, 'SHA-256')", ""},
		{"States.JsonMerge($.a, $.b, false)", ""},
		{"States.JsonMerge($.a, $.b, $.deep)", ""},
		{"States.StringToJson('{\"a\": [1, {\"b\": null}]}')", ""},
		{"States.ArrayGetItem($.a[?(@.k == 'x, y')].v, 0)", ""},
		{"States.Format('{}', $$)", ""},
		{"States.Format('{}', $)", ""},
		{"States.Format('{}', $.a['b,c'])", ""},
		{nested(10), ""},
		{"States.Array(States.Array(States.Array(1), States.Array(2)), States.Array(3))", ""},
	}
	for _, tc := range ok {
		t.Run(tc.in, func(t *testing.T) {
			c, err := Parse(tc.in)
			require.NoError(t, err)
			want := tc.want
			if want == "" {
				want = tc.in
			}
			assert.Equal(t, want, c.String())
		})
	}

	bad := []struct {
		in     string
		msg    string
		offset int
	}{
		{"", "expected an intrinsic function call", 0},
		{" States.Array()", "expected an intrinsic function call", 0},
		{"states.Array()", "expected an intrinsic function call", 0},
		{"States.Foo($.a)", `unknown intrinsic function "States.Foo"`, 0},
		{"States.array()", `unknown intrinsic function "States.array"`, 0},
		{"States.Array (1)", "expected '(' after States.Array", 12},
		{"States.Array", "expected '(' after States.Array, found end of expression", 12},
		{"States.MathAdd(1)", "States.MathAdd takes 2 arguments, got 1", 0},
		{"States.MathAdd(1, 2, 3)", "States.MathAdd takes 2 arguments, got 3", 0},
		{"States.UUID(1)", "States.UUID takes 0 arguments, got 1", 0},
		{"States.Format()", "States.Format takes at least 1 argument, got 0", 0},
		{"States.MathRandom(1)", "States.MathRandom takes 2 or 3 arguments, got 1", 0},
		{"States.Array(States.JsonMerge($.a, $.b))", "States.JsonMerge takes 3 arguments, got 2", 13},
		{"States.Format('unclosed)", "unclosed string literal", 14},
		{"States.Format('a\\", "unclosed string literal", 14},
		{"States.Array(", "expected an argument, found end of expression", 13},
		{"States.Array(1", "unclosed argument list of States.Array", 0},
		{"States.Array(1,)", "expected an argument, found ')'", 15},
		{"States.Array(,)", "expected an argument, found ','", 13},
		{"States.Array(1 2)", "expected ',' or ')' after an argument of States.Array, found '2'", 15},
		{"States.Array($.a) trailing", "unexpected 't' after the call", 18},
		{"States.Array([1,2])", "expected an argument, found '['", 13},
		{"States.Array(tru)", `unexpected "tru"`, 13},
		{"States.Array(1.)", `invalid number "1."`, 13},
		{"States.Array(.5)", "expected an argument, found '.'", 13},
		{"States.Array(01)", `invalid number "01"`, 13},
		{"States.Array(1e)", `invalid number "1e"`, 13},
		{"States.Array(-x)", `invalid number "-x"`, 13},
		{"States.Array(1e999)", "number 1e999 is out of range", 13},
		{"States.Array($.x[)", "unclosed argument list of States.Array", 0},
		// The lint corpus: AWS rejects \" in a string literal.
		{`States.Format('He said, \"Hello, {}!\"', 'Test \"Name\" Here')`, `illegal escape \" in a string literal`, 24},
		{`States.StringToJson('{"text":"An \"escaped double quote\" here"}')`, `illegal escape \"`, 33},
		{`States.Base64Decode('YWJj\qZA==')`, `illegal escape \q`, 25},
		{`States.Format('\u0041')`, `illegal escape \u`, 15},
		{nested(11), "intrinsic functions nest more than 10 deep", 130},
		{"States.Format('Hello {', $.a)", "template has a '{' or '}' that is not part of {}", 14},
		{"States.Format('}')", "template has a '{' or '}'", 14},
		{"States.Format('Hello {{}}', $.a)", "template has a '{' or '}'", 14},
		{"States.Format('{} {}', $.a)", "template has 2 {} placeholders but 1 argument follow it", 0},
		{"States.Format('{}', $.a, $.b)", "template has 1 {} placeholders but 2 arguments follow it", 0},
		{`States.Format('\{\}', $.a)`, "template has 0 {} placeholders", 0},
		{"States.Format('', States.UUID())", "template has 0 {} placeholders", 0},
		{"States.Format(1)", "argument 1 of States.Format must be a string, got 1", 14},
		{"States.MathAdd('a', 1)", "argument 1 of States.MathAdd must be a number between -2147483648 and 2147483647, got 'a'", 15},
		{"States.MathAdd(1, 3000000000)", "argument 2 of States.MathAdd must be a number", 18},
		{"States.MathAdd(2147483647, 1)", "States.MathAdd fails with these arguments: States.Runtime: Invalid arguments in States.MathAdd", 0},
		{"States.ArrayLength('x')", "argument 1 of States.ArrayLength must be an array", 19},
		{"States.ArrayUnique(null)", "argument 1 of States.ArrayUnique must be an array", 19},
		{"States.ArrayPartition($.a, 0)", "must be a positive integer, got 0", 27},
		{"States.ArrayPartition($.a, 0.6)", "must be a positive integer, got 0.6", 27},
		{"States.ArrayRange(1, 10, 0)", "must be a non-zero integer", 25},
		{"States.ArrayRange(1, 1001, 1)", "States.ArrayRange fails with these arguments", 0},
		{"States.ArrayGetItem($.a, -1)", "must be a non-negative integer", 25},
		{"States.ArrayGetItem(States.Array(1, 2), 5)", "States.ArrayGetItem fails", 0},
		{"States.Hash('data', 'sha-256')", "argument 2 of States.Hash must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", 20},
		{"States.JsonMerge($.a, $.b, true)", "must be false (only shallow merging is supported)", 27},
		{"States.JsonMerge('a', $.b, false)", "argument 1 of States.JsonMerge must be a JSON object", 17},
		{"States.MathRandom(1, 1)", "States.MathRandom fails", 0},
		{"States.StringToJson('{bad')", "States.StringToJson fails", 0},
		{"States.Base64Encode(123)", "must be a string of at most 10000 characters", 20},
		{"States.StringSplit($.a, 1)", "argument 2 of States.StringSplit must be a string", 24},
	}
	for _, tc := range bad {
		t.Run(tc.in, func(t *testing.T) {
			c, err := Parse(tc.in)
			require.Error(t, err)
			assert.Nil(t, c)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Contains(t, pe.Msg, tc.msg)
			assert.Equal(t, tc.offset, pe.Offset)
		})
	}
}

// A path argument that is not valid JSONPath is accepted, as AWS accepts it at CreateStateMachine, and
// fails when it is evaluated.
func TestBadPathArgument(t *testing.T) {
	c, err := Parse("States.ArrayGetItem($.outputs[?(@.OutputKey ~~ FooBar)].OutputValue, 0)")
	require.NoError(t, err)
	bad := c.BadPaths()
	require.Len(t, bad, 1)
	var pe *ParseError
	require.True(t, errors.As(bad[0], &pe))
	assert.Error(t, pe.Err, "the path parser's error is kept")
	assert.Equal(t, pe.Err, errors.Unwrap(bad[0]))
	_, err = c.Eval(nil)
	var fe *failure.Error
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, failure.Runtime, fe.Name)
}

func TestPaths(t *testing.T) {
	c, err := Parse("States.Format('{} {} {}', $.a, States.ArrayLength($$.Execution.Input.b), $.c)")
	require.NoError(t, err)
	var got []string
	for _, p := range c.Paths() {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{"$.a", "$$.Execution.Input.b", "$.c"}, got)
}

func TestVariablePath(t *testing.T) {
	if _, err := jsonpath.Parse("$name"); err != nil {
		t.Skip("the path parser does not read variable paths yet")
	}
	c, err := Parse("States.Format('Hi {}', $name.first)")
	require.NoError(t, err)
	v, err := c.Eval(testEnv{vars: map[string]any{"name": map[string]any{"first": "Ada"}}})
	require.NoError(t, err)
	assert.Equal(t, "Hi Ada", v)
}

func TestEnvErrorPassesThrough(t *testing.T) {
	c, err := Parse("States.MathAdd(States.ArrayLength($.missing), 1)")
	require.NoError(t, err)
	want := errors.New("resolver failed")
	_, err = c.Eval(errEnv{want})
	assert.Same(t, want, err)
}

type errEnv struct{ err error }

func (e errEnv) Resolve(*jsonpath.Path) (any, error) { return nil, e.err }

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestEval(t *testing.T) {
	invalid := func(fn string) error { return failure.New(failure.Runtime, "Invalid arguments in States."+fn) }
	tests := []struct {
		expr  string
		input string
		want  any // expected JSON text for a string, or a Go value
		err   error
	}{
		// Format renders as Java's String.valueOf (recorded on AWS: localstack snapshot test_format_2).
		{expr: "States.Format('fst={} and snd={}.', $.a, $.b)", input: `{"a":{"Arg1":1,"Arg2":[]},"b":null}`, want: "fst={Arg1=1, Arg2=[]} and snd=null."},
		{expr: "States.Format('{}|{}|{}|{}|{}', $.a, $.b, $.c, $.d, $.e)", input: `{"a":1.1,"b":true,"c":[1,"x",[]],"d":100.0,"e":1e20}`, want: "1.1|true|[1, x, []]|100.0|1.0E20"},
		{expr: "States.Format('{}', $.a)", input: `{"a":"{\"Arg1\": 1}"}`, want: `{"Arg1": 1}`},
		{expr: `States.Format('\{\}{}\\\'', $.a)`, input: `{"a":0.0001}`, want: `{}1.0E-4\'`},
		{expr: "States.Format($.t, $.n)", input: `{"t":"Hello, {}.","n":"Arnav"}`, want: "Hello, Arnav."},
		{expr: "States.Format($.t, $.n)", input: `{"t":"Hello {","n":"x"}`, err: invalid("Format")},
		{expr: "States.Format($.t, $.n)", input: `{"t":"{} {}","n":"x"}`, err: invalid("Format")},
		{expr: "States.Format($.t)", input: `{"t":12}`, err: invalid("Format")},
		{expr: "States.Format('{}', $.big)", input: `{"big":99999999999999999999}`, want: "99999999999999999999"},

		{expr: "States.StringToJson($.s)", input: `{"s":"{\"foo\": \"bar\", \"n\": [1, 1.0, 99999999999999999999]}"}`, want: map[string]any{"foo": "bar", "n": []any{int64(1), 1.0, json.Number("99999999999999999999")}}},
		{expr: "States.StringToJson($.s)", input: `{"s":""}`, want: nil}, // AWS: null
		{expr: "States.StringToJson($.s)", input: `{"s":" \n "}`, want: nil},
		{expr: "States.StringToJson($.s)", input: `{"s":" \"\\ud83d\\ude00\" "}`, want: "😀"},
		{expr: "States.StringToJson($.s)", input: `{"s":"{bad json}"}`, err: invalid("StringToJson")},
		{expr: "States.StringToJson($.s)", input: `{"s":"[1,2] x"}`, err: invalid("StringToJson")},
		{expr: "States.StringToJson($.s)", input: `{"s":"1e400"}`, err: invalid("StringToJson")},
		{expr: "States.StringToJson($.s)", input: `{"s":123}`, err: invalid("StringToJson")},

		{expr: "States.JsonToString($)", input: `{"b":[1,2.5,"x\"\\\n\u0001é"],"a":{"c":null,"d":true,"e":100.0}}`, want: `{"a":{"c":null,"d":true,"e":100.0},"b":[1,2.5,"x\"\\\n\u0001é"]}`},
		{expr: "States.JsonToString($.a)", input: `{"a":"HelloWorld"}`, want: `"HelloWorld"`},

		{expr: "States.Array($.a, 'x', 1, 2.5, true, null)", input: `{"a":{"k":[1]}}`, want: []any{map[string]any{"k": []any{int64(1)}}, "x", int64(1), 2.5, true, nil}},

		{expr: "States.ArrayPartition($.a, 4)", input: `{"a":[1,2,3,4,5,6,7,8,9]}`, want: []any{[]any{int64(1), int64(2), int64(3), int64(4)}, []any{int64(5), int64(6), int64(7), int64(8)}, []any{int64(9)}}},
		{expr: "States.ArrayPartition($.a, $.n)", input: `{"a":[1,2,3,4,5],"n":2.6}`, want: []any{[]any{int64(1), int64(2)}, []any{int64(3), int64(4)}, []any{int64(5)}}},
		{expr: "States.ArrayPartition($.a, 2147483647)", input: `{"a":[1,2,3]}`, want: []any{[]any{int64(1), int64(2), int64(3)}}},
		{expr: "States.ArrayPartition($.a, $.n)", input: `{"a":[1],"n":0.49}`, err: invalid("ArrayPartition")},
		{expr: "States.ArrayPartition($.a, $.n)", input: `{"a":[1],"n":"2"}`, err: invalid("ArrayPartition")},
		{expr: "States.ArrayPartition($.a, 2)", input: `{"a":"not-array"}`, err: invalid("ArrayPartition")},

		{expr: "States.ArrayContains($.a, $.v)", input: `{"a":[{"a":1},{"b":2}],"v":{"a":1}}`, want: true},
		{expr: "States.ArrayContains($.a, true)", input: `{"a":["true","false"]}`, want: true},                         // AWS: true
		{expr: "States.ArrayContains($.a, $.v)", input: `{"a":["9007199254740991"],"v":9007199254740991}`, want: true}, // AWS: true
		{expr: "States.ArrayContains($.a, false)", input: `{"a":[0,1,-1,-1.5]}`, want: false},
		{expr: "States.ArrayContains($.a, 5)", input: `{"a":[]}`, want: false},
		{expr: "States.ArrayContains($.a, 5)", input: `{"a":{}}`, err: invalid("ArrayContains")},

		{expr: "States.ArrayRange(1, 9, 2)", want: []any{int64(1), int64(3), int64(5), int64(7), int64(9)}},
		{expr: "States.ArrayRange(5, 1, -2)", want: []any{int64(5), int64(3), int64(1)}},
		{expr: "States.ArrayRange(5, 1, 1)", want: []any{}},
		{expr: "States.ArrayRange(3, 3, -1)", want: []any{int64(3)}},
		{expr: "States.ArrayRange(1.6, 1.4, 1)", want: []any{int64(1)}},                         // AWS truncates
		{expr: "States.ArrayRange(5.4, -0.6, -2.4)", want: []any{int64(5), int64(3), int64(1)}}, // AWS truncates
		{expr: "States.ArrayRange($.a, $.b, $.c)", input: `{"a":1,"b":1001,"c":1}`, err: invalid("ArrayRange")},
		{expr: "States.ArrayRange($.a, $.b, $.c)", input: `{"a":"a","b":5,"c":1}`, err: invalid("ArrayRange")},
		{expr: "States.ArrayRange($.a, $.b, $.c)", input: `{"a":1,"b":5,"c":0.49}`, err: invalid("ArrayRange")},

		{expr: "States.ArrayGetItem($.a, $.i)", input: `{"a":[10,20,30],"i":1.2}`, want: int64(20)}, // AWS truncates
		{expr: "States.ArrayGetItem($.a, 999)", input: `{"a":[]}`, want: nil},                       // AWS: null
		{expr: "States.ArrayGetItem($.a, 3)", input: `{"a":[10,20,30]}`, err: invalid("ArrayGetItem")},
		{expr: "States.ArrayGetItem($.a, $.i)", input: `{"a":[10,20,30],"i":-1}`, err: invalid("ArrayGetItem")},
		{expr: "States.ArrayGetItem($.a, $.i)", input: `{"a":[10,20,30],"i":"1"}`, err: invalid("ArrayGetItem")},

		{expr: "States.ArrayLength($.a)", input: `{"a":[1,2,3]}`, want: int64(3)},
		{expr: "States.ArrayLength($.a)", input: `{"a":"123"}`, err: invalid("ArrayLength")},

		{expr: "States.ArrayUnique($.a)", input: `{"a":[true,false,true,false]}`, want: []any{false, true}},                                      // AWS order
		{expr: "States.ArrayUnique($.a)", input: `{"a":[[1,2],[1,2],[2,1]]}`, want: []any{[]any{int64(2), int64(1)}, []any{int64(1), int64(2)}}}, // AWS order
		{expr: "States.ArrayUnique($.a)", input: `{"a":[1,2,2,3,3,4]}`, want: []any{int64(1), int64(2), int64(3), int64(4)}},
		{expr: "States.ArrayUnique($.a)", input: `{"a":[{"a":1,"b":2},{"b":2,"a":1},null,null]}`, want: []any{map[string]any{"a": int64(1), "b": int64(2)}, nil}}, // same bucket: insertion order
		{expr: "States.ArrayUnique($.a)", input: `{"a":[1,1.0,"1"]}`, want: []any{1.0, int64(1), "1"}},                                                            // an Integer is not a Double

		{expr: "States.Base64Encode($.s)", input: `{"s":"Data to encode"}`, want: "RGF0YSB0byBlbmNvZGU="},
		{expr: "States.Base64Encode('✓')", want: "4pyT"},
		{expr: "States.Base64Encode($.s)", input: `{"s":"` + strings.Repeat("a", 10001) + `"}`, err: invalid("Base64Encode")},
		{expr: "States.Base64Encode($.s)", input: `{"s":123}`, err: invalid("Base64Encode")},
		{expr: "States.Base64Decode($.s)", input: `{"s":"RGF0YSB0byBlbmNvZGU="}`, want: "Data to encode"},
		{expr: "States.Base64Decode(' YWJj\nZA== ')", want: "abcd"},
		{expr: "States.Base64Decode('ab==cd')", want: "i"},
		{expr: "States.Base64Decode('abc')", want: "i\uFFFD"},
		{expr: "States.Base64Decode('4pyT-_8')", want: "✓\uFFFD\uFFFD"}, // URL-safe alphabet; 0xFB 0xFF are two bad bytes
		{expr: "States.Base64Decode($.s)", input: `{"s":"` + strings.Repeat("A", 10001) + `"}`, err: invalid("Base64Decode")},

		{expr: "States.Hash('hello', 'MD5')", want: "5d41402abc4b2a76b9719d911017c592"},
		{expr: "States.Hash('hello', 'SHA-1')", want: "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"},
		{expr: "States.Hash('hello', 'SHA-256')", want: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{expr: "States.Hash('hello', 'SHA-384')", want: "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"},
		{expr: "States.Hash('hello', 'SHA-512')", want: "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"},
		{expr: "States.Hash($.s, 'SHA-256')", input: `{"s":"こんにちは"}`, want: "125aeadf27b0459b8760c13a3d80912dfa8a81a68261906f60d87f4a0268646c"},
		{expr: "States.Hash($.n, 'SHA-256')", input: `{"n":123}`, want: sha256Hex("123")}, // AWS hashes a number
		{expr: "States.Hash($.s, 'SHA-256')", input: `{"s":"` + strings.Repeat("a", 10001) + `"}`, err: invalid("Hash")},
		{expr: "States.Hash('x', $.a)", input: `{"a":"SHA256"}`, err: invalid("Hash")},

		{expr: "States.JsonMerge($.a, $.b, false)", input: `{"a":{"x":1,"n":{"a":1}},"b":{"y":2,"n":{"b":2}}}`, want: map[string]any{"x": int64(1), "y": int64(2), "n": map[string]any{"b": int64(2)}}},
		{expr: "States.JsonMerge($.a, $.b, $.d)", input: `{"a":{},"b":{"x":1},"d":"false"}`, want: map[string]any{"x": int64(1)}}, // AWS: shallow
		{expr: "States.JsonMerge($.a, $.b, $.d)", input: `{"a":{},"b":{},"d":true}`, err: invalid("JsonMerge")},
		{expr: "States.JsonMerge($.a, $.b, false)", input: `{"a":null,"b":{}}`, err: invalid("JsonMerge")},

		{expr: "States.MathAdd($.a, $.b)", input: `{"a":111,"b":-1}`, want: int64(110)},
		{expr: "States.MathAdd($.a, $.b)", input: `{"a":0.49999999999999994,"b":-0.5}`, want: int64(0)},
		{expr: "States.MathAdd($.a, $.b)", input: `{"a":2147483647,"b":-2147483648}`, want: int64(-1)},
		{expr: "States.MathAdd($.a, $.b)", input: `{"a":2147483647,"b":1}`, err: invalid("MathAdd")},
		{expr: "States.MathAdd($.a, $.b)", input: `{"a":1,"b":"NOT A NUMBER"}`, err: invalid("MathAdd")}, // AWS: States.Runtime
		{expr: "States.MathAdd($.a, $.b)", input: `{"a":true,"b":1}`, err: invalid("MathAdd")},

		{expr: "States.MathRandom($.a, $.b)", input: `{"a":10,"b":5}`, err: invalid("MathRandom")},
		{expr: "States.MathRandom($.a, $.b)", input: `{"a":1.4,"b":1.6}`, err: invalid("MathRandom")}, // AWS: both are 1
		{expr: "States.MathRandom(1, 10, $.s)", input: `{"s":null}`, err: invalid("MathRandom")},

		{expr: "States.StringSplit($.s, $.d)", input: `{"s":"1a2b3ab4","d":"ab"}`, want: []any{"1", "2", "3", "4"}},
		{expr: "States.StringSplit($.s, ',')", input: `{"s":""}`, want: []any{}},
		{expr: "States.StringSplit($.s, '')", input: `{"s":"abc"}`, want: []any{"abc"}},
		{expr: "States.StringSplit($.s, ',')", input: `{"s":null}`, err: invalid("StringSplit")},

		{expr: "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 1)", want: "name"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			c, err := Parse(tc.expr)
			require.NoError(t, err)
			input := any(map[string]any{})
			if tc.input != "" {
				input, err = oj.ParseString(tc.input)
				require.NoError(t, err)
			}
			for _, f := range valuetest.Forms() {
				env := formEnv(f, input)
				before := oj.JSON(value.Plain(env.input), &oj.Options{Sort: true})
				got, err := c.Eval(env)
				assert.Equal(t, before, oj.JSON(value.Plain(env.input), &oj.Options{Sort: true}), "%s: the input is not modified", f.Name)
				if tc.err != nil {
					assert.Equal(t, tc.err, err, f.Name)
					continue
				}
				require.NoError(t, err, f.Name)
				assert.Equal(t, tc.want, back(f, got), f.Name)
			}
		})
	}
}

func TestMathRandom(t *testing.T) {
	c, err := Parse("States.MathRandom($.a, $.b)")
	require.NoError(t, err)
	seen := map[int64]bool{}
	for range 200 {
		v, err := c.Eval(envFor(map[string]any{"a": 1.6, "b": 5.4}))
		require.NoError(t, err)
		n := v.(int64)
		assert.True(t, n >= 1 && n < 5, "%d in [1, 5)", n) // AWS returned 1: bounds truncate
		seen[n] = true
	}
	assert.Len(t, seen, 4)

	seeded, err := Parse("States.MathRandom(0, 999, $.s)")
	require.NoError(t, err)
	first, err := seeded.Eval(envFor(map[string]any{"s": int64(3)}))
	require.NoError(t, err)
	for _, s := range []any{int64(3), 3.7} {
		again, err := seeded.Eval(envFor(map[string]any{"s": s}))
		require.NoError(t, err)
		assert.Equal(t, first, again, "the same seed gives the same number")
	}
}

func TestUUID(t *testing.T) {
	c, err := Parse("States.UUID()")
	require.NoError(t, err)
	a, err := c.Eval(nil)
	require.NoError(t, err)
	b, err := c.Eval(nil)
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`), a)
	assert.NotEqual(t, a, b)
}

func TestJavaHash(t *testing.T) {
	// Values of hashCode() in Java.
	assert.Equal(t, int32(69609650), javaHash("Hello"))
	assert.Equal(t, int32(1231), javaHash(true))
	assert.Equal(t, int32(994), javaHash([]any{int64(1), int64(2)}))
	assert.Equal(t, int32(1072693248), javaHash(1.0))
	assert.Equal(t, int32(1), javaHash(int64(4294967296))) // Long
	assert.Equal(t, int32(97^1), javaHash(map[string]any{"a": int64(1)}))
	assert.Equal(t, int32(-1), javaHash(json.Number("-1")))                      // fits an Integer
	assert.Equal(t, int32(-961), javaHash(json.Number("-18446744073709551616"))) // BigInteger -2^64
}

// fuzzEnv resolves every path on one document that has something for most functions to chew on.
var fuzzEnv = envFor(map[string]any{
	"a": []any{int64(1), "x", 2.5, nil, true, map[string]any{"k": []any{}}},
	"s": "Hello, {} and {}", "n": int64(3), "f": -1.5, "o": map[string]any{"b": false},
})

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"States.Format('Hello {}', $.s)", "States.JsonToString(States.Array(1, $.a))",
		"States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
		"States.MathAdd(States.ArrayLength($$.Execution.Input.a), -1)", "States.ArrayPartition($.a, $.n)",
		"States.ArrayRange($.n, 10, 2)", "States.ArrayUnique($.a)", "States.ArrayContains($.a, 'x')",
		"States.Hash($.o, 'SHA-384')", "States.Base64Decode(States.Base64Encode($.s))",
		"States.JsonMerge($.o, $.o, false)", "States.MathRandom($.f, $.n, 7)", "States.StringToJson($.s)",
		"States.UUID()", `States.Format('\{\} {} \\ \'', $.a)`, "States.Format($.s, $.n, $.f)",
		"States.ArrayGetItem($.a[?(@.k == 'x, y')], 0)", "States.Array(1.5e3, -0, null, true)",
		`States.Format('He said, \"Hello\"')`, nested(10),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			return
		}
		again, err := Parse(c.String())
		if err != nil || again.String() != c.String() {
			t.Fatalf("Parse(%q).String() = %q does not parse back: %v", s, c.String(), err)
		}
		_, _ = c.Eval(fuzzEnv)
	})
}

// BenchmarkEval parses once and evaluates many times, resolving paths with the path package ("paths")
// and with a resolver that costs nothing ("fixed"), which shows this package's own share.
func BenchmarkEval(b *testing.B) {
	for _, expr := range []string{"States.MathAdd($.a, 1)", "States.Format('{} {}', $.a, $.b)"} {
		c, err := Parse(expr)
		require.NoError(b, err)
		for name, env := range map[string]Env{
			"paths": envFor(map[string]any{"a": int64(41), "b": "world"}),
			"fixed": fixedEnv{int64(41)},
		} {
			b.Run(expr+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Eval(env); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

type fixedEnv struct{ v any }

func (e fixedEnv) Resolve(*jsonpath.Path) (any, error) { return e.v, nil }

// TestControlEscapes: \n \t \r \b \f in a string literal (seen in deployed definitions) stand for their
// control characters; \" stays refused, as AWS refuses it.
func TestControlEscapes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`States.Format('line 1\nline {}', 2)`, "line 1\nline 2"},
		{`States.Format('a\tb\rc\bd\fe')`, "a\tb\rc\bd\fe"},
		{`States.Format('\\n is written {}', 'so')`, `\n is written so`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, err := Parse(tc.in)
			require.NoError(t, err)
			got, err := c.Eval(nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := Parse(`States.Format('say \"hi\"')`)
	assert.ErrorContains(t, err, `illegal escape \"`)
}
