package s3

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadFixtures(t *testing.T) {
	fixtures := `{
		"input": {"rows.csv": "a,b\n1,2\n", "in/items.json": [{"id": 1, "z": 0, "a": 2}], "n.txt": 42},
		"empty": {}
	}`
	for name, s := range backends(t) {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, s.LoadFixturesJSON([]byte(fixtures)))
			get := func(bucket, key string) string {
				return mustCall(t, s, "getObject", map[string]any{"Bucket": bucket, "Key": key})["Body"].(string)
			}
			assert.Equal(t, "a,b\n1,2\n", get("input", "rows.csv"), "a string is its text")
			assert.Equal(t, `[{"id":1,"z":0,"a":2}]`, get("input", "in/items.json"), "any other value its JSON text, as written")
			assert.Equal(t, "42", get("input", "n.txt"))
			out := mustCall(t, s, "listObjectsV2", map[string]any{"Bucket": "empty"})
			assert.Equal(t, int64(0), out["KeyCount"])

			dump := s.Dump()
			require.Contains(t, dump, "empty")
			assert.Equal(t, map[string]any{"Objects": map[string]any{}}, dump["empty"])
			input := dump["input"].(map[string]any)["Objects"].(map[string]any)
			require.Len(t, input, 3)
			rows := input["rows.csv"].(map[string]any)
			assert.Equal(t, int64(8), rows["Size"])
			assert.Equal(t, "a,b\n1,2\n", rows["Body"])
			assert.Equal(t, quotedMD5("a,b\n1,2\n"), rows["ETag"])
			assert.Regexp(t, isoRE, rows["LastModified"])
		})
	}
}

func TestLoadFixturesErrors(t *testing.T) {
	tests := []struct{ fixtures, want string }{
		{`[]`, `s3 fixtures: want {"bucket": {"key": content}}`},
		{`null`, `s3 fixtures: want {"bucket": {"key": content}}`},
		{`{"b": []}`, `s3 fixtures: bucket "b": want an object of keys and contents`},
		{`{"b": "x"}`, `s3 fixtures: bucket "b": want an object of keys and contents`},
		{`{"Bad/Name": {}}`, `s3 fixtures: bucket "Bad/Name": InvalidBucketName`},
		{`{"b": {"": "x"}}`, `s3 fixtures: bucket "b", key "": InvalidArgument`},
	}
	for _, tt := range tests {
		t.Run(tt.fixtures, func(t *testing.T) {
			err := New(Options{}).LoadFixturesJSON([]byte(tt.fixtures))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	s, _ := openTestDir(t)
	err := s.LoadFixturesJSON([]byte(`{"data": {"../x": "y"}}`))
	assert.ErrorContains(t, err, `s3 fixtures: bucket "data", key "../x": InvalidArgument: The key "../x" of the bucket "data" cannot be a file`)
}

func TestDumpBounds(t *testing.T) {
	s, root := openTestDir(t)
	for i := range dumpObjects + 1 {
		require.NoError(t, os.WriteFile(filepath.Join(root, "data", strings.Repeat("k", 1+i/100)+string(rune('a'+i%26))+string(rune('a'+i/26%26))), []byte("v"), 0o644))
	}
	put(t, s, "zz-big", strings.Repeat("x", dumpBody+1))
	put(t, s, "zz-binary", "\xff\xfe")
	entry := s.Dump()["data"].(map[string]any)
	assert.Len(t, entry["Objects"], dumpObjects)
	assert.Equal(t, true, entry["Truncated"])

	mem := New(Options{})
	require.NoError(t, mem.CreateBucket("data"))
	put(t, mem, "big", strings.Repeat("x", dumpBody+1))
	put(t, mem, "binary", "\xff\xfe")
	objects := mem.Dump()["data"].(map[string]any)["Objects"].(map[string]any)
	assert.NotContains(t, objects["big"], "Body", "too large to show")
	assert.NotContains(t, objects["binary"], "Body", "not text")
	assert.Equal(t, int64(4097), objects["big"].(map[string]any)["Size"])
}
