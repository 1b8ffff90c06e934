package sqs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func send(t *testing.T, b *Broker, request map[string]any, hold func() func()) map[string]any {
	t.Helper()
	resp, err := b.SendMessage(context.Background(), request, hold)
	require.NoError(t, err)
	return resp
}

func TestPushDeliveryHoldsUntilTheWorkerReturns(t *testing.T) {
	tests := []struct {
		name       string
		workerErr  error
		wantStatus string
	}{
		{"success deletes", nil, "deleted"},
		{"error leaves the message in flight", errors.New("courier down"), "in-flight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBroker(t, newClock(), "orders")
			got := make(chan Message, 1)
			proceed := make(chan struct{})
			b.Subscribe(url, func(ctx context.Context, m Message) error {
				got <- m
				<-proceed
				return tt.workerErr
			})
			var h holds
			ctx, cancel := context.WithCancel(context.Background())
			resp, err := b.SendMessage(ctx, map[string]any{"QueueUrl": url, "MessageBody": map[string]any{"TaskToken": "tok"}}, h.hold)
			require.NoError(t, err)
			cancel() // the request ending does not cancel the worker
			assert.Equal(t, int32(1), h.held.Load(), "held before SendMessage returned")

			m := <-got
			assert.Equal(t, resp["MessageId"], m.MessageId)
			assert.Equal(t, `{"TaskToken":"tok"}`, m.Body)
			assert.Equal(t, resp["MD5OfMessageBody"], m.MD5OfBody)
			assert.Equal(t, "orders", m.Queue)
			assert.Equal(t, url, m.QueueUrl)
			assert.NotEmpty(t, m.ReceiptHandle)
			assert.Equal(t, "1", m.Attributes["ApproximateReceiveCount"])
			assert.Equal(t, "in-flight", lastStatus(t, b, "orders")["Status"])
			assert.Equal(t, int32(1), h.busy(), "busy while the worker runs")

			close(proceed)
			require.Eventually(t, func() bool { return h.busy() == 0 }, time.Second, time.Millisecond)
			last := lastStatus(t, b, "orders")
			assert.Equal(t, tt.wantStatus, last["Status"])
			assert.Equal(t, int64(1), last["ReceiveCount"])
			if tt.workerErr != nil {
				assert.Equal(t, tt.workerErr.Error(), last["WorkerError"])
			} else {
				assert.NotContains(t, last, "WorkerError")
			}
		})
	}
}

