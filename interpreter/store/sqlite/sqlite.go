// Package sqlite is the store.Store that `aslrun serve` keeps on disk: one SQLite file in WAL mode, through the
// pure-Go modernc.org/sqlite driver. Every write is one BEGIN IMMEDIATE transaction, so a step is on disk whole
// or not at all, even when the process is killed mid-write.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aslrun/aslrun/interpreter/store"
)

// Store is the SQLite backend.
type Store struct {
	db *sql.DB
	// writes serialises this process's write transactions: SQLite admits one writer at a time anyway, and
	// queueing here is fairer and cheaper than every writer spinning in the busy handler. busy_timeout still
	// covers another process holding the file.
	writes sync.Mutex
	// stmts caches the write path's prepared statements: parsing SQL was a third of a Commit's time.
	// Guarded by writes.
	stmts map[string]*sql.Stmt
}

var _ store.Store = (*Store)(nil)

// pragmas: WAL lets readers run beside the writer. synchronous=NORMAL is durable against a killed process
// (a committed transaction is in the WAL before COMMIT returns) though a power cut may lose the last
// commits; FULL, an fsync per commit, measured 2-5 times slower. _txlock=immediate makes every BeginTx a
// BEGIN IMMEDIATE: a write transaction takes the write lock up front, so it never fails half-way on a lock.
const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(ON)&_txlock=immediate"

// maxConns bounds the pool: readers run in parallel in WAL mode, and each connection holds its own page cache.
const maxConns = 8

// Open opens the database at path, creating it and its directory if needed, and brings its schema up to date.
func Open(path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite store: unusable database path %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	db, err := sql.Open("sqlite", path+"?"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s := &Store{db: db, stmts: map[string]*sql.Stmt{}}
	if err := s.migrate(context.Background()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlite store: %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database; the last connection to close checkpoints the WAL into the main file.
func (s *Store) Close() error {
	s.writes.Lock()
	defer s.writes.Unlock()
	for _, st := range s.stmts {
		_ = st.Close()
	}
	return s.db.Close()
}

// violates reports whether err is the given SQLite constraint violation (an extended result code).
func violates(err error, code int) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == code
}

// uniqueViolation reports a UNIQUE or PRIMARY KEY clash.
func uniqueViolation(err error) bool {
	return violates(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE) || violates(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}
