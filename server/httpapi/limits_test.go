package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

// expressRefused is AWS's answer (recorded) to the operations on one execution given an Express ARN.
const expressRefused = "Invalid Arn: 'Resource type not valid in this context: express'"

// TestExpressExecutionsHidden: as on AWS, an Express execution is served by none of the operations on one
// execution, running or ended, nor listed; StartSyncExecution still answers with its outcome.
func TestExpressExecutionsHidden(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		slow := e.create(t, "slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`, types.StateMachineTypeExpress)
		running := e.start(t, slow, "running", `{}`)
		ended, err := e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(e.create(t, "quick", passMachine, types.StateMachineTypeExpress)),
			Input: aws.String(`{"a":1}`)})
		require.NoError(t, err)
		assert.Equal(t, types.SyncExecutionStatusSucceeded, ended.Status)
		assert.JSONEq(t, `{"a":1,"c":"done"}`, aws.ToString(ended.Output))

		for _, arn := range []string{running, aws.ToString(ended.ExecutionArn)} {
			calls := map[string]func() error{
				"DescribeExecution": func() error {
					_, err := e.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
					return err
				},
				"GetExecutionHistory": func() error {
					_, err := e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
					return err
				},
				"StopExecution": func() error {
					_, err := e.sfn.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)})
					return err
				},
				"DescribeStateMachineForExecution": func() error {
					_, err := e.sfn.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn)})
					return err
				},
			}
			for name, call := range calls {
				invalid := isA[*types.InvalidArn](t, call())
				assert.Equal(t, expressRefused, invalid.ErrorMessage(), name)
			}
		}
		_, err = e.sfn.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(slow)})
		notSupported := isA[*types.StateMachineTypeNotSupported](t, err)
		assert.Equal(t, "This operation is not supported by this type of state machine", notSupported.ErrorMessage())
	})
}

// TestExecutionLimits: AWS stops an Express execution at 5 minutes and a Standard one at a year, TIMED_OUT
// with States.Timeout, also under a virtual clock; a shorter TimeoutSeconds still comes first.
func TestExecutionLimits(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{Clock: interpreter.NewVirtualClock(time.Now())})
	ctx := context.Background()
	wait := func(seconds int, timeout string) string {
		return fmt.Sprintf(`{"StartAt":"W",%s"States":{"W":{"Type":"Wait","Seconds":%d,"End":true}}}`, timeout, seconds)
	}
	tests := []struct {
		name     string
		typ      types.StateMachineType
		def      string
		status   string
		duration time.Duration
	}{
		{"express within 5 minutes", types.StateMachineTypeExpress, wait(299, ""), "SUCCEEDED", 299 * time.Second},
		{"express past 5 minutes", types.StateMachineTypeExpress, wait(400, ""), "TIMED_OUT", service.MaxExpressDuration},
		{"express TimeoutSeconds first", types.StateMachineTypeExpress, wait(400, `"TimeoutSeconds":60,`), "TIMED_OUT", time.Minute},
		{"standard within a year", types.StateMachineTypeStandard, wait(364*24*3600, ""), "SUCCEEDED", 364 * 24 * time.Hour},
		{"standard past a year", types.StateMachineTypeStandard, wait(3*365*24*3600, ""), "TIMED_OUT", service.MaxStandardDuration},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			machine := e.create(t, fmt.Sprintf("limit-%d", i), tt.def, tt.typ)
			var status, errName string
			var start, stop time.Time
			if tt.typ == types.StateMachineTypeExpress {
				out, err := e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine)})
				require.NoError(t, err)
				status, errName, start, stop = string(out.Status), aws.ToString(out.Error), *out.StartDate, *out.StopDate
			} else {
				d := e.wait(t, e.start(t, machine, "", `{}`))
				status, errName, start, stop = string(d.Status), aws.ToString(d.Error), *d.StartDate, *d.StopDate
			}
			assert.Equal(t, tt.status, status)
			if tt.status == "TIMED_OUT" {
				assert.Equal(t, "States.Timeout", errName)
			}
			assert.Equal(t, tt.duration, stop.Sub(start))
		})
	}
}

