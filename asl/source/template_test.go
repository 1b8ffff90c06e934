package source

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseTemplate: a bare ${...} is a value of a template (read as its text), and only there.
func TestParseTemplate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"Seconds": ${wait}}`, "${wait}"},
		{`{"Seconds": ${ var.wait }}`, "${ var.wait }"},
		{`{"Seconds": ${jsonencode({a = 1})}}`, "${jsonencode({a = 1})}"},
		{`{"Seconds": "${wait}"}`, "${wait}"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			n, err := ParseTemplate([]byte(tc.in))
			require.NoError(t, err)
			v := n.Member("Seconds")
			require.Equal(t, String, v.Kind)
			assert.Equal(t, tc.want, v.Str)
			assert.Equal(t, Pos{Line: 1, Col: 13}, v.Pos)
		})
	}
	for _, in := range []string{`{"Seconds": ${wait}`, `{"Seconds": ${wait` + "\n}}", `{"Seconds": $wait}`} {
		_, err := ParseTemplate([]byte(in))
		assert.Error(t, err, in)
	}
	_, err := Parse([]byte(`{"Seconds": ${wait}}`))
	assert.Error(t, err, "plain JSON takes no placeholder")
}
