package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
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
//     serialised compactly with sorted keys);
//   - "exec": [cmd, args...] with "dir", "env", "timeout": runs a command per invocation (handler_exec.go);
//   - "http": URL with "headers", "timeout": POSTs the event to a URL (handler_http.go);
//   - "lambdaEndpoint": URL: invokes the function through a Lambda Invoke API such as sam local
//     start-lambda serves (handler_lambda_endpoint.go; function keys only);
//   - "sequence": [stub, ...]: the next stub per invocation, the last one repeating (handler_sequence.go);
//   - "sync": {"submit": R, "status": [R, ...]}: answers a .sync job's submit and describe calls (sync.go);
//   - "aws": true: forwards to the real AWS service, or the endpoint bound to it (handler_aws.go; opt-in,
//     function keys and the resources the generic call path can build). Under arn:aws:states:::s3:getObject,
//     s3:listObjectsV2 or s3:putObject, which are
//     no Tasks, it sends the Distributed Maps' reads or writes to real S3 (Registry.Objects), and no other
//     stub is taken there.
//
// Keys starting with $ are settings: "$endpoints" binds services to endpoints (endpoints.go), "$fixtures"
// and "$workers" (builtin.go). Other keys of a stub ("description", ...) are ignored.

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
	special := map[string]any{}
	for k, v := range top {
		if strings.HasPrefix(k, "$") && !isPlaceholder(k) { // never a function name, resource or state: aslrun's own settings
			special[k] = v
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the first error deterministically
	dir, err := filepath.Abs(filepath.Dir(source))
	if err != nil { // only when the working directory is gone: relative paths then fail when run
		dir = filepath.Dir(source)
	}
	routes := objectRoutes{}
	for _, k := range keys {
		if write, ok := mapObjectsKey(k); ok {
			if err := parseObjectsStub(top[k]); err != nil {
				return fmt.Errorf("%s: key %q: %w", source, k, err)
			}
			routes.read, routes.write = routes.read || !write, routes.write || write
			continue
		}
		b, err := bindingOf(k)
		if err != nil {
			return fmt.Errorf("%s: key %q: %w", source, k, err)
		}
		h, err := parseStub(top[k], stubScope{dir: dir, key: k, binding: b, env: r.environment(), reg: r})
		if err != nil {
			return fmt.Errorf("%s: key %q: %w", source, k, err)
		}
		if other, dup := owners[b]; dup {
			return fmt.Errorf("%s: keys %q and %q name the same %s", source, other, k, b.table)
		}
		owners[b] = k
		handlers[b] = h
	}
	var endpoints map[string]string
	if v, ok := special["$endpoints"]; ok {
		if endpoints, err = parseEndpoints(v); err != nil {
			return fmt.Errorf("%s: %w", source, err)
		}
		delete(special, "$endpoints")
	}
	if err := r.addSpecial(special, dir); err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	for b, h := range handlers {
		r.register(tables[b.table], b.key, h)
	}
	r.mu.Lock()
	r.objects.read, r.objects.write = r.objects.read || routes.read, r.objects.write || routes.write
	if len(endpoints) > 0 {
		if r.endpoints == nil {
			r.endpoints = map[string]string{}
		}
		for k, v := range endpoints {
			r.endpoints[k] = v
		}
		r.aws = nil // rebuilt with these on next use
	}
	r.mu.Unlock()
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
	if isPlaceholder(k) {
		return binding{"resource", k}, nil
	}
	if fn, ok := parseFunction(k); ok {
		return binding{"function", fn.name}, nil
	}
	if !strings.HasPrefix(k, "arn:") {
		return binding{}, errors.New("not a Lambda function name (letters, digits, '-', '_', '.', with an optional :QUALIFIER), " +
			"a partial or full Lambda ARN, a resource ARN, a Resource with a ${Placeholder} as written, or state:<StateName>")
	}
	parts := strings.SplitN(k, ":", 6)
	switch {
	case len(parts) < 6 || parts[2] == "":
		return binding{}, errors.New("not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")
	case parts[2] == "lambda":
		return binding{}, errors.New("not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])")
	}
	// An integration ARN with a region and an account binds the plain form the Registry matches by.
	return binding{"resource", asl.PlainResource(k)}, nil
}

// isPlaceholder reports whether a key holds a DefinitionSubstitutions placeholder ("${GetPriceArn}",
// "arn:aws:lambda:${AWS::Region}:..."): a definition not yet deployed has such a Resource, which a handler
// file binds as written, since there is nothing to substitute it with locally.
func isPlaceholder(k string) bool {
	i := strings.Index(k, "${")
	return i >= 0 && strings.IndexByte(k[i:], '}') > 2
}

// decodeHandlerFile parses JSON with ojg, so integers stay exact, and YAML into the same generic values.
func decodeHandlerFile(name string, data []byte) (any, error) {
	isJSON := bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		isJSON = true
	case ".yaml", ".yml":
		isJSON = false
	}
	if isJSON {
		v, err := source.DecodePlain(data)
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		return v, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// The positioned reader of definitions places the error where it is (line:col), where the library
		// may name the line a mapping starts on.
		if _, perr := source.ParseYAML(data); perr != nil {
			err = perr
		}
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

// stubScope is what a stub depends on besides its own keys.
type stubScope struct {
	dir     string // the handler file's directory, against which exec resolves relative paths
	key     string // the handler file key as written
	binding binding
	nested  bool      // inside a sequence, which cannot hold another
	env     *Env      // what built-in handlers and http stubs work with
	reg     *Registry // whose generic AWS client the aws stubs call
}

// stubKinds are the keys that give a stub its behaviour.
var stubKinds = []string{"echo", "return", "throw", "exec", "http", "lambdaEndpoint", "sequence", "aws", "builtin", "sync"}

// The messages begin as they did when only the first three kinds existed, so existing tooling that
// matches them keeps working.
const otherKinds = `"exec", "http", "lambdaEndpoint", "sequence", "aws", "builtin" or "sync"`

// parseStub reads one stub.
func parseStub(v any, sc stubScope) (Handler, error) {
	stub, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`a stub is an object with one of "echo", "return" or "throw", not %s (or with one of %s)`, kind(v), otherKinds)
	}
	var found []string
	for _, k := range stubKinds {
		if _, ok := stub[k]; ok {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf(`a stub has exactly one of "echo", "return" or "throw", this one has 0 (nor any of %s)`, otherKinds)
	case 1:
	default:
		return nil, fmt.Errorf(`a stub has exactly one of "echo", "return" or "throw", this one has %d: %s`, len(found), stubQuoteAll(found))
	}
	switch found[0] {
	case "echo":
		if stub["echo"] != true {
			return nil, errors.New(`"echo" must be true`)
		}
		return stubFunc(func(_ context.Context, call *Call) (any, error) { return call.Input, nil }), nil
	case "return":
		result := stub["return"] // shared by every call: nobody mutates a value handed on
		return stubFunc(func(context.Context, *Call) (any, error) { return result, nil }), nil
	case "exec":
		return parseExec(stub, sc)
	case "http":
		return parseHTTP(stub, sc)
	case "lambdaEndpoint":
		return parseLambdaEndpoint(stub, sc)
	case "sequence":
		return parseSequence(stub, sc)
	case "aws":
		return parseAWS(stub, sc)
	case "sync":
		return parseSync(stub, sc)
	case "builtin":
		name, ok := stub["builtin"].(string)
		if !ok {
			return nil, errors.New(`"builtin" must name a built-in handler`)
		}
		if sc.env == nil {
			return nil, errors.New("built-in handlers need the embedded services (Registry.UseEnv)")
		}
		return builtinHandler(name, sc.env)
	}
	name, cause, err := parseThrow(stub["throw"])
	if err != nil {
		return nil, fmt.Errorf(`"throw": %w`, err)
	}
	return stubFunc(func(context.Context, *Call) (any, error) { return nil, failure.New(name, cause) }), nil
}

func stubQuoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
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
		parsed, perr := source.DecodePlain([]byte(cause))
		if perr != nil {
			return "", "", fmt.Errorf(`"cause" is not JSON, so it cannot be the text of "payload": %w`, perr)
		}
		if !jsonEqual(parsed, payload) {
			return "", "", errors.New(`"cause" and "payload" are different JSON values`)
		}
	case hasPayload:
		cause = value.JSON(payload)
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

// What the stubs that call out (exec, http, lambdaEndpoint, aws) share.

// stubPayloadLimit is Step Functions' limit on a task result, 256 KiB: a stub reads no more of an output.
const stubPayloadLimit = 256 * 1024

// stubMaxTimeout bounds "timeout" as Step Functions bounds TimeoutSeconds.
const stubMaxTimeout = 99999999

// stubReadAll reads r up to the payload limit; over reports that r held more.
func stubReadAll(r io.Reader) (data []byte, over bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, stubPayloadLimit+1))
	if len(data) > stubPayloadLimit {
		return data[:stubPayloadLimit], true, err
	}
	return data, false, err
}

