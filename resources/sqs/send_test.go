package sqs

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const url = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestSendMessageResponse(t *testing.T) {
	tests := []struct {
		name     string
		queue    string
		request  map[string]any
		wantBody string
		wantKeys []string
	}{
		{
			name:     "string body by URL",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": url, "MessageBody": "test"},
			wantBody: "test",
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:     "by name",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": "orders", "MessageBody": "hello"},
			wantBody: "hello",
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:     "by ARN",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": "arn:aws:sqs:us-east-1:123456789012:orders", "MessageBody": "hello"},
			wantBody: "hello",
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:  "object body is compact JSON",
			queue: "orders",
			request: map[string]any{"QueueUrl": url, "MessageBody": map[string]any{
				"TaskToken": "tok", "order": map[string]any{"id": int64(7), "items": []any{"a", 1.5, true, nil}}, "html": "<&>",
			}},
			wantBody: `{"TaskToken":"tok","html":"<&>","order":{"id":7,"items":["a",1.5,true,null]}}`,
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:     "array body",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": url, "MessageBody": []any{int64(1), "x"}},
			wantBody: `[1,"x"]`,
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:     "number and bool bodies",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": url, "MessageBody": json.Number("12.50")},
			wantBody: `12.50`,
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:     "bool body",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": url, "MessageBody": false},
			wantBody: `false`,
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:  "attributes add their MD5",
			queue: "orders",
			request: map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": map[string]any{
				"timestamp": map[string]any{"DataType": "Number", "StringValue": "1493147359900"},
			}},
			wantBody: "x",
			wantKeys: []string{"MD5OfMessageAttributes", "MD5OfMessageBody", "MessageId"},
		},
		{
			name:     "FIFO adds the sequence number",
			queue:    "orders.fifo",
			request:  map[string]any{"QueueUrl": "orders.fifo", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "d"},
			wantBody: "x",
			wantKeys: []string{"MD5OfMessageBody", "MessageId", "SequenceNumber"},
		},
		{
			name:     "delayed",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": url, "MessageBody": "x", "DelaySeconds": int64(900)},
			wantBody: "x",
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
		{
			name:     "MessageGroupId on a standard queue (fair queues)",
			queue:    "orders",
			request:  map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageGroupId": "tenant-1"},
			wantBody: "x",
			wantKeys: []string{"MD5OfMessageBody", "MessageId"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBroker(t, newClock(), "orders", "orders.fifo")
			resp, err := b.SendMessage(context.Background(), tt.request, nil)
			require.NoError(t, err)
			keys := make([]string, 0, len(resp))
			for k := range resp {
				keys = append(keys, k)
			}
			assert.ElementsMatch(t, tt.wantKeys, keys)
			assert.Regexp(t, uuidRE, resp["MessageId"])
			assert.Equal(t, md5hex(tt.wantBody), resp["MD5OfMessageBody"])
			last := lastStatus(t, b, tt.queue)
			assert.Equal(t, tt.wantBody, last["Body"])
			assert.Equal(t, resp["MessageId"], last["MessageId"])
		})
	}
}

