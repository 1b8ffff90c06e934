package sns

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/awserr"
)

const arn = "arn:aws:sns:us-east-1:123456789012:orders"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// holds counts hold and release calls, as the emulator's busy tracking would.
type holds struct{ held, released atomic.Int32 }

func (h *holds) hold() func() {
	h.held.Add(1)
	return func() { h.released.Add(1) }
}

func (h *holds) busy() int32 { return h.held.Load() - h.released.Load() }

type clock struct{ t atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.t.Store(time.Date(2026, 3, 1, 12, 0, 0, 123e6, time.UTC).UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.t.Add(int64(d)) }

func newTestBroker(t *testing.T, c *clock, topics ...string) *Broker {
	t.Helper()
	b := New(Options{Now: c.Now})
	for _, name := range topics {
		_, err := b.CreateTopic(name)
		require.NoError(t, err)
	}
	return b
}

func requireAWSError(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	var e *awserr.Error
	require.True(t, errors.As(err, &e), "want *awserr.Error, got %v", err)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, status, e.Status)
	assert.Equal(t, message, e.Message)
}

func messagesOf(t *testing.T, b *Broker, key string) []any {
	t.Helper()
	entry, ok := b.Dump()[key].(map[string]any)
	require.True(t, ok, "%s in dump", key)
	return entry["Messages"].([]any)
}

