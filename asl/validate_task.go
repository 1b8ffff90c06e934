package asl

import (
	"regexp"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/source"
)

// maxSeconds is the largest number of seconds AWS accepts in TimeoutSeconds, HeartbeatSeconds and a
// Wait's Seconds.
const maxSeconds = 99999999

// task checks a Task state: its resource, the fields of its query language and its timeouts.
func (v *validator) task(s *Task) {
	c := &s.Common
	v.resource(s)
	if c.QueryLanguage != JSONata {
		v.results(c, s.ResultFields)
		v.template(c, "Parameters", s.Parameters)
		v.template(c, "Credentials", s.Credentials)
		v.pathField(c.Node, c.Pointer, "TimeoutSecondsPath", refPath)
		v.pathField(c.Node, c.Pointer, "HeartbeatSecondsPath", refPath)
	}
	t, h := s.TimeoutSeconds, s.HeartbeatSeconds
	v.maximum(member(c.Node, "TimeoutSeconds"), c.Pointer+"/TimeoutSeconds", t.Value, maxSeconds)
	v.maximum(member(c.Node, "HeartbeatSeconds"), c.Pointer+"/HeartbeatSeconds", h.Value, maxSeconds)
	if t.Set && h.Set && t.Expr == "" && h.Expr == "" && h.Value >= t.Value {
		// Ours: the ASL specification requires the heartbeat to be shorter than the timeout.
		v.ds.errorf(CodeSchema, posOf(member(c.Node, "HeartbeatSeconds")), c.Pointer+"/HeartbeatSeconds",
			"HeartbeatSeconds must be smaller than TimeoutSeconds")
	}
	v.errors(c, s.Errors)
}

// The integration patterns an optimized service integration may name after its action.
const (
	patternSync   = ".sync"
	patternSync2  = ".sync:2"
	patternToken  = ".waitForTaskToken"
	patternNone   = ""
	arnPrefix     = "arn:"
	statesService = "states"
)

// integrations lists Step Functions' optimized service integrations, arn:aws:states:::SERVICE:ACTION,
// with the patterns each action supports: r request-response, s .sync, 2 .sync:2, t .waitForTaskToken.
// From the developer guide's table of optimized integrations. A service listed with no actions takes
// none as a Task (s3's actions are for a Map's ItemReader and ResultWriter only); anyAction means every
// action of the service (aws-sdk has thousands).
var integrations = map[string]map[string]string{
	"lambda":   {"invoke": "rt"},
	"batch":    {"submitJob": "rs"},
	"dynamodb": {"getItem": "r", "putItem": "r", "updateItem": "r", "deleteItem": "r"},
	"ecs":      {"runTask": "rst"},
	"sns":      {"publish": "rt"},
	"sqs":      {"sendMessage": "rt"},
	"glue":     {"startJobRun": "rs"},
	"sagemaker": {"createEndpoint": "r", "createEndpointConfig": "r", "createHyperParameterTuningJob": "rs",
		"createLabelingJob": "rs", "createModel": "r", "createProcessingJob": "rs", "createTrainingJob": "rs",
		"createTransformJob": "rs", "updateEndpoint": "r"},
	"states":     {"startExecution": "rs2t"},
	"events":     {"putEvents": "rt"},
	"apigateway": {"invoke": "rt"},
	"codebuild": {"startBuild": "rs", "stopBuild": "r", "batchDeleteBuilds": "r", "batchGetReports": "r",
		"startBuildBatch": "rs"},
	"athena": {"startQueryExecution": "rs", "stopQueryExecution": "r", "getQueryExecution": "r",
		"getQueryResults": "r"},
	"elasticmapreduce": {"createCluster": "rs", "terminateCluster": "rs", "addStep": "rs", "cancelStep": "r",
		"setClusterTerminationProtection": "r", "modifyInstanceFleetByName": "r", "modifyInstanceGroupByName": "r"},
	"emr-containers": {"createVirtualCluster": "r", "deleteVirtualCluster": "rs", "startJobRun": "rs"},
	"emr-serverless": {"createApplication": "rs", "startApplication": "rs", "stopApplication": "rs",
		"deleteApplication": "rs", "startJobRun": "rs", "cancelJobRun": "rs"},
	"eks": {"createCluster": "rs", "deleteCluster": "rs", "createFargateProfile": "rs", "deleteFargateProfile": "rs",
		"createNodegroup": "rs", "deleteNodegroup": "rs", "runJob": "rs", "call": "r"},
	"databrew":          {"startJobRun": "rs"},
	"mediaconvert":      {"createJob": "rs"},
	"bedrock":           {"invokeModel": "r", "createModelCustomizationJob": "rs"},
	"http":              {"invoke": "r"},
	"s3":                {},
	"aws-sdk":           {anyAction: "rt"},
	"bedrock-agentcore": {anyAction: "r"},
}

const anyAction = "*"

