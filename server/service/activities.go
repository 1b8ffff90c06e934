package service

import (
	"context"
	"errors"

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
	if err := v.err(); err != nil {
		return nil, err
	}
	if !validName(in.Name) {
		return nil, invalidName(in.Name)
	}
	a := &store.Activity{Arn: s.arn(arnActivity, in.Name), Name: in.Name, CreationDate: s.now(), Tags: tagMap(in.Tags)}
	err := s.store.CreateActivity(ctx, a)
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
	return &DescribeActivityOutput{ActivityArn: a.Arn, Name: a.Name, CreationDate: Time(a.CreationDate)}, nil
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
