package httpapi_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/memory"
)

// resultMachine is a state machine whose output is result, to tell which version ran.
func resultMachine(result string) string {
	return `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + result + `","End":true}}}`
}

func routes(weights ...any) []types.RoutingConfigurationListItem {
	out := []types.RoutingConfigurationListItem{} // never nil: the SDK refuses a missing member before sending
	for i := 0; i < len(weights); i += 2 {
		out = append(out, types.RoutingConfigurationListItem{StateMachineVersionArn: aws.String(weights[i].(string)), Weight: int32(weights[i+1].(int))})
	}
	return out
}

func (e *env) alias(t testing.TB, name string, routing []types.RoutingConfigurationListItem) string {
	t.Helper()
	out, err := e.sfn.CreateStateMachineAlias(context.Background(), &sfn.CreateStateMachineAliasInput{
		Name: aws.String(name), RoutingConfiguration: routing, Description: aws.String("alias " + name)})
	require.NoError(t, err)
	return aws.ToString(out.StateMachineAliasArn)
}

func (e *env) update(t testing.TB, machine, definition string, publish bool) *sfn.UpdateStateMachineOutput {
	t.Helper()
	out, err := e.sfn.UpdateStateMachine(context.Background(), &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String(machine), Definition: aws.String(definition), Publish: publish})
	require.NoError(t, err)
	return out
}

func (e *env) versions(t testing.TB, machine string) []string {
	t.Helper()
	out, err := e.sfn.ListStateMachineVersions(context.Background(), &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err)
	var arns []string
	for _, v := range out.StateMachineVersions {
		arns = append(arns, aws.ToString(v.StateMachineVersionArn))
	}
	return arns
}

func TestPublishVersions(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		_, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(resultMachine("v1")),
			RoleArn: aws.String(roleArn), VersionDescription: aws.String("first")})
		assert.Equal(t, "Version description can only be set when publish is true", isA[*types.ValidationException](t, err).ErrorMessage())

		created, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(resultMachine("v1")),
			RoleArn: aws.String(roleArn), Publish: true, VersionDescription: aws.String("first")})
		require.NoError(t, err)
		machine := aws.ToString(created.StateMachineArn)
		v1 := aws.ToString(created.StateMachineVersionArn)
		assert.Equal(t, machine+":1", v1)

		d, err := e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v1)})
		require.NoError(t, err)
		assert.Equal(t, v1, aws.ToString(d.StateMachineArn))
		assert.Equal(t, "m", aws.ToString(d.Name))
		assert.Equal(t, "first", aws.ToString(d.Description))
		assert.Equal(t, resultMachine("v1"), aws.ToString(d.Definition))
		assert.Equal(t, types.StateMachineStatusActive, d.Status)
		assert.Nil(t, d.RevisionId, "published from the first revision, which has no ID")

		// Publishing an unchanged revision, by any way, answers with its version.
		again, err := e.sfn.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine)})
		require.NoError(t, err)
		assert.Equal(t, v1, aws.ToString(again.StateMachineVersionArn))
		assert.Equal(t, d.CreationDate.UnixMilli(), again.CreationDate.UnixMilli())
		same := e.update(t, machine, resultMachine("v1"), true)
		assert.Equal(t, v1, aws.ToString(same.StateMachineVersionArn))
		assert.Nil(t, same.RevisionId, "an unchanged definition makes no revision")

		u2 := e.update(t, machine, resultMachine("v2"), true)
		assert.Equal(t, machine+":2", aws.ToString(u2.StateMachineVersionArn))
		require.NotNil(t, u2.RevisionId)
		d2, err := e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: u2.StateMachineVersionArn})
		require.NoError(t, err)
		assert.Equal(t, aws.ToString(u2.RevisionId), aws.ToString(d2.RevisionId))
		assert.Nil(t, d2.Description)

		// revisionId: publish only the revision the caller knows.
		u3 := e.update(t, machine, resultMachine("v3"), false)
		assert.Nil(t, u3.StateMachineVersionArn)
		_, err = e.sfn.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine), RevisionId: u2.RevisionId})
		conflict := isA[*types.ConflictException](t, err)
		assert.Equal(t, "Failed to publish the State Machine version for revision "+aws.ToString(u2.RevisionId)+
			". The current State Machine revision is "+aws.ToString(u3.RevisionId)+".", conflict.ErrorMessage())
		p3, err := e.sfn.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine),
			RevisionId: u3.RevisionId, Description: aws.String("third")})
		require.NoError(t, err)
		v3 := aws.ToString(p3.StateMachineVersionArn)
		assert.Equal(t, machine+":3", v3)

		other := e.create(t, "other", resultMachine("o"), "")
		p, err := e.sfn.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(other), RevisionId: aws.String("INITIAL")})
		require.NoError(t, err, "INITIAL names a state machine's first revision")
		assert.Equal(t, other+":1", aws.ToString(p.StateMachineVersionArn))

		// Newest first, by pages; a deleted version's number is not given again.
		assert.Equal(t, []string{v3, machine + ":2", v1}, e.versions(t, machine))
		page, err := e.sfn.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine), MaxResults: 2})
		require.NoError(t, err)
		require.Len(t, page.StateMachineVersions, 2)
		page, err = e.sfn.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine), NextToken: page.NextToken})
		require.NoError(t, err)
		require.Len(t, page.StateMachineVersions, 1)
		assert.Equal(t, v1, aws.ToString(page.StateMachineVersions[0].StateMachineVersionArn))
		assert.Nil(t, page.NextToken)

		for range 2 { // deleting what is gone succeeds, as on AWS
			_, err = e.sfn.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v3)})
			require.NoError(t, err)
		}
		_, err = e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v3)})
		assert.Equal(t, "State Machine Does Not Exist: '"+v3+"'", isA[*types.StateMachineDoesNotExist](t, err).ErrorMessage())
		p4, err := e.sfn.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine)})
		require.NoError(t, err)
		assert.Equal(t, machine+":4", aws.ToString(p4.StateMachineVersionArn))

		// A version is not a state machine to update.
		_, err = e.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(v1), Definition: aws.String(resultMachine("x"))})
		assert.Equal(t, "State Machine Does Not Exist: '"+v1+"'", isA[*types.StateMachineDoesNotExist](t, err).ErrorMessage())

		// DeleteStateMachine of a version is refused, not ignored: versions have their own delete.
		_, err = e.sfn.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(v1)})
		assert.Contains(t, isA[*types.ValidationException](t, err).ErrorMessage(), "DeleteStateMachineVersion")
		_, err = e.sfn.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(machine + "/label")})
		isA[*types.ValidationException](t, err)
		_, err = e.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v1)})
		require.NoError(t, err, "the version is still there")

		// Deleting the state machine deletes its versions.
		_, err = e.sfn.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(machine)})
		require.NoError(t, err)
		assert.Empty(t, e.versions(t, machine))
	})
}

