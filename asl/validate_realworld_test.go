package asl

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRealWorldDefinitions: shapes that deployed definitions hold and AWS accepts (issue 19), each with
// the diagnostics lint gives ("CODE pointer"), and the near misses that stay refused.
func TestRealWorldDefinitions(t *testing.T) {
	for _, tc := range []struct {
		name, def string
		typ       string
		want      []string
	}{
		// JSONata "{%expr%}" without blanks, everywhere a JSONata string is read.
		{name: "jsonata without blanks", def: jsonataSM(`"A": {"Type": "Pass", "Output": {"id": "{%$states.input.id%}", "n": "{%1+2%}"}, "Assign": {"x": "{%$states.input%}"}, "Next": "B"},
			"B": {"Type": "Wait", "Seconds": "{%$x.wait%}", "Next": "C"},
			"C": {"Type": "Choice", "Choices": [{"Condition": "{%$x.ok%}", "Next": "D"}], "Default": "D"},
			"D": {"Type": "Fail", "Error": "{%'E'%}", "Cause": "{%$string($x)%}"}`)},
		{name: "jsonata without blanks, bad expression", def: jsonataSM(`"A": {"Type": "Pass", "Output": "{%1 +%}", "End": true}`),
			want: []string{"INVALID_JSONATA_EXPRESSION /States/A/Output"}},
		{name: "jsonata half delimited", def: jsonataSM(`"A": {"Type": "Pass", "Output": "{%1", "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Output"}},
		// Integration ARNs with a region and an account.
		{name: "aws-sdk with region and account", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"}, "End": true}`)},
		{name: "lambda:invoke with region and account", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:eu-west-1:123456789012:lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true}`)},
		{name: ".sync with region and account", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:states:startExecution.sync:2", "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:c"}, "End": true}`)},
		{name: ".waitForTaskToken with region and account", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}`)},
		{name: "express refuses .sync with region and account", typ: Express, def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:glue:startJobRun.sync", "Parameters": {"JobName": "j"}, "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Resource"}},
		{name: "unknown action with region and account", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:dynamodb:scanTable", "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Resource"}},
		{name: "integration with a bad account", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:acct:lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Resource"}},
		{name: "state machine is no Task resource", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Resource"}},
		// States.* names that the definition's own Fail states raise.
		{name: "States name raised by a Fail state", def: sm(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "States.OrderRejected"}}}],
			"Retry": [{"ErrorEquals": ["States.OrderRejected"], "MaxAttempts": 1}], "Catch": [{"ErrorEquals": ["States.OrderRejected"], "Next": "B"}], "End": true},
			"B": {"Type": "Succeed"}`)},
		{name: "HTTP Task errors", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://x", "Method": "GET", "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1"}},
			"Retry": [{"ErrorEquals": ["States.Http.StatusCode.429", "States.Http.StatusCode.503", "States.Http.Socket"]}], "End": true}`)},
		{name: "States name nobody raises", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{"ErrorEquals": ["States.Timeuot"]}], "End": true}`),
			want: []string{"UNKNOWN_ERROR_NAME /States/A/Retry/0/ErrorEquals"}},
		// HTTP Tasks need an EventBridge connection.
		{name: "http task with a connection", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://api.example.com/orders", "Method": "GET", "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1"}}, "End": true}`)},
		{name: "http task with a connection from the input", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://x", "Method": "GET", "Authentication": {"ConnectionArn.$": "$.conn"}}, "End": true}`)},
		{name: "http task in JSONata", def: jsonataSM(`"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Arguments": {"ApiEndpoint": "https://x", "Method": "GET", "Authentication": {"ConnectionArn": "{%$states.input.conn%}"}}, "End": true}`)},
		{name: "http task without Authentication", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://x", "Method": "GET"}, "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters"}},
		{name: "http task without ConnectionArn", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://x", "Method": "GET", "Authentication": {}}, "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters/Authentication"}},
		{name: "http task without Parameters", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A"}},
		{name: "http task with region and account, no connection", def: jsonataSM(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:http:invoke", "Arguments": {"ApiEndpoint": "https://x", "Method": "GET"}, "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Arguments"}},
		// JSONPath details.
		{name: "trailing blank in a path", def: sm(`"A": {"Type": "Pass", "Parameters": {"name.$": "$$.Execution.Name "}, "InputPath": "$.detail ", "ResultPath": "$.out ", "End": true}`)},
		{name: "unquoted word in a filter", def: sm(`"A": {"Type": "Pass", "Parameters": {"az.$": "$.attributes[?(@.name==ecs.availability-zone)].value"}, "OutputPath": "$.items[?(@.s == done)]", "End": true}`),
			want: []string{"UNQUOTED_FILTER_VALUE /States/A/Parameters/az.$", "UNQUOTED_FILTER_VALUE /States/A/OutputPath"}},
		{name: "unknown filter operator", def: sm(`"A": {"Type": "Pass", "Parameters": {"x.$": "$.items[?(@.s ~~ 'a')]"}, "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters"}},
		{name: "control escapes in an intrinsic", def: sm(`"A": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('Order {}\\nshipped\\t{}', $.id, $.date)"}, "End": true}`)},
		{name: "escaped double quote in an intrinsic", def: sm(`"A": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('say \\\"{}\\\"', $.id)"}, "End": true}`),
			want: []string{"SCHEMA_VALIDATION_FAILED /States/A/Parameters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Check([]byte(tc.def), Options{Type: tc.typ})
			want := tc.want
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, found(ds), "%v", ds)
		})
	}
}

// TestPlainResource: an integration ARN with a region and an account runs as its plain form; every other
// resource is kept as written.
func TestPlainResource(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject":           "arn:aws:states:::aws-sdk:s3:getObject",
		"arn:aws:states:us-east-1:123456789012:lambda:invoke":                  "arn:aws:states:::lambda:invoke",
		"arn:aws:states:us-east-1:123456789012:lambda:invoke.waitForTaskToken": "arn:aws:states:::lambda:invoke.waitForTaskToken",
		"arn:aws:states:us-east-1:123456789012:states:startExecution.sync:2":   "arn:aws:states:::states:startExecution.sync:2",
		"arn:aws-cn:states:cn-north-1:123456789012:ecs:runTask.sync":           "arn:aws-cn:states:::ecs:runTask.sync",
		"arn:aws:states:::lambda:invoke":                                       "arn:aws:states:::lambda:invoke",
		"arn:aws:states:us-east-1:123456789012:activity:work":                  "arn:aws:states:us-east-1:123456789012:activity:work",
		"arn:aws:states:us-east-1:123456789012:stateMachine:x":                 "arn:aws:states:us-east-1:123456789012:stateMachine:x",
		"arn:aws:lambda:us-east-1:123456789012:function:f":                     "arn:aws:lambda:us-east-1:123456789012:function:f",
		"arn:aws:states:us-east-1:123456789012:lambda":                         "arn:aws:states:us-east-1:123456789012:lambda",
		"${LambdaInvoke}": "${LambdaInvoke}",
	} {
		assert.Equal(t, want, PlainResource(in), in)
	}
}
