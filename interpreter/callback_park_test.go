package interpreter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParkKeepsLateAnswers: an answer that reaches a task between its decision to park and the parking
// itself, or while it parks, is held for the owner (HandOff), never lost; answers after that are refused
// as for any answered token.
func TestParkKeepsLateAnswers(t *testing.T) {
	tests := []struct {
		name   string
		answer func(c *Callbacks, token string) error
		before bool // the answer comes before park, else between park and HandOff
		want   Answer
	}{
		{"success before park", func(c *Callbacks, tok string) error { return c.SendTaskSuccess(tok, `{"a":1}`) }, true,
			Answer{Output: `{"a":1}`}},
		{"failure before park", func(c *Callbacks, tok string) error { return c.SendTaskFailure(tok, "E", "c") }, true,
			Answer{Failed: true, Error: "E", Cause: "c"}},
		{"success while parking", func(c *Callbacks, tok string) error { return c.SendTaskSuccess(tok, `2`) }, false,
			Answer{Output: `2`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCallbacks()
			token := newToken()
			w := &taskWait{notify: make(chan struct{}, 1)}
			c.register(token, w)
			if tt.before {
				require.NoError(t, tt.answer(c, token))
			}
			c.park(token, w)
			if !tt.before {
				require.NoError(t, tt.answer(c, token))
			}
			err := c.SendTaskSuccess(token, `3`)
			var ce *CallbackError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, ErrTaskTimedOut, ce.Code, "a second answer")
			held, ok := c.HandOff(token)
			require.True(t, ok)
			require.NotNil(t, held.Answer)
			assert.Equal(t, tt.want, *held.Answer)
			_, ok = c.HandOff(token)
			assert.False(t, ok, "handed off once")
		})
	}
}
