package sns

import (
	"fmt"

	"github.com/aslrun/aslrun/resources/sqs"
)

// Dump returns every topic and every message published to it, in order, for inspection after a run:
// topic name -> {"Arn", "Messages": [{"MessageId", "Message", "Subject", "MessageStructure",
// "MessageAttributes", "MessageGroupId", "MessageDeduplicationId", "SequenceNumber", "Timestamp",
// "Deliveries": [{"SubscriptionArn", "Protocol" ("sqs" or "function"), "Endpoint", "Raw", "Status"
// ("pending", "delivered" or "failed"), "Error"}]}]}. Publishes to a phone number are listed under the
// number: "+15555550100" -> {"PhoneNumber", "Messages"}. Empty fields are left out.
func (b *Broker) Dump() map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]any, len(b.topics))
	for _, name := range b.order {
		t := b.topics[name]
		msgs := make([]any, 0, len(t.messages))
		for _, p := range t.messages {
			msgs = append(msgs, p.dump())
		}
		out[name] = map[string]any{"Arn": t.arn, "Messages": msgs}
	}
	for _, p := range b.sms {
		entry, _ := out[p.phone].(map[string]any)
		if entry == nil {
			entry = map[string]any{"PhoneNumber": p.phone, "Messages": []any{}}
			out[p.phone] = entry
		}
		entry["Messages"] = append(entry["Messages"].([]any), p.dump())
	}
	return out
}

func (p *published) dump() map[string]any {
	entry := map[string]any{"MessageId": p.id, "Message": p.message, "Timestamp": p.timestamp.UTC().Format("2006-01-02T15:04:05.000Z")}
	for k, v := range map[string]string{
		"Subject": p.subject, "MessageStructure": p.structure, "MessageGroupId": p.group,
		"MessageDeduplicationId": p.dedupID, "SequenceNumber": p.seq,
	} {
		if v != "" {
			entry[k] = v
		}
	}
	if len(p.attrs) > 0 {
		attrs := make(map[string]any, len(p.attrs))
		for name, a := range p.attrs {
			field := "StringValue"
			if a.binary {
				field = "BinaryValue"
			}
			attrs[name] = map[string]any{"DataType": a.dataType, field: a.value}
		}
		entry["MessageAttributes"] = attrs
	}
	if p.phone == "" {
		deliveries := make([]any, 0, len(p.deliveries))
		for _, r := range p.deliveries {
			d := map[string]any{"SubscriptionArn": r.subscription, "Protocol": r.protocol, "Status": r.status}
			if r.protocol == "sqs" {
				d["Endpoint"], d["Raw"] = r.endpoint, r.raw
			}
			if r.err != "" {
				d["Error"] = r.err
			}
			deliveries = append(deliveries, d)
		}
		entry["Deliveries"] = deliveries
	}
	return entry
}

// LoadFixtures creates the topics and queue subscriptions of a fixtures file's "sns" section:
// {"topics": ["name", {"Name": "x.fifo", "Attributes": {"ContentBasedDeduplication": "true"}}],
// "subscriptions": [{"Topic": "name", "Queue": "queue-name", "Raw": true}]}. The queues are q's, so
// the sqs section is loaded first.
func (b *Broker) LoadFixtures(v any, q *sqs.Broker) error {
	if v == nil {
		return nil
	}
	section, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("sns fixtures: want an object, got %s", jsonText(v))
	}
	for key := range section {
		if key != "topics" && key != "subscriptions" {
			return fmt.Errorf("sns fixtures: unknown field %q", key)
		}
	}
	topics, ok := section["topics"].([]any)
	if !ok && section["topics"] != nil {
		return fmt.Errorf("sns fixtures: topics: want an array")
	}
	for i, entry := range topics {
		if err := b.fixtureTopic(entry); err != nil {
			return fmt.Errorf("sns fixtures: topics[%d]: %w", i, err)
		}
	}
	subs, ok := section["subscriptions"].([]any)
	if !ok && section["subscriptions"] != nil {
		return fmt.Errorf("sns fixtures: subscriptions: want an array")
	}
	for i, entry := range subs {
		if err := b.fixtureSubscription(entry, q); err != nil {
			return fmt.Errorf("sns fixtures: subscriptions[%d]: %w", i, err)
		}
	}
	return nil
}

func (b *Broker) fixtureTopic(entry any) error {
	name, attributes := "", map[string]string{}
	switch x := entry.(type) {
	case string:
		name = x
	case map[string]any:
		if err := onlyFields(x, "Name", "Attributes"); err != nil {
			return err
		}
		name, _ = x["Name"].(string)
		raw, ok := x["Attributes"].(map[string]any)
		if !ok && x["Attributes"] != nil {
			return fmt.Errorf("Attributes: want an object")
		}
		for k, v := range raw {
			if s, ok := v.(string); ok {
				attributes[k] = s
			} else {
				attributes[k] = jsonText(v)
			}
		}
	default:
		return fmt.Errorf("want a topic name or {\"Name\", \"Attributes\"}, got %s", jsonText(entry))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	_, err := b.createTopic(name, attributes)
	return err
}

func (b *Broker) fixtureSubscription(entry any, q *sqs.Broker) error {
	x, ok := entry.(map[string]any)
	if !ok {
		return fmt.Errorf("want {\"Topic\", \"Queue\", \"Raw\"}, got %s", jsonText(entry))
	}
	if err := onlyFields(x, "Topic", "Queue", "Raw"); err != nil {
		return err
	}
	topic, _ := x["Topic"].(string)
	queue, _ := x["Queue"].(string)
	raw, ok := x["Raw"].(bool)
	if topic == "" || queue == "" || (!ok && x["Raw"] != nil) {
		return fmt.Errorf("want a Topic and a Queue (strings) and an optional Raw (boolean)")
	}
	return b.SubscribeQueue(topic, q, queue, raw)
}

func onlyFields(x map[string]any, allowed ...string) error {
	for k := range x {
		known := false
		for _, a := range allowed {
			known = known || k == a
		}
		if !known {
			return fmt.Errorf("unknown field %q", k)
		}
	}
	return nil
}