// TestRequestValidation: the configurations, role, name, tags and trace header of requests are checked as
// AWS checks them, with its error codes (and its messages where they are known).
func TestRequestValidation(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{})
	logGroup := "arn:aws:logs:us-east-1:123456789012:log-group:sfn:*"
	create := func(name, extra string) string {
		return fmt.Sprintf(`{"name":%q,"definition":%q,"roleArn":%q%s}`, name, passMachine, roleArn, extra)
	}
	tags := make([]string, 51)
	for i := range tags {
		tags[i] = fmt.Sprintf(`{"key":"k%d","value":"v"}`, i)
	}
	tests := []struct {
		name, target, body string
		code, message      string
	}{
		{"role not an ARN", "CreateStateMachine", `{"name":"m","definition":"{}","roleArn":"not-an-arn"}`, "InvalidArn", "Invalid Role Arn: 'not-an-arn'"},
		{"role of a policy", "CreateStateMachine", `{"name":"m","definition":"{}","roleArn":"arn:aws:iam::aws:policy/AWSBatchFullAccess"}`,
			"InvalidArn", "Invalid Role Arn: 'arn:aws:iam::aws:policy/AWSBatchFullAccess'"},
		{"role on update", "UpdateStateMachine", `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:valid","roleArn":"r"}`,
			"InvalidArn", "Invalid Role Arn: 'r'"},
		{"name", "CreateStateMachine", create("a b", ""), "InvalidName", "Invalid Name: 'a b'"},
		{"log level", "CreateStateMachine", create("m", `,"loggingConfiguration":{"level":"LOUD"}`), "ValidationException",
			"1 validation error detected: Value 'LOUD' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]"},
		{"level without destination", "CreateStateMachine", create("m", `,"loggingConfiguration":{"level":"ERROR"}`), "InvalidLoggingConfiguration",
			"Invalid Logging Configuration: Must specify exactly one Log Destination."},
		{"two destinations", "CreateStateMachine", create("m", `,"loggingConfiguration":{"level":"ALL","destinations":[`+
			`{"cloudWatchLogsLogGroup":{"logGroupArn":"`+logGroup+`"}},{"cloudWatchLogsLogGroup":{"logGroupArn":"`+logGroup+`"}}]}`),
			"InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination."},
		{"no log group", "CreateStateMachine", create("m", `,"loggingConfiguration":{"level":"ALL","destinations":[{"cloudWatchLogsLogGroup":{"logGroupArn":"arn:aws:s3:::bucket"}}]}`),
			"InvalidLoggingConfiguration", "Invalid Logging Configuration: Log Destination not found."},
		{"logging of the wrong type", "CreateStateMachine", create("m", `,"loggingConfiguration":{"includeExecutionData":"yes"}`), "SerializationException",
			"loggingConfiguration.includeExecutionData"},
		{"tracing of the wrong type", "CreateStateMachine", create("m", `,"tracingConfiguration":{"enabled":1}`), "SerializationException",
			"tracingConfiguration.enabled"},
		{"encryption without type", "CreateStateMachine", create("m", `,"encryptionConfiguration":{}`), "ValidationException",
			"Value null at 'encryptionConfiguration.type' failed to satisfy constraint: Member must not be null"},
		{"encryption type", "CreateStateMachine", create("m", `,"encryptionConfiguration":{"type":"ROT13"}`), "ValidationException",
			"Member must satisfy enum value set: [AWS_OWNED_KEY, CUSTOMER_MANAGED_KMS_KEY]"},
		{"key reuse too short", "CreateStateMachine", create("m", `,"encryptionConfiguration":{"type":"CUSTOMER_MANAGED_KMS_KEY","kmsKeyId":"k","kmsDataKeyReusePeriodSeconds":10}`),
			"ValidationException", "Value '10' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"},
		{"key reuse too long", "CreateStateMachine", create("m", `,"encryptionConfiguration":{"type":"CUSTOMER_MANAGED_KMS_KEY","kmsKeyId":"k","kmsDataKeyReusePeriodSeconds":901}`),
			"ValidationException", "Member must have value less than or equal to 900"},
		{"customer key without id", "CreateStateMachine", create("m", `,"encryptionConfiguration":{"type":"CUSTOMER_MANAGED_KMS_KEY"}`),
			"InvalidEncryptionConfiguration", "kmsKeyId"},
		{"activity encryption", "CreateActivity", `{"name":"a","encryptionConfiguration":{"type":"CUSTOMER_MANAGED_KMS_KEY"}}`,
			"InvalidEncryptionConfiguration", "kmsKeyId"},
		{"51 tags", "CreateStateMachine", create("m", `,"tags":[`+strings.Join(tags, ",")+`]`), "TooManyTags", "51 tags"},
		{"51 activity tags", "CreateActivity", `{"name":"a","tags":[` + strings.Join(tags, ",") + `]}`, "TooManyTags", "51 tags"},
		{"tag key too long", "CreateStateMachine", create("m", `,"tags":[{"key":"`+strings.Repeat("k", 129)+`","value":"v"}]`), "ValidationException",
			"at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"trace header not ASCII", "StartExecution", `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:valid","traceHeader":"Root=é"}`,
			"ValidationException", "at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*"},
		{"included data", "DescribeExecution", `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:valid:x","includedData":"SOME"}`,
			"ValidationException", "Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]"},
	}
	e.create(t, "valid", passMachine, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, e.url, "AWSStepFunctions."+tt.target, tt.body)
			assert.Equal(t, 400, status)
			assert.Equal(t, tt.code, body["__type"], body["message"])
			assert.Contains(t, body["message"], tt.message)
		})
	}
	// Nothing refused was created.
	list, err := e.sfn.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
	require.NoError(t, err)
	assert.Len(t, list.StateMachines, 1)
}

