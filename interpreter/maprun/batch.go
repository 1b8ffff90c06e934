package maprun

import (
	"fmt"
	"io"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
)

// maxBatchBytes is the largest batch AWS hands a child, and the limit when MaxInputBytesPerBatch is
// not given: "If you use batching and don't specify a maximum batch size, the interpreter processes as
// many items it can process up to 256 KiB in each child workflow execution."
const maxBatchBytes = 256 << 10

// BatchSpec is an ItemBatcher, its paths and expressions evaluated.
type BatchSpec struct {
	// MaxItemsPerBatch is the most items in a batch; 0 is no limit but the bytes.
	MaxItemsPerBatch int64
	// MaxInputBytesPerBatch is the largest batch, in bytes; 0 (or more than 256 KiB) is 256 KiB.
	MaxInputBytesPerBatch int64
	// BatchInput is the evaluated BatchInput, given to every batch; nil when the ItemBatcher has none.
	BatchInput any
}

// Batch groups the items of src into batches, each the input of one child: {"Items": [...]}, with
// "BatchInput" when the spec has one. src gives the items as the children would get them one by one
// (after the ItemSelector). A batch is closed at MaxItemsPerBatch items or before the item that would
// take it over MaxInputBytesPerBatch; its size is the length of the whole batch input as compact JSON
// (UTF-8 bytes). An item too big for a batch of its own fails with States.DataLimitExceeded: AWS does
// not document this case. The batches' Origin is that of their first item.
func Batch(src Items, spec BatchSpec) Items {
	b := &batcher{src: src, spec: spec, maxBytes: maxBatchBytes}
	if spec.MaxInputBytesPerBatch > 0 && spec.MaxInputBytesPerBatch < maxBatchBytes {
		b.maxBytes = int(spec.MaxInputBytesPerBatch)
	}
	b.base = len(`{"Items":[]}`)
	if spec.BatchInput != nil {
		b.base += len(`,"BatchInput":`) + value.Size(spec.BatchInput, b.maxBytes)
	}
	return b
}

type batcher struct {
	src      Items
	spec     BatchSpec
	maxBytes int
	base     int // the size of a batch without items
	read     int64
	// pending is the item read but left for the next batch, with its origin.
	pending       any
	pendingOrigin Origin
	hasPending    bool
	origin        Origin
}

func (b *batcher) Next() (any, error) {
	n := b.spec.MaxItemsPerBatch
	items := make([]any, 0, min(max(n, 1), 1024))
	size := b.base
	for n == 0 || int64(len(items)) < n {
		v, o, err := b.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		add := value.Size(v, b.maxBytes)
		if len(items) > 0 {
			add++ // the comma
		}
		if size+add > b.maxBytes {
			if len(items) == 0 {
				return nil, failure.New(failure.DataLimitExceeded, fmt.Sprintf(
					"The item at index %d is too big for a batch of MaxInputBytesPerBatch %d bytes: alone it makes a batch input of more than %d bytes",
					b.read-1, b.maxBytes, b.maxBytes))
			}
			b.pending, b.pendingOrigin, b.hasPending = v, o, true
			break
		}
		if len(items) == 0 {
			b.origin = o
		}
		items = append(items, v)
		size += add
	}
	if len(items) == 0 {
		return nil, io.EOF
	}
	batch := map[string]any{"Items": items}
	if b.spec.BatchInput != nil {
		batch["BatchInput"] = b.spec.BatchInput
	}
	return batch, nil
}

// next is the pending item, or the next of src.
func (b *batcher) next() (any, Origin, error) {
	if b.hasPending {
		b.hasPending = false
		v := b.pending
		b.pending = nil
		return v, b.pendingOrigin, nil
	}
	v, err := b.src.Next()
	if err != nil {
		return nil, Origin{}, err
	}
	b.read++
	return v, b.src.Origin(), nil
}

func (b *batcher) Origin() Origin { return b.origin }

func (b *batcher) Close() error { return b.src.Close() }
