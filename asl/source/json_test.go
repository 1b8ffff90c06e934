package source

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseJSONPositions(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		cases []posCase
	}{{
		name: "CRLF, tabs and multi-byte characters",
		in: "{\r\n" +
			"\t\"é✓\": \"ü\",\r\n" +
			"\t\"b\": [1,\t{\"c\": null}],\r\n" +
			"  \"😀\": true\r\n" +
			"}",
		cases: []posCase{
			{path: nil, pos: Pos{1, 1}},
			{path: []any{"é✓"}, pos: Pos{2, 8}, keyPos: Pos{2, 2}},
			{path: []any{"b"}, pos: Pos{3, 7}, keyPos: Pos{3, 2}},
			{path: []any{"b", 0}, pos: Pos{3, 8}},
			{path: []any{"b", 1}, pos: Pos{3, 11}},
			{path: []any{"b", 1, "c"}, pos: Pos{3, 17}, keyPos: Pos{3, 12}},
			{path: []any{"😀"}, pos: Pos{4, 8}, keyPos: Pos{4, 3}},
		},
	}, {
		name: "LF and lone CR",
		in:   "{\"a\":\n\"x\",\r\"b\":\r\n\r\n  -1.5}",
		cases: []posCase{
			{path: []any{"a"}, pos: Pos{2, 1}, keyPos: Pos{1, 2}},
			{path: []any{"b"}, pos: Pos{5, 3}, keyPos: Pos{3, 1}},
		},
	}, {
		name: "byte order mark takes no column",
		in:   "\xef\xbb\xbf{\"a\": 1}",
		cases: []posCase{
			{path: nil, pos: Pos{1, 1}},
			{path: []any{"a"}, pos: Pos{1, 7}, keyPos: Pos{1, 2}},
		},
	}, {
		name: "a long minified line",
		in:   "[" + strings.Repeat(`"é",`, 1000) + "0]",
		cases: []posCase{
			{path: []any{999}, pos: Pos{1, 2 + 4*999}},
			{path: []any{1000}, pos: Pos{1, 2 + 4*1000}},
		},
	}, {
		name: "escapes count as written",
		in:   `{"\u00e9\n": "\ud83d\ude00", "k": 0}`,
		cases: []posCase{
			{path: []any{"é\n"}, pos: Pos{1, 14}, keyPos: Pos{1, 2}},
			{path: []any{"k"}, pos: Pos{1, 35}, keyPos: Pos{1, 30}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseJSON([]byte(tt.in))
			require.NoError(t, err)
			checkPositions(t, n, tt.cases)
		})
	}
}

func TestParseJSONScalars(t *testing.T) {
	tests := []struct {
		in   string
		want Node // Pos is not compared
	}{
		{`null`, Node{Kind: Null}},
		{`true`, Node{Kind: Bool, Bool: true}},
		{`false`, Node{Kind: Bool}},
		{` -0 `, Node{Kind: Number, Num: "-0"}},
		{`1.50E+3`, Node{Kind: Number, Num: "1.50E+3"}},
		{`12345678901234567890`, Node{Kind: Number, Num: "12345678901234567890"}},
		{`1e-400`, Node{Kind: Number, Num: "1e-400"}}, // underflows to 0, as in encoding/json
		{`""`, Node{Kind: String}},
		{`"a\"\\\/\b\f\n\r\t"`, Node{Kind: String, Str: "a\"\\/\b\f\n\r\t"}},
		{`"\u00e9\u4E2D\u0000"`, Node{Kind: String, Str: "é中\x00"}},
		{`"\ud83d\ude00"`, Node{Kind: String, Str: "😀"}},
		{`"é😀"`, Node{Kind: String, Str: "é😀"}},
		// Lone surrogates become U+FFFD, as in encoding/json.
		{`"\ud800"`, Node{Kind: String, Str: "\ufffd"}},
		{`"\udc00x"`, Node{Kind: String, Str: "\ufffdx"}},
		{`"\ud800\u0041"`, Node{Kind: String, Str: "\ufffdA"}},
		{`"\ud800\ud800\udc00"`, Node{Kind: String, Str: "\ufffd\U00010000"}},
		{`"\ufffd"`, Node{Kind: String, Str: "\ufffd"}},
	}
	for _, tt := range tests {
		n, err := ParseJSON([]byte(tt.in))
		require.NoError(t, err, tt.in)
		n.Pos = Pos{}
		assert.Equal(t, tt.want, *n, tt.in)
	}
}

