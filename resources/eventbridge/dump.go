package eventbridge

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ohler55/ojg/jp"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// Dump returns every bus, its rules and every event put on it, in order, for inspection after a run:
// bus name -> {"Arn", "Rules": [{"Name", "EventPattern", "Targets"}], "Events": [{"Event": the envelope,
// "TraceHeader", "Deliveries": [{"Rule", "StateMachine", "ExecutionArn", "Status" (the execution's:
// RUNNING, SUCCEEDED, FAILED... or FAILED_TO_START), "Error"}]}]}.
func (b *Broker) Dump() map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]any, len(b.buses))
	for _, name := range b.order {
		x := b.buses[name]
		rules := make([]any, 0, len(x.rules))
		for _, r := range x.rules {
			targets := make([]any, len(r.targets))
			for i, t := range r.targets {
				targets[i] = t.raw
			}
			pattern, _ := source.DecodePlain([]byte(r.pattern.String())) // compact JSON of a valid pattern
			rules = append(rules, map[string]any{"Name": r.name, "EventPattern": pattern, "Targets": targets})
		}
		events := make([]any, 0, len(x.events))
		for _, ev := range x.events {
			deliveries := make([]any, 0, len(ev.deliveries))
			for _, d := range ev.deliveries {
				entry := map[string]any{"Rule": d.rule, "StateMachine": d.stateMachine, "Status": "FAILED_TO_START"}
				if d.execution != nil {
					entry["ExecutionArn"], entry["Status"] = d.execution.Arn, "RUNNING"
					select {
					case <-d.execution.Done:
						entry["Status"] = d.execution.Status()
					default:
					}
				}
				if d.err != "" {
					entry["Error"] = d.err
				}
				deliveries = append(deliveries, entry)
			}
			entry := map[string]any{"Event": ev.envelope, "Deliveries": deliveries}
			if ev.trace != "" {
				entry["TraceHeader"] = ev.trace
			}
			events = append(events, entry)
		}
		out[name] = map[string]any{
			"Arn":   fmt.Sprintf("arn:aws:events:%s:%s:event-bus/%s", b.region, b.account, name),
			"Rules": rules, "Events": events,
		}
	}
	return out
}

// LoadFixtures adds the rules of a fixtures file's "eventbridge" section:
//
//	{"rules": [{"name": "on-order", "eventBusName": "default", "eventPattern": {"source": ["shop"]},
//	            "targets": [{"stateMachine": "fulfil", "input": {...}, "inputPath": "$.detail"}]}]}
//
// eventBusName is optional (default); eventPattern an object or its JSON text; a target's stateMachine a
// name or an ARN, its input the execution's input (default: the event), or inputPath the part of the event
// that is (give at most one of input and inputPath).
func (b *Broker) LoadFixtures(v any) error {
	if v == nil {
		return nil
	}
	section, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("eventbridge fixtures: want an object, got %s", value.JSON(v))
	}
	if err := onlyFields(section, "rules"); err != nil {
		return fmt.Errorf("eventbridge fixtures: %w", err)
	}
	list, ok := section["rules"].([]any)
	if !ok && section["rules"] != nil {
		return errors.New("eventbridge fixtures: rules: want an array")
	}
	rules := make([]*rule, len(list))
	buses := make([]string, len(list))
	seen := map[[2]string]bool{}
	for i, e := range list {
		r, bus, err := fixtureRule(e)
		if err != nil {
			return fmt.Errorf("eventbridge fixtures: rules[%d]: %w", i, err)
		}
		if seen[[2]string{bus, r.name}] {
			return fmt.Errorf("eventbridge fixtures: rules[%d]: the bus %q has two rules named %q", i, bus, r.name)
		}
		seen[[2]string{bus, r.name}] = true
		rules[i], buses[i] = r, bus
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, r := range rules {
		x := b.bus(buses[i])
		for _, old := range x.rules {
			if old.name == r.name {
				return fmt.Errorf("eventbridge fixtures: rules[%d]: the bus %q already has a rule named %q", i, buses[i], r.name)
			}
		}
	}
	for i, r := range rules {
		x := b.bus(buses[i])
		x.rules = append(x.rules, r)
	}
	return nil
}

func fixtureRule(e any) (*rule, string, error) {
	x, ok := e.(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf(`want {"name", "eventBusName", "eventPattern", "targets"}, got %s`, value.JSON(e))
	}
	if err := onlyFields(x, "name", "eventBusName", "eventPattern", "targets"); err != nil {
		return nil, "", err
	}
	name, _ := x["name"].(string)
	if name == "" {
		return nil, "", errors.New(`"name" must be a non-empty string`)
	}
	bus := "default"
	if raw, ok := x["eventBusName"]; ok {
		s, ok := raw.(string)
		if !ok || s == "" {
			return nil, "", fmt.Errorf("rule %q: \"eventBusName\" must be a bus name or ARN", name)
		}
		bus = busName(s)
	}
	if x["eventPattern"] == nil {
		return nil, "", fmt.Errorf("rule %q: \"eventPattern\" is required (rules on a schedule are not emulated)", name)
	}
	pattern, err := CompilePattern(x["eventPattern"])
	if err != nil {
		return nil, "", fmt.Errorf("rule %q: %w", name, err)
	}
	list, _ := x["targets"].([]any)
	if len(list) == 0 {
		return nil, "", fmt.Errorf("rule %q: \"targets\" must be a non-empty array of {\"stateMachine\": NAME or ARN}", name)
	}
	r := &rule{name: name, pattern: pattern}
	for i, e := range list {
		t, err := fixtureTarget(e)
		if err != nil {
			return nil, "", fmt.Errorf("rule %q: targets[%d]: %w", name, i, err)
		}
		r.targets = append(r.targets, t)
	}
	return r, bus, nil
}

func fixtureTarget(e any) (target, error) {
	x, ok := e.(map[string]any)
	if !ok {
		return target{}, fmt.Errorf(`want {"stateMachine": NAME or ARN}, got %s`, value.JSON(e))
	}
	if err := onlyFields(x, "stateMachine", "input", "inputPath"); err != nil {
		return target{}, err
	}
	t := target{raw: x}
	t.stateMachine, _ = x["stateMachine"].(string)
	if t.stateMachine == "" {
		return target{}, errors.New(`"stateMachine" must be the name or ARN of a state machine (only state machines are targets here)`)
	}
	t.input, t.hasInput = x["input"]
	if raw, ok := x["inputPath"]; ok {
		if t.hasInput {
			return target{}, errors.New(`give "input" or "inputPath", not both`)
		}
		s, _ := raw.(string)
		expr, err := jp.ParseString(s)
		if err != nil || s == "" {
			return target{}, fmt.Errorf(`"inputPath" must be a JSONPath such as $.detail, not %s`, value.JSON(raw))
		}
		t.inputPath = expr
	}
	return t, nil
}

func onlyFields(x map[string]any, allowed ...string) error {
	for k := range x {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("unknown field %q (the fields are %v)", k, allowed)
		}
	}
	return nil
}
