package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

func testStateMachines(t *testing.T, s store.Store) {
	sm := Machine("m")
	require.NoError(t, s.CreateStateMachine(ctx(), sm))
	sm.Tags["team"] = "changed after create" // the store holds its own copy
	got, err := s.GetStateMachine(ctx(), sm.Arn)
	require.NoError(t, err)
	require.Equal(t, Machine("m"), got)
	got.LoggingConfiguration[0] = 'X' // and hands out copies
	got, _ = s.GetStateMachine(ctx(), sm.Arn)
	require.Equal(t, Machine("m"), got)

	require.ErrorIs(t, s.CreateStateMachine(ctx(), Machine("m")), store.ErrExists)
	sameName := Machine("m")
	sameName.Arn += "-other"
	require.ErrorIs(t, s.CreateStateMachine(ctx(), sameName), store.ErrExists)
	require.ErrorIs(t, s.CreateStateMachine(ctx(), &store.StateMachine{}), store.ErrInvalid)
	_, err = s.GetStateMachine(ctx(), sm.Arn+"x")
	require.ErrorIs(t, err, store.ErrNotFound)

	upd := Machine("m")
	upd.Name, upd.Type, upd.CreationDate, upd.Tags = "ignored", store.TypeExpress, t0.Add(time.Hour), nil
	upd.Definition, upd.RoleArn, upd.Status = `{"changed":true}`, "role2", store.MachineDeleting
	upd.UpdateDate, upd.RevisionID, upd.LoggingConfiguration, upd.TracingConfiguration = t0.Add(time.Minute), "rev-2", nil, []byte(`{"enabled":true}`)
	require.NoError(t, s.UpdateStateMachine(ctx(), upd))
	want := Machine("m")
	want.Definition, want.RoleArn, want.Status = upd.Definition, upd.RoleArn, upd.Status
	want.UpdateDate, want.RevisionID, want.LoggingConfiguration, want.TracingConfiguration = upd.UpdateDate, upd.RevisionID, nil, upd.TracingConfiguration
	got, err = s.GetStateMachine(ctx(), sm.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got)
	missing := Machine("missing")
	require.ErrorIs(t, s.UpdateStateMachine(ctx(), missing), store.ErrNotFound)

	require.NoError(t, s.DeleteStateMachine(ctx(), sm.Arn))
	_, err = s.GetStateMachine(ctx(), sm.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.DeleteStateMachine(ctx(), sm.Arn), store.ErrNotFound)
	require.NoError(t, s.CreateStateMachine(ctx(), Machine("m")), "a deleted name is free again")
}

func testListStateMachines(t *testing.T, s store.Store) {
	list, next, err := s.ListStateMachines(ctx(), store.Page{})
	require.NoError(t, err)
	require.Empty(t, list)
	require.Empty(t, next)

	for i := range 6 {
		require.NoError(t, s.CreateStateMachine(ctx(), Machine(fmt.Sprintf("m%d", i))))
	}
	require.NoError(t, s.DeleteStateMachine(ctx(), Machine("m2").Arn))
	names := func(l []*store.StateMachine) []string {
		var out []string
		for _, sm := range l {
			out = append(out, sm.Name)
		}
		return out
	}

	list, next, err = s.ListStateMachines(ctx(), store.Page{Max: 2})
	require.NoError(t, err)
	require.Equal(t, []string{"m0", "m1"}, names(list))
	require.NotEmpty(t, next)
	// A record created between pages appears once, at the end; the token stays valid.
	require.NoError(t, s.CreateStateMachine(ctx(), Machine("late")))
	list, next, err = s.ListStateMachines(ctx(), store.Page{Token: next, Max: 2})
	require.NoError(t, err)
	require.Equal(t, []string{"m3", "m4"}, names(list))
	list, next, err = s.ListStateMachines(ctx(), store.Page{Token: next, Max: 2})
	require.NoError(t, err)
	require.Equal(t, []string{"m5", "late"}, names(list))
	require.Empty(t, next, "an exactly full last page has no next token")

	list, next, err = s.ListStateMachines(ctx(), store.Page{})
	require.NoError(t, err)
	require.Len(t, list, 6)
	require.Empty(t, next)

	for i := range store.DefaultPageSize {
		require.NoError(t, s.CreateStateMachine(ctx(), Machine(fmt.Sprintf("bulk%03d", i))))
	}
	list, next, err = s.ListStateMachines(ctx(), store.Page{})
	require.NoError(t, err)
	require.Len(t, list, store.DefaultPageSize, "Max 0 is the default page size")
	list, next, err = s.ListStateMachines(ctx(), store.Page{Token: next, Max: store.MaxPageSize + 1})
	require.NoError(t, err)
	require.Len(t, list, 6)
	require.Empty(t, next)

	for _, bad := range []string{"garbage!", store.NextToken(store.KindActivities, 1), store.NextToken(store.KindStateMachines, -1), "bWFjaGluZXM6eA"} {
		_, _, err = s.ListStateMachines(ctx(), store.Page{Token: bad})
		require.ErrorIs(t, err, store.ErrInvalidToken, bad)
	}
}

