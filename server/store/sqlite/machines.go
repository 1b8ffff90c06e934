package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"

	"github.com/aslrun/aslrun/server/store"
)

const machineColumns = `seq, arn, name, type, definition, role_arn, status, creation_date, update_date, revision_id, logging, tracing, tags,
	encryption`

func scanMachine(row scanner) (int64, *store.StateMachine, error) {
	var (
		seq              int64
		sm               store.StateMachine
		created, updated sql.Null[int64]
		tags             sql.Null[string]
	)
	err := row.Scan(&seq, &sm.Arn, &sm.Name, &sm.Type, &sm.Definition, &sm.RoleArn, &sm.Status, &created, &updated,
		&sm.RevisionID, &sm.LoggingConfiguration, &sm.TracingConfiguration, &tags, &sm.EncryptionConfiguration)
	if err != nil {
		return 0, nil, err
	}
	sm.CreationDate, sm.UpdateDate = timeOf(created), timeOf(updated)
	sm.LoggingConfiguration, sm.TracingConfiguration = bytesOf(sm.LoggingConfiguration), bytesOf(sm.TracingConfiguration)
	sm.EncryptionConfiguration = bytesOf(sm.EncryptionConfiguration)
	sm.Tags, err = decodeTags(tags)
	return seq, &sm, err
}

// CreateStateMachine implements store.Store.
func (s *Store) CreateStateMachine(ctx context.Context, sm *store.StateMachine) error {
	if sm.Arn == "" || sm.Name == "" {
		return fmt.Errorf("%w: a state machine needs an ARN and a name", store.ErrInvalid)
	}
	tags, err := encodeTags(sm.Tags)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *tx) error {
		_, err := tx.exec(`INSERT INTO state_machines (arn, name, type, definition, role_arn, status,
			creation_date, update_date, revision_id, logging, tracing, tags, encryption) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sm.Arn, sm.Name, sm.Type, sm.Definition, sm.RoleArn, sm.Status, micros(sm.CreationDate), micros(sm.UpdateDate),
			sm.RevisionID, blob(sm.LoggingConfiguration), blob(sm.TracingConfiguration), tags, blob(sm.EncryptionConfiguration))
		return err
	})
	if uniqueViolation(err) {
		return fmt.Errorf("%w: state machine %s", store.ErrExists, sm.Arn)
	}
	return err
}

// GetStateMachine implements store.Store.
func (s *Store) GetStateMachine(ctx context.Context, arn string) (*store.StateMachine, error) {
	_, sm, err := scanMachine(s.queryRow(ctx, `SELECT `+machineColumns+` FROM state_machines WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: state machine %s", store.ErrNotFound, arn)
	}
	return sm, err
}

// UpdateStateMachine implements store.Store.
func (s *Store) UpdateStateMachine(ctx context.Context, sm *store.StateMachine) error {
	return s.write(ctx, func(tx *tx) error {
		res, err := tx.exec(`UPDATE state_machines SET definition = ?, role_arn = ?, status = ?,
			update_date = ?, revision_id = ?, logging = ?, tracing = ?, encryption = ? WHERE arn = ?`,
			sm.Definition, sm.RoleArn, sm.Status, micros(sm.UpdateDate), sm.RevisionID,
			blob(sm.LoggingConfiguration), blob(sm.TracingConfiguration), blob(sm.EncryptionConfiguration), sm.Arn)
		return affected(res, err, "state machine "+sm.Arn)
	})
}

// DeleteStateMachine implements store.Store.
func (s *Store) DeleteStateMachine(ctx context.Context, arn string) error {
	return s.write(ctx, func(tx *tx) error {
		res, err := tx.exec(`DELETE FROM state_machines WHERE arn = ?`, arn)
		return affected(res, err, "state machine "+arn)
	})
}

