package maprun

import (
	"strings"
	"testing"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// row builds an item from names and values given in turn.
func row(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestCSV(t *testing.T) {
	// The files and results of the cases recorded on AWS (localstack's snapshots, validated on AWS).
	const awsRows = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
	for _, tc := range []struct {
		name    string
		body    string
		cfg     ReaderConfig
		want    []any
		origins string
	}{
		{"aws: first row", "Col1,Col2,Col3\n" + awsRows, ReaderConfig{InputType: "CSV", CSVHeaderLocation: "FIRST_ROW"}, []any{
			row("Col1", "Value1", "Col2", "Value2", "Col3", "Value3"), row("Col1", "Value4", "Col2", "Value5", "Col3", "Value6"),
			row("Col1", "", "Col2", "", "Col3", ""), row("Col1", "true", "Col2", "1", "Col3", "'HelloWorld'"),
			row("Col1", "Null", "Col2", "None", "Col3", ""), row("Col1", "   ", "Col2", "", "Col3", "")}, ""},
		{"aws: given headers", awsRows, ReaderConfig{InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"H1", "H2", "H3"}}, []any{
			row("H1", "Value1", "H2", "Value2", "H3", "Value3"), row("H1", "Value4", "H2", "Value5", "H3", "Value6"),
			row("H1", "", "H2", "", "H3", ""), row("H1", "true", "H2", "1", "H3", "'HelloWorld'"),
			row("H1", "Null", "H2", "None", "H3", ""), row("H1", "   ", "H2", "", "H3", "")}, ""},
		{"aws: given headers, extra fields dropped", awsRows, ReaderConfig{InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"H1"}}, []any{
			row("H1", "Value1"), row("H1", "Value4"), row("H1", ""), row("H1", "true"), row("H1", "Null"), row("H1", "   ")}, ""},
		{"aws: first row with an empty name", "H1,\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n", ReaderConfig{InputType: "CSV", CSVHeaderLocation: "FIRST_ROW"}, []any{
			row("H1", "Value4", "", "Value5"), row("H1", "", "", ""), row("H1", "true", "", "1"), row("H1", "Null", "", "None"), row("H1", "   ", "", "")}, ""},
		{"aws: typed first row", "0,True,{}\nValue4,Value5,Value6\n", ReaderConfig{InputType: "CSV", CSVHeaderLocation: "FIRST_ROW"}, []any{
			row("0", "Value4", "True", "Value5", "{}", "Value6")}, ""},
		{"aws: the parsing example", "abc,123,\"This string contains commas, a double quotation marks (\"\"), and a newline (\n)\",{\"\"MyKey\"\":\"\"MyValue\"\"},\"[1,2,3]\"",
			ReaderConfig{InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"MyLetters", "MyNumbers", "MyString", "MyObject", "MyArray"}}, []any{
				row("MyLetters", "abc", "MyNumbers", "123", "MyString", "This string contains commas, a double quotation marks (\"), and a newline (\n)",
					"MyObject", `{"MyKey":"MyValue"}`, "MyArray", "[1,2,3]")}, ""},
		{"aws: backslashes", "path,size\nC:\\\\Program Files\\\\MyApp.exe,6534512\n", ReaderConfig{InputType: "CSV"}, []any{
			row("path", `C:\Program Files\MyApp.exe`, "size", "6534512")}, ""},
		{"first row is the default", "a,b\n1,2\n", ReaderConfig{InputType: "CSV"}, []any{row("a", "1", "b", "2")}, ""},
		{"pipe", "a|b\n1|2,3\n", ReaderConfig{InputType: "CSV", CSVDelimiter: "PIPE"}, []any{row("a", "1", "b", "2,3")}, ""},
		{"semicolon", "a;b\n1;2\n", ReaderConfig{InputType: "CSV", CSVDelimiter: "SEMICOLON"}, []any{row("a", "1", "b", "2")}, ""},
		{"space", "a b\n1 \"2 3\"\n", ReaderConfig{InputType: "CSV", CSVDelimiter: "SPACE"}, []any{row("a", "1", "b", "2 3")}, ""},
		{"tab", "a\tb\n1\t2 3\n", ReaderConfig{InputType: "CSV", CSVDelimiter: "TAB"}, []any{row("a", "1", "b", "2 3")}, ""},
		{"comma", "a,b\n1,2\n", ReaderConfig{InputType: "CSV", CSVDelimiter: "COMMA"}, []any{row("a", "1", "b", "2")}, ""},
		{"quoted fields", "a,b,c\n\"\",\"x\"\"y\",\"\"\"\"\n\"q,1\",\"multi\nline\",p\"art,ly\"\n", ReaderConfig{InputType: "CSV"}, []any{
			row("a", "", "b", `x"y`, "c", `"`), row("a", "q,1", "b", "multi\nline", "c", "part,ly")}, ""},
		{"backslash escapes", "a,b\n\\,x\\\"y,\\q\\\\\n", ReaderConfig{InputType: "CSV"}, []any{row("a", `,x"y`, "b", `q\`)}, ""},
		{"escaped delimiter in quotes", "a\n\"x\\\"y\"\n", ReaderConfig{InputType: "CSV"}, []any{row("a", `x"y`)}, ""},
		{"crlf, blank lines and a byte order mark", "\ufeffa,b\r\n\r\n1,2\r\n\n3,4", ReaderConfig{InputType: "CSV"}, []any{row("a", "1", "b", "2"), row("a", "3", "b", "4")}, ""},
		{"header only", "a,b\n", ReaderConfig{InputType: "CSV"}, nil, ""},
		{"empty file", "", ReaderConfig{InputType: "CSV"}, nil, ""},
		{"non-ASCII", "名前,città\nété,ü\n", ReaderConfig{InputType: "CSV"}, []any{row("名前", "été", "città", "ü")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := newObjects(map[string]map[string]string{"b": {"f.csv": tc.body, "f.csv.gz": gzipped(tc.body)}})
			for _, key := range []string{"f.csv", "f.csv.gz"} {
				items, origins, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": key}, Config: tc.cfg})
				require.NoError(t, err)
				assert.Equal(t, tc.want, items, key)
				for _, o := range origins {
					assert.Equal(t, Origin{Source: "S3://b/" + key}, o)
				}
			}
		})
	}
}

func TestCSVFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		cfg  ReaderConfig
		want []string
		read int
	}{
		{"aws: duplicate given headers", "Value1,Value2,Value3\n", ReaderConfig{InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"H1", "H1", "H3"}},
			[]string{"CSV headers cannot contain duplicates."}, 0},
		{"duplicate first-row headers", "a,b,a\n1,2,3\n", ReaderConfig{InputType: "CSV"}, []string{"CSV headers cannot contain duplicates."}, 0},
		{"unclosed quote", "a,b\n1,2\n3,\"4\n5,6\n", ReaderConfig{InputType: "CSV"}, []string{"The CSV row at line 3 of s3://b/f.csv is malformed: a quoted field is never closed"}, 1},
		{"unclosed quote in the header", "a,\"b\n", ReaderConfig{InputType: "CSV"}, []string{"line 1 of s3://b/f.csv is malformed"}, 0},
		{"line too long", "a\n1\n" + strings.Repeat("x", maxItemBytes+1) + "\n", ReaderConfig{InputType: "CSV"}, []string{"Line 3 of s3://b/f.csv is longer than 8 MB"}, 1},
		{"quoted row too long", "a\n\"" + strings.Repeat("x\n", maxItemBytes/2+1) + "\"\n", ReaderConfig{InputType: "CSV"}, []string{"The row at line 2 of s3://b/f.csv is longer than 8 MB"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := newObjects(map[string]map[string]string{"b": {"f.csv": tc.body}})
			items, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "f.csv"}, Config: tc.cfg})
			requireFailure(t, err, failure.ItemReaderFailed, tc.want...)
			assert.Len(t, items, tc.read)
		})
	}
}
