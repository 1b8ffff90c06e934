package awscall

import "strings"

// Protocol is how a service's API encodes requests and responses.
type Protocol int

// The protocol families of the AWS APIs.
const (
	JSON     Protocol = iota // AWS JSON 1.0/1.1: POST /, X-Amz-Target: <prefix>.<Action>
	RESTJSON                 // a method and URI per action, JSON bodies
	Query                    // POST / form-encoded Action=...&Version=..., XML responses
	RESTXML                  // S3: a method and URI per action, XML bodies, members in headers
)

func (p Protocol) String() string {
	return [...]string{"AWS JSON", "REST-JSON", "query", "REST-XML"}[p]
}

// Service is how one AWS service is called: the few facts of its model a generic call needs.
type Service struct {
	// Name is the service as Step Functions writes it: arn:aws:states:::aws-sdk:NAME:action.
	Name string
	// Prefix names its errors: <Prefix>.<Exception>, the AWS SDK for Java 2's client name (SecretsManager,
	// Ecs, DynamoDb), which Step Functions' aws-sdk integrations use.
	Prefix string
	// Host is the endpoint prefix: https://HOST.REGION.amazonaws.com.
	Host string
	// Signing is the SigV4 signing name.
	Signing string
	// EnvID is the service's id in AWS_ENDPOINT_URL_<EnvID>.
	EnvID    string
	Protocol Protocol
	// JSONVersion (1.0 or 1.1) and Target (the X-Amz-Target prefix) of an AWS JSON service.
	JSONVersion, Target string
	// Version is a query service's API version.
	Version string
	// Camel: the API's member names are camelCase on the wire; Step Functions writes them PascalCase.
	Camel bool
	// Maps are the members (by Step Functions' name) whose values are maps of the user's keys, which keep
	// their case when Camel converts the rest.
	Maps []string
	// Global services have one endpoint, signed for us-east-1: https://HOST.amazonaws.com.
	Global bool
	// Routes are the actions of a REST service (RESTJSON, RESTXML) by Step Functions' action name; an
	// action missing here cannot be called.
	Routes map[string]Route
	// MapEntry is the names of a query map's key and value (default "key", "value"; SNS: "Name", "Value").
	MapEntry [2]string
}

// Route is how a REST action is sent.
type Route struct {
	Method string
	// Path is the URI template: {Member} is the member's value escaped, {Member+} keeps its slashes. A
	// query string in it is sent as it is.
	Path string
	// Query, Header: members sent in the query string or as headers, by Step Functions' name.
	Query, Header map[string]string
	// Payload is the member that is the whole request body (Lambda's Payload, S3's Body), sent as its JSON
	// text when it is no string; Result is the member that holds the whole response body, as text.
	Payload, Result string
	// OutHeader: response headers read into members.
	OutHeader map[string]string
	// Status is the member the HTTP status goes into (Lambda's StatusCode).
	Status string
}

