package resources

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
)

// TestLoadEveryCaseHandlers loads the handlers map of every AWS-recorded case and calls every function it
// names through a legacy ARN: each must resolve to its stub.
func TestLoadEveryCaseHandlers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(casesDir, "*", "*.json"))
	require.NoError(t, err)
	withHandlers := 0
	for _, file := range files {
		name, _ := filepath.Rel(casesDir, file)
		handlers, ok := loadCase(t, name)["handlers"].(map[string]any)
		if !ok {
			continue
		}
		withHandlers++
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			r, err := ParseHandlers([]byte(oj.JSON(handlers)))
			require.NoError(t, err)
			for key, stub := range handlers {
				_, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: key, Input: map[string]any{}})
				if throw, ok := stub.(map[string]any)["throw"].(map[string]any); ok {
					fe := requireFailure(t, err)
					assert.Equal(t, throw["error"], fe.Name)
					assert.Equal(t, throw["cause"], fe.Cause)
				} else {
					assert.NoError(t, err, key)
				}
			}
		})
	}
	assert.Equal(t, 49, withHandlers, "the recorded cases that bind Lambda functions")
}

func TestHandlerFileFormats(t *testing.T) {
	const jsonFile = `{
		"arn:aws:lambda:us-east-1:123456789012:function:echoer": {"echo": true, "description": "identity"},
		"123456789012:function:answer:$LATEST": {"return": {"n": 12345678901234567, "f": 0.5}},
		"thrower": {"throw": {"error": "PaymentError", "payload": {"errorType": "PaymentError", "errorMessage": "declined"}}},
		"arn:aws:states:::sns:publish": {"return": {"MessageId": "m-1"}},
		"state:Check Inventory (1)": {"return": "bound"},
		"${GetPriceArn}": {"return": 42},
		"arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:GetStock": {"return": 7}
	}`
	const yamlFile = `
arn:aws:lambda:us-east-1:123456789012:function:echoer:
  echo: true
  description: identity
"123456789012:function:answer:$LATEST":
  return: {n: 12345678901234567, f: 0.5}
thrower:
  throw:
    error: PaymentError
    payload: {errorType: PaymentError, errorMessage: declined}
"arn:aws:states:::sns:publish":
  return: {MessageId: m-1}
"state:Check Inventory (1)":
  return: bound
"${GetPriceArn}":
  return: 42
"arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:GetStock":
  return: 7
`
	dir := t.TempDir()
	files := map[string]string{
		"handlers.json":       jsonFile,
		"handlers.yaml":       yamlFile,
		"handlers.yml":        yamlFile,
		"handlers-json.stubs": jsonFile, // no known extension: '{' means JSON
		"handlers-yaml.stubs": yamlFile,
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			r, err := LoadHandlerFile(path)
			require.NoError(t, err)

			call := func(resource, state string, input any) (any, error) {
				return r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: resource, StateName: state, Input: input})
			}
			got, err := call("arn:aws:lambda:us-east-1:123456789012:function:echoer", "S", map[string]any{"a": int64(1)})
			require.NoError(t, err)
			assert.Equal(t, map[string]any{"a": int64(1)}, got)

			got, err = call(lambdaInvoke, "S", map[string]any{"FunctionName": "echoer"})
			require.NoError(t, err)
			assert.Equal(t, map[string]any{}, got.(map[string]any)["Payload"], "a null Payload arrives as {}")

			got, err = call("arn:aws:lambda:us-east-1:123456789012:function:answer", "S", nil)
			require.NoError(t, err)
			assert.Equal(t, map[string]any{"n": int64(12345678901234567), "f": 0.5}, got, "integers stay exact")

			_, err = call("arn:aws:lambda:us-east-1:123456789012:function:thrower", "S", nil)
			fe := requireFailure(t, err)
			assert.Equal(t, "PaymentError", fe.Name)
			assert.Equal(t, `{"errorMessage":"declined","errorType":"PaymentError"}`, fe.Cause, "payload alone: sorted and compact")

			got, err = call("arn:aws:states:::sns:publish", "S", nil)
			require.NoError(t, err)
			assert.Equal(t, map[string]any{"MessageId": "m-1"}, got)

			got, err = call("arn:aws:states:::sqs:sendMessage", "Check Inventory (1)", nil)
			require.NoError(t, err)
			assert.Equal(t, "bound", got)

			// Resources with DefinitionSubstitutions placeholders are bound as written.
			got, err = call("${GetPriceArn}", "S", nil)
			require.NoError(t, err)
			assert.Equal(t, int64(42), got)
			got, err = call("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:GetStock", "S", nil)
			require.NoError(t, err)
			assert.Equal(t, int64(7), got)
		})
	}
}

