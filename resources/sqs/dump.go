package sqs

import (
	"fmt"
	"sort"
	"time"
)

// Dump returns every queue and every message ever sent to it, for inspection after a run:
// queue name -> {"Url", "Arn", "Messages": [{"MessageId", "Body", "MD5OfBody", "MD5OfMessageAttributes",
// "MessageAttributes", "Attributes", "Status", "ReceiveCount", "WorkerError"}]}, messages in sending order.
// Status is "available", "delayed", "in-flight" or "deleted"; empty fields are left out.
func (b *Broker) Dump() map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	out := make(map[string]any, len(b.queues))
	for _, name := range b.order {
		q := b.queues[name]
		msgs := make([]any, 0, len(q.messages))
		for _, m := range q.messages {
			msgs = append(msgs, dumpMessage(b.view(q, m), m, now))
		}
		out[name] = map[string]any{"Url": q.url, "Arn": q.arn, "Messages": msgs}
	}
	return out
}

func dumpMessage(v Message, m *message, now time.Time) map[string]any {
	attributes := make(map[string]any, len(v.Attributes))
	for k, s := range v.Attributes {
		attributes[k] = s
	}
	if m.receiveCount == 0 {
		delete(attributes, "ApproximateFirstReceiveTimestamp")
	}
	entry := map[string]any{
		"MessageId": v.MessageId, "Body": v.Body, "MD5OfBody": v.MD5OfBody,
		"Attributes": attributes, "Status": m.status(now), "ReceiveCount": int64(m.receiveCount),
	}
	if v.MD5OfMessageAttributes != "" {
		entry["MD5OfMessageAttributes"] = v.MD5OfMessageAttributes
		entry["MessageAttributes"] = v.MessageAttributes
	}
	if m.workerErr != "" {
		entry["WorkerError"] = m.workerErr
	}
	return entry
}

func (m *message) status(now time.Time) string {
	switch {
	case m.deleted:
		return "deleted"
	case m.delivering || m.receiveCount > 0 && now.Before(m.visibleAt):
		return "in-flight"
	case now.Before(m.visibleAt):
		return "delayed"
	}
	return "available"
}

// LoadFixtures creates the queues of a fixtures file's "sqs" section:
// {"queues": ["name", {"Name": "x.fifo", "Attributes": {"VisibilityTimeout": "60", ...}}]}.
// Attribute values may be JSON numbers or booleans; they are used as their JSON text.
func (b *Broker) LoadFixtures(v any) error {
	if v == nil {
		return nil
	}
	section, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("sqs fixtures: want an object, got %s", jsonText(v))
	}
	for key := range section {
		if key != "queues" {
			return fmt.Errorf("sqs fixtures: unknown field %q", key)
		}
	}
	queues, ok := section["queues"].([]any)
	if !ok && section["queues"] != nil {
		return fmt.Errorf("sqs fixtures: queues: want an array")
	}
	for i, entry := range queues {
		name, attributes, err := fixtureQueue(entry)
		if err == nil {
			_, err = b.CreateQueue(name, attributes)
		}
		if err != nil {
			return fmt.Errorf("sqs fixtures: queues[%d]: %w", i, err)
		}
	}
	return nil
}

func fixtureQueue(entry any) (string, map[string]string, error) {
	switch x := entry.(type) {
	case string:
		return x, nil, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k != "Name" && k != "Attributes" {
				return "", nil, fmt.Errorf("unknown field %q", k)
			}
		}
		name, _ := x["Name"].(string)
		if name == "" {
			return "", nil, fmt.Errorf("want a Name")
		}
		raw, ok := x["Attributes"].(map[string]any)
		if !ok && x["Attributes"] != nil {
			return "", nil, fmt.Errorf("Attributes: want an object")
		}
		attributes := make(map[string]string, len(raw))
		for k, v := range raw {
			if s, ok := v.(string); ok {
				attributes[k] = s
			} else {
				attributes[k] = jsonText(v)
			}
		}
		return name, attributes, nil
	}
	return "", nil, fmt.Errorf("want a queue name or {\"Name\", \"Attributes\"}, got %s", jsonText(entry))
}
