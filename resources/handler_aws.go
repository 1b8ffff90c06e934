package resources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/resources/awscall"
	"github.com/aslrun/aslrun/resources/awserr"
	"github.com/aslrun/aslrun/resources/jobs"
)

// The aws stub calls the real AWS service; nothing reaches AWS unless a handler file asks so:
//
//	{"aws": true}
//
// Under a Lambda function key it invokes the function (the key's full ARN as written, else its name) in the
// ARN's region, else the configured one. Under arn:aws:states:::aws-sdk:SERVICE:ACTION, or an optimized
// integration that makes one API call (dynamodb:getItem, sqs:sendMessage, sns:publish, events:putEvents,
// ecs:runTask, ...; also .waitForTaskToken; a .sync job resources/jobs models makes its submit and describe
// calls), it makes that API call with the Task's parameters through
// the generic call path (package awscall), shaped and failing as Step Functions shapes and fails it (see
// callService). The endpoint is AWS's own unless one is bound to the service ($endpoints, --endpoint,
// AWS_ENDPOINT_URL_<SERVICE>); credentials come from the default chain, read on the first call, so a
// handler file loads offline.

func parseAWS(stub map[string]any, sc stubScope) (Handler, error) {
	if stub["aws"] != true {
		return nil, errors.New(`"aws" must be true`)
	}
	switch sc.binding.table {
	case "function":
		fn, _ := parseFunction(sc.key) // the key made the binding, so it parses
		s := &awsLambdaStub{reg: sc.reg, function: fn.name}
		if fn.qualifier != "" {
			s.function += ":" + fn.qualifier
		}
		if accountRE().MatchString(fn.account) && (fn.region == "" || regionRE().MatchString(fn.region)) {
			s.function = sc.key // a real (partial) ARN names the account too
		}
		if regionRE().MatchString(fn.region) {
			s.region = fn.region
		}
		return s, nil
	case "resource":
		target, ok := parseAWSTarget(asl.PlainResource(sc.key))
		switch {
		case ok && target.pattern != ".sync":
			return &awsCallStub{reg: sc.reg, target: target}, nil
		case ok && SyncJob(asl.PlainResource(sc.key)):
			return &awsCallStub{reg: sc.reg, target: target, job: true}, nil
		}
	}
	return nil, errors.New(`"aws": true serves Lambda function keys, arn:aws:states:::aws-sdk:SERVICE:ACTION resources of the ` +
		`services aslrun can call (` + strings.Join(awscall.Names(), ", ") + `; REST APIs only for the actions of its table) ` +
		`and the optimized integrations ` + strings.Join(optimizedNames(), ", ") + ` only`)
}

// optimized is an optimized integration's service: the API it calls and how Step Functions reports its
// errors (the AWS SDK for Java 1's names).
type optimized struct {
	api         string // awscall's service name
	prefix      string // of error names: DynamoDB.ConditionalCheckFailedException
	javaService string // in the cause: (Service: AmazonDynamoDBv2; ...)
	contentType string // of SdkHttpMetadata
	// def, where an embedded emulation reports the service's errors too, maps codes to exceptions as it does.
	def *service
}

// optimizedServices are the optimized integrations that make one API call, arn:aws:states:::SERVICE:ACTION,
// by SERVICE. The actions are the API's (validated by the linter against Step Functions' table).
var optimizedServices = map[string]optimized{
	"dynamodb":         {"dynamodb", "DynamoDB", "AmazonDynamoDBv2", "application/x-amz-json-1.0", &dynamoDBService},
	"sqs":              {"sqs", "SQS", "AmazonSQS", "text/xml", &sqsService},
	"sns":              {"sns", "SNS", "AmazonSNS", "text/xml", &snsService},
	"events":           {"eventbridge", "EventBridge", "AmazonCloudWatchEvents", "application/x-amz-json-1.1", nil},
	"ecs":              {"ecs", "ECS", "AmazonECS", "application/x-amz-json-1.1", nil},
	"batch":            {"batch", "Batch", "AWSBatch", "application/json", nil},
	"glue":             {"glue", "Glue", "AWSGlue", "application/x-amz-json-1.1", nil},
	"athena":           {"athena", "Athena", "AmazonAthena", "application/x-amz-json-1.1", nil},
	"codebuild":        {"codebuild", "CodeBuild", "AWSCodeBuild", "application/x-amz-json-1.1", nil},
	"sagemaker":        {"sagemaker", "SageMaker", "AmazonSageMaker", "application/x-amz-json-1.1", nil},
	"elasticmapreduce": {"emr", "ElasticMapReduce", "AmazonElasticMapReduce", "application/x-amz-json-1.1", nil},
	"emr-serverless":   {"emrserverless", "EMRServerless", "AWSEMRServerless", "application/json", nil},
}

func optimizedNames() []string {
	names := make([]string, 0, len(optimizedServices))
	for n := range optimizedServices {
		names = append(names, n+":*")
	}
	sort.Strings(names)
	return names
}

