package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aslrun/aslrun/server/store"
)

// Versions and aliases of one state machine are changed under its row's lock (FOR UPDATE), so that a
// publish sees the revision it checked, and a version cannot lose its last alias's check to a concurrent
// route to it.

const versionColumns = `arn, state_machine_arn, number, description, definition, role_arn, revision_id, creation_date,
	logging, tracing FROM state_machine_versions`

func scanVersion(row pgx.Row) (*store.StateMachineVersion, error) {
	var (
		v       store.StateMachineVersion
		created pgtype.Timestamptz
	)
	err := row.Scan(&v.Arn, &v.StateMachineArn, &v.Number, &v.Description, &v.Definition, &v.RoleArn, &v.RevisionID,
		&created, &v.LoggingConfiguration, &v.TracingConfiguration)
	if err != nil {
		return nil, err
	}
	v.CreationDate = timeOf(created)
	v.LoggingConfiguration, v.TracingConfiguration = blob(v.LoggingConfiguration), blob(v.TracingConfiguration)
	return &v, nil
}

func versionArn(machineArn string, number int64) string {
	return machineArn + ":" + strconv.FormatInt(number, 10)
}

// lockMachine takes the state machine's row lock for the rest of tx; ErrNotFound when there is no such machine.
func lockMachine(ctx context.Context, tx pgx.Tx, arn string) error {
	err := tx.QueryRow(ctx, `SELECT 1 FROM state_machines WHERE arn = $1 FOR UPDATE`, arn).Scan(new(int))
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: state machine %s", store.ErrNotFound, arn)
	}
	return err
}

// PublishStateMachineVersion implements store.Store.
func (s *Store) PublishStateMachineVersion(ctx context.Context, v *store.StateMachineVersion) (*store.StateMachineVersion, error) {
	var existing *store.StateMachineVersion
	var number int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var revision string
		var last int64
		err := tx.QueryRow(ctx, `SELECT revision_id, last_version FROM state_machines WHERE arn = $1 FOR UPDATE`, v.StateMachineArn).
			Scan(&revision, &last)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: state machine %s", store.ErrNotFound, v.StateMachineArn)
		}
		if err != nil {
			return err
		}
		if revision != v.RevisionID {
			return fmt.Errorf("%w: state machine %s is at revision %q, not %q", store.ErrConflict, v.StateMachineArn, revision, v.RevisionID)
		}
		old, err := scanVersion(tx.QueryRow(ctx, `SELECT `+versionColumns+` WHERE state_machine_arn = $1 AND revision_id = $2`,
			v.StateMachineArn, revision))
		if err == nil {
			existing = old
			return fmt.Errorf("%w: version %s is of revision %q", store.ErrExists, old.Arn, revision)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		number = last + 1
		if _, err := tx.Exec(ctx, `UPDATE state_machines SET last_version = $1 WHERE arn = $2`, number, v.StateMachineArn); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO state_machine_versions (arn, state_machine_arn, number, description, definition, role_arn,
			revision_id, creation_date, logging, tracing) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			versionArn(v.StateMachineArn, number), v.StateMachineArn, number, v.Description, v.Definition, v.RoleArn, v.RevisionID,
			timestamp(v.CreationDate), blob(v.LoggingConfiguration), blob(v.TracingConfiguration))
		return err
	})
	if err != nil {
		return existing, unreachable(err)
	}
	v.Number, v.Arn = number, versionArn(v.StateMachineArn, number)
	return v.Clone(), nil
}

