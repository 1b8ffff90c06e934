package service

import (
	"context"
	"errors"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

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

// GetActivityTask waits up to the poll timeout for a task of the activity and hands it to the worker; it
// answers {} when none came, when the caller gave up or when the service closes. Tasks are store rows:
// the oldest scheduled one is claimed. A poll wakes when this process queues a task for the activity, and
// looks again every second for those other processes queue.
func (s *Service) GetActivityTask(ctx context.Context, in *GetActivityTaskInput) (*GetActivityTaskOutput, error) {
	var v violations
	v.maxLen("workerName", in.WorkerName, maxNameLen, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := s.getActivity(ctx, in.ActivityArn); err != nil {
		return nil, err
	}
	poll, cancel := context.WithTimeout(ctx, s.pollTimeout)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	for {
		queued := s.activityQueued(in.ActivityArn)
		task, err := s.store.ClaimActivityTask(poll, in.ActivityArn, in.WorkerName)
		if poll.Err() != nil {
			return &GetActivityTaskOutput{}, nil
		}
		if err != nil {
			return nil, internal(err)
		}
		if task != nil {
			s.actMu.Lock()
			started := s.started[task.Token]
			s.actMu.Unlock()
			if started != nil {
				started(in.WorkerName)
			}
			return &GetActivityTaskOutput{TaskToken: task.Token, Input: task.Input}, nil
		}
		t := time.NewTimer(time.Second)
		select {
		case <-queued:
		case <-t.C:
		case <-poll.Done():
		}
		t.Stop()
	}
}

// activityQueued returns what is closed when a task is next queued for the activity here.
func (s *Service) activityQueued(activity string) <-chan struct{} {
	s.actMu.Lock()
	defer s.actMu.Unlock()
	ch, ok := s.polls[activity]
	if !ok {
		ch = make(chan struct{})
		s.polls[activity] = ch
	}
	return ch
}

// activityQueue queues one execution's activity tasks as store rows, committed in turn with its history.
type activityQueue struct {
	s  *Service
	rc *recorder
}

func (q activityQueue) Schedule(t interpreter.ScheduledActivity) (func(), error) {
	s := q.s
	row := store.ActivityTask{Token: t.Token, ActivityArn: t.Activity, ExecutionArn: q.rc.arn, Input: t.Input,
		Status: store.TaskScheduled, Created: s.now()}
	s.actMu.Lock()
	s.started[t.Token] = t.Started
	s.actMu.Unlock()
	forget := func() {
		s.actMu.Lock()
		delete(s.started, t.Token)
		s.actMu.Unlock()
	}
	if err := q.rc.commitSide(store.Step{ActivityTasks: []store.ActivityTask{row}}); err != nil {
		forget()
		return nil, err
	}
	s.actMu.Lock()
	if ch, ok := s.polls[t.Activity]; ok {
		close(ch)
		delete(s.polls, t.Activity)
	}
	s.actMu.Unlock()
	return func() {
		forget()
		// Closed, so that no worker takes it any more; one that took it and answers late gets TaskTimedOut.
		row.Status = store.TaskDone
		_ = q.rc.commitSide(store.Step{ActivityTasks: []store.ActivityTask{row}})
	}, nil
}
