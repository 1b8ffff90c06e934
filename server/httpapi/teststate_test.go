package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

// The expected answers below are AWS's own where a comment says "AWS": TestState responses recorded on AWS
// in localstack/localstack's snapshot tests (tests/aws/services/stepfunctions/v2/test_state, entries
// validated against AWS), on the same definitions and inputs.

// shown is a TestState response as JSON, its JSON-text members parsed, for comparing with JSONEq.
func shown(t *testing.T, out *sfn.TestStateOutput) string {
	t.Helper()
	parse := func(s *string) any {
		if s == nil {
			return nil
		}
		var v any
		require.NoError(t, json.Unmarshal([]byte(*s), &v), *s)
		return v
	}
	m := map[string]any{"status": string(out.Status)}
	if out.Output != nil {
		m["output"] = parse(out.Output)
	}
	for k, v := range map[string]*string{"error": out.Error, "cause": out.Cause, "nextState": out.NextState} {
		if v != nil {
			m[k] = *v
		}
	}
	if d := out.InspectionData; d != nil {
		data := map[string]any{}
		for k, v := range map[string]*string{"input": d.Input, "afterArguments": d.AfterArguments, "afterInputPath": d.AfterInputPath,
			"afterParameters": d.AfterParameters, "result": d.Result, "afterResultSelector": d.AfterResultSelector,
			"afterResultPath": d.AfterResultPath, "afterItemsPath": d.AfterItemsPath, "afterItemsPointer": d.AfterItemsPointer,
			"afterItemSelector": d.AfterItemSelector, "afterItemBatcher": d.AfterItemBatcher, "variables": d.Variables} {
			if v != nil {
				data[k] = parse(v)
			}
		}
		if d.MaxConcurrency != nil {
			data["maxConcurrency"] = *d.MaxConcurrency
		}
		if d.ToleratedFailureCount != nil {
			data["toleratedFailureCount"] = *d.ToleratedFailureCount
		}
		if d.ToleratedFailurePercentage != nil {
			data["toleratedFailurePercentage"] = *d.ToleratedFailurePercentage
		}
		if e := d.ErrorDetails; e != nil {
			details := map[string]any{}
			if e.RetryIndex != nil {
				details["retryIndex"] = *e.RetryIndex
			}
			if e.RetryBackoffIntervalSeconds != nil {
				details["retryBackoffIntervalSeconds"] = *e.RetryBackoffIntervalSeconds
			}
			if e.CatchIndex != nil {
				details["catchIndex"] = *e.CatchIndex
			}
			data["errorDetails"] = details
		}
		m["inspectionData"] = data
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

// The definitions of AWS's recorded cases.
const (
	ioPassState       = `{"Type":"Pass","InputPath":"$.initialData","Parameters":{"staticValue":"some value","inputValue.$":"$.fieldFromInput"},"ResultPath":"$.modifiedData","End":true}`
	ioResultPassState = `{"Type":"Pass","InputPath":"$.initialData","Parameters":{"staticValue":"some value","inputValue.$":"$.fieldFromInput"},"Result":{"resultKey":"result value"},"ResultPath":"$.modifiedData","End":true}`
	nestedDictInput   = `{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234}}`
	choiceState       = `{"Type":"Choice","Choices":[{"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"},
		{"Variable":"$.value","NumericEquals":0,"Next":"ValueIsZero"},
		{"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],"Next":"ValueInTwenties"}],
		"Default":"DefaultState"}`
	taskStateCatch = `{"QueryLanguage":"JSONata","Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"foo","Payload":"bar"},
		"Catch":[{"ErrorEquals":["MockException"],"Output":"{% $states.errorOutput %}","Next":"HandleMockError"},
		{"ErrorEquals":["States.TaskFailed"],"Output":"{% $states.errorOutput %}","Next":"HandleThreshold"}],"End":true}`
	taskStateRetry = `{"QueryLanguage":"JSONata","Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"foo","Payload":"bar"},
		"Retry":[{"ErrorEquals":["MockException"],"IntervalSeconds":1,"MaxAttempts":5,"BackoffRate":2.0}],"End":true}`
	mapStateCatch = `{"Type":"Map","QueryLanguage":"JSONata","Items":"{% $states.input.Values %}",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"TestState",
		"States":{"TestState":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}},
		"Catch":[{"ErrorEquals":["MockException"],"Output":"{% $states.errorOutput %}","Next":"HandleMockError"},
		{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"Output":"{% $states.errorOutput %}","Next":"HandleThreshold"}],
		"ToleratedFailureCount":1,"End":true}`
	mapStateRetry = `{"Type":"Map","QueryLanguage":"JSONata","Items":"{% $states.input.Values %}",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"TestState",
		"States":{"TestState":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}},
		"Retry":[{"ErrorEquals":["MockException"],"MaxAttempts":3},{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"MaxAttempts":2}],
		"ToleratedFailureCount":1,"End":true}`
	mapMachine = `{"StartAt":"State0","States":{"State0":{"Type":"Map","ItemsPath":"$.Values",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"HandleItem",
		"States":{"HandleItem":{"Type":"Pass","End":true}}},"ToleratedFailureCount":2,"End":true}}}`
	parallelState = `{"Type":"Parallel","Branches":[{"StartAt":"Branch1","States":{"Branch1":{"Type":"Pass","End":true}}},
		{"StartAt":"Branch2","States":{"Branch2":{"Type":"Pass","End":true}}}],"End":true}`
	putEventsState     = `{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Parameters":{"Entries.$":"$.Entries"},"End":true}`
	startExecutionTask = `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::states:startExecution",
		"Arguments":{"Input":"{% $states.input.targetInput %}","StateMachineArn":"{% $states.input.stateMachineArn %}","Name":"{% $states.input.name %}"},
		"Output":{"targetExecutionResult":"{% $states.result %}"},"End":true}`
	lambdaServiceTask = `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`
	dynamoDBTask      = `{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","Parameters":{"TableName.$":"$.TableName","Item.$":"$.Item"},"End":true}`
	s3GetObjectTask   = `{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket.$":"$.Bucket","Key.$":"$.Key"},"End":true}`
)

func TestTestState(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{})
	debug, info := types.InspectionLevelDebug, types.InspectionLevelInfo
	result := func(v string) *types.MockInput { return &types.MockInput{Result: aws.String(v)} }
	mockError := &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("MockException"), Cause: aws.String("Mock the cause of the error.")}}
	values := `{"Values":["first","second","third"]}`
	tests := []struct {
		name string
		in   sfn.TestStateInput
		want string
	}{
		{
			// The Done-when.
			name: "a Task with a mocked result at DEBUG shows its output and afterResultSelector",
			in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage",
				"Parameters":{"QueueUrl":"q","MessageBody.$":"$"},"ResultSelector":{"id.$":"$.MessageId"},"ResultPath":"$.sent","End":true}`),
				Input: aws.String(`{"q":1}`), InspectionLevel: debug, Mock: result(`{"MessageId":"m-1","MD5OfMessageBody":"x"}`)},
			want: `{"status":"SUCCEEDED","output":{"q":1,"sent":{"id":"m-1"}},"inspectionData":{"input":{"q":1},"afterInputPath":{"q":1},
				"afterParameters":{"QueueUrl":"q","MessageBody":{"q":1}},"result":{"MessageId":"m-1","MD5OfMessageBody":"x"},
				"afterResultSelector":{"id":"m-1"},"afterResultPath":{"q":1,"sent":{"id":"m-1"}}}}`,
		},
		{
			name: "AWS: a Pass with paths at DEBUG",
			in:   sfn.TestStateInput{Definition: aws.String(ioPassState), Input: aws.String(nestedDictInput), InspectionLevel: debug},
			want: `{"status":"SUCCEEDED","output":{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234},"modifiedData":{"staticValue":"some value","inputValue":"value from input"}},
				"inspectionData":{"input":` + nestedDictInput + `,"afterInputPath":{"fieldFromInput":"value from input","otherField":"other"},
				"afterParameters":{"staticValue":"some value","inputValue":"value from input"},"afterResultSelector":{"staticValue":"some value","inputValue":"value from input"},
				"afterResultPath":{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234},"modifiedData":{"staticValue":"some value","inputValue":"value from input"}}}}`,
		},
		{
			name: "AWS: a Pass with Result at DEBUG shows result, not InputPath or Parameters",
			in:   sfn.TestStateInput{Definition: aws.String(ioResultPassState), Input: aws.String(nestedDictInput), InspectionLevel: debug},
			want: `{"status":"SUCCEEDED","output":{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234},"modifiedData":{"resultKey":"result value"}},
				"inspectionData":{"input":` + nestedDictInput + `,"result":{"resultKey":"result value"},"afterResultSelector":{"resultKey":"result value"},
				"afterResultPath":{"initialData":{"fieldFromInput":"value from input","otherField":"other"},"unrelatedData":{"someOtherField":1234},"modifiedData":{"resultKey":"result value"}}}}`,
		},
		{
			name: "AWS: a Choice at INFO names the next state",
			in:   sfn.TestStateInput{Definition: aws.String(choiceState), Input: aws.String(`{"type":"Private","value":22}`), InspectionLevel: info},
			want: `{"status":"SUCCEEDED","nextState":"ValueInTwenties","output":{"type":"Private","value":22}}`,
		},
		{
			name: "AWS: a Fail at DEBUG",
			in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Fail","Error":"SomeFailure","Cause":"This state machines raises a 'SomeFailure' failure."}`),
				Input: aws.String(`{"Value":"HelloWorld"}`), InspectionLevel: debug},
			want: `{"status":"FAILED","error":"SomeFailure","cause":"This state machines raises a 'SomeFailure' failure.",
				"inspectionData":{"input":{"Value":"HelloWorld"},"afterInputPath":{"Value":"HelloWorld"}}}`,
		},
		{
			name: "AWS: a state of a machine by its name, inside a Map's processor",
			in:   sfn.TestStateInput{Definition: aws.String(mapMachine), StateName: aws.String("HandleItem"), Input: aws.String(`{"Value":"HelloWorld"}`), InspectionLevel: info},
			want: `{"status":"SUCCEEDED","output":{"Value":"HelloWorld"}}`,
		},
		{
			name: "AWS: a caught mocked error",
			in:   sfn.TestStateInput{Definition: aws.String(taskStateCatch), Input: aws.String(`{"Value":"HelloWorld"}`), InspectionLevel: debug, Mock: mockError},
			want: `{"status":"CAUGHT_ERROR","error":"MockException","cause":"Mock the cause of the error.","nextState":"HandleMockError",
				"output":{"Error":"MockException","Cause":"Mock the cause of the error."},
				"inspectionData":{"input":{"Value":"HelloWorld"},"afterArguments":{"FunctionName":"foo","Payload":"bar"},"errorDetails":{"catchIndex":0}}}`,
		},
		{
			name: "AWS: States.TaskFailed caught by the second catcher",
			in: sfn.TestStateInput{Definition: aws.String(taskStateCatch), Input: aws.String(`{"Value":"HelloWorld"}`), InspectionLevel: debug,
				Mock: &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("States.TaskFailed"), Cause: aws.String("The task failed.")}}},
			want: `{"status":"CAUGHT_ERROR","error":"States.TaskFailed","cause":"The task failed.","nextState":"HandleThreshold",
				"output":{"Error":"States.TaskFailed","Cause":"The task failed."},
				"inspectionData":{"input":{"Value":"HelloWorld"},"afterArguments":{"FunctionName":"foo","Payload":"bar"},"errorDetails":{"catchIndex":1}}}`,
		},
		{
			name: "AWS: retrierRetryCount below MaxAttempts is RETRIABLE",
			in: sfn.TestStateInput{Definition: aws.String(taskStateRetry), Input: aws.String(values), InspectionLevel: debug, Mock: mockError,
				StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(4)}},
			want: `{"status":"RETRIABLE","error":"MockException","cause":"Mock the cause of the error.",
				"inspectionData":{"input":` + values + `,"afterArguments":{"FunctionName":"foo","Payload":"bar"},"errorDetails":{"retryBackoffIntervalSeconds":16,"retryIndex":0}}}`,
		},
		{
			name: "AWS: retrierRetryCount at MaxAttempts fails",
			in: sfn.TestStateInput{Definition: aws.String(taskStateRetry), Input: aws.String(values), InspectionLevel: debug, Mock: mockError,
				StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(5)}},
			want: `{"status":"FAILED","error":"MockException","cause":"Mock the cause of the error.",
				"inspectionData":{"input":` + values + `,"afterArguments":{"FunctionName":"foo","Payload":"bar"},"errorDetails":{"retryIndex":0}}}`,
		},
		{
			name: "AWS: a Map's failed iterations past its tolerance, caught",
			in: sfn.TestStateInput{Definition: aws.String(mapStateCatch), Input: aws.String(values), InspectionLevel: debug, Mock: result(`[0, 0, 1]`),
				StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(2)}},
			want: `{"status":"CAUGHT_ERROR","error":"States.ExceedToleratedFailureThreshold","cause":"The specified tolerated failure threshold was exceeded",
				"nextState":"HandleThreshold","output":{"Error":"States.ExceedToleratedFailureThreshold","Cause":"The specified tolerated failure threshold was exceeded"},
				"inspectionData":{"input":` + values + `,"maxConcurrency":0,"toleratedFailureCount":1,"errorDetails":{"catchIndex":1}}}`,
		},
		{
			name: "AWS: a Map's failed iterations past its tolerance, retriable",
			in: sfn.TestStateInput{Definition: aws.String(mapStateRetry), Input: aws.String(values), InspectionLevel: debug, Mock: result(`[0, 0, 1]`),
				StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(2)}},
			want: `{"status":"RETRIABLE","error":"States.ExceedToleratedFailureThreshold","cause":"The specified tolerated failure threshold was exceeded",
				"inspectionData":{"input":` + values + `,"maxConcurrency":0,"toleratedFailureCount":1,"errorDetails":{"retryBackoffIntervalSeconds":1,"retryIndex":1}}}`,
		},
		{
			name: "AWS: a Map of a machine with a mocked error",
			in: sfn.TestStateInput{Definition: aws.String(mapMachine), StateName: aws.String("State0"), Input: aws.String(values), InspectionLevel: debug,
				Mock:               &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("MockException"), Cause: aws.String("Mock the error cause.")}},
				StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(0), ErrorCausedByState: aws.String("HandleItem")}},
			want: `{"status":"FAILED","error":"MockException","cause":"Mock the error cause.",
				"inspectionData":{"input":` + values + `,"afterInputPath":` + values + `,"afterItemsPath":["first","second","third"],"maxConcurrency":0,"toleratedFailureCount":2}}`,
		},
		{
			name: "a mocked activity",
			in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:approve","TimeoutSeconds":5,"End":true}`),
				InspectionLevel: info, Mock: result(`{"approved":true}`)},
			want: `{"status":"SUCCEEDED","output":{"approved":true}}`,
		},
		{
			name: "a mocked .sync Task, whose result is not checked against a shape",
			in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
				"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child"},"OutputPath":"$.Output","End":true}`),
				InspectionLevel: info, Mock: result(`{"Status":"SUCCEEDED","Output":{"done":1}}`)},
			want: `{"status":"SUCCEEDED","output":{"done":1}}`,
		},
		{
			name: "a mocked Parallel",
			in:   sfn.TestStateInput{Definition: aws.String(parallelState), Input: aws.String(`{"a":1}`), InspectionLevel: info, Mock: result(`[1,2]`)},
			want: `{"status":"SUCCEEDED","output":[1,2]}`,
		},
		{
			name: "AWS: a lambda:invoke mock with fields outside the model",
			in: sfn.TestStateInput{Definition: aws.String(lambdaServiceTask), RoleArn: aws.String(roleArn), Input: aws.String(`{"FunctionName":"f","Payload":null}`),
				InspectionLevel: info, Mock: result(`{"Payload":"function output","SdkHttpMetadata":{"HttpStatusCode":200}}`)},
			want: `{"status":"SUCCEEDED","output":{"Payload":"function output","SdkHttpMetadata":{"HttpStatusCode":200}}}`,
		},
		{
			name: "AWS: PRESENT does not require the required fields",
			in: sfn.TestStateInput{Definition: aws.String(startExecutionTask), Input: aws.String(`{"stateMachineArn":"arn","targetInput":null,"name":"n"}`),
				InspectionLevel: info, Mock: &types.MockInput{Result: aws.String(`{}`), FieldValidationMode: types.MockResponseValidationModePresent}},
			want: `{"status":"SUCCEEDED","output":{"targetExecutionResult":{}}}`,
		},
		{
			name: "AWS: NONE checks nothing",
			in: sfn.TestStateInput{Definition: aws.String(startExecutionTask), Input: aws.String(`{"stateMachineArn":"arn","targetInput":null,"name":"n"}`),
				InspectionLevel: info, Mock: &types.MockInput{Result: aws.String(`{"ExecutionArn":"a","StartDate":true}`), FieldValidationMode: types.MockResponseValidationModeNone}},
			want: `{"status":"SUCCEEDED","output":{"targetExecutionResult":{"ExecutionArn":"a","StartDate":true}}}`,
		},
		{
			name: "variables given and the context object built",
			in: sfn.TestStateInput{Definition: aws.String(`{"QueryLanguage":"JSONata","Type":"Pass",
				"Output":{"v":"{% $var_input_value %}","state":"{% $states.context.State %}","role":"{% $states.context.Execution.RoleArn %}"},"End":true}`),
				Variables: aws.String(`{"var_input_value":"test_value","var_constant_1":10}`), InspectionLevel: debug},
			want: `{"status":"SUCCEEDED","output":{"v":"test_value","role":null,"state":{"Name":"StateName","EnteredTime":"*"}},
				"inspectionData":{"input":{},"variables":{"var_input_value":"test_value","var_constant_1":10}}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.sfn.TestState(context.Background(), &tc.in)
			require.NoError(t, err)
			got := shown(t, out)
			if strings.Contains(tc.want, `"EnteredTime":"*"`) {
				// The time the state was entered is now: only its form is compared.
				var v map[string]any
				require.NoError(t, json.Unmarshal([]byte(got), &v))
				state := v["output"].(map[string]any)["state"].(map[string]any)
				assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, state["EnteredTime"])
				state["EnteredTime"] = "*"
				b, _ := json.Marshal(v)
				got = string(b)
			}
			assert.JSONEq(t, tc.want, got)
		})
	}
}

