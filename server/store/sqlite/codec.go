package sqlite

import (
	"database/sql"
	"encoding/json"
	"time"
)

// Conversions between records' Go values and columns. NULL stands for "absent": the zero time, a nil
// pointer, an empty blob, no tags.

// micros encodes a time as microseconds since the epoch: PostgreSQL's precision, far beyond AWS's.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func timeOf(v sql.Null[int64]) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.V).UTC()
}

func optional(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func pointer(v sql.Null[string]) *string {
	if !v.Valid {
		return nil
	}
	return &v.V
}

func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// bytesOf makes an empty blob nil, as it went in.
func bytesOf(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

func encodeTags(tags map[string]string) (any, error) {
	if len(tags) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func decodeTags(v sql.Null[string]) (map[string]string, error) {
	if !v.Valid {
		return nil, nil
	}
	var tags map[string]string
	if err := json.Unmarshal([]byte(v.V), &tags); err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}
