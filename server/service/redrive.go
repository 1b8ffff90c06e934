package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// RedriveExecution: a STANDARD execution that failed, was aborted or timed out continues from the states
// that did not succeed, with the same ARN, definition and input (interpreter.RedrivePoint). Its store
// record keeps where it stood when it ended (finalRecord) for that.

// The limits AWS puts on redrives.
const (
	redriveWindow    = 14 * 24 * time.Hour
	maxRedrives      = 1000
	redriveHeadroom  = 2 // ExecutionRedriven and a state entered must fit under the history limit
	redriveTokenKeep = 10
)

// CodeExecutionNotRedrivable is RedriveExecution's refusal.
const CodeExecutionNotRedrivable = "ExecutionNotRedrivable"

type RedriveExecutionInput struct {
	ExecutionArn string `json:"executionArn"`
	ClientToken  string `json:"clientToken"`
}

type RedriveExecutionOutput struct {
	RedriveDate Time `json:"redriveDate"`
}

// redriveToken is a client token that redrove an execution, and when: AWS answers the last ten again
// without redriving.
type redriveToken struct {
	token string
	at    time.Time
}

// finalRecord is what an ended execution's record keeps as its checkpoint: where its frames stood.
func finalRecord(final []byte) []byte {
	if len(final) == 0 {
		return nil
	}
	b, _ := json.Marshal(parkedRecord{Checkpoint: final})
	return b
}

// redriveBlock says why an execution cannot be redriven ("" when it can), in AWS's words where known.
func (s *Service) redriveBlock(e *store.Execution) string {
	switch {
	case e.Express:
		return "Execution is EXPRESS and cannot be redriven"
	case e.Status == store.Running || e.Status == store.Succeeded || e.Status == store.PendingRedrive:
		return fmt.Sprintf("Execution is %s and cannot be redriven", e.Status)
	case s.now().Sub(e.StopDate) > redriveWindow:
		return "Execution ended more than 14 days ago and cannot be redriven"
	case e.RedriveCount >= maxRedrives:
		return fmt.Sprintf("Execution has been redriven %d times, the most allowed", maxRedrives)
	case e.LastEvent+redriveHeadroom > interpreter.MaxHistoryEvents:
		return "Execution has reached the maximum number of history events and cannot be redriven"
	case len(e.Checkpoint) == 0:
		return "Execution cannot be redriven: where its states stood when it ended was not recorded"
	}
	return ""
}

// RedriveExecution redrives an execution; the same client token within the last ten redrives answers
// again without redriving.
func (s *Service) RedriveExecution(ctx context.Context, in *RedriveExecutionInput) (*RedriveExecutionOutput, error) {
	var v violations
	v.maxLen("clientToken", in.ClientToken, 64, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	e, err := s.getExecution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	if in.ClientToken != "" {
		s.mu.Lock()
		i := slices.IndexFunc(s.redriveTokens[e.Arn], func(t redriveToken) bool { return t.token == in.ClientToken })
		var at time.Time
		if i >= 0 {
			at = s.redriveTokens[e.Arn][i].at
		}
		s.mu.Unlock()
		if i >= 0 {
			return &RedriveExecutionOutput{RedriveDate: Time(at)}, nil
		}
	}
	if e.MapRunArn != "" && !e.Express {
		return nil, newError(CodeExecutionNotRedrivable, "Execution is a child of a Map Run and can only be redriven by redriving its parent: %s", e.Arn)
	}
	at, err := s.redrive(ctx, e)
	if err != nil {
		return nil, err
	}
	if in.ClientToken != "" {
		s.mu.Lock()
		tokens := append(s.redriveTokens[e.Arn], redriveToken{token: in.ClientToken, at: at})
		s.redriveTokens[e.Arn] = tokens[max(len(tokens)-redriveTokenKeep, 0):]
		s.mu.Unlock()
	}
	return &RedriveExecutionOutput{RedriveDate: Time(at)}, nil
}

// redrive records ExecutionRedriven and runs the execution again from its redrive point.
func (s *Service) redrive(ctx context.Context, e *store.Execution) (time.Time, error) {
	if why := s.redriveBlock(e); why != "" {
		return time.Time{}, newError(CodeExecutionNotRedrivable, "%s: %s", why, e.Arn)
	}
	var final parkedRecord
	if err := json.Unmarshal(e.Checkpoint, &final); err != nil || len(final.Checkpoint) == 0 {
		return time.Time{}, newError(CodeExecutionNotRedrivable, "Execution cannot be redriven: its last checkpoint cannot be read: %s", e.Arn)
	}
	point, err := interpreter.RedrivePoint(final.Checkpoint)
	if err != nil {
		return time.Time{}, newError(CodeExecutionNotRedrivable, "%v: %s", err, e.Arn)
	}
	now := s.now()
	rec := e.Clone()
	rec.Status, rec.StopDate, rec.Output, rec.Error, rec.Cause = store.Running, time.Time{}, nil, nil, nil
	rec.RedriveCount, rec.RedriveDate = e.RedriveCount+1, now
	pr := &parkedRecord{Checkpoint: point, Running: true, Owner: s.node, Clean: true, LastEvent: e.LastEvent}
	step := store.Step{Execution: rec}
	ev := interpreter.Event{ID: e.LastEvent + 1, PreviousEventID: e.LastEvent, Timestamp: now, Kind: interpreter.ExecutionRedriven,
		About: &interpreter.About{RedriveCount: rec.RedriveCount}}
	if e.LastEvent > 0 { // a service that keeps no history has none to go on
		step.Events = []store.Event{s.storedEvent(e.Arn, &ev)}
		pr.LastEvent = ev.ID
	}
	if err := s.checkpointStep(&step, rec, pr, nil); err != nil {
		return time.Time{}, internal(err)
	}
	if err := s.store.Commit(ctx, step); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return time.Time{}, newError(CodeExecutionNotRedrivable, "Execution changed while it was being redriven: %s", e.Arn)
		}
		return time.Time{}, internal(err)
	}
	s.publish(e.Arn, ev)
	if err := s.resume(rec, pr, false); err != nil && !errors.Is(err, errClosed) {
		return time.Time{}, internal(err)
	}
	return now, nil
}

// redriveStatus is DescribeExecution's redriveStatus and redriveStatusReason.
func (s *Service) redriveStatus(e *store.Execution) (status, reason string) {
	switch why := s.redriveBlock(e); {
	case why == "":
		if e.MapRunArn != "" {
			return "REDRIVABLE_BY_MAP_RUN", ""
		}
		return "REDRIVABLE", ""
	default:
		return "NOT_REDRIVABLE", why
	}
}