// services is the table of the services a generic call reaches. JSON services take any action; REST
// services only those of their Routes.
var services = []Service{
	{Name: "athena", Prefix: "Athena", Host: "athena", EnvID: "ATHENA", Protocol: JSON, JSONVersion: "1.1", Target: "AmazonAthena"},
	{Name: "batch", Prefix: "Batch", Host: "batch", EnvID: "BATCH", Protocol: RESTJSON, Camel: true, Maps: []string{"Tags", "Parameters"},
		Routes: map[string]Route{
			"submitJob":    {Method: "POST", Path: "/v1/submitjob"},
			"describeJobs": {Method: "POST", Path: "/v1/describejobs"},
			"terminateJob": {Method: "POST", Path: "/v1/terminatejob"},
			"cancelJob":    {Method: "POST", Path: "/v1/canceljob"},
			"listJobs":     {Method: "POST", Path: "/v1/listjobs"},
		}},
	{Name: "cloudformation", Prefix: "CloudFormation", Host: "cloudformation", EnvID: "CLOUDFORMATION", Protocol: Query, Version: "2010-05-15"},
	{Name: "cloudwatch", Prefix: "CloudWatch", Host: "monitoring", EnvID: "CLOUDWATCH", Protocol: Query, Version: "2010-08-01"},
	{Name: "cloudwatchlogs", Prefix: "CloudWatchLogs", Host: "logs", EnvID: "CLOUDWATCH_LOGS", Protocol: JSON, JSONVersion: "1.1", Target: "Logs_20140328", Camel: true},
	{Name: "codebuild", Prefix: "CodeBuild", Host: "codebuild", EnvID: "CODEBUILD", Protocol: JSON, JSONVersion: "1.1", Target: "CodeBuild_20161006", Camel: true},
	{Name: "dynamodb", Prefix: "DynamoDb", Host: "dynamodb", EnvID: "DYNAMODB", Protocol: JSON, JSONVersion: "1.0", Target: "DynamoDB_20120810"},
	{Name: "ecs", Prefix: "Ecs", Host: "ecs", EnvID: "ECS", Protocol: JSON, JSONVersion: "1.1", Target: "AmazonEC2ContainerServiceV20141113", Camel: true, Maps: []string{"DockerLabels", "Options"}},
	{Name: "emr", Prefix: "Emr", Host: "elasticmapreduce", EnvID: "EMR", Protocol: JSON, JSONVersion: "1.1", Target: "ElasticMapReduce"},
	{Name: "emrserverless", Prefix: "EmrServerless", Host: "emr-serverless", Signing: "emr-serverless", EnvID: "EMR_SERVERLESS", Protocol: RESTJSON, Camel: true, Maps: []string{"Tags"},
		Routes: map[string]Route{
			"startJobRun":  {Method: "POST", Path: "/applications/{ApplicationId}/jobruns"},
			"getJobRun":    {Method: "GET", Path: "/applications/{ApplicationId}/jobruns/{JobRunId}"},
			"cancelJobRun": {Method: "DELETE", Path: "/applications/{ApplicationId}/jobruns/{JobRunId}"},
		}},
	{Name: "eventbridge", Prefix: "EventBridge", Host: "events", EnvID: "EVENTBRIDGE", Protocol: JSON, JSONVersion: "1.1", Target: "AWSEvents"},
	{Name: "firehose", Prefix: "Firehose", Host: "firehose", EnvID: "FIREHOSE", Protocol: JSON, JSONVersion: "1.1", Target: "Firehose_20150804"},
	{Name: "glue", Prefix: "Glue", Host: "glue", EnvID: "GLUE", Protocol: JSON, JSONVersion: "1.1", Target: "AWSGlue"},
	{Name: "iam", Prefix: "Iam", Host: "iam", EnvID: "IAM", Protocol: Query, Version: "2010-05-08", Global: true},
	{Name: "kinesis", Prefix: "Kinesis", Host: "kinesis", EnvID: "KINESIS", Protocol: JSON, JSONVersion: "1.1", Target: "Kinesis_20131202"},
	{Name: "kms", Prefix: "Kms", Host: "kms", EnvID: "KMS", Protocol: JSON, JSONVersion: "1.1", Target: "TrentService"},
	{Name: "lambda", Prefix: "Lambda", Host: "lambda", EnvID: "LAMBDA", Protocol: RESTJSON,
		Routes: map[string]Route{
			"invoke": {Method: "POST", Path: "/2015-03-31/functions/{FunctionName}/invocations", Payload: "Payload", Result: "Payload",
				Query:     map[string]string{"Qualifier": "Qualifier"},
				Header:    map[string]string{"InvocationType": "X-Amz-Invocation-Type", "LogType": "X-Amz-Log-Type", "ClientContext": "X-Amz-Client-Context"},
				OutHeader: map[string]string{"X-Amz-Function-Error": "FunctionError", "X-Amz-Log-Result": "LogResult", "X-Amz-Executed-Version": "ExecutedVersion"},
				Status:    "StatusCode"},
			"getFunction":   {Method: "GET", Path: "/2015-03-31/functions/{FunctionName}", Query: map[string]string{"Qualifier": "Qualifier"}},
			"listFunctions": {Method: "GET", Path: "/2015-03-31/functions/", Query: map[string]string{"Marker": "Marker", "MaxItems": "MaxItems"}},
		}},
	{Name: "s3", Prefix: "S3", Host: "s3", EnvID: "S3", Protocol: RESTXML, Routes: s3Routes},
	{Name: "sagemaker", Prefix: "SageMaker", Host: "api.sagemaker", Signing: "sagemaker", EnvID: "SAGEMAKER", Protocol: JSON, JSONVersion: "1.1", Target: "SageMaker"},
	{Name: "secretsmanager", Prefix: "SecretsManager", Host: "secretsmanager", EnvID: "SECRETS_MANAGER", Protocol: JSON, JSONVersion: "1.1", Target: "secretsmanager"},
	{Name: "sfn", Prefix: "Sfn", Host: "states", EnvID: "SFN", Protocol: JSON, JSONVersion: "1.0", Target: "AWSStepFunctions", Camel: true},
	{Name: "sns", Prefix: "Sns", Host: "sns", EnvID: "SNS", Protocol: Query, Version: "2010-03-31", Maps: []string{"MessageAttributes", "Attributes"}, MapEntry: [2]string{"Name", "Value"}},
	{Name: "sqs", Prefix: "Sqs", Host: "sqs", EnvID: "SQS", Protocol: JSON, JSONVersion: "1.0", Target: "AmazonSQS"},
	{Name: "ssm", Prefix: "Ssm", Host: "ssm", EnvID: "SSM", Protocol: JSON, JSONVersion: "1.1", Target: "AmazonSSM"},
	{Name: "sts", Prefix: "Sts", Host: "sts", EnvID: "STS", Protocol: Query, Version: "2011-06-15"},
}

// Lookup finds a service by Step Functions' name, or by another name Step Functions' resources use for it
// (events, states, elasticmapreduce, emr-serverless, logs).
func Lookup(name string) (Service, bool) {
	switch name {
	case "events":
		name = "eventbridge"
	case "states":
		name = "sfn"
	case "elasticmapreduce":
		name = "emr"
	case "emr-serverless":
		name = "emrserverless"
	case "logs":
		name = "cloudwatchlogs"
	}
	for _, s := range services {
		if s.Name == name {
			if s.Signing == "" {
				s.Signing = s.Host
			}
			return s, true
		}
	}
	return Service{}, false
}

// Names are the services of the table, as Step Functions writes them.
func Names() []string {
	out := make([]string, len(services))
	for i, s := range services {
		out[i] = s.Name
	}
	return out
}

// Knows reports whether a call of the action can be built: any action of an AWS JSON or query service,
// the routed actions of a REST one.
func (s Service) Knows(action string) bool {
	if s.Protocol == JSON || s.Protocol == Query {
		return action != ""
	}
	_, ok := s.Routes[action]
	return ok
}

// apiAction is the API's name of an action Step Functions writes in camelCase.
func apiAction(action string) string {
	return strings.ToUpper(action[:1]) + action[1:]
}
