package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aslrun/aslrun/server/store"
)

const machineColumns = `seq, arn, name, type, definition, role_arn, status, creation_date, update_date, revision_id, logging, tracing, tags,
	encryption`

func scanMachine(row pgx.Row) (int64, *store.StateMachine, error) {
	var (
		seq              int64
		sm               store.StateMachine
		created, updated pgtype.Timestamptz
	)
	err := row.Scan(&seq, &sm.Arn, &sm.Name, &sm.Type, &sm.Definition, &sm.RoleArn, &sm.Status, &created, &updated,
		&sm.RevisionID, &sm.LoggingConfiguration, &sm.TracingConfiguration, &sm.Tags, &sm.EncryptionConfiguration)
	if err != nil {
		return 0, nil, err
	}
	sm.CreationDate, sm.UpdateDate, sm.Tags = timeOf(created), timeOf(updated), tagsOf(sm.Tags)
	sm.LoggingConfiguration, sm.TracingConfiguration = blob(sm.LoggingConfiguration), blob(sm.TracingConfiguration)
	sm.EncryptionConfiguration = blob(sm.EncryptionConfiguration)
	return seq, &sm, nil
}

// createStateMachine is the body of CreateStateMachine. The unique ARN and name columns refuse a duplicate.
func (s *Store) createStateMachine(ctx context.Context, sm *store.StateMachine) error {
	if sm.Arn == "" || sm.Name == "" {
		return fmt.Errorf("%w: a state machine needs an ARN and a name", store.ErrInvalid)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO state_machines (arn, name, type, definition, role_arn, status,
		creation_date, update_date, revision_id, logging, tracing, tags, encryption)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		sm.Arn, sm.Name, sm.Type, sm.Definition, sm.RoleArn, sm.Status, timestamp(sm.CreationDate), timestamp(sm.UpdateDate),
		sm.RevisionID, blob(sm.LoggingConfiguration), blob(sm.TracingConfiguration), tagsArg(sm.Tags), blob(sm.EncryptionConfiguration))
	if violates(err, uniqueViolation) {
		return fmt.Errorf("%w: state machine %s", store.ErrExists, sm.Arn)
	}
	return err
}

