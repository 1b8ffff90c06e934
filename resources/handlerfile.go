package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ohler55/ojg"
	"github.com/ohler55/ojg/oj"
	"go.yaml.in/yaml/v3"

	"github.com/aslrun/aslrun/asl/failure"
)

// The handler file (aslrun execute --handlers FILE) is a JSON or YAML object of stubs, the "handlers" map
// of the AWS-recorded conformance cases:
//
//	{
//	  "arn:aws:lambda:us-east-1:111111111111:function:fn": {"echo": true},
//	  "other_fn":                      {"return": {"ok": true}},
//	  "123456789012:function:failing": {"throw": {"error": "PaymentError", "cause": "{\"errorMessage\": \"declined\"}"}},
//	  "arn:aws:states:::sns:publish":  {"return": {"MessageId": "m-1"}},
//	  "state:CheckInventory":          {"return": {"ItemStock": 20}}
//	}
//
// A key is a Lambda function (bare name, partial or full ARN, as Registry.Lambda takes it), any other
// resource ARN (exact match, as Registry.Resource), or state:<StateName> (as Registry.State). A stub has
// exactly one of:
//   - "echo": true: returns its event (for lambda:invoke a null or absent Payload arrives as {});
//   - "return": <json>: returns that value;
//   - "throw": {"error": E, "cause": C, "payload": P}: fails with errorType E; C is the error payload string
//     as the Lambda runtime wrote it, P the same parsed (give either or both; with P alone the cause is P
//     serialised compactly with sorted keys).
//
// Other keys of a stub ("description", ...) are ignored.

// LoadHandlerFile reads a handler file into a new registry.
func LoadHandlerFile(path string) (*Registry, error) {
	r := NewRegistry()
	if err := r.LoadHandlerFile(path); err != nil {
		return nil, err
	}
	return r, nil
}

// ParseHandlers reads the contents of a handler file into a new registry.
func ParseHandlers(data []byte) (*Registry, error) {
	r := NewRegistry()
	if err := r.AddHandlers("handlers", data); err != nil {
		return nil, err
	}
	return r, nil
}

// LoadHandlerFile reads a handler file and merges its bindings into r.
func (r *Registry) LoadHandlerFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("handler file: %w", err)
	}
	return r.AddHandlers(path, data)
}

// AddHandlers merges the bindings of a handler file's contents into r, replacing earlier bindings of the
// same keys. source names the contents in errors; its extension (.json, .yaml, .yml) picks the format,
// otherwise contents that start with '{' are JSON and anything else YAML. Nothing is merged when the
// contents have an error.
func (r *Registry) AddHandlers(source string, data []byte) error {
	doc, err := decodeHandlerFile(source, data)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: a handler file is an object whose keys name functions, resources or states, not %s", source, kind(doc))
	}

	tables := map[string]map[string]Handler{"state": r.states, "resource": r.resources, "function": r.functions}
	handlers := map[binding]Handler{}
	owners := map[binding]string{} // two file keys may not make the same binding
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the first error deterministically
	for _, k := range keys {
		h, err := parseStub(top[k])
		if err != nil {
			return fmt.Errorf("%s: key %q: %w", source, k, err)
		}
		b, err := bindingOf(k)
		if err != nil {
			return fmt.Errorf("%s: key %q: %w", source, k, err)
		}
		if other, dup := owners[b]; dup {
			return fmt.Errorf("%s: keys %q and %q name the same %s", source, other, k, b.table)
		}
		owners[b] = k
		handlers[b] = h
	}
	for b, h := range handlers {
		r.register(tables[b.table], b.key, h)
	}
	return nil
}

// binding is one entry of one of the registry's tables: "state", "resource" or "function".
type binding struct{ table, key string }

// bindingOf reads a handler file key.
func bindingOf(k string) (binding, error) {
	if name, ok := strings.CutPrefix(k, "state:"); ok {
		if name == "" {
			return binding{}, errors.New(`no state name after "state:"`)
		}
		return binding{"state", name}, nil
	}
	if fn, ok := parseFunction(k); ok {
		return binding{"function", fn.name}, nil
	}
	if !strings.HasPrefix(k, "arn:") {
		return binding{}, errors.New("not a Lambda function name (letters, digits, '-', '_', '.', with an optional :QUALIFIER), " +
			"a partial or full Lambda ARN, a resource ARN or state:<StateName>")
	}
	parts := strings.SplitN(k, ":", 6)
	switch {
	case len(parts) < 6 || parts[2] == "":
		return binding{}, errors.New("not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")
	case parts[2] == "lambda":
		return binding{}, errors.New("not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])")
	}
	return binding{"resource", k}, nil
}

