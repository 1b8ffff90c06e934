package intrinsic

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
)

// nestFormat is ten placeholders of the next level, depth levels deep, around $.s.
func nestFormat(depth int) string {
	expr := "$.s"
	for range depth {
		expr = "States.Format('" + strings.Repeat("{}", 10) + "'" + strings.Repeat(", "+expr, 10) + ")"
	}
	return expr
}

// nestArray is States.Array of ten copies of the next level, depth levels deep, around $.s.
func nestArray(depth int) string {
	expr := "$.s"
	for range depth {
		expr = "States.Array(" + strings.TrimPrefix(strings.Repeat(", "+expr, 10), ", ") + ")"
	}
	return expr
}

func TestMemoryBombsFailFast(t *testing.T) {
	input := map[string]any{"s": strings.Repeat("x\"", 512), "n": int64(100000000)}
	cases := []struct {
		name, expr, cause string
	}{
		{"format doubling", nestFormat(5), "The intrinsic function States.Format exceeded the memory limit of 67108864 bytes for evaluating a field"},
		{"json of shared arrays", "States.JsonToString(" + nestArray(5) + ")", "The intrinsic function States.Array exceeded the memory limit of 67108864 bytes for evaluating a field"},
		{"format of shared arrays", "States.Format('{}', " + nestArray(5) + ")", "The intrinsic function States.Array exceeded the memory limit of 67108864 bytes for evaluating a field"},
		// AWS's documented limit of 1000 items, refused before anything is built
		{"huge range", "States.ArrayLength(States.ArrayRange(1, $.n, 1))", "Invalid arguments in States.ArrayRange"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.expr)
			require.NoError(t, err)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err = c.Eval(envFor(input))
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)

			var fe *failure.Error
			require.True(t, errors.As(err, &fe), "want a failure, got %v", err)
			assert.Equal(t, failure.Runtime, fe.Name)
			assert.Equal(t, tc.cause, fe.Cause)
			assert.Less(t, elapsed, 5*time.Second)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20), "allocated during the attempt")
		})
	}
}

func TestBudgetKeepsLegitimateCalls(t *testing.T) {
	// a 256 KiB payload, the most AWS accepts, rendered several times over
	big := strings.Repeat("a", 256<<10)
	input := map[string]any{"s": big}
	c, err := Parse("States.ArrayLength(States.StringSplit(States.Format('{},{},{},{}', $.s, $.s, $.s, $.s), ','))")
	require.NoError(t, err)
	v, err := c.Eval(envFor(input))
	require.NoError(t, err)
	assert.Equal(t, int64(4), v)
}
