package resources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/egress"
	"github.com/aslrun/aslrun/interpreter"
)

const httpInvoke = "arn:aws:states:::http:invoke"

// maxHTTPResponse bounds the body an HTTP Task reads; a larger result would fail on the payload limit anyway.
const maxHTTPResponse = 1 << 20

// invokeHTTP serves the HTTP Task (arn:aws:states:::http:invoke): it calls Parameters.ApiEndpoint with
// Method, Headers, QueryParameters and RequestBody, and returns {Headers, ResponseBody, StatusCode,
// StatusText}. The EventBridge connection (Authentication.ConnectionArn) is not needed locally and is
// ignored. A status outside 2xx fails the task with States.Http.StatusCode.<code>; a request that gets no
// answer fails with States.Http.Socket.
func invokeHTTP(ctx context.Context, call *Call, client *http.Client) (any, error) {
	params, _ := call.Input.(map[string]any)
	endpoint, _ := params["ApiEndpoint"].(string)
	method, _ := params["Method"].(string)
	if endpoint == "" || method == "" {
		return nil, failure.New(failure.Runtime, fmt.Sprintf(
			"The HTTP Task %q needs the string parameters ApiEndpoint and Method", call.StateName))
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, failure.New(failure.Runtime, fmt.Sprintf("The HTTP Task %q has an invalid ApiEndpoint %q", call.StateName, endpoint))
	}
	if q, ok := params["QueryParameters"].(map[string]any); ok {
		values := u.Query()
		for k, v := range q {
			addForm(values, k, v)
		}
		u.RawQuery = values.Encode()
	}
	body, contentType, err := requestBody(params)
	if err != nil {
		return nil, failure.New(failure.Runtime, fmt.Sprintf("The HTTP Task %q: %v", call.StateName, err))
	}
	var sent []byte
	if body != nil {
		sent, _ = io.ReadAll(body) // a strings.Reader: no error
		body = bytes.NewReader(sent)
	}
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(method), u.String(), body)
	if err != nil {
		return nil, failure.New(failure.Runtime, fmt.Sprintf("The HTTP Task %q: %v", call.StateName, err))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if h, ok := params["Headers"].(map[string]any); ok {
		for k, v := range h {
			req.Header.Set(k, fmt.Sprint(v))
		}
	}
	// TestState at TRACE shows the call: the request as sent, and the response when one came.
	traced := interpreter.HTTPCall{Protocol: u.Scheme, Method: req.Method, URL: req.URL.String(), RequestHeader: req.Header.Clone(),
		RequestBody: string(sent)}
	trace := interpreter.HTTPTrace(ctx)
	resp, err := client.Do(req)
	if err != nil {
		if trace != nil {
			trace(traced)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if refused, ok := errors.AsType[*egress.RefusedError](err); ok {
			return nil, failure.New(failure.HTTPSocket, fmt.Sprintf("The HTTP Task %q cannot call %s: %v", call.StateName, endpoint, refused))
		}
		return nil, failure.New(failure.HTTPSocket, err.Error())
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPResponse+1))
	if err != nil {
		return nil, failure.New(failure.HTTPSocket, err.Error())
	}
	if trace != nil {
		traced.StatusCode, traced.Status, traced.ResponseHeader, traced.ResponseBody = resp.StatusCode, http.StatusText(resp.StatusCode), resp.Header.Clone(), string(raw)
		trace(traced)
	}
	if len(raw) > maxHTTPResponse {
		return nil, failure.New(failure.DataLimitExceeded, fmt.Sprintf("The response of %s is larger than %d bytes", endpoint, maxHTTPResponse))
	}
	headers := map[string]any{}
	for k, vs := range resp.Header {
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		headers[strings.ToLower(k)] = list
	}
	var responseBody any = string(raw)
	if v, err := source.DecodePlain(raw); err == nil && len(bytes.TrimSpace(raw)) > 0 {
		responseBody = v
	}
	out := map[string]any{
		"Headers":      headers,
		"ResponseBody": responseBody,
		"StatusCode":   int64(resp.StatusCode),
		"StatusText":   http.StatusText(resp.StatusCode),
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, failure.New(fmt.Sprintf("States.Http.StatusCode.%d", resp.StatusCode), value.JSON(out))
	}
	return out, nil
}

// requestBody encodes RequestBody: as JSON, or as a form when Transform.RequestBodyEncoding is URL_ENCODED.
func requestBody(params map[string]any) (io.Reader, string, error) {
	b, ok := params["RequestBody"]
	if !ok {
		return nil, "", nil
	}
	transform, _ := params["Transform"].(map[string]any)
	if enc, _ := transform["RequestBodyEncoding"].(string); enc == "URL_ENCODED" {
		obj, ok := b.(map[string]any)
		if !ok {
			return nil, "", fmt.Errorf("a URL_ENCODED RequestBody must be an object")
		}
		values := url.Values{}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			addForm(values, k, obj[k])
		}
		return strings.NewReader(values.Encode()), "application/x-www-form-urlencoded", nil
	}
	if s, ok := b.(string); ok {
		return strings.NewReader(s), "text/plain", nil
	}
	return strings.NewReader(value.JSON(b)), "application/json", nil
}

// addForm adds a value to a query or form: arrays repeat the key (AWS's default, REPEAT), other values are
// written as text (objects and arrays inside as JSON).
func addForm(values url.Values, key string, v any) {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			addForm(values, key, e)
		}
	case string:
		values.Add(key, t)
	case map[string]any:
		values.Add(key, value.JSON(t))
	default:
		values.Add(key, value.JSON(t))
	}
}
