package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// migrations[i] brings the schema from version i to i+1. Append; never edit a released one.
var migrations = []string{schemaV1, schemaV2, schemaV3, schemaV4, schemaV5}

// Executions are referenced by ARN from the small tables but by their bigint seq from events, the big one;
// every child row names an existing execution (foreign keys) and goes when it goes (ON DELETE CASCADE drops
// a transient execution whole). Definitions are stored once per distinct text: every execution snapshots
// its definition, and they are mostly the same. Event data, checkpoints and configurations are bytea, kept
// verbatim (jsonb would reorder keys); tags are jsonb, which SetTags merges in place.
const schemaV1 = `
CREATE TABLE state_machines (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	arn text NOT NULL UNIQUE,
	name text NOT NULL UNIQUE,
	type text NOT NULL,
	definition text NOT NULL,
	role_arn text NOT NULL,
	status text NOT NULL,
	creation_date timestamptz,
	update_date timestamptz,
	revision_id text NOT NULL,
	logging bytea,
	tracing bytea,
	tags jsonb
);

CREATE TABLE activities (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	arn text NOT NULL UNIQUE,
	name text NOT NULL UNIQUE,
	creation_date timestamptz,
	tags jsonb
);

CREATE TABLE definitions (
	hash bytea PRIMARY KEY,
	text text NOT NULL
);

CREATE TABLE executions (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	arn text NOT NULL UNIQUE,
	state_machine_arn text NOT NULL,
	name text NOT NULL,
	status text NOT NULL,
	input text NOT NULL,
	output text,
	error text,
	cause text,
	start_date timestamptz,
	stop_date timestamptz,
	definition bytea NOT NULL REFERENCES definitions (hash),
	test_case text NOT NULL,
	checkpoint bytea,
	version bigint NOT NULL,
	express boolean NOT NULL,
	transient boolean NOT NULL,
	last_event bigint NOT NULL
);
CREATE INDEX executions_by_machine ON executions (state_machine_arn, seq);
CREATE INDEX executions_by_machine_status ON executions (state_machine_arn, status, seq);
CREATE INDEX executions_by_status ON executions (status, seq);

CREATE TABLE events (
	execution bigint NOT NULL REFERENCES executions (seq) ON DELETE CASCADE,
	id bigint NOT NULL,
	timestamp timestamptz,
	type text NOT NULL,
	data bytea NOT NULL,
	PRIMARY KEY (execution, id)
);

-- ready_at is when the timer can next be claimed: due, or the end of its lease.
CREATE TABLE timers (
	execution_arn text NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
	key text NOT NULL,
	due timestamptz,
	owner text NOT NULL,
	lease_until timestamptz,
	ready_at timestamptz NOT NULL,
	PRIMARY KEY (execution_arn, key)
);
CREATE INDEX timers_ready ON timers (ready_at);

CREATE TABLE tokens (
	token text PRIMARY KEY,
	execution_arn text NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
	state_name text NOT NULL,
	status text NOT NULL,
	output text NOT NULL,
	error text,
	cause text,
	created timestamptz,
	heartbeat_at timestamptz
);
CREATE INDEX tokens_by_execution ON tokens (execution_arn);

CREATE TABLE activity_tasks (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token text NOT NULL UNIQUE,
	activity_arn text NOT NULL,
	execution_arn text NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
	input text NOT NULL,
	status text NOT NULL,
	worker_name text NOT NULL,
	created timestamptz
);
CREATE INDEX activity_tasks_scheduled ON activity_tasks (activity_arn, status, created NULLS FIRST, seq);
CREATE INDEX activity_tasks_by_execution ON activity_tasks (execution_arn);
`

// schemaV2 adds Map Runs, which go with their execution, and the Map Run that started an execution,
// indexed for ListExecutions' filter. Executions from before it were started by none. A Map Run's counts
// are jsonb objects: they are only ever read and written whole.
const schemaV2 = `
ALTER TABLE executions ADD COLUMN map_run_arn text NOT NULL DEFAULT '';
CREATE INDEX executions_by_map_run ON executions (map_run_arn, seq);

CREATE TABLE map_runs (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	arn text NOT NULL UNIQUE,
	execution_arn text NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
	status text NOT NULL,
	start_date timestamptz,
	stop_date timestamptz,
	max_concurrency bigint NOT NULL,
	tolerated_failure_percentage double precision NOT NULL,
	tolerated_failure_count bigint NOT NULL,
	items jsonb NOT NULL,
	executions jsonb NOT NULL
);
CREATE INDEX map_runs_by_execution ON map_runs (execution_arn, seq);
`

// schemaV3 adds state machine versions and aliases, which go with their state machine, the highest version
// number a state machine gave (numbers are never given again), and, on executions, the version and alias
// they run (indexed for ListExecutions' filters) and their redrives. An alias's routing is read from its jsonb
// column; alias_routes finds the aliases that route to a version. Rows from before it have none of these.
const schemaV3 = `
ALTER TABLE executions ADD COLUMN version_arn text NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN alias_arn text NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN redrive_count bigint NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN redrive_date timestamptz;
CREATE INDEX executions_by_version ON executions (version_arn, seq);
CREATE INDEX executions_by_alias ON executions (alias_arn, seq);

ALTER TABLE state_machines ADD COLUMN last_version bigint NOT NULL DEFAULT 0;

CREATE TABLE state_machine_versions (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	arn text NOT NULL UNIQUE,
	state_machine_arn text NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
	number bigint NOT NULL,
	description text NOT NULL,
	definition text NOT NULL,
	role_arn text NOT NULL,
	revision_id text NOT NULL,
	creation_date timestamptz,
	logging bytea,
	tracing bytea,
	UNIQUE (state_machine_arn, number)
);
CREATE INDEX versions_by_revision ON state_machine_versions (state_machine_arn, revision_id);

CREATE TABLE state_machine_aliases (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	arn text NOT NULL UNIQUE,
	state_machine_arn text NOT NULL REFERENCES state_machines (arn) ON DELETE CASCADE,
	name text NOT NULL,
	description text NOT NULL,
	routing jsonb NOT NULL,
	creation_date timestamptz,
	update_date timestamptz
);
CREATE INDEX aliases_by_machine ON state_machine_aliases (state_machine_arn, seq);

CREATE TABLE alias_routes (
	alias bigint NOT NULL REFERENCES state_machine_aliases (seq) ON DELETE CASCADE,
	position integer NOT NULL,
	version_arn text NOT NULL,
	PRIMARY KEY (alias, position)
);
CREATE INDEX alias_routes_by_version ON alias_routes (version_arn);
`

// migrationLock is the pg_advisory_xact_lock key that serialises migrations of one database, so that nodes
// starting together do not race to create the same tables: the first migrates, the others then find the
// schema current. (An arbitrary constant: "aslrun" in ASCII.)
const migrationLock = 0x61736c72756e

// migrate applies the migrations the database lacks, in one transaction, and refuses a database written by a
// newer aslrun.
func (s *Store) migrate(ctx context.Context) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
			return err
		}
		if version > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this program's %d: upgrade aslrun", version, len(migrations))
		}
		if version == len(migrations) {
			return nil
		}
		for v := version; v < len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrating to schema version %d: %w", v+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_version VALUES ($1)`, len(migrations))
		return err
	})
}

// schemaV5 counts a Map Run's redrives (DescribeMapRun's redriveCount and redriveDate).
const schemaV5 = `
ALTER TABLE map_runs ADD COLUMN redrive_count bigint NOT NULL DEFAULT 0;
ALTER TABLE map_runs ADD COLUMN redrive_date timestamptz;
`
