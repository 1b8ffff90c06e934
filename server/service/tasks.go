package service

import (
	"context"
	"errors"

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
	return internal(err)
}

// doesNotExist reports the in-memory callbacks' refusal of a token they do not hold, which may belong to a
// parked execution.
func doesNotExist(err error) bool {
	var ce *interpreter.CallbackError
	return errors.As(err, &ce) && ce.Code == "TaskDoesNotExist"
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
	if err := s.callbacks.SendTaskSuccess(in.TaskToken, in.Output); err != nil {
		if !doesNotExist(err) {
			return nil, callbackError(err)
		}
		if err := s.answerParked(ctx, in.TaskToken, func(t *store.Token) { t.Status, t.Output = store.TokenSucceeded, in.Output }, err); err != nil {
			return nil, err
		}
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
	if err := s.callbacks.SendTaskFailure(in.TaskToken, in.Error, in.Cause); err != nil {
		if !doesNotExist(err) {
			return nil, callbackError(err)
		}
		answer := func(t *store.Token) { t.Status, t.Error, t.Cause = store.TokenFailed, &in.Error, &in.Cause }
		if err := s.answerParked(ctx, in.TaskToken, answer, err); err != nil {
			return nil, err
		}
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
	if err := s.callbacks.SendTaskHeartbeat(in.TaskToken); err != nil {
		if !doesNotExist(err) {
			return nil, callbackError(err)
		}
		if err := s.heartbeatParked(ctx, in.TaskToken, err); err != nil {
			return nil, err
		}
	}
	return &Empty{}, nil
}

// GetActivityTask waits up to the poll timeout for a task of the activity and hands it to the worker; it
// answers {} when none came, when the caller gave up or when the service closes.
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
	task := s.callbacks.GetActivityTask(poll, in.ActivityArn, in.WorkerName)
	if task == nil {
		return &GetActivityTaskOutput{}, nil
	}
	// The worker is outside the process: its work must not hold a virtual clock still.
	if task.Release != nil {
		task.Release()
	}
	return &GetActivityTaskOutput{TaskToken: task.Token, Input: task.Input}, nil
}
