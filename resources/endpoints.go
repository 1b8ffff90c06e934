package resources

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

// EndpointURLs are where Step Functions Local's LAMBDA_ENDPOINT, SQS_ENDPOINT, SNS_ENDPOINT and
// DYNAMODB_ENDPOINT send the calls of Tasks: the base URLs of those services' APIs (LocalStack, sam local
// start-lambda, DynamoDB Local, ElasticMQ...). Empty: not routed.
type EndpointURLs struct {
	Lambda, SQS, SNS, DynamoDB string
}

// Endpoints route the Tasks that no handler serves to services at other endpoints (Env.Endpoints). What a
// handler file or Go code binds still wins; a mock config's test case too, since it replaces the invoker.
//
//   - Lambda: a function no handler serves (legacy ARN or arn:aws:states:::lambda:invoke) is invoked
//     there, as the lambdaEndpoint stub invokes it.
//   - SQS, SNS, DynamoDB: the optimized integrations the aws stub makes (sqs:sendMessage and
//     sns:publish, also .waitForTaskToken; dynamodb:getItem, putItem, updateItem, deleteItem) go there
//     instead of to the embedded services, answered with Step Functions' SdkHttpMetadata. The requests are
//     signed with the credentials of the environment (AWS_ACCESS_KEY_ID...; a placeholder when there are
//     none, which local emulators accept), in its region (AWS_REGION; else us-east-1). Other actions of
//     those services (aws-sdk:dynamodb:query...) stay with the embedded services.
type Endpoints struct {
	lambda   string
	services map[string]*awsServiceStub // by Task resource
}

// NewEndpoints checks the URLs and prepares the routes.
func NewEndpoints(u EndpointURLs) (*Endpoints, error) {
	e := &Endpoints{services: map[string]*awsServiceStub{}}
	var err error
	if e.lambda, err = endpointBase("LAMBDA_ENDPOINT", u.Lambda); err != nil {
		return nil, err
	}
	for _, svc := range []struct{ name, env, url string }{
		{"sqs", "SQS_ENDPOINT", u.SQS}, {"sns", "SNS_ENDPOINT", u.SNS}, {"dynamodb", "DYNAMODB_ENDPOINT", u.DynamoDB},
	} {
		base, err := endpointBase(svc.env, svc.url)
		if err != nil {
			return nil, err
		}
		if base == "" {
			continue
		}
		for action, api := range awsStubResources[svc.name] {
			stub := &awsServiceStub{api: awsStubAPIs[svc.name], action: api, baseURL: base}
			e.services["arn:aws:states:::"+svc.name+":"+action] = stub
			if svc.name != "dynamodb" {
				e.services["arn:aws:states:::"+svc.name+":"+action+".waitForTaskToken"] = stub
			}
		}
	}
	return e, nil
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

// service is the route of an optimized integration: nil when the resource goes nowhere else.
func (e *Endpoints) service(resource string) *awsServiceStub {
	if e == nil {
		return nil
	}
	return e.services[resource]
}

// endpointTarget is how a call to an endpoint of EndpointURLs is made: the environment's credentials and
// region when it has them, placeholders otherwise. The instance metadata service is not asked, so that a
// machine without credentials does not wait for it.
func endpointTarget(ctx context.Context, endpoint string) (awsStubTarget, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	if err != nil {
		return awsStubTarget{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	cfg.Credentials = placeholderCredentials{cfg.Credentials}
	return awsStubTarget{cfg: cfg, endpoint: endpoint}, nil
}

// placeholderCredentials are the environment's credentials, or placeholders when it has none.
type placeholderCredentials struct{ env aws.CredentialsProvider }

func (p placeholderCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if p.env != nil {
		creds, err := p.env.Retrieve(ctx)
		if err == nil {
			return creds, nil
		}
		if ctx.Err() != nil {
			return aws.Credentials{}, errors.Join(err, ctx.Err())
		}
	}
	return aws.Credentials{AccessKeyID: "aslrun", SecretAccessKey: "aslrun", Source: "aslrun placeholder"}, nil
}

// invokeEndpoint makes the call of an optimized integration that Env.Endpoints routes to an endpoint; ok
// is false for any other resource.
func (r *Registry) invokeEndpoint(ctx context.Context, call *Call) (any, bool, error) {
	env := r.environment()
	if env == nil {
		return nil, false, nil
	}
	stub := env.Endpoints.service(call.Resource)
	if stub == nil {
		return nil, false, nil
	}
	out, err := stub.Handle(ctx, call)
	if err != nil {
		return nil, true, err
	}
	response, _ := out.(map[string]any)
	// The content types Step Functions reports, as the embedded services do (services.go).
	contentType := "text/xml"
	if stub.api.name == "DynamoDB" {
		contentType = "application/x-amz-json-1.0"
	}
	return withSdkMetadata(response, call, contentType), true, nil
}