func TestPublishResponse(t *testing.T) {
	tests := []struct {
		name        string
		request     map[string]any
		topic       string
		wantMessage string
		wantSeq     bool
	}{
		{"by TopicArn", map[string]any{"TopicArn": arn, "Message": "hello"}, "orders", "hello", false},
		{"by TargetArn", map[string]any{"TargetArn": arn, "Message": "hello"}, "orders", "hello", false},
		{"by name", map[string]any{"TopicArn": "orders", "Message": "hello"}, "orders", "hello", false},
		{"object message is compact JSON", map[string]any{"TopicArn": arn, "Message": map[string]any{"b": []any{int64(1), nil}, "a": "<x>"}},
			"orders", `{"a":"<x>","b":[1,null]}`, false},
		{"number message", map[string]any{"TopicArn": arn, "Message": 2.5}, "orders", "2.5", false},
		{"with subject and attributes", map[string]any{"TopicArn": arn, "Message": "m", "Subject": "Order shipped",
			"MessageAttributes": map[string]any{"kind": map[string]any{"DataType": "String", "StringValue": "ship"}}}, "orders", "m", false},
		{"FIFO", map[string]any{"TopicArn": "orders.fifo", "Message": "m", "MessageGroupId": "g", "MessageDeduplicationId": "d"}, "orders.fifo", "m", true},
		{"MessageGroupId on a standard topic", map[string]any{"TopicArn": arn, "Message": "m", "MessageGroupId": "tenant"}, "orders", "m", false},
		{"message structure", map[string]any{"TopicArn": arn, "MessageStructure": "json", "Message": map[string]any{"default": "d", "sqs": "q", "email": int64(3)}},
			"orders", `{"default":"d","email":3,"sqs":"q"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBroker(t, newClock(), "orders", "orders.fifo")
			resp, err := b.Publish(context.Background(), tt.request, nil)
			require.NoError(t, err)
			assert.Regexp(t, uuidRE, resp["MessageId"])
			if tt.wantSeq {
				assert.Len(t, resp, 2)
				assert.Regexp(t, `^\d{20}$`, resp["SequenceNumber"])
			} else {
				assert.Len(t, resp, 1)
			}
			msgs := messagesOf(t, b, tt.topic)
			require.Len(t, msgs, 1)
			assert.Equal(t, tt.wantMessage, msgs[0].(map[string]any)["Message"])
			assert.Equal(t, resp["MessageId"], msgs[0].(map[string]any)["MessageId"])
		})
	}
}

func TestPublishErrors(t *testing.T) {
	long := strings.Repeat("x", defaultMaxSize+1)
	tests := []struct {
		name    string
		request map[string]any
		code    string
		status  int
		message string
	}{
		{"unknown topic", map[string]any{"TopicArn": "arn:aws:sns:us-east-1:123456789012:nope", "Message": "m"},
			"NotFound", 404, "Topic does not exist"},
		{"no target", map[string]any{"Message": "m"},
			"InvalidParameter", 400, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"},
		{"missing message", map[string]any{"TopicArn": arn},
			"InvalidParameter", 400, "Invalid parameter: Empty message"},
		{"empty message", map[string]any{"TopicArn": arn, "Message": ""},
			"InvalidParameter", 400, "Invalid parameter: Empty message"},
		{"message too long", map[string]any{"TopicArn": arn, "Message": long},
			"InvalidParameter", 400, "Invalid parameter: Message too long"},
		{"attributes count toward the size", map[string]any{"TopicArn": arn, "Message": long[:defaultMaxSize-5],
			"MessageAttributes": map[string]any{"abc": map[string]any{"DataType": "String", "StringValue": "v"}}},
			"InvalidParameter", 400, "Invalid parameter: Message too long"},
		{"empty subject", map[string]any{"TopicArn": arn, "Message": "m", "Subject": ""},
			"InvalidParameter", 400, "Invalid parameter: Subject"},
		{"subject with a line break", map[string]any{"TopicArn": arn, "Message": "m", "Subject": "a\nb"},
			"InvalidParameter", 400, "Invalid parameter: Subject"},
		{"subject too long", map[string]any{"TopicArn": arn, "Message": "m", "Subject": strings.Repeat("s", 101)},
			"InvalidParameter", 400, "Invalid parameter: Subject"},
		{"structure without default", map[string]any{"TopicArn": arn, "MessageStructure": "json", "Message": `{"sqs":"q"}`},
			"InvalidParameter", 400, "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{"structure with a non-string default", map[string]any{"TopicArn": arn, "MessageStructure": "json", "Message": map[string]any{"default": 1.0}},
			"InvalidParameter", 400, "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{"structure not JSON", map[string]any{"TopicArn": arn, "MessageStructure": "json", "Message": "hello"},
			"InvalidParameter", 400, "Invalid parameter: Message Structure - JSON message body failed to parse"},
		{"structure an array", map[string]any{"TopicArn": arn, "MessageStructure": "json", "Message": []any{"default"}},
			"InvalidParameter", 400, "Invalid parameter: Message Structure - JSON message body failed to parse"},
		{"unknown structure", map[string]any{"TopicArn": arn, "MessageStructure": "xml", "Message": "m"},
			"InvalidParameter", 400, "Invalid parameter: MessageStructure"},
		{"FIFO without group", map[string]any{"TopicArn": "orders.fifo", "Message": "m", "MessageDeduplicationId": "d"},
			"InvalidParameter", 400, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"},
		{"FIFO without deduplication", map[string]any{"TopicArn": "orders.fifo", "Message": "m", "MessageGroupId": "g"},
			"InvalidParameter", 400, "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"},
		{"deduplication on a standard topic", map[string]any{"TopicArn": arn, "Message": "m", "MessageDeduplicationId": "d"},
			"InvalidParameter", 400, "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"},
		{"attribute of unknown type", map[string]any{"TopicArn": arn, "Message": "m", "MessageAttributes": map[string]any{"a": map[string]any{"DataType": "Text", "StringValue": "v"}}},
			"ParameterValueInvalid", 400, "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
		{"attribute with the wrong field", map[string]any{"TopicArn": arn, "Message": "m", "MessageAttributes": map[string]any{"a": map[string]any{"DataType": "Binary", "StringValue": "v"}}},
			"ParameterValueInvalid", 400, "The message attribute 'a' with type 'Binary' must use field 'Binary'."},
		{"attribute without value", map[string]any{"TopicArn": arn, "Message": "m", "MessageAttributes": map[string]any{"a": map[string]any{"DataType": "String", "StringValue": ""}}},
			"ParameterValueInvalid", 400, "The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'."},
		{"attribute without type", map[string]any{"TopicArn": arn, "Message": "m", "MessageAttributes": map[string]any{"a": "v"}},
			"ParameterValueInvalid", 400, "The message attribute 'a' must contain non-empty message attribute type."},
		{"attributes not an object", map[string]any{"TopicArn": arn, "Message": "m", "MessageAttributes": "a"},
			"InvalidParameter", 400, "Invalid parameter: MessageAttributes"},
		{"bad phone number", map[string]any{"PhoneNumber": "555", "Message": "m"},
			"InvalidParameter", 400, "Invalid parameter: PhoneNumber Reason: 555 is not valid to publish to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBroker(t, newClock(), "orders", "orders.fifo")
			resp, err := b.Publish(context.Background(), tt.request, nil)
			assert.Nil(t, resp)
			requireAWSError(t, err, tt.code, tt.status, tt.message)
			assert.Empty(t, messagesOf(t, b, "orders"))
			assert.Empty(t, messagesOf(t, b, "orders.fifo"))
		})
	}
}

func TestPublishAutoCreate(t *testing.T) {
	b := New(Options{AutoCreate: true})
	resp, err := b.Publish(context.Background(), map[string]any{"TopicArn": "arn:aws:sns:us-east-1:123456789012:events.fifo", "Message": "m",
		"MessageGroupId": "g", "MessageDeduplicationId": "d"}, nil)
	require.NoError(t, err)
	assert.Contains(t, resp, "SequenceNumber", "created as a FIFO topic")
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:events.fifo", b.Dump()["events.fifo"].(map[string]any)["Arn"])
	// Any region and account reach the topic of that name, as the literal {region}/{account} of a definition do.
	_, err = b.Publish(context.Background(), map[string]any{"TopicArn": "arn:aws:sns:{region}:{account}:events.fifo", "Message": "m",
		"MessageGroupId": "g", "MessageDeduplicationId": "d2"}, nil)
	require.NoError(t, err)
	assert.Len(t, b.Dump()["events.fifo"].(map[string]any)["Messages"], 2)
}

func TestFIFODeduplication(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c)
	require.NoError(t, b.LoadFixtures(map[string]any{"topics": []any{
		map[string]any{"Name": "t.fifo", "Attributes": map[string]any{"ContentBasedDeduplication": true}},
	}}, nil))
	publish := func(message string) map[string]any {
		resp, err := b.Publish(context.Background(), map[string]any{"TopicArn": "t.fifo", "Message": message, "MessageGroupId": "g"}, nil)
		require.NoError(t, err)
		return resp
	}
	first := publish("a")
	assert.Equal(t, first, publish("a"), "a duplicate is accepted and answered as the first")
	second := publish("b")
	assert.Greater(t, second["SequenceNumber"], first["SequenceNumber"])
	c.Advance(dedupWindow)
	assert.NotEqual(t, first["MessageId"], publish("a")["MessageId"])
	assert.Len(t, messagesOf(t, b, "t.fifo"), 3)
}

func TestCreateTopic(t *testing.T) {
	b := New(Options{Region: "eu-west-1", Account: "111122223333"})
	got, err := b.CreateTopic("orders")
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sns:eu-west-1:111122223333:orders", got)
	again, err := b.CreateTopic("orders")
	require.NoError(t, err)
	assert.Equal(t, got, again)
	for _, name := range []string{"", "a b", strings.Repeat("t", 257), ".fifo"} {
		_, err := b.CreateTopic(name)
		requireAWSError(t, err, "InvalidParameter", 400, "Invalid parameter: Topic Name")
	}
}

func TestPublishSMS(t *testing.T) {
	b := newTestBroker(t, newClock())
	resp, err := b.Publish(context.Background(), map[string]any{"PhoneNumber": "+15555550100", "Message": "your parcel left"}, nil)
	require.NoError(t, err)
	assert.Regexp(t, uuidRE, resp["MessageId"])
	entry := b.Dump()["+15555550100"].(map[string]any)
	assert.Equal(t, "+15555550100", entry["PhoneNumber"])
	msgs := entry["Messages"].([]any)
	require.Len(t, msgs, 1)
	assert.Equal(t, "your parcel left", msgs[0].(map[string]any)["Message"])
	assert.NotContains(t, msgs[0], "Deliveries")
}

func TestParseStructureKeepsOnlyStrings(t *testing.T) {
	got, err := parseStructure(`{"default":"d","sqs":"q","lambda":{"x":1}}`)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"default": "d", "sqs": "q"}, got)
	_, err = parseStructure(`null`)
	requireAWSError(t, err, "InvalidParameter", 400, "Invalid parameter: Message Structure - JSON message body failed to parse")
}

// Odd JSON values anywhere in a request give errors, never panics.
func TestPublishOddInputs(t *testing.T) {
	b := newTestBroker(t, newClock(), "orders", "orders.fifo")
	b.Subscribe("orders", func(context.Context, Notification) error { return nil })
	odd := []any{nil, true, int64(-1), 1e300, "", "json", "orders", []any{nil}, map[string]any{"": nil, "x": map[string]any{"DataType": 1}}}
	keys := []string{"TopicArn", "TargetArn", "PhoneNumber", "Message", "Subject", "MessageAttributes", "MessageStructure", "MessageGroupId", "MessageDeduplicationId"}
	noRelease := func() func() { return nil }
	for _, key := range keys {
		for _, v := range odd {
			request := map[string]any{"TopicArn": "orders", "Message": "x", key: v}
			assert.NotPanics(t, func() { _, _ = b.Publish(context.Background(), request, noRelease) }, "%s: %#v", key, v)
			request["TopicArn"] = "orders.fifo"
			assert.NotPanics(t, func() { _, _ = b.Publish(context.Background(), request, nil) }, "%s: %#v", key, v)
		}
	}
	assert.NotPanics(t, func() { _, _ = b.Publish(context.Background(), nil, nil) })
}
