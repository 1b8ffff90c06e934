package resources

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/aslrun/aslrun/resources/awscall"
)

// EndpointURLs are where Tasks' service calls go instead of the embedded services or AWS: the base URLs
// of those services' APIs (LocalStack, moto, sam local start-lambda, DynamoDB Local, ElasticMQ...). Empty:
// not routed.
type EndpointURLs struct {
	// Lambda, SQS, SNS, DynamoDB are Step Functions Local's LAMBDA_ENDPOINT, SQS_ENDPOINT, SNS_ENDPOINT and
	// DYNAMODB_ENDPOINT: aliases of Services' lambda, sqs, sns and dynamodb.
	Lambda, SQS, SNS, DynamoDB string
	// Services binds services by the name of arn:aws:states:::aws-sdk:NAME:action (--endpoint NAME=URL).
	Services map[string]string
}

// Endpoints route the Tasks that no handler serves to services at other endpoints (Env.Endpoints). What a
// handler file or Go code binds still wins; a mock config's test case too, since it replaces the invoker.
//
//   - Lambda: a function no handler serves (legacy ARN or arn:aws:states:::lambda:invoke) is invoked
//     there, as the lambdaEndpoint stub invokes it.
//   - Any bound service: its aws-sdk integrations and its optimized ones (sqs:sendMessage, dynamodb:getItem,
//     events:putEvents, ...) are called there through the generic call path (package awscall) instead of
//     the embedded services, signed with the environment's credentials (placeholders when there are
//     none, which local emulators accept) in its region (AWS_REGION; else us-east-1).
type Endpoints struct {
	lambda   string
	services map[string]string // by aws-sdk service name
}

// NewEndpoints checks the URLs and prepares the routes. A service bound by name wins over its alias.
func NewEndpoints(u EndpointURLs) (*Endpoints, error) {
	e := &Endpoints{services: map[string]string{}}
	var err error
	if e.lambda, err = endpointBase("--lambda-endpoint or LAMBDA_ENDPOINT", u.Lambda); err != nil {
		return nil, err
	}
	for _, alias := range []struct{ name, env, url string }{
		{"sqs", "SQS_ENDPOINT", u.SQS}, {"sns", "SNS_ENDPOINT", u.SNS}, {"dynamodb", "DYNAMODB_ENDPOINT", u.DynamoDB},
	} {
		base, err := endpointBase(alias.env, alias.url)
		if err != nil {
			return nil, err
		}
		if base != "" {
			e.services[alias.name] = base
		}
	}
	for name, raw := range u.Services {
		svc, ok := awscall.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("--endpoint %s=%s: aslrun does not know the service %q (it knows %s)",
				name, raw, name, strings.Join(awscall.Names(), ", "))
		}
		base, err := endpointBase("--endpoint "+name, raw)
		if err != nil {
			return nil, err
		}
		e.services[svc.Name] = base
	}
	return e, nil
}

// ParseEndpointFlags reads --endpoint SERVICE=URL flags.
func ParseEndpointFlags(flags []string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range flags {
		name, u, ok := strings.Cut(f, "=")
		if !ok || name == "" || u == "" {
			return nil, fmt.Errorf("--endpoint %q: want SERVICE=URL, e.g. ecs=http://127.0.0.1:4566", f)
		}
		out[name] = u
	}
	return out, nil
}

// endpointBase checks an endpoint's URL: http or https, a host, no query.
func endpointBase(name, raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s: %q is not the http(s) base URL of a service", name, raw)
	}
	return u.String(), nil
}

// function is the handler of a Lambda function no handler serves: nil without a Lambda endpoint.
func (e *Endpoints) function(fn functionRef) Handler {
	if e == nil || e.lambda == "" {
		return nil
	}
	u, _ := url.Parse(e.lambda) // checked by NewEndpoints
	return &endpointStub{url: u.JoinPath("2015-03-31", "functions", fn.name, "invocations").String()}
}

// parseEndpoints reads a handler file's "$endpoints": {"SERVICE": "URL", ...}.
func parseEndpoints(v any) (map[string]string, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`"$endpoints" must be an object of service names and base URLs, e.g. {"ecs": "http://127.0.0.1:4566"}, not %s`, kind(v))
	}
	out := map[string]string{}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		raw, ok := obj[name].(string)
		if !ok {
			return nil, fmt.Errorf(`"$endpoints": %q must be a base URL, not %s`, name, kind(obj[name]))
		}
		svc, known := awscall.Lookup(name)
		if !known {
			return nil, fmt.Errorf(`"$endpoints": aslrun does not know the service %q (it knows %s)`, name, strings.Join(awscall.Names(), ", "))
		}
		base, err := endpointBase(`"$endpoints": `+name, raw)
		if err != nil {
			return nil, err
		}
		out[svc.Name] = base
	}
	return out, nil
}
