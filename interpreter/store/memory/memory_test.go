package memory_test

import (
	"testing"

	"github.com/aslrun/aslrun/interpreter/store"
	"github.com/aslrun/aslrun/interpreter/store/memory"
	"github.com/aslrun/aslrun/interpreter/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := memory.New()
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
