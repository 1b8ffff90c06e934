package jsonpath

import (
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/valuetest"
)

// js parses JSON into ojg's generic values (int64 for integers, as the interpreter holds them).
func js(t testing.TB, s string) any {
	t.Helper()
	v, err := oj.ParseString(s)
	require.NoError(t, err, s)
	return v
}

const testDoc = `{
	"a": {"b": {"c": 1}},
	"items": [{"x": 1, "n": "a"}, {"x": 2, "n": "b"}, {"x": 3}, 5],
	"s": "str",
	"nul": null,
	"f": false,
	"k v": {"dot.ted": true, "it's": 1},
	"delivery-partner": "UQS",
	"nums": [0, 1, 2, 3, 4],
	"empty": [],
	"nested": [[1, 2], [3], []],
	"o": {"x": 9, "y": {"x": 10}}
}`

func TestGet(t *testing.T) {
	doc := js(t, testDoc)
	for _, tc := range []struct {
		path  string
		want  string // JSON; empty when not found
		found bool
	}{
		{"$", testDoc, true},
		{"$.a", `{"b": {"c": 1}}`, true},
		{"$.a.b.c", `1`, true},
		{"$['a']['b']['c']", `1`, true},
		{`$["a"].b`, `{"c": 1}`, true},
		{"$.abc.['def ghi']", ``, false},
		{"$.nul", `null`, true},
		{"$.f", `false`, true},
		{"$['k v']['dot.ted']", `true`, true},
		{`$['k v']['it\'s']`, `1`, true},
		{"$.delivery-partner", `"UQS"`, true},
		{"$.items[0].n", `"a"`, true},
		{"$.items[-1]", `5`, true},
		{"$.items[-4].x", `1`, true},
		{"$.nested[0][1]", `2`, true},
		// not found
		{"$.missing", ``, false},
		{"$.missing.deeper", ``, false},
		{"$.s.x", ``, false},
		{"$.nul.x", ``, false},
		{"$.items[4]", ``, false},
		{"$.items[-5]", ``, false},
		{"$.a[0]", ``, false},
		{"$.items.x", ``, false},
		{"$.empty[0]", ``, false},
		// indefinite paths: always an array, possibly empty
		{"$.items[*].x", `[1, 2, 3]`, true},
		{"$.items.*.n", `["a", "b"]`, true},
		{"$.o.*", `[9, {"x": 10}]`, true},
		{"$.s[*]", `[]`, true},
		{"$.missing[*]", `[]`, true},
		{"$.nested[*][*]", `[1, 2, 3]`, true},
		{"$..x", `[1, 2, 3, 9, 10]`, true},
		{"$.o..x", `[9, 10]`, true},
		{"$..y.x", `[10]`, true},
		{"$..[0]", `[{"x": 1, "n": "a"}, [1, 2], 1, 3, 0]`, true},
		{"$.o..*", `[9, {"x": 10}, 10]`, true},
		{"$..nope", `[]`, true},
		{"$.nums[1:3]", `[1, 2]`, true},
		{"$.nums[3:]", `[3, 4]`, true},
		{"$.nums[:2]", `[0, 1]`, true},
		{"$.nums[-2:]", `[3, 4]`, true},
		{"$.nums[:-2]", `[0, 1, 2]`, true},
		{"$.nums[-3:-1]", `[2, 3]`, true},
		{"$.nums[1:-1]", `[]`, true},        // Jayway does not wrap a negative end when a start is given
		{"$.nums[-1:2]", `[4, 0, 1]`, true}, // and resolves each position on its own
		{"$.nums[3:99]", `[3, 4]`, true},
		{"$.nums[9:]", `[]`, true},
		{"$.nums[-9:]", `[0, 1, 2, 3, 4]`, true},
		{"$.nums[0:4:2]", `[0, 1, 2, 3]`, true}, // the step is ignored
		{"$.empty[1:]", `[]`, true},
		{"$.nums[0,2,-1,9]", `[0, 2, 4]`, true},
		{"$.items[0,1].n", `["a", "b"]`, true},
		{"$['a','s','missing']", `{"a": {"b": {"c": 1}}, "s": "str"}`, true}, // Jayway merges a final name union
		{"$.items[0]['x','n']", `{"x": 1, "n": "a"}`, true},
		{"$['a','o'].b", `[{"c": 1}]`, true},
		{"$.items[*]['x','n']", `[{"x": 1, "n": "a"}, {"x": 2, "n": "b"}, {"x": 3}]`, true},
		{"$.s['a','b']", ``, false},
		{"$.items[?(@.x > 1)].x", `[2, 3]`, true},
		{"$.Jobs.sum()", ``, false},
		{"$.nums.length()", ``, false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p, err := Parse(tc.path)
			require.NoError(t, err)
			for _, f := range valuetest.Forms() {
				got, found := p.Get(f.In(doc))
				require.Equal(t, tc.found, found, f.Name)
				if !found {
					assert.Nil(t, got, f.Name)
					continue
				}
				assert.Equal(t, js(t, tc.want), back(t, f, got), f.Name)
			}
		})
	}
}