func TestHandlerFileYAMLScalars(t *testing.T) {
	r, err := ParseHandlers([]byte(`
fn:
  return:
    date: 2024-01-02
    hex: 0x10
    big: 18446744073709551615
    "null": ~
    list: [yes, "yes", 1.0]
    anchor: &a {x: 1}
    alias: *a
`))
	require.NoError(t, err)
	got, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: "arn:aws:lambda:us-east-1:123456789012:function:fn"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"date":   "2024-01-02", // not a time.Time: JSON has no dates
		"hex":    int64(16),
		"big":    float64(18446744073709551615),
		"null":   nil,
		"list":   []any{"yes", "yes", 1.0}, // YAML 1.2: yes is a string
		"anchor": map[string]any{"x": int64(1)},
		"alias":  map[string]any{"x": int64(1)},
	}, got)
}

func TestHandlerFileMerge(t *testing.T) {
	r := NewRegistry()
	r.Lambda("fn", returns("from Go"))
	r.Lambda("kept", returns("kept"))
	require.NoError(t, r.AddHandlers("over.json", []byte(`{"arn:aws:lambda:us-east-1:123456789012:function:fn": {"return": "from the file"}}`)))

	for name, want := range map[string]string{"fn": "from the file", "kept": "kept"} {
		got, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: "arn:aws:lambda:us-east-1:123456789012:function:" + name})
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}

	// Nothing of a file with an error is merged.
	require.Error(t, r.AddHandlers("bad.json", []byte(`{"fn": {"return": 1}, "other": {}}`)))
	got, err := r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: "arn:aws:lambda:us-east-1:123456789012:function:fn"})
	require.NoError(t, err)
	assert.Equal(t, "from the file", got)
}

