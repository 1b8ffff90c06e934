package resources

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// Fail returns the failure a Lambda function reports when it returns an error: the task fails with
// errorType as its Error, and the Cause is the error payload as the Go runtime (aws-lambda-go) writes it,
// {"errorMessage":…,"errorType":…}. Through a legacy Lambda ARN the Cause is that text verbatim; through
// lambda:invoke it is re-serialised, as AWS does.
func Fail(errorType, message string) error {
	payload, _ := json.Marshal(struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}{message, errorType}) // two strings always marshal
	return failure.New(errorType, string(payload))
}

// functionRef is a Lambda function as a Task names it.
type functionRef struct {
	partition, region, account string // empty unless the name was a full (or partial) ARN
	name, qualifier            string
}

var (
	functionNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`) })
	qualifierRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\$LATEST|[a-zA-Z0-9_-]+)$`) })
	regionRE       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`) })
	accountRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{12}$`) })
	numericRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+$`) })
)

// parseFunction reads a bare name (NAME[:QUALIFIER]), a partial ARN (ACCOUNT:function:NAME[:QUALIFIER]) or a
// full ARN (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]), the forms Lambda's Invoke
// accepts. Region and account are not checked, so literal {region}/{account} placeholders pass.
func parseFunction(s string) (functionRef, bool) {
	var fn functionRef
	parts := strings.Split(s, ":")
	switch {
	case parts[0] == "arn":
		if len(parts) < 7 || len(parts) > 8 || !strings.HasPrefix(parts[1], "aws") || parts[2] != "lambda" || parts[5] != "function" {
			return fn, false
		}
		fn.partition, fn.region, fn.account = parts[1], parts[3], parts[4]
		parts = parts[6:]
	case len(parts) >= 3 && parts[1] == "function":
		if len(parts) > 4 {
			return fn, false
		}
		fn.account = parts[0]
		parts = parts[2:]
	case len(parts) > 2:
		return fn, false
	}
	fn.name = parts[0]
	if len(parts) == 2 {
		fn.qualifier = parts[1]
		if !qualifierRE().MatchString(fn.qualifier) {
			return fn, false
		}
	}
	return fn, functionNameRE().MatchString(fn.name)
}

// arn is the function's qualified ARN as Lambda prints it in errors: unqualified means $LATEST. Placeholders
// and absent parts take the execution's region and account.
func (fn functionRef) arn(region, account string) string {
	partition := "aws"
	if fn.partition != "" {
		partition = fn.partition
	}
	if regionRE().MatchString(fn.region) {
		region = fn.region
	}
	if accountRE().MatchString(fn.account) {
		account = fn.account
	}
	qualifier := fn.qualifier
	if qualifier == "" {
		qualifier = "$LATEST"
	}
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s:%s", partition, region, account, fn.name, qualifier)
}

// executedVersion is what Lambda reports in X-Amz-Executed-Version. An alias would report the version it
// points at, which does not exist locally, so aliases report $LATEST.
func (fn functionRef) executedVersion() string {
	if numericRE().MatchString(fn.qualifier) {
		return fn.qualifier
	}
	return "$LATEST"
}

// legacyLambda recognises the legacy Lambda resource, a function ARN used as the Resource itself.
func legacyLambda(resource string) (functionRef, bool) {
	if !strings.HasPrefix(resource, "arn:") {
		return functionRef{}, false
	}
	return parseFunction(resource)
}

// isLambdaInvoke recognises the optimised Lambda integration arn:aws:states:::lambda:invoke.
//
// For the .waitForTaskToken form the function runs as for request-response; its envelope becomes the
// TaskSubmitted event's output, and the interpreter then waits for SendTaskSuccess or SendTaskFailure.
func isLambdaInvoke(resource string) bool {
	parts := strings.Split(resource, ":")
	return len(parts) == 7 && parts[0] == "arn" && strings.HasPrefix(parts[1], "aws") && parts[2] == "states" &&
		parts[5] == "lambda" && (parts[6] == "invoke" || parts[6] == "invoke.waitForTaskToken")
}

// invokeLegacy serves a legacy Lambda resource: the event is the effective input, the result is the
// function's return value, and a failure's Cause is the error payload verbatim.
//
// A missing function fails with Lambda.ResourceNotFoundException, as for lambda:invoke: AWS reports Lambda's
// errors as Lambda.<Exception> whichever way the function is called (and Step Functions Local does so for
// this form), and CreateStateMachine does not check that a function exists.
//
// state is the handler bound to the Task's state, if any: it stands in for the function; registered is the
// one registered for the function, if any.
func (r *Registry) invokeLegacy(ctx context.Context, state, registered Handler, fn functionRef, call *Call) (any, error) {
	h := state
	if h == nil {
		h = registered
	}
	if h == nil {
		if h = r.endpoint(fn); h == nil {
			return nil, functionNotFound(fn, call.Context())
		}
	}
	return invokeRaw(ctx, h, call)
}

// function is the handler of a function: the one registered for its name, else the Lambda endpoint's
// (Env.Endpoints); nil for none.
func (r *Registry) function(fn functionRef) Handler {
	if h := r.lookup(r.functions, fn.name); h != nil {
		return h
	}
	return r.endpoint(fn)
}

// endpoint is the Lambda endpoint's handler of a function (Env.Endpoints); nil for none.
func (r *Registry) endpoint(fn functionRef) Handler {
	if env := r.environment(); env != nil {
		return env.Endpoints.function(fn)
	}
	return nil
}

// invokeService serves arn:aws:states:::lambda:invoke. The effective input holds the Invoke request
// (FunctionName, Payload, InvocationType, Qualifier; ClientContext and LogType are accepted and ignored); the
// result is the envelope of Lambda's response, and a failure's Cause is the error payload re-serialised
// compactly. state is the handler bound to the Task's state, if any: it stands in for the function, so
// FunctionName may then be absent.
func (r *Registry) invokeService(ctx context.Context, state Handler, call *Call) (any, error) {
	params, _ := call.Input.(map[string]any)

	var fn *functionRef
	if name, ok := params["FunctionName"].(string); ok {
		f, ok := parseFunction(name)
		if !ok {
			return nil, lambdaValidation("functionName", name, "Member must satisfy regular expression pattern: "+
				`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`)
		}
		if q, ok := params["Qualifier"].(string); ok && q != "" {
			if !qualifierRE().MatchString(q) {
				return nil, lambdaValidation("qualifier", q, "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)")
			}
			if f.qualifier != "" && f.qualifier != q {
				return nil, lambdaError("InvalidParameterValueException", http.StatusBadRequest,
					"The derived qualifier from the function name does not match the specified qualifier.")
			}
			f.qualifier = q
		}
		fn = &f
	}

	invocationType := "RequestResponse"
	if t, ok := params["InvocationType"].(string); ok {
		invocationType = t
	}
	if invocationType != "RequestResponse" && invocationType != "Event" && invocationType != "DryRun" {
		return nil, lambdaValidation("invocationType", invocationType,
			"Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}

	h := state
	if h == nil {
		if fn == nil {
			return nil, failure.New(failure.Runtime, fmt.Sprintf(
				"The state %q invokes arn:aws:states:::lambda:invoke without a FunctionName string in its parameters, "+
					"and no handler is bound to the state (key %q in the handler file)", call.StateName, "state:"+call.StateName))
		}
		if h = r.function(*fn); h == nil {
			return nil, functionNotFound(*fn, call.Context())
		}
	}
	version := "$LATEST"
	if fn != nil {
		version = fn.executedVersion()
	}

	if invocationType == "DryRun" {
		return envelope(http.StatusNoContent, "", "", call), nil
	}
	event := *call
	event.Input = eventPayload(params["Payload"])
	out, err := h.Handle(ctx, &event)
	if invocationType == "Event" {
		// Lambda queues the event and answers 202 with an empty body at once: the function's result and
		// errors never reach the state. The handler runs to completion first, so an execution stays
		// deterministic.
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return envelope(http.StatusAccepted, "", "", call), nil
	}
	if err != nil {
		var fe *failure.Error
		if errors.As(err, &fe) {
			return nil, failure.New(fe.Name, compactJSON(fe.Cause))
		}
		return nil, err
	}
	payload, err := normalise(out)
	if err != nil {
		return nil, err
	}
	return envelope(http.StatusOK, version, payload, call), nil
}

// eventPayload is the event lambda:invoke sends for a Payload parameter. Null or absent reaches the function
// as {} (recorded on AWS); a string is the request body itself when it is JSON ("0.0" arrives as the number
// 0.0, recorded on AWS) and otherwise is sent as a JSON string (as localstack does; not recorded on AWS).
func eventPayload(p any) any {
	switch t := p.(type) {
	case nil:
		return map[string]any{}
	case string:
		if v, err := source.DecodePlain([]byte(t)); err == nil {
			return v
		}
	}
	return p
}

// envelope is the task result of lambda:invoke: the fields of Lambda's InvokeResponse as Step Functions
// renders them. AWS's values are recorded in the conformance cases; the headers here are realistic (a
// request id shared by the headers and the response metadata, the Date of the execution's clock, the
// length of the payload as compact JSON). Only a 200 has a body; only a run of the function has a version.
func envelope(status int, version string, payload any, call *Call) map[string]any {
	now := callTime(call)
	contentLength := 0
	if status == http.StatusOK {
		contentLength = len(value.JSON(payload))
	}
	headers := [][2]string{
		{"Connection", "keep-alive"},
		{"Content-Length", fmt.Sprint(contentLength)},
		{"Content-Type", "application/json"},
		{"Date", now.UTC().Format(http.TimeFormat)},
		{"x-amzn-Remapped-Content-Length", "0"},
		{"X-Amzn-Trace-Id", traceID(now)},
	}
	if version != "" {
		headers = append(headers, [2]string{"X-Amz-Executed-Version", version})
	}
	httpMeta, responseMeta := sdkMetadata(status, headers)
	out := map[string]any{
		"Payload":             payload,
		"SdkHttpMetadata":     httpMeta,
		"SdkResponseMetadata": responseMeta,
		"StatusCode":          int64(status),
	}
	if version != "" {
		out["ExecutedVersion"] = version
	}
	return out
}

// functionNotFound is Lambda's answer for a function that does not exist, as AWS reports it (recorded in
// error_handling/task_service_lambda__test_no_such_function).
func functionNotFound(fn functionRef, context map[string]any) error {
	region, account := executionRegionAccount(context)
	return lambdaError("ResourceNotFoundException", http.StatusNotFound, "Function not found: "+fn.arn(region, account))
}

// lambdaValidation is Lambda's answer to a request that breaks its API model. Lambda's API has no exception
// for it, so the Java SDK that Step Functions uses raises its generic AWSLambdaException.
func lambdaValidation(field, value, constraint string) error {
	return lambdaServiceError("AWSLambdaException", "ValidationException", http.StatusBadRequest, fmt.Sprintf(
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint))
}

func lambdaError(code string, status int, message string) error {
	return lambdaServiceError(code, code, status, message)
}

// lambdaServiceError is an error of the Lambda service (not of the function) as Step Functions reports it:
// named Lambda.<Exception>, with the Java SDK's rendering of the service's message as the cause.
func lambdaServiceError(exception, code string, status int, message string) error {
	return failure.New("Lambda."+exception, fmt.Sprintf(
		"%s (Service: AWSLambda; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		message, status, code, interpreter.NewUUID()))
}

// executionRegionAccount reads the region and account from the execution's ARN in the context object.
// aslrun's defaults are those of Step Functions Local.
func executionRegionAccount(context map[string]any) (region, account string) {
	region, account = "us-east-1", "123456789012"
	for _, key := range []string{"StateMachine", "Execution"} {
		obj, _ := context[key].(map[string]any)
		id, _ := obj["Id"].(string)
		if parts := strings.Split(id, ":"); len(parts) >= 6 && regionRE().MatchString(parts[3]) && accountRE().MatchString(parts[4]) {
			return parts[3], parts[4]
		}
	}
	return region, account
}

// compactJSON re-serialises an error payload the way Step Functions does for lambda:invoke: parsed (keeping
// the order of keys) and written compactly by Jackson, so strings come out with Jackson's escapes (non-ASCII
// as it is, control characters as \n or \u00XX). Numbers keep their text. A cause that is not JSON is kept.
func compactJSON(s string) string {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var buf bytes.Buffer
	if err := writeCompact(dec, &buf); err != nil {
		return s
	}
	if _, err := dec.Token(); err != io.EOF {
		return s
	}
	return buf.String()
}

func writeCompact(dec *json.Decoder, buf *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim: // only '{' or '[' here: the closing ones are read below
		buf.WriteRune(rune(t))
		for i := 0; dec.More(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if t == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				writeJacksonString(buf, key.(string))
				buf.WriteByte(':')
			}
			if err := writeCompact(dec, buf); err != nil {
				return err
			}
		}
		end, err := dec.Token()
		if err != nil {
			return err
		}
		buf.WriteRune(rune(end.(json.Delim)))
	case string:
		writeJacksonString(buf, t)
	case json.Number:
		buf.WriteString(t.String())
	case bool:
		fmt.Fprint(buf, t)
	case nil:
		buf.WriteString("null")
	}
	return nil
}

// writeJacksonString writes s as Jackson's default JSON generator does.
func writeJacksonString(buf *bytes.Buffer, s string) {
	const hexDigits = "0123456789ABCDEF"
	buf.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			buf.WriteByte('\\')
			buf.WriteRune(r)
		case r == '\b':
			buf.WriteString(`\b`)
		case r == '\t':
			buf.WriteString(`\t`)
		case r == '\n':
			buf.WriteString(`\n`)
		case r == '\f':
			buf.WriteString(`\f`)
		case r == '\r':
			buf.WriteString(`\r`)
		case r < 0x20:
			buf.WriteString(`\u00`)
			buf.WriteByte(hexDigits[r>>4])
			buf.WriteByte(hexDigits[r&0xF])
		default:
			buf.WriteRune(r)
		}
	}
	buf.WriteByte('"')
}

// traceID is an X-Ray trace header as Lambda returns it.
func traceID(now time.Time) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", now.Unix(), h[:24], h[24:])
}
