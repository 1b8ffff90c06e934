package service

import (
	"context"
	"strings"

	"github.com/aslrun/aslrun/server/store"
)

// The Map Run operations: DescribeMapRun, ListMapRuns and UpdateMapRun.

type DescribeMapRunInput struct {
	MapRunArn string `json:"mapRunArn"`
}

// MapRunCounts are DescribeMapRun's itemCounts and executionCounts.
type MapRunCounts struct {
	Aborted               int64 `json:"aborted"`
	Failed                int64 `json:"failed"`
	FailuresNotRedrivable int64 `json:"failuresNotRedrivable"`
	Pending               int64 `json:"pending"`
	PendingRedrive        int64 `json:"pendingRedrive"`
	ResultsWritten        int64 `json:"resultsWritten"`
	Running               int64 `json:"running"`
	Succeeded             int64 `json:"succeeded"`
	TimedOut              int64 `json:"timedOut"`
	Total                 int64 `json:"total"`
}

type DescribeMapRunOutput struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  Time         `json:"startDate"`
	StopDate                   Time         `json:"stopDate,omitzero"`
	MaxConcurrency             int64        `json:"maxConcurrency"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64        `json:"toleratedFailureCount"`
	ItemCounts                 MapRunCounts `json:"itemCounts"`
	ExecutionCounts            MapRunCounts `json:"executionCounts"`
	RedriveCount               int64        `json:"redriveCount"`
	RedriveDate                Time         `json:"redriveDate,omitzero"`
}

type ListMapRunsInput struct {
	ExecutionArn string `json:"executionArn"`
	MaxResults   int    `json:"maxResults"`
	NextToken    string `json:"nextToken"`
}

type MapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       Time   `json:"startDate"`
	StopDate        Time   `json:"stopDate,omitzero"`
}

type ListMapRunsOutput struct {
	MapRuns   []MapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}

type UpdateMapRunInput struct {
	MapRunArn                  string   `json:"mapRunArn"`
	MaxConcurrency             *int64   `json:"maxConcurrency"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
}

type UpdateMapRunOutput struct{}

// getMapRun checks a Map Run ARN and loads the Map Run.
func (s *Service) getMapRun(ctx context.Context, arn string) (*store.MapRun, error) {
	if err := requiredArn("mapRunArn", arn); err != nil {
		return nil, err
	}
	if _, err := parseArn(arn, arnMapRun); err != nil {
		return nil, err
	}
	m, err := s.store.GetMapRun(ctx, arn)
	if err != nil {
		return nil, storeError(err, func() *Error { return resourceNotFound(arn) })
	}
	return m, nil
}

// DescribeMapRun describes a Map Run: its settings and its items and child executions by status.
func (s *Service) DescribeMapRun(ctx context.Context, in *DescribeMapRunInput) (*DescribeMapRunOutput, error) {
	m, err := s.getMapRun(ctx, in.MapRunArn)
	if err != nil {
		return nil, err
	}
	return &DescribeMapRunOutput{MapRunArn: m.Arn, ExecutionArn: m.ExecutionArn, Status: m.Status, StartDate: Time(m.StartDate),
		StopDate: Time(m.StopDate), MaxConcurrency: m.MaxConcurrency, ToleratedFailurePercentage: m.ToleratedFailurePercentage,
		ToleratedFailureCount: m.ToleratedFailureCount, ItemCounts: countsOf(m.Items), ExecutionCounts: countsOf(m.Executions),
		RedriveCount: m.RedriveCount, RedriveDate: Time(m.RedriveDate)}, nil
}

func countsOf(c store.MapRunCounts) MapRunCounts {
	return MapRunCounts{Aborted: c.Aborted, Failed: c.Failed, FailuresNotRedrivable: c.FailuresNotRedrivable, Pending: c.Pending,
		PendingRedrive: c.PendingRedrive, ResultsWritten: c.ResultsWritten, Running: c.Running, Succeeded: c.Succeeded,
		TimedOut: c.TimedOut, Total: c.Total}
}

// ListMapRuns lists the Map Runs an execution started, newest first.
func (s *Service) ListMapRuns(ctx context.Context, in *ListMapRunsInput) (*ListMapRunsOutput, error) {
	var v violations
	v.maxResults(in.MaxResults, store.MaxPageSize)
	v.maxLen("nextToken", in.NextToken, maxExecutionTokenLen, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := s.getExecution(ctx, in.ExecutionArn); err != nil {
		return nil, err
	}
	list, next, err := s.store.ListMapRuns(ctx, in.ExecutionArn, store.Page{Token: in.NextToken, Max: in.MaxResults})
	if err != nil {
		return nil, storeError(err, func() *Error { return executionDoesNotExist(in.ExecutionArn) })
	}
	out := &ListMapRunsOutput{MapRuns: make([]MapRunListItem, len(list)), NextToken: next}
	for i, m := range list {
		out.MapRuns[i] = MapRunListItem{ExecutionArn: m.ExecutionArn, MapRunArn: m.Arn, StateMachineArn: mapRunMachine(m.Arn),
			StartDate: Time(m.StartDate), StopDate: Time(m.StopDate)}
	}
	return out, nil
}

// mapRunMachine is the state machine ARN of a Map Run's children: arn:...:mapRun:NAME/LABEL:UUID gives
// arn:...:stateMachine:NAME/LABEL.
func mapRunMachine(arn string) string {
	head, rest, _ := strings.Cut(arn, ":"+arnMapRun+":")
	rest = rest[:max(strings.LastIndexByte(rest, ':'), 0)]
	return head + ":" + arnStateMachine + ":" + rest
}

// UpdateMapRun changes a running Map Run's concurrency and tolerated failures; its driver takes them up
// within mapRunSync.
func (s *Service) UpdateMapRun(ctx context.Context, in *UpdateMapRunInput) (*UpdateMapRunOutput, error) {
	var v violations
	if in.MaxConcurrency != nil && *in.MaxConcurrency < 0 {
		v.add("Value '%d' at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0", *in.MaxConcurrency)
	}
	if in.ToleratedFailureCount != nil && *in.ToleratedFailureCount < 0 {
		v.add("Value '%d' at 'toleratedFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0", *in.ToleratedFailureCount)
	}
	if p := in.ToleratedFailurePercentage; p != nil && (*p < 0 || *p > 100) {
		v.add("Value '%v' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value between 0 and 100", *p)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, err := s.getMapRun(ctx, in.MapRunArn); err != nil {
		return nil, err
	}
	if in.MaxConcurrency == nil && in.ToleratedFailureCount == nil && in.ToleratedFailurePercentage == nil {
		return nil, newError(CodeValidation, "At least one of the parameters maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be provided")
	}
	err := s.store.UpdateMapRun(ctx, in.MapRunArn, func(m *store.MapRun) error {
		if m.Status != store.Running {
			return newError(CodeValidation, "Map Run %s is not running: it is %s", m.Arn, m.Status)
		}
		if in.MaxConcurrency != nil {
			m.MaxConcurrency = *in.MaxConcurrency
		}
		if in.ToleratedFailureCount != nil {
			m.ToleratedFailureCount = *in.ToleratedFailureCount
		}
		if in.ToleratedFailurePercentage != nil {
			m.ToleratedFailurePercentage = *in.ToleratedFailurePercentage
		}
		return nil
	})
	if apiErr, ok := err.(*Error); ok {
		return nil, apiErr
	}
	if err != nil {
		return nil, storeError(err, func() *Error { return resourceNotFound(in.MapRunArn) })
	}
	return &UpdateMapRunOutput{}, nil
}
