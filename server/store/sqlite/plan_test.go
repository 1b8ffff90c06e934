package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestQueryPlans checks that the queries that grow with the number of executions, timers or tasks are
// answered from an index, never by scanning a table.
func TestQueryPlans(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	defer s.Close()
	queries := map[string]string{
		"list by machine":        `SELECT ` + executionColumns + ` WHERE x.state_machine_arn = 'a' ORDER BY x.seq DESC LIMIT 10`,
		"list by machine+status": `SELECT ` + executionColumns + ` WHERE x.state_machine_arn = 'a' AND x.status = 'RUNNING' AND x.seq < 5 ORDER BY x.seq DESC LIMIT 10`,
		"list by status":         `SELECT ` + executionColumns + ` WHERE x.status = 'RUNNING' ORDER BY x.seq DESC LIMIT 10`,
		"unfinished":             `SELECT ` + executionColumns + ` WHERE x.status IN ('RUNNING', 'PENDING_REDRIVE') ORDER BY x.seq`,
		"history":                `SELECT id FROM events WHERE execution = 1 AND id < 9 ORDER BY id DESC LIMIT 10`,
		"due timers":             `SELECT execution_arn, key FROM timers WHERE ready_at <= 5 ORDER BY ready_at, execution_arn, key LIMIT 10`,
		"next timer":             `SELECT min(ready_at) FROM timers`,
		"scheduled task":         `SELECT seq FROM activity_tasks WHERE activity_arn = 'a' AND status = 'SCHEDULED' ORDER BY created, seq LIMIT 1`,
		"finished timers":        `DELETE FROM timers WHERE execution_arn = 'a'`,
		"dropped events":         `DELETE FROM events WHERE execution = 1`,
		"dropped tokens":         `DELETE FROM tokens WHERE execution_arn = 'a'`,
		"dropped tasks":          `DELETE FROM activity_tasks WHERE execution_arn = 'a'`,
		"dropped execution":      `DELETE FROM executions WHERE seq = 1`,
		"list by map run":        `SELECT ` + executionColumns + ` WHERE x.map_run_arn = 'a' AND x.seq < 5 ORDER BY x.seq DESC LIMIT 10`,
		"list map runs":          `SELECT ` + mapRunColumns + ` WHERE execution_arn = 'a' AND seq < 5 ORDER BY seq DESC LIMIT 10`,
		"dropped map runs":       `DELETE FROM map_runs WHERE execution_arn = 'a'`,
		"list by version":        `SELECT ` + executionColumns + ` WHERE x.version_arn = 'a' AND x.seq < 5 ORDER BY x.seq DESC LIMIT 10`,
		"list by alias":          `SELECT ` + executionColumns + ` WHERE x.alias_arn = 'a' AND x.seq < 5 ORDER BY x.seq DESC LIMIT 10`,
		"list versions":          `SELECT ` + versionColumns + ` WHERE state_machine_arn = 'a' AND number < 5 ORDER BY number DESC LIMIT 10`,
		"version of revision":    `SELECT ` + versionColumns + ` WHERE state_machine_arn = 'a' AND revision_id = 'r'`,
		"list aliases":           `SELECT ` + aliasColumns + ` WHERE state_machine_arn = 'a' AND seq > 0 AND ('v' = '' OR seq IN (SELECT alias FROM alias_routes WHERE version_arn = 'v')) ORDER BY seq LIMIT 10`,
		"aliases of version":     `SELECT a.arn FROM alias_routes r JOIN state_machine_aliases a ON a.seq = r.alias WHERE r.version_arn = 'v' LIMIT 1`,
		"dropped machine":        `DELETE FROM state_machines WHERE arn = 'a'`,
	}
	for name, q := range queries {
		rows, err := s.reads.Query(`EXPLAIN QUERY PLAN ` + q)
		require.NoError(t, err, name)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Close())
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN") && !strings.Contains(step, "USING") {
				t.Errorf("%s scans a table: %v", name, plan)
			}
		}
		t.Logf("%s: %v", name, plan)
	}
}
