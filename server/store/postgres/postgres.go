// Package postgres is the store.Store that several `aslrun serve` nodes share: a PostgreSQL database reached
// through pgx's pool. Each step is one transaction; version checks, name uniqueness and the events' dense IDs
// rest on the database's own constraints, and timers and activity tasks are claimed with
// FOR UPDATE SKIP LOCKED, so that nodes claiming at once take disjoint rows without waiting for each other.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aslrun/aslrun/server/store"
)

// Store is the PostgreSQL backend.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value connection string), then creates
// or migrates its schema. Nodes may open the same database at once: migrations take a lock.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message shows the connection string with its password redacted.
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	where := describe(cfg.ConnConfig)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %s: %w", where, err)
	}
	// The pool connects lazily: a database that is down must fail Open, not the first step.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: cannot connect to %s: %w", where, err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: %s: %w", where, err)
	}
	return s, nil
}

// describe names the server and database for error messages, never the password.
func describe(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("database %q on %s port %d as user %q", cfg.Database, cfg.Host, cfg.Port, cfg.User)
}

// Close closes the pool's connections, waiting for those in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// inTx runs fn in a transaction, which commits unless fn returns an error.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// SQLSTATE codes the store turns into its own errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// violates reports whether err is the PostgreSQL error with that SQLSTATE.
func violates(err error, code string) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == code
}

// unreachable marks an error of the connection, not of the statement, as store.ErrUnavailable: the server
// is down, restarting, shutting down or refusing connections, so the caller may retry. An error the server
// sent about the statement itself (a constraint, a type) is not one, nor is a cancelled context.
func unreachable(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, store.ErrNotFound) ||
		errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrInvalid) ||
		errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 is connection exceptions; 57P01-57P03 an administrator's or a crash's shutdown and a
		// server still starting; 53300 too many connections.
		if !strings.HasPrefix(pe.Code, "08") && !strings.HasPrefix(pe.Code, "57P0") && pe.Code != "53300" {
			return err
		}
	}
	// Anything else came from the connection: a refused dial, a reset, an unexpected EOF, a timeout.
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}