// TestAliasRunsItsVersion is the Done-when: a version, and an alias routing 100% to it, run version 1
// after the state machine was updated; the executions tell which version and alias they ran.
func TestAliasRunsItsVersion(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		created, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(resultMachine("v1")),
			RoleArn: aws.String(roleArn), Publish: true})
		require.NoError(t, err)
		machine, v1 := aws.ToString(created.StateMachineArn), aws.ToString(created.StateMachineVersionArn)
		prod := e.alias(t, "prod", routes(v1, 100))
		assert.Equal(t, machine+":prod", prod)
		e.update(t, machine, resultMachine("v2"), false)

		byAlias := e.wait(t, e.start(t, prod, "by-alias", "{}"))
		byVersion := e.wait(t, e.start(t, v1, "by-version", "{}"))
		latest := e.wait(t, e.start(t, machine, "latest", "{}"))
		assert.Equal(t, `"v1"`, aws.ToString(byAlias.Output))
		assert.Equal(t, `"v1"`, aws.ToString(byVersion.Output))
		assert.Equal(t, `"v2"`, aws.ToString(latest.Output))
		assert.Equal(t, "arn:aws:states:us-east-1:123456789012:execution:m:by-alias", aws.ToString(byAlias.ExecutionArn),
			"the state machine's execution ARN, whatever the version")
		for _, d := range []*sfn.DescribeExecutionOutput{byAlias, byVersion, latest} {
			assert.Equal(t, machine, aws.ToString(d.StateMachineArn), "executions belong to the state machine whatever they ran")
		}
		assert.Equal(t, v1, aws.ToString(byAlias.StateMachineVersionArn))
		assert.Equal(t, prod, aws.ToString(byAlias.StateMachineAliasArn))
		assert.Equal(t, v1, aws.ToString(byVersion.StateMachineVersionArn))
		assert.Nil(t, byVersion.StateMachineAliasArn)
		assert.Nil(t, latest.StateMachineVersionArn)

		for _, c := range []struct {
			arn  string
			want []string
		}{
			{machine, []string{"latest", "by-version", "by-alias"}},
			{v1, []string{"by-version", "by-alias"}},
			{prod, []string{"by-alias"}},
		} {
			out, err := e.sfn.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(c.arn)})
			require.NoError(t, err)
			var names []string
			for _, x := range out.Executions {
				names = append(names, aws.ToString(x.Name))
				if aws.ToString(x.Name) == "by-alias" {
					assert.Equal(t, v1, aws.ToString(x.StateMachineVersionArn))
					assert.Equal(t, prod, aws.ToString(x.StateMachineAliasArn))
				}
			}
			assert.Equal(t, c.want, names, c.arn)
		}

		h, err := e.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: byAlias.ExecutionArn})
		require.NoError(t, err)
		started := h.Events[0].ExecutionStartedEventDetails
		require.NotNil(t, started)
		assert.Equal(t, v1, aws.ToString(started.StateMachineVersionArn))
		assert.Equal(t, prod, aws.ToString(started.StateMachineAliasArn))
		assert.Equal(t, roleArn, aws.ToString(started.RoleArn))

		sm, err := e.sfn.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: byAlias.ExecutionArn})
		require.NoError(t, err)
		assert.Equal(t, machine, aws.ToString(sm.StateMachineArn))
		assert.Equal(t, resultMachine("v1"), aws.ToString(sm.Definition), "the definition that ran")
		assert.Equal(t, roleArn, aws.ToString(sm.RoleArn))

		// An alias that is gone starts nothing.
		_, err = e.sfn.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
		require.NoError(t, err)
		_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(prod)})
		assert.Equal(t, "State Machine Does Not Exist: '"+prod+"'", isA[*types.StateMachineDoesNotExist](t, err).ErrorMessage())
		_, err = e.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + ":7")})
		isA[*types.StateMachineDoesNotExist](t, err)
	})
}