// TestConfigurationsEchoed: the logging, tracing and encryption configurations are kept as given (logging
// with AWS's defaults filled in) and echoed by DescribeStateMachine, DescribeStateMachineForExecution and
// DescribeActivity; a new logging configuration is a new revision.
func TestConfigurationsEchoed(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		group := "arn:aws:logs:us-east-1:123456789012:log-group:sfn:*"
		out, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("configured"), Definition: aws.String(passMachine),
			RoleArn: aws.String(roleArn),
			LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelError, IncludeExecutionData: true,
				Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(group)}}}},
			TracingConfiguration: &types.TracingConfiguration{Enabled: true},
			EncryptionConfiguration: &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey, KmsKeyId: aws.String("alias/sfn"),
				KmsDataKeyReusePeriodSeconds: aws.Int32(120)},
		})
		require.NoError(t, err)
		arn := out.StateMachineArn
		d, err := e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: arn})
		require.NoError(t, err)
		assert.Equal(t, types.LogLevelError, d.LoggingConfiguration.Level)
		assert.True(t, d.LoggingConfiguration.IncludeExecutionData)
		require.Len(t, d.LoggingConfiguration.Destinations, 1)
		assert.Equal(t, group, aws.ToString(d.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn))
		assert.True(t, d.TracingConfiguration.Enabled)
		require.NotNil(t, d.EncryptionConfiguration)
		assert.Equal(t, types.EncryptionTypeCustomerManagedKmsKey, d.EncryptionConfiguration.Type)
		assert.Equal(t, "alias/sfn", aws.ToString(d.EncryptionConfiguration.KmsKeyId))
		assert.Equal(t, int32(120), aws.ToInt32(d.EncryptionConfiguration.KmsDataKeyReusePeriodSeconds))

		exec := e.start(t, aws.ToString(arn), "run", `{}`)
		f, err := e.sfn.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(exec)})
		require.NoError(t, err)
		assert.Equal(t, "alias/sfn", aws.ToString(f.EncryptionConfiguration.KmsKeyId))
		assert.Equal(t, types.LogLevelError, f.LoggingConfiguration.Level)

		// Recorded on AWS: an empty logging configuration is level OFF without execution data.
		plain, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("plain"), Definition: aws.String(passMachine),
			RoleArn: aws.String(roleArn), LoggingConfiguration: &types.LoggingConfiguration{}})
		require.NoError(t, err)
		d, err = e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: plain.StateMachineArn})
		require.NoError(t, err)
		assert.Equal(t, types.LogLevelOff, d.LoggingConfiguration.Level)
		assert.False(t, d.LoggingConfiguration.IncludeExecutionData)
		assert.Nil(t, d.EncryptionConfiguration)
		revision := aws.ToString(d.RevisionId)
		again := e.create(t, "plain", passMachine, "")
		assert.Equal(t, aws.ToString(plain.StateMachineArn), again, "created again without it: the same defaults")

		u, err := e.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: plain.StateMachineArn,
			LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelFatal,
				Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(group)}}}},
			EncryptionConfiguration: &types.EncryptionConfiguration{Type: types.EncryptionTypeAwsOwnedKey}})
		require.NoError(t, err)
		assert.NotEqual(t, revision, aws.ToString(u.RevisionId))
		d, err = e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: plain.StateMachineArn})
		require.NoError(t, err)
		assert.Equal(t, types.LogLevelFatal, d.LoggingConfiguration.Level)
		assert.Equal(t, types.EncryptionTypeAwsOwnedKey, d.EncryptionConfiguration.Type)
		assert.False(t, d.TracingConfiguration.Enabled, "left as it was")

		act, err := e.sfn.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("secret"),
			EncryptionConfiguration: &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey, KmsKeyId: aws.String("k")}})
		require.NoError(t, err)
		a, err := e.sfn.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: act.ActivityArn})
		require.NoError(t, err)
		assert.Equal(t, "k", aws.ToString(a.EncryptionConfiguration.KmsKeyId))
	})
}

