package sns

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/value"
)

// published is one published message and what became of its deliveries.
type published struct {
	id, message, subject, structure string
	phone                           string            // an SMS's PhoneNumber
	perProtocol                     map[string]string // MessageStructure json: protocol -> message, "default" always set
	attrs                           map[string]attribute
	group, dedupID, seq             string
	timestamp                       time.Time
	deliveries                      []*deliveryRecord
}

// attribute is one message attribute; value is StringValue, or BinaryValue in base64.
type attribute struct {
	dataType, value string
	binary          bool
}

var phoneRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\+[1-9]\d{1,14}$`) })

// Publish is SNS's Publish to a topic (TopicArn, or TargetArn naming a topic; a name is also accepted)
// or, recorded only, to a PhoneNumber. A non-string Message is sent as compact JSON text, as Step
// Functions serialises it. Queue subscriptions get the message before Publish returns; for each Go
// worker subscribed, Publish calls hold before returning and its release when the worker returns.
func (b *Broker) Publish(ctx context.Context, request map[string]any, hold func() func()) (map[string]any, error) {
	p, topicRef, phone, err := parsePublish(request)
	if err != nil {
		return nil, err
	}
	if phone != "" {
		return b.publishSMS(p, phone)
	}

	b.mu.Lock()
	t, err := b.publishTarget(topicRef)
	var first *published
	if err == nil {
		first, err = b.admit(t, p)
	}
	var plan []planned
	if err == nil && first == nil {
		plan = b.plan(t, p)
	}
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if first != nil { // a FIFO duplicate: accepted, answered as the first, delivered nowhere
		p = first
	}
	b.deliver(ctx, t, p, plan, hold)

	response := map[string]any{"MessageId": p.id}
	if p.seq != "" {
		response["SequenceNumber"] = p.seq
	}
	return response, nil
}

// parsePublish validates what does not depend on the topic.
func parsePublish(request map[string]any) (p *published, topicRef, phone string, err error) {
	topicRef, _ = request["TopicArn"].(string)
	if topicRef == "" {
		topicRef, _ = request["TargetArn"].(string)
	}
	phone, _ = request["PhoneNumber"].(string)
	if topicRef == "" && phone == "" {
		return nil, "", "", errInvalid("TopicArn or TargetArn Reason: no value for required parameter")
	}
	p = &published{id: newID(), message: bodyText(request["Message"])}
	if p.message == "" {
		return nil, "", "", errInvalid("Empty message")
	}
	if s, present := request["Subject"]; present && s != nil {
		if p.subject, _ = s.(string); !validSubject(p.subject) {
			return nil, "", "", errInvalid("Subject")
		}
	}
	if p.attrs, err = parseAttributes(request["MessageAttributes"]); err != nil {
		return nil, "", "", err
	}
	if s, present := request["MessageStructure"]; present && s != nil {
		if p.structure, _ = s.(string); p.structure != "json" {
			return nil, "", "", errInvalid("MessageStructure")
		}
		if p.perProtocol, err = parseStructure(p.message); err != nil {
			return nil, "", "", err
		}
	}
	p.group, _ = request["MessageGroupId"].(string)
	p.dedupID, _ = request["MessageDeduplicationId"].(string)
	return p, topicRef, phone, nil
}

// validSubject: "UTF-8 text with no line breaks or control characters, and less than 100 characters".
func validSubject(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// parseStructure reads a MessageStructure json message: an object whose string values are the
// messages per protocol ("default" required); other values are ignored, as SNS ignores them.
func parseStructure(message string) (map[string]string, error) {
	var raw map[string]any
	if err := json.Unmarshal([]byte(message), &raw); err != nil || raw == nil {
		return nil, errInvalid("Message Structure - JSON message body failed to parse")
	}
	out := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	if _, ok := out["default"]; !ok {
		return nil, errInvalid("Message Structure - No default entry in JSON message body")
	}
	return out, nil
}

// publishSMS records a publish to a phone number; there is nothing to deliver it to.
func (b *Broker) publishSMS(p *published, phone string) (map[string]any, error) {
	if !phoneRE().MatchString(phone) {
		return nil, errInvalid("PhoneNumber Reason: " + phone + " is not valid to publish to")
	}
	if size := len(p.message) + attributesSize(p.attrs); size > defaultMaxSize {
		return nil, errInvalid("Message too long")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	p.timestamp, p.phone = b.now(), phone
	b.sms = append(b.sms, p)
	return map[string]any{"MessageId": p.id}, nil
}

// publishTarget finds the topic a publish names, creating it when AutoCreate is on. The caller holds b.mu.
func (b *Broker) publishTarget(ref string) (*topic, error) {
	t, err := b.lookup(ref)
	if err != nil && b.autoCreate {
		if name, ok := b.topicName(ref); ok {
			return b.createTopic(name, nil)
		}
	}
	return t, err
}

// admit checks what depends on the topic and records the message. For a FIFO duplicate within the
// deduplication interval it returns the message first admitted instead. The caller holds b.mu.
func (b *Broker) admit(t *topic, p *published) (*published, error) {
	if size := len(p.message) + attributesSize(p.attrs); size > t.maxSize {
		return nil, errInvalid("Message too long")
	}
	p.timestamp = b.now()
	if t.fifo {
		if p.group == "" {
			return nil, errInvalid("The MessageGroupId parameter is required for FIFO topics")
		}
		if p.dedupID == "" {
			if !t.contentDedup {
				return nil, errInvalid("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(p.message))
			p.dedupID = hex.EncodeToString(sum[:])
		}
		if first := t.dedup[p.dedupID]; first != nil && p.timestamp.Sub(first.timestamp) < dedupWindow {
			return first, nil
		}
		b.seq++
		p.seq = fmt.Sprintf("%020d", sequenceBase+b.seq)
		t.dedup[p.dedupID] = p
	} else if p.dedupID != "" {
		return nil, errInvalid("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
	}
	t.messages = append(t.messages, p)
	return nil, nil
}

// sequenceBase makes FIFO sequence numbers look like SNS's: 20 digits, large and increasing.
const sequenceBase uint64 = 10_000_000_000_000_000_000

// parseAttributes validates MessageAttributes (name -> {DataType, StringValue | BinaryValue}) as Publish does.
func parseAttributes(v any) (map[string]attribute, error) {
	if v == nil {
		return nil, nil
	}
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, errInvalid("MessageAttributes")
	}
	attrs := make(map[string]attribute, len(raw))
	for name, value := range raw {
		fields, _ := value.(map[string]any)
		dataType, _ := fields["DataType"].(string)
		if dataType == "" {
			return nil, errInvalidValue("The message attribute '%s' must contain non-empty message attribute type.", name)
		}
		field := "String"
		switch base, _, _ := strings.Cut(dataType, "."); base {
		case "Binary":
			field = "Binary"
		case "String", "Number":
		default:
			return nil, errInvalidValue("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		v, present := fields[field+"Value"]
		if !present {
			return nil, errInvalidValue("The message attribute '%s' with type '%s' must use field '%s'.", name, dataType, field)
		}
		s, _ := v.(string)
		if field == "Binary" {
			if decoded, err := base64.StdEncoding.DecodeString(s); err != nil || len(decoded) == 0 {
				s = ""
			}
		}
		if s == "" {
			return nil, errInvalidValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, dataType)
		}
		attrs[name] = attribute{dataType: dataType, value: s, binary: field == "Binary"}
	}
	return attrs, nil
}

// attributesSize is what the attributes add to a message's size: every name, type and value.
func attributesSize(attrs map[string]attribute) int {
	n := 0
	for name, a := range attrs {
		n += len(name) + len(a.dataType) + len(a.value)
	}
	return n
}

// bodyText is the text sent for a Message: a string as is, anything else as compact JSON (keys sorted,
// as Go maps keep no order), nil as missing.
func bodyText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return jsonText(v)
}

func jsonText(v any) string {
	return value.JSON(v)
}
