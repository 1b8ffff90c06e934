package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

// TestBatch runs batches on a connection of its own, so that it decides what goes in one transaction, and
// reads the outcome through the store: an op that fails leaves nothing and costs the others nothing, even
// when its failure takes the whole transaction down; a batch without a failure runs each op once.
func TestBatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "batch.db")
	s, err := Open(path)
	require.NoError(t, err)
	defer s.Close()
	db, err := sql.Open("sqlite", path+"?"+writePragmas)
	require.NoError(t, err)
	defer db.Close()
	conn, err := db.Conn(t.Context())
	require.NoError(t, err)
	w := &tx{conn: conn, stmts: map[string]*sql.Stmt{}}
	defer w.close()

	runs := map[string]int{}
	// insert is an op that adds activity name, then fails with fail if it is not nil.
	insert := func(name string, fail error) *op {
		return &op{ctx: t.Context(), done: make(chan struct{}), fn: func(t *tx) error {
			runs[name]++
			if _, err := t.exec(`INSERT INTO activities (arn, name) VALUES (?, ?)`, "arn:"+name, name); err != nil {
				return err
			}
			return fail
		}}
	}
	// doom is an op whose failure rolls back the whole transaction, as an I/O error can.
	doom := &op{ctx: t.Context(), done: make(chan struct{}), fn: func(t *tx) error {
		if _, err := t.exec(`INSERT INTO activities (arn, name) VALUES ('arn:doom', 'doom')`); err != nil {
			return err
		}
		_, err := t.exec(`ROLLBACK`)
		return errors.Join(errors.New("doomed"), err)
	}}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	late := insert("late", nil)
	late.ctx = canceled

	batches := [][]*op{
		{insert("a", nil), insert("conflict", store.ErrConflict), late, insert("b", nil)},
		{insert("c", nil), doom, insert("d", nil)},
		{insert("e", nil), insert("f", nil)},
	}
	for _, batch := range batches {
		w.runBatch(batch)
	}
	require.NoError(t, batches[0][0].err)
	require.ErrorIs(t, batches[0][1].err, store.ErrConflict)
	require.ErrorIs(t, batches[0][2].err, context.Canceled)
	require.NoError(t, batches[0][3].err)
	require.ErrorContains(t, doom.err, "doomed")
	require.NoError(t, batches[1][0].err)
	require.NoError(t, batches[1][2].err)
	require.Equal(t, map[string]int{"a": 2, "conflict": 2, "b": 1, "c": 3, "d": 1, "e": 1, "f": 1}, runs,
		"the first batch again in savepoints once conflict failed; the second again op by op once doom took "+
			"it down; the third, without a failure, once")

	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		_, err := s.GetActivity(t.Context(), "arn:"+name)
		require.NoError(t, err, name)
	}
	for _, name := range []string{"conflict", "late", "doom"} {
		_, err := s.GetActivity(t.Context(), "arn:"+name)
		require.ErrorIs(t, err, store.ErrNotFound, name)
	}
}

// TestDefinitionStoredOnce: once an execution's definition is committed, the next executions of it do not
// insert it again, and still read it back; a definition whose execution was refused is not taken as stored.
func TestDefinitionStoredOnce(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "defs.db"))
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()
	const def = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	hash := sha256.Sum256([]byte(def))
	exec := func(name string) *store.Execution {
		return &store.Execution{Arn: "arn:aws:states:us-east-1:123456789012:execution:m:" + name, StateMachineArn: "arn:m",
			Name: name, Status: store.Running, Input: "{}", Definition: def}
	}
	_, err = s.CreateExecution(ctx, exec("bad"), []store.Event{{ID: 2}})
	require.Error(t, err)
	assert.False(t, s.definitionStored(hash), "refused before any write")
	for _, name := range []string{"a", "b"} {
		_, err := s.CreateExecution(ctx, exec(name), nil)
		require.NoError(t, err)
		assert.True(t, s.definitionStored(hash))
		got, err := s.GetExecution(ctx, exec(name).Arn)
		require.NoError(t, err)
		assert.Equal(t, def, got.Definition)
	}
}

// TestCreateExecutionTaken: concurrent starts under one ARN, batched with others: one creates it, the rest
// get ErrExists with the execution that holds it, and the other starts are not disturbed.
func TestCreateExecutionTaken(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "taken.db"))
	require.NoError(t, err)
	defer s.Close()
	exec := func(name string) *store.Execution {
		return &store.Execution{Arn: "arn:aws:states:us-east-1:123456789012:execution:m:" + name, StateMachineArn: "arn:m",
			Name: name, Status: store.Running, Input: "{}", Definition: "{}"}
	}
	const n = 16
	errs := make([]error, 2*n)
	existing := make([]*store.Execution, 2*n)
	var wg sync.WaitGroup
	for i := range 2 * n {
		wg.Go(func() {
			name := "dup"
			if i%2 == 1 {
				name = fmt.Sprint("other", i)
			}
			existing[i], errs[i] = s.CreateExecution(t.Context(), exec(name), nil)
		})
	}
	wg.Wait()
	taken := 0
	for i, err := range errs {
		if i%2 == 1 {
			require.NoError(t, err, "another execution")
			continue
		}
		if err != nil {
			taken++
			require.ErrorIs(t, err, store.ErrExists)
			require.NotNil(t, existing[i])
			assert.Equal(t, exec("dup").Arn, existing[i].Arn)
		}
	}
	assert.Equal(t, n-1, taken, "one start of dup created it")
}
