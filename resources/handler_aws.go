package resources

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/ohler55/ojg/oj"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/resources/s3"
)

// The aws stub forwards calls to the real AWS service; nothing reaches AWS unless a handler file asks so:
//
//	{"aws": true}
//
// Under a Lambda function key it invokes the function (the key's full ARN as written, else its name) in the
// ARN's region, else the configured one. Under arn:aws:states:::dynamodb:getItem, putItem, deleteItem or
// updateItem, arn:aws:states:::sqs:sendMessage or arn:aws:states:::sns:publish it makes that API call with the
// Task's parameters and returns the service's response (without the SdkHttpMetadata and
// SdkResponseMetadata that Step Functions adds). Under arn:aws:states:::aws-sdk:s3:getObject, putObject,
// headObject, deleteObject, copyObject or listObjectsV2 it calls S3 (see awsS3Stub). A service error fails the task as Step Functions reports
// it: <Service>.<Exception> (DynamoDB., SQS., SNS., Lambda.), the cause the message in the Java SDK's
// rendering. A function error is named by the payload's errorType, its cause the payload.
//
// Credentials come from the SDK's default chain (environment, shared files, SSO, instance roles), the region
// from AWS_REGION or the profile, the endpoint from the SDK, which honours AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE>. The configuration is read on the first call, not when the file is loaded, so
// that a handler file loads offline, and then kept, so that credentials are cached.

// awsStubResources are the resources the aws stub serves besides Lambda functions: service, then Step
// Functions' action name and the API's. aws-sdk:s3 actions are served by awsS3Stub.
var awsStubResources = map[string]map[string]string{
	"dynamodb": {"getItem": "GetItem", "putItem": "PutItem", "deleteItem": "DeleteItem", "updateItem": "UpdateItem"},
	"sqs":      {"sendMessage": "SendMessage"},
	"sns":      {"publish": "Publish"},
}

func parseAWS(stub map[string]any, sc stubScope) (Handler, error) {
	if stub["aws"] != true {
		return nil, errors.New(`"aws" must be true`)
	}
	switch sc.binding.table {
	case "function":
		fn, _ := parseFunction(sc.key) // the key made the binding, so it parses
		s := &awsLambdaStub{function: fn.name}
		if fn.qualifier != "" {
			s.function += ":" + fn.qualifier
		}
		if accountRE.MatchString(fn.account) && (fn.region == "" || regionRE.MatchString(fn.region)) {
			s.function = sc.key // a real (partial) ARN names the account too
		}
		if regionRE.MatchString(fn.region) {
			s.region = fn.region
		}
		return s, nil
	case "resource":
		parts := strings.Split(asl.PlainResource(sc.key), ":")
		if len(parts) == 7 && parts[0] == "arn" && strings.HasPrefix(parts[1], "aws") && parts[2] == "states" &&
			parts[3] == "" && parts[4] == "" {
			if action, ok := awsStubResources[parts[5]][parts[6]]; ok {
				return &awsServiceStub{api: awsStubAPIs[parts[5]], action: action}, nil
			}
		}
		if len(parts) == 8 && parts[0] == "arn" && strings.HasPrefix(parts[1], "aws") && parts[2] == "states" &&
			parts[3] == "" && parts[4] == "" && parts[5] == "aws-sdk" && parts[6] == "s3" && slices.Contains(s3.Actions(), parts[7]) {
			return &awsS3Stub{action: parts[7]}, nil
		}
	}
	return nil, errors.New(`"aws": true serves Lambda function keys and the resources arn:aws:states:::dynamodb:getItem, ` +
		`dynamodb:putItem, dynamodb:deleteItem, dynamodb:updateItem, sqs:sendMessage, sns:publish and ` +
		`aws-sdk:s3:` + strings.Join(s3.Actions(), ", aws-sdk:s3:") + ` only`)
}

// awsStubLazy builds a value on first use and keeps it; a failure is not kept, so the next call tries again.
type awsStubLazy[T any] struct {
	mu    sync.Mutex
	value T
	built bool
}

