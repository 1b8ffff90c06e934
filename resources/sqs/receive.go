package sqs

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Message is a message as a worker receives it (ReceiveMessage's Message, plus the queue it came from).
type Message struct {
	MessageId, ReceiptHandle, Body, MD5OfBody string
	// MD5OfMessageAttributes is empty when the message has no attributes.
	MD5OfMessageAttributes string
	// Attributes are the system attributes: SenderId, SentTimestamp, ApproximateReceiveCount,
	// ApproximateFirstReceiveTimestamp, and MessageGroupId, MessageDeduplicationId, SequenceNumber when set.
	Attributes map[string]string
	// MessageAttributes are name -> {"DataType", "StringValue" | "BinaryValue"}, as ReceiveMessage shows them.
	MessageAttributes map[string]any
	// Queue is the queue's name, QueueUrl its URL.
	Queue, QueueUrl string
}

// Worker handles a pushed message; returning nil deletes it.
type Worker = func(ctx context.Context, m Message) error

// delivery is one message on its way to a pushed worker.
type delivery struct {
	ctx    context.Context
	q      *queue
	m      *message
	worker Worker
	msg    Message
	prev   <-chan struct{} // FIFO: the group's previous delivery, which must end first
	done   chan struct{}   // FIFO: closed when this delivery ends
}

// Subscribe pushes the queue's messages (named by name, URL or ARN; the queue need not exist yet) to
// worker, as a Lambda event source mapping would: each message sent from now on goes to one of the
// queue's workers, in turn, in its own goroutine. A nil error deletes the message; an error is recorded
// and leaves the message in the queue, received once more, visible again after the visibility timeout to
// ReceiveMessage (it is not pushed again, so a failing worker cannot loop under a virtual clock). Messages
// of one FIFO group reach workers one at a time, in order.
func (b *Broker) Subscribe(queue string, worker func(ctx context.Context, m Message) error) {
	name, ok := b.queueName(queue)
	if !ok || worker == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.workers[name] = append(b.workers[name], worker)
}

// schedule prepares the push delivery of a message just sent: now when it is visible, or from a goroutine
// at the end of its delay. The caller holds b.mu.
func (b *Broker) schedule(ctx context.Context, q *queue, m *message, hold func() func()) *delivery {
	if len(b.workers[q.name]) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx) // the worker outlives the request
	wait := m.visibleAt.Sub(b.now())
	if wait <= 0 {
		return b.claim(ctx, q, m)
	}
	go func() {
		<-b.after(wait)
		b.mu.Lock()
		var d *delivery
		if !m.deleted && !m.delivering && !b.now().Before(m.visibleAt) && len(b.workers[q.name]) > 0 {
			d = b.claim(ctx, q, m)
		}
		b.mu.Unlock()
		if d != nil {
			b.start(d, hold)
		}
	}()
	return nil
}

// claim takes a message for the queue's next worker, as a receive would. The caller holds b.mu.
func (b *Broker) claim(ctx context.Context, q *queue, m *message) *delivery {
	workers := b.workers[q.name]
	worker := workers[b.next[q.name]%len(workers)]
	b.next[q.name]++
	now := b.now()
	b.receive(q, m, now)
	m.delivering = true
	d := &delivery{ctx: ctx, q: q, m: m, worker: worker, msg: b.view(q, m)}
	if q.fifo {
		d.prev = q.groupTail[m.group]
		d.done = make(chan struct{})
		q.groupTail[m.group] = d.done
	}
	return d
}

// start holds the run's busy state and runs the worker in its own goroutine, releasing when it returns.
func (b *Broker) start(d *delivery, hold func() func()) {
	release := func() {}
	if hold != nil {
		if r := hold(); r != nil {
			release = r
		}
	}
	go func() {
		defer release()
		if d.prev != nil {
			<-d.prev
		}
		b.finish(d, runWorker(d.ctx, d.worker, d.msg))
	}()
}

// runWorker turns a worker's panic into its error, so one bad worker cannot take the emulator down.
func runWorker(ctx context.Context, worker Worker, m Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker panicked: %v", r)
		}
	}()
	return worker(ctx, m)
}

// finish settles a pushed message: deleted on success, recorded and back to the visibility timeout on error.
func (b *Broker) finish(d *delivery, err error) {
	b.mu.Lock()
	d.m.delivering = false
	if err == nil {
		d.m.deleted = true
	} else {
		d.m.workerErr = err.Error()
	}
	if d.done != nil && d.q.groupTail[d.m.group] == d.done {
		delete(d.q.groupTail, d.m.group)
	}
	d.q.notify()
	b.mu.Unlock()
	if d.done != nil {
		close(d.done)
	}
}

