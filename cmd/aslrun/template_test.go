package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	samTemplate = "../../definitions/templates/sam/template.yaml"
	cfnTemplate = "../../definitions/templates/cloudformation/orders.json"
	cdkOut      = "../../asl/template/testdata/cdk.out"
)

// badTemplate holds a state machine whose Definition object has errors (A's Next on line 9), and one
// whose DefinitionString has a placeholder to fill.
const badTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Obj:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: {Type: Pass, Next: Nowhere}
  Str:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !Sub '{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": ${Wait}, "End": true}}}'
`

// TestTemplates: execute, test and lint take TEMPLATE#LogicalId, a template's only state machine and a
// cdk.out directory, and refuse what they cannot read with one clear error (exit status 2).
func TestTemplates(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, dir, "bad.yaml", badTemplate)
	cdkHandlers := write(t, dir, "h.json", `{"HelloFn3A7B2E4C": {"return": {"hello": "cdk"}}}`)
	noMachine := write(t, dir, "none.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q: {Type: AWS::SQS::Queue}\n")
	mocks := write(t, dir, "mocks.json", `{"StateMachines": {"Greeter": {"TestCases": {"Happy": {"Deliver": "Delivered"}}}},
		"MockedResponses": {"Delivered": {"0": {"Return": {"Payload": {"message": "mocked"}}}}}}`)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // a fragment
		stderr []string
	}{
		{"SAM Definition with DefinitionSubstitutions", []string{"execute", samTemplate + "#Greeter", "--input", `{"name": "world"}`}, 0,
			`{"delivery":{"delivered":"Hello, world!"},"message":"Hello, world!","name":"world"}`,
			[]string{`template.yaml#Greeter: Fn::GetAtt GreeterFunction.Arn stands as "arn:aws:lambda:us-east-1:123456789012:function:GreeterFunction" (not resolved locally)`}},
		{"a template's only state machine, --sub", []string{"execute", samTemplate, "--input", `{"name": "you"}`, "--sub", "Greeting=Hi"}, 0,
			`"message":"Hi, you!"`, nil},
		{"DefinitionString Fn::Sub", []string{"execute", cfnTemplate + "#OrderFlow", "--input", `{"orderId": "o-1"}`}, 0,
			`"price":{"amount":42}`, []string{`Ref OrdersTable stands as "orders-dev"`}},
		{"the template's type", []string{"execute", cfnTemplate + "#AuditFlow", "--sub", "Fn::ImportValue:audit-queue-url=https://sqs.us-east-1.amazonaws.com/123456789012/audit", "--format", "json"}, 0,
			`:express:`, nil},
		{"cdk.out by construct name", []string{"execute", cdkOut + "#OrdersMachine", "--handlers", cdkHandlers}, 0,
			`{"greeting":"cdk","stack":"OrdersStack"}`, nil},
		{"test with a mock config", []string{"test", samTemplate + "#Greeter", "--mock-config", mocks, "--input", `{"name": "m"}`}, 0,
			`PASS Happy SUCCEEDED {"delivery":{"delivered":"mocked"}`, nil},
		{"test-state", []string{"test-state", samTemplate + "#Greeter", "--state", "Greet", "--input", `{"name": "x"}`, "--sub", "Greeting=Yo"}, 0,
			`"output": "{\"message\":\"Yo, x!\",\"name\":\"x\"}"`, nil},
		{"diagnostics in the template", []string{"execute", bad + "#Obj"}, 2, "",
			[]string{"bad.yaml:9:33: error MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/A/Next"}},
		{"a placeholder without value", []string{"execute", bad + "#Str"}, 2, "",
			[]string{"bad.yaml: resource Str: ${Wait} in its DefinitionString has no value: give it in DefinitionSubstitutions or with --sub Wait=VALUE"}},
		{"diagnostics within a DefinitionString", []string{"execute", bad + "#Str", "--sub", "Wait=soon"}, 2, "",
			[]string{"bad.yaml#Str:1:62: error INVALID_JSON_DESCRIPTION"}},
		{"two state machines, no id", []string{"execute", cfnTemplate}, 2, "",
			[]string{"orders.json holds 2 state machines: name one as " + cfnTemplate + "#ID, ID one of OrderFlow, AuditFlow"}},
		{"unknown logical id", []string{"execute", cfnTemplate + "#Nope"}, 2, "",
			[]string{`orders.json: no state machine "Nope": the state machines are OrderFlow, AuditFlow`}},
		{"no state machine", []string{"test", noMachine, "--mock-config", mocks}, 2, "",
			[]string{"none.yaml: no state machine (no resource of type AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine)"}},
		{"malformed YAML", []string{"execute", write(t, dir, "broken.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  M: {Type: [\n") + "#M"}, 2, "",
			[]string{"broken.yaml:4:1: did not find expected node content"}},
		{"malformed YAML, no id", []string{"test", write(t, dir, "broken2.yaml", "Transform: AWS::Serverless-2016-10-31\nResources:\n  M: {Type: [\n"), "--mock-config", mocks}, 2, "",
			[]string{"broken2.yaml:4:1: did not find expected node content"}},
		{"#id of a definition file", []string{"execute", "../../definitions/hello.asl.json#Greet"}, 2, "",
			[]string{"hello.asl.json is not a CloudFormation or SAM template, so ../../definitions/hello.asl.json#Greet names no state machine in it"}},
		{"--sub in a definition file", []string{"execute", write(t, dir, "sub.asl.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"${Word}","End":true}}}`), "--sub", "Word=hi"}, 0,
			`"hi"`, nil},
		{"bad --sub", []string{"execute", samTemplate, "--sub", "novalue"}, 2, "", []string{`--sub takes KEY=VALUE, not "novalue"`}},
		{"lint: every state machine of a template", []string{"lint", bad}, 1,
			"bad.yaml:9:33: error MISSING_TRANSITION_TARGET",
			[]string{"2 errors, 1 warning in 1 file"}},
		{"lint: a placeholder left is lint's", []string{"lint", bad + "#Str"}, 0,
			"bad.yaml#Str:1:62: warning PLACEHOLDER: '${Wait}' is a template placeholder", nil},
		{"lint: --sub", []string{"lint", bad + "#Str", "--sub", "Wait=soon"}, 1,
			"bad.yaml#Str:1:", nil},
		{"lint: a DefinitionString block in the template", []string{"lint", write(t, dir, "block.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub |\n        {\"StartAt\": \"A\",\n         \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"${Next}\"}}}\n      DefinitionSubstitutions: {Next: Nowhere}\n")}, 1,
			"block.yaml:8:51: error MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere", nil},
		{"lint: cdk.out", []string{"lint", cdkOut}, 0, "", []string{"0 errors, 0 warnings in 1 file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", tc.args...)
			assert.Equal(t, tc.code, code, "stdout %s\nstderr %s", stdout, stderr)
			assert.Contains(t, stdout, tc.stdout)
			for _, s := range tc.stderr {
				assert.Contains(t, stderr, s)
			}
			if tc.code == 2 && len(tc.stderr) > 0 && !strings.Contains(tc.stderr[0], ": error ") {
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one error: %s", stderr)
			}
		})
	}
}

