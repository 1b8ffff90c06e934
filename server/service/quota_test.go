package service

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVersionAndAliasQuotas: AWS's 1,000 versions and 100 aliases per state machine are enforced with
// ServiceQuotaExceededException (HTTP 402); a repeated create of an alias that exists is still answered.
func TestVersionAndAliasQuotas(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, Options{})
	def := func(i int) string {
		return fmt.Sprintf(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":%d,"End":true}}}`, i)
	}
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "q", Definition: def(0), RoleArn: "arn:aws:iam::123456789012:role/r"})
	require.NoError(t, err)
	var first string
	for i := range maxVersions {
		if i > 0 {
			_, err = s.UpdateStateMachine(ctx, &UpdateStateMachineInput{StateMachineArn: sm.StateMachineArn, Definition: def(i)})
			require.NoError(t, err)
		}
		v, err := s.PublishStateMachineVersion(ctx, &PublishStateMachineVersionInput{StateMachineArn: sm.StateMachineArn})
		require.NoError(t, err)
		if i == 0 {
			first = v.StateMachineVersionArn
		}
	}
	_, err = s.UpdateStateMachine(ctx, &UpdateStateMachineInput{StateMachineArn: sm.StateMachineArn, Definition: def(maxVersions)})
	require.NoError(t, err)
	_, err = s.PublishStateMachineVersion(ctx, &PublishStateMachineVersionInput{StateMachineArn: sm.StateMachineArn})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeServiceQuotaExceeded, apiErr.Code)
	assert.Equal(t, 402, apiErr.Status())

	route := []RoutingConfigurationListItem{{StateMachineVersionArn: first, Weight: 100}}
	for i := range maxAliases {
		_, err := s.CreateStateMachineAlias(ctx, &CreateStateMachineAliasInput{Name: fmt.Sprint("a", i), RoutingConfiguration: route})
		require.NoError(t, err)
	}
	_, err = s.CreateStateMachineAlias(ctx, &CreateStateMachineAliasInput{Name: "a0", RoutingConfiguration: route})
	require.NoError(t, err, "the same alias again is no new one")
	_, err = s.CreateStateMachineAlias(ctx, &CreateStateMachineAliasInput{Name: "one-more", RoutingConfiguration: route})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeServiceQuotaExceeded, apiErr.Code)
}
