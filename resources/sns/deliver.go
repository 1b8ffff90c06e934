package sns

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aslrun/aslrun/resources/sqs"
)

// Notification is a message as a subscribed Go function receives it: the fields of SNS's JSON envelope
// (the Sns record of a Lambda event), plus the FIFO fields and the subscription.
type Notification struct {
	Type, MessageId, TopicArn, Subject, Message, Timestamp      string
	SignatureVersion, Signature, SigningCertURL, UnsubscribeURL string
	// MessageAttributes are name -> {"Type", "Value"}, as in the envelope.
	MessageAttributes                                      map[string]any
	SequenceNumber, MessageGroupId, MessageDeduplicationId string
	SubscriptionArn                                        string
}

// Worker handles a notification; its error is recorded (SNS does not redeliver to it).
type Worker = func(ctx context.Context, n Notification) error

type workerSub struct {
	arn    string
	worker Worker
}

type queueSub struct {
	arn   string
	queue *sqs.Broker
	url   string
	raw   bool
}

// deliveryRecord is one delivery of a message to one subscription, for Dump.
type deliveryRecord struct {
	subscription, protocol, endpoint string
	raw                              bool
	status, err                      string // status: pending, delivered or failed
}

// planned is a delivery decided under the lock and made after it.
type planned struct {
	record *deliveryRecord
	worker Worker
	queue  queueSub
}

// Subscribe delivers the topic's messages (named by name or ARN; the topic need not exist yet) to
// worker, each in its own goroutine, as SNS invokes a subscribed Lambda function. With MessageStructure
// json the worker gets the "lambda" entry, else "default".
func (b *Broker) Subscribe(topic string, worker func(ctx context.Context, n Notification) error) {
	name, ok := b.topicName(topic)
	if !ok || worker == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s:%s", b.region, b.account, name, newID())
	b.workers[name] = append(b.workers[name], workerSub{arn, worker})
}

// SubscribeQueue subscribes a queue of q (named by URL, name or ARN) to an existing topic. Each message
// is sent to the queue as SNS's JSON envelope, or as the bare message with its attributes as SQS message
// attributes when raw (RawMessageDelivery). With MessageStructure json the queue gets the "sqs" entry,
// else "default".
func (b *Broker) SubscribeQueue(topic string, q *sqs.Broker, queueURL string, raw bool) error {
	if q == nil {
		return errors.New("sns: SubscribeQueue needs the sqs broker")
	}
	url, err := q.QueueURL(queueURL)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.lookup(topic)
	if err != nil {
		return err
	}
	if !t.fifo && strings.HasSuffix(url, ".fifo") {
		return errInvalid("Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
	}
	t.queues = append(t.queues, queueSub{arn: t.arn + ":" + newID(), queue: q, url: url, raw: raw})
	return nil
}

// plan lists a new message's deliveries, recorded as pending. The caller holds b.mu.
func (b *Broker) plan(t *topic, p *published) []planned {
	var plan []planned
	for _, s := range t.queues {
		r := &deliveryRecord{subscription: s.arn, protocol: "sqs", endpoint: s.url, raw: s.raw, status: "pending"}
		plan = append(plan, planned{record: r, queue: s})
	}
	for _, w := range b.workers[t.name] {
		r := &deliveryRecord{subscription: w.arn, protocol: "function", status: "pending"}
		plan = append(plan, planned{record: r, worker: w.worker})
	}
	for _, d := range plan {
		p.deliveries = append(p.deliveries, d.record)
	}
	return plan
}

// deliver sends to the queues now, so their own workers are held from here, and starts each Go worker
// under hold.
func (b *Broker) deliver(ctx context.Context, t *topic, p *published, plan []planned, hold func() func()) {
	ctx = context.WithoutCancel(ctx) // deliveries outlive the request
	for _, d := range plan {
		if d.worker == nil {
			_, err := d.queue.queue.SendMessage(ctx, b.sqsRequest(t, p, d.queue), hold)
			b.settle(d.record, err)
			continue
		}
		release := func() {}
		if hold != nil {
			if r := hold(); r != nil {
				release = r
			}
		}
		n := b.notification(t, p, d.record.subscription, "lambda")
		go func() {
			defer release()
			b.settle(d.record, runWorker(ctx, d.worker, n))
		}()
	}
}

func (b *Broker) settle(r *deliveryRecord, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r.status = "delivered"
	if err != nil {
		r.status, r.err = "failed", err.Error()
	}
}

// runWorker turns a worker's panic into its error, so one bad worker cannot take the emulator down.
func runWorker(ctx context.Context, worker Worker, n Notification) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker panicked: %v", r)
		}
	}()
	return worker(ctx, n)
}