// awsTarget is a Task resource that is one API call.
type awsTarget struct {
	service, action string // awscall's service, the action as Step Functions writes it
	sdk             bool   // aws-sdk:..., else optimized
	opt             optimized
	pattern         string // "", ".waitForTaskToken" or ".sync" (the .sync patterns are modelled elsewhere)
}

// parseAWSTarget reads arn:aws:states:::aws-sdk:SERVICE:ACTION[PATTERN] or an optimized SERVICE:ACTION[PATTERN].
func parseAWSTarget(resource string) (awsTarget, bool) {
	rest, ok := strings.CutPrefix(resource, "arn:aws:states:::")
	if !ok {
		return awsTarget{}, false
	}
	var t awsTarget
	for _, p := range []string{".waitForTaskToken", ".sync:2", ".sync"} {
		if r, cut := strings.CutSuffix(rest, p); cut {
			rest, t.pattern = r, strings.TrimSuffix(p, ":2")
			break
		}
	}
	rest, t.sdk = strings.CutPrefix(rest, "aws-sdk:")
	svc, action, ok := strings.Cut(rest, ":")
	if !ok || action == "" || strings.Contains(action, ":") {
		return awsTarget{}, false
	}
	t.service, t.action = svc, action
	if !t.sdk {
		if t.opt, ok = optimizedServices[svc]; !ok {
			return awsTarget{}, false
		}
		t.service = t.opt.api
		return t, true
	}
	api, known := awscall.Lookup(svc)
	if known && api.Knows(action) {
		t.service = api.Name
	}
	return t, known && api.Knows(action)
}

// awsClient is the registry's client of the generic call path: the endpoints bound by the environment
// (--endpoint and its aliases) win over the handler files' $endpoints.
func (r *Registry) awsClient() *awscall.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.aws == nil {
		bound := map[string]string{}
		for k, v := range r.endpoints {
			bound[k] = v
		}
		if r.env != nil && r.env.Endpoints != nil {
			for k, v := range r.env.Endpoints.services {
				bound[k] = v
			}
		}
		r.aws = awscall.New(awscall.Options{Endpoints: bound})
	}
	return r.aws
}

// invokeBound makes the call of an aws-sdk or optimized integration whose service is bound to an
// endpoint; ok is false for any other resource.
func (r *Registry) invokeBound(ctx context.Context, call *Call) (any, bool, error) {
	t, ok := parseAWSTarget(call.Resource)
	if !ok || (t.pattern == ".sync" && !SyncJob(call.Resource)) {
		return nil, false, nil
	}
	if _, bound := r.awsClient().Bound(t.service); !bound {
		return nil, false, nil
	}
	if t.pattern == ".sync" {
		// The job's submit and describe calls go to the bound endpoint; resources/jobs polls.
		out, err := syncHandler(jobCaller{r.awsClient(), t.opt}, t.opt.contentType).Handle(ctx, call)
		return out, true, err
	}
	out, err := r.callService(ctx, r.awsClient(), t, call)
	return out, true, err
}

// callService makes one API call as Step Functions' integration makes it. An aws-sdk integration returns
// the response and fails with the AWS SDK for Java 2's names; an optimized one sends a message given as
// JSON as its text (SQS's MessageBody, SNS's Message, EventBridge's Detail), returns the response plus
// SdkHttpMetadata and SdkResponseMetadata, and fails with the Java SDK 1's names and rendering.
func (r *Registry) callService(ctx context.Context, client *awscall.Client, t awsTarget, call *Call) (any, error) {
	params := call.Input
	if t.sdk {
		resp, err := client.Do(ctx, t.service, t.action, params)
		if err != nil {
			return nil, reshapeSDK(t, err)
		}
		return awscall.SDKTimestamps(t.service, resp.Result), nil
	}
	params = textMessages(t, params)
	resp, err := client.Do(ctx, t.service, t.action, params)
	if err != nil {
		return nil, optimizedError(t.opt, err)
	}
	if t.service == "ecs" && t.action == "runTask" && t.pattern == ".waitForTaskToken" {
		if err := jobs.ECSRunFailures(resp.Result); err != nil {
			return nil, err
		}
	}
	return withSdkMetadata(resp.Result, call, t.opt.contentType), nil
}

// jobCaller makes the calls of an optimized integration's .sync job, failing as that integration does
// (ECS.AmazonECSException, not the aws-sdk integration's Ecs.EcsException).
type jobCaller struct {
	client *awscall.Client
	opt    optimized
}

func (c jobCaller) Call(ctx context.Context, service, action string, params any) (any, error) {
	resp, err := c.client.Do(ctx, service, action, params)
	if err != nil {
		return nil, optimizedError(c.opt, err)
	}
	return resp.Result, nil
}