// TestGetRecordedAWS holds executions recorded on AWS (conformance-aws/cases/pass_io).
func TestGetRecordedAWS(t *testing.T) {
	// base__test_json_path_array_wildcard_or_slice_with_no_input*: input {}, every path gives [].
	for _, path := range []string{
		"$[*]", "$.items[*]", "$.items[*].itemValue", "$.items[1:]", "$.items[:1]", "$.items[1:].itemValue",
		"$.items[:1].itemValue", "$.item.items[*]", "$.item.items[1:5]", "$.item.items[1:5].itemValue",
		"$.item.items[1:]", "$.item.items[:1]",
	} {
		p, err := Parse(path)
		require.NoError(t, err)
		for _, f := range valuetest.Forms() {
			got, found := p.Get(f.In(map[string]any{}))
			assert.True(t, found, path)
			assert.Equal(t, []any{}, got, path)
		}
	}
	// base__test_json_path_array_access_.items_0 and _10: an index gives the element itself.
	doc := js(t, `{"items": [{"item_key": 0}, {"item_key": 1}, {"item_key": 2}, {"item_key": 3}, {"item_key": 4},
		{"item_key": 5}, {"item_key": 6}, {"item_key": 7}, {"item_key": 8}, {"item_key": 9}, {"item_key": 10}]}`)
	for path, want := range map[string]string{"$.items[0]": `{"item_key": 0}`, "$.items[10]": `{"item_key": 10}`} {
		p, err := Parse(path)
		require.NoError(t, err)
		for _, f := range valuetest.Forms() {
			got, found := p.Get(f.In(doc))
			assert.True(t, found)
			assert.Equal(t, js(t, want), back(t, f, got), path)
		}
	}
}

func TestGetRoots(t *testing.T) {
	ctx := js(t, `{"Execution": {"Id": "arn:x", "Input": {"input-value": 0}}, "Map": {"Item": {"Index": 2}}}`)
	for path, want := range map[string]any{
		"$$":                             ctx,
		"$$.Execution.Id":                "arn:x",
		"$$.Execution.Input.input-value": int64(0), // context_object__test_variable
		"$$.Map.Item.Index":              int64(2),
	} {
		p, err := Parse(path)
		require.NoError(t, err)
		for _, f := range valuetest.Forms() {
			got, found := p.Get(f.In(ctx))
			assert.True(t, found, path)
			assert.Equal(t, want, back(t, f, got), path)
		}
	}
	p, err := Parse("$items[1]")
	require.NoError(t, err)
	got, found := p.Get([]any{int64(1), int64(2)})
	assert.True(t, found)
	assert.Equal(t, int64(2), got)
	_, found = p.Get(nil)
	assert.False(t, found)
}

