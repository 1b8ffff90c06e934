package service

import (
	"context"
	"errors"
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store/memory"
)

// Above the heap soft limit, new executions are refused with ThrottlingException (HTTP 400), sync or not;
// under it, or with shedding off, they start.
func TestShedsNewExecutionsAboveHeapSoftLimit(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		limit int64
		shed  bool
	}{
		{"a tiny limit sheds", 1, true},
		{"a generous limit admits", 1 << 50, false},
		{"a negative limit never sheds", -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Options{Store: memory.New(), HeapSoftLimit: tc.limit})
			require.NoError(t, err)
			defer s.Close()
			sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: "m", RoleArn: "arn:aws:iam::123456789012:role/r",
				Type: "EXPRESS", Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`})
			require.NoError(t, err)
			in := &StartExecutionInput{StateMachineArn: sm.StateMachineArn}

			_, errAsync := s.StartExecution(ctx, in)
			_, errSync := s.StartSyncExecution(ctx, in)
			for _, err := range []error{errAsync, errSync} {
				if !tc.shed {
					assert.NoError(t, err)
					continue
				}
				var se *Error
				require.True(t, errors.As(err, &se), "got %v", err)
				assert.Equal(t, CodeThrottling, se.Code)
				assert.Equal(t, 400, se.Status())
				assert.Contains(t, se.Message, "Rate exceeded")
			}
		})
	}
}

func TestDefaultSoftLimitFollowsGOMEMLIMIT(t *testing.T) {
	old := debug.SetMemoryLimit(1 << 30)
	defer debug.SetMemoryLimit(old)
	assert.Equal(t, int64(float64(1<<30)*memLimitShare), defaultSoftLimit())

	debug.SetMemoryLimit(old)
	if availableMemory() > 0 && old == math.MaxInt64 {
		assert.Equal(t, int64(float64(availableMemory())*physicalShare), defaultSoftLimit())
	}
}

func TestServerGC(t *testing.T) {
	oldLimit, oldPercent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	defer func() {
		debug.SetMemoryLimit(oldLimit)
		debug.SetGCPercent(oldPercent)
	}()
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "50")
	assert.False(t, ServerGC(), "GOGC is the user's")
	assert.Equal(t, 100, debug.SetGCPercent(100))

	t.Setenv("GOGC", "")
	if availableMemory() <= 0 {
		assert.False(t, ServerGC())
		return
	}
	require.True(t, ServerGC())
	assert.Equal(t, serverGCPercent, debug.SetGCPercent(100))
	limit := int64(float64(availableMemory()) * serverMemoryShare)
	assert.Equal(t, limit, debug.SetMemoryLimit(-1))
	assert.Equal(t, int64(float64(limit)*memLimitShare), defaultSoftLimit(), "shedding follows the limit")
}
