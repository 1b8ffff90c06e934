package template

import "strings"

// attr computes what AWS gives for a resource named name (its name property, else its logical id) in
// region r of account a.
type attr func(name, r, a string) string

// kind is what a local run stands in for a resource type's Ref and Fn::GetAtt.
type kind struct {
	// nameProp is the property that names the resource.
	nameProp string
	ref      attr
	attrs    map[string]attr
}

// kindOf knows the resource types whose Ref and attributes a definition commonly uses: the services its
// Tasks call. Any other resource's Ref and Fn::GetAtt stand as "${Ref:X}" and "${Fn::GetAtt:X.Attr}".
func kindOf(typ string) (kind, bool) {
	switch typ {
	case "AWS::Lambda::Function", "AWS::Serverless::Function":
		return kind{"FunctionName", self, map[string]attr{"Arn": lambdaARN}}, true
	case "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable":
		return kind{"TableName", self, map[string]attr{"Arn": tableARN}}, true
	case "AWS::Serverless::SimpleTable":
		return kind{"TableName", self, nil}, true
	case "AWS::SQS::Queue":
		return kind{"QueueName", queueURL, map[string]attr{"Arn": queueARN, "QueueName": self, "QueueUrl": queueURL}}, true
	case "AWS::SNS::Topic":
		return kind{"TopicName", topicARN, map[string]attr{"TopicArn": topicARN, "TopicName": self}}, true
	case "AWS::S3::Bucket":
		return kind{"BucketName", bucketName, map[string]attr{"Arn": bucketARN}}, true
	case StepFunctions:
		return kind{"StateMachineName", machineARN, map[string]attr{"Arn": machineARN, "Name": self}}, true
	case Serverless:
		return kind{"Name", machineARN, map[string]attr{"Arn": machineARN, "Name": self}}, true
	case "AWS::StepFunctions::Activity":
		return kind{"Name", activityARN, map[string]attr{"Arn": activityARN, "Name": self}}, true
	case "AWS::Events::EventBus":
		return kind{"Name", self, map[string]attr{"Arn": busARN, "Name": self}}, true
	case "AWS::IAM::Role":
		return kind{"RoleName", self, map[string]attr{"Arn": roleARN}}, true
	}
	return kind{}, false
}

func self(n, _, _ string) string        { return n }
func lambdaARN(n, r, a string) string   { return "arn:aws:lambda:" + r + ":" + a + ":function:" + n }
func tableARN(n, r, a string) string    { return "arn:aws:dynamodb:" + r + ":" + a + ":table/" + n }
func queueARN(n, r, a string) string    { return "arn:aws:sqs:" + r + ":" + a + ":" + n }
func queueURL(n, r, a string) string    { return "https://sqs." + r + ".amazonaws.com/" + a + "/" + n }
func topicARN(n, r, a string) string    { return "arn:aws:sns:" + r + ":" + a + ":" + n }
func machineARN(n, r, a string) string  { return "arn:aws:states:" + r + ":" + a + ":stateMachine:" + n }
func activityARN(n, r, a string) string { return "arn:aws:states:" + r + ":" + a + ":activity:" + n }
func busARN(n, r, a string) string      { return "arn:aws:events:" + r + ":" + a + ":event-bus/" + n }
func roleARN(n, _, a string) string     { return "arn:aws:iam::" + a + ":role/" + n }

// bucketName lowercases the name, as bucket names are.
func bucketName(n, _, _ string) string { return strings.ToLower(n) }
func bucketARN(n, r, a string) string  { return "arn:aws:s3:::" + bucketName(n, r, a) }
