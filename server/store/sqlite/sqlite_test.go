package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/sqlite"
	"github.com/aslrun/aslrun/server/store/storetest"
)

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := open(t, filepath.Join(t.TempDir(), "db", "aslrun.db"))
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