// TestState's refusals: AWS's codes and, where AWS recorded them, its messages.
func TestTestStateRefusals(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{})
	result := func(v string) *types.MockInput { return &types.MockInput{Result: aws.String(v)} }
	mockError := &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Error"), Cause: aws.String("Cause")}}
	putEvents := func(v string) sfn.TestStateInput {
		return sfn.TestStateInput{Definition: aws.String(putEventsState), Input: aws.String(`{"Entries":[]}`), Mock: result(v)}
	}
	startExecution := func(mock *types.MockInput, context string) sfn.TestStateInput {
		in := sfn.TestStateInput{Definition: aws.String(startExecutionTask), Input: aws.String(`{"stateMachineArn":"arn","targetInput":null,"name":"n"}`), Mock: mock}
		if context != "" {
			in.Context = aws.String(context)
		}
		return in
	}
	validStart := result(`{"ExecutionArn":"exec_arn","StartDate":"2025-01-01T00:00:00Z"}`)
	tests := []struct {
		name    string
		in      sfn.TestStateInput
		code    string
		message string
	}{
		{"AWS: a Pass with a mock", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Mock: result(`{"mock":"the unmockable"}`)},
			"ValidationException", "State type 'Pass' is not supported when a mock is specified"},
		{"AWS: a Succeed with a mocked error", sfn.TestStateInput{Definition: aws.String(`{"Type":"Succeed"}`), Mock: mockError},
			"ValidationException", "State type 'Succeed' is not supported when a mock is specified"},
		{"AWS: a Map without a mock", sfn.TestStateInput{Definition: aws.String(mapStateCatch)},
			"InvalidDefinition", "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]"},
		{"AWS: a Parallel without a mock", sfn.TestStateInput{Definition: aws.String(parallelState)},
			"InvalidDefinition", "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]"},
		{"AWS: both result and errorOutput", sfn.TestStateInput{Definition: aws.String(lambdaServiceTask),
			Mock: &types.MockInput{Result: aws.String(`{}`), ErrorOutput: mockError.ErrorOutput}},
			"ValidationException", "A test mock should have only one of the following fields: [result, errorOutput]."},
		{"AWS: revealSecrets with a mock", sfn.TestStateInput{Definition: aws.String(lambdaServiceTask), RevealSecrets: true, Mock: result(`{}`)},
			"ValidationException", "TestState does not support RevealSecrets when a mock is specified."},
		{"AWS: a Map's mock that is no array", sfn.TestStateInput{Definition: aws.String(mapStateCatch), Mock: result(`{"a":1}`)},
			"ValidationException", "Mocked result must be an array."},
		{"AWS: a Map with a ResultWriter and a mock that is no object", sfn.TestStateInput{Definition: aws.String(`{"Type":"Map",
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
			"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b","Prefix":"p"}},"End":true}`), Mock: result(`[1]`)},
			"ValidationException", "Mocked result must be a JSON object."},
		{"AWS: a Parallel's mock of another length", sfn.TestStateInput{Definition: aws.String(parallelState), Mock: result(`[1,2,3]`)},
			"ValidationException", "Mocked result must contain the same number of items as number of Parallel branches."},
		{"AWS: a mock that is not JSON", sfn.TestStateInput{Definition: aws.String(lambdaServiceTask),
			Mock: &types.MockInput{Result: aws.String("not JSON string"), FieldValidationMode: types.MockResponseValidationModeNone}},
			"ValidationException", "Mocked result must be valid JSON"},
		{"AWS: a Task without a mock or role", sfn.TestStateInput{Definition: aws.String(lambdaServiceTask), Input: aws.String(`{"FunctionName":"f"}`)},
			"ValidationException", "RoleArn must be specified when testing a Task state"},
		{"AWS: a state name the machine lacks", sfn.TestStateInput{Definition: aws.String(mapMachine), StateName: aws.String("dne")},
			"ValidationException", "State not found in definition"},
		{"AWS: STRICT, a list of the wrong type", putEvents(`{"Entries":"Entries value should have been a list of entry objects"}`),
			"ValidationException", "Mock result schema validation error: Field 'Entries' must be an array"},
		{"AWS: STRICT, a nested field of the wrong type", putEvents(`{"Entries":[{"EventId":"ok"},{"EventId":["not a string"]}]}`),
			"ValidationException", "Mock result schema validation error: Field 'EventId' must be a string"},
		{"AWS: STRICT, a required field missing", startExecution(result(`{"executionArn":"a","startDate":"b"}`), ""),
			"ValidationException", "Mock result schema validation error: Required field 'ExecutionArn' is missing"},
		{"AWS: PRESENT, a timestamp of the wrong type", startExecution(&types.MockInput{Result: aws.String(`{"ExecutionArn":"a","StartDate":1764103483}`),
			FieldValidationMode: types.MockResponseValidationModePresent}, ""),
			"ValidationException", "Mock result schema validation error: Field 'StartDate' must be a string"},
		{"AWS: STRICT, an integer as a string", sfn.TestStateInput{Definition: aws.String(lambdaServiceTask), Mock: result(`{"StatusCode":"200"}`)},
			"ValidationException", "Mock result schema validation error: Field 'StatusCode' must be a number"},
		{"AWS: STRICT, a DynamoDB float as a string", sfn.TestStateInput{Definition: aws.String(dynamoDBTask),
			Input: aws.String(`{"TableName":"t","Item":{}}`), Mock: result(`{"ConsumedCapacity":{"CapacityUnits":"123.45"}}`)},
			"ValidationException", "Mock result schema validation error: Field 'CapacityUnits' must be a number"},
		{"AWS: STRICT, an S3 enum value it does not know", sfn.TestStateInput{Definition: aws.String(s3GetObjectTask),
			Input: aws.String(`{"Bucket":"b","Key":"k"}`), Mock: result(`{"StorageClass":"Papyrus"}`)},
			"ValidationException", "Mock result schema validation error: Field 'StorageClass' is not an expected value"},
		{"AWS: a context with an Execution.Id of the wrong type", startExecution(validStart, `{"Execution":{"Id":1}}`),
			"ValidationException", "Invalid Context object provided: Execution.Id must be a string"},
		{"AWS: a context with Map", startExecution(validStart, `{"Map":{}}`),
			"ValidationException", "Invalid Context object provided: 'Map' field is not supported when mocking a Context object"},
		{"AWS: a context with an unknown Execution field", startExecution(validStart, `{"Execution":{"pokemon":"squirtle"}}`),
			"ValidationException", "Invalid Context object provided: Field 'pokemon' is not allowed"},
		{"AWS: a context with an unknown field", startExecution(validStart, `{"Pokedex":{}}`),
			"ValidationException", "Invalid Context object provided: Field 'Pokedex' is not allowed"},
		{"AWS: a context with Task for a Task that does not wait", startExecution(validStart, `{"Task":{"Token":"abcd123"}}`),
			"ValidationException", "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern"},
		{"an invalid inspection level", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), InspectionLevel: "LOUD"},
			"ValidationException", "1 validation error detected: Value 'LOUD' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"},
		{"an invalid definition", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Next":"X","End":true}`)},
			"InvalidDefinition", ""},
		{"an activity without a mock", sfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a","End":true}`),
			RoleArn: aws.String(roleArn)}, "InvalidDefinition", ""},
		{"an input that is not JSON", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Input: aws.String("{")},
			"InvalidExecutionInput", ""},
		// ojg's parser, which read these before, panicked on it.
		{"an input with a member without a value", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`),
			Input: aws.String(`{"a":{"b":},"c":1}`)}, "InvalidExecutionInput", ""},
		{"variables with a member without a value", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`),
			Variables: aws.String(`{"a":{"b":},"c":1}`)}, "ValidationException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.sfn.TestState(context.Background(), &tc.in)
			msg := apiError(t, err, tc.code)
			if tc.message != "" {
				assert.Equal(t, tc.message, msg)
			}
		})
	}
}

