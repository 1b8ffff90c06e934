package source

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// find follows a path of object keys (string, first match) and array indexes (int)
// from n. It returns the node and, when the last step is a key, its member.
func find(t *testing.T, n *Node, path ...any) (*Node, Member) {
	t.Helper()
	var m Member
	for _, step := range path {
		switch s := step.(type) {
		case string:
			require.Equal(t, Object, n.Kind, "at %q", s)
			i := 0
			for i < len(n.Members) && n.Members[i].Key != s {
				i++
			}
			require.Less(t, i, len(n.Members), "no key %q", s)
			m = n.Members[i]
			n = m.Value
		case int:
			require.Equal(t, Array, n.Kind, "at %d", s)
			require.Less(t, s, len(n.Items))
			n, m = n.Items[s], Member{}
		}
	}
	return n, m
}

// posCase checks the position of the value at path and, when the path ends with a
// key, of the key.
type posCase struct {
	path   []any
	pos    Pos
	keyPos Pos
}

func checkPositions(t *testing.T, root *Node, cases []posCase) {
	t.Helper()
	for _, c := range cases {
		n, m := find(t, root, c.path...)
		require.Equal(t, c.pos, n.Pos, "value at %v", c.path)
		if c.keyPos != (Pos{}) {
			require.Equal(t, c.keyPos, m.KeyPos, "key at %v", c.path)
		}
	}
}

// errorCase is a bad input with the position and a fragment of the message.
type errorCase struct {
	in  string
	pos Pos
	msg string
}

func checkErrors(t *testing.T, parse func([]byte) (*Node, error), cases []errorCase) {
	t.Helper()
	for _, c := range cases {
		n, err := parse([]byte(c.in))
		require.Error(t, err, "%q", c.in)
		require.Nil(t, n)
		se, ok := err.(*SyntaxError)
		require.True(t, ok, "%T", err)
		require.Equal(t, c.pos, se.Pos, "%q: %v", c.in, err)
		require.Contains(t, se.Msg, c.msg, "%q", c.in)
	}
}