// TestAliasWeights routes executions between two versions by weight, with a seeded source: the choice is
// the same on every run, and near the weights.
func TestAliasWeights(t *testing.T) {
	run := func(seed uint64) []string {
		e := newEnv(t, memory.New(), service.Options{Rand: rand.NewPCG(seed, seed)})
		ctx := context.Background()
		created, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(resultMachine("v1")),
			RoleArn: aws.String(roleArn), Publish: true, Type: types.StateMachineTypeExpress})
		require.NoError(t, err)
		machine, v1 := aws.ToString(created.StateMachineArn), aws.ToString(created.StateMachineVersionArn)
		v2 := aws.ToString(e.update(t, machine, resultMachine("v2"), true).StateMachineVersionArn)
		split := e.alias(t, "split", routes(v1, 30, v2, 70))
		only2 := e.alias(t, "only2", routes(v1, 0, v2, 100))
		var ran []string
		for range 200 {
			out, err := e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(split)})
			require.NoError(t, err)
			ran = append(ran, aws.ToString(out.Output))
		}
		for range 20 {
			out, err := e.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(only2)})
			require.NoError(t, err)
			require.Equal(t, `"v2"`, aws.ToString(out.Output), "a weight of 0 is never chosen")
		}
		return ran
	}
	first := run(7)
	assert.Equal(t, first, run(7), "the same seed routes the same way")
	v1 := 0
	for _, out := range first {
		if out == `"v1"` {
			v1++
		}
	}
	assert.InDelta(t, 60, v1, 20, "about 30% of 200 executions run version 1")
}

