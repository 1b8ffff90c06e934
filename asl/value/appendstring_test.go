package value

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// AppendString writes what encoding/json.Marshal writes for every kind of character it escapes.
var appendStringCases = []string{"", "plain", `q"b\s`, "\b\f\n\r\t\x00\x1f", "<a>&", "é€😀", "\u2028\u2029", "bad\xffutf8\xc3", "\x7f"}

func TestAppendString(t *testing.T) {
	for _, s := range appendStringCases {
		want, err := json.Marshal(s)
		assert.NoError(t, err)
		assert.Equal(t, string(want), string(AppendString(nil, s)), "%q", s)
		assert.Equal(t, string(want), string(AppendString([]byte{}, []byte(s))), "%q as bytes", s)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range appendStringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		assert.NoError(t, err)
		assert.Equal(t, string(want), string(AppendString(nil, s)))
	})
}
