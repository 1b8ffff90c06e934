package memory_test

import (
	"testing"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
	"github.com/aslrun/aslrun/server/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := memory.New()
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
