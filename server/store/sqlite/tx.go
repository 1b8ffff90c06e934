package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
)

// Group commit. Every write is an op handed to one writer goroutine, which owns the one write connection.
// While it commits a batch, the ops that arrive queue up; it then runs all of them in one transaction, each
// inside its own SAVEPOINT so that a failing op (a version conflict, a constraint) is rolled back alone, and
// answers their callers only after the COMMIT has returned. One transaction per batch rather than per op
// is what makes this fast: concurrent steps touch the same few pages (the executions table's last leaf,
// its indexes, the events' last leaf), and a commit appends every page it changed to the WAL. Under no
// load a batch is one op, so nothing waits for a batch to fill.

// maxBatch bounds a transaction, so that the callers of a large batch are not kept waiting too long.
const maxBatch = 128

// op is one caller's write. fn may run more than once (see runBatch) and must set its results afresh on
// every run; err is its outcome, valid once done is closed.
type op struct {
	ctx  context.Context
	fn   func(*tx) error
	err  error
	done chan struct{}
}

var errClosed = errors.New("sqlite store: closed")

// write runs fn in a write transaction, which commits unless fn returns an error, and returns once the
// outcome is durable. Once submitted an op is always answered, even if ctx ends meanwhile: returning early
// would leave the caller unsure whether its write happened.
func (s *Store) write(ctx context.Context, fn func(*tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &op{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case s.ops <- o:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	<-o.done
	return o.err
}

// writer runs batches of ops on conn until Close.
func (s *Store) writer(conn *sql.Conn) {
	t := &tx{conn: conn, stmts: map[string]*sql.Stmt{}}
	defer close(s.stopped)
	defer t.close()
	batch := make([]*op, 0, maxBatch)
	for {
		select {
		case o := <-s.ops:
			batch = append(batch[:0], o)
		case <-s.quit:
			return
		}
		// Let the goroutines that are about to submit (a batch's callers, answered, often write again at
		// once) reach the queue first: on two cores this tripled the ops per batch, and it costs nothing
		// when no other goroutine is runnable.
		runtime.Gosched()
	more:
		for len(batch) < maxBatch {
			select {
			case o := <-s.ops:
				batch = append(batch, o)
			default:
				break more
			}
		}
		t.runBatch(batch)
		for _, o := range batch {
			close(o.done)
		}
		clear(batch) // let the ops and their closures go
	}
}

// runBatch runs the ops in one transaction (unguarded, then together if an op failed). Should the
// transaction fail as a whole (COMMIT fails, or an op's
// error made SQLite roll everything back, which a savepoint cannot undo), nothing of the batch was written:
// every op is then run again in a transaction of its own, so that one op's failure costs no other op its
// write. Callers of one batch are concurrent, so any order of their ops is a valid one.
func (t *tx) runBatch(batch []*op) {
	if len(batch) > 1 && (t.unguarded(batch) == nil || t.together(batch) == nil) {
		return
	}
	for _, o := range batch {
		t.alone(o)
	}
}

// unguarded runs the ops in one transaction without savepoints, which cost two statements per op: it
// commits only if every op succeeds. Otherwise it rolls back and returns the error, and together runs the
// ops again, each in a savepoint. Ops rarely fail, so a batch is mostly run once.
func (t *tx) unguarded(batch []*op) error {
	if _, err := t.exec(`BEGIN IMMEDIATE`); err != nil {
		return err
	}
	for _, o := range batch {
		if o.err = o.ctx.Err(); o.err != nil {
			continue
		}
		if err := o.fn(t); err != nil {
			return t.rollback(err)
		}
	}
	if _, err := t.exec(`COMMIT`); err != nil {
		return t.rollback(err)
	}
	return nil
}

// together runs the ops in one transaction, each in a savepoint; an error means nothing was committed.
func (t *tx) together(batch []*op) error {
	if _, err := t.exec(`BEGIN IMMEDIATE`); err != nil {
		return err
	}
	for _, o := range batch {
		if o.err = o.ctx.Err(); o.err != nil {
			continue
		}
		if _, err := t.exec(`SAVEPOINT op`); err != nil {
			return t.rollback(err)
		}
		if o.err = o.fn(t); o.err != nil {
			// This fails when o's error made SQLite roll back the whole transaction, savepoint and all.
			if _, err := t.exec(`ROLLBACK TO op`); err != nil {
				return t.rollback(err)
			}
		}
		if _, err := t.exec(`RELEASE op`); err != nil {
			return t.rollback(err)
		}
	}
	if _, err := t.exec(`COMMIT`); err != nil {
		return t.rollback(err)
	}
	return nil
}

// alone runs one op in a transaction of its own.
func (t *tx) alone(o *op) {
	if o.err = o.ctx.Err(); o.err != nil {
		return
	}
	if _, o.err = t.exec(`BEGIN IMMEDIATE`); o.err != nil {
		return
	}
	if o.err = o.fn(t); o.err == nil {
		_, o.err = t.exec(`COMMIT`)
	}
	if o.err != nil {
		_ = t.rollback(o.err)
	}
}

// rollback ends the transaction, if SQLite has not already, and returns err.
func (t *tx) rollback(err error) error {
	_, _ = t.exec(`ROLLBACK`) // fails only when there is no transaction left
	return err
}

// tx is the writer's connection, inside a transaction. Statements are prepared once and reused (parsing
// SQL was a third of a Commit's time), and run under no caller's context: the driver interrupts a
// statement whose context ends, and SQLite may answer an interrupt by rolling back the whole transaction,
// every caller's op in it.
type tx struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func (t *tx) prepared(query string) (*sql.Stmt, error) {
	st, ok := t.stmts[query]
	if !ok {
		var err error
		if st, err = t.conn.PrepareContext(context.Background(), query); err != nil {
			return nil, err
		}
		t.stmts[query] = st
	}
	return st, nil
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	st, err := t.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	st, err := t.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

func (t *tx) queryRow(query string, args ...any) scanner {
	st, err := t.prepared(query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRow(args...)
}

// close releases the statements and the connection.
func (t *tx) close() {
	for _, st := range t.stmts {
		_ = st.Close()
	}
	_ = t.conn.Close()
}

// scanner is a row to scan: *sql.Row, *sql.Rows, or errRow.
type scanner interface{ Scan(dest ...any) error }

// errRow is a row whose query could not be prepared.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
