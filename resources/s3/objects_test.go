package s3

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter/maprun"
)

func TestObjects(t *testing.T) {
	ctx := context.Background()
	for name, s := range backends(t) {
		var objects maprun.Objects = s
		t.Run(name, func(t *testing.T) {
			require.NoError(t, objects.Put(ctx, "data", "run/SUCCEEDED_0.json", strings.NewReader(`[{"a":1}]`)))
			require.NoError(t, objects.Put(ctx, "data", "run/manifest.json", strings.NewReader(`{}`)))
			require.NoError(t, objects.Put(ctx, "data", "items.csv", strings.NewReader("a\n1\n")))

			body, size, err := objects.Get(ctx, "data", "run/SUCCEEDED_0.json")
			require.NoError(t, err)
			b, err := io.ReadAll(body)
			require.NoError(t, err)
			require.NoError(t, body.Close())
			assert.Equal(t, `[{"a":1}]`, string(b))
			assert.Equal(t, int64(9), size)

			var listed []maprun.Object
			require.NoError(t, objects.List(ctx, "data", "run/", func(o maprun.Object) error {
				// The listing streams: the callback may read what it lists.
				r, _, err := objects.Get(ctx, "data", o.Key)
				if err == nil {
					err = r.Close()
				}
				listed = append(listed, o)
				return err
			}))
			require.Len(t, listed, 2)
			assert.Equal(t, "run/SUCCEEDED_0.json", listed[0].Key)
			assert.Equal(t, "run/manifest.json", listed[1].Key)
			assert.Equal(t, quotedMD5(`[{"a":1}]`), listed[0].ETag)
			assert.Equal(t, int64(9), listed[0].Size)
			assert.Equal(t, "STANDARD", listed[0].StorageClass)
			assert.Zero(t, listed[0].LastModified.Nanosecond(), "whole seconds, as S3's")

			stop := errors.New("enough")
			n := 0
			err = objects.List(ctx, "data", "", func(maprun.Object) error { n++; return stop })
			assert.Same(t, stop, err, "the callback's error, as it is")
			assert.Equal(t, 1, n)

			var oe *maprun.ObjectError
			_, _, err = objects.Get(ctx, "data", "nope")
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, maprun.ObjectError{Code: "NoSuchKey", Bucket: "data", Key: "nope"}, *oe)
			_, _, err = objects.Get(ctx, "nobucket", "k")
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, maprun.ObjectError{Code: "NoSuchBucket", Bucket: "nobucket", Key: "k"}, *oe)
			err = objects.List(ctx, "nobucket", "", func(maprun.Object) error { return nil })
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "NoSuchBucket", oe.Code)
			err = objects.Put(ctx, "nobucket", "k", strings.NewReader("x"))
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "NoSuchBucket", oe.Code)

			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			err = objects.List(cancelled, "data", "", func(maprun.Object) error { return nil })
			assert.ErrorIs(t, err, context.Canceled)
		})
	}
	mem := New(Options{AutoCreate: true})
	require.NoError(t, mem.Put(ctx, "results", "out.json", strings.NewReader("{}")), "AutoCreate makes the bucket")
	_, size, err := mem.Get(ctx, "results", "out.json")
	require.NoError(t, err)
	assert.Equal(t, int64(2), size)
}
