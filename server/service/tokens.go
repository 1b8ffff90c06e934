package service

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// Task tokens: SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat over the API and in process, the one
// path every answer takes, and the store rows of parked executions' tokens.

// Limits of the callback members.
const (
	maxTokenChars = 2048
	maxErrorLen   = 256
	maxCauseLen   = 32768
)

func checkToken(v *violations, token string) {
	if v.required("taskToken", token) {
		v.maxLen("taskToken", token, maxTokenChars, false)
	}
}

// callbackError gives the interpreter's refusal of an answer its API error.
func callbackError(err error) error {
	var ce *interpreter.CallbackError
	if errors.As(err, &ce) {
		return &Error{Code: ce.Code, Message: ce.Message}
	}
	return err
}

// doesNotExist reports the in-memory callbacks' refusal of a token they do not hold, which may belong to a
// parked execution.
func doesNotExist(err error) bool {
	var ce *interpreter.CallbackError
	return errors.As(err, &ce) && ce.Code == interpreter.ErrTaskDoesNotExist
}

// Tokens are answered on one path, whoever answers (the API, a handler file's worker, a mock): the
// in-memory callbacks take the answer when the execution runs in this process, also while it parks (they
// hold it until the park is stored, see takeOver); otherwise the store's token row does, for a parked
// execution, which the answer wakes.

func (s *Service) sendTaskSuccess(ctx context.Context, token, output string) error {
	err := s.callbacks.SendTaskSuccess(token, output)
	if doesNotExist(err) {
		return s.answerParked(ctx, token, func(t *store.Token) { t.Status, t.Output = store.TokenSucceeded, output })
	}
	return callbackError(err)
}

func (s *Service) sendTaskFailure(ctx context.Context, token, errName, cause string) error {
	err := s.callbacks.SendTaskFailure(token, errName, cause)
	if doesNotExist(err) {
		return s.answerParked(ctx, token, func(t *store.Token) { t.Status, t.Error, t.Cause = store.TokenFailed, &errName, &cause })
	}
	return callbackError(err)
}

func (s *Service) sendTaskHeartbeat(ctx context.Context, token string) error {
	err := s.callbacks.SendTaskHeartbeat(token)
	if doesNotExist(err) {
		return s.heartbeatParked(ctx, token)
	}
	return callbackError(err)
}

// Answers is the one path for in-process callers (workers, mocks) to answer task tokens.
func (s *Service) Answers() interpreter.TaskAnswers { return answers{s} }

type answers struct{ s *Service }

func (a answers) SendTaskSuccess(token, output string) error {
	return a.s.sendTaskSuccess(a.s.ctx, token, output)
}

func (a answers) SendTaskFailure(token, errName, cause string) error {
	return a.s.sendTaskFailure(a.s.ctx, token, errName, cause)
}

func (a answers) SendTaskHeartbeat(token string) error {
	return a.s.sendTaskHeartbeat(a.s.ctx, token)
}

// SendTaskSuccess completes the task of a token with output, a JSON text.
func (s *Service) SendTaskSuccess(ctx context.Context, in *SendTaskSuccessInput) (*Empty, error) {
	var v violations
	checkToken(&v, in.TaskToken)
	if v.required("output", in.Output) {
		v.maxBytes("output", in.Output, maxPayloadBytes)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.sendTaskSuccess(ctx, in.TaskToken, in.Output); err != nil {
		return nil, apiError(err)
	}
	return &Empty{}, nil
}

// SendTaskFailure fails the task of a token with an error name and a cause, both optional.
func (s *Service) SendTaskFailure(ctx context.Context, in *SendTaskFailureInput) (*Empty, error) {
	var v violations
	checkToken(&v, in.TaskToken)
	v.maxLen("error", in.Error, maxErrorLen, false)
	v.maxLen("cause", in.Cause, maxCauseLen, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.sendTaskFailure(ctx, in.TaskToken, in.Error, in.Cause); err != nil {
		return nil, apiError(err)
	}
	return &Empty{}, nil
}

// SendTaskHeartbeat reports that the worker of a token is still at it.
func (s *Service) SendTaskHeartbeat(ctx context.Context, in *SendTaskHeartbeatInput) (*Empty, error) {
	var v violations
	checkToken(&v, in.TaskToken)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.sendTaskHeartbeat(ctx, in.TaskToken); err != nil {
		return nil, apiError(err)
	}
	return &Empty{}, nil
}

// apiError keeps the API's own errors and reports anything else as InternalFailure.
func apiError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

// answerParked takes a SendTaskSuccess or SendTaskFailure for a token whose execution is parked: the
// answer is stored with a timer due now, which resumes the execution.
func (s *Service) answerParked(ctx context.Context, token string, answer func(*store.Token)) error {
	for attempt := 0; ; attempt++ {
		tok, rec, err := s.pendingToken(ctx, token)
		if err != nil {
			return err
		}
		answer(tok)
		step := store.Step{Execution: rec, Tokens: []store.Token{*tok},
			SetTimers: []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: rec.Arn, Key: wakeTimer}, Due: s.now()}}}
		err = s.store.Commit(ctx, step)
		if errors.Is(err, store.ErrConflict) && attempt < 3 {
			continue // a heartbeat or a resume moved the execution on: look again
		}
		if err != nil {
			return internal(err)
		}
		s.pokeScheduler()
		return nil
	}
}