// GetStateMachineVersion implements store.Store.
func (s *Store) GetStateMachineVersion(ctx context.Context, arn string) (*store.StateMachineVersion, error) {
	v, err := scanVersion(s.pool.QueryRow(ctx, `SELECT `+versionColumns+` WHERE arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: state machine version %s", store.ErrNotFound, arn)
	}
	return v, unreachable(err)
}

// ListStateMachineVersions implements store.Store: the cursor is the number of the last version listed.
func (s *Store) ListStateMachineVersions(ctx context.Context, machineArn string, p store.Page) ([]*store.StateMachineVersion, string, error) {
	before, err := p.Cursor(store.KindVersions)
	if err != nil {
		return nil, "", err
	}
	if before == 0 {
		before = math.MaxInt64
	}
	rows, err := s.pool.Query(ctx, `SELECT `+versionColumns+` WHERE state_machine_arn = $1 AND number < $2 ORDER BY number DESC LIMIT $3`,
		machineArn, before, p.Size()+1)
	if err != nil {
		return nil, "", unreachable(err)
	}
	var out []*store.StateMachineVersion
	next, err := page(rows, p.Size(), func(r pgx.Rows) (int64, error) {
		v, err := scanVersion(r)
		if err != nil {
			return 0, err
		}
		out = append(out, v)
		return v.Number, nil
	})
	if err != nil {
		return nil, "", unreachable(err)
	}
	return out, store.NextToken(store.KindVersions, next), nil
}

// DeleteStateMachineVersion implements store.Store.
func (s *Store) DeleteStateMachineVersion(ctx context.Context, arn string) error {
	return unreachable(s.inTx(ctx, func(tx pgx.Tx) error {
		var machine string
		err := tx.QueryRow(ctx, `SELECT state_machine_arn FROM state_machine_versions WHERE arn = $1`, arn).Scan(&machine)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: state machine version %s", store.ErrNotFound, arn)
		}
		if err != nil {
			return err
		}
		if err := lockMachine(ctx, tx, machine); err != nil {
			return err
		}
		var alias string
		err = tx.QueryRow(ctx, `SELECT a.arn FROM alias_routes r JOIN state_machine_aliases a ON a.seq = r.alias
			WHERE r.version_arn = $1 LIMIT 1`, arn).Scan(&alias)
		if err == nil {
			return fmt.Errorf("%w: alias %s routes to version %s", store.ErrConflict, alias, arn)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM state_machine_versions WHERE arn = $1`, arn)
		return affected(tag, err, "state machine version "+arn)
	}))
}

const aliasColumns = `seq, arn, state_machine_arn, name, description, routing, creation_date, update_date FROM state_machine_aliases`

func scanAlias(row pgx.Row) (int64, *store.StateMachineAlias, error) {
	var (
		seq              int64
		a                store.StateMachineAlias
		created, updated pgtype.Timestamptz
	)
	if err := row.Scan(&seq, &a.Arn, &a.StateMachineArn, &a.Name, &a.Description, &a.Routing, &created, &updated); err != nil {
		return 0, nil, err
	}
	a.CreationDate, a.UpdateDate = timeOf(created), timeOf(updated)
	if len(a.Routing) == 0 {
		a.Routing = nil
	}
	return seq, &a, nil
}

// checkRouting makes sure every version an alias routes to exists and is of its state machine.
func checkRouting(ctx context.Context, tx pgx.Tx, a *store.StateMachineAlias) error {
	for _, r := range a.Routing {
		var machine string
		err := tx.QueryRow(ctx, `SELECT state_machine_arn FROM state_machine_versions WHERE arn = $1`, r.VersionArn).Scan(&machine)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: state machine version %s", store.ErrNotFound, r.VersionArn)
		}
		if err != nil {
			return err
		}
		if machine != a.StateMachineArn {
			return fmt.Errorf("%w: version %s is not of state machine %s", store.ErrInvalid, r.VersionArn, a.StateMachineArn)
		}
	}
	return nil
}

// writeRoutes stores the rows that find the aliases of a version; the alias's routing column is read.
func writeRoutes(ctx context.Context, tx pgx.Tx, seq int64, a *store.StateMachineAlias) error {
	if _, err := tx.Exec(ctx, `DELETE FROM alias_routes WHERE alias = $1`, seq); err != nil {
		return err
	}
	for i, r := range a.Routing {
		if _, err := tx.Exec(ctx, `INSERT INTO alias_routes (alias, position, version_arn) VALUES ($1, $2, $3)`, seq, i, r.VersionArn); err != nil {
			return err
		}
	}
	return nil
}