func activityRecord(name string) *store.Activity {
	return &store.Activity{Arn: account + "activity:" + name, Name: name, CreationDate: t0, Tags: map[string]string{"k": "v"}}
}

func testActivities(t *testing.T, s store.Store) {
	a := activityRecord("a")
	require.NoError(t, s.CreateActivity(ctx(), a))
	a.Tags["k"] = "changed after create"
	got, err := s.GetActivity(ctx(), a.Arn)
	require.NoError(t, err)
	require.Equal(t, activityRecord("a"), got)
	require.ErrorIs(t, s.CreateActivity(ctx(), activityRecord("a")), store.ErrExists)
	sameName := activityRecord("a")
	sameName.Arn += "-other"
	require.ErrorIs(t, s.CreateActivity(ctx(), sameName), store.ErrExists)
	require.ErrorIs(t, s.CreateActivity(ctx(), &store.Activity{}), store.ErrInvalid)
	require.NoError(t, s.CreateStateMachine(ctx(), Machine("a")), "machines and activities have separate names")

	for _, n := range []string{"b", "c", "d"} {
		require.NoError(t, s.CreateActivity(ctx(), activityRecord(n)))
	}
	require.NoError(t, s.DeleteActivity(ctx(), activityRecord("b").Arn))
	require.ErrorIs(t, s.DeleteActivity(ctx(), activityRecord("b").Arn), store.ErrNotFound)
	_, err = s.GetActivity(ctx(), activityRecord("b").Arn)
	require.ErrorIs(t, err, store.ErrNotFound)

	list, next, err := s.ListActivities(ctx(), store.Page{Max: 2})
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "a", list[0].Name)
	require.Equal(t, "c", list[1].Name)
	require.NotEmpty(t, next)
	list, next, err = s.ListActivities(ctx(), store.Page{Token: next, Max: 2})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "d", list[0].Name)
	require.Empty(t, next)
	_, _, err = s.ListActivities(ctx(), store.Page{Token: store.NextToken(store.KindStateMachines, 1)})
	require.ErrorIs(t, err, store.ErrInvalidToken)
}

func testTags(t *testing.T, s store.Store) {
	sm, a := Machine("m"), activityRecord("a")
	require.NoError(t, s.CreateStateMachine(ctx(), sm))
	require.NoError(t, s.CreateActivity(ctx(), a))

	tags := map[string]string{"team": "infra", "env": "dev"}
	require.NoError(t, s.SetTags(ctx(), sm.Arn, tags, nil))
	tags["env"] = "changed after SetTags"
	got, _ := s.GetStateMachine(ctx(), sm.Arn)
	require.Equal(t, map[string]string{"team": "infra", "env": "dev"}, got.Tags)
	require.NoError(t, s.SetTags(ctx(), sm.Arn, nil, []string{"team", "absent"}))
	got, _ = s.GetStateMachine(ctx(), sm.Arn)
	require.Equal(t, map[string]string{"env": "dev"}, got.Tags)
	require.NoError(t, s.SetTags(ctx(), sm.Arn, nil, []string{"env"}))
	got, _ = s.GetStateMachine(ctx(), sm.Arn)
	require.Nil(t, got.Tags, "no tags reads as nil")

	require.NoError(t, s.SetTags(ctx(), a.Arn, map[string]string{"x": "1"}, []string{"k"}))
	gotA, _ := s.GetActivity(ctx(), a.Arn)
	require.Equal(t, map[string]string{"x": "1"}, gotA.Tags)

	require.ErrorIs(t, s.SetTags(ctx(), account+"stateMachine:missing", tags, nil), store.ErrNotFound)
}
