// Package sqs is an embedded, in-memory emulation of Amazon SQS for the Step Functions integrations
// (sqs:sendMessage, with or without .waitForTaskToken). It keeps every message ever sent, so a run can be
// inspected afterwards, and hands messages to local workers: pushed to Go functions (Subscribe), as a
// Lambda event source mapping would, or pulled by workers that poll (ReceiveMessage).
//
// Requests and responses are the SQS API's JSON shapes as generic values; errors are *awserr.Error with
// the codes of SQS's JSON protocol.
package sqs

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a Broker. The zero value is usable.
type Options struct {
	// Region and Account make up queue URLs and ARNs; us-east-1 and 123456789012 when empty.
	Region, Account string
	// Now stamps messages and drives delays and visibility timeouts; time.Now when nil. The emulator
	// passes its virtual clock.
	Now func() time.Time
	// After waits for a delay (DelaySeconds, a long poll); time.After when nil. The emulator passes its
	// virtual clock's, so a delayed message or a long poll ends when virtual time gets there.
	After func(time.Duration) <-chan time.Time
	// AutoCreate makes a send to an unknown queue create it instead of failing.
	AutoCreate bool
}

// Broker holds queues and their messages. It is safe for concurrent use.
type Broker struct {
	region, account string
	now             func() time.Time
	after           func(time.Duration) <-chan time.Time
	autoCreate      bool

	mu      sync.Mutex
	queues  map[string]*queue    // by name
	order   []string             // queue names in creation order
	workers map[string][]Worker  // by queue name, apart from queues so a worker may subscribe first
	next    map[string]int       // round-robin position among a queue's workers
	handles map[string]handleRef // receipt handle -> what it was issued for, for DeleteMessage
	seq     uint64               // FIFO sequence numbers, increasing across the broker
}

