package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	for _, bad := range []string{`{"a":"b","c":{"d":},"e":"f"`, `{"a":{"b":}}`, `{`, ``, `[1,]`, `{"a":1}x`} {
		_, err := DecodeString(bad)
		assert.Error(t, err, bad)
	}
	v, err := DecodeString(`{"n":12345678901234567,"f":1.5,"a":[true,null,"s"]}`)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"n": int64(12345678901234567), "f": 1.5, "a": []any{true, nil, "s"}}, v)
}
