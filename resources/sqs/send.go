package sqs

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/value"
)

// message is one message as the queue keeps it, from its sending until long after its deletion.
type message struct {
	id, body, md5Body, md5Attrs string
	attrs                       map[string]attribute
	group, dedupID, seq         string
	sent, visibleAt             time.Time // visibleAt: when a receive may take it (after a delay or a visibility timeout)
	receiveCount                int
	firstReceive                time.Time
	handle                      string // from the latest receive
	delivering, deleted         bool   // delivering: a pushed worker holds it
	workerErr                   string // the latest worker error
}

var groupIDRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("^[a-zA-Z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]{1,128}$")
})

// SendMessage is SQS's SendMessage. QueueUrl may also be a queue name or ARN. A non-string MessageBody is
// sent as compact JSON text, as Step Functions serialises it. When a worker is subscribed to the queue,
// SendMessage calls hold before returning and the release it returns when the worker is done, so the
// delivery counts as busy throughout (a delayed message is held from the end of its delay).
func (b *Broker) SendMessage(ctx context.Context, request map[string]any, hold func() func()) (map[string]any, error) {
	queueRef, _ := request["QueueUrl"].(string)
	if queueRef == "" {
		return nil, errMissing("QueueUrl")
	}
	body := bodyText(request["MessageBody"])
	if body == "" {
		return nil, errMissing("MessageBody")
	}
	if err := checkCharacters(body); err != nil {
		return nil, err
	}
	attrs, err := parseAttributes(request["MessageAttributes"])
	if err != nil {
		return nil, err
	}
	group, _ := request["MessageGroupId"].(string)
	if group != "" && !groupIDRE().MatchString(group) {
		return nil, errInvalidParameter("MessageGroupId", group, "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	dedupID, _ := request["MessageDeduplicationId"].(string)
	if dedupID != "" && !groupIDRE().MatchString(dedupID) {
		return nil, errInvalidParameter("MessageDeduplicationId", dedupID, "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}

	b.mu.Lock()
	q, err := b.sendTarget(queueRef)
	if err != nil {
		b.mu.Unlock()
		return nil, err
	}
	m, duplicate, err := b.admit(q, request["DelaySeconds"], body, attrs, group, dedupID)
	var d *delivery
	if err == nil && !duplicate {
		d = b.schedule(ctx, q, m, hold)
	}
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if d != nil {
		b.start(d, hold)
	}

	response := map[string]any{"MessageId": m.id, "MD5OfMessageBody": m.md5Body}
	if m.md5Attrs != "" {
		response["MD5OfMessageAttributes"] = m.md5Attrs
	}
	if m.seq != "" {
		response["SequenceNumber"] = m.seq
	}
	return response, nil
}

// sendTarget finds the queue a send names, creating it when AutoCreate is on. The caller holds b.mu.
func (b *Broker) sendTarget(ref string) (*queue, error) {
	q, err := b.lookup(ref)
	if err != nil && b.autoCreate {
		if name, ok := b.queueName(ref); ok {
			return b.createQueue(name, nil)
		}
	}
	return q, err
}

// admit checks what depends on the queue and appends the message; for a FIFO duplicate within the
// deduplication interval it returns the message first admitted, as SQS accepts the send but delivers
// nothing. The caller holds b.mu.
func (b *Broker) admit(q *queue, delayValue any, body string, attrs map[string]attribute, group, dedupID string) (*message, bool, error) {
	if size := len(body) + attributesSize(attrs); size > q.maxSize {
		return nil, false, errTooLong(q.maxSize)
	}
	delay := q.delay
	if delayValue != nil {
		n, ok := integer(delayValue)
		if !ok || n < 0 || time.Duration(n)*time.Second > maxDelay {
			return nil, false, errInvalidParameter("DelaySeconds", numberText(delayValue), "DelaySeconds must be >= 0 and <= 900.")
		}
		if q.fifo && n != 0 {
			return nil, false, errInvalidParameter("DelaySeconds", n, "The request include parameter that is not valid for this queue type.")
		}
		delay = time.Duration(n) * time.Second
	}
	now := b.now()
	if q.fifo {
		if group == "" {
			return nil, false, errMissing("MessageGroupId")
		}
		if dedupID == "" {
			if !q.contentDedup {
				return nil, false, errInvalidValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(body))
			dedupID = hex.EncodeToString(sum[:])
		}
		if first := q.dedup[dedupID]; first != nil && now.Sub(first.sent) < dedupWindow {
			return first, true, nil
		}
	} else if dedupID != "" {
		return nil, false, errInvalidParameter("MessageDeduplicationId", dedupID, "The request include parameter that is not valid for this queue type.")
	}

	sum := md5.Sum([]byte(body))
	m := &message{
		id: newID(), body: body, md5Body: hex.EncodeToString(sum[:]), md5Attrs: md5OfAttributes(attrs), attrs: attrs,
		group: group, dedupID: dedupID, sent: now, visibleAt: now.Add(delay),
	}
	if q.fifo {
		b.seq++
		m.seq = fmt.Sprintf("%020d", sequenceBase+b.seq)
		q.dedup[dedupID] = m
	}
	q.messages = append(q.messages, m)
	q.notify()
	return m, false, nil
}

// sequenceBase makes FIFO sequence numbers look like SQS's: 20 digits, large and increasing.
const sequenceBase uint64 = 18_000_000_000_000_000_000

// bodyText is the text sent for a MessageBody: a string as is, anything else as compact JSON (keys
// sorted, as Go maps keep no order), nil as missing.
func bodyText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return jsonText(v)
}

// numberText is a parameter's value as SQS echoes it in an error: a number as a number (-1, 1.5; the
// SDK sends the integer of a double such as -1.0), anything else as JSON.
func numberText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return jsonText(v)
}

func jsonText(v any) string {
	return value.JSON(v)
}

// checkCharacters rejects what SQS rejects: characters outside XML 1.0's #x9 | #xA | #xD | [#x20-#xD7FF] |
// [#xE000-#xFFFD] | [#x10000-#x10FFFF]. A byte that is not UTF-8 is reported as itself.
func checkCharacters(s string) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return errInvalidCharacter(rune(s[i]))
		}
		if !(r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return errInvalidCharacter(r)
		}
		i += size
	}
	return nil
}

// integer reads a whole number from a generic JSON value.
func integer(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 64)
		return n, err == nil
	}
	return 0, false
}
