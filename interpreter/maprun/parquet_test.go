package maprun

import (
	"bytes"
	"testing"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type parquetInner struct {
	A int32  `parquet:"a"`
	B string `parquet:"b"`
}

type parquetRow struct {
	ID    int64            `parquet:"id"`
	Name  string           `parquet:"name"`
	Score float64          `parquet:"score"`
	F32   float32          `parquet:"f32"`
	OK    bool             `parquet:"ok"`
	Opt   *string          `parquet:"opt,optional"`
	Tags  []string         `parquet:"tags,list"`
	Rep   []int32          `parquet:"rep"`
	Inner parquetInner     `parquet:"inner"`
	Kids  []parquetInner   `parquet:"kids,list"`
	M     map[string]int64 `parquet:"m"`
	TS    time.Time        `parquet:"ts,timestamp(millisecond)"`
	TSus  time.Time        `parquet:"tsus,timestamp(microsecond)"`
	Day   int32            `parquet:"day,date"`
	Bin   []byte           `parquet:"bin"`
	U8    uint8            `parquet:"u8"`
	Dec   int64            `parquet:"dec,decimal(2:10)"`
	Doc   string           `parquet:"doc,json"`
}

func parquetFile(t *testing.T, rows []parquetRow) string {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetRow](&buf, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(2))
	_, err := w.Write(rows)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.String()
}

func TestParquet(t *testing.T) {
	s := "x"
	ts := time.Date(2024, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	rows := []parquetRow{
		{ID: 1, Name: "a", Score: 1.5, F32: 0.1, OK: true, Opt: &s, Tags: []string{"t1", "t2"}, Rep: []int32{1, 2},
			Inner: parquetInner{A: 3, B: "bb"}, Kids: []parquetInner{{A: 4, B: "k"}}, M: map[string]int64{"k": 9},
			TS: ts, TSus: ts.Add(7 * time.Microsecond), Day: 19724, Bin: []byte{0, 1, 255}, U8: 7, Dec: 12345, Doc: `{"j":[1,"s"]}`},
		{ID: 2, Name: "b", TS: time.Unix(0, 0), TSus: time.Unix(0, 0), Doc: "null"},
		{ID: 3, Name: "c", TS: time.Unix(0, 0), TSus: time.Unix(0, 0), Doc: "3"},
	}
	data := parquetFile(t, rows)
	want := []any{
		map[string]any{"id": int64(1), "name": "a", "score": 1.5, "f32": 0.1, "ok": true, "opt": "x", "tags": []any{"t1", "t2"},
			"rep": []any{int64(1), int64(2)}, "inner": map[string]any{"a": int64(3), "b": "bb"},
			"kids": []any{map[string]any{"a": int64(4), "b": "k"}}, "m": map[string]any{"k": int64(9)},
			"ts": "2024-01-02T03:04:05.006Z", "tsus": "2024-01-02T03:04:05.006007Z", "day": "2024-01-02", "bin": "AAH/", "u8": int64(7),
			"dec": 123.45, "doc": map[string]any{"j": []any{int64(1), "s"}}},
		map[string]any{"id": int64(2), "name": "b", "score": 0.0, "f32": 0.0, "ok": false, "opt": nil, "tags": []any{},
			"rep": []any{}, "inner": map[string]any{"a": int64(0), "b": ""}, "kids": []any{}, "m": map[string]any{},
			"ts": "1970-01-01T00:00:00Z", "tsus": "1970-01-01T00:00:00Z", "day": "1970-01-01", "bin": "", "u8": int64(0), "dec": 0.0, "doc": nil},
	}
	for _, streamOnly := range []bool{false, true} {
		objs := newObjects(map[string]map[string]string{"b": {"rows.parquet": data}})
		objs.streamOnly = streamOnly // a body that is no io.ReaderAt goes through a temporary file
		items, origins, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "rows.parquet"},
			Config: ReaderConfig{InputType: "PARQUET"}})
		require.NoError(t, err)
		require.Len(t, items, 3)
		assert.Equal(t, want, items[:2])
		assert.Equal(t, int64(3), items[2].(map[string]any)["doc"])
		assert.Equal(t, Origin{Source: "S3://b/rows.parquet"}, origins[2])

		limited, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "rows.parquet"},
			Config: ReaderConfig{InputType: "PARQUET", MaxItems: 1}})
		require.NoError(t, err)
		assert.Len(t, limited, 1)
	}
}

func TestParquetFailures(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"b": {
		"text.parquet":  "id,name\n1,a\n",
		"empty.parquet": "",
		"cut.parquet":   parquetFile(t, []parquetRow{{ID: 1}})[:40],
	}})
	for _, key := range []string{"text.parquet", "empty.parquet", "cut.parquet"} {
		t.Run(key, func(t *testing.T) {
			_, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": key}, Config: ReaderConfig{InputType: "PARQUET"}})
			requireFailure(t, err, failure.ItemReaderFailed, "The object s3://b/"+key+" is not a valid Parquet file")
		})
	}
	t.Run("CSV fields with Parquet", func(t *testing.T) {
		_, err := Open(t.Context(), objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "text.parquet"},
			Config: ReaderConfig{InputType: "PARQUET", CSVHeaderLocation: "FIRST_ROW"}})
		requireFailure(t, err, failure.ItemReaderFailed, "only supported with CSV files")
	})
}

type parquetKinds struct {
	Clock  int32            `parquet:"clock,time(millisecond)"`
	Micros int64            `parquet:"micros,time(microsecond)"`
	Nanos  time.Time        `parquet:"nanos,timestamp(nanosecond)"`
	UUID   [16]byte         `parquet:"uuid,uuid"`
	Enum   string           `parquet:"enum,enum"`
	Old    deprecated.Int96 `parquet:"old"`
	U64    uint64           `parquet:"u64"`
	I16    int16            `parquet:"i16"`
}

func TestParquetKinds(t *testing.T) {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetKinds](&buf)
	// 2022-11-16T00:29:32.5Z as an INT96: nanoseconds of the day, then the Julian day.
	nanos := uint64((29*60+32)*time.Second + 500*time.Millisecond)
	_, err := w.Write([]parquetKinds{{
		Clock: int32((13*3600+14*60+15)*1000 + 16), Micros: (1*3600+2*60+3)*1_000_000 + 4,
		Nanos: time.Date(2022, 11, 16, 0, 29, 32, 123456789, time.UTC),
		UUID:  [16]byte{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00},
		Enum:  "RED", Old: deprecated.Int96{uint32(nanos), uint32(nanos >> 32), 2440588 + 19312}, U64: 1 << 63, I16: -3,
	}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	objs := newObjects(map[string]map[string]string{"b": {"k.parquet": buf.String()}})
	items, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "b", "Key": "k.parquet"}, Config: ReaderConfig{InputType: "PARQUET"}})
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{
		"clock": "13:14:15.016", "micros": "01:02:03.000004", "nanos": "2022-11-16T00:29:32.123456789Z",
		"uuid": "123e4567-e89b-12d3-a456-426614174000", "enum": "RED", "old": "2022-11-16T00:29:32.5Z",
		"u64": float64(1 << 63), "i16": int64(-3),
	}}, items)
}
