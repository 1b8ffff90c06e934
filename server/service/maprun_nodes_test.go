package service

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/postgres"
	"github.com/aslrun/aslrun/server/store/postgres/pgtest"
)

// TestMapRunSpreadsOverNodes: with two nodes on one PostgreSQL database, the STANDARD children of a Map
// Run started on one node are queued in the store, and both nodes run them.
func TestMapRunSpreadsOverNodes(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	var mu sync.Mutex
	ranOn := map[string]int{}
	var nodes []*Service
	for _, id := range []string{"a", "b"} {
		st, err := postgres.Open(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		inv := interpreter.InvokerFunc(func(ctx context.Context, req *interpreter.TaskRequest) (any, error) {
			mu.Lock()
			ranOn[id]++
			mu.Unlock()
			select {
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
			}
			return req.Input, nil
		})
		s, err := New(Options{Store: st, NodeID: id, Shared: true, Invoker: inv})
		require.NoError(t, err)
		t.Cleanup(s.Close)
		nodes = append(nodes, s)
	}
	d := runMachine(t, nodes[0], "spread", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":10,"End":true,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
			"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}`,
		`[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39]`)
	require.Equal(t, store.Succeeded, d.Status, deref(d.Cause))
	want := "["
	for i := range 40 {
		want += fmt.Sprint(i) + map[bool]string{true: "]", false: ","}[i == 39]
	}
	assert.JSONEq(t, want, deref(d.Output))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 40, ranOn["a"]+ranOn["b"], "each child ran once")
	assert.Positive(t, ranOn["a"], "node a ran children")
	assert.Positive(t, ranOn["b"], "node b ran children")
	t.Logf("children run per node: %v", ranOn)
}
