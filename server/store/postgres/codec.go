package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Conversions between records' Go values and columns. NULL stands for "absent": the zero time, a nil
// pointer, an empty blob, no tags. Times are timestamptz, which keeps the microsecond the store promises.

func timestamp(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// timeOf returns a stored time in UTC, as records hold it; pgx decodes into the local zone.
func timeOf(v pgtype.Timestamptz) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return v.Time.UTC()
}

func blob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// tagsArg is the tags column's value: NULL when there are none, so that no tags read back as nil.
func tagsArg(tags map[string]string) any {
	if len(tags) == 0 {
		return nil
	}
	return tags
}

// tagsOf makes an empty tag map nil.
func tagsOf(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	return tags
}