func TestParseJSONErrors(t *testing.T) {
	checkErrors(t, ParseJSON, []errorCase{
		{``, Pos{1, 1}, "empty document"},
		{" \r\n\t", Pos{2, 2}, "empty document"},
		{`{"a":1,}`, Pos{1, 7}, "trailing comma before '}'"},
		{`[1,2,]`, Pos{1, 5}, "trailing comma before ']'"},
		{"[1,\n]", Pos{1, 3}, "trailing comma before ']'"},
		{"\xef\xbb\xbf[1,]", Pos{1, 3}, "trailing comma"},
		{`{"a" 1}`, Pos{1, 6}, `unexpected "1" after object key; expected ':'`},
		{`{"a":1 "b":2}`, Pos{1, 8}, `unexpected '"' after object member; expected ',' or '}'`},
		{`{"a":1,,}`, Pos{1, 8}, "unexpected ','; expected a string key"},
		{`{,}`, Pos{1, 2}, "unexpected ','; expected a string key"},
		{`[,1]`, Pos{1, 2}, "unexpected ','; expected a value"},
		{`[1 2]`, Pos{1, 4}, `unexpected "2" after array element; expected ',' or ']'`},
		{`{"a":[1,2}`, Pos{1, 10}, "unexpected '}' after array element; expected ',' or ']'"},
		{`{'a':1}`, Pos{1, 2}, "double quotes, not single quotes"},
		{`{a:1}`, Pos{1, 2}, "object keys must be strings in double quotes"},
		{`[NaN]`, Pos{1, 2}, "NaN is not valid JSON"},
		{`[Infinity]`, Pos{1, 2}, "Infinity is not valid JSON"},
		{`[-Infinity]`, Pos{1, 2}, "-Infinity is not valid JSON"},
		{"// c\n{}", Pos{1, 1}, "comments are not allowed in JSON"},
		{`{"a":1 /* c */}`, Pos{1, 8}, "comments are not allowed in JSON"},
		{`"abc`, Pos{1, 1}, "unterminated string"},
		{`["a\"]`, Pos{1, 2}, "unterminated string"},
		{`["a\`, Pos{1, 2}, "unterminated string"},
		{"[\"a\nb\"]", Pos{1, 2}, "unterminated string"},
		{"[\"a\tb\"]", Pos{1, 4}, "control character U+0009 in string must be escaped"},
		{`["\x"]`, Pos{1, 3}, `invalid escape '\x'`},
		{"[\"\\\x01\"]", Pos{1, 3}, `invalid escape '\' followed by U+0001`},
		{`["\u12G4"]`, Pos{1, 3}, `\u must be followed by 4 hex digits`},
		{`["\u12"]`, Pos{1, 3}, `\u must be followed by 4 hex digits`},
		{`["\ud800\u"]`, Pos{1, 9}, `\u must be followed by 4 hex digits`},
		{"[\"é\xff\"]", Pos{1, 4}, "invalid UTF-8 byte 0xff in string"},
		{"[\"\xed\xa0\x80\"]", Pos{1, 3}, "invalid UTF-8 byte 0xed in string"}, // an encoded surrogate
		{`[01]`, Pos{1, 2}, "leading zeros are not allowed"},
		{`[-01]`, Pos{1, 2}, "leading zeros are not allowed"},
		{`[1.]`, Pos{1, 2}, "expected a digit after '.'"},
		{`[1.e5]`, Pos{1, 2}, "expected a digit after '.'"},
		{`[1e+]`, Pos{1, 2}, "expected a digit in the exponent"},
		{`[-]`, Pos{1, 2}, "expected a digit after '-'"},
		{`[+1]`, Pos{1, 2}, "unexpected '+'; expected a value"},
		{`[.5]`, Pos{1, 2}, "unexpected '.'; expected a value"},
		{`[1e400]`, Pos{1, 2}, "number 1e400 is out of range"},
		{`[-1e400]`, Pos{1, 2}, "out of range"},
		{"[" + strings.Repeat("9", 400) + "]", Pos{1, 2}, "out of range"},
		{`[tru]`, Pos{1, 2}, `unexpected "tru"; expected a value`},
		{`[True]`, Pos{1, 2}, `unexpected "True"; expected a value`},
		{`[nul`, Pos{1, 2}, `unexpected "nul"; expected a value`},
		{`{"a":1}x`, Pos{1, 8}, `unexpected "x" after the top-level value; expected end of input`},
		{"{\"a\":1}\n{\"b\":2}", Pos{2, 1}, "after the top-level value"},
		{`{"a":`, Pos{1, 6}, "unexpected end of input; '{' at 1:1 is not closed"},
		{"[\n  1,", Pos{2, 5}, "unexpected end of input; '[' at 1:1 is not closed"},
		{`{"a"`, Pos{1, 5}, "'{' at 1:1 is not closed"},
		{`{"a":1`, Pos{1, 7}, "'{' at 1:1 is not closed"},
		{`{"a":[`, Pos{1, 7}, "'[' at 1:6 is not closed"},
		{`{`, Pos{1, 2}, "'{' at 1:1 is not closed"},
		{`{"a":1,`, Pos{1, 8}, "'{' at 1:1 is not closed"},
		{`[`, Pos{1, 2}, "'[' at 1:1 is not closed"},
		{`[1`, Pos{1, 3}, "'[' at 1:1 is not closed"},
		{`[1, `, Pos{1, 5}, "'[' at 1:1 is not closed"},
		{"{\n  \"a\": 1,\n  \"b\": tru\n}", Pos{3, 8}, `unexpected "tru"`},
		{"[1,\r\n\r\n]", Pos{1, 3}, "trailing comma"},
		{"[\r\r1,\r]", Pos{3, 2}, "trailing comma"},
		{"[1,\xff]", Pos{1, 4}, "unexpected byte 0xff (invalid UTF-8); expected a value"},
		{"[1,\x00]", Pos{1, 4}, "unexpected character U+0000; expected a value"},
		{"[\xef\xbb\xbf1]", Pos{1, 2}, "unexpected byte order mark U+FEFF"},
		{"[é]", Pos{1, 2}, "unexpected 'é'; expected a value"},
		{strings.Repeat("[", MaxDepth+1), Pos{1, MaxDepth + 1}, "nesting deeper than 1000 levels"},
	})
}
