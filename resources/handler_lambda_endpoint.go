package resources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// The lambdaEndpoint stub runs a function through Lambda's Invoke API at another endpoint, such as
// `sam local start-lambda` serves:
//
//	{"lambdaEndpoint": "http://127.0.0.1:3001"}
//
// It POSTs the event to {endpoint}/2015-03-31/functions/{name}/invocations, name being the function's bare
// name: sam knows functions by name and rejects query parameters, so a qualifier is not sent. No request is
// signed (sam does not check). A reply with X-Amz-Function-Error is a function error, named by the payload's
// errorType (else by the header, e.g. Unhandled) with the payload as written as the cause; any other 2xx
// reply's payload is the result. A reply that is not 2xx is an error of the Lambda service, reported as
// Lambda.<Exception> with the Java SDK's rendering as the cause, as the Lambda errors of lambda.go are.
type endpointStub struct{ url string }

func parseLambdaEndpoint(stub map[string]any, sc stubScope) (Handler, error) {
	if sc.binding.table != "function" {
		return nil, errors.New(`"lambdaEndpoint" serves Lambda functions only: the key must be a function name or ARN`)
	}
	u, err := stubURL(stub, "lambdaEndpoint")
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf(`"lambdaEndpoint" must be the endpoint's base URL, without a query or fragment, not %q`, u)
	}
	u = u.JoinPath("2015-03-31", "functions", sc.binding.key, "invocations")
	return &endpointStub{url: u.String()}, nil
}

// Handle invokes the function once.
func (s *endpointStub) Handle(ctx context.Context, call *Call) (any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(value.JSON(call.Input)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	defer resp.Body.Close()
	body, over, err := stubReadAll(resp.Body)
	switch {
	case over:
		return nil, stubTooLarge("The payload of the function at " + s.url)
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, fmt.Errorf("reading the reply of POST %s: %w", s.url, err)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, endpointStubServiceError(resp, body)
	}
	if unhandled := resp.Header.Get("X-Amz-Function-Error"); unhandled != "" {
		if fe, ok := stubErrorPayload(bytes.TrimSpace(body)); ok {
			return nil, failure.New(fe.Name, string(body))
		}
		return nil, failure.New(unhandled, string(body))
	}
	out, err := stubResult(body)
	if err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"The payload of the function at %s is not one JSON value (%v): %s", s.url, err, stubSnippet(body)))
	}
	return out, nil
}

// endpointStubServiceError reads an error of the Invoke API. Lambda names it in X-Amzn-ErrorType
// ("ResourceNotFoundException:http://internal.amazon.com/..."), sam there too but without the suffix
// ("ResourceNotFound"); the message is the body's Message ({"Type": "User", "Message": ...}).
func endpointStubServiceError(resp *http.Response, body []byte) error {
	code, _, _ := strings.Cut(resp.Header.Get("X-Amzn-ErrorType"), ":")
	var message string
	if v, err := source.DecodePlain(body); err == nil {
		obj, _ := v.(map[string]any)
		for _, k := range []string{"Message", "message"} {
			if m, ok := obj[k].(string); ok && message == "" {
				message = m
			}
		}
		if t, ok := obj["__type"].(string); ok && code == "" {
			code = t[strings.LastIndexByte(t, '#')+1:]
		}
	}
	if message == "" {
		message = stubSnippet(body)
	}
	if code == "" { // what the Java SDK raises for an error it cannot name
		return lambdaServiceError("AWSLambdaException", fmt.Sprint(resp.StatusCode), resp.StatusCode, message)
	}
	return lambdaServiceError(stubException(code), code, resp.StatusCode, message)
}
