package service

import (
	"bufio"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CodeThrottling is the error of a request AWS refuses under load. Its API reference lists it among the
// common errors, with HTTP status 400; the SDKs retry it with back-off.
const CodeThrottling = "ThrottlingException"

// Shedding refuses new executions while the Go heap is above a soft limit, so that the server sheds work
// instead of running out of memory and taking every execution with it. The executions already running go
// on; each expression they evaluate is bounded by its own budget (asl/jsonata, asl/intrinsic).
const (
	// memLimitShare is the share of GOMEMLIMIT the heap may take before shedding: the rest is what the
	// runtime needs besides heap objects (stacks, fragmentation) and the garbage not yet collected.
	memLimitShare = 0.75
	// physicalShare is the share of the memory the process may use (its cgroup's limit, else the machine's
	// RAM) when GOMEMLIMIT is not set. The heap doubles between collections at GOGC=100, so a heap of half
	// the memory is the most that can still grow.
	physicalShare = 0.5
	// sampleEvery bounds how often the heap is read: runtime/metrics does not stop the world, but a burst
	// of starts needs no fresher figure.
	sampleEvery = 5 * time.Millisecond
	heapMetric  = "/memory/classes/heap/objects:bytes"
)

// shedder decides whether a new execution may start. Its zero limit sheds nothing.
type shedder struct {
	limit uint64

	mu   sync.Mutex
	at   time.Time
	heap uint64
	// sample is reused: metrics.Read fills it in place.
	sample []metrics.Sample
}

// newShedder sheds above limit bytes of heap: 0 means the default (defaultSoftLimit), negative never.
func newShedder(limit int64) *shedder {
	if limit == 0 {
		limit = defaultSoftLimit()
	}
	s := &shedder{sample: []metrics.Sample{{Name: heapMetric}}}
	if limit > 0 {
		s.limit = uint64(limit)
	}
	return s
}

// admit answers ThrottlingException while the heap is above the limit.
func (s *shedder) admit() error {
	if s.limit == 0 {
		return nil
	}
	if heap := s.heapBytes(); heap > s.limit {
		return newError(CodeThrottling, "Rate exceeded: the server is short of memory (heap %d MiB, limit %d MiB); retry later",
			heap>>20, s.limit>>20)
	}
	return nil
}

func (s *shedder) heapBytes() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := time.Now(); now.Sub(s.at) >= sampleEvery {
		metrics.Read(s.sample)
		s.heap, s.at = s.sample[0].Value.Uint64(), now
	}
	return s.heap
}

// ServerGC's settings: the collector runs when the heap has grown 4x rather than 2x, under a soft memory
// limit of serverMemoryShare of the memory the process may use.
const (
	serverGCPercent   = 400
	serverMemoryShare = 0.8
)

// ServerGC tunes the collector for a server, unless GOGC or GOMEMLIMIT set it already: serve's live heap is
// small and its garbage churns, so fewer collections cut a fifth of a StartExecution's CPU
// (BenchmarkStartExecution's cpu-µs/op, GOGC 400 against 100). The memory limit keeps that growth within
// the memory the process may use: near it the runtime collects as often as it must, and the shedding
// limit of the services made after it derives from it (defaultSoftLimit). It reports whether it did.
func ServerGC() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	m := availableMemory()
	if m <= 0 {
		return false
	}
	debug.SetMemoryLimit(int64(float64(m) * serverMemoryShare))
	debug.SetGCPercent(serverGCPercent)
	return true
}

// defaultSoftLimit is memLimitShare of GOMEMLIMIT when it is set, else physicalShare of the memory the
// process may use; -1 (no shedding) when neither is known.
func defaultSoftLimit() int64 {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return int64(float64(l) * memLimitShare)
	}
	if m := availableMemory(); m > 0 {
		return int64(float64(m) * physicalShare)
	}
	return -1
}

// availableMemory is the smaller of the cgroup's memory limit (v2, then v1) and the machine's RAM, on
// Linux; 0 elsewhere or when nothing can be read.
func availableMemory() int64 {
	total := memTotal()
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// "max" (v2) or a huge number (v1) means no limit
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			total = n
		}
		break
	}
	return total
}

// memTotal reads MemTotal from /proc/meminfo, in bytes.
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
