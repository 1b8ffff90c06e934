package sqs

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDump(t *testing.T) {
	clock := newClock()
	b := newTestBroker(t, clock, "b-queue", "a-queue")
	send(t, b, map[string]any{"QueueUrl": "b-queue", "MessageBody": "first", "MessageAttributes": map[string]any{
		"k": map[string]any{"DataType": "String", "StringValue": "v"},
	}}, nil)
	send(t, b, map[string]any{"QueueUrl": "b-queue", "MessageBody": "second"}, nil)
	send(t, b, map[string]any{"QueueUrl": "b-queue", "MessageBody": "third", "DelaySeconds": int64(10)}, nil)
	msgs, err := b.ReceiveMessage(context.Background(), "b-queue", 1, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 1)

	sent := clock.Now().UnixMilli()
	want := map[string]any{
		"a-queue": map[string]any{
			"Url": "https://sqs.us-east-1.amazonaws.com/123456789012/a-queue", "Arn": "arn:aws:sqs:us-east-1:123456789012:a-queue",
			"Messages": []any{},
		},
		"b-queue": map[string]any{
			"Url": "https://sqs.us-east-1.amazonaws.com/123456789012/b-queue", "Arn": "arn:aws:sqs:us-east-1:123456789012:b-queue",
			"Messages": []any{
				map[string]any{
					"MessageId": msgs[0].MessageId, "Body": "first", "MD5OfBody": md5hex("first"),
					"MD5OfMessageAttributes": msgs[0].MD5OfMessageAttributes,
					"MessageAttributes":      map[string]any{"k": map[string]any{"DataType": "String", "StringValue": "v"}},
					"Attributes": map[string]any{
						"SenderId": "123456789012", "SentTimestamp": itoa(sent), "ApproximateReceiveCount": "1",
						"ApproximateFirstReceiveTimestamp": itoa(sent),
					},
					"Status": "in-flight", "ReceiveCount": int64(1),
				},
				map[string]any{
					"MessageId": messages(t, b, "b-queue")[1].(map[string]any)["MessageId"], "Body": "second", "MD5OfBody": md5hex("second"),
					"Attributes": map[string]any{"SenderId": "123456789012", "SentTimestamp": itoa(sent), "ApproximateReceiveCount": "0"},
					"Status":     "available", "ReceiveCount": int64(0),
				},
				map[string]any{
					"MessageId": messages(t, b, "b-queue")[2].(map[string]any)["MessageId"], "Body": "third", "MD5OfBody": md5hex("third"),
					"Attributes": map[string]any{"SenderId": "123456789012", "SentTimestamp": itoa(sent), "ApproximateReceiveCount": "0"},
					"Status":     "delayed", "ReceiveCount": int64(0),
				},
			},
		},
	}
	assert.Equal(t, want, b.Dump())
	assert.NotPanics(t, func() { oj.JSON(b.Dump()) }, "plain JSON values")

	clock.Advance(time.Minute)
	statuses := []any{}
	for _, m := range messages(t, b, "b-queue") {
		statuses = append(statuses, m.(map[string]any)["Status"])
	}
	assert.Equal(t, []any{"available", "available", "available"}, statuses, "after the visibility timeout and the delay")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestLoadFixtures(t *testing.T) {
	fixtures, err := oj.ParseString(`{"queues": ["orders", {"Name": "jobs.fifo", "Attributes": {"ContentBasedDeduplication": true, "VisibilityTimeout": 5}}]}`)
	require.NoError(t, err)
	b := New(Options{})
	require.NoError(t, b.LoadFixtures(fixtures))
	require.NoError(t, b.LoadFixtures(nil))
	dump := b.Dump()
	assert.Contains(t, dump, "orders")
	assert.Contains(t, dump, "jobs.fifo")
	_, err = b.SendMessage(context.Background(), map[string]any{"QueueUrl": "jobs.fifo", "MessageBody": "x", "MessageGroupId": "g"}, nil)
	require.NoError(t, err, "content-based deduplication from the fixture")

	tests := []struct {
		name, fixtures, want string
	}{
		{"not an object", `[]`, `sqs fixtures: want an object, got []`},
		{"unknown field", `{"topics": []}`, `sqs fixtures: unknown field "topics"`},
		{"queues not an array", `{"queues": "orders"}`, `sqs fixtures: queues: want an array`},
		{"entry of the wrong type", `{"queues": [1]}`, `sqs fixtures: queues[0]: want a queue name or {"Name", "Attributes"}, got 1`},
		{"entry without a name", `{"queues": [{"Attributes": {}}]}`, `sqs fixtures: queues[0]: want a Name`},
		{"entry with an unknown field", `{"queues": [{"Name": "x", "Tags": {}}]}`, `sqs fixtures: queues[0]: unknown field "Tags"`},
		{"attributes not an object", `{"queues": [{"Name": "x", "Attributes": 1}]}`, `sqs fixtures: queues[0]: Attributes: want an object`},
		{"bad queue", `{"queues": ["ok", "a b"]}`, `sqs fixtures: queues[1]: InvalidParameterValue: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := oj.ParseString(tt.fixtures)
			require.NoError(t, err)
			assert.EqualError(t, New(Options{}).LoadFixtures(v), tt.want)
		})
	}
}
