package maprun

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"time"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// The limits AWS documents for Parquet: "256MB is the maximum row-group size, and 5MB is the maximum
// footer size."
const (
	maxRowGroupBytes = 256 << 20
	maxFooterBytes   = 5 << 20
)

// parquetItems reads the rows of a Parquet file as objects, one row group's pages at a time.
//
// AWS does not document how Parquet values become JSON; ours: integers are numbers, floats and
// decimals are numbers (float64), booleans booleans, strings (STRING, ENUM) strings, JSON columns their
// value, other binary base64 strings, UUIDs in their 8-4-4-4-12 form, dates "2006-01-02", times
// "15:04:05.999999999", timestamps (and INT96) RFC 3339 in UTC with as many fraction digits as needed,
// nulls null; groups are objects, LISTs and repeated fields arrays, MAPs objects.
type parquetItems struct {
	closers []func() error
	r       *parquet.GenericReader[any]
	schema  *parquet.Schema
	rows    []any
	pos, n  int
	f       file
	origin  Origin
	eof     bool
}

func openParquet(body io.ReadCloser, size int64, f file) (Items, error) {
	it := &parquetItems{closers: []func() error{body.Close}, f: f, origin: Origin{Source: f.source()}}
	ra, ok := body.(io.ReaderAt)
	if !ok {
		// The footer is at the end: a body that cannot seek is copied to a temporary file first.
		tmp, err := spoolBody(body)
		if err != nil {
			it.Close()
			return nil, readerFailed("Reading %s failed: %v", f.uri(), err)
		}
		it.closers = append(it.closers, tmp.Close, func() error { return os.Remove(tmp.Name()) })
		ra = tmp
	}
	pf, err := parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		it.Close()
		return nil, readerFailed("The object %s is not a valid Parquet file: %v", f.uri(), err)
	}
	if err := checkParquetLimits(ra, size, pf, f); err != nil {
		it.Close()
		return nil, err
	}
	it.r = parquet.NewGenericReader[any](pf)
	it.schema = pf.Schema()
	it.rows = make([]any, 64)
	it.closers = append([]func() error{it.r.Close}, it.closers...)
	return it, nil
}

func spoolBody(body io.Reader) (*os.File, error) {
	tmp, err := os.CreateTemp("", "aslrun-parquet-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(tmp, body); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

func checkParquetLimits(ra io.ReaderAt, size int64, pf *parquet.File, f file) error {
	var tail [8]byte
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return readerFailed("Reading %s failed: %v", f.uri(), err)
	}
	if n := binary.LittleEndian.Uint32(tail[:4]); n > maxFooterBytes {
		return readerFailed("The footer of the Parquet file %s is %d bytes, over the 5 MB a Map reads", f.uri(), n)
	}
	for i, rg := range pf.Metadata().RowGroups {
		if rg.TotalByteSize > maxRowGroupBytes {
			return readerFailed("Row group %d of the Parquet file %s is %d bytes, over the 256 MB a Map reads", i, f.uri(), rg.TotalByteSize)
		}
	}
	return nil
}

func (it *parquetItems) Next() (any, error) {
	if it.pos == it.n {
		if it.eof {
			return nil, io.EOF
		}
		clear(it.rows[:it.n])
		n, err := it.r.Read(it.rows)
		it.pos, it.n = 0, n
		if err == io.EOF {
			it.eof = true
		} else if err != nil {
			return nil, readerFailed("The Parquet file %s is not valid: %v", it.f.uri(), err)
		}
		if n == 0 {
			return nil, io.EOF
		}
	}
	row := it.rows[it.pos]
	it.pos++
	v, err := parquetGroup(it.schema, row)
	if err != nil {
		return nil, readerFailed("The Parquet file %s is not valid: %v", it.f.uri(), err)
	}
	return v, nil
}

func (it *parquetItems) Origin() Origin { return it.origin }

func (it *parquetItems) Close() error {
	var errs []error
	for _, c := range it.closers {
		errs = append(errs, c())
	}
	it.closers = nil
	return errors.Join(errs...)
}

// parquetGroup converts a group's fields, as the generic reader gives them, to JSON values.
func parquetGroup(n parquet.Node, v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil
	}
	for _, fld := range n.Fields() {
		x, err := parquetValue(fld, m[fld.Name()])
		if err != nil {
			return nil, err
		}
		m[fld.Name()] = x
	}
	return m, nil
}