// stubTooLarge fails an output over the limit as Step Functions fails a task result over 256 KiB.
func stubTooLarge(what string) error {
	return failure.New(failure.DataLimitExceeded, fmt.Sprintf(
		"%s exceeds the maximum number of bytes service limit (%d bytes)", what, stubPayloadLimit))
}

// stubResult decodes a result: one JSON value. No output at all is null, as Lambda returns for a function
// that returns nothing.
func stubResult(data []byte) (any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	return source.DecodePlain(data)
}

// stubFunctionError finds a Lambda function's error payload, an object with a string errorType, in an
// output: the whole output, or its last non-empty line so that log lines may come first. The failure is
// named by the errorType and its cause is the object's text as written.
func stubFunctionError(out []byte) (*failure.Error, bool) {
	text := bytes.TrimSpace(out)
	if fe, ok := stubErrorPayload(text); ok {
		return fe, true
	}
	if i := bytes.LastIndexByte(text, '\n'); i >= 0 {
		return stubErrorPayload(bytes.TrimSpace(text[i+1:]))
	}
	return nil, false
}

func stubErrorPayload(text []byte) (*failure.Error, bool) {
	if len(text) == 0 || text[0] != '{' {
		return nil, false
	}
	v, err := source.DecodePlain(text)
	obj, _ := v.(map[string]any)
	name, _ := obj["errorType"].(string)
	if err != nil || name == "" {
		return nil, false
	}
	return failure.New(name, string(text)), true
}

