package service

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// wideMap runs 40 iterations at once, each a few states: their events come to the recorder from many
// goroutines, out of id order.
const wideMap = `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":40,"ItemProcessor":{"StartAt":"A","States":{
	"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}},"End":true}}}`

func wideInput(n int) []any {
	items := make([]any, n)
	for i := range items {
		items[i] = map[string]any{"i": int64(i), "s": "<&>"}
	}
	return items
}

// TestRecorderKeepsConcurrentEventsInOrder: a wide Map's events reach subscribers once each, in id order,
// and the stored history is dense, each event encoded as GetExecutionHistory serves it.
func TestRecorderKeepsConcurrentEventsInOrder(t *testing.T) {
	s, err := NewLocal(Options{NoHistory: true, PayloadLimit: -1})
	require.NoError(t, err)
	defer s.Close()
	var mu sync.Mutex
	var ids []int64
	defer s.Subscribe("", func(e ExecutionEvent) {
		mu.Lock()
		ids = append(ids, e.Event.ID)
		mu.Unlock()
	})()
	const items = 300
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fin, err := s.RunLocal(ctx, LocalRun{StateMachine: "wide", Type: "EXPRESS", Definition: wideMap, Input: wideInput(items), History: true})
	require.NoError(t, err)
	require.Equal(t, interpreter.Succeed, fin.Result.Status, "%s: %s", fin.Result.Error, fin.Result.Cause)
	events, err := s.History(ctx, fin.ExecutionArn)
	require.NoError(t, err)
	const want = 1 + 2 + items*6 + 2 + 1 // started, Map entered and started, 6 per item, Map succeeded and exited, succeeded
	require.Equal(t, want, len(events))
	for i, raw := range events {
		var ev struct {
			ID   int64  `json:"id"`
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal(raw, &ev))
		require.Equal(t, int64(i+1), ev.ID)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, want, len(ids))
	for i, id := range ids {
		require.Equal(t, int64(i+1), id, "subscribers see the events in id order")
	}
}

// TestNobodyReadsNoSink: with no history kept and no subscriber the execution gets no sink (its events
// are only counted); a subscriber to it or to every execution, or a kept history, gives it the recorder.
// A subscriber to another execution (a console page) does not.
func TestNobodyReadsNoSink(t *testing.T) {
	s := newTestService(t, Options{NoHistory: true})
	rec := newRecorder(s, &store.Execution{Arn: "arn:e"}, 1, false, false)
	assert.Nil(t, rec.sink())
	assert.NotNil(t, newRecorder(s, &store.Execution{Arn: "arn:e"}, 1, true, false).sink())
	for _, arn := range []string{"", "arn:e"} {
		cancel := s.Subscribe(arn, func(ExecutionEvent) {})
		assert.NotNil(t, rec.sink(), "subscribed to %q", arn)
		cancel()
		assert.Nil(t, rec.sink())
	}
	cancel := s.Subscribe("arn:other", func(ExecutionEvent) {})
	defer cancel()
	assert.Nil(t, rec.sink(), "a subscriber to another execution")
}