// parquetValue converts the value of a field.
func parquetValue(n parquet.Node, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if n.Repeated() {
		a, _ := v.([]any)
		out := make([]any, len(a))
		for i, e := range a {
			x, err := parquetOne(n, e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return parquetOne(n, v)
}

// parquetOne converts one value of a node, ignoring its repetition.
func parquetOne(n parquet.Node, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if n.Leaf() {
		return parquetLeaf(n.Type(), v)
	}
	lt := n.Type().LogicalType()
	switch {
	case lt != nil && isLogical[*format.ListType](lt):
		// LIST: a repeated group of one element field (or a repeated element, in older files).
		a, _ := v.([]any)
		elem := listElement(n)
		out := make([]any, len(a))
		for i, e := range a {
			x, err := parquetOne(elem, e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case lt != nil && isLogical[*format.MapType](lt):
		m, _ := v.(map[string]any)
		val := mapValue(n)
		for k, e := range m {
			x, err := parquetOne(val, e)
			if err != nil {
				return nil, err
			}
			m[k] = x
		}
		return m, nil
	}
	return parquetGroup(n, v)
}

// listElement is the element node of a LIST group.
func listElement(n parquet.Node) parquet.Node {
	rep := n.Fields()[0]
	if !rep.Leaf() && len(rep.Fields()) == 1 {
		return rep.Fields()[0]
	}
	return rep
}

// mapValue is the value node of a MAP group.
func mapValue(n parquet.Node) parquet.Node {
	for _, f := range n.Fields()[0].Fields() {
		if f.Name() == "value" {
			return f
		}
	}
	return n.Fields()[0].Fields()[len(n.Fields()[0].Fields())-1]
}

func isLogical[T format.LogicalTypeValue](lt *format.LogicalType) bool {
	_, ok := lt.Value.(T)
	return ok
}

// parquetLeaf converts a leaf value by its logical type.
func parquetLeaf(t parquet.Type, v any) (any, error) {
	// parquet-go gives the logical type of older files' converted types too.
	if lt := t.LogicalType(); lt != nil {
		switch l := lt.Value.(type) {
		case *format.TimestampType:
			return timestampOf(v, l.Unit.Value), nil
		case *format.DateType:
			return dateOf(v), nil
		case *format.TimeType:
			return timeOf(v, l.Unit.Value), nil
		case *format.JsonType:
			// The generic reader parses JSON columns itself, numbers as float64: written again and read by
			// ojg, integers become int64 as in every other value.
			text, ok := v.(string)
			if !ok {
				b, err := json.Marshal(v)
				if err != nil {
					return nil, fmt.Errorf("a JSON column holds %T: %v", v, err)
				}
				text = string(b)
			}
			x, err := source.DecodeString(text)
			if err != nil {
				return nil, fmt.Errorf("a JSON column holds invalid JSON: %v", err)
			}
			return x, nil
		case *format.UUIDType:
			return uuidOf(v), nil
		case *format.StringType, *format.EnumType:
			return stringOf(v), nil
		case *format.IntType:
			// The generic reader gives UINT(64) in an int64.
			if i, ok := v.(int64); ok && !l.IsSigned && l.BitWidth == 64 && i < 0 {
				return float64(uint64(i)), nil
			}
		}
	}
	// The Go types the generic reader gives.
	switch x := v.(type) {
	case bool:
		return x, nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint32:
		return int64(x), nil
	case float32:
		// The shortest text that reads back as the float32, not float64's widening of it (0.1, not
		// 0.10000000149011612).
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		return f, nil
	case float64:
		return x, nil
	case *big.Float:
		f, _ := x.Float64()
		return f, nil
	case deprecated.Int96:
		return int96Time(x), nil
	case string:
		// Binary without a string annotation.
		return base64.StdEncoding.EncodeToString([]byte(x)), nil
	case []byte:
		return base64.StdEncoding.EncodeToString(x), nil
	}
	return fmt.Sprint(v), nil
}

func stringOf(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	s, _ := v.(string)
	return s
}

func intOf(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	case uint32:
		return int64(x)
	}
	return 0
}

func timestampOf(v any, unit format.TimeUnitValue) string {
	if i96, ok := v.(deprecated.Int96); ok {
		return int96Time(i96)
	}
	n := intOf(v)
	var t time.Time
	switch unit.(type) {
	case *format.MicroSeconds:
		t = time.UnixMicro(n)
	case *format.NanoSeconds:
		t = time.Unix(0, n)
	default:
		t = time.UnixMilli(n)
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func dateOf(v any) string {
	return time.Unix(intOf(v)*86400, 0).UTC().Format(time.DateOnly)
}

func timeOf(v any, unit format.TimeUnitValue) string {
	n := intOf(v)
	var d time.Duration
	switch unit.(type) {
	case *format.MicroSeconds:
		d = time.Duration(n) * time.Microsecond
	case *format.NanoSeconds:
		d = time.Duration(n)
	default:
		d = time.Duration(n) * time.Millisecond
	}
	return time.Unix(0, 0).UTC().Add(d).Format("15:04:05.999999999")
}

// int96Time reads the INT96 timestamps of Impala, Hive and older Athena files: nanoseconds of the day,
// then the Julian day.
func int96Time(v deprecated.Int96) string {
	nanos := int64(v[1])<<32 | int64(v[0])
	day := int64(v[2]) - 2440588 // the Julian day of 1970-01-01
	return time.Unix(day*86400, nanos).UTC().Format(time.RFC3339Nano)
}

func uuidOf(v any) string {
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	}
	if len(b) != 16 {
		return stringOf(v)
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
