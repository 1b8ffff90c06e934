package resources

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// The sequence stub answers each invocation with the next of its stubs, the last one repeating:
//
//	{"sequence": [{"throw": {"error": "Throttled"}}, {"return": {"ok": true}}]}
//
// fails the first call and succeeds from the second on, which is how a Retry is exercised. The stubs are of
// any kind but sequence. The count belongs to the handler file entry and lasts as long as the registry:
// `aslrun execute` makes a registry per run, so each run starts from the first stub, while a registry
// shared by several executions (or retries and Map iterations of one) counts all their calls together,
// in the order they reach it.
type sequenceStub struct {
	stubs []Handler
	calls atomic.Int64
}

func parseSequence(stub map[string]any, sc stubScope) (Handler, error) {
	if sc.nested {
		return nil, errors.New(`a "sequence" cannot hold another "sequence"`)
	}
	raw, _ := stub["sequence"].([]any)
	if len(raw) == 0 {
		return nil, fmt.Errorf(`"sequence" must be a non-empty array of stubs, not %s`, kind(stub["sequence"]))
	}
	s := &sequenceStub{stubs: make([]Handler, len(raw))}
	sc.nested = true
	for i, v := range raw {
		h, err := parseStub(v, sc)
		if err != nil {
			return nil, fmt.Errorf(`"sequence": stub %d: %w`, i, err)
		}
		s.stubs[i] = h
	}
	return s, nil
}

// Inline reports whether every stub of the sequence answers inline.
func (s *sequenceStub) Inline() bool {
	for _, h := range s.stubs {
		if !inline(h) {
			return false
		}
	}
	return true
}

// Handle runs the stub whose turn it is.
func (s *sequenceStub) Handle(ctx context.Context, call *Call) (any, error) {
	i := s.calls.Add(1) - 1
	if last := int64(len(s.stubs) - 1); i > last {
		i = last
	}
	return s.stubs[i].Handle(ctx, call)
}
