// Package awscall calls any AWS API from a Task's parameters: arn:aws:states:::aws-sdk:SERVICE:ACTION (and
// the optimized integrations built on it) as one signed HTTP request, built from a small table per service
// (services.go) and the protocol family's rules, rather than from one compiled SDK client per service. It
// sends the call to the endpoint bound for the service (Options.Endpoints, AWS_ENDPOINT_URL_<SERVICE>,
// AWS_ENDPOINT_URL) or to AWS's own, signed with Signature V4 and the default credentials chain.
//
// What a table without the services' models cannot know is documented where it is decided: member names
// of camelCase APIs are converted by their first letter (Service.Camel, Service.Maps); the values of query
// and REST-XML responses are text, but for S3's known numbers and booleans; timestamps are what the wire
// carries (epoch seconds in AWS JSON, ISO 8601 text in XML).
package awscall

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aslrun/aslrun/asl/failure"
)

// Options configure a Client. The zero value calls AWS as the environment says.
type Options struct {
	// Endpoints are the base URLs bound to services by name ("ecs": "http://127.0.0.1:4566"): a handler
	// file's $endpoints, --endpoint flags. They win over the environment's AWS_ENDPOINT_URL variables.
	Endpoints map[string]string
	// Region is the region of the calls; empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's.
	Region string
	// HTTPClient sends the requests; nil is http.DefaultClient.
	HTTPClient *http.Client
	// Credentials sign the calls; nil is the default chain (credentials.go).
	Credentials CredentialsProvider
	// Getenv reads the environment; nil is os.Getenv.
	Getenv func(string) string
	// Now stamps the signatures; nil is time.Now.
	Now func() time.Time
}

// Client makes calls. It is safe for concurrent use; credentials are looked up on the first call that
// needs them and kept while they are valid.
type Client struct {
	opts  Options
	mu    sync.Mutex
	chain CredentialsProvider
}

// New returns a client. Nothing is read from the environment or the network until a call.
func New(opts Options) *Client {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	return &Client{opts: opts}
}

// WithRegion is a client whose calls go to another region; it shares c's credentials.
func (c *Client) WithRegion(region string) *Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.chain == nil {
		c.chain = aws.NewCredentialsCache(&chain{getenv: c.opts.Getenv})
	}
	opts := c.opts
	opts.Region = region
	return &Client{opts: opts, chain: c.chain}
}

// Bound returns the endpoint bound to a service, by Options.Endpoints or the environment
// (AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true);
// ok is false when the service goes to AWS's own endpoint.
func (c *Client) Bound(service string) (string, bool) {
	svc, known := Lookup(service)
	for _, name := range []string{service, svc.Name} {
		if u, ok := c.opts.Endpoints[name]; ok && name != "" {
			return u, true
		}
	}
	if strings.EqualFold(c.opts.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return "", false
	}
	if known {
		if u := c.opts.Getenv("AWS_ENDPOINT_URL_" + svc.EnvID); u != "" {
			return u, true
		}
	}
	if u := c.opts.Getenv("AWS_ENDPOINT_URL"); u != "" {
		return u, true
	}
	return "", false
}

// Response is an API call's result before Step Functions' shaping of errors.
type Response struct {
	Status int
	Header http.Header
	// Result is the response shaped as Step Functions returns it (PascalCase members).
	Result map[string]any
}

// ServiceError is a service's error response.
type ServiceError struct {
	Service   Service
	Code      string // the service's error code, e.g. ResourceNotFoundException
	Message   string
	Status    int
	RequestID string
}

func (e *ServiceError) Error() string {
	return fmt.Sprintf("%s %s (%d): %s", e.Service.Prefix, e.Code, e.Status, e.Message)
}

// ClientError is a call that got no response: the endpoint is down, refused or timed out.
type ClientError struct {
	Service Service
	URL     string
	Err     error
}

func (e *ClientError) Error() string {
	return fmt.Sprintf("Unable to execute HTTP request: %s failed: %v", e.URL, e.Err)
}

func (e *ClientError) Unwrap() error { return e.Err }