// decodeHandlerFile parses JSON with ojg, so integers stay exact, and YAML into the same generic values.
func decodeHandlerFile(source string, data []byte) (any, error) {
	isJSON := bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
	switch strings.ToLower(filepath.Ext(source)) {
	case ".json":
		isJSON = true
	case ".yaml", ".yml":
		isJSON = false
	}
	if isJSON {
		v, err := oj.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		return v, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if doc.Kind == 0 {
		return nil, errors.New("the file is empty")
	}
	return fromYAML(&doc)
}

// fromYAML converts a YAML node to the values JSON would give: string keys only, int64 and float64 numbers,
// and timestamps kept as the text that was written.
func fromYAML(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		return fromYAML(n.Content[0])
	case yaml.AliasNode:
		return fromYAML(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
				return nil, fmt.Errorf("line %d: the key %q is not a string (quote it)", k.Line, k.Value)
			}
			val, err := fromYAML(v)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		a := make([]any, len(n.Content))
		for i, e := range n.Content {
			v, err := fromYAML(e)
			if err != nil {
				return nil, err
			}
			a[i] = v
		}
		return a, nil
	}
	if n.ShortTag() == "!!timestamp" {
		return n.Value, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Errorf("line %d: %w", n.Line, err)
	}
	switch t := v.(type) {
	case int:
		return int64(t), nil
	case uint64: // above MaxInt64: JSON parsers give a float too
		return float64(t), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, fmt.Errorf("line %d: %s is not a JSON number", n.Line, n.Value)
		}
	}
	return v, nil
}

// parseStub reads one stub.
func parseStub(v any) (Handler, error) {
	stub, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`a stub is an object with one of "echo", "return" or "throw", not %s`, kind(v))
	}
	var found []string
	for _, k := range []string{"echo", "return", "throw"} {
		if _, ok := stub[k]; ok {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf(`a stub has exactly one of "echo", "return" or "throw", this one has %d`, len(found))
	}
	switch found[0] {
	case "echo":
		if stub["echo"] != true {
			return nil, errors.New(`"echo" must be true`)
		}
		return HandlerFunc(func(_ context.Context, call *Call) (any, error) { return call.Input, nil }), nil
	case "return":
		result := stub["return"] // shared by every call: nobody mutates a value handed on
		return HandlerFunc(func(context.Context, *Call) (any, error) { return result, nil }), nil
	}
	name, cause, err := parseThrow(stub["throw"])
	if err != nil {
		return nil, fmt.Errorf(`"throw": %w`, err)
	}
	return HandlerFunc(func(context.Context, *Call) (any, error) { return nil, failure.New(name, cause) }), nil
}

// parseThrow reads {"error": E, "cause": C, "payload": P} and returns the error name and the cause text.
func parseThrow(v any) (name, cause string, err error) {
	t, ok := v.(map[string]any)
	if !ok {
		return "", "", fmt.Errorf(`an object with "error" and "cause" or "payload", not %s`, kind(v))
	}
	for k := range t {
		if k != "error" && k != "cause" && k != "payload" {
			return "", "", fmt.Errorf(`unknown key %q (the keys are "error", "cause" and "payload")`, k)
		}
	}
	name, _ = t["error"].(string)
	if name == "" {
		return "", "", errors.New(`"error" must be a non-empty string (the errorType)`)
	}
	rawCause, hasCause := t["cause"]
	payload, hasPayload := t["payload"]
	if hasCause {
		if cause, ok = rawCause.(string); !ok {
			return "", "", fmt.Errorf(`"cause" must be a string (the error payload as the runtime wrote it), not %s`, kind(rawCause))
		}
	}
	switch {
	case hasCause && hasPayload:
		parsed, perr := oj.ParseString(cause)
		if perr != nil {
			return "", "", fmt.Errorf(`"cause" is not JSON, so it cannot be the text of "payload": %w`, perr)
		}
		if !jsonEqual(parsed, payload) {
			return "", "", errors.New(`"cause" and "payload" are different JSON values`)
		}
	case hasPayload:
		cause = oj.JSON(payload, &ojg.Options{Sort: true})
	}
	return name, cause, nil
}

// jsonEqual compares JSON values as JSON does: numbers by value, whatever their Go type.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
		return false
	case float64:
		switch y := b.(type) {
		case int64:
			return x == float64(y)
		case float64:
			return x == y
		}
		return false
	}
	return a == b
}

// kind names a JSON value's type for messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int64, float64, json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}