// sqsRequest is the SendMessage SNS makes for a queue subscription.
func (b *Broker) sqsRequest(t *topic, p *published, s queueSub) map[string]any {
	request := map[string]any{"QueueUrl": s.url}
	if s.raw {
		request["MessageBody"] = p.messageFor("sqs")
		if len(p.attrs) > 0 {
			attrs := make(map[string]any, len(p.attrs))
			for name, a := range p.attrs {
				field := "StringValue"
				if a.binary {
					field = "BinaryValue"
				}
				attrs[name] = map[string]any{"DataType": a.dataType, field: a.value}
			}
			request["MessageAttributes"] = attrs
		}
	} else {
		request["MessageBody"] = envelope(b.notification(t, p, s.arn, "sqs"))
	}
	if p.group != "" {
		request["MessageGroupId"] = p.group
	}
	if strings.HasSuffix(s.url, ".fifo") {
		request["MessageDeduplicationId"] = p.dedupID
	}
	return request
}

// messageFor is the message a protocol gets: its MessageStructure json entry, else the default.
func (p *published) messageFor(protocol string) string {
	if p.perProtocol == nil {
		return p.message
	}
	if m, ok := p.perProtocol[protocol]; ok {
		return m
	}
	return p.perProtocol["default"]
}

func (b *Broker) notification(t *topic, p *published, subscription, protocol string) Notification {
	n := Notification{
		Type: "Notification", MessageId: p.id, TopicArn: t.arn, Subject: p.subject, Message: p.messageFor(protocol),
		Timestamp:        p.timestamp.UTC().Format("2006-01-02T15:04:05.000Z"),
		SignatureVersion: "1", Signature: signature(), SigningCertURL: b.certURL,
		UnsubscribeURL: fmt.Sprintf("https://sns.%s.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=%s", b.region, subscription),
		SequenceNumber: p.seq, MessageGroupId: p.group, MessageDeduplicationId: p.dedupID,
		SubscriptionArn: subscription,
	}
	if len(p.attrs) > 0 {
		n.MessageAttributes = make(map[string]any, len(p.attrs))
		for name, a := range p.attrs {
			n.MessageAttributes[name] = map[string]any{"Type": a.dataType, "Value": a.value}
		}
	}
	return n
}

// signature stands in for SNS's base64 RSA signature; nothing here can verify one.
func signature() string {
	var r [256]byte
	_, _ = rand.Read(r[:])
	return base64.StdEncoding.EncodeToString(r[:])
}

// envelope writes a notification as SNS delivers it to a queue: pretty-printed, `"Key" : value`, fields
// in SNS's order, Subject and MessageAttributes only when present, SequenceNumber for FIFO topics.
func envelope(n Notification) string {
	var fields []string
	add := func(key, value string) {
		if value != "" {
			fields = append(fields, "  "+quote(key)+" : "+quote(value))
		}
	}
	add("Type", n.Type)
	add("MessageId", n.MessageId)
	add("SequenceNumber", n.SequenceNumber)
	add("TopicArn", n.TopicArn)
	add("Subject", n.Subject)
	fields = append(fields, "  "+quote("Message")+" : "+quote(n.Message)) // present even when empty
	add("Timestamp", n.Timestamp)
	add("SignatureVersion", n.SignatureVersion)
	add("Signature", n.Signature)
	add("SigningCertURL", n.SigningCertURL)
	add("UnsubscribeURL", n.UnsubscribeURL)
	if len(n.MessageAttributes) > 0 {
		names := make([]string, 0, len(n.MessageAttributes))
		for name := range n.MessageAttributes {
			names = append(names, name)
		}
		sort.Strings(names)
		attrs := make([]string, len(names))
		for i, name := range names {
			a, _ := n.MessageAttributes[name].(map[string]any)
			typ, _ := a["Type"].(string)
			value, _ := a["Value"].(string)
			attrs[i] = "    " + quote(name) + " : {" + quote("Type") + ":" + quote(typ) + "," + quote("Value") + ":" + quote(value) + "}"
		}
		fields = append(fields, "  "+quote("MessageAttributes")+" : {\n"+strings.Join(attrs, ",\n")+"\n  }")
	}
	return "{\n" + strings.Join(fields, ",\n") + "\n}"
}

// quote is a JSON string as SNS writes it: &, < and > left alone.
func quote(s string) string {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}
