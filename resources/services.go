package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/interpreter/maprun"
	"github.com/aslrun/aslrun/resources/dynamodb"
	"github.com/aslrun/aslrun/resources/eventbridge"
	"github.com/aslrun/aslrun/resources/s3"
	"github.com/aslrun/aslrun/resources/sns"
	"github.com/aslrun/aslrun/resources/sqs"
)

// Services are the embedded emulations of the AWS services that Tasks call through Step Functions'
// integrations: DynamoDB (putItem, getItem, updateItem, deleteItem; any action through aws-sdk:dynamodb),
// SQS (sendMessage), SNS (publish), S3 (aws-sdk:s3 getObject, putObject, headObject, deleteObject,
// copyObject, listObjectsV2; the objects of Distributed Maps) and EventBridge (events:putEvents,
// aws-sdk:eventbridge:putEvents; rules that start state machines). Queues, topics, buckets and event buses
// are created on first use, so a workflow runs without setup; DynamoDB tables need a key schema and
// EventBridge rules a pattern and targets, so they come from a fixtures file (or DynamoDB.CreateTable). All are in memory, but S3 may be a directory (OpenServices).
// Go code (handlers, workers) uses the same emulations directly.
type Services struct {
	DynamoDB *dynamodb.DB
	SQS      *sqs.Broker
	SNS      *sns.Broker
	S3       *s3.Store
	// EventBridge's rules start executions through the registry that uses these services (UseEnv).
	EventBridge *eventbridge.Broker
}

// NewServices returns empty emulations, all in memory.
func NewServices() *Services {
	return &Services{
		DynamoDB: dynamodb.New(),
		SQS:      sqs.New(sqs.Options{AutoCreate: true}),
		SNS:      sns.New(sns.Options{AutoCreate: true}),
		S3:       s3.New(s3.Options{AutoCreate: true}),

		EventBridge: eventbridge.New(eventbridge.Options{}),
	}
}

// ServiceOptions configures OpenServices.
type ServiceOptions struct {
	// S3Root is a directory that holds S3's buckets, one sub-folder each, and their objects as files
	// (aslrun's --s3-root); S3 is in memory when it is empty.
	S3Root string
	// Region and Account are EventBridge's event buses' (an event takes those of the execution that put
	// it); us-east-1 and 123456789012 when empty.
	Region, Account string
}

// OpenServices returns empty emulations as the options say. Close releases them.
func OpenServices(opts ServiceOptions) (*Services, error) {
	s := NewServices()
	s.EventBridge = eventbridge.New(eventbridge.Options{Region: opts.Region, Account: opts.Account})
	if opts.S3Root != "" {
		store, err := s3.OpenDir(opts.S3Root)
		if err != nil {
			return nil, err
		}
		s.S3 = store
	}
	return s, nil
}

// Close releases what the emulations hold open (the S3 root directory).
func (s *Services) Close() error {
	if s.S3 == nil {
		return nil
	}
	return s.S3.Close()
}

// Objects is the S3 of Distributed Maps: ItemReader reads from it, ResultWriter writes to it. It is nil
// when the Services have no S3 (a Services literal without one).
func (s *Services) Objects() maprun.Objects {
	if s.S3 == nil {
		return nil
	}
	return s.S3
}

