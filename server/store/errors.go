package store

import "errors"

// Errors every backend returns, possibly wrapped with detail: compare with errors.Is.
var (
	// ErrNotFound: no record has that key.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: a record with that key or name already exists.
	ErrExists = errors.New("store: already exists")
	// ErrConflict: Commit was given a stale Execution.Version; reload the execution and retry.
	ErrConflict = errors.New("store: version conflict")
	// ErrInvalidToken: a Page.Token this store did not issue for that listing.
	ErrInvalidToken = errors.New("store: invalid page token")
	// ErrInvalid: an argument breaks an invariant the store keeps (an event ID that leaves a gap, an empty key...).
	ErrInvalid = errors.New("store: invalid argument")
	// ErrUnavailable: the store could not be reached (a database that is down, restarting or refusing
	// connections). The operation may or may not have taken effect (a commit whose answer was lost): retry,
	// and tell a repeat from a conflict by what the store holds.
	ErrUnavailable = errors.New("store: unavailable")
)