func (l *awsStubLazy[T]) get(ctx context.Context, build func(context.Context) (T, error)) (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.built {
		v, err := build(ctx)
		if err != nil {
			return v, err
		}
		l.value, l.built = v, true
	}
	return l.value, nil
}

func awsStubConfig(ctx context.Context, region string) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return cfg, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if region != "" {
		cfg.Region = region
	}
	if cfg.Region == "" {
		return cfg, errors.New("no AWS region is configured: set AWS_REGION (or name the function by its full ARN)")
	}
	return cfg, nil
}

// awsLambdaStub invokes a real Lambda function.
type awsLambdaStub struct {
	function string
	region   string // of the function's ARN; empty for the configured one
	client   awsStubLazy[*lambda.Client]
}

// Handle invokes the function once.
func (s *awsLambdaStub) Handle(ctx context.Context, call *Call) (any, error) {
	if err := unassumed(call); err != nil {
		return nil, err
	}
	client, err := s.client.get(ctx, func(ctx context.Context) (*lambda.Client, error) {
		cfg, err := awsStubConfig(ctx, s.region)
		if err != nil {
			return nil, err
		}
		return lambda.NewFromConfig(cfg), nil
	})
	if err != nil {
		return nil, err
	}
	out, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(s.function), Payload: []byte(oj.JSON(call.Input))})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var api smithy.APIError
		if !errors.As(err, &api) {
			return nil, err
		}
		status, _ := awsStubResponse(err)
		return nil, lambdaServiceError(stubException(api.ErrorCode()), api.ErrorCode(), status, api.ErrorMessage())
	}
	if len(out.Payload) > stubPayloadLimit {
		return nil, stubTooLarge("The payload of the function " + s.function)
	}
	if out.FunctionError != nil {
		if fe, ok := stubErrorPayload(bytes.TrimSpace(out.Payload)); ok {
			return nil, failure.New(fe.Name, string(out.Payload))
		}
		return nil, failure.New(*out.FunctionError, string(out.Payload))
	}
	result, err := stubResult(out.Payload)
	if err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"The payload of the function %s is not one JSON value (%v): %s", s.function, err, stubSnippet(out.Payload)))
	}
	return result, nil
}

// awsStubResponse reads the HTTP status and request id of an SDK error.
func awsStubResponse(err error) (status int, requestID string) {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode(), re.ServiceRequestID()
	}
	return 0, ""
}

// awsStubAPI is how one service is called and how Step Functions reports its errors.
type awsStubAPI struct {
	name        string // the prefix of error names
	signingName string
	javaService string // the service in the Java SDK's error text
	javaGeneric string // the Java SDK's exception for an error without a code
	jsonTarget  string // the X-Amz-Target prefix of AWS JSON 1.0; empty for the Query protocol
	endpoint    func(context.Context, aws.Config) (string, error)
}

var awsStubAPIs = map[string]awsStubAPI{
	"dynamodb": {"DynamoDB", "dynamodb", "AmazonDynamoDBv2", "AmazonDynamoDBException", "DynamoDB_20120810", awsStubDynamoDBEndpoint},
	"sqs":      {"SQS", "sqs", "AmazonSQS", "AmazonSQSException", "AmazonSQS", awsStubSQSEndpoint},
	"sns":      {"SNS", "sns", "AmazonSNS", "AmazonSNSException", "", awsStubSNSEndpoint},
}

// The endpoints come from each service's own resolver, which knows partitions and the endpoint settings.

func awsStubDynamoDBEndpoint(ctx context.Context, cfg aws.Config) (string, error) {
	o := dynamodb.NewFromConfig(cfg).Options()
	ep, err := o.EndpointResolverV2.ResolveEndpoint(ctx, dynamodb.EndpointParameters{Region: aws.String(o.Region), Endpoint: o.BaseEndpoint})
	return ep.URI.String(), err
}

func awsStubSQSEndpoint(ctx context.Context, cfg aws.Config) (string, error) {
	o := sqs.NewFromConfig(cfg).Options()
	ep, err := o.EndpointResolverV2.ResolveEndpoint(ctx, sqs.EndpointParameters{Region: aws.String(o.Region), Endpoint: o.BaseEndpoint})
	return ep.URI.String(), err
}

