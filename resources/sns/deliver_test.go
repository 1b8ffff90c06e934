package sns

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/sqs"
)

func newQueues(t *testing.T, c *clock, queues ...string) *sqs.Broker {
	t.Helper()
	q := sqs.New(sqs.Options{Now: c.Now})
	for _, name := range queues {
		_, err := q.CreateQueue(name, nil)
		require.NoError(t, err)
	}
	return q
}

func receiveOne(t *testing.T, q *sqs.Broker, queue string) sqs.Message {
	t.Helper()
	msgs, err := q.ReceiveMessage(context.Background(), queue, 10, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	return msgs[0]
}

func deliveries(t *testing.T, b *Broker, topic string) []any {
	t.Helper()
	msgs := messagesOf(t, b, topic)
	require.NotEmpty(t, msgs)
	return msgs[len(msgs)-1].(map[string]any)["Deliveries"].([]any)
}

func TestWorkerDelivery(t *testing.T) {
	tests := []struct {
		name       string
		workerErr  error
		wantStatus string
	}{
		{"delivered", nil, "delivered"},
		{"failed", errors.New("no courier"), "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			b := newTestBroker(t, c, "orders")
			got := make(chan Notification, 1)
			proceed := make(chan struct{})
			b.Subscribe(arn, func(_ context.Context, n Notification) error {
				got <- n
				<-proceed
				return tt.workerErr
			})
			var h holds
			resp, err := b.Publish(context.Background(), map[string]any{
				"TopicArn": arn, "Subject": "Shipped", "MessageStructure": "json",
				"Message":           map[string]any{"default": "plain", "lambda": "for functions"},
				"MessageAttributes": map[string]any{"n": map[string]any{"DataType": "Number", "StringValue": "3"}},
			}, h.hold)
			require.NoError(t, err)
			assert.Equal(t, int32(1), h.held.Load(), "held before Publish returned")

			n := <-got
			assert.Equal(t, "Notification", n.Type)
			assert.Equal(t, resp["MessageId"], n.MessageId)
			assert.Equal(t, arn, n.TopicArn)
			assert.Equal(t, "Shipped", n.Subject)
			assert.Equal(t, "for functions", n.Message, "the lambda entry of a json structure")
			assert.Equal(t, "2026-03-01T12:00:00.123Z", n.Timestamp)
			assert.Equal(t, "1", n.SignatureVersion)
			assert.NotEmpty(t, n.Signature)
			assert.Regexp(t, `^https://sns\.us-east-1\.amazonaws\.com/SimpleNotificationService-[0-9a-f]{32}\.pem$`, n.SigningCertURL)
			assert.True(t, strings.HasPrefix(n.SubscriptionArn, arn+":"))
			assert.Equal(t, "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="+n.SubscriptionArn, n.UnsubscribeURL)
			assert.Equal(t, map[string]any{"n": map[string]any{"Type": "Number", "Value": "3"}}, n.MessageAttributes)
			assert.Equal(t, int32(1), h.busy(), "busy while the worker runs")
			assert.Equal(t, "pending", deliveries(t, b, "orders")[0].(map[string]any)["Status"])

			close(proceed)
			require.Eventually(t, func() bool { return h.busy() == 0 }, time.Second, time.Millisecond)
			d := deliveries(t, b, "orders")[0].(map[string]any)
			assert.Equal(t, tt.wantStatus, d["Status"])
			assert.Equal(t, "function", d["Protocol"])
			if tt.workerErr != nil {
				assert.Equal(t, tt.workerErr.Error(), d["Error"])
			}
		})
	}
}

func TestWorkerPanicIsRecorded(t *testing.T) {
	b := newTestBroker(t, newClock(), "orders")
	var h holds
	b.Subscribe("orders", func(context.Context, Notification) error { panic("bad") })
	_, err := b.Publish(context.Background(), map[string]any{"TopicArn": arn, "Message": "m"}, h.hold)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return h.busy() == 0 }, time.Second, time.Millisecond)
	assert.Equal(t, "worker panicked: bad", deliveries(t, b, "orders")[0].(map[string]any)["Error"])
}