// CreateStateMachineAlias implements store.Store.
func (s *Store) CreateStateMachineAlias(ctx context.Context, a *store.StateMachineAlias) (*store.StateMachineAlias, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	var existing *store.StateMachineAlias
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockMachine(ctx, tx, a.StateMachineArn); err != nil {
			return err
		}
		_, old, err := scanAlias(tx.QueryRow(ctx, `SELECT `+aliasColumns+` WHERE arn = $1`, a.Arn))
		if err == nil {
			existing = old
			return fmt.Errorf("%w: alias %s", store.ErrExists, a.Arn)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err := checkRouting(ctx, tx, a); err != nil {
			return err
		}
		var seq int64
		err = tx.QueryRow(ctx, `INSERT INTO state_machine_aliases (arn, state_machine_arn, name, description, routing, creation_date,
			update_date) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
			a.Arn, a.StateMachineArn, a.Name, a.Description, a.Routing, timestamp(a.CreationDate), timestamp(a.UpdateDate)).Scan(&seq)
		if err != nil {
			return err
		}
		return writeRoutes(ctx, tx, seq, a)
	})
	if err != nil {
		return existing, unreachable(err)
	}
	return a.Clone(), nil
}

// GetStateMachineAlias implements store.Store.
func (s *Store) GetStateMachineAlias(ctx context.Context, arn string) (*store.StateMachineAlias, error) {
	_, a, err := scanAlias(s.pool.QueryRow(ctx, `SELECT `+aliasColumns+` WHERE arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: alias %s", store.ErrNotFound, arn)
	}
	return a, unreachable(err)
}

// UpdateStateMachineAlias implements store.Store.
func (s *Store) UpdateStateMachineAlias(ctx context.Context, a *store.StateMachineAlias) error {
	return unreachable(s.inTx(ctx, func(tx pgx.Tx) error {
		var machine string
		err := tx.QueryRow(ctx, `SELECT state_machine_arn FROM state_machine_aliases WHERE arn = $1`, a.Arn).Scan(&machine)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: alias %s", store.ErrNotFound, a.Arn)
		}
		if err != nil {
			return err
		}
		if err := lockMachine(ctx, tx, machine); err != nil {
			return err
		}
		seq, old, err := scanAlias(tx.QueryRow(ctx, `SELECT `+aliasColumns+` WHERE arn = $1`, a.Arn))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: alias %s", store.ErrNotFound, a.Arn)
		}
		if err != nil {
			return err
		}
		in := a.Clone()
		in.StateMachineArn, in.Name = old.StateMachineArn, old.Name
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkRouting(ctx, tx, in); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE state_machine_aliases SET description = $1, routing = $2, update_date = $3 WHERE seq = $4`,
			in.Description, in.Routing, timestamp(in.UpdateDate), seq); err != nil {
			return err
		}
		return writeRoutes(ctx, tx, seq, in)
	}))
}

// DeleteStateMachineAlias implements store.Store; its routes go with it (ON DELETE CASCADE).
func (s *Store) DeleteStateMachineAlias(ctx context.Context, arn string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM state_machine_aliases WHERE arn = $1`, arn)
	return unreachable(affected(tag, err, "alias "+arn))
}

// ListStateMachineAliases implements store.Store.
func (s *Store) ListStateMachineAliases(ctx context.Context, machineArn, versionArn string, p store.Page) ([]*store.StateMachineAlias, string, error) {
	after, err := p.Cursor(store.KindAliases)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+aliasColumns+` WHERE state_machine_arn = $1 AND seq > $2
		AND ($3 = '' OR seq IN (SELECT alias FROM alias_routes WHERE version_arn = $3)) ORDER BY seq LIMIT $4`,
		machineArn, after, versionArn, p.Size()+1)
	if err != nil {
		return nil, "", unreachable(err)
	}
	var out []*store.StateMachineAlias
	next, err := page(rows, p.Size(), func(r pgx.Rows) (int64, error) {
		seq, a, err := scanAlias(r)
		out = append(out, a)
		return seq, err
	})
	if err != nil {
		return nil, "", unreachable(err)
	}
	return out, store.NextToken(store.KindAliases, next), nil
}
