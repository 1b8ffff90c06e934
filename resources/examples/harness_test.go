package examples

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/resources/sqs"
)

// What the end-to-end tests share: loading a definition with its sidecar, running it in virtual time, and
// reading what happened (states entered, tables, queues, topics).

const definitions = "../../definitions"

// epoch is where every run's virtual clock starts.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type harness struct {
	t     *testing.T
	name  string
	local *resources.Local
	prog  *interpreter.Program
}

type loadOptions struct {
	definition string // a definition other than NAME.asl.json, run with NAME's handler file
	noWorkers  bool
	noFixtures bool
}

type loadOption func(*loadOptions)

// variant runs another definition (a path under definitions/) with the workflow's handler file.
func variant(path string) loadOption { return func(o *loadOptions) { o.definition = path } }

// withoutWorkers leaves out the sidecar's queue workers, so a test can subscribe its own: the SQS broker
// cannot replace or remove a worker once subscribed.
func withoutWorkers() loadOption { return func(o *loadOptions) { o.noWorkers = true } }

// withoutFixtures leaves out the sidecar's fixtures, so the tables do not exist.
func withoutFixtures() loadOption { return func(o *loadOptions) { o.noFixtures = true } }

// load prepares a run of definitions/NAME.asl.json with its sidecar, NAME.handlers.json.
func load(t *testing.T, name string, opts ...loadOption) *harness {
	t.Helper()
	var o loadOptions
	for _, opt := range opts {
		opt(&o)
	}
	path := filepath.Join(definitions, name+".asl.json")
	var files []string
	switch {
	case o.noWorkers || o.noFixtures:
		path = trimmedCopy(t, name, o)
	case o.definition != "":
		path = filepath.Join(definitions, o.definition)
		files = append(files, filepath.Join(definitions, name+".handlers.json"))
	}
	local, err := resources.NewLocal(path, interpreter.NewVirtualClock(epoch), files...)
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	sm, diags := asl.Check(data, asl.Options{})
	require.False(t, asl.HasErrors(diags), "%v", diags)
	prog, err := interpreter.Compile(sm)
	require.NoError(t, err)
	return &harness{t: t, name: name, local: local, prog: prog}
}

// trimmedCopy copies the definition and its sidecar into a temporary directory, leaving out the
// sidecar's workers or fixtures.
func trimmedCopy(t *testing.T, name string, o loadOptions) string {
	t.Helper()
	dir := t.TempDir()
	copyFile := func(file string) {
		data, err := os.ReadFile(filepath.Join(definitions, file))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), data, 0o600))
	}
	copyFile(name + ".asl.json")
	data, err := os.ReadFile(filepath.Join(definitions, name+".handlers.json"))
	require.NoError(t, err)
	var sidecar map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &sidecar))
	if o.noWorkers {
		delete(sidecar, "$workers")
	}
	if o.noFixtures {
		delete(sidecar, "$fixtures")
	} else if raw, ok := sidecar["$fixtures"]; ok {
		var fixtures string
		require.NoError(t, json.Unmarshal(raw, &fixtures))
		copyFile(fixtures)
	}
	data, err = json.Marshal(sidecar)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".handlers.json"), data, 0o600))
	return filepath.Join(dir, name+".asl.json")
}

// input reads definitions/inputs/NAME/FILE.
func (h *harness) input(file string) any {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(definitions, "inputs", h.name, file))
	require.NoError(h.t, err)
	v, err := oj.Parse(data)
	require.NoError(h.t, err)
	return v
}

// result is how a run ended, with its history.
type result struct {
	*interpreter.Result
	history []interpreter.Event
}

// run executes the definition on the input, bounded in real time so that a hung run fails the test.
func (h *harness) run(input any) *result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := h.local.Config(h.name, "exec-"+strings.ReplaceAll(h.t.Name(), "/", "-"))
	log := &interpreter.EventLog{}
	cfg.Events = log
	res := h.prog.Run(ctx, input, cfg)
	require.NotNil(h.t, res)
	return &result{Result: res, history: log.Events()}
}

func elapsed(res *result) time.Duration { return res.StopDate.Sub(res.StartDate) }

// entered lists the states entered, in order.
func entered(res *result) []string {
	var names []string
	for _, e := range res.history {
		if strings.HasSuffix(e.Type(), "StateEntered") {
			names = append(names, e.Name())
		}
	}
	return names
}

// enteredInput is the input of the first entry into a state.
func enteredInput(t *testing.T, res *result, state string) any {
	t.Helper()
	for _, e := range res.history {
		if strings.HasSuffix(e.Type(), "StateEntered") && e.Name() == state {
			return e.Input
		}
	}
	require.Failf(t, "state not entered", "%s", state)
	return nil
}

// parallel is a Parallel state's branches in the expected states: their states interleave in any order,
// each branch's in its own order. With partial, a branch may stop early (a sibling failed and cancelled it).
type parallel struct {
	branches [][]string
	partial  bool
}

func branches(b ...[]string) parallel        { return parallel{branches: b} }
func partialBranches(b ...[]string) parallel { return parallel{branches: b, partial: true} }

// children is any number of entries into the states of a Map's iterations, which interleave freely.
type children []string