func TestFailedPushIsReceivableAfterTheVisibilityTimeout(t *testing.T) {
	clock := newClock()
	b := newTestBroker(t, clock)
	_, err := b.CreateQueue("orders", map[string]string{"VisibilityTimeout": "10"})
	require.NoError(t, err)
	var h holds
	b.Subscribe("orders", func(context.Context, Message) error { return errors.New("boom") })
	send(t, b, map[string]any{"QueueUrl": url, "MessageBody": "x"}, h.hold)
	require.Eventually(t, func() bool { return h.busy() == 0 && h.held.Load() == 1 }, time.Second, time.Millisecond)

	msgs, err := b.ReceiveMessage(context.Background(), "orders", 10, 0)
	require.NoError(t, err)
	assert.Empty(t, msgs, "invisible during the visibility timeout")
	clock.Advance(10 * time.Second)
	msgs, err = b.ReceiveMessage(context.Background(), "orders", 10, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Equal(t, "2", msgs[0].Attributes["ApproximateReceiveCount"])
	assert.Equal(t, int32(1), h.held.Load(), "not pushed again")
}

func TestWorkerPanicIsRecorded(t *testing.T) {
	b := newTestBroker(t, newClock(), "orders")
	var h holds
	b.Subscribe("orders", func(context.Context, Message) error { panic("nil map") })
	send(t, b, map[string]any{"QueueUrl": url, "MessageBody": "x"}, h.hold)
	require.Eventually(t, func() bool { return h.busy() == 0 }, time.Second, time.Millisecond)
	assert.Equal(t, "worker panicked: nil map", lastStatus(t, b, "orders")["WorkerError"])
}

func TestWorkersShareAQueue(t *testing.T) {
	b := newTestBroker(t, newClock(), "orders")
	var mu sync.Mutex
	counts := map[string]int{}
	for _, name := range []string{"a", "b"} {
		b.Subscribe("orders", func(context.Context, Message) error {
			mu.Lock()
			defer mu.Unlock()
			counts[name]++
			return nil
		})
	}
	var h holds
	for range 4 {
		send(t, b, map[string]any{"QueueUrl": url, "MessageBody": "x"}, h.hold)
	}
	require.Eventually(t, func() bool { return h.busy() == 0 }, time.Second, time.Millisecond)
	assert.Equal(t, map[string]int{"a": 2, "b": 2}, counts, "each message to one worker, in turn")
}

func TestSubscribeBeforeTheQueueExists(t *testing.T) {
	b := New(Options{AutoCreate: true})
	done := make(chan string, 1)
	b.Subscribe("later", func(_ context.Context, m Message) error { done <- m.Body; return nil })
	b.Subscribe("https://sqs.us-east-1.amazonaws.com/999999999999/other", func(context.Context, Message) error { return nil }) // ignored
	send(t, b, map[string]any{"QueueUrl": "later", "MessageBody": "hi"}, nil)
	assert.Equal(t, "hi", <-done)
}

func TestDelayedPush(t *testing.T) {
	clock := newClock()
	b := newTestBroker(t, clock, "orders")
	var h holds
	got := make(chan Message, 1)
	b.Subscribe("orders", func(_ context.Context, m Message) error { got <- m; return nil })
	send(t, b, map[string]any{"QueueUrl": url, "MessageBody": "later", "DelaySeconds": int64(60)}, h.hold)
	assert.Equal(t, int32(0), h.held.Load(), "not held during the delay, so virtual time can pass")
	assert.Equal(t, "delayed", lastStatus(t, b, "orders")["Status"])
	require.Eventually(t, func() bool { return clock.pending() == 1 }, time.Second, time.Millisecond)
	clock.Advance(59 * time.Second)
	assert.Empty(t, got)
	clock.Advance(time.Second)
	m := <-got
	assert.Equal(t, "later", m.Body)
	require.Eventually(t, func() bool { return h.busy() == 0 && h.held.Load() == 1 }, time.Second, time.Millisecond)
	assert.Equal(t, "deleted", lastStatus(t, b, "orders")["Status"])
}

func TestFIFOPushKeepsGroupOrder(t *testing.T) {
	b := newTestBroker(t, newClock(), "jobs.fifo")
	var mu sync.Mutex
	var order []string
	running := map[string]bool{}
	b.Subscribe("jobs.fifo", func(_ context.Context, m Message) error {
		group := m.Attributes["MessageGroupId"]
		mu.Lock()
		if running[group] {
			order = append(order, "overlap in "+group)
		}
		running[group] = true
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		running[group] = false
		order = append(order, m.Body)
		mu.Unlock()
		return nil
	})
	var h holds
	for i := range 5 {
		send(t, b, map[string]any{"QueueUrl": "jobs.fifo", "MessageBody": fmt.Sprint("a", i), "MessageGroupId": "a", "MessageDeduplicationId": fmt.Sprint("a", i)}, h.hold)
	}
	assert.Equal(t, int32(5), h.held.Load(), "every message held from its send")
	require.Eventually(t, func() bool { return h.busy() == 0 }, time.Second, time.Millisecond)
	assert.Equal(t, []string{"a0", "a1", "a2", "a3", "a4"}, order)
}

func TestReceiveAndDelete(t *testing.T) {
	clock := newClock()
	b := newTestBroker(t, clock, "orders")
	for i := range 3 {
		send(t, b, map[string]any{"QueueUrl": url, "MessageBody": fmt.Sprint(i), "MessageAttributes": map[string]any{
			"n": map[string]any{"DataType": "Number", "StringValue": fmt.Sprint(i)},
		}}, nil)
	}
	ctx := context.Background()
	msgs, err := b.ReceiveMessage(ctx, url, 2, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	assert.Equal(t, "0", msgs[0].Body)
	assert.Equal(t, "1", msgs[1].Body)
	assert.Equal(t, map[string]any{"n": map[string]any{"DataType": "Number", "StringValue": "0"}}, msgs[0].MessageAttributes)
	assert.NotEmpty(t, msgs[0].MD5OfMessageAttributes)
	assert.Equal(t, fmt.Sprint(clock.Now().UnixMilli()), msgs[0].Attributes["SentTimestamp"])
	assert.Equal(t, "123456789012", msgs[0].Attributes["SenderId"])

	rest, err := b.ReceiveMessage(ctx, "orders", 10, 0)
	require.NoError(t, err)
	require.Len(t, rest, 1, "in-flight messages are not received again")
	assert.Equal(t, "2", rest[0].Body)

	require.NoError(t, b.DeleteMessage(url, msgs[0].ReceiptHandle))
	require.NoError(t, b.DeleteMessage(url, msgs[0].ReceiptHandle), "deleting twice is fine")
	clock.Advance(defaultVisibility)
	again, err := b.ReceiveMessage(ctx, "orders", 10, 0)
	require.NoError(t, err)
	require.Len(t, again, 2, "visible again after the visibility timeout, except the deleted one")
	assert.Equal(t, "1", again[0].Body)
	assert.Equal(t, "2", again[0].Attributes["ApproximateReceiveCount"])
	assert.NotEqual(t, msgs[1].ReceiptHandle, again[0].ReceiptHandle, "a new handle per receive")
	require.NoError(t, b.DeleteMessage(url, msgs[1].ReceiptHandle), "an earlier handle still deletes")

	statuses := []any{}
	for _, m := range messages(t, b, "orders") {
		statuses = append(statuses, m.(map[string]any)["Status"])
	}
	assert.Equal(t, []any{"deleted", "deleted", "in-flight"}, statuses)
}

func TestReceiveErrors(t *testing.T) {
	b := newTestBroker(t, newClock(), "orders", "other")
	send(t, b, map[string]any{"QueueUrl": url, "MessageBody": "x"}, nil)
	msgs, err := b.ReceiveMessage(context.Background(), "orders", 1, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	tests := []struct {
		name      string
		err       error
		code, msg string
	}{
		{"unknown queue", func() error { _, err := b.ReceiveMessage(context.Background(), "nope", 1, 0); return err }(),
			"QueueDoesNotExist", "The specified queue does not exist."},
		{"too many", func() error { _, err := b.ReceiveMessage(context.Background(), "orders", 11, 0); return err }(),
			"InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."},
		{"wait too long", func() error {
			_, err := b.ReceiveMessage(context.Background(), "orders", 1, 21*time.Second)
			return err
		}(),
			"InvalidParameterValue", "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."},
		{"delete from an unknown queue", b.DeleteMessage("nope", msgs[0].ReceiptHandle),
			"QueueDoesNotExist", "The specified queue does not exist."},
		{"handle never issued", b.DeleteMessage("orders", "fake"),
			"ReceiptHandleIsInvalid", `The input receipt handle "fake" is not a valid receipt handle.`},
		{"handle of another queue", b.DeleteMessage("other", msgs[0].ReceiptHandle),
			"ReceiptHandleIsInvalid", fmt.Sprintf("The input receipt handle %q is not a valid receipt handle.", msgs[0].ReceiptHandle)},
		{"no handle", b.DeleteMessage("orders", ""),
			"MissingParameter", "The request must contain the parameter ReceiptHandle."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireAWSError(t, tt.err, tt.code, 400, tt.msg)
		})
	}
}

func TestLongPoll(t *testing.T) {
	t.Run("a message sent during the wait is returned", func(t *testing.T) {
		b := New(Options{})
		_, err := b.CreateQueue("orders", nil)
		require.NoError(t, err)
		got := make(chan []Message)
		go func() {
			msgs, err := b.ReceiveMessage(context.Background(), "orders", 1, 20*time.Second)
			assert.NoError(t, err)
			got <- msgs
		}()
		time.Sleep(20 * time.Millisecond)
		send(t, b, map[string]any{"QueueUrl": "orders", "MessageBody": "late"}, nil)
		select {
		case msgs := <-got:
			require.Len(t, msgs, 1)
			assert.Equal(t, "late", msgs[0].Body)
		case <-time.After(5 * time.Second):
			t.Fatal("long poll did not wake up")
		}
	})
	t.Run("ends empty at the wait time", func(t *testing.T) {
		clock := newClock()
		b := newTestBroker(t, clock, "orders")
		got := make(chan []Message)
		go func() {
			msgs, err := b.ReceiveMessage(context.Background(), "orders", 1, 20*time.Second)
			assert.NoError(t, err)
			got <- msgs
		}()
		require.Eventually(t, func() bool { return clock.pending() == 1 }, time.Second, time.Millisecond)
		clock.Advance(20 * time.Second)
		assert.Empty(t, <-got)
	})
	t.Run("a delayed message becoming visible ends it", func(t *testing.T) {
		clock := newClock()
		b := newTestBroker(t, clock, "orders")
		send(t, b, map[string]any{"QueueUrl": "orders", "MessageBody": "delayed", "DelaySeconds": int64(5)}, nil)
		got := make(chan []Message)
		go func() {
			msgs, err := b.ReceiveMessage(context.Background(), "orders", 1, 20*time.Second)
			assert.NoError(t, err)
			got <- msgs
		}()
		require.Eventually(t, func() bool { return clock.pending() == 2 }, time.Second, time.Millisecond)
		clock.Advance(5 * time.Second)
		msgs := <-got
		require.Len(t, msgs, 1)
		assert.Equal(t, "delayed", msgs[0].Body)
	})
	t.Run("cancelled", func(t *testing.T) {
		b := newTestBroker(t, newClock(), "orders")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := b.ReceiveMessage(ctx, "orders", 1, 20*time.Second)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestFIFOReceiveKeepsGroupsInOrder(t *testing.T) {
	b := newTestBroker(t, newClock(), "jobs.fifo")
	for _, m := range []struct{ body, group string }{{"a1", "a"}, {"b1", "b"}, {"a2", "a"}, {"b2", "b"}} {
		send(t, b, map[string]any{"QueueUrl": "jobs.fifo", "MessageBody": m.body, "MessageGroupId": m.group, "MessageDeduplicationId": m.body}, nil)
	}
	ctx := context.Background()
	first, err := b.ReceiveMessage(ctx, "jobs.fifo", 1, 0)
	require.NoError(t, err)
	require.Len(t, first, 1)
	assert.Equal(t, "a1", first[0].Body)
	next, err := b.ReceiveMessage(ctx, "jobs.fifo", 10, 0)
	require.NoError(t, err)
	bodies := []string{}
	for _, m := range next {
		bodies = append(bodies, m.Body)
	}
	assert.Equal(t, []string{"b1", "b2"}, bodies, "group a waits for a1")
	require.NoError(t, b.DeleteMessage("jobs.fifo", first[0].ReceiptHandle))
	last, err := b.ReceiveMessage(ctx, "jobs.fifo", 10, 0)
	require.NoError(t, err)
	require.Len(t, last, 1)
	assert.Equal(t, "a2", last[0].Body)
	assert.Equal(t, "a2", last[0].Attributes["MessageDeduplicationId"])
}

// Under -race: senders, pushed workers, pollers and Dump at once.
func TestConcurrentUse(t *testing.T) {
	b := New(Options{AutoCreate: true})
	var h holds
	b.Subscribe("pushed", func(context.Context, Message) error { return nil })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 25 {
				for _, queue := range []string{"pushed", "polled"} {
					_, err := b.SendMessage(context.Background(), map[string]any{"QueueUrl": queue, "MessageBody": fmt.Sprint(i, j)}, h.hold)
					assert.NoError(t, err)
				}
			}
		})
		wg.Go(func() {
			for range 25 {
				msgs, err := b.ReceiveMessage(context.Background(), "polled", 10, 0)
				if err != nil {
					continue // the queue may not exist yet
				}
				for _, m := range msgs {
					assert.NoError(t, b.DeleteMessage("polled", m.ReceiptHandle))
				}
				b.Dump()
			}
		})
	}
	wg.Wait()
	require.Eventually(t, func() bool { return h.busy() == 0 }, 5*time.Second, time.Millisecond)
	assert.Equal(t, int32(200), h.held.Load(), "held for pushed messages only")
	assert.Equal(t, 200, len(messages(t, b, "pushed")))
	assert.Equal(t, 200, len(messages(t, b, "polled")))
	for _, m := range messages(t, b, "pushed") {
		assert.Equal(t, "deleted", m.(map[string]any)["Status"])
	}
}
