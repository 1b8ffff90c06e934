package interpreter_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/aslrun/aslrun/interpreter"
)

func TestNewUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := interpreter.NewUUID()
		assert.Regexp(t, v4, id)
		assert.False(t, seen[id], id)
		seen[id] = true
	}
}
