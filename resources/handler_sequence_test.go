package resources

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSequenceStub(t *testing.T) {
	dir := t.TempDir()
	stubScript(t, dir, "third.sh", `echo '"third"'`)
	r := stubLoad(t, dir, "h.yaml", `
fn:
  sequence:
    - throw: {error: Throttled, cause: slow down}
    - return: second
    - exec: [./third.sh]
other:
  sequence: [{echo: true}]
`)
	type step struct {
		want      any
		wantError string
	}
	steps := []step{{wantError: "Throttled"}, {want: "second"}, {want: "third"}, {want: "third"}, {want: "third"}}
	for i, s := range steps {
		got, err := invoke(t, r, stubLegacyFn, "S", "in")
		if s.wantError != "" {
			assert.Equal(t, s.wantError, requireFailure(t, err).Name, "call %d", i)
			continue
		}
		require.NoError(t, err, "call %d", i)
		assert.Equal(t, s.want, got, "call %d", i)
	}

	// Each entry counts for itself.
	got, err := invoke(t, r, "arn:aws:lambda:us-east-1:123456789012:function:other", "S", "in")
	require.NoError(t, err)
	assert.Equal(t, "in", got)

	// A new registry starts again.
	r = stubLoad(t, dir, "h2.json", `{"fn": {"sequence": [{"return": 1}, {"return": 2}]}}`)
	got, err = invoke(t, r, stubLegacyFn, "S", nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got)
}

// Concurrent calls each get a turn of their own: every stub but the last serves exactly one call.
func TestSequenceStubConcurrent(t *testing.T) {
	r, err := ParseHandlers([]byte(`{"fn": {"sequence": [{"return": 0}, {"return": 1}, {"return": 2}, {"return": 3}]}}`))
	require.NoError(t, err)
	const calls = 50
	results := make(chan any, calls)
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			got, err := invoke(t, r, stubLegacyFn, "S", nil)
			assert.NoError(t, err)
			results <- got
		})
	}
	wg.Wait()
	close(results)
	counts := map[any]int{}
	for got := range results {
		counts[got]++
	}
	assert.Equal(t, map[any]int{int64(0): 1, int64(1): 1, int64(2): 1, int64(3): calls - 3}, counts)
}

func TestSequenceStubLoadErrors(t *testing.T) {
	tests := []struct{ name, stub, want string }{
		{"not an array", `{"sequence": {"return": 1}}`, `"sequence" must be a non-empty array of stubs, not an object`},
		{"empty", `{"sequence": []}`, `"sequence" must be a non-empty array of stubs, not an array`},
		{"nested", `{"sequence": [{"return": 1}, {"sequence": [{"return": 2}]}]}`, `"sequence": stub 1: a "sequence" cannot hold another "sequence"`},
		{"a bad stub", `{"sequence": [{"echo": false}]}`, `"sequence": stub 0: "echo" must be true`},
		{"a stub of no kind", `{"sequence": [{}]}`, `"sequence": stub 0: a stub has exactly one of "echo", "return" or "throw", this one has 0 (nor any of "exec", "http", "lambdaEndpoint", "sequence", "aws", "builtin" or "sync")`},
		{"lambdaEndpoint under a resource", `{"sequence": [{"lambdaEndpoint": "http://127.0.0.1:1"}]}`, `"sequence": stub 0: "lambdaEndpoint" serves Lambda functions only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHandlers([]byte(`{"arn:aws:states:::sns:publish": ` + tt.stub + `}`))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `handlers: key "arn:aws:states:::sns:publish": `+tt.want)
		})
	}
}