var envelopeRE = regexp.MustCompile(`^\{
  "Type" : "Notification",
  "MessageId" : "[0-9a-f-]{36}",
  "TopicArn" : "arn:aws:sns:us-east-1:123456789012:orders",
  "Subject" : "Shipped",
  "Message" : "\{\\"id\\":7,\\"note\\":\\"<&>\\"\}",
  "Timestamp" : "2026-03-01T12:00:00\.123Z",
  "SignatureVersion" : "1",
  "Signature" : "[A-Za-z0-9+/=]{344}",
  "SigningCertURL" : "https://sns\.us-east-1\.amazonaws\.com/SimpleNotificationService-[0-9a-f]{32}\.pem",
  "UnsubscribeURL" : "https://sns\.us-east-1\.amazonaws\.com/\?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:orders:[0-9a-f-]{36}",
  "MessageAttributes" : \{
    "bin" : \{"Type":"Binary","Value":"AQI="\},
    "kind" : \{"Type":"String","Value":"ship"\}
  \}
\}$`)

func TestQueueDelivery(t *testing.T) {
	attrs := map[string]any{
		"kind": map[string]any{"DataType": "String", "StringValue": "ship"},
		"bin":  map[string]any{"DataType": "Binary", "BinaryValue": base64.StdEncoding.EncodeToString([]byte{1, 2})},
	}
	c := newClock()
	b := newTestBroker(t, c, "orders")
	q := newQueues(t, c, "envelope", "raw")
	require.NoError(t, b.SubscribeQueue(arn, q, "envelope", false))
	require.NoError(t, b.SubscribeQueue("orders", q, "https://sqs.us-east-1.amazonaws.com/123456789012/raw", true))
	resp, err := b.Publish(context.Background(), map[string]any{
		"TopicArn": arn, "Subject": "Shipped", "Message": map[string]any{"id": int64(7), "note": "<&>"}, "MessageAttributes": attrs,
	}, nil)
	require.NoError(t, err)

	t.Run("envelope", func(t *testing.T) {
		m := receiveOne(t, q, "envelope")
		assert.Regexp(t, envelopeRE, m.Body)
		var env map[string]any
		require.NoError(t, json.Unmarshal([]byte(m.Body), &env))
		assert.Equal(t, resp["MessageId"], env["MessageId"])
		assert.Empty(t, m.MessageAttributes, "attributes travel inside the envelope")
	})
	t.Run("raw", func(t *testing.T) {
		m := receiveOne(t, q, "raw")
		assert.Equal(t, `{"id":7,"note":"<&>"}`, m.Body)
		assert.Equal(t, attrs, m.MessageAttributes)
		assert.NotEmpty(t, m.MD5OfMessageAttributes)
	})
	for _, d := range deliveries(t, b, "orders") {
		d := d.(map[string]any)
		assert.Equal(t, "delivered", d["Status"])
		assert.Equal(t, "sqs", d["Protocol"])
	}
	assert.Equal(t, []any{"https://sqs.us-east-1.amazonaws.com/123456789012/envelope", "https://sqs.us-east-1.amazonaws.com/123456789012/raw"},
		[]any{deliveries(t, b, "orders")[0].(map[string]any)["Endpoint"], deliveries(t, b, "orders")[1].(map[string]any)["Endpoint"]})
}

func TestQueueDeliveryMessageStructure(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c, "orders", "plain")
	q := newQueues(t, c, "with-sqs", "plain")
	require.NoError(t, b.SubscribeQueue("orders", q, "with-sqs", true))
	require.NoError(t, b.SubscribeQueue("plain", q, "plain", false))
	_, err := b.Publish(context.Background(), map[string]any{"TopicArn": "orders", "MessageStructure": "json", "Message": `{"default":"d","sqs":"for queues"}`}, nil)
	require.NoError(t, err)
	_, err = b.Publish(context.Background(), map[string]any{"TopicArn": "plain", "MessageStructure": "json", "Message": `{"default":"only default"}`}, nil)
	require.NoError(t, err)
	assert.Equal(t, "for queues", receiveOne(t, q, "with-sqs").Body)
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(receiveOne(t, q, "plain").Body), &env))
	assert.Equal(t, "only default", env["Message"])
	assert.NotContains(t, env, "Subject")
	assert.NotContains(t, env, "MessageAttributes")
}