// Without a mock a Task calls the server's Invoker, and at TRACE an HTTP Task shows its request and
// response.
func TestTestStateCallsResources(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{})
	ctx := context.Background()
	t.Run("a Lambda function", func(t *testing.T) {
		e.reg.Lambda("hello", resources.HandlerFunc(func(_ context.Context, call *resources.Call) (any, error) {
			return "HelloWorld!", nil
		}))
		out, err := e.sfn.TestState(ctx, &sfn.TestStateInput{RoleArn: aws.String(roleArn),
			Definition:      aws.String(`{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:hello","End":true}`),
			Input:           aws.String(`{"inputData":"HelloWorld"}`),
			InspectionLevel: types.InspectionLevelDebug})
		require.NoError(t, err)
		// AWS (test_base_lambda_task_state): the function's value is the result and the output.
		assert.JSONEq(t, `{"status":"SUCCEEDED","output":"HelloWorld!","inspectionData":{"input":{"inputData":"HelloWorld"},
			"afterInputPath":{"inputData":"HelloWorld"},"afterParameters":{"inputData":"HelloWorld"},"result":"HelloWorld!",
			"afterResultSelector":"HelloWorld!","afterResultPath":"HelloWorld!"}}`, shown(t, out))
	})
	t.Run("an HTTP Task at TRACE", func(t *testing.T) {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"approval":true,"got":` + string(body) + `}`))
		}))
		defer api.Close()
		out, err := e.sfn.TestState(ctx, &sfn.TestStateInput{RoleArn: aws.String(roleArn),
			Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"` + api.URL + `/approval",
				"Method":"POST","RequestBody":{"cost.$":"$.cost"},"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"}},
				"ResultSelector":{"approval.$":"$.ResponseBody.approval"},"End":true}`),
			Input: aws.String(`{"cost":10}`), InspectionLevel: types.InspectionLevelTrace})
		require.NoError(t, err)
		require.Equal(t, types.TestExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
		assert.JSONEq(t, `{"approval":true}`, aws.ToString(out.Output))
		d := out.InspectionData
		require.NotNil(t, d.Request)
		assert.Equal(t, "POST", aws.ToString(d.Request.Method))
		assert.Equal(t, api.URL+"/approval", aws.ToString(d.Request.Url))
		assert.Equal(t, "http", aws.ToString(d.Request.Protocol))
		assert.JSONEq(t, `{"cost":10}`, aws.ToString(d.Request.Body))
		assert.Contains(t, aws.ToString(d.Request.Headers), "Content-Type: application/json")
		require.NotNil(t, d.Response)
		assert.Equal(t, "200", aws.ToString(d.Response.StatusCode))
		assert.Equal(t, "OK", aws.ToString(d.Response.StatusMessage))
		assert.JSONEq(t, `{"approval":true,"got":{"cost":10}}`, aws.ToString(d.Response.Body))
		// DEBUG shows no request.
		out, err = e.sfn.TestState(ctx, &sfn.TestStateInput{RoleArn: aws.String(roleArn),
			Definition:      aws.String(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"ApiEndpoint":"` + api.URL + `","Method":"GET"},"End":true}`),
			InspectionLevel: types.InspectionLevelDebug})
		require.NoError(t, err)
		assert.Nil(t, out.InspectionData.Request)
	})
}

// AWS (test_state_map_context_object): a JSONPath Map's items path may read the context object given.
func TestTestStateMapWithContext(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{})
	out, err := e.sfn.TestState(context.Background(), &sfn.TestStateInput{
		Definition: aws.String(`{"Type":"Map","ItemsPath":"$$.Execution.Input.values","MaxConcurrency":1,
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`),
		Input:           aws.String(`["fire","electricity","grass"]`),
		Context:         aws.String(`{"Execution":{"Id":"arn:aws:states:::execution:M:e","Input":{"values":["charizard","pikachu","bulbasaur"]}},"State":{"Name":"MyTaskState","RetryCount":0}}`),
		Mock:            &types.MockInput{Result: aws.String(`["CHARIZARD","PIKACHU","BULBASAUR"]`)},
		InspectionLevel: types.InspectionLevelTrace,
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"status":"SUCCEEDED","output":["CHARIZARD","PIKACHU","BULBASAUR"],"inspectionData":{
		"input":["fire","electricity","grass"],"afterInputPath":["fire","electricity","grass"],"afterItemsPath":["charizard","pikachu","bulbasaur"],
		"afterResultSelector":["CHARIZARD","PIKACHU","BULBASAUR"],"afterResultPath":["CHARIZARD","PIKACHU","BULBASAUR"],"maxConcurrency":1}}`, shown(t, out))
}