func TestLookup(t *testing.T) {
	doc := js(t, testDoc)
	doc.(map[string]any)["big"] = int64(1) << 40
	doc.(map[string]any)["real"] = 1.5
	for _, tc := range []struct{ path, reason, step string }{
		{"$.missing", "No results for path: $['missing']", "missing"},
		{"$.missing.deeper", "Missing property in path $['missing']", "missing"},
		{"$.a.b.nope.x", "Missing property in path $['a']['b']['nope']", "nope"},
		{"$.items[7]", "No results for path: $['items'][7]", "[7]"},
		{"$.items[7].x", "No results for path: $['items'][7]['x']", "[7]"},
		{"$.s.x", "Expected to find an object with property ['x'] in path $['s'] but found 'java.lang.String'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "x"},
		{"$.nul.x", "Expected to find an object with property ['x'] in path $['nul'] but found 'null'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "x"},
		{"$.items.x", "Expected to find an object with property ['x'] in path $['items'] but found 'net.minidev.json.JSONArray'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "x"},
		{"$.nul[0]", "The path $['nul'] is null", "[0]"},
		{"$.s[0].y", "Filter: [0]['y'] can only be applied to arrays. Current context is: str", "[0]"},
		{"$.a[0]", `Filter: [0] can only be applied to arrays. Current context is: {"b":{"c":1}}`, "[0]"},
		{"$.s['x','y']", "Expected to find an object with property ['x','y'] in path $['s'] but found 'java.lang.String'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "['x','y']"},
		{"$.Jobs.sum()", "Function with name: sum does not exist.", "sum"},
		{"$.f.x", "Expected to find an object with property ['x'] in path $['f'] but found 'java.lang.Boolean'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "x"},
		{"$.a.b.c.x", "Expected to find an object with property ['x'] in path $['a']['b']['c'] but found 'java.lang.Integer'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "x"},
		{"$.big.x", "Expected to find an object with property ['x'] in path $['big'] but found 'java.lang.Long'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "x"},
		{"$.real.x", "Expected to find an object with property ['x'] in path $['real'] but found 'java.lang.Double'. " +
			"This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.", "x"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p, err := Parse(tc.path)
			require.NoError(t, err)
			for _, f := range valuetest.Forms() {
				got, err := p.Lookup(f.In(doc))
				assert.Nil(t, got, f.Name)
				var nf *NotFoundError
				require.ErrorAs(t, err, &nf, f.Name)
				assert.Equal(t, tc.reason, nf.Reason, f.Name)
				assert.Equal(t, tc.step, nf.Step, f.Name)
				assert.Equal(t, tc.path, nf.Path, f.Name)
			}
		})
	}

	// Found values and indefinite paths do not fail.
	for path, want := range map[string]string{"$.a.b.c": `1`, "$.missing[*]": `[]`, "$['s','f']": `{"s":"str","f":false}`} {
		p, err := Parse(path)
		require.NoError(t, err)
		for _, f := range valuetest.Forms() {
			got, err := p.Lookup(f.In(doc))
			require.NoError(t, err, path)
			assert.Equal(t, js(t, want), back(t, f, got), path)
		}
	}
}

// TestLookupRecordedAWS checks the causes AWS recorded, as the interpreter composes them.
func TestLookupRecordedAWS(t *testing.T) {
	for _, tc := range []struct {
		name, path, input, cause string
	}{
		{"pass_io/base_scenarios__test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH", "$.NoSuchInputPath",
			`{"int-literal": 0}`, "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"},
		{"pass_io/base_scenarios__test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_OUTPUTPATH", "$.NoSuchOutputPath",
			`{"int-literal": 0}`, "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']"},
		{"retry_catch/base_scenarios__test_catch_states_runtime", "$.no.such.result.path",
			`{}`, "Invalid path '$.no.such.result.path' : Missing property in path $['no']"},
	} {
		p, err := Parse(tc.path)
		require.NoError(t, err)
		for _, f := range valuetest.Forms() {
			_, err = p.Lookup(f.In(js(t, tc.input)))
			require.Error(t, err, tc.name)
			assert.Equal(t, tc.cause, err.Error(), tc.name)
		}
	}
}

// TestGetDoesNotMutate guards the rule that a value handed in is never changed.
func TestGetDoesNotMutate(t *testing.T) {
	for _, f := range valuetest.Forms() {
		doc := f.In(js(t, testDoc))
		before := compact(doc)
		for _, s := range []string{"$..*", "$['a','s']", "$.items[?(@.x)]", "$.o.*", "$..[0]"} {
			p, err := Parse(s)
			require.NoError(t, err)
			p.Get(doc)
		}
		assert.Equal(t, before, compact(doc), f.Name)
	}
}

// TestFrom checks that a path taken up after its first steps (the caller's own nodes) selects, and fails
// with, exactly what the whole path does on the whole document.
func TestFrom(t *testing.T) {
	doc := js(t, `{"Map": {"Item": {"Value": {"id": 7, "tags": ["a"]}, "Index": 3}}}`)
	item := doc.(map[string]any)["Map"].(map[string]any)["Item"]
	for _, tc := range []struct {
		path string
		k    int
		node any
	}{
		{"$$.Map.Item.Value.id", 2, item},
		{"$$.Map.Item.Value.tags[0]", 3, item.(map[string]any)["Value"]},
		{"$$.Map.Item.Index", 3, int64(3)},
		{"$$.Map.Item.Value", 2, item},
		{"$$.Map.Item.Value.missing", 2, item},
		{"$$.Map.Item.Value.missing.deeper", 3, item.(map[string]any)["Value"]},
		{"$$.Map.Item.Index.x", 3, int64(3)},
		{"$$.Map.Item.Value.tags[5]", 2, item},
		{"$$.Map.Item.Value.id[0]", 2, item},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p, err := Parse(tc.path)
			require.NoError(t, err)
			require.True(t, p.Definite())
			for i := range tc.k {
				_, ok := p.Name(i)
				require.True(t, ok, "step %d", i)
			}
			for _, f := range valuetest.Forms() {
				doc, node := f.In(doc), tc.node
				if f.Objects { // the node the first k steps reach in the Objects
					node = doc
					for i := range tc.k {
						name, _ := p.Name(i)
						node, _ = value.Field(node, name)
					}
				}
				want, wantOK := p.Get(doc)
				got, ok := p.GetFrom(tc.k, node)
				assert.Equal(t, wantOK, ok, f.Name)
				assert.Equal(t, want, got, f.Name)
				want, wantErr := p.Lookup(doc)
				got, err = p.LookupFrom(tc.k, node)
				assert.Equal(t, want, got, f.Name)
				assert.Equal(t, wantErr, err, f.Name)
			}
		})
	}
}

func TestName(t *testing.T) {
	p, err := Parse("$$.Map['Item'][0].Value")
	require.NoError(t, err)
	for i, want := range []string{"Map", "Item", "", "Value", ""} {
		got, ok := p.Name(i)
		assert.Equal(t, want != "", ok, "step %d", i)
		assert.Equal(t, want, got, "step %d", i)
	}
	_, ok := p.Name(-1)
	assert.False(t, ok)
}