// Call sends one API call: service as in arn:aws:states:::aws-sdk:SERVICE:ACTION (e.g. "s3", "eventbridge",
// "secretsmanager", "ecs", "dynamodb", "sqs", "sns", "lambda"...), action camelCase as Step Functions writes it,
// params the Task's effective input (Step Functions' PascalCase aws-sdk conventions). It returns the result
// shaped as Step Functions returns it, or a *failure.Error named <Service>.<Exception> (cause the message).
func (c *Client) Call(ctx context.Context, service, action string, params any) (any, error) {
	resp, err := c.Do(ctx, service, action, params)
	if err != nil {
		return nil, SDKError(err)
	}
	return resp.Result, nil
}

// SDKError renders an error of Do as Step Functions' aws-sdk integrations report it: the AWS SDK for Java
// 2's exception, <Prefix>.<Code>Exception (the suffix added where the code lacks it, as the developer
// guide says), its message then "(Service: <Prefix>, Status Code: N, Request ID: ID)"; a call that got no
// response is <Prefix>.SdkClientException. Other errors (a *failure.Error, a context's) pass as they are.
func SDKError(err error) error {
	var se *ServiceError
	if errors.As(err, &se) {
		cause := fmt.Sprintf("(Service: %s, Status Code: %d, Request ID: %s)", se.Service.Prefix, se.Status, se.RequestID)
		if se.Message != "" {
			cause = se.Message + " " + cause
		}
		return failure.New(se.Service.Prefix+"."+Exception(se.Code, se.Service.Prefix), cause)
	}
	var ce *ClientError
	if errors.As(err, &ce) {
		return failure.New(ce.Service.Prefix+".SdkClientException", ce.Error())
	}
	return err
}

// Exception is the exception class of an error code: the code, with the suffix Exception where it lacks
// it; a response without a code is the service's generic exception, <Prefix>Exception.
func Exception(code, prefix string) string {
	switch {
	case code == "":
		return prefix + "Exception"
	case strings.HasSuffix(code, "Exception"):
		return code
	}
	return code + "Exception"
}

// Do sends one API call and returns the response, a *ServiceError, a *ClientError, or a *failure.Error
// (States.Runtime) for a call that cannot be built.
func (c *Client) Do(ctx context.Context, service, action string, params any) (*Response, error) {
	svc, httpResp, err := c.roundTrip(ctx, service, action, params, nil)
	if err != nil {
		return nil, err
	}
	defer httpResp.Body.Close()
	body, err := readLimited(httpResp.Body, svc, action)
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}
	result, err := decode(svc, action, httpResp, body)
	if err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf("The response of %s %s could not be read (%v): %s",
			svc.Prefix, apiAction(action), err, snippet(body)))
	}
	return &Response{Status: httpResp.StatusCode, Header: httpResp.Header, Result: result}, nil
}

// Open sends a call whose successful response the caller reads and closes (S3's getObject of an object
// of any size); errors are Do's.
func (c *Client) Open(ctx context.Context, service, action string, params map[string]any) (*http.Response, error) {
	_, resp, err := c.roundTrip(ctx, service, action, params, nil)
	return resp, err
}

