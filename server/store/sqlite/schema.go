package sqlite

import (
	"context"
	"fmt"
)

// migrations[i] brings the schema from version i to i+1. Append; never edit a released one.
var migrations = []string{schemaV1, schemaV2, schemaV3, schemaV4, schemaV5, schemaV6, schemaV7}

// Times are INTEGER microseconds since the Unix epoch, NULL for the zero time. Executions are referenced
// by ARN from small tables but by their integer seq from events, the big one. Definitions are stored once
// per distinct text: every execution snapshots its definition, and they are mostly the same.
const schemaV1 = `
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
CREATE INDEX executions_by_machine ON executions(state_machine_arn, seq);
CREATE INDEX executions_by_machine_status ON executions(state_machine_arn, status, seq);
CREATE INDEX executions_by_status ON executions(status, seq);

CREATE TABLE events (
	execution INTEGER NOT NULL REFERENCES executions(seq),
	id INTEGER NOT NULL,
	timestamp INTEGER,
	type TEXT NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (execution, id)
);

-- ready_at is when the timer can next be claimed: due, or the end of its lease.
CREATE TABLE timers (
	execution_arn TEXT NOT NULL REFERENCES executions(arn),
	key TEXT NOT NULL,
	due INTEGER,
	owner TEXT NOT NULL,
	lease_until INTEGER,
	ready_at INTEGER NOT NULL,
	PRIMARY KEY (execution_arn, key)
) WITHOUT ROWID;
CREATE INDEX timers_ready ON timers(ready_at);

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
CREATE INDEX activity_tasks_scheduled ON activity_tasks(activity_arn, status, created, seq);
`

// schemaV2 records the mock-config test case an execution was started with, so that it runs mocked again
// when resumed. Executions from before it ran no test case: the default says so.
const schemaV2 = `
ALTER TABLE executions ADD COLUMN test_case TEXT NOT NULL DEFAULT '';
`

// schemaV3 marks the executions dropped when they finish (store.Execution.Transient), and indexes what
// is dropped with them by execution. Executions from before it are kept, as they were.
const schemaV3 = `
ALTER TABLE executions ADD COLUMN transient INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tokens_by_execution ON tokens(execution_arn);
CREATE INDEX activity_tasks_by_execution ON activity_tasks(execution_arn);
`

// schemaV4 adds Map Runs, which go with their execution (ON DELETE CASCADE), and the Map Run that started
// an execution, indexed for ListExecutions' filter. Executions from before it were started by none. A
// Map Run's counts are JSON objects: they are only ever read and written whole.
const schemaV4 = `
ALTER TABLE executions ADD COLUMN map_run_arn TEXT NOT NULL DEFAULT '';
CREATE INDEX executions_by_map_run ON executions(map_run_arn, seq);

CREATE TABLE map_runs (
	seq INTEGER PRIMARY KEY,
	arn TEXT NOT NULL UNIQUE,
	execution_arn TEXT NOT NULL REFERENCES executions(arn) ON DELETE CASCADE,
	status TEXT NOT NULL,
	start_date INTEGER,
	stop_date INTEGER,
	max_concurrency INTEGER NOT NULL,
	tolerated_failure_percentage REAL NOT NULL,
	tolerated_failure_count INTEGER NOT NULL,
	items TEXT NOT NULL,
	executions TEXT NOT NULL
);
CREATE INDEX map_runs_by_execution ON map_runs(execution_arn, seq);
`

// schemaV5 adds state machine versions and aliases, which go with their state machine (ON DELETE CASCADE),
// the highest version number a state machine gave (numbers are never given again), and, on executions, the
// version and alias they run (indexed for ListExecutions' filters) and their redrives. An alias's routing is
// read from its JSON column; alias_routes finds the aliases that route to a version. Executions and state
// machines from before it have none of these.
const schemaV5 = `
ALTER TABLE executions ADD COLUMN version_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN alias_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN redrive_date INTEGER;
CREATE INDEX executions_by_version ON executions(version_arn, seq);
CREATE INDEX executions_by_alias ON executions(alias_arn, seq);

ALTER TABLE state_machines ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE state_machine_versions (
	seq INTEGER PRIMARY KEY,
	arn TEXT NOT NULL UNIQUE,
	state_machine_arn TEXT NOT NULL REFERENCES state_machines(arn) ON DELETE CASCADE,
	number INTEGER NOT NULL,
	description TEXT NOT NULL,
	definition TEXT NOT NULL,
	role_arn TEXT NOT NULL,
	revision_id TEXT NOT NULL,
	creation_date INTEGER,
	logging BLOB,
	tracing BLOB
);
CREATE UNIQUE INDEX versions_by_machine ON state_machine_versions(state_machine_arn, number);
CREATE INDEX versions_by_revision ON state_machine_versions(state_machine_arn, revision_id);

CREATE TABLE state_machine_aliases (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	arn TEXT NOT NULL UNIQUE,
	state_machine_arn TEXT NOT NULL REFERENCES state_machines(arn) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL,
	routing TEXT NOT NULL,
	creation_date INTEGER,
	update_date INTEGER
);
CREATE INDEX aliases_by_machine ON state_machine_aliases(state_machine_arn, seq);

CREATE TABLE alias_routes (
	alias INTEGER NOT NULL REFERENCES state_machine_aliases(seq) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	version_arn TEXT NOT NULL,
	PRIMARY KEY (alias, position)
) WITHOUT ROWID;
CREATE INDEX alias_routes_by_version ON alias_routes(version_arn);
`

// migrate applies the migrations the database lacks, in one transaction, and refuses a database written
// by a newer aslrun. It bypasses the statement cache: its statements run once.
func (s *Store) migrate(ctx context.Context) error {
	return s.write(ctx, func(t *tx) error {
		tx := t.conn
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
			return err
		}
		if version > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this program's %d", version, len(migrations))
		}
		for v := version; v < len(migrations); v++ {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrating to schema version %d: %w", v+1, err)
			}
		}
		if version == len(migrations) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?)`, len(migrations))
		return err
	})
}

// schemaV7 counts a Map Run's redrives (DescribeMapRun's redriveCount and redriveDate).
const schemaV7 = `
ALTER TABLE map_runs ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE map_runs ADD COLUMN redrive_date INTEGER;
`
