// Package sns is an embedded, in-memory emulation of Amazon SNS for the Step Functions integration
// sns:publish. It records every published message for inspection and fans it out to local subscribers:
// Go functions (Subscribe) and queues of the sqs emulation (SubscribeQueue), which get SNS's JSON
// envelope or, for raw delivery, the bare message.
//
// Requests and responses are the SNS API's shapes as generic values; errors are *awserr.Error with SNS's
// codes.
package sns

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Options configures a Broker. The zero value is usable.
type Options struct {
	// Region and Account make up topic ARNs; us-east-1 and 123456789012 when empty.
	Region, Account string
	// Now stamps messages and measures the FIFO deduplication interval; time.Now when nil.
	Now func() time.Time
	// AutoCreate makes a publish to an unknown topic create it instead of failing.
	AutoCreate bool
}

// Broker holds topics, their subscriptions and their messages. It is safe for concurrent use.
type Broker struct {
	region, account string
	now             func() time.Time
	autoCreate      bool
	certURL         string // SigningCertURL of every envelope, like SNS's per-region certificate

	mu      sync.Mutex
	topics  map[string]*topic // by name
	order   []string          // topic names in creation order
	workers map[string][]workerSub
	sms     []*published // publishes to a PhoneNumber
	seq     uint64       // FIFO sequence numbers, increasing across the broker
}

// New returns an empty Broker.
func New(opts Options) *Broker {
	b := &Broker{
		region: opts.Region, account: opts.Account, now: opts.Now, autoCreate: opts.AutoCreate,
		topics:  map[string]*topic{},
		workers: map[string][]workerSub{},
	}
	if b.region == "" {
		b.region = "us-east-1"
	}
	if b.account == "" {
		b.account = "123456789012"
	}
	if b.now == nil {
		b.now = time.Now
	}
	b.certURL = fmt.Sprintf("https://sns.%s.amazonaws.com/SimpleNotificationService-%s.pem", b.region, randomHex(16))
	return b
}

// topic is one topic, its queue subscriptions and every message published to it.
type topic struct {
	name, arn    string
	fifo         bool
	contentDedup bool
	maxSize      int
	queues       []queueSub
	messages     []*published
	dedup        map[string]*published // FIFO: deduplication ID -> the message it admitted
}

const (
	// defaultMaxSize is Publish's default limit on message plus attributes (MaximumMessageSize, up to 1 MiB).
	defaultMaxSize = 256 << 10
	dedupWindow    = 5 * time.Minute
)

var topicNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_-]{1,256}$`) })

// CreateTopic creates a topic, FIFO when its name ends in .fifo, and returns its ARN,
// arn:aws:sns:REGION:ACCOUNT:NAME. Creating an existing topic returns its ARN, as SNS does.
func (b *Broker) CreateTopic(name string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.createTopic(name, nil)
	if err != nil {
		return "", err
	}
	return t.arn, nil
}

// createTopic creates a topic with CreateTopic's attributes (ContentBasedDeduplication,
// MaximumMessageSize; others are ignored). The caller holds b.mu.
func (b *Broker) createTopic(name string, attributes map[string]string) (*topic, error) {
	fifo := strings.HasSuffix(name, ".fifo")
	if !topicNameRE().MatchString(strings.TrimSuffix(name, ".fifo")) || len(name) > 256 {
		return nil, errInvalid("Topic Name")
	}
	if t := b.topics[name]; t != nil {
		return t, nil
	}
	t := &topic{
		name: name, fifo: fifo, maxSize: defaultMaxSize,
		arn:   fmt.Sprintf("arn:aws:sns:%s:%s:%s", b.region, b.account, name),
		dedup: map[string]*published{},
	}
	for k, v := range attributes {
		switch k {
		case "ContentBasedDeduplication":
			if !fifo || (v != "true" && v != "false") {
				return nil, errInvalid("Attributes Reason: ContentBasedDeduplication")
			}
			t.contentDedup = v == "true"
		case "MaximumMessageSize":
			var n int
			if _, err := fmt.Sscan(v, &n); err != nil || n < 1024 || n > 1<<20 {
				return nil, errInvalid("Attributes Reason: MaximumMessageSize")
			}
			t.maxSize = n
		case "FifoTopic":
			if (v == "true") != fifo {
				return nil, errInvalid("Topic Name")
			}
		}
	}
	b.topics[name] = t
	b.order = append(b.order, name)
	return t, nil
}

// topicName reads a topic's name from its ARN or a bare name; an ARN of another account or region
// names a topic this broker does not have.
func (b *Broker) topicName(ref string) (string, bool) {
	if !strings.HasPrefix(ref, "arn:") {
		return ref, ref != ""
	}
	// One local SNS stands for every region and account, so topics are known by name: definitions written
	// with literal {region}/{account} placeholders or another account's ARNs reach the same topic.
	parts := strings.Split(ref, ":")
	if len(parts) != 6 || parts[2] != "sns" {
		return "", false
	}
	return parts[5], true
}

// lookup finds a topic by name or ARN. The caller holds b.mu.
func (b *Broker) lookup(ref string) (*topic, error) {
	name, ok := b.topicName(ref)
	if t := b.topics[name]; ok && t != nil {
		return t, nil
	}
	return nil, errNotFound()
}

// newID returns a random version 4 UUID, the form of SNS message IDs.
func newID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func randomHex(n int) string {
	r := make([]byte, n)
	_, _ = rand.Read(r)
	return hex.EncodeToString(r)
}
