package maprun

import (
	"strings"
	"testing"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSON(t *testing.T) {
	facts := `[{"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
		{"verdict": "false", "n": 12345678901, "f": 1.5}]`
	want := []any{
		map[string]any{"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
		map[string]any{"verdict": "false", "n": int64(12345678901), "f": 1.5},
	}
	nested := `{"version": "2024.1", "skip": {"deep": [1, {"x": [2]}]}, "productUpdates": {"items": [{"id": 1}, {"id": 2}]},
		"a/b": {"c~d": [["x"], ["y", "z"]]}, "config": {"b": 2, "a": {"x": 1}}}`
	objs := newObjects(map[string]map[string]string{"b": {
		"facts.json":      facts,
		"facts.json.gz":   gzipped(facts),
		"facts.json.zstd": zstded(facts),
		"nested.json":     nested,
		"empty.json":      "  [ ]  ",
		"object.json":     `{"z": 1, "a": [true, null], "m": "s"}`,
	}})
	for _, tc := range []struct {
		name, key, pointer string
		want               []any
	}{
		{"array", "facts.json", "", want},
		{"gzip", "facts.json.gz", "", want},
		{"zstd", "facts.json.zstd", "", want},
		{"empty", "empty.json", "", nil},
		{"pointer to an array", "nested.json", "/productUpdates/items", []any{map[string]any{"id": int64(1)}, map[string]any{"id": int64(2)}}},
		{"pointer with escapes and an index", "nested.json", "/a~1b/c~0d/1", []any{"y", "z"}},
		{"pointer into a skipped subtree", "nested.json", "/skip/deep/1/x", []any{int64(2)}},
		{"pointer to an object", "nested.json", "/config", []any{
			map[string]any{"Key": "b", "Value": int64(2)}, map[string]any{"Key": "a", "Value": map[string]any{"x": int64(1)}}}},
		{"object in the document's order", "object.json", "", []any{
			map[string]any{"Key": "z", "Value": int64(1)}, map[string]any{"Key": "a", "Value": []any{true, nil}}, map[string]any{"Key": "m", "Value": "s"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, origins, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": tc.key},
				Config: ReaderConfig{InputType: "JSON", ItemsPointer: tc.pointer}})
			require.NoError(t, err)
			assert.Equal(t, tc.want, items)
			for i, o := range origins {
				assert.Equal(t, "S3://b/"+tc.key, o.Source)
				if e, ok := items[i].(map[string]any); ok && o.Entry {
					assert.Equal(t, e["Key"], o.Key)
				}
			}
		})
	}
	t.Run("entries carry their key", func(t *testing.T) {
		_, origins, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "object.json"}, Config: ReaderConfig{InputType: "JSON"}})
		require.NoError(t, err)
		assert.Equal(t, []Origin{{Source: "S3://b/object.json", Entry: true, Key: "z"}, {Source: "S3://b/object.json", Entry: true, Key: "a"},
			{Source: "S3://b/object.json", Entry: true, Key: "m"}}, origins)
	})
}

func TestJSONFailures(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {
		"scalar.json":     `"Hello"`,
		"nested.json":     `{"a": {"b": [1, 2]}, "s": 3}`,
		"malformed.json":  `[{"a": 1}, {"a" 2}]`,
		"truncated.json":  `[{"a": 1}, {"a":`,
		"empty.json":      ``,
		"tail.json":       `{"items": [1], "x": }`,
		"badgzip.json.gz": "not gzip",
	}})
	for _, tc := range []struct {
		name, key, pointer string
		want               []string
	}{
		{"not an array", "scalar.json", "", []string{notIterable}},
		{"pointer to a scalar", "nested.json", "/s", []string{notIterable}},
		{"pointer to nothing", "nested.json", "/a/c", []string{`ItemsPointer "/a/c" selects nothing in s3://b/nested.json: there is no "/a/c"`}},
		{"pointer past an array", "nested.json", "/a/b/2", []string{`there is no "/a/b/2"`}},
		{"pointer with a name into an array", "nested.json", "/a/b/x", []string{`there is no "/a/b/x"`}},
		{"pointer through a scalar", "nested.json", "/s/t", []string{`there is no "/s/t"`}},
		{"malformed", "malformed.json", "", []string{"s3://b/malformed.json", "not valid at offset"}},
		{"truncated", "truncated.json", "", []string{"s3://b/truncated.json", "ends early"}},
		{"empty", "empty.json", "", []string{"s3://b/empty.json holds no JSON document"}},
		{"malformed after the node", "tail.json", "/items", []string{"s3://b/tail.json", "not valid at offset"}},
		{"not gzip", "badgzip.json.gz", "", []string{"s3://b/badgzip.json.gz is not a GZIP file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": tc.key},
				Config: ReaderConfig{InputType: "JSON", ItemsPointer: tc.pointer}})
			requireFailure(t, err, failure.ItemReaderFailed, tc.want...)
		})
	}
}