func awsStubSNSEndpoint(ctx context.Context, cfg aws.Config) (string, error) {
	o := sns.NewFromConfig(cfg).Options()
	ep, err := o.EndpointResolverV2.ResolveEndpoint(ctx, sns.EndpointParameters{Region: aws.String(o.Region), Endpoint: o.BaseEndpoint})
	return ep.URI.String(), err
}

// awsServiceStub makes one API call of DynamoDB, SQS or SNS per invocation, signed with Signature V4.
type awsServiceStub struct {
	api    awsStubAPI
	action string
	// baseURL, when set, is the endpoint of EndpointURLs the calls go to (endpoints.go).
	baseURL string
	target  awsStubLazy[awsStubTarget]
}

type awsStubTarget struct {
	cfg      aws.Config
	endpoint string
}

// Handle makes the call.
func (s *awsServiceStub) Handle(ctx context.Context, call *Call) (any, error) {
	if s.baseURL == "" {
		if err := unassumed(call); err != nil {
			return nil, err
		}
	}
	t, err := s.target.get(ctx, func(ctx context.Context) (awsStubTarget, error) {
		if s.baseURL != "" {
			return endpointTarget(ctx, s.baseURL)
		}
		cfg, err := awsStubConfig(ctx, "")
		if err != nil {
			return awsStubTarget{}, err
		}
		endpoint, err := s.api.endpoint(ctx, cfg)
		if err != nil {
			return awsStubTarget{}, fmt.Errorf("resolving the %s endpoint: %w", s.api.name, err)
		}
		return awsStubTarget{cfg, endpoint}, nil
	})
	if err != nil {
		return nil, err
	}
	params, _ := call.Input.(map[string]any)
	body, contentType, err := s.request(params)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	if s.api.jsonTarget != "" {
		req.Header.Set("X-Amz-Target", s.api.jsonTarget+"."+s.action)
	}
	if t.cfg.Credentials == nil {
		return nil, errors.New("no AWS credentials are configured")
	}
	creds, err := t.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("retrieving AWS credentials: %w", err)
	}
	hash := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(hash[:]), s.api.signingName, t.cfg.Region, time.Now()); err != nil {
		return nil, err
	}
	var client aws.HTTPClient = http.DefaultClient
	if t.cfg.HTTPClient != nil {
		client = t.cfg.HTTPClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	defer resp.Body.Close()
	reply, over, err := stubReadAll(resp.Body)
	switch {
	case over:
		return nil, stubTooLarge(fmt.Sprintf("The response of %s %s", s.api.name, s.action))
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, fmt.Errorf("reading the response of %s %s: %w", s.api.name, s.action, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, s.serviceError(resp, reply)
	}
	if s.api.jsonTarget == "" {
		return awsStubSNSResult(reply)
	}
	out, err := stubResult(reply)
	if err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"The response of %s %s is not JSON (%v): %s", s.api.name, s.action, err, stubSnippet(reply)))
	}
	return out, nil
}

// request encodes the Task's parameters. Like Step Functions, it sends a message body given as JSON as
// its text.
func (s *awsServiceStub) request(params map[string]any) (body []byte, contentType string, err error) {
	if s.api.jsonTarget == "" {
		form, err := awsStubSNSForm(params)
		return []byte(form.Encode()), "application/x-www-form-urlencoded; charset=utf-8", err
	}
	if m, ok := params["MessageBody"]; ok && s.api.name == "SQS" {
		if _, isString := m.(string); !isString {
			copied := make(map[string]any, len(params))
			for k, v := range params {
				copied[k] = v
			}
			copied["MessageBody"] = oj.JSON(m)
			params = copied // the input is shared with the execution: never mutated
		}
	}
	if params == nil {
		params = map[string]any{}
	}
	return []byte(oj.JSON(params)), "application/x-amz-json-1.0", nil
}