// reshapeSDK reports the errors of S3 and DynamoDB as the embedded emulations do (their exception classes
// for modelled codes, the service's generic exception for others).
func reshapeSDK(t awsTarget, err error) error {
	var se *awscall.ServiceError
	if !errors.As(err, &se) || (t.service != "s3" && t.service != "dynamodb") {
		return awscall.SDKError(err)
	}
	def := s3Service
	if t.service == "dynamodb" {
		def = dynamoDBService
	}
	return def.taskError(&awserr.Error{Code: se.Code, Status: se.Status, Message: se.Message, RequestID: se.RequestID}, true)
}

// optimizedError renders a failed call of an optimized integration.
func optimizedError(opt optimized, err error) error {
	var se *awscall.ServiceError
	if errors.As(err, &se) {
		if opt.def != nil {
			return opt.def.taskError(&awserr.Error{Code: se.Code, Status: se.Status, Message: se.Message, RequestID: se.RequestID}, false)
		}
		return failure.New(opt.prefix+"."+awscall.Exception(se.Code, opt.javaService), fmt.Sprintf(
			"%s (Service: %s; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
			se.Message, opt.javaService, se.Status, se.Code, se.RequestID))
	}
	var ce *awscall.ClientError
	if errors.As(err, &ce) {
		return failure.New(opt.prefix+".SdkClientException", ce.Error())
	}
	return err
}

// textMessages sends a message given as JSON as its text, as Step Functions' optimized integrations do.
// The input is shared with the execution: it is copied, never changed.
func textMessages(t awsTarget, params any) any {
	in, ok := params.(map[string]any)
	if !ok {
		return params
	}
	field := map[string]string{"sqs": "MessageBody", "sns": "Message"}[t.service]
	if field != "" {
		if v, present := in[field]; present {
			if _, isText := v.(string); !isText {
				return withField(in, field, value.JSON(v))
			}
		}
		return in
	}
	entries, isList := in["Entries"].([]any)
	if t.service != "eventbridge" || !isList {
		return in
	}
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = e
		if entry, isObject := e.(map[string]any); isObject {
			if d, present := entry["Detail"]; present {
				if _, isText := d.(string); !isText {
					out[i] = withField(entry, "Detail", value.JSON(d))
				}
			}
		}
	}
	return withField(in, "Entries", out)
}

func withField(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// awsCallStub makes the API call of its resource, to AWS unless an endpoint is bound.
type awsCallStub struct {
	reg    *Registry
	target awsTarget
	job    bool // a modelled .sync job: its submit and describe calls, polled by resources/jobs
}

func (s *awsCallStub) Handle(ctx context.Context, call *Call) (any, error) {
	if err := unassumed(call); err != nil {
		return nil, err
	}
	if s.job {
		return syncHandler(jobCaller{s.reg.awsClient(), s.target.opt}, s.target.opt.contentType).Handle(ctx, call)
	}
	return s.reg.callService(ctx, s.reg.awsClient(), s.target, call)
}

// awsLambdaStub invokes a real Lambda function.
type awsLambdaStub struct {
	reg      *Registry
	function string
	region   string // of the function's ARN; empty for the configured one
}

// Handle invokes the function once.
func (s *awsLambdaStub) Handle(ctx context.Context, call *Call) (any, error) {
	if err := unassumed(call); err != nil {
		return nil, err
	}
	client := s.reg.awsClient()
	if s.region != "" {
		client = client.WithRegion(s.region)
	}
	resp, err := client.Do(ctx, "lambda", "invoke", map[string]any{"FunctionName": s.function, "Payload": value.JSON(call.Input)})
	if err != nil {
		var se *awscall.ServiceError
		if errors.As(err, &se) {
			return nil, lambdaServiceError(stubException(se.Code), se.Code, se.Status, se.Message)
		}
		var ce *awscall.ClientError
		if errors.As(err, &ce) {
			return nil, failure.New("Lambda.SdkClientException", ce.Error())
		}
		var fe *failure.Error
		if errors.As(err, &fe) && fe.Name == failure.DataLimitExceeded {
			return nil, stubTooLarge("The payload of the function " + s.function)
		}
		return nil, err
	}
	payload, _ := resp.Result["Payload"].(string)
	if len(payload) > stubPayloadLimit {
		return nil, stubTooLarge("The payload of the function " + s.function)
	}
	if fnErr, _ := resp.Result["FunctionError"].(string); fnErr != "" {
		if fe, ok := stubErrorPayload(bytes.TrimSpace([]byte(payload))); ok {
			return nil, failure.New(fe.Name, payload)
		}
		return nil, failure.New(fnErr, payload)
	}
	result, err := stubResult([]byte(payload))
	if err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"The payload of the function %s is not one JSON value (%v): %s", s.function, err, stubSnippet([]byte(payload))))
	}
	return result, nil
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
		"to call AWS as this machine.", call.StateName, value.JSON(call.Credentials)))
}