// TestLintFindsTemplates: a directory search takes templates that hold state machines, not those without,
// and a DefinitionUri file found both ways is reported once.
func TestLintFindsTemplates(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "template.yaml", "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties: {DefinitionUri: statemachine/m.asl.json}\n")
	write(t, dir, "statemachine/m.asl.json", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}`)
	write(t, dir, "other.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q: {Type: AWS::SQS::Queue}\n")
	code, stdout, stderr := lint(t, dir, "-v")
	assert.Equal(t, 1, code, stderr)
	assert.Equal(t, 1, strings.Count(stdout, "MISSING_TRANSITION_TARGET"), stdout)
	assert.Contains(t, stderr, "other.yaml: a template without state machines")
	assert.Contains(t, stderr, "2 errors, 0 warnings in 2 files")
}

// TestTemplateNested: a state machine starts another of its template through the ARN its Ref stands as.
func TestTemplateNested(t *testing.T) {
	path := write(t, t.TempDir(), "nested.yaml", `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Child:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: child-flow
      Definition: {StartAt: C, States: {C: {Type: Pass, Result: {from: child}, End: true}}}
  Parent:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Start
        States:
          Start:
            Type: Task
            Resource: arn:aws:states:::states:startExecution.sync:2
            Parameters: {StateMachineArn: !Ref Child, Input: {}}
            OutputPath: $.Output
            End: true
`)
	code, stdout, stderr := aslrun(t, "", "execute", path+"#Parent")
	assert.Equal(t, 0, code, stderr)
	assert.JSONEq(t, `{"from":"child"}`, stdout)
	assert.Contains(t, stderr, `Ref Child stands as "arn:aws:states:us-east-1:123456789012:stateMachine:child-flow"`)
}
