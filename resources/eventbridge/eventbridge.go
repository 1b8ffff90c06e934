// Package eventbridge is an embedded, in-memory emulation of Amazon EventBridge for Step Functions'
// events:putEvents integration: it records every event put, in EventBridge's envelope, and sends the events
// its rules match to their targets, state machines of the local control plane, so event-driven chains of
// workflows run locally.
//
// Requests and responses are the EventBridge API's shapes as generic values; errors are *awserr.Error with
// EventBridge's codes.
package eventbridge

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ohler55/ojg/jp"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/resources/awserr"
)

// Options configures a Broker. The zero value is usable.
type Options struct {
	// Region and Account are the events' and ARNs'; us-east-1 and 123456789012 when empty.
	Region, Account string
}

// MaxChain bounds a chain of rule deliveries: an execution a rule started puts an event that a rule sends
// to another execution, and so on. EventBridge itself does not stop a rule that triggers itself (its
// guide: "Avoid writing infinite loops"); aslrun refuses the delivery that would make the chain longer
// than this, so that a run ends. 16 is the chain at which Lambda's recursive loop detection stops.
const MaxChain = 16

// Origin is where a PutEvents comes from.
type Origin struct {
	// Execution is the ARN of the execution that puts the events: its Region and account are the events'
	// (the Broker's when it is no ARN), and the rule deliveries that led to it count towards MaxChain.
	Execution string
	// Now stamps events without a Time.
	Now time.Time
}

// Starter starts an execution of a state machine (an ARN) under a name, with the input a rule gives it.
type Starter func(ctx context.Context, stateMachine, name string, input any) (*Execution, error)

// Execution is an execution a rule started.
type Execution struct {
	Arn string
	// Done is closed when the execution has ended; Status then tells how (SUCCEEDED, FAILED...).
	Done   <-chan struct{}
	Status func() string
}

// Broker holds event buses, their rules and every event put on them. It is safe for concurrent use.
type Broker struct {
	region, account string

	mu      sync.Mutex
	buses   map[string]*bus
	order   []string
	starter Starter
	// chains holds, by execution (chainKey), the chain of rule deliveries that started it: directly, or
	// through a parent that started it with startExecution (Inherit).
	chains map[string]chain
}

// chain is how an execution came to run: the execution whose event began the chain, and how many rule
// deliveries led to it.
type chain struct {
	root  string
	depth int
}

type bus struct {
	name   string
	rules  []*rule
	events []*event
}

type rule struct {
	name    string
	pattern *Pattern
	targets []target
}

// target is a state machine a rule starts, with the event as its input unless input or inputPath says
// otherwise (as a rule target's Input and InputPath do).
type target struct {
	stateMachine string
	input        any
	hasInput     bool
	inputPath    jp.Expr
	raw          map[string]any
}

type event struct {
	envelope   map[string]any
	trace      string
	deliveries []*delivery
	// chain is the putting execution's: a delivery of the event makes it one longer.
	chain chain
}

type delivery struct {
	rule, stateMachine string
	execution          *Execution
	err                string
}

// New returns a Broker with the default event bus.
func New(opts Options) *Broker {
	b := &Broker{region: opts.Region, account: opts.Account, buses: map[string]*bus{}, chains: map[string]chain{}}
	if b.region == "" {
		b.region = "us-east-1"
	}
	if b.account == "" {
		b.account = "123456789012"
	}
	b.bus("default")
	return b
}

// SetStarter sets how rules start their target state machines; without one, a matched event's delivery
// fails and says so in the dump.
func (b *Broker) SetStarter(s Starter) {
	b.mu.Lock()
	b.starter = s
	b.mu.Unlock()
}

// bus finds or creates a bus; mu is held.
func (b *Broker) bus(name string) *bus {
	if x, ok := b.buses[name]; ok {
		return x
	}
	x := &bus{name: name}
	b.buses[name] = x
	b.order = append(b.order, name)
	return x
}

// busName reads an EventBusName: a name or an event bus ARN (arn:aws:events:REGION:ACCOUNT:event-bus/NAME).
func busName(v string) string {
	if v == "" {
		return "default"
	}
	if strings.HasPrefix(v, "arn:") {
		if i := strings.Index(v, ":event-bus/"); i >= 0 {
			return v[i+len(":event-bus/"):]
		}
	}
	return v
}

// maxEntries is PutEvents' limit on entries per request.
const maxEntries = 10