// ListStateMachines implements store.Store.
func (s *Store) ListStateMachines(ctx context.Context, p store.Page) ([]*store.StateMachine, string, error) {
	after, err := p.Cursor(store.KindStateMachines)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.query(ctx, `SELECT `+machineColumns+` FROM state_machines WHERE seq > ? ORDER BY seq LIMIT ?`, after, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.StateMachine
	next, err := page(rows, p.Size(), func(r *sql.Rows) (int64, error) {
		seq, sm, err := scanMachine(r)
		out = append(out, sm)
		return seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindStateMachines, next), nil
}

const activityColumns = `seq, arn, name, creation_date, tags, encryption`

func scanActivity(row scanner) (int64, *store.Activity, error) {
	var (
		seq     int64
		a       store.Activity
		created sql.Null[int64]
		tags    sql.Null[string]
	)
	if err := row.Scan(&seq, &a.Arn, &a.Name, &created, &tags, &a.EncryptionConfiguration); err != nil {
		return 0, nil, err
	}
	a.CreationDate, a.EncryptionConfiguration = timeOf(created), bytesOf(a.EncryptionConfiguration)
	var err error
	a.Tags, err = decodeTags(tags)
	return seq, &a, err
}

// CreateActivity implements store.Store.
func (s *Store) CreateActivity(ctx context.Context, a *store.Activity) error {
	if a.Arn == "" || a.Name == "" {
		return fmt.Errorf("%w: an activity needs an ARN and a name", store.ErrInvalid)
	}
	tags, err := encodeTags(a.Tags)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *tx) error {
		_, err := tx.exec(`INSERT INTO activities (arn, name, creation_date, tags, encryption) VALUES (?, ?, ?, ?, ?)`,
			a.Arn, a.Name, micros(a.CreationDate), tags, blob(a.EncryptionConfiguration))
		return err
	})
	if uniqueViolation(err) {
		return fmt.Errorf("%w: activity %s", store.ErrExists, a.Arn)
	}
	return err
}

// GetActivity implements store.Store.
func (s *Store) GetActivity(ctx context.Context, arn string) (*store.Activity, error) {
	_, a, err := scanActivity(s.queryRow(ctx, `SELECT `+activityColumns+` FROM activities WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: activity %s", store.ErrNotFound, arn)
	}
	return a, err
}

// DeleteActivity implements store.Store.
func (s *Store) DeleteActivity(ctx context.Context, arn string) error {
	return s.write(ctx, func(tx *tx) error {
		res, err := tx.exec(`DELETE FROM activities WHERE arn = ?`, arn)
		return affected(res, err, "activity "+arn)
	})
}

// ListActivities implements store.Store.
func (s *Store) ListActivities(ctx context.Context, p store.Page) ([]*store.Activity, string, error) {
	after, err := p.Cursor(store.KindActivities)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.query(ctx, `SELECT `+activityColumns+` FROM activities WHERE seq > ? ORDER BY seq LIMIT ?`, after, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.Activity
	next, err := page(rows, p.Size(), func(r *sql.Rows) (int64, error) {
		seq, a, err := scanActivity(r)
		out = append(out, a)
		return seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindActivities, next), nil
}

// SetTags implements store.Store: read, merge and write back in one transaction.
func (s *Store) SetTags(ctx context.Context, arn string, tags map[string]string, remove []string) error {
	return s.write(ctx, func(tx *tx) error {
		for _, table := range []string{"state_machines", "activities"} {
			var current sql.Null[string]
			err := tx.queryRow(`SELECT tags FROM `+table+` WHERE arn = ?`, arn).Scan(&current)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			merged, err := decodeTags(current)
			if err != nil {
				return err
			}
			if merged == nil {
				merged = map[string]string{}
			}
			maps.Copy(merged, tags)
			for _, k := range remove {
				delete(merged, k)
			}
			encoded, err := encodeTags(merged)
			if err != nil {
				return err
			}
			_, err = tx.exec(`UPDATE `+table+` SET tags = ? WHERE arn = ?`, encoded, arn)
			return err
		}
		return fmt.Errorf("%w: resource %s", store.ErrNotFound, arn)
	})
}

// affected turns an UPDATE or DELETE that touched no row into ErrNotFound.
func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", store.ErrNotFound, what)
	}
	return nil
}

// page scans up to size rows with scan, which returns each row's position, and returns the position to
// resume from: the last kept row's when the query (asked for size+1 rows) found more, else 0.
func page(rows *sql.Rows, size int, scan func(*sql.Rows) (int64, error)) (int64, error) {
	defer rows.Close()
	var last int64
	for n := 0; rows.Next(); n++ {
		if n == size {
			return last, rows.Err()
		}
		pos, err := scan(rows)
		if err != nil {
			return 0, err
		}
		last = pos
	}
	return 0, rows.Err()
}