// receive marks a message received now: counted, invisible for the visibility timeout, a new handle.
// The caller holds b.mu.
func (b *Broker) receive(q *queue, m *message, now time.Time) {
	m.receiveCount++
	if m.firstReceive.IsZero() {
		m.firstReceive = now
	}
	m.visibleAt = now.Add(q.visibility)
	m.handle = newReceiptHandle()
	b.handles[m.handle] = handleRef{q, m}
}

// handleRef is what a receipt handle was issued for.
type handleRef struct {
	q *queue
	m *message
}

// view is the message as a receive returns it. The caller holds b.mu.
func (b *Broker) view(q *queue, m *message) Message {
	attributes := map[string]string{
		"SenderId":                         b.account,
		"SentTimestamp":                    millis(m.sent),
		"ApproximateReceiveCount":          strconv.Itoa(m.receiveCount),
		"ApproximateFirstReceiveTimestamp": millis(m.firstReceive),
	}
	if m.group != "" {
		attributes["MessageGroupId"] = m.group
	}
	if q.fifo {
		attributes["MessageDeduplicationId"] = m.dedupID
		attributes["SequenceNumber"] = m.seq
	}
	return Message{
		MessageId: m.id, ReceiptHandle: m.handle, Body: m.body, MD5OfBody: m.md5Body,
		MD5OfMessageAttributes: m.md5Attrs, Attributes: attributes, MessageAttributes: attributesValue(m.attrs),
		Queue: q.name, QueueUrl: q.url,
	}
}

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

const maxWait = 20 * time.Second

// ReceiveMessage is SQS's ReceiveMessage for workers that poll: up to max messages (1 to 10; 0 means 1)
// from the queue named by name, URL or ARN, waiting up to wait (at most 20 seconds) for one to arrive.
// Received messages stay in the queue, invisible for its visibility timeout, until deleted.
func (b *Broker) ReceiveMessage(ctx context.Context, queue string, max int, wait time.Duration) ([]Message, error) {
	if max == 0 {
		max = 1
	}
	if max < 1 || max > 10 {
		return nil, errInvalidParameter("MaxNumberOfMessages", max, "Must be between 1 and 10, if provided.")
	}
	if wait < 0 || wait > maxWait {
		return nil, errInvalidParameter("WaitTimeSeconds", int64(wait/time.Second), "Must be >= 0 and <= 20, if provided.")
	}
	var deadline <-chan time.Time
	for {
		b.mu.Lock()
		q, err := b.lookup(queue)
		if err != nil {
			b.mu.Unlock()
			return nil, err
		}
		now := b.now()
		msgs := b.receiveAvailable(q, now, max)
		changed, next := q.changed, q.nextVisible(now)
		b.mu.Unlock()
		if len(msgs) > 0 || wait == 0 {
			return msgs, nil
		}
		if deadline == nil {
			deadline = b.after(wait)
		}
		var visible <-chan time.Time
		if next > 0 {
			visible = b.after(next)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline:
			return nil, nil
		case <-changed:
		case <-visible:
		}
	}
}

// receiveAvailable takes up to max visible messages in order. In a FIFO queue a group with a message in
// flight (or not yet visible ahead of the others) yields nothing, so a group is processed in order.
// The caller holds b.mu.
func (b *Broker) receiveAvailable(q *queue, now time.Time, max int) []Message {
	blocked := map[string]bool{}
	if q.fifo {
		for _, m := range q.messages {
			if !m.deleted && (m.delivering || now.Before(m.visibleAt) && m.receiveCount > 0) {
				blocked[m.group] = true
			}
		}
	}
	var out []Message
	for _, m := range q.messages {
		if len(out) == max {
			break
		}
		if m.deleted {
			continue
		}
		available := !m.delivering && !now.Before(m.visibleAt)
		if q.fifo && (!available || blocked[m.group]) {
			blocked[m.group] = true
			continue
		}
		if available {
			b.receive(q, m, now)
			out = append(out, b.view(q, m))
		}
	}
	return out
}

// nextVisible is how long until a message not visible now becomes visible; 0 when none will.
func (q *queue) nextVisible(now time.Time) time.Duration {
	var next time.Duration
	for _, m := range q.messages {
		if m.deleted || m.delivering || !now.Before(m.visibleAt) {
			continue
		}
		if d := m.visibleAt.Sub(now); next == 0 || d < next {
			next = d
		}
	}
	return next
}

// DeleteMessage is SQS's DeleteMessage. A handle from an earlier receive of the message still deletes
// it, as in SQS; one never issued for the queue is invalid.
func (b *Broker) DeleteMessage(queue, receiptHandle string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, err := b.lookup(queue)
	if err != nil {
		return err
	}
	if receiptHandle == "" {
		return errMissing("ReceiptHandle")
	}
	ref, ok := b.handles[receiptHandle]
	if !ok || ref.q != q {
		return errReceiptHandle(receiptHandle)
	}
	ref.m.deleted = true
	return nil
}