// PutEvents puts the request's Entries on their buses, as EventBridge's PutEvents: an entry without
// Source, DetailType or Detail, or whose Detail is not a JSON object, fails alone with its ErrorCode and
// ErrorMessage, the others get an EventId; FailedEntryCount counts the failed ones. Each event put is
// matched against its bus's rules and sent to their targets.
func (b *Broker) PutEvents(ctx context.Context, request map[string]any, from Origin) (map[string]any, error) {
	for k := range request {
		if k != "Entries" && k != "EndpointId" {
			return nil, awserr.Newf("ValidationException", http.StatusBadRequest, "Unknown parameter %q (PutEvents takes Entries)", k)
		}
	}
	if _, ok := request["EndpointId"]; ok {
		return nil, awserr.New("ValidationException", http.StatusBadRequest, "EndpointId (global endpoints) is not emulated: put the events on a bus of this Region")
	}
	entries, ok := request["Entries"].([]any)
	switch {
	case !ok && request["Entries"] == nil:
		return nil, awserr.New("ValidationException", http.StatusBadRequest,
			"1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null")
	case !ok:
		return nil, awserr.New("ValidationException", http.StatusBadRequest, "Entries must be a list of PutEventsRequestEntry")
	case len(entries) == 0 || len(entries) > maxEntries:
		return nil, awserr.Newf("ValidationException", http.StatusBadRequest,
			"1 validation error detected: Value '%s' at 'entries' failed to satisfy constraint: Member must have length less than or equal to %d and greater than or equal to 1",
			value.JSON(entries), maxEntries)
	}
	region, account := b.origin(from.Execution)
	b.mu.Lock()
	ch, ok := b.chains[chainKey(from.Execution)]
	b.mu.Unlock()
	if !ok {
		ch = chain{root: from.Execution}
	}
	results := make([]any, len(entries))
	failed := int64(0)
	var put []*event
	var busOf []string
	for i, e := range entries {
		entry, ok := e.(map[string]any)
		if !ok {
			return nil, awserr.Newf("ValidationException", http.StatusBadRequest, "Entries[%d] must be an object, not %s", i, value.JSON(e))
		}
		ev, bus, err := newEvent(entry, from.Now, region, account)
		var rejected *entryError
		if errors.As(err, &rejected) {
			results[i] = map[string]any{"ErrorCode": rejected.code, "ErrorMessage": rejected.message}
			failed++
			continue
		}
		if err != nil {
			return nil, awserr.Newf("ValidationException", http.StatusBadRequest, "Entries[%d]: %v", i, err)
		}
		results[i] = map[string]any{"EventId": ev.envelope["id"]}
		ev.chain = ch
		put = append(put, ev)
		busOf = append(busOf, bus)
	}
	for i, ev := range put {
		b.deliver(ctx, busOf[i], ev)
	}
	return map[string]any{"Entries": results, "FailedEntryCount": failed}, nil
}

// entryError fails one entry of a PutEvents, with EventBridge's ErrorCode and ErrorMessage.
type entryError struct{ code, message string }

func (e *entryError) Error() string { return e.code + ": " + e.message }

// origin is the Region and account of the execution an ARN names (arn:aws:states:REGION:ACCOUNT:...), or
// the Broker's.
func (b *Broker) origin(arn string) (region, account string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[2] == "states" && parts[3] != "" && parts[4] != "" {
		return parts[3], parts[4]
	}
	return b.region, b.account
}

// Inherit counts the execution name of stateMachine (an ARN, with or without a version or alias), which
// the execution parent is about to start (states:startExecution), as part of its parent's chain of rule
// deliveries, so that a loop through a nested execution is bounded too. It is called before the child
// starts, so the child's events cannot come first.
func (b *Broker) Inherit(parent, stateMachine, name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ch, ok := b.chains[chainKey(parent)]; ok {
		b.chains[machineName(stateMachine)+":"+name] = ch
	}
}

// machineName is the name of the state machine an ARN names, without its version or alias.
func machineName(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[5] != "stateMachine" {
		return arn
	}
	return parts[6]
}

// chainKey identifies an execution by its state machine's name and its own, which its ARN ends with
// (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME, or express:...).
func chainKey(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) != 8 {
		return arn
	}
	return parts[6] + ":" + parts[7]
}