// TestIncludedDataAndTraceHeader: METADATA_ONLY leaves the payloads out of DescribeExecution and
// StartSyncExecution and the definition out of DescribeStateMachine; the trace header an execution
// started with comes back.
func TestIncludedDataAndTraceHeader(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
		standard := e.create(t, "standard", passMachine, "")
		out, err := e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(standard), Input: aws.String(`{"a":1}`),
			TraceHeader: aws.String(trace)})
		require.NoError(t, err)
		full := e.wait(t, aws.ToString(out.ExecutionArn))
		assert.Equal(t, trace, aws.ToString(full.TraceHeader))
		assert.Equal(t, `{"a":1}`, aws.ToString(full.Input))
		assert.True(t, full.InputDetails.Included)

		meta, err := e.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn, IncludedData: types.IncludedDataMetadataOnly})
		require.NoError(t, err)
		assert.Nil(t, meta.Input)
		assert.Nil(t, meta.Output)
		assert.False(t, meta.InputDetails.Included)
		assert.False(t, meta.OutputDetails.Included)
		assert.Equal(t, types.ExecutionStatusSucceeded, meta.Status)
		assert.Equal(t, trace, aws.ToString(meta.TraceHeader))

		d, err := e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(standard), IncludedData: types.IncludedDataMetadataOnly})
		require.NoError(t, err)
		assert.Nil(t, d.Definition)
		assert.Equal(t, "standard", aws.ToString(d.Name))
		f, err := e.sfn.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: out.ExecutionArn,
			IncludedData: types.IncludedDataMetadataOnly})
		require.NoError(t, err)
		assert.Nil(t, f.Definition)

		express := e.create(t, "express", passMachine, types.StateMachineTypeExpress)
		for _, included := range []types.IncludedData{types.IncludedDataAllData, types.IncludedDataMetadataOnly} {
			sync, err := e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(express), Input: aws.String(`{"a":1}`),
				TraceHeader: aws.String(trace), IncludedData: included})
			require.NoError(t, err)
			assert.Equal(t, trace, aws.ToString(sync.TraceHeader))
			all := included == types.IncludedDataAllData
			assert.Equal(t, all, sync.Input != nil && sync.Output != nil, included)
			assert.Equal(t, all, sync.InputDetails.Included, included)
			assert.Equal(t, all, sync.OutputDetails.Included, included)
		}
	})
}

// TestAccountAndRegion: ARNs are made in the region the request was signed for (else us-east-1) and the
// service's account; executions take their state machine's region; Options.Region wins over requests.
func TestAccountAndRegion(t *testing.T) {
	ctx := context.Background()
	in := func(c *sfn.Client, region string) *sfn.Client {
		return sfn.New(c.Options(), func(o *sfn.Options) { o.Region = region })
	}
	tests := []struct {
		name   string
		opts   service.Options
		region string // the client's; "" unsigned
		want   string // the ARNs' prefix
	}{
		{"the request's region", service.Options{}, "eu-west-1", "arn:aws:states:eu-west-1:123456789012:"},
		{"a made-up region", service.Options{}, "local", "arn:aws:states:local:123456789012:"},
		{"the account", service.Options{Account: "210987654321"}, "us-west-2", "arn:aws:states:us-west-2:210987654321:"},
		{"the service's region", service.Options{Region: "ap-south-1"}, "eu-west-1", "arn:aws:states:ap-south-1:123456789012:"},
		{"unsigned", service.Options{}, "", "arn:aws:states:us-east-1:123456789012:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, memory.New(), tt.opts)
			client := newClientAs(e.url, e.addr, aws.AnonymousCredentials{})
			if tt.region != "" {
				client = in(e.sfn, tt.region)
			}
			sm, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(passMachine),
				RoleArn: aws.String(roleArn)})
			require.NoError(t, err)
			assert.Equal(t, tt.want+"stateMachine:m", aws.ToString(sm.StateMachineArn))
			act, err := client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a")})
			require.NoError(t, err)
			assert.Equal(t, tt.want+"activity:a", aws.ToString(act.ActivityArn))
			// Started from another region, the execution is in its state machine's.
			out, err := in(e.sfn, "sa-east-1").StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("x")})
			require.NoError(t, err)
			assert.Equal(t, tt.want+"execution:m:x", aws.ToString(out.ExecutionArn))
			assert.Equal(t, types.ExecutionStatusSucceeded, e.wait(t, aws.ToString(out.ExecutionArn)).Status)
		})
	}
}

// TestUnknownOperation: AWS's UnknownOperationException, naming the operation; only a request without a
// Step Functions target is told about the header.
func TestUnknownOperation(t *testing.T) {
	e := newEnv(t, memory.New(), service.Options{})
	status, body := post(t, e.url, "AWSStepFunctions.ListStateMachineFrobs", `{}`)
	assert.Equal(t, 400, status)
	assert.Equal(t, "UnknownOperationException", body["__type"])
	assert.Contains(t, body["message"], "ListStateMachineFrobs")
	assert.NotContains(t, body["message"], "X-Amz-Target")
	_, body = post(t, e.url, "", `{}`)
	assert.Contains(t, body["message"], "X-Amz-Target")
}
