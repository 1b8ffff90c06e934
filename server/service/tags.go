package service

import (
	"context"
	"maps"
	"slices"
	"strconv"
)

// Limits of tags, as the API defines them.
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

func checkTags(v *violations, tags []Tag) {
	for i, t := range tags {
		if t.Key == "" {
			v.add("Value '' at 'tags.%d.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1", i+1)
		}
		at := "tags." + strconv.Itoa(i+1) + ".member."
		v.maxLen(at+"key", t.Key, maxTagKeyLen, true)
		v.maxLen(at+"value", t.Value, maxTagValueLen, true)
	}
}

// tooManyTags refuses a resource more than maxTags tags, whether it is created with them or tagged.
func tooManyTags(arn string, n int) *Error {
	return newError(CodeTooManyTags, "Too many tags: '%s' would have %d tags, more than the %d allowed", arn, n, maxTags)
}

func tagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func tagList(m map[string]string) []Tag {
	out := make([]Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Tag{Key: k, Value: m[k]})
	}
	return out
}

// taggable checks the ARN of a state machine or an activity and returns its current tags.
func (s *Service) taggable(ctx context.Context, arn string) (map[string]string, error) {
	if err := requiredArn("resourceArn", arn); err != nil {
		return nil, err
	}
	p, err := parseArn(arn, arnStateMachine, arnActivity)
	if err != nil {
		return nil, err
	}
	notFound := func() *Error { return resourceNotFound(arn) }
	if p.typ == arnActivity {
		a, err := s.store.GetActivity(ctx, arn)
		if err != nil {
			return nil, storeError(err, notFound)
		}
		return a.Tags, nil
	}
	sm, err := s.store.GetStateMachine(ctx, arn)
	if err != nil {
		return nil, storeError(err, notFound)
	}
	return sm.Tags, nil
}

// TagResource adds or overwrites tags of a state machine or an activity; a resource holds at most 50.
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*Empty, error) {
	var v violations
	if in.Tags == nil {
		v.required("tags", "")
	}
	checkTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	old, err := s.taggable(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(old)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, tagMap(in.Tags))
	if len(merged) > maxTags {
		return nil, tooManyTags(in.ResourceArn, len(merged))
	}
	if err := s.store.SetTags(ctx, in.ResourceArn, tagMap(in.Tags), nil); err != nil {
		return nil, storeError(err, func() *Error { return resourceNotFound(in.ResourceArn) })
	}
	return &Empty{}, nil
}

// UntagResource removes tags by key; absent keys are ignored.
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*Empty, error) {
	var v violations
	if in.TagKeys == nil {
		v.required("tagKeys", "")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := s.taggable(ctx, in.ResourceArn); err != nil {
		return nil, err
	}
	if err := s.store.SetTags(ctx, in.ResourceArn, nil, in.TagKeys); err != nil {
		return nil, storeError(err, func() *Error { return resourceNotFound(in.ResourceArn) })
	}
	return &Empty{}, nil
}

// ListTagsForResource lists a resource's tags by key.
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	tags, err := s.taggable(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &ListTagsForResourceOutput{Tags: tagList(tags)}, nil
}
