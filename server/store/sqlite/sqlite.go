// Package sqlite is the store.Store that `aslrun serve` keeps on disk: one SQLite file in WAL mode, through the
// pure-Go modernc.org/sqlite driver. Writes go through one writer goroutine that commits concurrent callers'
// operations together (group commit), each in a savepoint of its own, so a step is on disk whole or not at
// all, even when the process is killed mid-write, and one caller's failure never undoes another's write.
// Reads run on a separate pool and never wait for the writer.
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

	"github.com/aslrun/aslrun/server/store"
)

// Store is the SQLite backend.
type Store struct {
	// reads is a pool of query_only connections. In WAL mode a reader sees the last commit without waiting
	// for the writer, and a write's caller is answered only after its COMMIT, so it reads its own writes.
	reads *sql.DB
	// readStmts caches reads' prepared statements by query text (a bounded set: every query is a constant
	// or one of ListExecutions' few combinations); database/sql prepares each once per connection.
	readStmts sync.Map

	// writes holds the writer's one connection, used only by the writer goroutine; see write.
	writes *sql.DB
	ops    chan *op
	// quit asks the writer to stop; stopped is closed when it has.
	quit, stopped chan struct{}
	closeOnce     sync.Once
	closeErr      error

	// stored holds the hashes of definitions known to be committed, which CreateExecution need not insert
	// again; definitions are never deleted.
	storedMu sync.Mutex
	stored   map[[32]byte]bool
}

// maxStoredDefinitions bounds stored: past it, it starts again empty.
const maxStoredDefinitions = 1024

func (s *Store) definitionStored(hash [32]byte) bool {
	s.storedMu.Lock()
	defer s.storedMu.Unlock()
	return s.stored[hash]
}

// definitionCommitted notes a definition that a committed transaction holds.
func (s *Store) definitionCommitted(hash [32]byte) {
	s.storedMu.Lock()
	defer s.storedMu.Unlock()
	if len(s.stored) >= maxStoredDefinitions {
		clear(s.stored)
	}
	s.stored[hash] = true
}

var _ store.Store = (*Store)(nil)

// writePragmas: WAL lets readers run beside the writer. synchronous=NORMAL is durable against a killed
// process, which is what the store promises: a committed transaction is in the WAL, in the OS's page
// cache, before COMMIT returns; only a power cut or a kernel crash can lose the last commits. FULL adds an
// fsync per commit: group commit hides it when many callers write, but a lone writer (one execution
// stepping) waits for it on every step, 2.3 times slower here and far worse on slower disks. busy_timeout
// covers another process holding the file.
const writePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(ON)"

// readPragmas: query_only makes a stray write on the read pool an error instead of a second writer.
const readPragmas = "_pragma=busy_timeout(10000)&_pragma=query_only(1)"

// maxReaders bounds the read pool: readers run in parallel in WAL mode, and each connection holds its own
// page cache.
const maxReaders = 8

// Open opens the database at path, creating it and its directory if needed, and brings its schema up to date.
func Open(path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite store: unusable database path %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	s, err := open(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %s: %w", path, err)
	}
	return s, nil
}

// open makes the writer's connection, the read pool and the writer goroutine, then migrates.
func open(path string) (*Store, error) {
	writes, err := sql.Open("sqlite", path+"?"+writePragmas)
	if err != nil {
		return nil, err
	}
	writes.SetMaxOpenConns(1)
	conn, err := writes.Conn(context.Background())
	if err != nil {
		_ = writes.Close()
		return nil, err
	}
	// Read connections, made on demand, come after the writer's, which has put the file in WAL mode.
	reads, err := sql.Open("sqlite", path+"?"+readPragmas)
	if err != nil {
		_ = conn.Close()
		_ = writes.Close()
		return nil, err
	}
	reads.SetMaxOpenConns(maxReaders)
	reads.SetMaxIdleConns(maxReaders)
	s := &Store{reads: reads, writes: writes, ops: make(chan *op), quit: make(chan struct{}), stopped: make(chan struct{}),
		stored: map[[32]byte]bool{}}
	go s.writer(conn)
	if err := s.migrate(context.Background()); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the writer once the batch in progress is committed, then closes the database; the writer's
// connection, closed last, checkpoints the WAL into the main file. Methods called after Close fail.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		<-s.stopped
		s.readStmts.Range(func(_, st any) bool {
			_ = st.(*sql.Stmt).Close()
			return true
		})
		s.closeErr = errors.Join(s.reads.Close(), s.writes.Close())
	})
	return s.closeErr
}

// readStmt returns the read pool's prepared statement for query.
func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.readStmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.reads.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.readStmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// query runs a read on the read pool.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.readStmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a one-row read on the read pool.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) scanner {
	st, err := s.readStmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
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
