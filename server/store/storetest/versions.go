package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
)

// Version returns a version record of machine as it is at revision, ready to publish.
func Version(machine, revision string) *store.StateMachineVersion {
	return &store.StateMachineVersion{
		StateMachineArn: account + "stateMachine:" + machine, Description: "of " + revision, Definition: definition,
		RoleArn: "arn:aws:iam::123456789012:role/r", RevisionID: revision, CreationDate: t0,
		LoggingConfiguration: []byte(`{"level":"OFF"}`), TracingConfiguration: []byte(`{"enabled":false}`),
	}
}

// Alias returns an alias record of machine named name, routing to versions with weights.
func Alias(machine, name string, routes ...store.Route) *store.StateMachineAlias {
	return &store.StateMachineAlias{
		Arn: account + "stateMachine:" + machine + ":" + name, StateMachineArn: account + "stateMachine:" + machine, Name: name,
		Description: "alias " + name, Routing: routes, CreationDate: t0, UpdateDate: t0,
	}
}

// revise moves a state machine to a new revision, as UpdateStateMachine does.
func revise(t *testing.T, s store.Store, machine, revision string) {
	t.Helper()
	sm := Machine(machine)
	sm.RevisionID, sm.Definition = revision, `{"revision":"`+revision+`"}`
	require.NoError(t, s.UpdateStateMachine(ctx(), sm))
}

