package sns

import (
	"context"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/sqs"
)

func TestDump(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c, "b-topic", "a-topic")
	first, err := b.Publish(context.Background(), map[string]any{"TopicArn": "b-topic", "Message": "first", "Subject": "S",
		"MessageAttributes": map[string]any{"k": map[string]any{"DataType": "String", "StringValue": "v"}}}, nil)
	require.NoError(t, err)
	second, err := b.Publish(context.Background(), map[string]any{"TopicArn": "b-topic", "Message": `{"default":"d"}`, "MessageStructure": "json"}, nil)
	require.NoError(t, err)

	want := map[string]any{
		"a-topic": map[string]any{"Arn": "arn:aws:sns:us-east-1:123456789012:a-topic", "Messages": []any{}},
		"b-topic": map[string]any{"Arn": "arn:aws:sns:us-east-1:123456789012:b-topic", "Messages": []any{
			map[string]any{
				"MessageId": first["MessageId"], "Message": "first", "Subject": "S", "Timestamp": "2026-03-01T12:00:00.123Z",
				"MessageAttributes": map[string]any{"k": map[string]any{"DataType": "String", "StringValue": "v"}},
				"Deliveries":        []any{},
			},
			map[string]any{
				"MessageId": second["MessageId"], "Message": `{"default":"d"}`, "MessageStructure": "json",
				"Timestamp": "2026-03-01T12:00:00.123Z", "Deliveries": []any{},
			},
		}},
	}
	assert.Equal(t, want, b.Dump())
	assert.NotPanics(t, func() { oj.JSON(b.Dump()) }, "plain JSON values")
}

func TestLoadFixtures(t *testing.T) {
	c := newClock()
	q := newQueues(t, c)
	require.NoError(t, q.LoadFixtures(map[string]any{"queues": []any{"courier", "audit"}}))
	fixtures, err := oj.ParseString(`{
		"topics": ["orders", {"Name": "events.fifo", "Attributes": {"ContentBasedDeduplication": true}}],
		"subscriptions": [{"Topic": "orders", "Queue": "courier", "Raw": true}, {"Topic": "orders", "Queue": "audit"}]
	}`)
	require.NoError(t, err)
	b := newTestBroker(t, c)
	require.NoError(t, b.LoadFixtures(fixtures, q))
	require.NoError(t, b.LoadFixtures(nil, nil))

	_, err = b.Publish(context.Background(), map[string]any{"TopicArn": "orders", "Message": "m"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "m", receiveOne(t, q, "courier").Body)
	assert.Contains(t, receiveOne(t, q, "audit").Body, `"Type" : "Notification"`)
	_, err = b.Publish(context.Background(), map[string]any{"TopicArn": "events.fifo", "Message": "m", "MessageGroupId": "g"}, nil)
	require.NoError(t, err, "content-based deduplication from the fixture")

	tests := []struct {
		name, fixtures, want string
		queues               *sqs.Broker
	}{
		{"not an object", `"x"`, `sns fixtures: want an object, got "x"`, q},
		{"unknown field", `{"queues": []}`, `sns fixtures: unknown field "queues"`, q},
		{"topics not an array", `{"topics": {}}`, `sns fixtures: topics: want an array`, q},
		{"subscriptions not an array", `{"subscriptions": 1}`, `sns fixtures: subscriptions: want an array`, q},
		{"bad topic entry", `{"topics": [true]}`, `sns fixtures: topics[0]: want a topic name or {"Name", "Attributes"}, got true`, q},
		{"bad topic name", `{"topics": ["a b"]}`, `sns fixtures: topics[0]: InvalidParameter: Invalid parameter: Topic Name`, q},
		{"topic with an unknown field", `{"topics": [{"Name": "t", "Policy": {}}]}`, `sns fixtures: topics[0]: unknown field "Policy"`, q},
		{"topic attributes not an object", `{"topics": [{"Name": "t", "Attributes": []}]}`, `sns fixtures: topics[0]: Attributes: want an object`, q},
		{"bad topic attribute", `{"topics": [{"Name": "t", "Attributes": {"ContentBasedDeduplication": "true"}}]}`,
			`sns fixtures: topics[0]: InvalidParameter: Invalid parameter: Attributes Reason: ContentBasedDeduplication`, q},
		{"bad subscription", `{"subscriptions": ["orders"]}`, `sns fixtures: subscriptions[0]: want {"Topic", "Queue", "Raw"}, got "orders"`, q},
		{"subscription with an unknown field", `{"subscriptions": [{"Topic": "t", "Queue": "q", "Filter": {}}]}`, `sns fixtures: subscriptions[0]: unknown field "Filter"`, q},
		{"subscription without a queue", `{"topics": ["t"], "subscriptions": [{"Topic": "t"}]}`,
			`sns fixtures: subscriptions[0]: want a Topic and a Queue (strings) and an optional Raw (boolean)`, q},
		{"Raw not a boolean", `{"topics": ["t"], "subscriptions": [{"Topic": "t", "Queue": "courier", "Raw": "yes"}]}`,
			`sns fixtures: subscriptions[0]: want a Topic and a Queue (strings) and an optional Raw (boolean)`, q},
		{"unknown topic", `{"subscriptions": [{"Topic": "t", "Queue": "courier"}]}`, `sns fixtures: subscriptions[0]: NotFound: Topic does not exist`, q},
		{"unknown queue", `{"topics": ["t"], "subscriptions": [{"Topic": "t", "Queue": "nope"}]}`,
			`sns fixtures: subscriptions[0]: QueueDoesNotExist: The specified queue does not exist.`, q},
		{"no sqs broker", `{"topics": ["t"], "subscriptions": [{"Topic": "t", "Queue": "courier"}]}`,
			`sns fixtures: subscriptions[0]: sns: SubscribeQueue needs the sqs broker`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := oj.ParseString(tt.fixtures)
			require.NoError(t, err)
			assert.EqualError(t, New(Options{}).LoadFixtures(v, tt.queues), tt.want)
		})
	}
}
