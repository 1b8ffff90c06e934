package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/aslrun/aslrun/server/store"
)

const versionColumns = `arn, state_machine_arn, number, description, definition, role_arn, revision_id, creation_date,
	logging, tracing FROM state_machine_versions`

func scanVersion(row scanner) (*store.StateMachineVersion, error) {
	var (
		v       store.StateMachineVersion
		created sql.Null[int64]
	)
	err := row.Scan(&v.Arn, &v.StateMachineArn, &v.Number, &v.Description, &v.Definition, &v.RoleArn, &v.RevisionID,
		&created, &v.LoggingConfiguration, &v.TracingConfiguration)
	if err != nil {
		return nil, err
	}
	v.CreationDate = timeOf(created)
	v.LoggingConfiguration, v.TracingConfiguration = bytesOf(v.LoggingConfiguration), bytesOf(v.TracingConfiguration)
	return &v, nil
}

// PublishStateMachineVersion implements store.Store. The writer's transaction serialises it with updates
// of the state machine, so the revision checked is the one published.
func (s *Store) PublishStateMachineVersion(ctx context.Context, v *store.StateMachineVersion) (*store.StateMachineVersion, error) {
	var existing *store.StateMachineVersion
	var number int64
	err := s.write(ctx, func(tx *tx) error {
		existing = nil // fn may run again; see op
		var revision string
		var last int64
		err := tx.queryRow(`SELECT revision_id, last_version FROM state_machines WHERE arn = ?`, v.StateMachineArn).Scan(&revision, &last)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: state machine %s", store.ErrNotFound, v.StateMachineArn)
		}
		if err != nil {
			return err
		}
		if revision != v.RevisionID {
			return fmt.Errorf("%w: state machine %s is at revision %q, not %q", store.ErrConflict, v.StateMachineArn, revision, v.RevisionID)
		}
		old, err := scanVersion(tx.queryRow(`SELECT `+versionColumns+` WHERE state_machine_arn = ? AND revision_id = ?`, v.StateMachineArn, revision))
		if err == nil {
			existing = old
			return fmt.Errorf("%w: version %s is of revision %q", store.ErrExists, old.Arn, revision)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		number = last + 1
		if _, err := tx.exec(`UPDATE state_machines SET last_version = ? WHERE arn = ?`, number, v.StateMachineArn); err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO state_machine_versions (arn, state_machine_arn, number, description, definition, role_arn,
			revision_id, creation_date, logging, tracing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			versionArn(v.StateMachineArn, number), v.StateMachineArn, number, v.Description, v.Definition, v.RoleArn, v.RevisionID,
			micros(v.CreationDate), blob(v.LoggingConfiguration), blob(v.TracingConfiguration))
		return err
	})
	if err != nil {
		return existing, err
	}
	v.Number, v.Arn = number, versionArn(v.StateMachineArn, number)
	return v.Clone(), nil
}

func versionArn(machineArn string, number int64) string {
	return machineArn + ":" + strconv.FormatInt(number, 10)
}