// getStateMachine is the body of GetStateMachine.
func (s *Store) getStateMachine(ctx context.Context, arn string) (*store.StateMachine, error) {
	_, sm, err := scanMachine(s.pool.QueryRow(ctx, `SELECT `+machineColumns+` FROM state_machines WHERE arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: state machine %s", store.ErrNotFound, arn)
	}
	return sm, err
}

// updateStateMachine is the body of UpdateStateMachine.
func (s *Store) updateStateMachine(ctx context.Context, sm *store.StateMachine) error {
	tag, err := s.pool.Exec(ctx, `UPDATE state_machines SET definition = $1, role_arn = $2, status = $3,
		update_date = $4, revision_id = $5, logging = $6, tracing = $7, encryption = $8 WHERE arn = $9`,
		sm.Definition, sm.RoleArn, sm.Status, timestamp(sm.UpdateDate), sm.RevisionID,
		blob(sm.LoggingConfiguration), blob(sm.TracingConfiguration), blob(sm.EncryptionConfiguration), sm.Arn)
	return affected(tag, err, "state machine "+sm.Arn)
}

// deleteStateMachine is the body of DeleteStateMachine.
func (s *Store) deleteStateMachine(ctx context.Context, arn string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM state_machines WHERE arn = $1`, arn)
	return affected(tag, err, "state machine "+arn)
}

// listStateMachines is the body of ListStateMachines.
func (s *Store) listStateMachines(ctx context.Context, p store.Page) ([]*store.StateMachine, string, error) {
	after, err := p.Cursor(store.KindStateMachines)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+machineColumns+` FROM state_machines WHERE seq > $1 ORDER BY seq LIMIT $2`, after, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.StateMachine
	next, err := page(rows, p.Size(), func(r pgx.Rows) (int64, error) {
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

func scanActivity(row pgx.Row) (int64, *store.Activity, error) {
	var (
		seq     int64
		a       store.Activity
		created pgtype.Timestamptz
	)
	if err := row.Scan(&seq, &a.Arn, &a.Name, &created, &a.Tags, &a.EncryptionConfiguration); err != nil {
		return 0, nil, err
	}
	a.CreationDate, a.Tags, a.EncryptionConfiguration = timeOf(created), tagsOf(a.Tags), blob(a.EncryptionConfiguration)
	return seq, &a, nil
}

// createActivity is the body of CreateActivity.
func (s *Store) createActivity(ctx context.Context, a *store.Activity) error {
	if a.Arn == "" || a.Name == "" {
		return fmt.Errorf("%w: an activity needs an ARN and a name", store.ErrInvalid)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO activities (arn, name, creation_date, tags, encryption) VALUES ($1, $2, $3, $4, $5)`,
		a.Arn, a.Name, timestamp(a.CreationDate), tagsArg(a.Tags), blob(a.EncryptionConfiguration))
	if violates(err, uniqueViolation) {
		return fmt.Errorf("%w: activity %s", store.ErrExists, a.Arn)
	}
	return err
}

// getActivity is the body of GetActivity.
func (s *Store) getActivity(ctx context.Context, arn string) (*store.Activity, error) {
	_, a, err := scanActivity(s.pool.QueryRow(ctx, `SELECT `+activityColumns+` FROM activities WHERE arn = $1`, arn))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: activity %s", store.ErrNotFound, arn)
	}
	return a, err
}

// deleteActivity is the body of DeleteActivity.
func (s *Store) deleteActivity(ctx context.Context, arn string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM activities WHERE arn = $1`, arn)
	return affected(tag, err, "activity "+arn)
}

// listActivities is the body of ListActivities.
func (s *Store) listActivities(ctx context.Context, p store.Page) ([]*store.Activity, string, error) {
	after, err := p.Cursor(store.KindActivities)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+activityColumns+` FROM activities WHERE seq > $1 ORDER BY seq LIMIT $2`, after, p.Size()+1)
	if err != nil {
		return nil, "", err
	}
	var out []*store.Activity
	next, err := page(rows, p.Size(), func(r pgx.Rows) (int64, error) {
		seq, a, err := scanActivity(r)
		out = append(out, a)
		return seq, err
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.NextToken(store.KindActivities, next), nil
}

// setTags is the body of SetTags: jsonb's || and - merge and remove in one UPDATE, so that concurrent
// callers' changes are not lost; an empty result is stored as NULL, which reads back as no tags.
func (s *Store) setTags(ctx context.Context, arn string, tags map[string]string, remove []string) error {
	if tags == nil {
		tags = map[string]string{} // a nil map is encoded as JSON null, which || would not merge
	}
	if remove == nil {
		remove = []string{}
	}
	for _, table := range []string{"state_machines", "activities"} {
		tag, err := s.pool.Exec(ctx, `UPDATE `+table+` SET tags = nullif((coalesce(tags, '{}') || $2::jsonb) - $3::text[], '{}')
			WHERE arn = $1`, arn, tags, remove)
		if err != nil {
			return err
		}
		if tag.RowsAffected() > 0 {
			return nil
		}
	}
	return fmt.Errorf("%w: resource %s", store.ErrNotFound, arn)
}

// affected turns an UPDATE or DELETE that touched no row into ErrNotFound.
func affected(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %s", store.ErrNotFound, what)
	}
	return nil
}

// page scans up to size rows with scan, which returns each row's position, and returns the position to
// resume from: the last kept row's when the query (asked for size+1 rows) found more, else 0.
func page(rows pgx.Rows, size int, scan func(pgx.Rows) (int64, error)) (int64, error) {
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