// assertEntered checks the states entered against the expected route: state names, parallel and
// children groups.
func assertEntered(t *testing.T, res *result, route ...any) {
	t.Helper()
	actual := entered(res)
	pos := 0
	for _, step := range route {
		switch s := step.(type) {
		case string:
			if !assert.Less(t, pos, len(actual), "missing %q; entered %q", s, actual) ||
				!assert.Equal(t, s, actual[pos], "entered %q", actual) {
				return
			}
			pos++
		case parallel:
			next := make([]int, len(s.branches))
		window:
			for pos < len(actual) {
				for i, b := range s.branches {
					if next[i] < len(b) && b[next[i]] == actual[pos] {
						next[i]++
						pos++
						continue window
					}
				}
				break
			}
			if !s.partial {
				for i, b := range s.branches {
					if !assert.Equal(t, len(b), next[i], "branch %q incomplete; entered %q", b, actual) {
						return
					}
				}
			}
		case children:
			for pos < len(actual) && contains(s, actual[pos]) {
				pos++
			}
		}
	}
	assert.Equal(t, len(actual), pos, "unexpected states after the route; entered %q", actual)
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func count(list []string, s string) int {
	n := 0
	for _, e := range list {
		if e == s {
			n++
		}
	}
	return n
}

// assertFailed checks a failed execution's error and, when cause is not empty, its cause.
func assertFailed(t *testing.T, res *result, errName, cause string) {
	t.Helper()
	assert.Equal(t, interpreter.Failed, res.Status, "error %s: %s", res.Error, res.Cause)
	assert.Equal(t, errName, res.Error)
	if cause != "" {
		assert.Equal(t, cause, res.Cause)
	}
}

// errorMessage reads errorMessage (and checks errorType) of a Lambda error payload.
func errorMessage(t *testing.T, cause, errorType string) string {
	t.Helper()
	var payload map[string]any
	require.NoError(t, json.Unmarshal([]byte(cause), &payload), "cause %q", cause)
	assert.Equal(t, errorType, payload["errorType"])
	msg, _ := payload["errorMessage"].(string)
	return msg
}

// getItem reads an item as plain JSON; nil when there is none.
func (h *harness) getItem(table string, key map[string]any) map[string]any {
	h.t.Helper()
	k, err := attributes(key)
	require.NoError(h.t, err)
	out, err := h.local.Env.Services.DynamoDB.Call(context.Background(), "getItem", map[string]any{"TableName": table, "Key": k})
	require.NoError(h.t, err)
	it, _ := item(out["Item"])
	return it
}

// items lists a table's items as plain JSON.
func (h *harness) items(table string) []any {
	h.t.Helper()
	tables, _ := h.local.Env.Services.Dump()["dynamodb"].(map[string]any)
	tbl, _ := tables[table].(map[string]any)
	require.NotNil(h.t, tbl, "no table %s", table)
	list, _ := tbl["Items"].([]any)
	return list
}

// messages lists the messages sent to a queue, or published to a topic, as their dump entries.
func (h *harness) messages(service, name string) []map[string]any {
	h.t.Helper()
	all, _ := h.local.Env.Services.Dump()[service].(map[string]any)
	entry, _ := all[name].(map[string]any)
	list, _ := entry["Messages"].([]any)
	out := make([]map[string]any, len(list))
	for i, m := range list {
		out[i], _ = m.(map[string]any)
	}
	return out
}

// bodies parses the bodies (SQS) or messages (SNS) sent to a queue or topic.
func (h *harness) bodies(service, name string) []any {
	h.t.Helper()
	field := map[string]string{"sqs": "Body", "sns": "Message"}[service]
	var out []any
	for _, m := range h.messages(service, name) {
		text, _ := m[field].(string)
		v, err := oj.ParseString(text)
		require.NoError(h.t, err, "%s message %q", service, text)
		out = append(out, v)
	}
	return out
}

// settled waits for the pushed messages of a queue to be handled: a worker may still be at work (its
// writes after its callback) when the execution ends.
func (h *harness) settled(queue string) {
	h.t.Helper()
	require.Eventually(h.t, func() bool {
		for _, m := range h.messages("sqs", queue) {
			if m["Status"] == "in-flight" && m["WorkerError"] == nil {
				return false
			}
		}
		return true
	}, 5*time.Second, time.Millisecond)
}

// subscribe pushes a queue's messages to a test's worker (with withoutWorkers).
func (h *harness) subscribe(queue string, w resources.Worker) {
	h.local.Env.Services.SQS.Subscribe(queue, w)
}

// failing is a handler that fails its first n calls (all of them for n < 0) with err, then returns
// result; calls counts the calls.
func failing(n int, err error, result any) (resources.Handler, *atomic.Int32) {
	var calls atomic.Int32
	return resources.HandlerFunc(func(context.Context, *resources.Call) (any, error) {
		if c := int(calls.Add(1)); n < 0 || c <= n {
			return nil, err
		}
		return result, nil
	}), &calls
}

// serviceError is a Lambda service error as Step Functions reports it.
func serviceError(name string) error {
	return failure.New(name, name+" (Service: AWSLambda; Status Code: 500; Error Code: "+strings.TrimPrefix(name, "Lambda.")+")")
}

// parse parses JSON text for comparisons.
func parse(t *testing.T, text string) any {
	t.Helper()
	v, err := oj.ParseString(text)
	require.NoError(t, err)
	return v
}

// noWorker is a queue worker that takes messages and never answers them.
func noWorker(context.Context, sqs.Message) error { return nil }
