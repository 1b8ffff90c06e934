// Package jobs models Step Functions' Run a Job (.sync) integrations: the Task submits a job, then polls the
// job's describe call until the job reaches a terminal state, and ends with the job's description (success)
// or States.TaskFailed whose cause is that description (failure). The calls go through a Caller, so the same
// model serves handler-file stubs and a real or emulated AWS endpoint.
//
// Nested Step Functions executions (states:startExecution.sync) are not here: the control plane runs them
// (resources/nested.go).
package jobs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// Caller makes one API call of a service: service is the integration's service name as a Resource writes it
// ("ecs", "batch", "glue"...), action the API action in Step Functions' camelCase ("runTask",
// "describeTasks"), params the request in Step Functions' PascalCase. It returns the response as Step
// Functions shows it (PascalCase keys); an error fails the Task as it is.
type Caller interface {
	Call(ctx context.Context, service, action string, params any) (any, error)
}

// Job is how one .sync integration runs: what it submits, how it polls, when it is done.
type Job struct {
	// Service and Submit name the submitting call (ecs, runTask); Describe the polling call of the same
	// service (describeTasks).
	Service, Submit, Describe string
	// request builds the describe call's parameters from the Task's parameters and the submit's response.
	request func(params, submitted map[string]any) (map[string]any, error)
	// job finds, in a describe response, the object whose status is read and what the Task returns; req
	// is the describe call's request.
	job func(described, req map[string]any) (job map[string]any, output any, err error)
	// status is the path of the job's state in job ("LastStatus", "Status.State").
	status string
	// terminal lists the terminal states; true marks those that are a success.
	terminal map[string]bool
	// succeeded, when set, decides whether a job that ended in a successful state succeeded (ECS reads its
	// containers' exit codes).
	succeeded func(job map[string]any) bool
	// submitted, when set, checks the submit's response (ECS fails a run with Failures).
	submitted func(resp map[string]any) error
	// interval is the wait before the n-th describe call (n from 0).
	interval func(n int) time.Duration
}

// Lookup finds the job model of a Task resource in its plain form (arn:aws:states:::ecs:runTask.sync).
func Lookup(resource string) (*Job, bool) {
	rest, ok := strings.CutPrefix(resource, "arn:aws:states:::")
	if !ok {
		return nil, false
	}
	rest, ok = strings.CutSuffix(rest, ".sync")
	if !ok {
		return nil, false
	}
	j, ok := table[rest]
	return j, ok
}

// Resources lists the modelled .sync resources, sorted.
func Resources() []string {
	out := make([]string, 0, len(table))
	for k := range table {
		out = append(out, "arn:aws:states:::"+k+".sync")
	}
	sort.Strings(out)
	return out
}

// Run submits the job and polls it to its end. clock paces the polling (virtual time under aslrun
// execute); nil is wall-clock time. submitted, when set, is given the submit's response once the service
// has taken the job, before the first poll: Step Functions records it as the TaskSubmitted event.
func (j *Job) Run(ctx context.Context, c Caller, clock interpreter.Clock, params map[string]any, submitted func(resp map[string]any)) (any, error) {
	if clock == nil {
		clock = interpreter.RealClock{}
	}
	if params == nil {
		params = map[string]any{}
	}
	out, err := c.Call(ctx, j.Service, j.Submit, params)
	if err != nil {
		return nil, err
	}
	resp, ok := out.(map[string]any)
	if !ok {
		return nil, j.malformed(errors.New("the submit response is not an object"), out)
	}
	if j.submitted != nil {
		if err := j.submitted(resp); err != nil {
			return nil, err
		}
	}
	req, err := j.request(params, resp)
	if err != nil {
		return nil, j.malformed(err, resp)
	}
	if submitted != nil {
		submitted(resp)
	}
	for n := 0; ; n++ {
		if err := clock.Sleep(ctx, j.interval(n)); err != nil {
			return nil, err
		}
		out, err := c.Call(ctx, j.Service, j.Describe, req)
		if err != nil {
			return nil, err
		}
		described, ok := out.(map[string]any)
		if !ok {
			return nil, j.malformed(errors.New("the describe response is not an object"), out)
		}
		job, output, err := j.job(described, req)
		if err != nil {
			return nil, j.malformed(err, described)
		}
		state, _ := lookup(job, j.status).(string)
		success, done := j.terminal[state]
		if !done {
			continue
		}
		if success && (j.succeeded == nil || j.succeeded(job)) {
			return output, nil
		}
		// The job's description, as AWS gives it, so that a Catch can read why the job failed.
		return nil, failure.New(failure.TaskFailed, value.JSON(output))
	}
}

// malformed is a response (or Task parameters) the model cannot follow the job with, which AWS never
// gives: a runtime error saying what is missing and showing the value it is missing from.
func (j *Job) malformed(err error, v any) error {
	return failure.New(failure.Runtime, fmt.Sprintf("cannot follow the %s:%s.sync job: %v: %s",
		j.Service, j.Submit, err, value.JSON(v)))
}

// lookup reads a dotted path of object keys and array indexes. A key matches in PascalCase or camelCase,
// so responses shaped as Step Functions shows them and as the service's API sends them both read.
func lookup(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			e, ok := t[k]
			if !ok {
				e = t[strings.ToLower(k[:1])+k[1:]]
			}
			v = e
		case []any:
			var i int
			if _, err := fmt.Sscanf(k, "%d", &i); err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

// sub reads a non-empty string of the submit's response.
func sub(v any, path string) (string, error) {
	s, _ := lookup(v, path).(string)
	if s == "" {
		return "", fmt.Errorf("the submit response has no string %s", path)
	}
	return s, nil
}

// param reads a non-empty string of the Task's parameters.
func param(v any, path string) (string, error) {
	s, _ := lookup(v, path).(string)
	if s == "" {
		return "", fmt.Errorf("the Task's parameters have no string %s", path)
	}
	return s, nil
}

// object reads an object of the describe response at path.
func object(v any, path string) (map[string]any, error) {
	m, ok := lookup(v, path).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the describe response has no object %s", path)
	}
	return m, nil
}
