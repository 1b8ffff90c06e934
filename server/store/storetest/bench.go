package storetest

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// BenchmarkCommit measures a typical step, the execution's update plus three events and one timer, on one
// execution at a time (serial) and on one execution per goroutine (parallel).
func BenchmarkCommit(b *testing.B, s store.Store) {
	var n atomic.Int64
	b.Run("serial", func(b *testing.B) {
		commitLoop(b, s, fmt.Sprint(n.Add(1)), b.Loop)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) { commitLoop(b, s, fmt.Sprint(n.Add(1)), pb.Next) })
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
	})
}

func commitLoop(b *testing.B, s store.Store, name string, more func() bool) {
	e := Execution("bench", name)
	if _, err := s.CreateExecution(ctx(), e, Events(1, 1)); err != nil {
		b.Fatal(err)
	}
	for more() {
		e.Checkpoint = fmt.Appendf(e.Checkpoint[:0], "checkpoint %d", e.Version)
		err := s.Commit(ctx(), store.Step{
			Execution: e, Events: Events(3*e.Version-1, 3),
			SetTimers: []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: e.Arn, Key: "wait"}, Due: t0.Add(time.Duration(e.Version) * time.Second)}},
		})
		if err != nil {
			b.Error(err)
			return
		}
	}
}

// Fill stores n executions, each paused on a task token as a .waitForTaskToken task leaves it: three
// events of a typical size, a checkpoint, and one pending token. It is what footprint measurements hold.
func Fill(tb testing.TB, s store.Store, n int) {
	payload := strings.Repeat("x", 160) // the event JSON beyond its fixed fields
	for i := range n {
		e := Execution("footprint", fmt.Sprintf("execution-%07d", i))
		events := Events(1, 3)
		for j := range events {
			events[j].Data = fmt.Appendf(nil, `{"id":%d,"type":"TaskScheduled","details":"%s"}`, j+1, payload)
		}
		if _, err := s.CreateExecution(ctx(), e, events[:1]); err != nil {
			tb.Fatal(err)
		}
		e.Checkpoint = []byte(strings.Repeat("c", 150))
		err := s.Commit(ctx(), store.Step{Execution: e, Events: events[1:], Tokens: []store.Token{{
			Token: fmt.Sprintf("token-%07d-%s", i, strings.Repeat("t", 48)), ExecutionArn: e.Arn, StateName: "Wait for callback",
			Status: store.TokenPending, Created: t0,
		}}})
		if err != nil {
			tb.Fatal(err)
		}
	}
}
