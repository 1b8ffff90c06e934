package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

// testConfigurations checks what is kept verbatim and echoed by the API: a state machine's and an
// activity's encryption configuration (created, updated, copied out) and an execution's trace header.
func testConfigurations(t *testing.T, s store.Store) {
	sm := Machine("encrypted")
	sm.EncryptionConfiguration = []byte(`{"type":"AWS_OWNED_KEY"}`)
	require.NoError(t, s.CreateStateMachine(ctx(), sm))
	got, err := s.GetStateMachine(ctx(), sm.Arn)
	require.NoError(t, err)
	require.Equal(t, sm, got)
	got.EncryptionConfiguration[0] = 'X' // a copy
	got.EncryptionConfiguration = []byte(`{"type":"CUSTOMER_MANAGED_KMS_KEY","kmsKeyId":"k"}`)
	require.NoError(t, s.UpdateStateMachine(ctx(), got))
	again, err := s.GetStateMachine(ctx(), sm.Arn)
	require.NoError(t, err)
	require.JSONEq(t, `{"type":"CUSTOMER_MANAGED_KMS_KEY","kmsKeyId":"k"}`, string(again.EncryptionConfiguration))
	plain, err := s.GetStateMachine(ctx(), mustCreate(t, s, Machine("plain")))
	require.NoError(t, err)
	require.Nil(t, plain.EncryptionConfiguration)

	a := activityRecord("encrypted")
	a.EncryptionConfiguration = []byte(`{"type":"AWS_OWNED_KEY"}`)
	require.NoError(t, s.CreateActivity(ctx(), a))
	gotA, err := s.GetActivity(ctx(), a.Arn)
	require.NoError(t, err)
	require.Equal(t, a, gotA)
	list, _, err := s.ListActivities(ctx(), store.Page{})
	require.NoError(t, err)
	require.Equal(t, a.EncryptionConfiguration, list[0].EncryptionConfiguration)

	e := Execution("encrypted", "traced")
	e.TraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
	_, err = s.CreateExecution(ctx(), e, Events(1, 1))
	require.NoError(t, err)
	gotE, err := s.GetExecution(ctx(), e.Arn)
	require.NoError(t, err)
	require.Equal(t, e.TraceHeader, gotE.TraceHeader)
	listed, _, err := s.ListExecutions(ctx(), store.ExecutionFilter{StateMachineArn: e.StateMachineArn}, store.Page{})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	require.Equal(t, e.TraceHeader, listed[0].TraceHeader)
}

func mustCreate(t *testing.T, s store.Store, sm *store.StateMachine) string {
	t.Helper()
	require.NoError(t, s.CreateStateMachine(ctx(), sm))
	return sm.Arn
}