func testVersions(t *testing.T, s store.Store) {
	_, err := s.PublishStateMachineVersion(ctx(), Version("m", "rev-1"))
	require.ErrorIs(t, err, store.ErrNotFound, "no state machine")
	require.NoError(t, s.CreateStateMachine(ctx(), Machine("m")))

	v1 := Version("m", "rev-1")
	got, err := s.PublishStateMachineVersion(ctx(), v1)
	require.NoError(t, err)
	want := Version("m", "rev-1")
	want.Number, want.Arn = 1, want.StateMachineArn+":1"
	require.Equal(t, want, got)
	require.Equal(t, want, v1, "the caller's record is numbered")
	got.LoggingConfiguration[0] = 'X' // the store hands out copies
	got, err = s.GetStateMachineVersion(ctx(), want.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got)

	again, err := s.PublishStateMachineVersion(ctx(), Version("m", "rev-1"))
	require.ErrorIs(t, err, store.ErrExists, "one version per revision")
	require.Equal(t, want, again)
	_, err = s.PublishStateMachineVersion(ctx(), Version("m", "rev-0"))
	require.ErrorIs(t, err, store.ErrConflict, "the caller read a revision that is not the current one")

	revise(t, s, "m", "rev-2")
	v2, err := s.PublishStateMachineVersion(ctx(), Version("m", "rev-2"))
	require.NoError(t, err)
	require.Equal(t, int64(2), v2.Number)
	require.NoError(t, s.DeleteStateMachineVersion(ctx(), v2.Arn))
	require.ErrorIs(t, s.DeleteStateMachineVersion(ctx(), v2.Arn), store.ErrNotFound)
	_, err = s.GetStateMachineVersion(ctx(), v2.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	v3, err := s.PublishStateMachineVersion(ctx(), Version("m", "rev-2"))
	require.NoError(t, err, "the revision's version was deleted: it is published again")
	require.Equal(t, int64(3), v3.Number, "a deleted version's number is not given again")
	require.Equal(t, want.StateMachineArn+":3", v3.Arn)

	require.NoError(t, s.CreateStateMachine(ctx(), Machine("other")))
	other, err := s.PublishStateMachineVersion(ctx(), Version("other", "rev-1"))
	require.NoError(t, err)
	require.Equal(t, int64(1), other.Number, "numbers count per state machine")

	// Deleting the state machine deletes its versions; one created again under the name starts again at 1.
	require.NoError(t, s.DeleteStateMachine(ctx(), Machine("m").Arn))
	_, err = s.GetStateMachineVersion(ctx(), want.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	list, _, err := s.ListStateMachineVersions(ctx(), Machine("m").Arn, store.Page{})
	require.NoError(t, err)
	require.Empty(t, list)
	require.NoError(t, s.CreateStateMachine(ctx(), Machine("m")))
	fresh, err := s.PublishStateMachineVersion(ctx(), Version("m", "rev-1"))
	require.NoError(t, err)
	require.Equal(t, int64(1), fresh.Number)
	_, err = s.GetStateMachineVersion(ctx(), other.Arn)
	require.NoError(t, err, "another state machine's versions stay")
}

func testListVersions(t *testing.T, s store.Store) {
	require.NoError(t, s.CreateStateMachine(ctx(), Machine("m")))
	for i := range 7 {
		rev := fmt.Sprintf("rev-%d", i)
		revise(t, s, "m", rev)
		_, err := s.PublishStateMachineVersion(ctx(), Version("m", rev))
		require.NoError(t, err)
	}
	require.NoError(t, s.DeleteStateMachineVersion(ctx(), Machine("m").Arn+":5"))
	var numbers []int64
	token := ""
	for {
		page, next, err := s.ListStateMachineVersions(ctx(), Machine("m").Arn, store.Page{Token: token, Max: 2})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		for _, v := range page {
			numbers = append(numbers, v.Number)
		}
		if next == "" {
			break
		}
		token = next
	}
	require.Equal(t, []int64{7, 6, 4, 3, 2, 1}, numbers, "newest first")
	all, next, err := s.ListStateMachineVersions(ctx(), Machine("m").Arn, store.Page{Max: 6})
	require.NoError(t, err)
	require.Len(t, all, 6)
	require.Empty(t, next, "an exactly full last page has no next token")
	_, _, err = s.ListStateMachineVersions(ctx(), Machine("m").Arn, store.Page{Token: store.NextToken(store.KindAliases, 1)})
	require.ErrorIs(t, err, store.ErrInvalidToken)
}

// publishRevisions creates machine with versions 1..n, each of its own revision, and returns their ARNs.
func publishRevisions(t *testing.T, s store.Store, machine string, n int) []string {
	t.Helper()
	require.NoError(t, s.CreateStateMachine(ctx(), Machine(machine)))
	arns := make([]string, n)
	for i := range arns {
		rev := fmt.Sprintf("rev-%d", i+1)
		revise(t, s, machine, rev)
		v, err := s.PublishStateMachineVersion(ctx(), Version(machine, rev))
		require.NoError(t, err)
		arns[i] = v.Arn
	}
	return arns
}

func testAliases(t *testing.T, s store.Store) {
	v := publishRevisions(t, s, "m", 3)
	otherV := publishRevisions(t, s, "other", 1)

	a := Alias("m", "prod", store.Route{VersionArn: v[0], Weight: 100})
	got, err := s.CreateStateMachineAlias(ctx(), a)
	require.NoError(t, err)
	require.Equal(t, Alias("m", "prod", store.Route{VersionArn: v[0], Weight: 100}), got)
	a.Routing[0].Weight = 1 // the store holds its own copy
	got, err = s.GetStateMachineAlias(ctx(), a.Arn)
	require.NoError(t, err)
	require.Equal(t, Alias("m", "prod", store.Route{VersionArn: v[0], Weight: 100}), got)
	got.Routing[0].Weight = 2 // and hands out copies
	got, _ = s.GetStateMachineAlias(ctx(), a.Arn)
	require.Equal(t, int64(100), got.Routing[0].Weight)

	clash := Alias("m", "prod", store.Route{VersionArn: v[1], Weight: 100})
	existing, err := s.CreateStateMachineAlias(ctx(), clash)
	require.ErrorIs(t, err, store.ErrExists)
	require.Equal(t, v[0], existing.Routing[0].VersionArn, "the stored alias comes back for idempotency checks")

	cases := []struct {
		name  string
		alias *store.StateMachineAlias
		err   error
	}{
		{"no machine", Alias("missing", "a", store.Route{VersionArn: v[0], Weight: 100}), store.ErrNotFound},
		{"no version", Alias("m", "a", store.Route{VersionArn: v[0] + "9", Weight: 100}), store.ErrNotFound},
		{"another machine's version", Alias("m", "a", store.Route{VersionArn: v[0], Weight: 50}, store.Route{VersionArn: otherV[0], Weight: 50}), store.ErrInvalid},
		{"no routes", Alias("m", "a"), store.ErrInvalid},
		{"no name", &store.StateMachineAlias{Arn: "x", StateMachineArn: Machine("m").Arn, Routing: []store.Route{{VersionArn: v[0]}}}, store.ErrInvalid},
	}
	for _, c := range cases {
		_, err := s.CreateStateMachineAlias(ctx(), c.alias)
		require.ErrorIs(t, err, c.err, c.name)
		_, err = s.GetStateMachineAlias(ctx(), c.alias.Arn)
		require.ErrorIs(t, err, store.ErrNotFound, c.name+": nothing stored")
	}

	// An update replaces the description and the routing; name, machine and creation date stay.
	upd := Alias("m", "prod", store.Route{VersionArn: v[1], Weight: 30}, store.Route{VersionArn: v[2], Weight: 70})
	upd.Description, upd.UpdateDate, upd.CreationDate, upd.Name = "new", t0.Add(time.Hour), t0.Add(time.Minute), "ignored"
	require.NoError(t, s.UpdateStateMachineAlias(ctx(), upd))
	want := Alias("m", "prod", store.Route{VersionArn: v[1], Weight: 30}, store.Route{VersionArn: v[2], Weight: 70})
	want.Description, want.UpdateDate = "new", t0.Add(time.Hour)
	got, err = s.GetStateMachineAlias(ctx(), a.Arn)
	require.NoError(t, err)
	require.Equal(t, want, got)
	bad := Alias("m", "prod", store.Route{VersionArn: otherV[0], Weight: 100})
	require.ErrorIs(t, s.UpdateStateMachineAlias(ctx(), bad), store.ErrInvalid)
	bad = Alias("m", "prod", store.Route{VersionArn: v[0] + "9", Weight: 100})
	require.ErrorIs(t, s.UpdateStateMachineAlias(ctx(), bad), store.ErrNotFound)
	require.ErrorIs(t, s.UpdateStateMachineAlias(ctx(), Alias("m", "missing", store.Route{VersionArn: v[0], Weight: 100})), store.ErrNotFound)
	got, _ = s.GetStateMachineAlias(ctx(), a.Arn)
	require.Equal(t, want, got, "a refused update changes nothing")

	// A version an alias routes to cannot go; once no alias does, it can.
	require.ErrorIs(t, s.DeleteStateMachineVersion(ctx(), v[1]), store.ErrConflict)
	require.ErrorIs(t, s.DeleteStateMachineVersion(ctx(), v[2]), store.ErrConflict)
	require.NoError(t, s.DeleteStateMachineVersion(ctx(), v[0]), "the update moved the alias off version 1")
	require.NoError(t, s.UpdateStateMachineAlias(ctx(), Alias("m", "prod", store.Route{VersionArn: v[2], Weight: 100})))
	require.NoError(t, s.DeleteStateMachineVersion(ctx(), v[1]))
	require.ErrorIs(t, s.DeleteStateMachineVersion(ctx(), v[2]), store.ErrConflict)

	require.NoError(t, s.DeleteStateMachineAlias(ctx(), a.Arn))
	require.ErrorIs(t, s.DeleteStateMachineAlias(ctx(), a.Arn), store.ErrNotFound)
	_, err = s.GetStateMachineAlias(ctx(), a.Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, s.DeleteStateMachineVersion(ctx(), v[2]), "its alias is gone")

	// Deleting the state machine deletes its aliases; the name is free for the next one.
	_, err = s.CreateStateMachineAlias(ctx(), Alias("other", "live", store.Route{VersionArn: otherV[0], Weight: 100}))
	require.NoError(t, err)
	require.NoError(t, s.DeleteStateMachine(ctx(), Machine("other").Arn))
	_, err = s.GetStateMachineAlias(ctx(), Alias("other", "live").Arn)
	require.ErrorIs(t, err, store.ErrNotFound)
	otherV = publishRevisions(t, s, "other", 1)
	_, err = s.CreateStateMachineAlias(ctx(), Alias("other", "live", store.Route{VersionArn: otherV[0], Weight: 100}))
	require.NoError(t, err)
}

func testListAliases(t *testing.T, s store.Store) {
	v := publishRevisions(t, s, "m", 2)
	publishRevisions(t, s, "other", 1)
	for i := range 5 {
		routes := []store.Route{{VersionArn: v[i%2], Weight: 100}}
		if i == 4 {
			routes = []store.Route{{VersionArn: v[0], Weight: 50}, {VersionArn: v[1], Weight: 50}}
		}
		_, err := s.CreateStateMachineAlias(ctx(), Alias("m", fmt.Sprintf("a%d", i), routes...))
		require.NoError(t, err)
	}
	_, err := s.CreateStateMachineAlias(ctx(), Alias("other", "x", store.Route{VersionArn: Machine("other").Arn + ":1", Weight: 100}))
	require.NoError(t, err)
	require.NoError(t, s.DeleteStateMachineAlias(ctx(), Alias("m", "a2").Arn))
	list := func(versionArn string, max int) []string {
		var names []string
		token := ""
		for {
			page, next, err := s.ListStateMachineAliases(ctx(), Machine("m").Arn, versionArn, store.Page{Token: token, Max: max})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), max)
			for _, a := range page {
				names = append(names, a.Name)
			}
			if next == "" {
				return names
			}
			token = next
		}
	}
	require.Equal(t, []string{"a0", "a1", "a3", "a4"}, list("", 3), "in creation order")
	require.Equal(t, []string{"a0", "a4"}, list(v[0], 1), "those that route to version 1")
	require.Equal(t, []string{"a1", "a3", "a4"}, list(v[1], 2))
	require.Empty(t, list(v[1]+"9", 2))
	_, _, err = s.ListStateMachineAliases(ctx(), Machine("m").Arn, "", store.Page{Token: store.NextToken(store.KindVersions, 1)})
	require.ErrorIs(t, err, store.ErrInvalidToken)
}

