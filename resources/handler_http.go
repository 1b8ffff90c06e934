package resources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/internal/egress"
)

// The http stub POSTs the event as JSON to a URL and returns the JSON of the reply:
//
//	{"http": "http://127.0.0.1:8080/price", "headers": {"Authorization": "Bearer x"}, "timeout": 5}
//
// A 2xx reply's body is the result (an empty body is null). Any other reply whose body is a Lambda error
// payload ({"errorType": ...}) is that function error, its cause the body as written; otherwise it fails
// States.TaskFailed with the status and the start of the body. "timeout" (seconds, real time) fails the
// call with Sandbox.Timedout, as a Lambda function's timeout does; without it the Task's TimeoutSeconds ends
// the call (on a real clock, as for exec).
type httpStub struct {
	env     *Env // its HTTPClient makes the call, read at each call
	url     string
	headers map[string]string
	timeout time.Duration
}

func parseHTTP(stub map[string]any, sc stubScope) (Handler, error) {
	u, err := stubURL(stub, "http")
	if err != nil {
		return nil, err
	}
	s := &httpStub{env: sc.env, url: u.String()}
	if s.headers, err = stubStrings(stub, "headers"); err != nil {
		return nil, err
	}
	if s.timeout, err = stubTimeout(stub); err != nil {
		return nil, err
	}
	return s, nil
}

// Handle makes one request.
func (s *httpStub) Handle(ctx context.Context, call *Call) (any, error) {
	ctx, cancelTask := taskDeadline(ctx, call)
	defer cancelTask()
	run, cancel := ctx, context.CancelFunc(func() {})
	if s.timeout > 0 {
		run, cancel = context.WithTimeout(ctx, s.timeout)
	}
	defer cancel()

	req, err := http.NewRequestWithContext(run, http.MethodPost, s.url, strings.NewReader(value.JSON(call.Input)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	resp, err := s.env.httpClient().Do(req)
	if err != nil {
		if run.Err() != nil {
			return nil, stubEnd(ctx, s.timeout)
		}
		if refused, ok := errors.AsType[*egress.RefusedError](err); ok {
			return nil, failure.New(failure.HTTPSocket, fmt.Sprintf("The http stub cannot call POST %s: %v", s.url, refused))
		}
		return nil, err
	}
	defer resp.Body.Close()
	body, over, err := stubReadAll(resp.Body)
	switch {
	case over:
		return nil, stubTooLarge("The reply of POST " + s.url)
	case err != nil && run.Err() != nil:
		return nil, stubEnd(ctx, s.timeout)
	case err != nil:
		return nil, fmt.Errorf("reading the reply of POST %s: %w", s.url, err)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if fe, ok := stubErrorPayload(bytes.TrimSpace(body)); ok {
			return nil, fe
		}
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf("POST %s answered %s: %s", s.url, resp.Status, stubSnippet(body)))
	}
	out, err := stubResult(body)
	if err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"The reply of POST %s is not one JSON value (%v): %s", s.url, err, stubSnippet(body)))
	}
	return out, nil
}
