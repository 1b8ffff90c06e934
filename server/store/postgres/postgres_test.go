package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/postgres"
	"github.com/aslrun/aslrun/server/store/postgres/pgtest"
	"github.com/aslrun/aslrun/server/store/storetest"
)

func open(t testing.TB, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStore(t *testing.T) {
	server := pgtest.New(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, server.URL(t)) })
}

// TestOpenRace starts nodes at once on an empty database: the migration lock lets one create the schema
// while the others wait, then find it current.
func TestOpenRace(t *testing.T) {
	url := pgtest.URL(t)
	const nodes = 4
	var wg sync.WaitGroup
	for range nodes {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), url)
			if assert.NoError(t, err) {
				assert.NoError(t, s.Close())
			}
		})
	}
	wg.Wait()
	s := open(t, url)
	require.NoError(t, s.CreateStateMachine(context.Background(), storetest.Machine("m")))
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := open(t, url)
	require.NoError(t, s.CreateStateMachine(ctx, storetest.Machine("kept")))
	require.NoError(t, s.Close())
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	setVersion := func(delta int) {
		_, err := conn.Exec(ctx, `UPDATE schema_version SET version = version + $1`, delta)
		require.NoError(t, err)
	}

	setVersion(1)
	_, err = postgres.Open(ctx, url)
	require.ErrorContains(t, err, "is newer than this program's")

	// At the current version, opening again migrates nothing and keeps the data.
	setVersion(-1)
	s = open(t, url)
	_, err = s.GetStateMachine(ctx, storetest.Machine("kept").Arn)
	require.NoError(t, err)
}

func TestOpenErrors(t *testing.T) {
	cases := []struct {
		name, url string
		want      []string
	}{
		{"not a URL", "postgres://user:secret@host:notaport/db", []string{"postgres store", "cannot parse"}},
		{"down", "postgres://user:secret@127.0.0.1:1/db?connect_timeout=5", []string{"cannot connect", "127.0.0.1", "port 1", `"db"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := postgres.Open(context.Background(), c.url)
			require.Error(t, err)
			for _, w := range c.want {
				require.ErrorContains(t, err, w)
			}
			require.False(t, strings.Contains(err.Error(), "secret"), "the password is not shown: %v", err)
		})
	}
}
