package sqlite

import (
	"crypto/sha256"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store/storetest"
)

// schemaV1Executions is the executions table, the tables it needs and those later migrations index or
// alter, as schema version 1 made them. It
// is spelled out here rather than taken from schemaV1 so that the test keeps describing the databases
// already on disk even if someone edits schemaV1 by mistake.
const schemaV1Executions = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE state_machines (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	arn TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE,
	type TEXT NOT NULL,
	definition TEXT NOT NULL,
	role_arn TEXT NOT NULL,
	status TEXT NOT NULL,
	creation_date INTEGER,
	update_date INTEGER,
	revision_id TEXT NOT NULL,
	logging BLOB,
	tracing BLOB,
	tags TEXT
);
CREATE TABLE activities (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	arn TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE,
	creation_date INTEGER,
	tags TEXT
);
CREATE TABLE definitions (
	hash BLOB PRIMARY KEY,
	text TEXT NOT NULL
);
CREATE TABLE executions (
	seq INTEGER PRIMARY KEY,
	arn TEXT NOT NULL UNIQUE,
	state_machine_arn TEXT NOT NULL,
	name TEXT NOT NULL,
	status TEXT NOT NULL,
	input TEXT NOT NULL,
	output TEXT,
	error TEXT,
	cause TEXT,
	start_date INTEGER,
	stop_date INTEGER,
	definition BLOB NOT NULL REFERENCES definitions(hash),
	checkpoint BLOB,
	version INTEGER NOT NULL,
	express INTEGER NOT NULL,
	last_event INTEGER NOT NULL
);
CREATE TABLE events (
	execution INTEGER NOT NULL REFERENCES executions(seq),
	id INTEGER NOT NULL,
	timestamp INTEGER,
	type TEXT NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (execution, id)
);
CREATE TABLE tokens (
	token TEXT PRIMARY KEY,
	execution_arn TEXT NOT NULL REFERENCES executions(arn),
	state_name TEXT NOT NULL,
	status TEXT NOT NULL,
	output TEXT NOT NULL,
	error TEXT,
	cause TEXT,
	created INTEGER,
	heartbeat_at INTEGER
) WITHOUT ROWID;
CREATE TABLE activity_tasks (
	seq INTEGER PRIMARY KEY,
	token TEXT NOT NULL UNIQUE,
	activity_arn TEXT NOT NULL,
	execution_arn TEXT NOT NULL REFERENCES executions(arn),
	input TEXT NOT NULL,
	status TEXT NOT NULL,
	worker_name TEXT NOT NULL,
	created INTEGER
);
`

// TestMigrateTestCase opens a database written before executions had a test case (or a Map Run, a version,
// an alias or a redrive): its executions read as running none, and new ones keep theirs; its state machines
// publish versions from 1.
func TestMigrateTestCase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	old := storetest.Execution("m", "old")
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(schemaV1Executions)
	require.NoError(t, err)
	hash := sha256.Sum256([]byte(old.Definition))
	_, err = db.Exec(`INSERT INTO definitions (hash, text) VALUES (?, ?)`, hash[:], old.Definition)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO executions (arn, state_machine_arn, name, status, input, start_date, definition,
		checkpoint, version, express, last_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 0, 0)`,
		old.Arn, old.StateMachineArn, old.Name, old.Status, old.Input, old.StartDate.UnixMicro(), hash[:], old.Checkpoint)
	require.NoError(t, err)
	sm := storetest.Machine("m")
	_, err = db.Exec(`INSERT INTO state_machines (arn, name, type, definition, role_arn, status, revision_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, sm.Arn, sm.Name, sm.Type, sm.Definition, sm.RoleArn, sm.Status, sm.RevisionID)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err := Open(path)
	require.NoError(t, err)
	got, err := s.GetExecution(t.Context(), old.Arn)
	require.NoError(t, err)
	require.Empty(t, got.TestCase)
	require.Empty(t, got.MapRunArn)
	require.Empty(t, got.StateMachineVersionArn)
	require.Zero(t, got.RedriveCount)
	require.True(t, got.RedriveDate.IsZero())
	require.Equal(t, old.Checkpoint, got.Checkpoint, "the old row is otherwise intact")
	v, err := s.PublishStateMachineVersion(t.Context(), storetest.Version("m", sm.RevisionID))
	require.NoError(t, err, "an old state machine can publish versions")
	require.Equal(t, int64(1), v.Number)
	require.NoError(t, s.CreateMapRun(t.Context(), storetest.MapRun(old.Arn, "m")), "an old execution can start a Map Run")

	mocked := storetest.Execution("m", "mocked")
	mocked.TestCase = "HappyPath"
	_, err = s.CreateExecution(t.Context(), mocked, storetest.Events(1, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	// Reopening must not migrate again: the ALTER would fail on the column it already added.
	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	unfinished, err := s.Unfinished(t.Context())
	require.NoError(t, err)
	require.Len(t, unfinished, 2)
	require.Empty(t, unfinished[0].TestCase)
	require.Equal(t, "HappyPath", unfinished[1].TestCase)
	var version int
	require.NoError(t, s.reads.QueryRow(`SELECT version FROM schema_version`).Scan(&version))
	require.Equal(t, len(migrations), version)

	// A migrated database and a new one must end up with the same executions table.
	fresh, err := Open(filepath.Join(t.TempDir(), "fresh.db"))
	require.NoError(t, err)
	defer fresh.Close()
	require.Equal(t, executionsColumns(t, fresh), executionsColumns(t, s))
}

// executionsColumns describes the executions table's columns: name, type, NOT NULL and default.
func executionsColumns(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.reads.Query(`SELECT name, type, "notnull", coalesce(dflt_value, '') FROM pragma_table_info('executions') ORDER BY cid`)
	require.NoError(t, err)
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name, typ, dflt string
		var notNull bool
		require.NoError(t, rows.Scan(&name, &typ, &notNull, &dflt))
		col := name + " " + typ + " default " + dflt
		if notNull {
			col += " NOT NULL"
		}
		cols = append(cols, col)
	}
	require.NoError(t, rows.Err())
	require.Contains(t, cols, "test_case TEXT default '' NOT NULL")
	require.Contains(t, cols, "transient INTEGER default 0 NOT NULL")
	require.Contains(t, cols, "map_run_arn TEXT default '' NOT NULL")
	require.Contains(t, cols, "version_arn TEXT default '' NOT NULL")
	require.Contains(t, cols, "alias_arn TEXT default '' NOT NULL")
	require.Contains(t, cols, "redrive_count INTEGER default 0 NOT NULL")
	require.Contains(t, cols, "redrive_date INTEGER default ")
	return cols
}
