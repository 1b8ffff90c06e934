package eventbridge

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/resources/awserr"
)

var now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	v, err := source.DecodePlain([]byte(s))
	require.NoError(t, err)
	return v.(map[string]any)
}

func TestPutEventsEntries(t *testing.T) {
	tests := []struct {
		name, entry string
		code, msg   string // the entry's failure; "" for an event put
	}{
		{"complete", `{"Source":"s","DetailType":"t","Detail":"{\"a\":1}"}`, "", ""},
		{"no source", `{"DetailType":"t","Detail":"{}"}`, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."},
		{"no detail type", `{"Source":"s","Detail":"{}"}`, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."},
		{"no detail", `{"Source":"s","DetailType":"t"}`, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."},
		{"detail not JSON", `{"Source":"s","DetailType":"t","Detail":"{nope"}`, "MalformedDetail", "Detail is malformed."},
		{"detail not an object", `{"Source":"s","DetailType":"t","Detail":"[1]"}`, "MalformedDetail", "Detail is malformed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(Options{})
			out, err := b.PutEvents(context.Background(), decode(t, `{"Entries":[`+tt.entry+`]}`), Origin{Now: now})
			require.NoError(t, err)
			entry := out["Entries"].([]any)[0].(map[string]any)
			if tt.code == "" {
				assert.Equal(t, int64(0), out["FailedEntryCount"])
				assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, entry["EventId"])
				return
			}
			assert.Equal(t, int64(1), out["FailedEntryCount"])
			assert.Equal(t, map[string]any{"ErrorCode": tt.code, "ErrorMessage": tt.msg}, entry)
			assert.Empty(t, b.Dump()["default"].(map[string]any)["Events"])
		})
	}
}

func TestPutEventsRequestErrors(t *testing.T) {
	tests := []struct{ name, request, want string }{
		{"no entries", `{}`, "Value null at 'entries' failed to satisfy constraint: Member must not be null"},
		{"empty", `{"Entries":[]}`, "Member must have length less than or equal to 10 and greater than or equal to 1"},
		{"eleven", `{"Entries":[{},{},{},{},{},{},{},{},{},{},{}]}`, "Member must have length less than or equal to 10"},
		{"unknown parameter", `{"Entries":[{}],"Foo":1}`, `Unknown parameter "Foo"`},
		{"unknown entry field", `{"Entries":[{"Source":"s","Details":"{}"}]}`, `Entries[0]: unknown field "Details"`},
		{"detail not a string", `{"Entries":[{"Source":"s","DetailType":"t","Detail":{"a":1}}]}`, `Entries[0]: Detail must be a string, not {"a":1}`},
		{"bad time", `{"Entries":[{"Source":"s","DetailType":"t","Detail":"{}","Time":"yesterday"}]}`, `Entries[0]: Time must be a timestamp`},
		{"global endpoint", `{"Entries":[{}],"EndpointId":"e"}`, "EndpointId (global endpoints) is not emulated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Options{}).PutEvents(context.Background(), decode(t, tt.request), Origin{Now: now})
			var e *awserr.Error
			require.True(t, errors.As(err, &e), "%v", err)
			assert.Equal(t, "ValidationException", e.Code)
			assert.Contains(t, e.Message, tt.want)
		})
	}
}

// fakeStarter records the executions rules start; they end when the test says.
type fakeStarter struct {
	mu      sync.Mutex
	started []string // state machine ARN + input
	done    chan struct{}
}

func (f *fakeStarter) start(_ context.Context, machine, _ string, input any) (*Execution, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if machine == "arn:aws:states:us-east-1:123456789012:stateMachine:missing" {
		return nil, errors.New("StateMachineDoesNotExist: State Machine Does Not Exist")
	}
	f.started = append(f.started, machine+" "+oj.JSON(input, &oj.Options{Sort: true}))
	return &Execution{Arn: "arn:exec:" + machine, Done: f.done, Status: func() string { return "SUCCEEDED" }}, nil
}