// LoadFixtures seeds the emulations from a fixtures file, a JSON object with any of:
//
//	{"dynamodb": {"Books": [{"bookId": "b1", "quantity": 5}]},      // tables (see dynamodb.DB.LoadFixtures)
//	 "sqs": {"queues": ["orders", {"Name": "jobs.fifo"}]},            // queues (see sqs.Broker.LoadFixtures)
//	 "sns": {"topics": ["done"], "subscriptions": [{"Topic": "done", "Queue": "orders"}]},
//	 "s3": {"input": {"rows.csv": "a,b\n1,2\n", "items.json": [1, 2]}, "results": {}},  // see s3.Store.LoadFixturesJSON
//	 "eventbridge": {"rules": [{"name": "r", "eventPattern": {"source": ["shop"]},        // see eventbridge.Broker.LoadFixtures
//	                            "targets": [{"stateMachine": "fulfil"}]}]}}
//
// With an S3 root directory, the s3 section writes its objects there as files.
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
		if !slices.Contains([]string{"dynamodb", "sqs", "sns", "s3", "eventbridge"}, k) && !strings.HasPrefix(k, "_") {
			return fmt.Errorf("%s: unknown section %q (the sections are dynamodb, sqs, sns, s3 and eventbridge; keys starting with _ are comments)", path, k)
		}
	}
	if raw, ok := sections["dynamodb"]; ok {
		if err := s.DynamoDB.LoadFixturesJSON(raw); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	// SNS subscriptions name queues, so queues come first.
	if raw, ok := sections["sqs"]; ok {
		v, err := source.DecodePlain(raw)
		if err == nil {
			err = s.SQS.LoadFixtures(v)
		}
		if err != nil {
			return fmt.Errorf("%s: sqs: %w", path, err)
		}
	}
	if raw, ok := sections["sns"]; ok {
		v, err := source.DecodePlain(raw)
		if err == nil {
			err = s.SNS.LoadFixtures(v, s.SQS)
		}
		if err != nil {
			return fmt.Errorf("%s: sns: %w", path, err)
		}
	}
	if raw, ok := sections["s3"]; ok {
		if s.S3 == nil {
			return fmt.Errorf("%s: s3: these services have no S3", path)
		}
		if err := s.S3.LoadFixturesJSON(raw); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if raw, ok := sections["eventbridge"]; ok {
		if s.EventBridge == nil {
			return fmt.Errorf("%s: eventbridge: these services have no EventBridge", path)
		}
		v, err := source.DecodePlain(raw)
		if err == nil {
			err = s.EventBridge.LoadFixtures(v)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// Dump returns the state of every emulation: DynamoDB's tables, SQS's queues with every message sent,
// SNS's topics with every message published, S3's buckets with their objects (see s3.Store.Dump),
// EventBridge's buses with their rules and every event put (see eventbridge.Broker.Dump).
func (s *Services) Dump() map[string]any {
	out := map[string]any{"dynamodb": s.DynamoDB.Dump(), "sqs": s.SQS.Dump(), "sns": s.SNS.Dump()}
	if s.S3 != nil {
		out["s3"] = s.S3.Dump()
	}
	if s.EventBridge != nil {
		out["eventbridge"] = s.EventBridge.Dump()
	}
	return out
}

// UseEnv gives the registry its environment: its Services serve the integrations of DynamoDB, SQS, SNS, S3
// and EventBridge (handlers bound to a state or a resource still win), its EventBridge rules start their
// executions through the registry's StateMachines, and built-in handlers and workers get it. Call it
// before loading handler files that use built-ins.
func (r *Registry) UseEnv(env *Env) {
	r.mu.Lock()
	r.env = env
	r.aws = nil // rebuilt with env's endpoints on next use
	r.mu.Unlock()
	if env != nil && env.Services != nil && env.Services.EventBridge != nil {
		env.Services.EventBridge.SetStarter(r.startForRule)
	}
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
	// S3 has no optimized integration (arn:aws:states:::s3:getObject, listObjectsV2 and putObject exist only
	// as a Distributed Map's ItemReader and ResultWriter), only aws-sdk:s3, whose errors are the SDK v2's
	// exception classes: the codes S3's model names, S3.S3Exception for any other.
	s3Service = service{
		sdk: "S3",
		javaExceptions: map[string]string{
			"NoSuchBucket": "NoSuchBucketException", "NoSuchKey": "NoSuchKeyException", "NoSuchUpload": "NoSuchUploadException",
			"BucketAlreadyExists": "BucketAlreadyExistsException", "BucketAlreadyOwnedByYou": "BucketAlreadyOwnedByYouException",
			"InvalidObjectState": "InvalidObjectStateException", "InvalidRequest": "InvalidRequestException",
			"ObjectNotInActiveTierError":     "ObjectNotInActiveTierErrorException",
			"ObjectAlreadyInActiveTierError": "ObjectAlreadyInActiveTierErrorException",
			"EncryptionTypeMismatch":         "EncryptionTypeMismatchException", "InvalidWriteOffset": "InvalidWriteOffsetException",
			"TooManyParts": "TooManyPartsException",
		},
		sdkFallback: "S3Exception",
		s3IDs:       true,
	}
)

// invokeServices serves a resource of the embedded services; ok is false for any other resource.
//
// Optimized integrations (arn:aws:states:::dynamodb:putItem, sqs:sendMessage, sns:publish, also with
// .waitForTaskToken) answer with the service's response plus SdkHttpMetadata and SdkResponseMetadata, and
// fail with <Service>.<Java SDK exception>; aws-sdk integrations (arn:aws:states:::aws-sdk:dynamodb:query,
// aws-sdk:s3:getObject and so on) answer with the response alone and fail with the SDK v2 exception's
// name. Other aws-sdk:s3 actions are not served here: a handler may still bind them.
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
	case action == "putEvents" && ((svc == "events" && !sdk) || (svc == "eventbridge" && sdk)) && env.Services.EventBridge != nil:
		out, err = putEvents(ctx, env.Services.EventBridge, call, request, sdk)
		if err != nil {
			return nil, true, err
		}
		def, contentType = eventBridgeService, "application/x-amz-json-1.1"
	case svc == "s3" && sdk && env.Services.S3 != nil && slices.Contains(s3.Actions(), action):
		def = s3Service
		out, err = env.Services.S3.Call(ctx, action, request)
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
