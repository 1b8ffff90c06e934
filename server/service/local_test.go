package service

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
)

// TestLocalRunOnTheRealClock: aslrun execute --clock real parks at a Wait like serve does and the scheduler
// resumes it; a subscriber sees every event once, in order, although no history is kept.
func TestLocalRunOnTheRealClock(t *testing.T) {
	s, err := NewLocal(Options{NoHistory: true})
	require.NoError(t, err)
	defer s.Close()
	var seen []string
	var ids []int64
	defer s.Subscribe("", func(e ExecutionEvent) {
		seen, ids = append(seen, e.Event.Type), append(ids, e.Event.ID)
	})()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fin, err := s.RunLocal(ctx, LocalRun{StateMachine: "w", Type: "STANDARD", Input: map[string]any{},
		Definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Result":"done","End":true}}}`})
	require.NoError(t, err)
	assert.Equal(t, interpreter.Succeed, fin.Result.Status)
	assert.Equal(t, "done", fin.Result.Output)
	assert.Equal(t, []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited",
		"ExecutionSucceeded"}, seen)
	assert.Equal(t, []int64{1, 2, 3, 4, 5, 6}, ids)
}