func TestRulesStartStateMachines(t *testing.T) {
	b := New(Options{})
	f := &fakeStarter{done: make(chan struct{})}
	b.SetStarter(f.start)
	require.NoError(t, b.LoadFixtures(decode(t, `{"rules": [
		{"name": "orders", "eventPattern": {"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}]}},
		 "targets": [{"stateMachine": "big-order"}, {"stateMachine": "audit", "inputPath": "$.detail"}]},
		{"name": "all-shop", "eventPattern": "{\"source\": [{\"prefix\": \"shop\"}]}", "targets": [{"stateMachine": "missing"}]},
		{"name": "other-bus", "eventBusName": "arn:aws:events:us-east-1:123456789012:event-bus/ops",
		 "eventPattern": {"source": ["shop"]}, "targets": [{"stateMachine": "arn:aws:states:eu-west-1:111111111111:stateMachine:ops", "input": {"fixed": true}}]}
	]}`)))
	out, err := b.PutEvents(context.Background(), decode(t, `{"Entries": [
		{"Source": "shop", "DetailType": "Order", "Detail": "{\"total\": 250}", "Resources": ["arn:r"]},
		{"Source": "shop", "DetailType": "Order", "Detail": "{\"total\": 5}", "Time": 1765101600},
		{"Source": "shop", "DetailType": "Order", "Detail": "{}", "EventBusName": "ops"}
	]}`), Origin{Now: now})
	require.NoError(t, err)
	assert.Equal(t, int64(0), out["FailedEntryCount"])
	assert.Equal(t, []string{
		`arn:aws:states:us-east-1:123456789012:stateMachine:big-order {"account":"123456789012","detail":{"total":250},"detail-type":"Order","id":"` +
			out["Entries"].([]any)[0].(map[string]any)["EventId"].(string) + `","region":"us-east-1","resources":["arn:r"],"source":"shop","time":"2026-12-07T10:00:00Z","version":"0"}`,
		`arn:aws:states:us-east-1:123456789012:stateMachine:audit {"total":250}`,
		`arn:aws:states:eu-west-1:111111111111:stateMachine:ops {"fixed":true}`,
	}, f.started)

	dump := b.Dump()
	events := dump["default"].(map[string]any)["Events"].([]any)
	require.Len(t, events, 2)
	first := events[0].(map[string]any)
	assert.Equal(t, []any{
		map[string]any{"Rule": "orders", "StateMachine": "big-order", "ExecutionArn": "arn:exec:arn:aws:states:us-east-1:123456789012:stateMachine:big-order", "Status": "RUNNING"},
		map[string]any{"Rule": "orders", "StateMachine": "audit", "ExecutionArn": "arn:exec:arn:aws:states:us-east-1:123456789012:stateMachine:audit", "Status": "RUNNING"},
		map[string]any{"Rule": "all-shop", "StateMachine": "missing", "Status": "FAILED_TO_START", "Error": "StateMachineDoesNotExist: State Machine Does Not Exist"},
	}, first["Deliveries"])
	second := events[1].(map[string]any)
	assert.Equal(t, "2025-12-07T10:00:00Z", second["Event"].(map[string]any)["time"])
	assert.Len(t, second["Deliveries"], 1) // all-shop only: a total of 5 is no big order
	ops := dump["ops"].(map[string]any)
	assert.Equal(t, "arn:aws:events:us-east-1:123456789012:event-bus/ops", ops["Arn"])
	assert.Len(t, ops["Events"], 1)

	// Wait waits while the started executions run (here until its context ends), and returns once they
	// have ended.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, b.Wait(ctx), context.Canceled)
	close(f.done)
	require.NoError(t, b.Wait(context.Background()))
	assert.Equal(t, "SUCCEEDED", b.Dump()["default"].(map[string]any)["Events"].([]any)[0].(map[string]any)["Deliveries"].([]any)[0].(map[string]any)["Status"])
}

