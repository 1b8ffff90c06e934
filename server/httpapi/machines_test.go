package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateMachineLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		arn := e.create(t, "orders", passMachine, "")
		assert.Equal(t, "arn:aws:states:us-east-1:123456789012:stateMachine:orders", arn)

		// The same request again is the same state machine; another definition under the name is refused.
		assert.Equal(t, arn, e.create(t, "orders", passMachine, ""))
		_, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("orders"),
			Definition: aws.String(`{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}`), RoleArn: aws.String(roleArn)})
		exists := isA[*types.StateMachineAlreadyExists](t, err)
		assert.Equal(t, "State Machine Already Exists: '"+arn+"'", exists.ErrorMessage())

		d, err := e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
		require.NoError(t, err)
		assert.Equal(t, "orders", aws.ToString(d.Name))
		assert.Equal(t, passMachine, aws.ToString(d.Definition))
		assert.Equal(t, roleArn, aws.ToString(d.RoleArn))
		assert.Equal(t, types.StateMachineTypeStandard, d.Type)
		assert.Equal(t, types.StateMachineStatusActive, d.Status)
		assert.False(t, d.CreationDate.IsZero())
		require.NotNil(t, d.LoggingConfiguration)
		assert.Equal(t, types.LogLevelOff, d.LoggingConfiguration.Level)
		assert.Nil(t, d.RevisionId, "the first revision has no ID, as on AWS")

		newDef := `{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}`
		u, err := e.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(newDef)})
		require.NoError(t, err)
		assert.NotEmpty(t, aws.ToString(u.RevisionId))
		assert.False(t, u.UpdateDate.IsZero())
		d, err = e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
		require.NoError(t, err)
		assert.Equal(t, newDef, aws.ToString(d.Definition))

		_, err = e.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn)})
		isA[*types.MissingRequiredParameter](t, err)
		_, err = e.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(`{}`)})
		isA[*types.InvalidDefinition](t, err)

		_, err = e.sfn.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)})
		require.NoError(t, err)
		_, err = e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
		missing := isA[*types.StateMachineDoesNotExist](t, err)
		assert.Equal(t, "State Machine Does Not Exist: '"+arn+"'", missing.ErrorMessage())
		// Deleting what does not exist succeeds, as on AWS.
		_, err = e.sfn.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)})
		require.NoError(t, err)
	})
}

func TestCreateStateMachineErrors(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		create := func(name, def string, typ types.StateMachineType) error {
			_, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def),
				RoleArn: aws.String(roleArn), Type: typ})
			return err
		}
		invalid := isA[*types.InvalidDefinition](t, create("bad", `{"StartAt":"Nowhere","States":{"A":{"Type":"Succeed"}}}`, ""))
		assert.True(t, strings.HasPrefix(invalid.ErrorMessage(), "Invalid State Machine Definition: '"), invalid.ErrorMessage())
		// .waitForTaskToken is not for EXPRESS state machines.
		isA[*types.InvalidDefinition](t, create("express", `{"StartAt":"T","States":{"T":{"Type":"Task",
			"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q","MessageBody":"m"},"End":true}}}`, types.StateMachineTypeExpress))

		name := isA[*types.InvalidName](t, create("a b", passMachine, ""))
		assert.Equal(t, "Invalid Name: 'a b'", name.ErrorMessage())
		long := strings.Repeat("n", 81)
		v := isA[*types.ValidationException](t, create(long, passMachine, ""))
		assert.Equal(t, "1 validation error detected: Value '"+long+"' at 'name' failed to satisfy constraint: "+
			"Member must have length less than or equal to 80", v.ErrorMessage())
		v = isA[*types.ValidationException](t, create("t", passMachine, "SLOW"))
		assert.Contains(t, v.ErrorMessage(), "Member must satisfy enum value set: [STANDARD, EXPRESS]")

		_, err := e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("orders")})
		arn := isA[*types.InvalidArn](t, err)
		assert.Equal(t, "Invalid Arn: 'Invalid ARN prefix: orders'", arn.ErrorMessage())
		_, err = e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{
			StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:activity:orders")})
		arn = isA[*types.InvalidArn](t, err)
		assert.Equal(t, "Invalid Arn: 'Resource type not valid in this context: activity'", arn.ErrorMessage())
	})
}

func TestListStateMachinesPages(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var want []string
		for i := range 5 {
			want = append(want, e.create(t, fmt.Sprintf("m%d", i), passMachine, ""))
		}
		var got []string
		pages := sfn.NewListStateMachinesPaginator(e.sfn, &sfn.ListStateMachinesInput{MaxResults: 2})
		n := 0
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(page.StateMachines), 2)
			for _, sm := range page.StateMachines {
				got = append(got, aws.ToString(sm.StateMachineArn))
				assert.Equal(t, types.StateMachineTypeStandard, sm.Type)
				assert.False(t, sm.CreationDate.IsZero())
			}
			n++
		}
		assert.Equal(t, want, got)
		assert.Equal(t, 3, n)

		_, err := e.sfn.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: aws.String("not-a-token")})
		isA[*types.InvalidToken](t, err)
		_, err = e.sfn.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 1001})
		assert.Equal(t, "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "+
			"Member must have value less than or equal to 1000", apiError(t, err, "ValidationException"))
	})
}

func TestValidateStateMachineDefinition(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ok, err := e.sfn.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passMachine)})
		require.NoError(t, err)
		assert.Equal(t, types.ValidateStateMachineDefinitionResultCodeOk, ok.Result)
		assert.Empty(t, ok.Diagnostics)

		bad := `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}`
		fail, err := e.sfn.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad)})
		require.NoError(t, err)
		assert.Equal(t, types.ValidateStateMachineDefinitionResultCodeFail, fail.Result)
		var codes, locations []string
		for _, d := range fail.Diagnostics {
			assert.Equal(t, types.ValidateStateMachineDefinitionSeverityError, d.Severity)
			codes, locations = append(codes, aws.ToString(d.Code)), append(locations, aws.ToString(d.Location))
		}
		assert.Equal(t, []string{"MISSING_END_STATE", "MISSING_TRANSITION_TARGET"}, codes)
		assert.Equal(t, []string{"/", "/States/A/Next"}, locations)
		assert.False(t, aws.ToBool(fail.Truncated))
		fail, err = e.sfn.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad), MaxResults: 1})
		require.NoError(t, err)
		assert.Len(t, fail.Diagnostics, 1)
		assert.True(t, aws.ToBool(fail.Truncated))

		// A path in a field without .$ is a warning: reported only when warnings are asked for.
		warn := `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":"$.y"},"End":true}}}`
		out, err := e.sfn.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(warn)})
		require.NoError(t, err)
		assert.Equal(t, types.ValidateStateMachineDefinitionResultCodeOk, out.Result)
		assert.Empty(t, out.Diagnostics)
		out, err = e.sfn.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(warn),
			Severity: types.ValidateStateMachineDefinitionSeverityWarning})
		require.NoError(t, err)
		assert.Equal(t, types.ValidateStateMachineDefinitionResultCodeOk, out.Result)
		require.Len(t, out.Diagnostics, 1)
		assert.Equal(t, types.ValidateStateMachineDefinitionSeverityWarning, out.Diagnostics[0].Severity)
		assert.Equal(t, "NO_DOLLAR", aws.ToString(out.Diagnostics[0].Code))

		_, err = e.sfn.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(passMachine), MaxResults: 101})
		isA[*types.ValidationException](t, err)
	})
}