func TestFIFOTopicToFIFOQueue(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c, "orders.fifo")
	q := newQueues(t, c, "jobs.fifo")
	require.NoError(t, b.SubscribeQueue("orders.fifo", q, "jobs.fifo", false))
	resp, err := b.Publish(context.Background(), map[string]any{"TopicArn": "orders.fifo", "Message": "m", "MessageGroupId": "g", "MessageDeduplicationId": "d"}, nil)
	require.NoError(t, err)
	m := receiveOne(t, q, "jobs.fifo")
	assert.Equal(t, "g", m.Attributes["MessageGroupId"])
	assert.Equal(t, "d", m.Attributes["MessageDeduplicationId"])
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(m.Body), &env))
	assert.Equal(t, resp["SequenceNumber"], env["SequenceNumber"])
	assert.Contains(t, m.Body, "\"MessageId\" : \""+resp["MessageId"].(string)+"\",\n  \"SequenceNumber\"")
}

// SNS -> SQS -> worker, as a saga's courier: the queue's worker is held from the publish.
func TestQueueWorkerIsHeldFromThePublish(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c, "orders")
	q := newQueues(t, c, "courier")
	require.NoError(t, b.SubscribeQueue("orders", q, "courier", true))
	proceed := make(chan struct{})
	got := make(chan string, 1)
	q.Subscribe("courier", func(_ context.Context, m sqs.Message) error {
		got <- m.Body
		<-proceed
		return nil
	})
	var h holds
	_, err := b.Publish(context.Background(), map[string]any{"TopicArn": "orders", "Message": map[string]any{"TaskToken": "tok"}}, h.hold)
	require.NoError(t, err)
	assert.Equal(t, int32(1), h.busy(), "held before Publish returned")
	assert.Equal(t, `{"TaskToken":"tok"}`, <-got)
	close(proceed)
	require.Eventually(t, func() bool { return h.busy() == 0 }, time.Second, time.Millisecond)
	assert.Equal(t, int32(1), h.held.Load())
}

func TestQueueDeliveryFailureIsRecorded(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c, "orders")
	q := newQueues(t, c)
	_, err := q.CreateQueue("small", map[string]string{"MaximumMessageSize": "1024"})
	require.NoError(t, err)
	require.NoError(t, b.SubscribeQueue("orders", q, "small", false))
	_, err = b.Publish(context.Background(), map[string]any{"TopicArn": "orders", "Message": strings.Repeat("x", 1000)}, nil)
	require.NoError(t, err, "the publish succeeds; the delivery fails")
	d := deliveries(t, b, "orders")[0].(map[string]any)
	assert.Equal(t, "failed", d["Status"])
	assert.Equal(t, "InvalidParameterValue: One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.", d["Error"])
}

func TestSubscribeQueueErrors(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c, "orders")
	q := newQueues(t, c, "jobs.fifo", "plain")
	assert.EqualError(t, b.SubscribeQueue("orders", nil, "plain", false), "sns: SubscribeQueue needs the sqs broker")
	requireAWSError(t, b.SubscribeQueue("nope", q, "plain", false), "NotFound", 404, "Topic does not exist")
	requireAWSError(t, b.SubscribeQueue("orders", q, "nope", false), "QueueDoesNotExist", 400, "The specified queue does not exist.")
	requireAWSError(t, b.SubscribeQueue("orders", q, "jobs.fifo", false), "InvalidParameter", 400,
		"Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
}

func TestSubscribeBeforeTheTopicExists(t *testing.T) {
	b := New(Options{AutoCreate: true})
	got := make(chan string, 1)
	b.Subscribe("later", func(_ context.Context, n Notification) error { got <- n.Message; return nil })
	_, err := b.Publish(context.Background(), map[string]any{"TopicArn": "later", "Message": "hi"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "hi", <-got)
	assert.Len(t, deliveries(t, b, "later"), 1)
}

// Under -race: publishers, workers, queue deliveries and Dump at once.
func TestConcurrentUse(t *testing.T) {
	c := newClock()
	b := newTestBroker(t, c, "orders")
	q := newQueues(t, c, "copy")
	require.NoError(t, b.SubscribeQueue("orders", q, "copy", true))
	b.Subscribe("orders", func(context.Context, Notification) error { return nil })
	var h holds
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 25 {
				_, err := b.Publish(context.Background(), map[string]any{"TopicArn": "orders", "Message": fmt.Sprint(i, j)}, h.hold)
				assert.NoError(t, err)
				b.Dump()
			}
		})
	}
	wg.Wait()
	require.Eventually(t, func() bool { return h.busy() == 0 }, 5*time.Second, time.Millisecond)
	assert.Equal(t, int32(200), h.held.Load())
	assert.Equal(t, 200, len(messagesOf(t, b, "orders")))
	assert.Equal(t, 200, len(q.Dump()["copy"].(map[string]any)["Messages"].([]any)))
}