// newEvent checks one entry and builds its event, in the Region and account given, and the name of its
// bus. An *entryError fails the entry alone; any other error is a field of the wrong type, which the API
// refuses as a whole.
func newEvent(entry map[string]any, now time.Time, region, account string) (*event, string, error) {
	strs := map[string]string{}
	for k, v := range entry {
		switch k {
		case "Source", "DetailType", "Detail", "EventBusName", "TraceHeader":
			s, ok := v.(string)
			if !ok {
				return nil, "", fmt.Errorf("%s must be a string, not %s", k, value.JSON(v))
			}
			strs[k] = s
		case "Resources", "Time":
		default:
			return nil, "", fmt.Errorf("unknown field %q (a PutEventsRequestEntry has Source, DetailType, Detail, EventBusName, Resources, Time and TraceHeader)", k)
		}
	}
	resources := []any{}
	if raw, ok := entry["Resources"]; ok {
		list, ok := raw.([]any)
		if !ok {
			return nil, "", fmt.Errorf("Resources must be a list of strings, not %s", value.JSON(raw))
		}
		for _, r := range list {
			if _, ok := r.(string); !ok {
				return nil, "", fmt.Errorf("Resources must be a list of strings, not %s", value.JSON(raw))
			}
		}
		resources = list
	}
	at := now
	if raw, ok := entry["Time"]; ok {
		var err error
		if at, err = eventTime(raw); err != nil {
			return nil, "", err
		}
	}
	// The messages are EventBridge's.
	for _, k := range []string{"Source", "DetailType", "Detail"} {
		if strs[k] == "" {
			return nil, "", &entryError{"InvalidArgument", fmt.Sprintf("Parameter %s is not valid. Reason: %s is a required argument.", k, k)}
		}
	}
	detail, err := source.DecodePlain([]byte(strs["Detail"]))
	if _, isObject := detail.(map[string]any); err != nil || !isObject { // the API reference: "a valid JSON object"
		return nil, "", &entryError{"MalformedDetail", "Detail is malformed."}
	}
	return &event{
		envelope: map[string]any{
			"version": "0", "id": newUUID(), "detail-type": strs["DetailType"], "source": strs["Source"],
			"account": account, "time": at.UTC().Format("2006-01-02T15:04:05Z"), "region": region,
			"resources": resources, "detail": detail,
		},
		trace: strs["TraceHeader"],
	}, busName(strs["EventBusName"]), nil
}

// eventTime reads an entry's Time: seconds since the epoch, as the SDKs send it, or RFC 3339 text.
func eventTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case int64:
		return time.Unix(t, 0), nil
	case float64:
		return time.Unix(0, int64(t*float64(time.Second))), nil
	case string:
		if at, err := time.Parse(time.RFC3339, t); err == nil {
			return at, nil
		}
	}
	return time.Time{}, fmt.Errorf("Time must be a timestamp (seconds since the epoch, or RFC 3339 text), not %s", value.JSON(v))
}

// deliver records the event on its bus and starts the targets of the rules that match it.
func (b *Broker) deliver(ctx context.Context, name string, ev *event) {
	b.mu.Lock()
	x := b.bus(name)
	x.events = append(x.events, ev)
	rules := append([]*rule(nil), x.rules...)
	starter := b.starter
	b.mu.Unlock()
	for _, r := range rules {
		if !r.pattern.Match(ev.envelope) {
			continue
		}
		for _, t := range r.targets {
			d := &delivery{rule: r.name, stateMachine: t.stateMachine}
			input, err := t.inputOf(ev.envelope)
			switch {
			case err != nil:
				d.err = err.Error()
			case starter == nil:
				d.err = "no state machines can be started here"
			case ev.chain.depth >= MaxChain:
				d.err = fmt.Sprintf("not started: the chain of rule deliveries that began with an event of %s has reached %d, "+
					"aslrun's limit (a rule whose target puts events that it matches again loops forever, which EventBridge "+
					"does not stop)", rootName(ev.chain.root), MaxChain)
			default:
				// The execution is named here (as EventBridge's target would have Step Functions name it),
				// so that its place in the chain is known before it runs.
				machine, name := b.machineArn(t.stateMachine, ev.envelope), newUUID()
				b.mu.Lock()
				b.chains[machineName(machine)+":"+name] = chain{root: ev.chain.root, depth: ev.chain.depth + 1}
				b.mu.Unlock()
				exec, err := starter(ctx, machine, name, input)
				if err != nil {
					d.err = err.Error()
				}
				d.execution = exec
			}
			b.mu.Lock()
			ev.deliveries = append(ev.deliveries, d)
			b.mu.Unlock()
		}
	}
}

// machineArn is the ARN of a target's state machine, given by ARN or by name: in the event's Region and
// account, as a rule's target is.
func (b *Broker) machineArn(name string, envelope map[string]any) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	region, _ := envelope["region"].(string)
	account, _ := envelope["account"].(string)
	return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", region, account, name)
}

// rootName names the execution that began a chain.
func rootName(arn string) string {
	if arn == "" {
		return "a caller outside any execution"
	}
	return arn
}

func (t target) inputOf(envelope map[string]any) (any, error) {
	switch {
	case t.hasInput:
		return t.input, nil
	case t.inputPath != nil:
		got := t.inputPath.Get(envelope)
		if len(got) == 0 {
			return nil, fmt.Errorf("the target's inputPath %s selects nothing in the event", t.inputPath)
		}
		return got[0], nil
	}
	return envelope, nil
}

// Wait returns when every execution the rules started has ended, those started meanwhile included, or
// when ctx ends.
func (b *Broker) Wait(ctx context.Context) error {
	for {
		var pending []<-chan struct{}
		b.mu.Lock()
		for _, x := range b.buses {
			for _, ev := range x.events {
				for _, d := range ev.deliveries {
					if d.execution != nil {
						select {
						case <-d.execution.Done:
						default:
							pending = append(pending, d.execution.Done)
						}
					}
				}
			}
		}
		b.mu.Unlock()
		if len(pending) == 0 {
			return nil
		}
		for _, ch := range pending {
			select {
			case <-ch:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}