var (
	partitionRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^aws(-[a-z]+)*$`) })
	regionRe       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9-]+$`) })
	accountRe      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+$`) })
	lambdaNameRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_-]+$`) })
	lambdaQualRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\$LATEST|[a-zA-Z0-9_-]+)$`) })
	sdkActionRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`) })
	activityNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^\s:]+$`) })
)

// resource checks a Task's Resource: an ARN of a kind AWS runs, an integration pattern its service
// offers, and what an EXPRESS machine refuses.
func (v *validator) resource(s *Task) {
	n := member(s.Node, "Resource")
	ptr := s.Pointer + "/Resource"
	if n != nil && isCloudFormationIntrinsic(n) {
		v.ds.warnf(CodePlaceholderResource, n.Pos, ptr,
			"Resource is a CloudFormation intrinsic (%s): it is checked only once CloudFormation has resolved it", n.Members[0].Key)
		return
	}
	if n == nil || n.Kind != source.String || s.Resource == "" {
		return // Parse reports it missing, empty or not a string.
	}
	if substitutionRe().MatchString(s.Resource) {
		v.ds.warnf(CodePlaceholderResource, n.Pos, ptr,
			"Resource holds a DefinitionSubstitutions placeholder: it is checked only once CloudFormation has substituted it")
		return
	}
	bad := func() {
		// AWS's wording for a value that is no ARN at all.
		v.ds.errorf(CodeSchema, n.Pos, ptr, "Value is not a valid resource ARN")
	}
	notRecognized := func() {
		v.ds.errorf(CodeSchema, n.Pos, ptr,
			"The resource provided %s is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.", s.Resource)
	}
	parts := strings.Split(s.Resource, ":")
	if !strings.HasPrefix(s.Resource, arnPrefix) || len(parts) < 6 || !partitionRe().MatchString(parts[1]) || parts[2] == "" {
		bad()
		return
	}
	service, region, account, rest := parts[2], parts[3], parts[4], strings.Join(parts[5:], ":")
	switch {
	case service == statesService && region == "" && account == "":
		v.integration(s, n, ptr, rest, notRecognized)
	case service == statesService && isIntegrationService(rest):
		// An integration ARN with a region and an account, as exported from a deployed machine: AWS
		// accepts it and runs it as the plain form (see PlainResource).
		if !regionRe().MatchString(region) || !accountRe().MatchString(account) {
			bad()
			return
		}
		v.integration(s, n, ptr, rest, notRecognized)
	case service == statesService:
		kind, name, _ := strings.Cut(rest, ":")
		if kind != "activity" || !regionRe().MatchString(region) || !accountRe().MatchString(account) || !activityNameRe().MatchString(name) {
			bad()
			return
		}
		if s.Credentials != nil {
			// AWS's wording, as cdk-preflight recorded it from ValidateStateMachineDefinition.
			v.ds.errorf(CodeSchema, s.Credentials.Pos, s.Pointer+"/Credentials", "The field 'Credentials' is not supported for activities")
		}
		if v.opts.express() {
			// Ours: the developer guide lists activities among what Express workflows do not support.
			v.ds.errorf(CodeSchema, n.Pos, ptr, "Express state machine does not support activities")
		}
	case service == "lambda":
		if !validLambdaARN(region, account, parts[5:]) {
			bad()
		}
	default:
		v.ds.warnf(CodeUnrecognizedResource, n.Pos, ptr,
			"aslrun does not know the resource type '%s': AWS runs Lambda functions, activities and the arn:aws:states::: service integrations", service)
	}
}

// isIntegrationService reports whether rest (SERVICE:ACTION...) names a service of the integrations table.
func isIntegrationService(rest string) bool {
	service, _, ok := strings.Cut(rest, ":")
	_, known := integrations[service]
	return ok && known
}

// validLambdaARN checks arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
func validLambdaARN(region, account string, rest []string) bool {
	if !regionRe().MatchString(region) || !accountRe().MatchString(account) || len(rest) < 2 || len(rest) > 3 || rest[0] != "function" {
		return false
	}
	if !lambdaNameRe().MatchString(rest[1]) {
		return false
	}
	return len(rest) == 2 || lambdaQualRe().MatchString(rest[2])
}

// integration checks arn:aws:states:::SERVICE:ACTION[PATTERN] against the table of optimized
// integrations, and the patterns an EXPRESS machine refuses.
func (v *validator) integration(s *Task, n *source.Node, ptr, rest string, notRecognized func()) {
	pattern := patternNone
	for _, p := range []string{patternSync2, patternSync, patternToken} {
		if strings.HasSuffix(rest, p) {
			pattern, rest = p, strings.TrimSuffix(rest, p)
			break
		}
	}
	if v.opts.express() && pattern != patternNone && pattern != patternToken {
		v.ds.errorf(CodeSchema, n.Pos, ptr, "Express state machine does not support '%s' service integration", pattern)
	}
	if v.opts.express() && pattern == patternToken {
		// AWS's message has a blank before " at /...": kept, so that the text matches AWS's.
		v.ds.errorf(CodeSchema, n.Pos, ptr, "Express state machine does not support '%s' service integration ", pattern)
	}
	service, action, ok := strings.Cut(rest, ":")
	actions, known := integrations[service]
	if !ok || action == "" {
		notRecognized()
		return
	}
	if !known {
		v.ds.warnf(CodeUnrecognizedResource, n.Pos, ptr,
			"aslrun does not know the service integration '%s'; AWS refuses the services it does not integrate", service)
		return
	}
	supported, found := actions[action]
	if all, ok := actions[anyAction]; ok {
		supported, found = all, service != "aws-sdk" || validSDKAction(action)
	}
	if !found || !strings.Contains(supported, patternLetter(pattern)) {
		notRecognized()
		return
	}
	switch {
	case service == "aws-sdk" && v.opts.SDKCall != nil:
		svc, api, _ := strings.Cut(action, ":")
		if err := v.opts.SDKCall(svc, api); err != nil {
			v.ds.warnf(CodeUnrecognizedResource, n.Pos, ptr, "%v", err)
		}
	case service == "lambda" && action == "invoke":
		v.functionName(s)
	case service == "http" && action == "invoke":
		v.httpConnection(s)
	}
}

// httpConnection reports an HTTP Task without Authentication.ConnectionArn. The developer guide: "For
// authorization and network connectivity, an HTTP Task requires an EventBridge connection", and its
// Parameters "contain the ApiEndpoint, Method, and ConnectionArn fields". AWS's own message is not
// recorded; ours takes its required-field wording. Locally the connection is not used (resources
// ignores it), but a definition without one does not deploy.
func (v *validator) httpConnection(s *Task) {
	args, key := s.Parameters, "Parameters"
	if s.QueryLanguage == JSONata {
		args, key = s.Arguments, "Arguments"
	}
	const why = ": an HTTP Task requires an EventBridge connection (Authentication.ConnectionArn)"
	switch {
	case args == nil:
		v.ds.errorf(CodeSchema, posOf(s.Node), s.Pointer, "The field '%s' is required but was missing%s", key, why)
		return
	case args.Kind != source.Object || member(args, "Authentication.$") != nil:
		return // an expression or a path: what it gives is known only at run time
	}
	auth := member(args, "Authentication")
	switch {
	case auth == nil:
		v.ds.errorf(CodeSchema, args.Pos, s.Pointer+"/"+key, "The field 'Authentication' is required but was missing%s", why)
	case auth.Kind == source.Object && member(auth, "ConnectionArn") == nil && member(auth, "ConnectionArn.$") == nil:
		v.ds.errorf(CodeSchema, auth.Pos, s.Pointer+"/"+key+"/Authentication", "The field 'ConnectionArn' is required but was missing%s", why)
	}
}

// validSDKAction checks aws-sdk:SERVICE:action, where the action is the API's name in camel case.
func validSDKAction(rest string) bool {
	svc, action, ok := strings.Cut(rest, ":")
	return ok && svc != "" && sdkActionRe().MatchString(action)
}

func patternLetter(pattern string) string {
	switch pattern {
	case patternSync:
		return "s"
	case patternSync2:
		return "2"
	case patternToken:
		return "t"
	}
	return "r"
}

// functionName warns about lambda:invoke without a FunctionName: AWS accepts the definition, but every
// execution fails in the task.
func (v *validator) functionName(s *Task) {
	args, key := s.Parameters, "Parameters"
	if s.QueryLanguage == JSONata {
		args, key = s.Arguments, "Arguments"
	}
	if args != nil && args.Kind != source.Object {
		return // an expression or a path: what it gives is known only at run time
	}
	if member(args, "FunctionName") != nil || member(args, "FunctionName.$") != nil {
		return
	}
	at, ptr := posOf(s.Node), s.Pointer
	if args != nil {
		at, ptr = args.Pos, s.Pointer+"/"+key
	}
	v.ds.warnf(CodeMissingFunctionName, at, ptr,
		"arn:aws:states:::lambda:invoke needs a FunctionName in %s: without one every execution fails here", key)
}

// substitutionRe matches a Resource made of CloudFormation DefinitionSubstitutions placeholders
// ("${LambdaArn}", "arn:aws:lambda:${AWS::Region}:...") with nothing left unterminated. SAM, CDK and
// CloudFormation users lint definitions before substitution, so these are not errors.
var substitutionRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:[^$]|\$[^{]|\$\{[A-Za-z0-9_.:-]+\})*\$\{[A-Za-z0-9_.:-]+\}(?:[^$]|\$[^{]|\$\{[A-Za-z0-9_.:-]+\})*$`)
})

// isCloudFormationIntrinsic reports a Resource written as {"Ref": ...} or {"Fn::GetAtt": ...}: a
// definition embedded in a CloudFormation template before the template is deployed.
func isCloudFormationIntrinsic(n *source.Node) bool {
	if n.Kind != source.Object || len(n.Members) != 1 {
		return false
	}
	k := n.Members[0].Key
	return k == "Ref" || strings.HasPrefix(k, "Fn::")
}
