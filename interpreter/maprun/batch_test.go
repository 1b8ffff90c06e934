package maprun

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
)

// sliceItems serves values, each with its source, then err (io.EOF when nil).
type sliceItems struct {
	values []any
	i      int
	err    error
	closed bool
}

func (s *sliceItems) Next() (any, error) {
	if s.i == len(s.values) {
		if s.err != nil {
			return nil, s.err
		}
		return nil, io.EOF
	}
	s.i++
	return s.values[s.i-1], nil
}

func (s *sliceItems) Origin() Origin { return Origin{Source: "S3://b/" + string(rune('a'+s.i-1))} }

func (s *sliceItems) Close() error { s.closed = true; return nil }

func numbers(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}

func collect(t *testing.T, it Items) ([]any, []Origin, error) {
	t.Helper()
	var out []any
	var origins []Origin
	for {
		v, err := it.Next()
		if err == io.EOF {
			return out, origins, nil
		}
		if err != nil {
			return out, origins, err
		}
		out = append(out, value.Plain(v)) // compared with maps
		origins = append(origins, it.Origin())
	}
}

func TestBatchByCount(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		per   int64
		sizes []int
	}{
		// AWS's example: 1130 items by 100 make 11 batches of 100 and one of 30.
		{"aws example", 1130, 100, []int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 30}},
		{"exact", 6, 3, []int{3, 3}},
		{"one per batch", 3, 1, []int{1, 1, 1}},
		{"fewer than a batch", 2, 5, []int{2}},
		{"nothing", 0, 5, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &sliceItems{values: numbers(tc.n)}
			b := Batch(src, BatchSpec{MaxItemsPerBatch: tc.per})
			batches, origins, err := collect(t, b)
			require.NoError(t, err)
			var sizes []int
			next := int64(0)
			for i, batch := range batches {
				m := batch.(map[string]any)
				assert.NotContains(t, m, "BatchInput")
				items := m["Items"].([]any)
				sizes = append(sizes, len(items))
				for _, v := range items {
					assert.Equal(t, next, v)
					next++
				}
				assert.Equal(t, "S3://b/"+string(rune('a'+int(items[0].(int64)))), origins[i].Source, "the origin of the batch's first item")
			}
			assert.Equal(t, tc.sizes, sizes)
			require.NoError(t, b.Close())
			assert.True(t, src.closed)
		})
	}
}

func TestBatchByBytes(t *testing.T) {
	item := map[string]any{"s": strings.Repeat("x", 10)} // {"s":"xxxxxxxxxx"}: 18 bytes
	items := []any{item, item, item, item, item}
	input := map[string]any{"factCheck": "December 2022"} // 29 bytes
	for _, tc := range []struct {
		name  string
		spec  BatchSpec
		sizes []int
	}{
		// {"Items":[]} is 12 bytes; each item 18 more, and 1 for each comma.
		{"exact fit", BatchSpec{MaxInputBytesPerBatch: 12 + 18 + 1 + 18}, []int{2, 2, 1}},
		{"one byte short", BatchSpec{MaxInputBytesPerBatch: 12 + 18 + 1 + 18 - 1}, []int{1, 1, 1, 1, 1}},
		{"count before bytes", BatchSpec{MaxItemsPerBatch: 2, MaxInputBytesPerBatch: 1000}, []int{2, 2, 1}},
		{"bytes before count", BatchSpec{MaxItemsPerBatch: 4, MaxInputBytesPerBatch: 12 + 3*18 + 2}, []int{3, 2}},
		// ,"BatchInput": is 14 bytes.
		{"batch input counts", BatchSpec{MaxInputBytesPerBatch: 12 + 14 + 29 + 18 + 1 + 18, BatchInput: input}, []int{2, 2, 1}},
		{"over 256 KiB is 256 KiB", BatchSpec{MaxInputBytesPerBatch: 1 << 30}, []int{5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			batches, _, err := collect(t, Batch(&sliceItems{values: items}, tc.spec))
			require.NoError(t, err)
			var sizes []int
			for _, batch := range batches {
				m := batch.(map[string]any)
				sizes = append(sizes, len(m["Items"].([]any)))
				limit := tc.spec.MaxInputBytesPerBatch
				assert.LessOrEqual(t, int64(len(oj.JSON(m))), min(limit, maxBatchBytes), "the batch as JSON fits")
				if tc.spec.BatchInput != nil {
					assert.Equal(t, input, m["BatchInput"])
				}
			}
			assert.Equal(t, tc.sizes, sizes)
		})
	}
}

func TestBatchDefaultLimit(t *testing.T) {
	// Without MaxInputBytesPerBatch, a batch holds at most 256 KiB.
	item := strings.Repeat("y", 100<<10) // 100 KiB and 2 quotes
	batches, _, err := collect(t, Batch(&sliceItems{values: []any{item, item, item, item, item}}, BatchSpec{MaxItemsPerBatch: 100}))
	require.NoError(t, err)
	require.Len(t, batches, 3)
	for i, want := range []int{2, 2, 1} {
		assert.Len(t, batches[i].(map[string]any)["Items"], want)
	}
}

func TestBatchInputShape(t *testing.T) {
	// AWS's example: each child gets {"BatchInput": {...}, "Items": [...]}.
	facts := []any{
		map[string]any{"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
		map[string]any{"verdict": "false", "statement_date": "6/7/2022", "statement_source": "television"},
	}
	batches, _, err := collect(t, Batch(&sliceItems{values: facts}, BatchSpec{MaxItemsPerBatch: 2, BatchInput: map[string]any{"factCheck": "December 2022"}}))
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"BatchInput": map[string]any{"factCheck": "December 2022"}, "Items": facts}}, batches)
}

func TestBatchFailures(t *testing.T) {
	t.Run("an item too big alone", func(t *testing.T) {
		values := []any{"small", strings.Repeat("z", 100), "small"}
		batches, _, err := collect(t, Batch(&sliceItems{values: values}, BatchSpec{MaxInputBytesPerBatch: 50}))
		requireFailure(t, err, failure.DataLimitExceeded, "The item at index 1 is too big for a batch of MaxInputBytesPerBatch 50 bytes")
		assert.Len(t, batches, 1)
	})
	t.Run("the source's failure", func(t *testing.T) {
		boom := errors.New("boom")
		batches, _, err := collect(t, Batch(&sliceItems{values: numbers(3), err: boom}, BatchSpec{MaxItemsPerBatch: 2}))
		assert.ErrorIs(t, err, boom)
		assert.Len(t, batches, 1)
	})
}

func TestBatchOverReader(t *testing.T) {
	// A CSV read and batched, end to end.
	var b strings.Builder
	b.WriteString("id,name\n")
	for i := range 250 {
		b.WriteString(strings.Repeat("9", i%3+1) + ",n\n")
	}
	objs := newObjects(map[string]map[string]string{"b": {"f.csv": b.String()}})
	it, err := Open(t.Context(), objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "f.csv"}, Config: ReaderConfig{InputType: "CSV"}})
	require.NoError(t, err)
	batches, origins, err := collect(t, Batch(it, BatchSpec{MaxItemsPerBatch: 100, BatchInput: "run-1"}))
	require.NoError(t, err)
	require.Len(t, batches, 3)
	assert.Len(t, batches[2].(map[string]any)["Items"], 50)
	assert.Equal(t, "run-1", batches[0].(map[string]any)["BatchInput"])
	assert.Equal(t, Origin{Source: "S3://b/f.csv"}, origins[0])
}
