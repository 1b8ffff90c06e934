package value

import (
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
)

func TestSize(t *testing.T) {
	for _, v := range []any{
		nil, true, false, "", "é\"\\\n\x01", int64(-12), 1.5, 1e21, []any{}, []any{int64(1), "a", nil},
		map[string]any{}, map[string]any{"a": []any{map[string]any{"b": false}}, "c\td": "日本"},
	} {
		assert.Equal(t, len(oj.JSON(v)), Size(v, 1<<20), "%#v", v)
	}
	assert.Less(t, Size([]any{strings.Repeat("a", 100), strings.Repeat("b", 100)}, 10), 110, "counting stops past the limit")
}
