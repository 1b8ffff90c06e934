package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/sqlite"
	"github.com/aslrun/aslrun/server/store/storetest"
)

// snapshot is everything TestReopen writes, read back.
type snapshot struct {
	Machine    *store.StateMachine
	Activity   *store.Activity
	Execution  *store.Execution
	History    []store.Event
	Executions []*store.Execution
	Token      *store.Token
	NextTimer  time.Time
}

func read(t *testing.T, s store.Store, arns [3]string) snapshot {
	t.Helper()
	var snap snapshot
	var err error
	snap.Machine, err = s.GetStateMachine(t.Context(), arns[0])
	require.NoError(t, err)
	snap.Activity, err = s.GetActivity(t.Context(), arns[1])
	require.NoError(t, err)
	snap.Execution, err = s.GetExecution(t.Context(), arns[2])
	require.NoError(t, err)
	snap.History, _, err = s.History(t.Context(), arns[2], store.Page{}, false)
	require.NoError(t, err)
	snap.Executions, _, err = s.ListExecutions(t.Context(), store.ExecutionFilter{}, store.Page{})
	require.NoError(t, err)
	snap.Token, err = s.GetToken(t.Context(), "tok")
	require.NoError(t, err)
	next, ok, err := s.NextTimer(t.Context())
	require.NoError(t, err)
	require.True(t, ok)
	snap.NextTimer = next
	return snap
}

// TestReopen writes every kind of record, closes the database, and reads them all back from the file.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aslrun.db")
	s := open(t, path)
	sm := storetest.Machine("m")
	activity := &store.Activity{Arn: "arn:aws:states:us-east-1:123456789012:activity:a", Name: "a", CreationDate: time.Now().UTC().Truncate(time.Microsecond)}
	e := storetest.Execution("m", "e")
	require.NoError(t, s.CreateStateMachine(t.Context(), sm))
	require.NoError(t, s.CreateActivity(t.Context(), activity))
	_, err := s.CreateExecution(t.Context(), e, storetest.Events(1, 2))
	require.NoError(t, err)
	e.Checkpoint, e.Error = []byte("after step"), new("")
	require.NoError(t, s.Commit(t.Context(), store.Step{
		Execution:     e,
		Events:        storetest.Events(3, 3),
		SetTimers:     []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: e.Arn, Key: "wait"}, Due: e.StartDate.Add(time.Minute)}},
		Tokens:        []store.Token{{Token: "tok", ExecutionArn: e.Arn, Status: store.TokenPending, Created: e.StartDate}},
		ActivityTasks: []store.ActivityTask{{Token: "tok", ActivityArn: activity.Arn, ExecutionArn: e.Arn, Input: "{}", Status: store.TaskScheduled}},
	}))
	arns := [3]string{sm.Arn, activity.Arn, e.Arn}
	before := read(t, s, arns)
	require.NoError(t, s.Close())

	s = open(t, path)
	defer s.Close()
	require.Equal(t, before, read(t, s, arns))
	task, err := s.ClaimActivityTask(t.Context(), activity.Arn, "w")
	require.NoError(t, err)
	require.Equal(t, "tok", task.Token)
	// The step after the reopen continues the history.
	require.NoError(t, s.Commit(t.Context(), store.Step{Execution: e, Events: storetest.Events(6, 1)}))
}

func TestNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aslrun.db")
	require.NoError(t, open(t, path).Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`UPDATE schema_version SET version = 99`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = sqlite.Open(path)
	require.ErrorContains(t, err, "newer")
}

func TestOpenBadPath(t *testing.T) {
	_, err := sqlite.Open("")
	require.Error(t, err)
	_, err = sqlite.Open(filepath.Join(t.TempDir(), "a?b.db"))
	require.Error(t, err)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = sqlite.Open(filepath.Join(file, "db", "aslrun.db"))
	require.Error(t, err, "a directory cannot be made under a file")
	notDB := filepath.Join(t.TempDir(), "garbage.db")
	require.NoError(t, os.WriteFile(notDB, []byte("this is not a database, not even close, at all............................................"), 0o644))
	_, err = sqlite.Open(notDB)
	require.Error(t, err)
}