// heartbeatParked moves a parked task's heartbeat deadline on.
func (s *Service) heartbeatParked(ctx context.Context, token string) error {
	_, rec, err := s.pendingToken(ctx, token)
	if err != nil {
		return err
	}
	var pr parkedRecord
	if err := json.Unmarshal(rec.Checkpoint, &pr); err != nil || pr.Running {
		return nil // no parked wait to move on
	}
	now := s.now()
	for i, w := range pr.Waits {
		if w.Token != token || w.Heartbeat <= 0 {
			continue
		}
		due := now.Add(w.Heartbeat)
		if !w.Deadline.IsZero() && w.Deadline.Before(due) {
			due = w.Deadline
		}
		pr.Waits[i].Due = due
		pr.Beats = setKey(pr.Beats, token, now)
		step := store.Step{Execution: rec}
		if err := s.checkpointStep(&step, rec, &pr, map[string]bool{token: true}); err != nil {
			return internal(err)
		}
		if err := s.store.Commit(ctx, step); err != nil && !errors.Is(err, store.ErrConflict) {
			return internal(err)
		}
	}
	return nil
}

// pendingToken finds a parked execution's unanswered token and the execution. The callbacks hand a token
// over only after its park is stored, so a token they do not know is in the store or nowhere.
func (s *Service) pendingToken(ctx context.Context, token string) (*store.Token, *store.Execution, error) {
	tok, err := s.store.GetToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, &Error{Code: interpreter.ErrTaskDoesNotExist, Message: "Task Does Not Exist: 'Provided task does not exist'"}
	}
	if err != nil {
		return nil, nil, internal(err)
	}
	rec, err := s.store.GetExecution(ctx, tok.ExecutionArn)
	if err != nil {
		return nil, nil, internal(err)
	}
	if tok.Status != store.TokenPending || rec.Status != store.Running {
		return nil, nil, taskTimedOut()
	}
	return tok, rec, nil
}

func taskTimedOut() error {
	return &Error{Code: "TaskTimedOut", Message: "Task Timed Out: 'Provided task does not exist anymore'"}
}

// takeOver takes a parked execution's token from the in-memory callbacks once the park is stored, and
// applies what reached it while the execution was parking.
func (s *Service) takeOver(token string) error {
	s.actMu.Lock()
	worker, took := s.tookParked[token]
	delete(s.tookParked, token)
	delete(s.started, token)
	s.actMu.Unlock()
	if took {
		if tok, err := s.store.GetToken(s.ctx, token); err == nil {
			s.startedParked(s.ctx, &store.ActivityTask{Token: token, ExecutionArn: tok.ExecutionArn}, worker)
		}
	}
	held, ok := s.callbacks.HandOff(token)
	switch {
	case !ok:
		return nil
	case held.Answer != nil:
		w := *held.Answer
		return s.answerParked(s.ctx, token, func(t *store.Token) {
			if w.Failed {
				t.Status, t.Error, t.Cause = store.TokenFailed, &w.Error, &w.Cause
			} else {
				t.Status, t.Output = store.TokenSucceeded, w.Output
			}
		})
	case held.Beats > 0:
		return s.heartbeatParked(s.ctx, token)
	}
	return nil
}
