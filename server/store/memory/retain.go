package memory

import (
	"slices"
	"time"

	"github.com/aslrun/aslrun/server/store"
)

// finish takes an execution that has just finished: a Transient one goes at once, any other joins the
// queue of finished executions when a Retention bounds them, and the queue is trimmed. Called with mu held.
func (s *Store) finish(x *execution) {
	if x.e.Transient {
		s.drop(x)
		return
	}
	if !s.bounded() {
		return
	}
	x.finished = s.next()
	s.finished = append(s.finished, finish{x: x, seq: x.finished, at: s.now()})
	s.retained++
	s.expire()
}

// unfinish takes a finished execution that a step made run again: its entry in the queue is left behind,
// to be skipped when it comes to the front. Called with mu held.
func (s *Store) unfinish(x *execution) {
	if x.finished != 0 {
		x.finished = 0
		s.retained--
	}
}

func (s *Store) bounded() bool { return s.retain.Executions > 0 || s.retain.For > 0 }

// expire drops the finished executions beyond the Retention, oldest first. An entry is looked at once
// at the front and popped, so the cost is O(1) amortized per finished execution. Called with mu held.
func (s *Store) expire() {
	if !s.bounded() {
		return
	}
	now := s.now()
	for len(s.finished) > 0 {
		f := s.finished[0]
		kept := f.x.finished == f.seq
		tooMany := s.retain.Executions > 0 && s.retained > s.retain.Executions
		if kept && !tooMany && !s.tooOld(f.at, now) {
			return
		}
		s.finished[0] = finish{} // let the array forget x before append reallocates it
		s.finished = s.finished[1:]
		if kept {
			s.drop(f.x)
		}
	}
}

// tooOld reports whether an execution that finished at is past Retention.For.
func (s *Store) tooOld(at, now time.Time) bool {
	return s.retain.For > 0 && now.Sub(at) > s.retain.For
}

// drop forgets an execution with its history, timers, tokens, activity tasks and Map Runs. Called with mu
// held.
func (s *Store) drop(x *execution) {
	arn := x.e.Arn
	delete(s.executions, arn)
	for _, m := range x.mapRuns {
		delete(s.mapRuns, m.m.Arn)
	}
	parent := x.e.MapRunArn
	for key := range x.timers {
		delete(s.timers, store.TimerKey{ExecutionArn: arn, Key: key})
	}
	for token := range x.tokens {
		if t, ok := s.tokens[token]; ok && t.ExecutionArn == arn {
			delete(s.tokens, token)
		}
	}
	for token := range x.tasks {
		if t, ok := s.tasks[token]; ok && t.t.ExecutionArn == arn {
			delete(s.tasks, token)
		}
	}
	s.unfinish(x)
	*x = execution{seq: x.seq}
	s.dropped++
	if s.dropped*2 > len(s.started) {
		s.started = slices.DeleteFunc(s.started, (*execution).gone)
		s.dropped = 0
	}
	if l, ok := s.children[parent]; ok {
		l.dropped++
		if l.dropped*2 > len(l.xs) {
			l.xs, l.dropped = slices.DeleteFunc(l.xs, (*execution).gone), 0
		}
		if len(l.xs) == 0 {
			delete(s.children, parent)
		}
	}
}

// gone reports whether the execution was dropped.
func (x *execution) gone() bool { return x.e == nil }

// own notes that the row key belongs to an execution, creating its set on first use.
func own(set *map[string]struct{}, key string) {
	if *set == nil {
		*set = map[string]struct{}{}
	}
	(*set)[key] = struct{}{}
}