func TestAliases(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		created, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(resultMachine("v1")),
			RoleArn: aws.String(roleArn), Publish: true})
		require.NoError(t, err)
		machine, v1 := aws.ToString(created.StateMachineArn), aws.ToString(created.StateMachineVersionArn)
		v2 := aws.ToString(e.update(t, machine, resultMachine("v2"), true).StateMachineVersionArn)
		v3 := aws.ToString(e.update(t, machine, resultMachine("v3"), true).StateMachineVersionArn)
		otherOut, err := e.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("other"), Definition: aws.String(resultMachine("o")),
			RoleArn: aws.String(roleArn), Publish: true})
		require.NoError(t, err)
		otherV1 := aws.ToString(otherOut.StateMachineVersionArn)

		invalid := []struct {
			name    string
			alias   string
			routing []types.RoutingConfigurationListItem
			message string
		}{
			{"no routes", "a", routes(), "1 validation error detected: Value '[]' at 'routingConfiguration' failed to satisfy constraint: Member must have length greater than or equal to 1"},
			{"three routes", "a", routes(v1, 50, v2, 30, v3, 20), "1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=" + v1 +
				", weight=50), RoutingConfigurationListItem(stateMachineVersionArn=" + v2 + ", weight=30), RoutingConfigurationListItem(stateMachineVersionArn=" + v3 +
				", weight=20)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2"},
			{"twice a version", "a", routes(v1, 50, v1, 50), "Routing configuration must contain distinct state machine version ARNs. Received: [" + v1 + ", " + v1 + "]"},
			{"a state machine", "a", routes(machine, 70, v2, 30), "Routing configuration must contain state machine version ARNs. Received: [" + machine + ", " + v2 + "]"},
			{"weight above 100", "a", routes(v1, 101), "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"},
			{"negative weight", "a", routes(v1, -1), "1 validation error detected: Value '-1' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value greater than or equal to 0"},
			{"weights below 100", "a", routes(v1, 70, v2, 29), "Sum of routing configuration weights must equal 100. Received: [70, 29]"},
			{"weights above 100", "a", routes(v1, 70, v2, 31), "Sum of routing configuration weights must equal 100. Received: [70, 31]"},
			{"two state machines", "a", routes(v1, 50, otherV1, 50), "Routing configuration must contain versions of the same state machine. Received: [" + v1 + ", " + otherV1 + "]"},
			{"digits only", "123", routes(v1, 100), `1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`},
			{"a space", "INVALID ALIAS", routes(v1, 100), `1 validation error detected: Value 'INVALID ALIAS' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`},
		}
		for _, c := range invalid {
			_, err := e.sfn.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String(c.alias), RoutingConfiguration: c.routing})
			assert.Equal(t, c.message, isA[*types.ValidationException](t, err).ErrorMessage(), c.name)
		}
		_, err = e.sfn.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("a"), RoutingConfiguration: routes(machine+":9", 100)})
		isA[*types.ResourceNotFound](t, err)

		prod := e.alias(t, "prod", routes(v1, 100))
		assert.Equal(t, prod, e.alias(t, "prod", routes(v1, 100)), "the same request again is the same alias")
		for _, c := range []struct {
			description string
			routing     []types.RoutingConfigurationListItem
		}{{"another description", routes(v1, 100)}, {"alias prod", routes(v1, 50, v2, 50)}} {
			_, err = e.sfn.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("prod"), Description: aws.String(c.description),
				RoutingConfiguration: c.routing})
			assert.Equal(t, "Failed to create alias because an alias with the same name and a different routing configuration already exists.",
				isA[*types.ConflictException](t, err).ErrorMessage())
		}
		canary := e.alias(t, "canary", routes(v2, 90, v3, 10))

		// A version an alias routes to cannot be deleted.
		_, err = e.sfn.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
		assert.Equal(t, "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [prod]",
			isA[*types.ConflictException](t, err).ErrorMessage())

		d, err := e.sfn.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(canary)})
		require.NoError(t, err)
		assert.Equal(t, "canary", aws.ToString(d.Name))
		assert.Equal(t, "alias canary", aws.ToString(d.Description))
		assert.Equal(t, routes(v2, 90, v3, 10), d.RoutingConfiguration)
		assert.Equal(t, d.CreationDate, d.UpdateDate)

		list := func(arn string) []string {
			out, err := e.sfn.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(arn)})
			require.NoError(t, err)
			var arns []string
			for _, a := range out.StateMachineAliases {
				arns = append(arns, aws.ToString(a.StateMachineAliasArn))
			}
			return arns
		}
		assert.Equal(t, []string{prod, canary}, list(machine))
		assert.Equal(t, []string{canary}, list(v3), "the aliases that route to a version")
		assert.Empty(t, list(otherV1))

		// An update moves prod off version 1, which can then go.
		u, err := e.sfn.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(prod), RoutingConfiguration: routes(v2, 100)})
		require.NoError(t, err)
		d, err = e.sfn.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
		require.NoError(t, err)
		assert.Equal(t, routes(v2, 100), d.RoutingConfiguration)
		assert.Equal(t, "alias prod", aws.ToString(d.Description), "a description not sent stays")
		assert.Equal(t, u.UpdateDate.UnixMilli(), d.UpdateDate.UnixMilli())
		_, err = e.sfn.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
		require.NoError(t, err)
		_, err = e.sfn.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(prod), RoutingConfiguration: routes(otherV1, 100)})
		isA[*types.ValidationException](t, err)
		_, err = e.sfn.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
		isA[*types.ValidationException](t, err)

		missing := machine + ":gone"
		_, err = e.sfn.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(missing)})
		assert.Equal(t, "Request references a resource that does not exist.", isA[*types.ResourceNotFound](t, err).ErrorMessage())
		_, err = e.sfn.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(missing), Description: aws.String("d")})
		assert.Equal(t, "Request references a resource that does not exist.", isA[*types.ResourceNotFound](t, err).ErrorMessage())
		_, err = e.sfn.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(missing)})
		require.NoError(t, err, "deleting what is gone succeeds, as on AWS")

		// Deleting the state machine deletes its aliases.
		_, err = e.sfn.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(machine)})
		require.NoError(t, err)
		_, err = e.sfn.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(canary)})
		isA[*types.ResourceNotFound](t, err)
	})
}