// stubSnippet quotes the start of an output for a message.
func stubSnippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + fmt.Sprintf(" (the first %d bytes)", n)
	}
	return strconv.Quote(string(b))
}

// stubTimeout reads a stub's optional "timeout" in seconds; 0 means none.
func stubTimeout(stub map[string]any) (time.Duration, error) {
	v, ok := stub["timeout"]
	if !ok {
		return 0, nil
	}
	var secs float64
	switch t := v.(type) {
	case int64:
		secs = float64(t)
	case float64:
		secs = t
	default:
		return 0, fmt.Errorf(`"timeout" must be a number of seconds, not %s`, kind(v))
	}
	if secs <= 0 || secs > stubMaxTimeout {
		return 0, fmt.Errorf(`"timeout" must be more than 0 and at most %d seconds, not %v`, stubMaxTimeout, v)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// stubEnd is the error of a call whose context ended. When the caller's context ended (the Task's
// TimeoutSeconds, a stopped execution) the caller names the failure; otherwise the stub's own timeout ran
// out, which is a function timeout: Lambda reports Sandbox.Timedout with this message
// (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts).
// taskDeadline bounds a stub that calls out of the process (a command, a URL) by the Task's TimeoutSeconds
// in real time: a virtual clock stands still while the stub runs, so without it a hung command would hang
// the run instead of failing the Task with States.Timeout.
func taskDeadline(ctx context.Context, call *Call) (context.Context, context.CancelFunc) {
	if call.Timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, call.Timeout, failure.New(failure.Timeout,
		fmt.Sprintf("the handler of the state %q did not answer within the Task's TimeoutSeconds (%s)", call.StateName, call.Timeout)))
}

func stubEnd(parent context.Context, timeout time.Duration) error {
	if err := parent.Err(); err != nil {
		var fe *failure.Error
		if errors.As(context.Cause(parent), &fe) {
			return fe
		}
		return err
	}
	return Fail("Sandbox.Timedout", fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds",
		interpreter.NewUUID(), timeout.Seconds()))
}

// stubStrings reads an optional object of strings ("env", "headers").
func stubStrings(stub map[string]any, key string) (map[string]string, error) {
	v, ok := stub[key]
	if !ok {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%q must be an object of strings, not %s", key, kind(v))
	}
	out := make(map[string]string, len(obj))
	for k, e := range obj {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%q: the value of %q must be a string (quote it), not %s", key, k, kind(e))
		}
		out[k] = s
	}
	return out, nil
}

// stubURL reads an http or https URL.
func stubURL(stub map[string]any, key string) (*url.URL, error) {
	s, ok := stub[key].(string)
	if !ok {
		return nil, fmt.Errorf("%q must be an http or https URL, not %s", key, kind(stub[key]))
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", key, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q must be an http or https URL with a host, not %q", key, s)
	}
	return u, nil
}

// stubException is the exception a service error code names: Step Functions reports a service's errors as
// <Service>.<Exception> and adds the suffix Exception where the service's code lacks it
// (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
func stubException(code string) string {
	if strings.HasSuffix(code, "Exception") {
		return code
	}
	return code + "Exception"
}
