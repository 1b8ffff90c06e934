package resources

import (
	"context"
	"errors"
	"fmt"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/resources/eventbridge"
)

// eventBridgeService names EventBridge's errors: the Java SDK v1's AmazonEventBridge for events:putEvents,
// the SDK v2's EventBridgeException for aws-sdk:eventbridge.
var eventBridgeService = service{
	optimized: "EventBridge", sdk: "EventBridge", javaService: "AmazonEventBridge",
	javaExceptions: map[string]string{"InternalException": "InternalException"},
	fallback:       "AmazonEventBridgeException", sdkFallback: "EventBridgeException",
}

// putEvents serves events:putEvents and aws-sdk:eventbridge:putEvents with the embedded EventBridge. The
// optimized integration differs as Step Functions documents (connect-eventbridge): a Detail given as JSON
// is sent as its text, the state machine's and the execution's ARNs are added to each entry's Resources,
// and a response with a FailedEntryCount above 0 fails the Task with EventBridge.FailedEntry.
func putEvents(ctx context.Context, bus *eventbridge.Broker, call *Call, request map[string]any, sdk bool) (map[string]any, error) {
	if !sdk {
		request = optimizedEntries(request, call)
	}
	out, err := bus.PutEvents(ctx, request, eventbridge.Origin{Execution: call.ExecutionArn, Now: callTime(call)})
	if err != nil {
		return nil, eventBridgeService.taskError(err, sdk)
	}
	if n, _ := out["FailedEntryCount"].(int64); n > 0 && !sdk {
		return nil, failure.New("EventBridge.FailedEntry", value.JSON(out))
	}
	return out, nil
}

// optimizedEntries is the request as the optimized integration sends it; the input is shared with the
// execution, so it is copied, never changed.
func optimizedEntries(request map[string]any, call *Call) map[string]any {
	entries, ok := request["Entries"].([]any)
	if !ok {
		return request
	}
	var added []any
	for _, arn := range []string{call.StateMachineArn, call.ExecutionArn} {
		if arn != "" {
			added = append(added, arn)
		}
	}
	copied := make([]any, len(entries))
	for i, e := range entries {
		entry, ok := e.(map[string]any)
		if !ok {
			copied[i] = e
			continue
		}
		c := make(map[string]any, len(entry)+1)
		for k, v := range entry {
			c[k] = v
		}
		switch d := entry["Detail"].(type) {
		case map[string]any, []any:
			c["Detail"] = value.JSON(d)
		}
		if resources, ok := entry["Resources"].([]any); ok || entry["Resources"] == nil {
			c["Resources"] = append(append([]any{}, resources...), added...)
		}
		copied[i] = c
	}
	out := make(map[string]any, len(request))
	for k, v := range request {
		out[k] = v
	}
	out["Entries"] = copied
	return out
}

// startForRule starts the execution an EventBridge rule's target asks for, as states:startExecution does.
func (r *Registry) startForRule(ctx context.Context, machine, name string, input any) (*eventbridge.Execution, error) {
	r.mu.RLock()
	machines := r.machines
	r.mu.RUnlock()
	if machines == nil {
		return nil, errors.New("no state machines are available to start")
	}
	started, err := machines.StartExecution(ctx, &StartRequest{StateMachineArn: machine, Name: name, Input: input})
	if err != nil {
		return nil, fmt.Errorf("starting an execution of %s: %w", machine, err)
	}
	return &eventbridge.Execution{Arn: started.ExecutionArn, Done: started.Done,
		Status: func() string { return string(started.Result().Status) }}, nil
}
