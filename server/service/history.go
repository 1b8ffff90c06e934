package service

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aslrun/aslrun/server/store"
)

// GetExecutionHistory pages through an execution's events, oldest first or newest first. Without execution
// data, the events keep their shape but lose their input and output.
func (s *Service) GetExecutionHistory(ctx context.Context, in *GetExecutionHistoryInput) (*GetExecutionHistoryOutput, error) {
	var v violations
	v.maxResults(in.MaxResults, store.MaxPageSize)
	v.maxLen("nextToken", in.NextToken, maxExecutionTokenLen, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	e, err := s.getExecution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	events, next, err := s.store.History(ctx, e.Arn, store.Page{Token: in.NextToken, Max: in.MaxResults}, in.ReverseOrder)
	if err != nil {
		return nil, storeError(err, func() *Error { return executionDoesNotExist(e.Arn) })
	}
	out := &GetExecutionHistoryOutput{Events: make([]json.RawMessage, len(events)), NextToken: next}
	withData := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	for i, ev := range events {
		out.Events[i] = ev.Data
		if !withData {
			if out.Events[i], err = withoutData(ev.Data); err != nil {
				return nil, internal(err)
			}
		}
	}
	return out, nil
}

// withoutData drops the input and output from an event's details.
func withoutData(event []byte) ([]byte, error) {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	for k, raw := range ev {
		if !strings.HasSuffix(k, "EventDetails") {
			continue
		}
		var d map[string]json.RawMessage
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, err
		}
		delete(d, "input")
		delete(d, "output")
		b, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		ev[k] = b
	}
	return json.Marshal(ev)
}