// Send sends a call whose body is read from body (S3's putObject of an object of any size), from where
// it stands: it is read once to be signed, then sent. Errors are Do's.
func (c *Client) Send(ctx context.Context, service, action string, params map[string]any, body io.ReadSeeker) error {
	_, resp, err := c.roundTrip(ctx, service, action, params, body)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// roundTrip builds, signs and sends a call; a response that is no success is read into a *ServiceError.
func (c *Client) roundTrip(ctx context.Context, service, action string, params any, body io.ReadSeeker) (Service, *http.Response, error) {
	svc, ok := Lookup(service)
	if !ok {
		return svc, nil, failure.New(failure.Runtime, fmt.Sprintf(
			"aslrun cannot call the service '%s' (aws-sdk:%s:%s): it knows how to call %s. %s",
			service, service, action, strings.Join(Names(), ", "), BindHint))
	}
	if !svc.Knows(action) {
		return svc, nil, failure.New(failure.Runtime, fmt.Sprintf(
			"aslrun cannot call the action '%s' of the %s API (aws-sdk:%s:%s): its %s table routes only %s. %s",
			action, svc.Name, service, action, svc.Protocol, strings.Join(routeNames(svc), ", "), BindHint))
	}
	in, isObject := params.(map[string]any)
	if !isObject {
		if params != nil {
			return svc, nil, failure.New(failure.Runtime, fmt.Sprintf(
				"The parameters of aws-sdk:%s:%s must be a JSON object, not %T", service, action, params))
		}
		in = map[string]any{}
	}
	base, bound := c.Bound(service)
	region, err := c.region(bound)
	if err != nil {
		return svc, nil, err
	}
	if svc.Global && !bound {
		region = "us-east-1"
	}
	if !bound {
		base = awsEndpoint(svc, region)
	}
	endpoint, err := url.Parse(base)
	if err != nil || (endpoint.Scheme != "http" && endpoint.Scheme != "https") || endpoint.Host == "" {
		return svc, nil, failure.New(failure.Runtime, fmt.Sprintf("the endpoint of %s, %q, is not an http(s) URL", svc.Name, base))
	}
	req, err := build(ctx, svc, action, in, endpoint, !bound)
	if err != nil {
		return svc, nil, err
	}
	if body != nil {
		if err := req.stream(body); err != nil {
			return svc, nil, err
		}
	}
	creds, err := c.credentials(ctx, bound)
	if err != nil {
		return svc, nil, err
	}
	if err := sign(ctx, req, creds, svc.Signing, region, c.opts.Now()); err != nil {
		return svc, nil, err
	}
	httpResp, err := c.opts.HTTPClient.Do(req.http)
	if err != nil {
		if ctx.Err() != nil {
			return svc, nil, context.Cause(ctx)
		}
		return svc, nil, &ClientError{Service: svc, URL: req.http.URL.String(), Err: unwrapURL(err)}
	}
	if httpResp.StatusCode < 200 || httpResp.StatusCode > 299 {
		defer httpResp.Body.Close()
		reply, err := readLimited(httpResp.Body, svc, action)
		if err != nil && ctx.Err() != nil {
			return svc, nil, context.Cause(ctx)
		}
		return svc, nil, decodeError(svc, httpResp, reply)
	}
	return svc, httpResp, nil
}

// BindHint says how to make a call aslrun cannot build.
const BindHint = `Bind a handler to the resource or the state in a handler file, or bind the service to an ` +
	`endpoint that answers it ("$endpoints" in the handler file, --endpoint SERVICE=URL, AWS_ENDPOINT_URL_<SERVICE>)`

func routeNames(svc Service) []string {
	names := make([]string, 0, len(svc.Routes))
	for n := range svc.Routes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// region is the calls' region: the option, the environment's, the profile's; an emulator gets us-east-1
// when none is set.
func (c *Client) region(bound bool) (string, error) {
	if c.opts.Region != "" {
		return c.opts.Region, nil
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r := c.opts.Getenv(k); r != "" {
			return r, nil
		}
	}
	if r := profileRegion(c.opts.Getenv); r != "" {
		return r, nil
	}
	if bound {
		return "us-east-1", nil
	}
	return "", failure.New(failure.Runtime, "no AWS region is configured for calls to AWS: set AWS_REGION (or a region in the AWS profile)")
}

// awsEndpoint is AWS's own endpoint of a service in a region.
func awsEndpoint(svc Service, region string) string {
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	if svc.Global {
		return "https://" + svc.Host + "." + suffix
	}
	return "https://" + svc.Host + "." + region + "." + suffix
}

// unwrapURL drops net/http's "Post "URL": " wrapping, whose URL the ClientError names already.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		var op *net.OpError
		if errors.As(ue.Err, &op) {
			return op
		}
		return ue.Err
	}
	return err
}

// responseLimit bounds a response read: Step Functions' limit on a task result, 256 KiB.
const responseLimit = 256 * 1024

func readLimited(r io.Reader, svc Service, action string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, responseLimit+1))
	if err == nil && len(b) > responseLimit {
		return nil, failure.New(failure.DataLimitExceeded, fmt.Sprintf(
			"The response of %s %s exceeds the maximum number of bytes service limit (%d bytes)", svc.Prefix, apiAction(action), responseLimit))
	}
	return b, err
}

func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return fmt.Sprintf("%q (the first %d bytes)", b[:n], n)
	}
	return fmt.Sprintf("%q", b)
}