// New returns an empty Broker.
func New(opts Options) *Broker {
	b := &Broker{
		region: opts.Region, account: opts.Account, now: opts.Now, after: opts.After, autoCreate: opts.AutoCreate,
		queues:  map[string]*queue{},
		workers: map[string][]Worker{},
		next:    map[string]int{},
		handles: map[string]handleRef{},
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
	if b.after == nil {
		b.after = time.After
	}
	return b
}

// queue is one queue and every message ever sent to it.
type queue struct {
	name, url, arn string
	fifo           bool
	attributes     map[string]string // as created, for CreateQueue's idempotence check and Dump
	visibility     time.Duration
	delay          time.Duration
	maxSize        int
	contentDedup   bool

	messages  []*message
	dedup     map[string]*message      // FIFO: deduplication ID -> the message it admitted
	groupTail map[string]chan struct{} // FIFO push delivery: closed when the group's last delivery ends
	changed   chan struct{}            // closed and replaced whenever a message is added or released
}

// Queue attribute defaults and bounds, from CreateQueue's reference.
const (
	defaultVisibility = 30 * time.Second
	maxVisibility     = 12 * time.Hour
	maxDelay          = 15 * time.Minute
	// defaultMaxSize is SQS's MaximumMessageSize default since August 2025 (1 MiB; it was 256 KiB).
	defaultMaxSize = 1 << 20
	minMaxSize     = 1 << 10
	dedupWindow    = 5 * time.Minute
)

var queueNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_-]{1,80}$`) })

// CreateQueue creates a queue, FIFO when its name ends in .fifo, and returns its URL. Attributes are
// CreateQueue's (VisibilityTimeout, DelaySeconds, MaximumMessageSize, ContentBasedDeduplication, ...).
// Creating an existing queue with the same attributes returns its URL, as SQS does.
func (b *Broker) CreateQueue(name string, attributes map[string]string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, err := b.createQueue(name, attributes)
	if err != nil {
		return "", err
	}
	return q.url, nil
}

func (b *Broker) createQueue(name string, attributes map[string]string) (*queue, error) {
	fifo := strings.HasSuffix(name, ".fifo")
	if !queueNameRE().MatchString(strings.TrimSuffix(name, ".fifo")) || len(name) > 80 {
		if fifo || attributes["FifoQueue"] == "true" {
			return nil, errInvalidValue("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		return nil, errInvalidValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if existing := b.queues[name]; existing != nil {
		for k, v := range attributes {
			if existing.attributes[k] != v {
				return nil, errQueueNameExists(k)
			}
		}
		return existing, nil
	}
	if attributes["FifoQueue"] == "true" && !fifo {
		return nil, errInvalidValue("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
	}
	q := &queue{
		name: name, fifo: fifo,
		url:        fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", b.region, b.account, name),
		arn:        fmt.Sprintf("arn:aws:sqs:%s:%s:%s", b.region, b.account, name),
		attributes: map[string]string{},
		visibility: defaultVisibility,
		maxSize:    defaultMaxSize,
		dedup:      map[string]*message{},
		groupTail:  map[string]chan struct{}{},
		changed:    make(chan struct{}),
	}
	for k, v := range attributes {
		if err := q.setAttribute(k, v); err != nil {
			return nil, err
		}
		q.attributes[k] = v
	}
	if fifo {
		q.attributes["FifoQueue"] = "true"
	}
	b.queues[name] = q
	b.order = append(b.order, name)
	return q, nil
}

// setAttribute applies the attributes the emulation acts on; the others are only kept.
func (q *queue) setAttribute(name, value string) error {
	seconds := func(limit time.Duration) (time.Duration, error) {
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || time.Duration(n)*time.Second > limit {
			return 0, errInvalidAttributeValue(name)
		}
		return time.Duration(n) * time.Second, nil
	}
	var err error
	switch name {
	case "VisibilityTimeout":
		q.visibility, err = seconds(maxVisibility)
	case "DelaySeconds":
		q.delay, err = seconds(maxDelay)
	case "MaximumMessageSize":
		n, convErr := strconv.Atoi(value)
		if convErr != nil || n < minMaxSize || n > defaultMaxSize {
			return errInvalidAttributeValue(name)
		}
		q.maxSize = n
	case "ContentBasedDeduplication":
		if !q.fifo || (value != "true" && value != "false") {
			return errInvalidAttributeName(name)
		}
		q.contentDedup = value == "true"
	case "FifoQueue":
		if value != "true" && value != "false" {
			return errInvalidAttributeValue(name)
		}
	}
	return err
}

// QueueURL returns the URL of a queue named by name, URL or ARN, as GetQueueUrl would.
func (b *Broker) QueueURL(queue string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, err := b.lookup(queue)
	if err != nil {
		return "", err
	}
	return q.url, nil
}

// queueName reads a queue's name from a URL (…/ACCOUNT/NAME), an ARN (arn:aws:sqs:REGION:ACCOUNT:NAME) or
// a bare name. A URL or ARN of another account or region names a queue this broker does not have.
func (b *Broker) queueName(ref string) (string, bool) {
	// One local SQS stands for every region and account, so queues are known by name, whatever region,
	// account or host their ARN or URL names.
	switch {
	case strings.HasPrefix(ref, "arn:"):
		parts := strings.Split(ref, ":")
		if len(parts) != 6 || parts[2] != "sqs" {
			return "", false
		}
		return parts[5], true
	case strings.Contains(ref, "://"):
		path := strings.Split(strings.TrimRight(ref[strings.Index(ref, "://")+3:], "/"), "/")
		if len(path) != 3 {
			return "", false
		}
		return path[2], true
	}
	return ref, true
}

// lookup finds a queue by name, URL or ARN. The caller holds b.mu.
func (b *Broker) lookup(ref string) (*queue, error) {
	name, ok := b.queueName(ref)
	if q := b.queues[name]; ok && q != nil {
		return q, nil
	}
	return nil, errNoQueue()
}

// notify wakes long polls waiting on q. The caller holds b.mu.
func (q *queue) notify() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// newID returns a random version 4 UUID, the form of SQS message IDs.
func newID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// newReceiptHandle returns an opaque handle like SQS's: long, random, base64.
func newReceiptHandle() string {
	var r [96]byte
	_, _ = rand.Read(r[:])
	return "AQEB" + base64.StdEncoding.EncodeToString(r[:])
}