func TestRuleFixtureErrors(t *testing.T) {
	tests := []struct{ fixtures, want string }{
		{`[]`, "eventbridge fixtures: want an object"},
		{`{"rule": []}`, `eventbridge fixtures: unknown field "rule"`},
		{`{"rules": [{"eventPattern": {"source": ["s"]}, "targets": [{"stateMachine": "m"}]}]}`, `rules[0]: "name" must be a non-empty string`},
		{`{"rules": [{"name": "r", "targets": [{"stateMachine": "m"}]}]}`, `rule "r": "eventPattern" is required`},
		{`{"rules": [{"name": "r", "eventPattern": {"source": "s"}, "targets": [{"stateMachine": "m"}]}]}`, `rule "r": the event pattern is not valid: "source" must be an object or an array`},
		{`{"rules": [{"name": "r", "eventPattern": {"source": ["s"]}, "targets": []}]}`, `rule "r": "targets" must be a non-empty array`},
		{`{"rules": [{"name": "r", "eventPattern": {"source": ["s"]}, "targets": [{"arn": "arn:aws:lambda:::function:f"}]}]}`, `rule "r": targets[0]: unknown field "arn"`},
		{`{"rules": [{"name": "r", "eventPattern": {"source": ["s"]}, "targets": [{"stateMachine": "m", "input": 1, "inputPath": "$"}]}]}`, `give "input" or "inputPath", not both`},
		{`{"rules": [{"name": "r", "eventPattern": {"source": ["s"]}, "targets": [{"stateMachine": "m", "inputPath": "$[["}]}]}`, `"inputPath" must be a JSONPath`},
		{`{"rules": [{"name": "r", "eventPattern": {"source": ["s"]}, "targets": [{"stateMachine": "m"}]}, {"name": "r", "eventPattern": {"source": ["t"]}, "targets": [{"stateMachine": "m"}]}]}`, `rules[1]: the bus "default" has two rules named "r"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			v, err := source.DecodePlain([]byte(tt.fixtures))
			require.NoError(t, err)
			err = New(Options{}).LoadFixtures(v)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// An event carries the Region and account of the execution that put it (its ARN's), and a rule's target
// given by name is the state machine of that Region and account; without an execution, the Broker's.
func TestEventOrigin(t *testing.T) {
	b := New(Options{Region: "ap-south-1", Account: "999999999999"})
	f := &fakeStarter{done: make(chan struct{})}
	b.SetStarter(f.start)
	require.NoError(t, b.LoadFixtures(decode(t, `{"rules": [{"name": "r", "eventPattern": {"source": ["s"]}, "targets": [{"stateMachine": "next"}]}]}`)))
	entry := decode(t, `{"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}]}`)
	tests := []struct{ origin, region, account string }{
		{"arn:aws:states:eu-west-2:210987654321:execution:m:e", "eu-west-2", "210987654321"},
		{"", "ap-south-1", "999999999999"},
	}
	for i, tt := range tests {
		_, err := b.PutEvents(context.Background(), entry, Origin{Execution: tt.origin, Now: now})
		require.NoError(t, err)
		ev := b.Dump()["default"].(map[string]any)["Events"].([]any)[i].(map[string]any)["Event"].(map[string]any)
		assert.Equal(t, tt.region, ev["region"])
		assert.Equal(t, tt.account, ev["account"])
		assert.True(t, strings.HasPrefix(f.started[i], "arn:aws:states:"+tt.region+":"+tt.account+":stateMachine:next "), f.started[i])
	}
}

// A rule whose target puts the events it matches again is stopped after MaxChain deliveries, with an
// error saying why in the dump; an execution started from one of the chain (Inherit) counts in it, and
// an event from outside the chain starts a new one.
func TestRuleChainBounded(t *testing.T) {
	b := New(Options{})
	n := 0
	var names []string
	b.SetStarter(func(_ context.Context, _, name string, _ any) (*Execution, error) {
		n++
		names = append(names, name)
		return &Execution{Arn: "arn:aws:states:us-east-1:123456789012:execution:loop:" + name, Done: closed(),
			Status: func() string { return "SUCCEEDED" }}, nil
	})
	require.NoError(t, b.LoadFixtures(decode(t, `{"rules": [{"name": "self", "eventPattern": {"source": ["loop"]}, "targets": [{"stateMachine": "loop"}]}]}`)))
	entry := decode(t, `{"Entries": [{"Source": "loop", "DetailType": "d", "Detail": "{}"}]}`)
	origin := "arn:aws:states:us-east-1:123456789012:execution:first:e0"
	for range MaxChain + 3 {
		before := n
		_, err := b.PutEvents(context.Background(), entry, Origin{Execution: origin, Now: now})
		require.NoError(t, err)
		if n == before {
			break
		}
		origin = "arn:aws:states:us-east-1:123456789012:execution:loop:" + names[n-1]
		if n == MaxChain/2 {
			// The chain goes on through an execution that one of it started.
			b.Inherit(origin, "arn:aws:states:us-east-1:123456789012:stateMachine:child:live", "c1")
			origin = "arn:aws:states:us-east-1:123456789012:execution:child:c1"
		}
	}
	assert.Equal(t, MaxChain, n, "deliveries before the chain was stopped")
	events := b.Dump()["default"].(map[string]any)["Events"].([]any)
	last := events[len(events)-1].(map[string]any)["Deliveries"].([]any)[0].(map[string]any)
	assert.Equal(t, "FAILED_TO_START", last["Status"])
	assert.Contains(t, last["Error"], "the chain of rule deliveries that began with an event of arn:aws:states:us-east-1:123456789012:execution:first:e0 has reached 16")

	_, err := b.PutEvents(context.Background(), entry, Origin{Now: now})
	require.NoError(t, err)
	assert.Equal(t, MaxChain+1, n, "an event from outside the chain is delivered")
}

func closed() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}