// GetStateMachineVersion implements store.Store.
func (s *Store) GetStateMachineVersion(ctx context.Context, arn string) (*store.StateMachineVersion, error) {
	v, err := scanVersion(s.queryRow(ctx, `SELECT `+versionColumns+` WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: state machine version %s", store.ErrNotFound, arn)
	}
	return v, err
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
	rows, err := s.query(ctx, `SELECT `+versionColumns+` WHERE state_machine_arn = ? AND number < ? ORDER BY number DESC LIMIT ?`,
		machineArn, before, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.StateMachineVersion
	next, err := page(rows, p.Size(), func(r *sql.Rows) (int64, error) {
		v, err := scanVersion(r)
		if err != nil {
			return 0, err
		}
		out = append(out, v)
		return v.Number, nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindVersions, next), nil
}

// DeleteStateMachineVersion implements store.Store.
func (s *Store) DeleteStateMachineVersion(ctx context.Context, arn string) error {
	return s.write(ctx, func(tx *tx) error {
		var alias string
		err := tx.queryRow(`SELECT a.arn FROM alias_routes r JOIN state_machine_aliases a ON a.seq = r.alias WHERE r.version_arn = ? LIMIT 1`, arn).Scan(&alias)
		if err == nil {
			return fmt.Errorf("%w: alias %s routes to version %s", store.ErrConflict, alias, arn)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.exec(`DELETE FROM state_machine_versions WHERE arn = ?`, arn)
		return affected(res, err, "state machine version "+arn)
	})
}

const aliasColumns = `seq, arn, state_machine_arn, name, description, routing, creation_date, update_date FROM state_machine_aliases`

func scanAlias(row scanner) (int64, *store.StateMachineAlias, error) {
	var (
		seq              int64
		a                store.StateMachineAlias
		routing          []byte
		created, updated sql.Null[int64]
	)
	if err := row.Scan(&seq, &a.Arn, &a.StateMachineArn, &a.Name, &a.Description, &routing, &created, &updated); err != nil {
		return 0, nil, err
	}
	a.CreationDate, a.UpdateDate = timeOf(created), timeOf(updated)
	if err := json.Unmarshal(routing, &a.Routing); err != nil {
		return 0, nil, fmt.Errorf("alias %s: routing: %w", a.Arn, err)
	}
	return seq, &a, nil
}

// checkRouting makes sure every version an alias routes to exists and is of its state machine.
func checkRouting(tx *tx, a *store.StateMachineAlias) error {
	for _, r := range a.Routing {
		var machine string
		err := tx.queryRow(`SELECT state_machine_arn FROM state_machine_versions WHERE arn = ?`, r.VersionArn).Scan(&machine)
		if errors.Is(err, sql.ErrNoRows) {
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

// writeRoutes stores an alias's routing: the JSON column it is read from, and the rows that find the aliases
// of a version.
func writeRoutes(tx *tx, seq int64, a *store.StateMachineAlias) error {
	routing, err := json.Marshal(a.Routing)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE state_machine_aliases SET routing = ? WHERE seq = ?`, routing, seq); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM alias_routes WHERE alias = ?`, seq); err != nil {
		return err
	}
	for i, r := range a.Routing {
		if _, err := tx.exec(`INSERT INTO alias_routes (alias, position, version_arn) VALUES (?, ?, ?)`, seq, i, r.VersionArn); err != nil {
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
	err := s.write(ctx, func(tx *tx) error {
		existing = nil // fn may run again; see op
		_, old, err := scanAlias(tx.queryRow(`SELECT `+aliasColumns+` WHERE arn = ?`, a.Arn))
		if err == nil {
			existing = old
			return fmt.Errorf("%w: alias %s", store.ErrExists, a.Arn)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var one int
		err = tx.queryRow(`SELECT 1 FROM state_machines WHERE arn = ?`, a.StateMachineArn).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: state machine %s", store.ErrNotFound, a.StateMachineArn)
		}
		if err != nil {
			return err
		}
		if err := checkRouting(tx, a); err != nil {
			return err
		}
		res, err := tx.exec(`INSERT INTO state_machine_aliases (arn, state_machine_arn, name, description, routing, creation_date,
			update_date) VALUES (?, ?, ?, ?, '[]', ?, ?)`, a.Arn, a.StateMachineArn, a.Name, a.Description, micros(a.CreationDate), micros(a.UpdateDate))
		if err != nil {
			return err
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return err
		}
		return writeRoutes(tx, seq, a)
	})
	if err != nil {
		return existing, err
	}
	return a.Clone(), nil
}

// GetStateMachineAlias implements store.Store.
func (s *Store) GetStateMachineAlias(ctx context.Context, arn string) (*store.StateMachineAlias, error) {
	_, a, err := scanAlias(s.queryRow(ctx, `SELECT `+aliasColumns+` WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: alias %s", store.ErrNotFound, arn)
	}
	return a, err
}

// UpdateStateMachineAlias implements store.Store.
func (s *Store) UpdateStateMachineAlias(ctx context.Context, a *store.StateMachineAlias) error {
	return s.write(ctx, func(tx *tx) error {
		seq, old, err := scanAlias(tx.queryRow(`SELECT `+aliasColumns+` WHERE arn = ?`, a.Arn))
		if errors.Is(err, sql.ErrNoRows) {
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
		if err := checkRouting(tx, in); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE state_machine_aliases SET description = ?, update_date = ? WHERE seq = ?`,
			in.Description, micros(in.UpdateDate), seq); err != nil {
			return err
		}
		return writeRoutes(tx, seq, in)
	})
}

// DeleteStateMachineAlias implements store.Store; its routes go with it (ON DELETE CASCADE).
func (s *Store) DeleteStateMachineAlias(ctx context.Context, arn string) error {
	return s.write(ctx, func(tx *tx) error {
		res, err := tx.exec(`DELETE FROM state_machine_aliases WHERE arn = ?`, arn)
		return affected(res, err, "alias "+arn)
	})
}

// ListStateMachineAliases implements store.Store.
func (s *Store) ListStateMachineAliases(ctx context.Context, machineArn, versionArn string, p store.Page) ([]*store.StateMachineAlias, string, error) {
	after, err := p.Cursor(store.KindAliases)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.query(ctx, `SELECT `+aliasColumns+` WHERE state_machine_arn = ? AND seq > ?
		AND (? = '' OR seq IN (SELECT alias FROM alias_routes WHERE version_arn = ?)) ORDER BY seq LIMIT ?`,
		machineArn, after, versionArn, versionArn, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.StateMachineAlias
	next, err := page(rows, p.Size(), func(r *sql.Rows) (int64, error) {
		seq, a, err := scanAlias(r)
		out = append(out, a)
		return seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindAliases, next), nil
}