func TestSendMessageKnownMD5s(t *testing.T) {
	b := newTestBroker(t, newClock(), "orders")
	resp, err := b.SendMessage(context.Background(), map[string]any{
		"QueueUrl": url, "MessageBody": "test",
		"MessageAttributes": map[string]any{"timestamp": map[string]any{"DataType": "Number", "StringValue": "1493147359900"}},
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, "098f6bcd4621d373cade4e832627b4f6", resp["MD5OfMessageBody"]) // the SDK's checksum test vector
	assert.Equal(t, "235c5c510d26fb653d073faed50ae77c", resp["MD5OfMessageAttributes"])
}

func TestSendMessageErrors(t *testing.T) {
	long := strings.Repeat("x", defaultMaxSize+1)
	tests := []struct {
		name    string
		request map[string]any
		code    string
		message string
	}{
		{"no queue URL", map[string]any{"MessageBody": "x"},
			"MissingParameter", "The request must contain the parameter QueueUrl."},
		{"unknown queue", map[string]any{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/nope", "MessageBody": "x"},
			"QueueDoesNotExist", "The specified queue does not exist."},
		{"missing body", map[string]any{"QueueUrl": url},
			"MissingParameter", "The request must contain the parameter MessageBody."},
		{"empty body", map[string]any{"QueueUrl": url, "MessageBody": ""},
			"MissingParameter", "The request must contain the parameter MessageBody."},
		{"body too long", map[string]any{"QueueUrl": url, "MessageBody": long},
			"InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes."},
		{"control character", map[string]any{"QueueUrl": url, "MessageBody": "a\x07b"},
			"InvalidMessageContents", "Invalid binary character '#x7' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."},
		{"non-character", map[string]any{"QueueUrl": url, "MessageBody": "a\uFFFFb"},
			"InvalidMessageContents", "Invalid binary character '#xFFFF' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."},
		{"not UTF-8", map[string]any{"QueueUrl": url, "MessageBody": "a\xffb"},
			"InvalidMessageContents", "Invalid binary character '#xFF' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."},
		{"delay too long", map[string]any{"QueueUrl": url, "MessageBody": "x", "DelaySeconds": int64(901)},
			"InvalidParameterValue", "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."},
		{"negative delay", map[string]any{"QueueUrl": url, "MessageBody": "x", "DelaySeconds": -1.0},
			"InvalidParameterValue", "Value -1 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."},
		{"fractional delay", map[string]any{"QueueUrl": url, "MessageBody": "x", "DelaySeconds": 1.5},
			"InvalidParameterValue", "Value 1.5 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."},
		{"FIFO without group", map[string]any{"QueueUrl": "orders.fifo", "MessageBody": "x", "MessageDeduplicationId": "d"},
			"MissingParameter", "The request must contain the parameter MessageGroupId."},
		{"FIFO without deduplication", map[string]any{"QueueUrl": "orders.fifo", "MessageBody": "x", "MessageGroupId": "g"},
			"InvalidParameterValue", "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"},
		{"FIFO with a message delay", map[string]any{"QueueUrl": "orders.fifo", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "d", "DelaySeconds": int64(5)},
			"InvalidParameterValue", "Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."},
		{"deduplication on a standard queue", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageDeduplicationId": "d"},
			"InvalidParameterValue", "Value d for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type."},
		{"bad group ID", map[string]any{"QueueUrl": "orders.fifo", "MessageBody": "x", "MessageGroupId": "a b", "MessageDeduplicationId": "d"},
			"InvalidParameterValue", "Value a b for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."},
		{"attribute without value", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": map[string]any{"piyo": map[string]any{"DataType": "String", "StringValue": ""}}},
			"InvalidParameterValue", "Message (user) attribute 'piyo' must contain a non-empty value of type 'String'."},
		{"attribute of unknown type", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": map[string]any{"a": map[string]any{"DataType": "string", "StringValue": "v"}}},
			"InvalidParameterValue", "The type of message (user) attribute 'a' is invalid. You must use only the following supported type prefixes: Binary, Number, String."},
		{"attribute without type", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": map[string]any{"a": "v"}},
			"InvalidParameterValue", "The message attribute 'a' must contain non-empty message attribute type."},
		{"attribute with empty name", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": map[string]any{"": map[string]any{"DataType": "String", "StringValue": "v"}}},
			"InvalidParameterValue", "The request must contain non-empty message attribute name."},
		{"number attribute not a number", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": map[string]any{"n": map[string]any{"DataType": "Number", "StringValue": "ten"}}},
			"InvalidParameterValue", "Can't cast the value of message (user) attribute 'n' to a number."},
		{"binary attribute not base64", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": map[string]any{"b": map[string]any{"DataType": "Binary", "BinaryValue": "%%%"}}},
			"InvalidParameterValue", "Message (user) attribute 'b' must contain a non-empty value of type 'Binary'."},
		{"too many attributes", map[string]any{"QueueUrl": url, "MessageBody": "x", "MessageAttributes": elevenAttributes()},
			"InvalidParameterValue", "Number of message attributes [11] exceeds the allowed maximum [10]."},
		{"attributes count toward the size", map[string]any{"QueueUrl": url, "MessageBody": long[:defaultMaxSize-5], "MessageAttributes": map[string]any{"abc": map[string]any{"DataType": "String", "StringValue": "v"}}},
			"InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBroker(t, newClock(), "orders", "orders.fifo")
			resp, err := b.SendMessage(context.Background(), tt.request, nil)
			assert.Nil(t, resp)
			requireAWSError(t, err, tt.code, 400, tt.message)
			for _, q := range []string{"orders", "orders.fifo"} {
				assert.Empty(t, messages(t, b, q), "nothing was sent")
			}
		})
	}
}

func elevenAttributes() map[string]any {
	attrs := map[string]any{}
	for _, name := range strings.Split("abcdefghijk", "") {
		attrs[name] = map[string]any{"DataType": "String", "StringValue": "v"}
	}
	return attrs
}

func TestSendMessageHonoursMaximumMessageSize(t *testing.T) {
	b := newTestBroker(t, newClock())
	_, err := b.CreateQueue("small", map[string]string{"MaximumMessageSize": "262144"})
	require.NoError(t, err)
	_, err = b.SendMessage(context.Background(), map[string]any{"QueueUrl": "small", "MessageBody": strings.Repeat("x", 262144)}, nil)
	require.NoError(t, err)
	_, err = b.SendMessage(context.Background(), map[string]any{"QueueUrl": "small", "MessageBody": strings.Repeat("x", 262145)}, nil)
	requireAWSError(t, err, "InvalidParameterValue", 400, "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.")
}

func TestSendMessageAutoCreate(t *testing.T) {
	b := New(Options{AutoCreate: true, Region: "eu-west-1", Account: "111122223333"})
	resp, err := b.SendMessage(context.Background(), map[string]any{
		"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs.fifo", "MessageBody": "x",
		"MessageGroupId": "g", "MessageDeduplicationId": "1",
	}, nil)
	require.NoError(t, err)
	assert.Contains(t, resp, "SequenceNumber", "created as a FIFO queue")
	q := b.Dump()["jobs.fifo"].(map[string]any)
	assert.Equal(t, "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs.fifo", q["Url"])
	assert.Equal(t, "arn:aws:sqs:eu-west-1:111122223333:jobs.fifo", q["Arn"])

	// Any region, account or host reaches the queue of that name.
	_, err = b.SendMessage(context.Background(), map[string]any{"QueueUrl": "http://localhost:4566/000000000000/jobs.fifo", "MessageBody": "x",
		"MessageGroupId": "g", "MessageDeduplicationId": "d2"}, nil)
	require.NoError(t, err)
	assert.Len(t, b.Dump()["jobs.fifo"].(map[string]any)["Messages"], 2)
}

func TestFIFODeduplication(t *testing.T) {
	clock := newClock()
	b := newTestBroker(t, clock)
	_, err := b.CreateQueue("q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	require.NoError(t, err)
	send := func(body, dedup string) map[string]any {
		request := map[string]any{"QueueUrl": "q.fifo", "MessageBody": body, "MessageGroupId": "g"}
		if dedup != "" {
			request["MessageDeduplicationId"] = dedup
		}
		resp, err := b.SendMessage(context.Background(), request, nil)
		require.NoError(t, err)
		return resp
	}
	first := send("a", "")
	again := send("a", "")
	assert.Equal(t, first, again, "a duplicate by content is accepted and answered as the first")
	explicit := send("a", "other")
	assert.NotEqual(t, first["MessageId"], explicit["MessageId"], "an explicit ID overrides the content hash")
	assert.Greater(t, explicit["SequenceNumber"], first["SequenceNumber"])
	clock.Advance(dedupWindow)
	later := send("a", "")
	assert.NotEqual(t, first["MessageId"], later["MessageId"], "past the deduplication interval")
	assert.Len(t, messages(t, b, "q.fifo"), 3)
	attrs := lastStatus(t, b, "q.fifo")["Attributes"].(map[string]any)
	assert.Equal(t, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb", attrs["MessageDeduplicationId"]) // SHA-256 of "a"
	assert.Equal(t, "g", attrs["MessageGroupId"])
	assert.Len(t, attrs["SequenceNumber"], 20)
}

func TestCreateQueue(t *testing.T) {
	b := New(Options{})
	u, err := b.CreateQueue("orders", map[string]string{"VisibilityTimeout": "60"})
	require.NoError(t, err)
	assert.Equal(t, url, u)
	again, err := b.CreateQueue("orders", map[string]string{"VisibilityTimeout": "60"})
	require.NoError(t, err)
	assert.Equal(t, u, again, "creating the same queue again is idempotent")
	got, err := b.QueueURL("arn:aws:sqs:us-east-1:123456789012:orders")
	require.NoError(t, err)
	assert.Equal(t, u, got)

	tests := []struct {
		name       string
		queue      string
		attributes map[string]string
		code, msg  string
	}{
		{"different attributes", "orders", map[string]string{"VisibilityTimeout": "30"},
			"QueueNameExists", "A queue already exists with the same name and a different value for attribute VisibilityTimeout"},
		{"bad name", "a b", nil,
			"InvalidParameterValue", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"},
		{"too long", strings.Repeat("q", 81), nil,
			"InvalidParameterValue", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"},
		{"FIFO without the suffix", "jobs", map[string]string{"FifoQueue": "true"},
			"InvalidParameterValue", "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."},
		{"bad visibility", "v", map[string]string{"VisibilityTimeout": "43201"},
			"InvalidAttributeValue", "Invalid value for the parameter VisibilityTimeout."},
		{"bad size", "s", map[string]string{"MaximumMessageSize": "1048577"},
			"InvalidAttributeValue", "Invalid value for the parameter MaximumMessageSize."},
		{"content deduplication on a standard queue", "c", map[string]string{"ContentBasedDeduplication": "true"},
			"InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.CreateQueue(tt.queue, tt.attributes)
			requireAWSError(t, err, tt.code, 400, tt.msg)
		})
	}
	_, err = b.QueueURL("nope")
	requireAWSError(t, err, "QueueDoesNotExist", 400, "The specified queue does not exist.")
}

// Odd JSON values anywhere in a request give errors, never panics.
func TestSendMessageOddInputs(t *testing.T) {
	b := newTestBroker(t, newClock(), "orders", "orders.fifo")
	b.Subscribe("orders", func(context.Context, Message) error { return nil })
	odd := []any{nil, true, int64(-1), 1e300, json.Number("x"), "", "orders", []any{nil}, map[string]any{"": nil}}
	keys := []string{"QueueUrl", "MessageBody", "DelaySeconds", "MessageAttributes", "MessageGroupId", "MessageDeduplicationId"}
	noRelease := func() func() { return nil }
	for _, key := range keys {
		for _, v := range odd {
			request := map[string]any{"QueueUrl": "orders", "MessageBody": "x", key: v}
			assert.NotPanics(t, func() { _, _ = b.SendMessage(context.Background(), request, noRelease) }, "%s: %#v", key, v)
			request["QueueUrl"] = "orders.fifo"
			assert.NotPanics(t, func() { _, _ = b.SendMessage(context.Background(), request, nil) }, "%s: %#v", key, v)
		}
	}
	assert.NotPanics(t, func() { _, _ = b.SendMessage(context.Background(), nil, nil) })
	for _, ref := range []string{"", "://", "https://", "arn:", "arn:aws:sqs", "https://sqs.us-east-1.amazonaws.com/123456789012/orders/extra"} {
		_, err := b.QueueURL(ref)
		assert.Error(t, err, ref)
	}
}