// awsStubSNSForm encodes Publish's parameters in the Query protocol.
func awsStubSNSForm(params map[string]any) (url.Values, error) {
	form := url.Values{"Action": {"Publish"}, "Version": {"2010-03-31"}}
	for k, v := range params {
		if k == "MessageAttributes" {
			if err := awsStubSNSAttributes(form, v); err != nil {
				return nil, err
			}
			continue
		}
		switch t := v.(type) {
		case string:
			form.Set(k, t)
		case map[string]any, []any:
			if k != "Message" {
				return nil, fmt.Errorf("the SNS Publish parameter %q must be a string, not %s", k, kind(v))
			}
			form.Set(k, oj.JSON(t))
		default:
			form.Set(k, oj.JSON(t))
		}
	}
	return form, nil
}

// awsStubSNSAttributes encodes MessageAttributes {"name": {"DataType": ..., "StringValue": ...}} as Query entries.
func awsStubSNSAttributes(form url.Values, v any) error {
	attrs, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf(`the SNS Publish parameter "MessageAttributes" must be an object, not %s`, kind(v))
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		attr, ok := attrs[name].(map[string]any)
		if !ok {
			return fmt.Errorf("the SNS message attribute %q must be an object, not %s", name, kind(attrs[name]))
		}
		prefix := fmt.Sprintf("MessageAttributes.entry.%d.", i+1)
		form.Set(prefix+"Name", name)
		for field, value := range attr {
			str, ok := value.(string)
			if !ok {
				return fmt.Errorf("the SNS message attribute %q: %q must be a string, not %s", name, field, kind(value))
			}
			form.Set(prefix+"Value."+field, str)
		}
	}
	return nil
}

// awsStubSNSResult reads Publish's XML response.
func awsStubSNSResult(reply []byte) (any, error) {
	var r struct {
		Result struct {
			MessageID      string `xml:"MessageId"`
			SequenceNumber string `xml:"SequenceNumber"`
		} `xml:"PublishResult"`
	}
	if err := xml.Unmarshal(reply, &r); err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"The response of SNS Publish is not XML (%v): %s", err, stubSnippet(reply)))
	}
	out := map[string]any{"MessageId": r.Result.MessageID}
	if r.Result.SequenceNumber != "" { // FIFO topics only
		out["SequenceNumber"] = r.Result.SequenceNumber
	}
	return out, nil
}

// serviceError reads a service's error response: JSON {"__type": "...#Code", "message": ...} or Query XML
// <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>.
func (s *awsServiceStub) serviceError(resp *http.Response, reply []byte) error {
	var code, message string
	requestID := resp.Header.Get("X-Amzn-RequestId")
	if s.api.jsonTarget == "" {
		var e struct {
			Error struct {
				Code    string `xml:"Code"`
				Message string `xml:"Message"`
			} `xml:"Error"`
			RequestID string `xml:"RequestId"`
		}
		if xml.Unmarshal(reply, &e) == nil {
			code, message = e.Error.Code, e.Error.Message
			if requestID == "" {
				requestID = e.RequestID
			}
		}
	} else if v, err := source.Decode(reply); err == nil {
		obj, _ := v.(map[string]any)
		if t, ok := obj["__type"].(string); ok {
			code = t[strings.LastIndexByte(t, '#')+1:]
		}
		for _, k := range []string{"message", "Message"} {
			if m, ok := obj[k].(string); ok && message == "" {
				message = m
			}
		}
	}
	if message == "" {
		message = stubSnippet(reply)
	}
	exception := s.api.javaGeneric
	if code != "" {
		exception = stubException(code)
	}
	return failure.New(s.api.name+"."+exception, fmt.Sprintf(
		"%s (Service: %s; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		message, s.api.javaService, resp.StatusCode, code, requestID))
}

// unassumed refuses the call of a Task that has Credentials: AWS would make it as the role they name, and
// the stubs that reach AWS make it with this machine's credentials, assuming no role. Run as someone else,
// it could read or change what the role may not.
func unassumed(call *Call) error {
	if call.Credentials == nil {
		return nil
	}
	return failure.New(failure.Runtime, fmt.Sprintf("The state '%s' has Credentials (%s), which aslrun does not assume: "+
		"its call to AWS would be made with this machine's credentials. Bind the state to a stub, or remove Credentials "+
		"to call AWS as this machine.", call.StateName, oj.JSON(call.Credentials, &oj.Options{Sort: true})))
}