// testConcurrentPublish publishes one revision from many goroutines: one version comes of it, and the
// others get it back as ErrExists.
func testConcurrentPublish(t *testing.T, s store.Store) {
	require.NoError(t, s.CreateStateMachine(ctx(), Machine("m")))
	const n = 8
	versions := make([]*store.StateMachineVersion, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { versions[i], errs[i] = s.PublishStateMachineVersion(ctx(), Version("m", "rev-1")) })
	}
	wg.Wait()
	published := 0
	for i, v := range versions {
		if errs[i] == nil {
			published++
		} else {
			require.ErrorIs(t, errs[i], store.ErrExists)
		}
		require.Equal(t, Machine("m").Arn+":1", v.Arn)
	}
	require.Equal(t, 1, published)
}

// testExecutionVersions checks the version, alias and redrive fields of executions: stored as created,
// filtered on by ListExecutions, and the redrive's changed by Commit, which may take a finished execution
// back to RUNNING.
func testExecutionVersions(t *testing.T, s store.Store) {
	machine := Machine("m").Arn
	plain := create(t, s, "m", "plain")
	byVersion := Execution("m", "by-version")
	byVersion.StateMachineVersionArn = machine + ":1"
	byAlias := Execution("m", "by-alias")
	byAlias.StateMachineVersionArn, byAlias.StateMachineAliasArn = machine+":2", machine+":prod"
	for _, e := range []*store.Execution{byVersion, byAlias} {
		_, err := s.CreateExecution(ctx(), e, Events(1, 1))
		require.NoError(t, err)
		got, err := s.GetExecution(ctx(), e.Arn)
		require.NoError(t, err)
		require.Equal(t, e, got)
	}
	names := func(f store.ExecutionFilter) []string {
		page, _, err := s.ListExecutions(ctx(), f, store.Page{})
		require.NoError(t, err)
		var out []string
		for _, e := range page {
			out = append(out, e.Name)
		}
		return out
	}
	require.Equal(t, []string{"by-alias", "by-version", "plain"}, names(store.ExecutionFilter{StateMachineArn: machine}))
	require.Equal(t, []string{"by-version"}, names(store.ExecutionFilter{StateMachineVersionArn: machine + ":1"}))
	require.Equal(t, []string{"by-alias"}, names(store.ExecutionFilter{StateMachineVersionArn: machine + ":2"}))
	require.Equal(t, []string{"by-alias"}, names(store.ExecutionFilter{StateMachineAliasArn: machine + ":prod"}))
	require.Empty(t, names(store.ExecutionFilter{StateMachineAliasArn: machine + ":1"}))

	for _, status := range []string{store.Failed, store.TimedOut, store.Aborted} {
		plain.Status, plain.StopDate, plain.Error = status, t0.Add(time.Second), ptr("States.TaskFailed")
		require.NoError(t, s.Commit(ctx(), store.Step{Execution: plain}))
		// The redrive: back to RUNNING, counted and dated, its end cleared.
		plain.Status, plain.StopDate, plain.Error = store.Running, time.Time{}, nil
		plain.RedriveCount++
		plain.RedriveDate = t0.Add(time.Duration(plain.RedriveCount) * time.Minute)
		plain.StateMachineVersionArn = "ignored: fixed at the start"
		require.NoError(t, s.Commit(ctx(), store.Step{Execution: plain}), status)
		plain.StateMachineVersionArn = ""
		got, err := s.GetExecution(ctx(), plain.Arn)
		require.NoError(t, err)
		require.Equal(t, plain, got, status)
		unfinished, err := s.Unfinished(ctx())
		require.NoError(t, err)
		require.Contains(t, executionNames(unfinished), "plain", "a redriven execution is resumed like any running one")
	}
	require.Equal(t, int64(3), plain.RedriveCount)
}

func executionNames(l []*store.Execution) []string {
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.Name
	}
	return out
}
