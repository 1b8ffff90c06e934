package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/resources/dynamodb"
	"github.com/aslrun/aslrun/resources/sns"
	"github.com/aslrun/aslrun/resources/sqs"
)

// Services are the embedded, in-memory emulations of the AWS services that Tasks call through Step
// Functions' integrations: DynamoDB (putItem, getItem, updateItem, deleteItem; any action through
// aws-sdk:dynamodb), SQS (sendMessage) and SNS (publish). Queues and topics are created on first use, so a
// workflow runs without setup; DynamoDB tables need a key schema, so they come from a fixtures file (or
// DynamoDB.CreateTable). Go code (handlers, workers) uses the same emulations directly.
type Services struct {
	DynamoDB *dynamodb.DB
	SQS      *sqs.Broker
	SNS      *sns.Broker
}

// NewServices returns empty emulations.
func NewServices() *Services {
	return &Services{
		DynamoDB: dynamodb.New(),
		SQS:      sqs.New(sqs.Options{AutoCreate: true}),
		SNS:      sns.New(sns.Options{AutoCreate: true}),
	}
}

// LoadFixtures seeds the emulations from a fixtures file, a JSON object with any of:
//
//	{"dynamodb": {"Books": [{"bookId": "b1", "quantity": 5}]},      // tables (see dynamodb.DB.LoadFixtures)
//	 "sqs": {"queues": ["orders", {"Name": "jobs.fifo"}]},            // queues (see sqs.Broker.LoadFixtures)
//	 "sns": {"topics": ["done"], "subscriptions": [{"Topic": "done", "Queue": "orders"}]}}
func (s *Services) LoadFixtures(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(data, &sections); err != nil {
		return fmt.Errorf("%s: not a JSON object: %w", path, err)
	}
	for k := range sections {
		if k != "dynamodb" && k != "sqs" && k != "sns" && !strings.HasPrefix(k, "_") {
			return fmt.Errorf("%s: unknown section %q (the sections are dynamodb, sqs and sns; keys starting with _ are comments)", path, k)
		}
	}
	if raw, ok := sections["dynamodb"]; ok {
		if err := s.DynamoDB.LoadFixturesJSON(raw); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	// SNS subscriptions name queues, so queues come first.
	if raw, ok := sections["sqs"]; ok {
		v, err := source.Decode(raw)
		if err == nil {
			err = s.SQS.LoadFixtures(v)
		}
		if err != nil {
			return fmt.Errorf("%s: sqs: %w", path, err)
		}
	}
	if raw, ok := sections["sns"]; ok {
		v, err := source.Decode(raw)
		if err == nil {
			err = s.SNS.LoadFixtures(v, s.SQS)
		}
		if err != nil {
			return fmt.Errorf("%s: sns: %w", path, err)
		}
	}
	return nil
}

// Dump returns the state of every emulation: DynamoDB's tables, SQS's queues with every message sent,
// SNS's topics with every message published.
func (s *Services) Dump() map[string]any {
	return map[string]any{"dynamodb": s.DynamoDB.Dump(), "sqs": s.SQS.Dump(), "sns": s.SNS.Dump()}
}

// UseEnv gives the registry its environment: its Services serve the integrations of DynamoDB, SQS and SNS
// (handlers bound to a state or a resource still win), and built-in handlers and workers get it. Call it
// before loading handler files that use built-ins.
func (r *Registry) UseEnv(env *Env) {
	r.mu.Lock()
	r.env = env
	r.mu.Unlock()
}

func (r *Registry) environment() *Env {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.env
}

var (
	dynamoDBService = service{
		optimized: "DynamoDB", sdk: "DynamoDb", javaService: "AmazonDynamoDBv2",
		javaExceptions: map[string]string{
			"ConditionalCheckFailedException": "ConditionalCheckFailedException", "ResourceNotFoundException": "ResourceNotFoundException",
			"ProvisionedThroughputExceededException":   "ProvisionedThroughputExceededException",
			"ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceededException",
			"TransactionConflictException":             "TransactionConflictException", "RequestLimitExceeded": "RequestLimitExceededException",
			"InternalServerError": "InternalServerErrorException",
		},
		fallback: "AmazonDynamoDBException", sdkFallback: "DynamoDbException",
	}
	sqsService = service{
		optimized: "SQS", sdk: "Sqs", javaService: "AmazonSQS",
		javaExceptions: map[string]string{
			"AWS.SimpleQueueService.NonExistentQueue": "QueueDoesNotExistException", "QueueDoesNotExist": "QueueDoesNotExistException",
			"InvalidMessageContents":                      "InvalidMessageContentsException",
			"AWS.SimpleQueueService.UnsupportedOperation": "UnsupportedOperationException",
		},
		fallback: "AmazonSQSException", sdkFallback: "SqsException",
	}
	snsService = service{
		optimized: "SNS", sdk: "Sns", javaService: "AmazonSNS",
		javaExceptions: map[string]string{
			"NotFound": "NotFoundException", "InvalidParameter": "InvalidParameterException",
			"InvalidParameterValue": "InvalidParameterValueException", "AuthorizationError": "AuthorizationErrorException",
		},
		fallback: "AmazonSNSException", sdkFallback: "SnsException",
	}
)

// invokeServices serves a resource of the embedded services; ok is false for any other resource.
//
// Optimized integrations (arn:aws:states:::dynamodb:putItem, sqs:sendMessage, sns:publish, also with
// .waitForTaskToken) answer with the service's response plus SdkHttpMetadata and SdkResponseMetadata, and
// fail with <Service>.<Java SDK exception>; aws-sdk integrations (arn:aws:states:::aws-sdk:dynamodb:query
// and so on) answer with the response alone and fail with the SDK v2 exception's name.
func (r *Registry) invokeServices(ctx context.Context, call *Call) (any, bool, error) {
	env := r.environment()
	rest, ok := strings.CutPrefix(call.Resource, "arn:aws:states:::")
	if env == nil || env.Services == nil || !ok {
		return nil, false, nil
	}
	rest = strings.TrimSuffix(rest, ".waitForTaskToken")
	rest, sdk := strings.CutPrefix(rest, "aws-sdk:")
	svc, action, _ := strings.Cut(rest, ":")
	request, isObject := call.Input.(map[string]any)
	if !isObject {
		request = map[string]any{}
	}
	hold := func() func() { return func() {} }
	if call.Clock != nil {
		hold = call.Clock.Hold
	}
	var (
		out         map[string]any
		err         error
		def         service
		contentType string
	)
	switch {
	case svc == "dynamodb" && (sdk || action == "putItem" || action == "getItem" || action == "updateItem" || action == "deleteItem"):
		def, contentType = dynamoDBService, "application/x-amz-json-1.0"
		out, err = env.Services.DynamoDB.Call(ctx, action, request)
	case svc == "sqs" && action == "sendMessage":
		def, contentType = sqsService, "text/xml"
		out, err = env.Services.SQS.SendMessage(ctx, request, hold)
	case svc == "sns" && action == "publish":
		def, contentType = snsService, "text/xml"
		out, err = env.Services.SNS.Publish(ctx, request, hold)
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, true, def.taskError(err, sdk)
	}
	if sdk {
		return out, true, nil
	}
	return withSdkMetadata(out, call, contentType), true, nil
}
