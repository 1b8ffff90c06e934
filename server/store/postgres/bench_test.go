package postgres_test

import (
	"testing"

	"github.com/aslrun/aslrun/server/store/postgres/pgtest"
	"github.com/aslrun/aslrun/server/store/storetest"
)

func BenchmarkCommit(b *testing.B) {
	s := open(b, pgtest.URL(b))
	storetest.BenchmarkCommit(b, s)
}
