package asl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sm builds a definition whose states are the given JSON members, starting at A.
func sm(states string) string {
	return `{"StartAt": "A", "States": {` + states + `}}`
}

// jsonataSM builds a JSONata definition whose states are the given JSON members, starting at A.
func jsonataSM(states string) string {
	return `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {` + states + `}}`
}

// found lists the diagnostics as "CODE pointer", the form the table below expects.
func found(ds []Diagnostic) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.Code+" "+d.Location())
	}
	return out
}

// ruleCases hold, for each rule, a definition that keeps it (want nothing) and one that breaks it (want
// the one diagnostic, "CODE pointer", and a fragment of its message).
var ruleCases = []struct {
	name string
	def  string
	typ  string
	want string
	msg  string
}{
	// Transitions, reachability and names.
	{name: "next names a state", def: sm(`"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}`)},
	{name: "next names no state", def: sm(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "B"}], "Default": "C"}, "B": {"Type": "Pass", "Next": "X"}, "C": {"Type": "Succeed"}`),
		want: "MISSING_TRANSITION_TARGET /States/B/Next", msg: "Missing 'Next' target: X"},
	{name: "catch names no state", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}], "End": true}`),
		want: "MISSING_TRANSITION_TARGET /States/A/Catch/0/Next", msg: "Missing 'Next' target: X"},
	{name: "default names no state", def: sm(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "X"}, "B": {"Type": "Succeed"}`),
		want: "MISSING_TRANSITION_TARGET /States/A/Default"},
	{name: "branch cannot jump out", def: sm(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "C"}], "Default": "D"}, "D": {"Type": "Succeed"}}}], "Next": "C"}, "C": {"Type": "Succeed"}`),
		want: "MISSING_TRANSITION_TARGET /States/A/Branches/0/States/B/Choices/0/Next"},
	{name: "neither next nor end", def: sm(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "B"}], "Default": "C"}, "B": {"Type": "Pass"}, "C": {"Type": "Succeed"}`),
		want: "SCHEMA_VALIDATION_FAILED /States/B", msg: "[Next, End]"},
	{name: "unreachable state", def: sm(`"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}`),
		want: "MISSING_TRANSITION_TARGET /States/B", msg: `State "B" is not reachable.`},
	{name: "no terminal state", def: sm(`"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}`),
		want: "MISSING_END_STATE /", msg: "Workflow has no terminal state"},
	{name: "loop with an exit", def: sm(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "B"}], "Default": "A"}, "B": {"Type": "Succeed"}`)},
	{name: "loop with no exit", def: sm(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "B"}], "Default": "D"}, "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "Next": "B"}, "D": {"Type": "Succeed"}`),
		want: "NO_PATH_TO_END /States/B"},
	{name: "duplicate state name in a branch", def: sm(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}], "End": true}`),
		want: "DUPLICATE_STATE_NAME /States/A/Branches/0/States/A", msg: "Duplicate State name: A"},
	{name: "state name of 80", def: sm(`"A": {"Type": "Pass", "Next": "` + strings.Repeat("n", 80) + `"}, "` + strings.Repeat("n", 80) + `": {"Type": "Succeed"}`)},
	{name: "state name of 81", def: sm(`"A": {"Type": "Pass", "Next": "` + strings.Repeat("n", 81) + `"}, "` + strings.Repeat("n", 81) + `": {"Type": "Succeed"}`),
		want: "INVALID_STATE_NAME /States/" + strings.Repeat("n", 81), msg: "exceeds the 80-character limit"},

	// Paths and templates.
	{name: "paths", def: sm(`"A": {"Type": "Pass", "InputPath": "$$.Execution.Input", "OutputPath": "$.a[*].b", "ResultPath": "$.r", "End": true}`)},
	{name: "input path not a path", def: sm(`"A": {"Type": "Pass", "InputPath": "a.b", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/InputPath", msg: "Value must be a valid JSONPath."},
	{name: "result path not definite", def: sm(`"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/ResultPath", msg: "Value is not a Reference Path"},
	{name: "result path into the context", def: sm(`"A": {"Type": "Pass", "ResultPath": "$$.x", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/ResultPath", msg: "Value is not a Reference Path"},
	{name: "seconds path definite", def: sm(`"A": {"Type": "Wait", "SecondsPath": "$.s[0]", "End": true}`)},
	{name: "seconds path not definite", def: sm(`"A": {"Type": "Wait", "SecondsPath": "$..s", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/SecondsPath"},
	{name: "template", def: sm(`"A": {"Type": "Pass", "Parameters": {"a.$": "$.a", "b": [{"c.$": "States.Format('{}', $.c)"}], "v.$": "$$.Execution.Id"}, "End": true}`)},
	{name: "template value not a path", def: sm(`"A": {"Type": "Pass", "Parameters": {"n": {"a.$": "a"}}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Parameters/n", msg: "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call"},
	{name: "template field given twice", def: sm(`"A": {"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.a"}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Parameters", msg: "'a' and 'a.$'"},
	{name: "intrinsic arity", def: sm(`"A": {"Type": "Pass", "Parameters": {"a.$": "States.ArrayLength()"}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Parameters"},
	{name: "result selector of a task", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "ResultSelector": {"x.$": "$$$"}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/ResultSelector"},
	{name: "error path intrinsic", def: sm(`"A": {"Type": "Fail", "ErrorPath": "States.Format('E{}', $.n)", "CausePath": "$.c"}`)},
	{name: "error path not a reference", def: sm(`"A": {"Type": "Fail", "ErrorPath": "$.e[*]"}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/ErrorPath"},
	{name: "assign in a JSONPath state", def: sm(`"A": {"Type": "Pass", "Assign": {"x.$": "$.a", "y": 1}, "End": true}`)},
	{name: "assign to states", def: jsonataSM(`"A": {"Type": "Pass", "Assign": {"states": 1}, "End": true}`),
		want: "RESERVED_VARIABLE_NAME /States/A/Assign/states"},

	// Retry and Catch.
	{name: "States.ALL last", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{"ErrorEquals": ["E"]}, {"ErrorEquals": ["States.ALL"]}], "End": true}`)},
	{name: "States.ALL not last", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}], "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Retry/0/ErrorEquals", msg: "States.ALL must appear alone and at end of list"},
	{name: "States.ALL not alone", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Catch": [{"ErrorEquals": ["E", "States.ALL"], "Next": "A"}], "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Catch/0/ErrorEquals"},
	{name: "too many attempts", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 100000000}], "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Retry/0/MaxAttempts", msg: "Maximum value is 99999999"},
	{name: "catcher never fires", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Catch": [{"ErrorEquals": ["E"], "Next": "B"}, {"ErrorEquals": ["E"], "Next": "B"}], "End": true}, "B": {"Type": "Succeed"}`),
		want: "CATCHER_NEVER_FIRES /States/A/Catch/1"},
	{name: "unknown States error", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{"ErrorEquals": ["States.Timout"]}], "End": true}`),
		want: "UNKNOWN_ERROR_NAME /States/A/Retry/0/ErrorEquals"},

	// Choice.
	{name: "choice rules", def: sm(`"A": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.a", "TimestampEquals": "2024-01-01T00:00:00Z"}, {"Not": {"Variable": "$.b", "StringEqualsPath": "$.c"}}], "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}`)},
	{name: "choice variable not a reference", def: sm(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.a[?(@.x)]", "IsNull": true, "Next": "B"}]}, "B": {"Type": "Succeed"}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Variable", msg: "Value is not a Reference Path"},
	{name: "choice timestamp operand", def: sm(`"A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.a", "TimestampLessThan": "yesterday"}, "Next": "B"}]}, "B": {"Type": "Succeed"}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Choices/0/Not/TimestampLessThan", msg: "String does not match RFC3339 timestamp"},
	{name: "jsonata condition", def: jsonataSM(`"A": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.x > 1 %}", "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}`)},
	{name: "variable in a jsonata rule", def: jsonataSM(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Choices/0", msg: "field 'Variable' is only supported for the 'JSONPath' QueryLanguage"},

	// Wait.
	{name: "timestamp", def: sm(`"A": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00.123+01:00", "End": true}`)},
	{name: "timestamp of a 13th month", def: sm(`"A": {"Type": "Wait", "Timestamp": "2016-13-14T01:59:00Z", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Timestamp", msg: "String does not match RFC3339 timestamp"},
	{name: "jsonata timestamp", def: jsonataSM(`"A": {"Type": "Wait", "Timestamp": "{% $states.input.when %}", "End": true}`)},

	// Task resources.
	{name: "lambda function with alias", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:f:live", "End": true}`)},
	{name: "lambda function with empty alias", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:f:", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Resource", msg: "Value is not a valid resource ARN"},
	{name: "not an ARN", def: sm(`"A": {"Type": "Task", "Resource": "foo:bar", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Resource", msg: "Value is not a valid resource ARN"},
	{name: "unterminated substitution", def: sm(`"A": {"Type": "Task", "Resource": "${FunctionArn", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Resource", msg: "Value is not a valid resource ARN"},
	{name: "CloudFormation substitution", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}", "End": true}`),
		want: "PLACEHOLDER_RESOURCE /States/A/Resource"},
	{name: "CloudFormation intrinsic", def: sm(`"A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}, "End": true}`),
		want: "PLACEHOLDER_RESOURCE /States/A/Resource"},
	{name: "integration", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}`)},
	{name: "integration unknown action", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:query", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Resource", msg: "The resource provided arn:aws:states:::dynamodb:query is not recognized."},
	{name: "integration pattern not offered", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.sync", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Resource", msg: "is not recognized"},
	{name: "aws-sdk integration", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:query", "End": true}`)},
	{name: "express refuses .sync", typ: Express, def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Resource", msg: "Express state machine does not support '.sync:2' service integration"},
	{name: "express refuses activities", typ: Express, def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Resource"},
	{name: "activity", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": true}`)},
	{name: "activity with credentials", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "Credentials": {"RoleArn": "r"}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Credentials"},
	{name: "lambda invoke without function name", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"Payload.$": "$"}, "End": true}`),
		want: "MISSING_FUNCTION_NAME /States/A/Parameters"},
	{name: "unknown resource type", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:swf:us-east-1:123456789012:task:X", "End": true}`),
		want: "UNRECOGNIZED_RESOURCE /States/A/Resource"},
	{name: "heartbeat not below timeout", def: sm(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "TimeoutSeconds": 10, "HeartbeatSeconds": 10, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/HeartbeatSeconds"},

	// Query languages and JSONata.
	{name: "jsonata state", def: jsonataSM(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"}, "TimeoutSeconds": "{% 10 %}", "Output": "{% $states.result.Payload %}", "End": true}`)},
	{name: "jsonpath field in a jsonata state", def: jsonataSM(`"A": {"Type": "Pass", "ResultPath": "$.x", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A", msg: "The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage"},
	{name: "jsonata field in a jsonpath state", def: sm(`"A": {"Type": "Pass", "Output": {}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A", msg: "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage"},
	{name: "jsonpath state under a jsonata machine", def: jsonataSM(`"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A", msg: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"},
	{name: "jsonata state under a jsonpath machine", def: sm(`"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "End": true}`)},
	{name: "processor takes no query language", def: sm(`"A": {"Type": "Map", "ItemProcessor": {"QueryLanguage": "JSONata", "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor", msg: "Field 'QueryLanguage' is not supported"},
	{name: "number as a string in jsonpath", def: sm(`"A": {"Type": "Wait", "Seconds": "10", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Seconds"},
	{name: "number as a literal string in jsonata", def: jsonataSM(`"A": {"Type": "Wait", "Seconds": "10", "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Seconds"},
	{name: "jsonata delimiters", def: jsonataSM(`"A": {"Type": "Pass", "Output": {"x": "{% 1 + 2"}, "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Output/x", msg: "JSONata string must start with {% and end with %}"},
	{name: "jsonata syntax", def: jsonataSM(`"A": {"Type": "Pass", "Output": "{% 1 + %}", "End": true}`),
		want: "INVALID_JSONATA_EXPRESSION /States/A/Output", msg: "Unexpected end of expression"},
	{name: "jsonata top-level reference", def: jsonataSM(`"A": {"Type": "Pass", "Output": {"v": "{% phone %}"}, "End": true}`),
		want: "UNSUPPORTED_JSONATA_EXPRESSION /States/A/Output/v", msg: "Reference to 'phone' at the top level is not supported."},

	// Map and Parallel (the Distributed Map's rules are in validate_map_test.go).
	{name: "nested machines", def: sm(`"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Map", "ItemProcessor": {"StartAt": "C", "States": {"C": {"Type": "Pass", "InputPath": "x", "End": true}}}, "End": true}}}], "End": true}`),
		want: "SCHEMA_VALIDATION_FAILED /States/A/Branches/0/States/B/ItemProcessor/States/C/InputPath"},

	// Pass and Fail warnings, and the top level.
	{name: "forgotten .$", def: sm(`"A": {"Type": "Pass", "Parameters": {"a": "$.a"}, "End": true}`),
		want: "NO_DOLLAR /States/A/Parameters/a"},
	{name: "path in a result", def: sm(`"A": {"Type": "Pass", "Result": {"a.$": "$.a"}, "End": true}`),
		want: "PASS_RESULT_IS_STATIC /States/A/Result/a.$"},
	{name: "result and parameters", def: sm(`"A": {"Type": "Pass", "Result": 1, "Parameters": {"a": 1}, "End": true}`),
		want: "RESULT_WITH_PARAMETERS /States/A/Parameters"},
	{name: "path in an error", def: sm(`"A": {"Type": "Fail", "Error": "$.error"}`),
		want: "NO_PATH /States/A/Error"},
	{name: "version", def: `{"Version": "2.0", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
		want: "SCHEMA_VALIDATION_FAILED /Version"},
}

func TestRules(t *testing.T) {
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Check([]byte(tc.def), Options{Type: tc.typ})
			if tc.want == "" {
				assert.Empty(t, found(ds))
				return
			}
			require.Equal(t, []string{tc.want}, found(ds))
			assert.Contains(t, ds[0].Message, tc.msg)
		})
	}
}

func TestDiagnosticsSortedWithPositions(t *testing.T) {
	def := "{\n \"StartAt\": \"A\",\n \"States\": {\n  \"A\": {\"Type\": \"Pass\", \"Next\": \"X\"},\n  \"B\": {\"Type\": \"Pass\", \"InputPath\": \"no\", \"End\": true}\n }\n}"
	_, ds := Check([]byte(def), Options{})
	require.Len(t, ds, 3)
	assert.Equal(t, "4:33: error MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /States/A/Next", ds[0].String())
	assert.Equal(t, "5:8: error MISSING_TRANSITION_TARGET: State \"B\" is not reachable. at /States/B", ds[1].String())
	assert.Equal(t, "5:38: error SCHEMA_VALIDATION_FAILED", ds[2].String()[:36])
}

// TestDeepNesting: nesting at and beyond what the parser accepts gives diagnostics, never a crash.
func TestDeepNesting(t *testing.T) {
	for _, tc := range []struct {
		name string
		def  string
		// want is how many diagnostics, or -1 for "some error".
		want int
	}{
		// Every level names its state P: all but the first are duplicates.
		{"parallel 200", nestedParallel(200), 199},
		{"parallel 2000", nestedParallel(2000), -1},
		{"not 900", nestedNot(900), 0},
		{"not 2000", nestedNot(2000), -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Check([]byte(tc.def), Options{})
			if tc.want < 0 {
				assert.True(t, HasErrors(ds))
				return
			}
			assert.Len(t, ds, tc.want)
		})
	}
}

func nestedParallel(depth int) string {
	return strings.Repeat(`{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [`, depth) +
		`{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}` + strings.Repeat(`]}}}`, depth)
}

func nestedNot(depth int) string {
	return sm(`"A": {"Type": "Choice", "Choices": [{"Next": "B", ` + strings.Repeat(`"Not": {`, depth) +
		`"Variable": "$.x", "IsNull": true` + strings.Repeat(`}`, depth) + `}]}, "B": {"Type": "Succeed"}`)
}

// TestValidateBoundsModels: a model built in Go may nest without end; Validate stops with an error.
func TestValidateBoundsModels(t *testing.T) {
	m := &StateMachine{}
	m.StartAt = "P"
	p := &Parallel{Common: Common{Name: "P", Type: TypeParallel, End: true}}
	p.Branches = []*Machine{&m.Machine}
	m.Order = []string{"P"}
	m.States = map[string]State{"P": p}
	ds := Validate(m, Options{})
	assert.True(t, HasErrors(ds))
	assert.Contains(t, found(ds), "SCHEMA_VALIDATION_FAILED /")
}

// TestDefinitionSize: AWS refuses a definition of more than 1,048,576 characters.
func TestDefinitionSize(t *testing.T) {
	pad := strings.Repeat(" ", MaxDefinitionChars)
	_, ds := Check([]byte(sm(`"A": {"Type": "Succeed"}`)+pad), Options{})
	require.Len(t, ds, 1)
	assert.Contains(t, ds[0].Message, "more than the 1,048,576")
}

// BenchmarkCheck1000States parses and validates a 1,000-state definition of Pass, Task and Choice
// states with paths, templates, retriers and catchers.
func BenchmarkCheck1000States(b *testing.B) {
	def := []byte(generated(1000))
	_, ds := Check(def, Options{})
	if HasErrors(ds) {
		b.Fatalf("the generated definition is invalid: %v", ds)
	}
	b.SetBytes(int64(len(def)))
	b.ReportAllocs()
	for b.Loop() {
		Check(def, Options{})
	}
}

// generated builds a valid definition of n states: every third a Choice, the others Pass and Task.
func generated(n int) string {
	var b strings.Builder
	b.WriteString(`{"Comment": "generated", "StartAt": "S0", "States": {`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		next := fmt.Sprintf(`"Next": "S%d"`, i+1)
		if i == n-1 {
			next = `"End": true`
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, `"S%d": {"Type": "Pass", "InputPath": "$.in", "Parameters": {"id.$": "$$.Execution.Id", "n": %d, "s.$": "States.Format('{}-{}', $.a, $.b)", "list": [1, 2, {"x.$": "$.x[0]"}]}, "ResultPath": "$.p%d", %s}`, i, i, i, next)
		case 1:
			fmt.Fprintf(&b, `"S%d": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f%d", "Payload.$": "$"}, "ResultSelector": {"body.$": "$.Payload"}, "ResultPath": "$.t", "OutputPath": "$", "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 3}, {"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "S%d"}], %s}`, i, i, n-1, next)
		default:
			target := fmt.Sprintf("S%d", min(i+2, n-1))
			fmt.Fprintf(&b, `"S%d": {"Type": "Choice", "Choices": [{"Variable": "$.v%d", "NumericGreaterThan": %d, "Next": "%s"}, {"And": [{"Variable": "$.s", "StringEquals": "x"}, {"Not": {"Variable": "$.b", "BooleanEquals": true}}], "Next": "S%d"}], "Default": "S%d"}`, i, i, i, target, i+1, i+1)
		}
	}
	b.WriteString(`}}`)
	return b.String()
}
