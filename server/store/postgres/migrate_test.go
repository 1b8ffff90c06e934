package postgres

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store/postgres/pgtest"
	"github.com/aslrun/aslrun/server/store/storetest"
)

// TestMigrateMapRuns opens a database at schema version 1, from before Map Runs, versions and aliases: its
// executions read as started by none, of no version, never redriven, and can start Map Runs; its state
// machines publish versions from 1.
func TestMigrateMapRuns(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	old := storetest.Execution("m", "old")
	hash := sha256.Sum256([]byte(old.Definition))
	_, err = conn.Exec(ctx, schemaV1+`CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (1);`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO definitions (hash, text) VALUES ($1, $2)`, hash[:], old.Definition)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO executions (arn, state_machine_arn, name, status, input, start_date, definition,
		test_case, checkpoint, version, express, transient, last_event) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, 1, false, false, 0)`,
		old.Arn, old.StateMachineArn, old.Name, old.Status, old.Input, old.StartDate, hash[:], old.Checkpoint)
	require.NoError(t, err)

	sm := storetest.Machine("m")
	_, err = conn.Exec(ctx, `INSERT INTO state_machines (arn, name, type, definition, role_arn, status, revision_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, sm.Arn, sm.Name, sm.Type, sm.Definition, sm.RoleArn, sm.Status, sm.RevisionID)
	require.NoError(t, err)

	s, err := Open(ctx, url)
	require.NoError(t, err)
	got, err := s.GetExecution(ctx, old.Arn)
	require.NoError(t, err)
	require.Empty(t, got.MapRunArn)
	require.Empty(t, got.StateMachineAliasArn)
	require.Zero(t, got.RedriveCount)
	v, err := s.PublishStateMachineVersion(ctx, storetest.Version("m", sm.RevisionID))
	require.NoError(t, err, "an old state machine can publish versions")
	require.Equal(t, int64(1), v.Number)
	require.Equal(t, old.Checkpoint, got.Checkpoint, "the old row is otherwise intact")
	run := storetest.MapRun(old.Arn, "r")
	require.NoError(t, s.CreateMapRun(ctx, run))
	var version int
	require.NoError(t, conn.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&version))
	require.Equal(t, len(migrations), version)

	// Opening again migrates nothing: the ALTER would fail on the column it already added.
	require.NoError(t, s.Close())
	s, err = Open(ctx, url)
	require.NoError(t, err)
	got2, err := s.GetMapRun(ctx, run.Arn)
	require.NoError(t, err)
	require.Equal(t, run, got2)
	require.NoError(t, s.Close())
}
