package service

// Activities: their API (create, describe, list, delete) and their tasks, which are store rows that
// GetActivityTask claims.

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
)

// CreateActivity creates an activity; creating one again under the same name returns it unchanged (tags
// included), as AWS does.
func (s *Service) CreateActivity(ctx context.Context, in *CreateActivityInput) (*CreateActivityOutput, error) {
	var v violations
	if v.required("name", in.Name) {
		v.maxLen("name", in.Name, maxNameLen, true)
	}
	checkTags(&v, in.Tags)
	cfgs, err := decodeConfigs(nil, nil, in.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	cfgs.check(&v)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !validName(in.Name) {
		return nil, invalidName(in.Name)
	}
	if err := cfgs.validate(); err != nil {
		return nil, err
	}
	a := &store.Activity{Arn: s.arn(s.regionFor(ctx), arnActivity, in.Name), Name: in.Name, CreationDate: s.now(), Tags: tagMap(in.Tags),
		EncryptionConfiguration: cfgs.encRaw}
	if len(a.Tags) > maxTags {
		return nil, tooManyTags(a.Arn, len(a.Tags))
	}
	err = s.store.CreateActivity(ctx, a)
	if errors.Is(err, store.ErrExists) {
		if a, err = s.store.GetActivity(ctx, a.Arn); err != nil {
			return nil, internal(err)
		}
	} else if err != nil {
		return nil, internal(err)
	}
	return &CreateActivityOutput{ActivityArn: a.Arn, CreationDate: Time(a.CreationDate)}, nil
}

// getActivity checks an activity ARN and loads the activity.
func (s *Service) getActivity(ctx context.Context, arn string) (*store.Activity, error) {
	if err := requiredArn("activityArn", arn); err != nil {
		return nil, err
	}
	if _, err := parseArn(arn, arnActivity); err != nil {
		return nil, err
	}
	a, err := s.store.GetActivity(ctx, arn)
	if err != nil {
		return nil, storeError(err, func() *Error { return activityDoesNotExist(arn) })
	}
	return a, nil
}

// DescribeActivity describes an activity.
func (s *Service) DescribeActivity(ctx context.Context, in *ActivityInput) (*DescribeActivityOutput, error) {
	a, err := s.getActivity(ctx, in.ActivityArn)
	if err != nil {
		return nil, err
	}
	return &DescribeActivityOutput{ActivityArn: a.Arn, Name: a.Name, CreationDate: Time(a.CreationDate),
		EncryptionConfiguration: a.EncryptionConfiguration}, nil
}

// DeleteActivity deletes an activity; deleting one that does not exist succeeds, as on AWS.
func (s *Service) DeleteActivity(ctx context.Context, in *ActivityInput) (*Empty, error) {
	if err := requiredArn("activityArn", in.ActivityArn); err != nil {
		return nil, err
	}
	if _, err := parseArn(in.ActivityArn, arnActivity); err != nil {
		return nil, err
	}
	if err := s.store.DeleteActivity(ctx, in.ActivityArn); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	return &Empty{}, nil
}

// ListActivities lists activities in creation order.
func (s *Service) ListActivities(ctx context.Context, in *ListActivitiesInput) (*ListActivitiesOutput, error) {
	if err := checkPage(in.MaxResults, in.NextToken); err != nil {
		return nil, err
	}
	list, next, err := s.store.ListActivities(ctx, store.Page{Token: in.NextToken, Max: in.MaxResults})
	if err != nil {
		return nil, storeError(err, nil)
	}
	out := &ListActivitiesOutput{Activities: make([]DescribeActivityOutput, len(list)), NextToken: next}
	for i, a := range list {
		out.Activities[i] = DescribeActivityOutput{ActivityArn: a.Arn, Name: a.Name, CreationDate: Time(a.CreationDate)}
	}
	return out, nil
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
			} else {
				s.startedParked(ctx, task, in.WorkerName)
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

func (q activityQueue) Schedule(t interpreter.ScheduledActivity) (func(bool), error) {
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
	return q.done(row, forget), nil
}

// Resume implements interpreter.ActivityQueue: a resumed execution's task is a row already.
func (q activityQueue) Resume(t interpreter.ScheduledActivity) func(bool) {
	s := q.s
	s.actMu.Lock()
	s.started[t.Token] = t.Started
	s.actMu.Unlock()
	return q.done(store.ActivityTask{Token: t.Token, ActivityArn: t.Activity, ExecutionArn: q.rc.arn}, func() {
		s.actMu.Lock()
		delete(s.started, t.Token)
		s.actMu.Unlock()
	})
}

// done is what a Task calls once it no longer waits for its activity task: the row is closed, so that no
// worker takes it any more (one that took it and answers late gets TaskTimedOut), unless the execution
// parked, which leaves it to the workers.
func (q activityQueue) done(row store.ActivityTask, forget func()) func(bool) {
	return func(parked bool) {
		if parked {
			// Until the park is stored a worker that takes the task is noted here, then recorded in the
			// parked record (takeOver).
			s := q.s
			s.actMu.Lock()
			s.started[row.Token] = func(worker string) {
				s.actMu.Lock()
				s.tookParked[row.Token] = worker
				s.actMu.Unlock()
			}
			s.actMu.Unlock()
			return
		}
		forget()
		row.Status = store.TaskDone
		_ = q.rc.commitSide(store.Step{ActivityTasks: []store.ActivityTask{row}})
	}
}

// startedParked records that a worker took a parked execution's activity task, and wakes the execution
// to record it (ActivityStarted).
func (s *Service) startedParked(ctx context.Context, task *store.ActivityTask, worker string) {
	for range 3 {
		rec, err := s.store.GetExecution(ctx, task.ExecutionArn)
		if err != nil || rec.Status != store.Running || len(rec.Checkpoint) == 0 {
			return
		}
		var pr parkedRecord
		if json.Unmarshal(rec.Checkpoint, &pr) != nil || pr.Running {
			return
		}
		pr.Workers = setKey(pr.Workers, task.Token, worker)
		step := store.Step{Execution: rec}
		if err := s.checkpointStep(&step, rec, &pr, map[string]bool{task.Token: true}); err != nil {
			return
		}
		step.SetTimers = []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: rec.Arn, Key: wakeTimer}, Due: s.now()}}
		if err := s.store.Commit(ctx, step); !errors.Is(err, store.ErrConflict) {
			s.pokeScheduler()
			return
		}
	}
}
