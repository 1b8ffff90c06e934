package resources

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/resources/jobs"
)

// The sync stub answers the two calls of a Run a Job (.sync) Task separately, so a .sync flow runs without
// the service:
//
//	"arn:aws:states:::ecs:runTask.sync": {"sync": {
//	    "submit": {"Tasks": [{"TaskArn": "arn:...:task/c/1", "ClusterArn": "arn:...:cluster/c"}]},
//	    "status": [{"Tasks": [{"LastStatus": "RUNNING"}]},
//	               {"Tasks": [{"LastStatus": "STOPPED", "Containers": [{"Name": "app", "ExitCode": 0}]}]}]}}
//
// "submit" is the submitting call's response (runTask's), "status" the describe call's responses in turn
// (describeTasks'), the last one repeating; each invocation starts again from the first. The Task polls at
// AWS's cadence on the execution's clock (resources/jobs) and ends as Step Functions does: with the job's
// description, or States.TaskFailed with the description as the cause. The key is a .sync resource that
// aslrun models (jobs.Resources) or a state whose resource is one.

// SyncHandler serves every modelled .sync resource (jobs.Resources) by making its submit and describe calls
// through c: a real or emulated AWS endpoint, or any stand-in. Bind it per resource with Registry.Resource,
// or call it for Tasks whose resource SyncJob reports.
func SyncHandler(c jobs.Caller) Handler {
	return syncHandler(c, "")
}

// syncHandler is SyncHandler; contentType, when set, is that of a real call's response: the submit's
// response is then reported (TaskSubmitted) with SdkHttpMetadata, as Step Functions' optimized
// integrations return it. A stub's submit response is reported as written.
func syncHandler(c jobs.Caller, contentType string) Handler {
	return HandlerFunc(func(ctx context.Context, call *Call) (any, error) {
		job, ok := jobs.Lookup(call.Resource)
		if !ok {
			return nil, failure.New(failure.Runtime, fmt.Sprintf("the resource %q of the state %q is not a .sync job aslrun models (%s)",
				call.Resource, call.StateName, strings.Join(jobs.Resources(), ", ")))
		}
		params, _ := call.Input.(map[string]any)
		return job.Run(ctx, c, call.Clock, params, func(resp map[string]any) {
			if contentType != "" {
				call.Submitted(withSdkMetadata(resp, call, contentType))
				return
			}
			call.Submitted(resp)
		})
	})
}

// SyncJob reports whether a Task resource is a .sync job that SyncHandler serves.
func SyncJob(resource string) bool {
	_, ok := jobs.Lookup(resource)
	return ok
}

func parseSync(stub map[string]any, sc stubScope) (Handler, error) {
	switch {
	case sc.binding.table == "resource" && !SyncJob(sc.binding.key):
		return nil, fmt.Errorf(`"sync" answers the .sync jobs aslrun models, and %q is none (%s)`, sc.binding.key, strings.Join(jobs.Resources(), ", "))
	case sc.binding.table == "function":
		return nil, errors.New(`"sync" answers .sync jobs, not Lambda functions`)
	}
	spec, ok := stub["sync"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`"sync" must be an object {"submit": RESPONSE, "status": [RESPONSE, ...]}, not %s`, kind(stub["sync"]))
	}
	for k := range spec {
		if k != "submit" && k != "status" {
			return nil, fmt.Errorf(`"sync": unknown key %q (the keys are "submit" and "status")`, k)
		}
	}
	submit, ok := spec["submit"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`"sync": "submit" must be the submitting call's response, an object, not %s`, kind(spec["submit"]))
	}
	raw, _ := spec["status"].([]any)
	if len(raw) == 0 {
		return nil, fmt.Errorf(`"sync": "status" must be a non-empty array of the describe call's responses, not %s`, kind(spec["status"]))
	}
	for i, s := range raw {
		if _, ok := s.(map[string]any); !ok {
			return nil, fmt.Errorf(`"sync": "status"[%d] must be the describe call's response, an object, not %s`, i, kind(s))
		}
	}
	return HandlerFunc(func(ctx context.Context, call *Call) (any, error) {
		return SyncHandler(&syncStub{submit: submit, status: raw}).Handle(ctx, call)
	}), nil
}

// syncStub is the caller of one invocation of a sync stub: the first call is the submit, every later one a
// describe.
type syncStub struct {
	mu     sync.Mutex
	submit map[string]any
	status []any
	calls  int
}

func (s *syncStub) Call(context.Context, string, string, any) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls == 1 {
		return s.submit, nil
	}
	return s.status[min(s.calls-2, len(s.status)-1)], nil
}