func TestHandlerFileErrors(t *testing.T) {
	const longCause = `{\"errorMessage\": \"m\", \"errorType\": \"E\"}`
	tests := []struct {
		name, source, content, want string
	}{
		{"invalid JSON", "h.json", `{"fn": {"echo": true}`, `h.json: invalid JSON: `},
		{"invalid YAML", "h.yaml", "fn: [", `h.yaml: invalid YAML: `},
		{"YAML indentation", "h.yaml", "fn:\n  return:\n    a: 1\n   b: 2\n", `h.yaml: invalid YAML: 4:4: did not find expected key`},
		{"empty YAML", "h.yaml", "", `h.yaml: the file is empty`},
		{"not an object", "h.json", `[]`, `h.json: a handler file is an object whose keys name functions, resources or states, not an array`},
		{"non-string YAML key", "h.yaml", "fn:\n  return: {1: x}", `h.yaml: line 2: the key "1" is not a string (quote it)`},
		{"non-string YAML key in a list", "h.yaml", "fn:\n  return: [a, {true: x}]", `h.yaml: line 2: the key "true" is not a string (quote it)`},
		{"YAML infinity", "h.yaml", "fn:\n  return: [.inf]", `h.yaml: line 2: .inf is not a JSON number`},
		{"YAML scalar that does not decode", "h.yaml", "fn:\n  return: !!int abc", `h.yaml: line 2: yaml: `},
		{"stub null", "h.json", `{"fn": null}`, `h.json: key "fn": a stub is an object with one of "echo", "return" or "throw", not null`},
		{"stub a big number", "h.json", `{"fn": 123456789012345678901234567890}`, `h.json: key "fn": a stub is an object with one of "echo", "return" or "throw", not a number`},
		{"stub not an object", "h.json", `{"fn": true}`, `h.json: key "fn": a stub is an object with one of "echo", "return" or "throw", not a boolean`},
		{"no behaviour", "h.json", `{"fn": {"description": "x"}}`, `h.json: key "fn": a stub has exactly one of "echo", "return" or "throw", this one has 0`},
		{"two behaviours", "h.json", `{"fn": {"echo": true, "return": 1}}`, `h.json: key "fn": a stub has exactly one of "echo", "return" or "throw", this one has 2`},
		{"echo false", "h.json", `{"fn": {"echo": false}}`, `h.json: key "fn": "echo" must be true`},
		{"throw not an object", "h.json", `{"fn": {"throw": "E"}}`, `h.json: key "fn": "throw": an object with "error" and "cause" or "payload", not a string`},
		{"throw without error", "h.json", `{"fn": {"throw": {"cause": "c"}}}`, `h.json: key "fn": "throw": "error" must be a non-empty string (the errorType)`},
		{"throw unknown key", "h.json", `{"fn": {"throw": {"error": "E", "casue": "c"}}}`, `h.json: key "fn": "throw": unknown key "casue" (the keys are "error", "cause" and "payload")`},
		{"cause not a string", "h.json", `{"fn": {"throw": {"error": "E", "cause": {"a": 1}}}}`, `h.json: key "fn": "throw": "cause" must be a string (the error payload as the runtime wrote it), not an object`},
		{"cause not JSON with payload", "h.json", `{"fn": {"throw": {"error": "E", "cause": "oops", "payload": {}}}}`, `h.json: key "fn": "throw": "cause" is not JSON, so it cannot be the text of "payload": `},
		{"cause and payload differ", "h.json", `{"fn": {"throw": {"error": "E", "cause": "` + longCause + `", "payload": {"errorMessage": "other", "errorType": "E"}}}}`, `h.json: key "fn": "throw": "cause" and "payload" are different JSON values`},
		{"bad function name", "h.json", `{"bad name": {"echo": true}}`, `h.json: key "bad name": not a Lambda function name`},
		{"bad Lambda ARN", "h.json", `{"arn:aws:lambda:us-east-1:123456789012:function:": {"echo": true}}`, `h.json: key "arn:aws:lambda:us-east-1:123456789012:function:": not a Lambda function ARN`},
		{"bad ARN", "h.json", `{"arn:aws:sqs": {"echo": true}}`, `h.json: key "arn:aws:sqs": not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)`},
		{"empty state name", "h.json", `{"state:": {"echo": true}}`, `h.json: key "state:": no state name after "state:"`},
		{"two keys for one function", "h.json", `{"fn": {"echo": true}, "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST": {"return": 1}}`,
			`h.json: keys "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST" and "fn" name the same function`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewRegistry().AddHandlers(tt.source, []byte(tt.content))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "got %q\nwant it to start with %q", err, tt.want)
		})
	}

	_, err := LoadHandlerFile(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "handler file: open ")
	assert.ErrorContains(t, err, "missing.json")
	_, err = ParseHandlers([]byte(`{"fn": 1}`))
	assert.ErrorContains(t, err, `handlers: key "fn": `)
}

func TestJSONEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"int and float of one value", int64(1), 1.0, true},
		{"float and int of one value", 2.0, int64(2), true},
		{"ints", int64(1), int64(2), false},
		{"floats", 0.5, 0.5, true},
		{"a number is no string", int64(1), "1", false},
		{"a float is no bool", 1.0, true, false},
		{"an int is no null", int64(0), nil, false},
		{"nested", map[string]any{"a": []any{int64(1), "x"}}, map[string]any{"a": []any{1.0, "x"}}, true},
		{"missing key", map[string]any{"a": nil}, map[string]any{"b": nil}, false},
		{"longer array", []any{int64(1)}, []any{int64(1), int64(2)}, false},
		{"array element", []any{"a"}, []any{"b"}, false},
		{"object and array", map[string]any{}, []any{}, false},
		{"array and object", []any{}, map[string]any{}, false},
		{"strings", "a", "a", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, jsonEqual(tt.a, tt.b))
		})
	}
}
