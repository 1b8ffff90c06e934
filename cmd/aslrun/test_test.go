package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The AWS documentation's example (sfn-local-mock-cfg-file), with a retry path and an expectation.
const lambdaSQS = `{"StartAt":"LambdaState","States":{
	"LambdaState":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"HelloWorldFunction"},
		"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":2,"MaxAttempts":3}],"Next":"SQSState"},
	"SQSState":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q","MessageBody.$":"$"},"End":true}}}`

const mockConfig = `{
  "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
    "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
    "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
    "ErrorPath": {"LambdaState": "MockedLambdaAlwaysFails"}}}},
  "MockedResponses": {
    "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
    "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}}},
    "MockedLambdaRetry": {"0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
                          "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
                          "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
    "MockedLambdaAlwaysFails": {"0-3": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}}}},
  "x-aslrun-expect": {"LambdaSQSIntegration": {
    "ErrorPath": {"status": "FAILED", "error": "Lambda.TimeoutException", "cause": "timed out"}}}
}`

func TestTestCommand(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "LambdaSQSIntegration.asl.json", lambdaSQS)
	cfg := write(t, dir, "MockConfigFile.json", mockConfig)
	tests := []struct {
		name  string
		args  []string
		code  int
		lines []string
	}{
		{"all test cases", []string{"--mock-config", cfg}, 0, []string{
			`PASS ErrorPath FAILED error="Lambda.TimeoutException" cause="timed out"`,
			`PASS HappyPath SUCCEEDED {"MD5OfMessageBody":"3bcb6e8e","MessageId":"3bcb6e8e-8b51"}`,
			`PASS RetryPath SUCCEEDED {"MD5OfMessageBody":"3bcb6e8e","MessageId":"3bcb6e8e-8b51"}`}},
		{"one test case", []string{"--mock-config", cfg, "--test-case", "RetryPath"}, 0, []string{
			`PASS RetryPath SUCCEEDED {"MD5OfMessageBody":"3bcb6e8e","MessageId":"3bcb6e8e-8b51"}`}},
		{"unknown test case", []string{"--mock-config", cfg, "--test-case", "Nope"}, 2, nil},
		{"unknown state machine", []string{"--mock-config", cfg, "--state-machine", "Other"}, 2, nil},
		{"no mock config", nil, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", append([]string{"test", def}, tt.args...)...)
			assert.Equal(t, tt.code, code, stderr)
			if tt.lines != nil {
				assert.Equal(t, tt.lines, strings.Split(strings.TrimSpace(stdout), "\n"))
			}
		})
	}
}

func TestTestCommandReportsUnexpectedOutcome(t *testing.T) {
	dir := t.TempDir()
	def := write(t, dir, "m.asl.json", lambdaSQS)
	cfg := write(t, dir, "mocks.json", strings.Replace(mockConfig, `"status": "FAILED"`, `"status": "SUCCEEDED"`, 1))
	code, stdout, stderr := aslrun(t, "", "test", def, "--mock-config", cfg, "--state-machine", "LambdaSQSIntegration", "--test-case", "ErrorPath")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "FAIL ErrorPath FAILED")
	assert.Contains(t, stdout, "(expected SUCCEEDED)")
	assert.Contains(t, stderr, "1 of 1 test cases failed")
}