func TestJSONItemTooBig(t *testing.T) {
	big := `[1, "` + strings.Repeat("x", maxItemBytes) + `"]`
	objs := newObjects(map[string]map[string]string{"b": {"big.json": big, "big.jsonl": "1\n\"" + strings.Repeat("y", maxItemBytes) + "\"\n"}})
	items, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "big.json"}, Config: ReaderConfig{InputType: "JSON"}})
	requireFailure(t, err, failure.ItemReaderFailed, "The item at offset 4 of s3://b/big.json is larger than 8 MB")
	assert.Equal(t, []any{int64(1)}, items)
	_, _, err = readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "big.jsonl"}, Config: ReaderConfig{InputType: "JSONL"}})
	requireFailure(t, err, failure.ItemReaderFailed, "Line 2 of s3://b/big.jsonl is longer than 8 MB")
}

func TestJSONL(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {
		"facts.jsonl": "{\"verdict\": \"true\", \"n\": 1}\n\n   \r\n{\"verdict\": \"false\", \"f\": 2.5}\r\n[1,2]\n\"s\"\n",
		"last.jsonl":  "1\n2",
		"bad.jsonl":   "1\n2\n{\"a\": }\n",
		"two.jsonl":   "1 2\n",
		"gz.jsonl.gz": gzipped("{\"a\":1}\n{\"a\":2}\n"),
	}})
	for _, tc := range []struct {
		key  string
		want []any
	}{
		{"facts.jsonl", []any{map[string]any{"verdict": "true", "n": int64(1)}, map[string]any{"verdict": "false", "f": 2.5}, []any{int64(1), int64(2)}, "s"}},
		{"last.jsonl", []any{int64(1), int64(2)}},
		{"gz.jsonl.gz", []any{map[string]any{"a": int64(1)}, map[string]any{"a": int64(2)}}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			items, origins, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": tc.key}, Config: ReaderConfig{InputType: "JSONL"}})
			require.NoError(t, err)
			assert.Equal(t, tc.want, items)
			assert.Equal(t, Origin{Source: "S3://b/" + tc.key}, origins[0])
		})
	}
	for _, tc := range []struct{ key, want string }{
		{"bad.jsonl", "Line 3 of s3://b/bad.jsonl is not valid JSON"},
		{"two.jsonl", "Line 1 of s3://b/two.jsonl is not valid JSON"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			_, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": tc.key}, Config: ReaderConfig{InputType: "JSONL"}})
			requireFailure(t, err, failure.ItemReaderFailed, tc.want)
		})
	}
}

func TestPointer(t *testing.T) {
	doc := map[string]any{"a/b": map[string]any{"c~d": []any{"x", []any{"y"}}}, "": "empty key"}
	for _, tc := range []struct {
		ptr  string
		toks Pointer
		want any
	}{
		{"", nil, doc},
		{"/a~1b/c~0d/1", Pointer{"a/b", "c~d", "1"}, []any{"y"}},
		{"/a~1b/c~0d/0", Pointer{"a/b", "c~d", "0"}, "x"},
		{"/", Pointer{""}, "empty key"},
	} {
		t.Run(tc.ptr, func(t *testing.T) {
			p, err := ParsePointer(tc.ptr)
			require.NoError(t, err)
			assert.Equal(t, tc.toks, p)
			assert.Equal(t, tc.ptr, p.String())
			v, err := p.Resolve(doc)
			require.NoError(t, err)
			assert.Equal(t, tc.want, v)
		})
	}
	for _, ptr := range []string{"/nope", "/a~1b/c~0d/2", "/a~1b/c~0d/01", "/a~1b/c~0d/-1", "/a~1b/c~0d/0/x"} {
		t.Run(ptr, func(t *testing.T) {
			p, err := ParsePointer(ptr)
			require.NoError(t, err)
			_, err = p.Resolve(doc)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "selects nothing")
		})
	}
}

func TestItemsOf(t *testing.T) {
	items, ok := ItemsOf([]any{int64(1), "a"})
	assert.True(t, ok)
	assert.Equal(t, []any{int64(1), "a"}, items)
	obj := map[string]any{"b": int64(2), "a": map[string]any{"x": true}, "é": nil}
	for _, o := range []any{obj, value.Compact(obj)} { // an object of either form
		items, ok = ItemsOf(o)
		assert.True(t, ok)
		assert.Equal(t, []any{
			map[string]any{"Key": "a", "Value": map[string]any{"x": true}},
			map[string]any{"Key": "b", "Value": int64(2)},
			map[string]any{"Key": "é", "Value": nil},
		}, value.Plain(items))
	}
	for _, v := range []any{"s", int64(1), nil, true} {
		_, ok = ItemsOf(v)
		assert.False(t, ok, "%v", v)
	}
	assert.Empty(t, objectItems(nil))
}
