package maprun

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/value"
)

func TestParseWriterConfig(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  WriterConfig
		err   string
	}{
		{"absent", nil, WriterConfig{}, ""},
		{"empty", map[string]any{}, WriterConfig{}, ""},
		{"both", map[string]any{"Transformation": "FLATTEN", "OutputType": "JSONL"}, WriterConfig{TransformFlatten, OutputJSONL}, ""},
		{"transformation only", map[string]any{"Transformation": "COMPACT"}, WriterConfig{Transformation: TransformCompact}, ""},
		{"output type only", map[string]any{"OutputType": "JSON"}, WriterConfig{OutputType: OutputJSON}, ""},
		{"unknown transformation", map[string]any{"Transformation": "compact"}, WriterConfig{},
			`the field 'Transformation' must be one of NONE, COMPACT, FLATTEN, not "compact"`},
		{"unknown output type", map[string]any{"OutputType": "CSV"}, WriterConfig{},
			`the field 'OutputType' must be one of JSON, JSONL, not "CSV"`},
		{"not a string", map[string]any{"OutputType": int64(1)}, WriterConfig{}, "the field 'OutputType' must be a string, not a number"},
		{"unknown field", map[string]any{"Transformation": "NONE", "Format": "x"}, WriterConfig{}, "Field 'Format' is not supported"},
		{"not an object", []any{}, WriterConfig{}, "WriterConfig must be an object, not an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWriterConfig(tt.value)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTransform(t *testing.T) {
	results := []ChildResult{
		succeeded(0, `[{"customer_id":"145538"},{"customer_id":"898037"}]`),
		succeeded(1, `{"f":1.5, "n": 9007199254740993}`),
		succeeded(2, `[]`),
		failed(3),
	}
	failedValue := map[string]any{
		"Cause": "bad \"item\"\n", "Error": "States.TaskFailed",
		"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:orders/Map:c3",
		"Input":        `{"n":3}`, "InputDetails": map[string]any{"Included": true}, "Name": "c3",
		"OutputDetails": map[string]any{"Included": true}, "RedriveCount": int64(0), "RedriveStatus": "REDRIVABLE_BY_MAP_RUN",
		"StartDate": "2025-02-04T01:49:50.099Z", "StateMachineArn": testMachine, "Status": "FAILED",
		"StopDate": "2025-02-04T01:49:50.163Z",
	}
	tests := []struct {
		name   string
		config WriterConfig
		want   any
	}{
		{"COMPACT by default", WriterConfig{}, []any{
			[]any{map[string]any{"customer_id": "145538"}, map[string]any{"customer_id": "898037"}},
			map[string]any{"f": 1.5, "n": int64(9007199254740993)},
			[]any{},
			failedValue,
		}},
		{"FLATTEN", WriterConfig{Transformation: TransformFlatten}, []any{
			map[string]any{"customer_id": "145538"}, map[string]any{"customer_id": "898037"},
			map[string]any{"f": 1.5, "n": int64(9007199254740993)},
			failedValue,
		}},
		{"FLATTEN JSONL", WriterConfig{TransformFlatten, OutputJSONL},
			`{"customer_id":"145538"}` + "\n" + `{"customer_id":"898037"}` + "\n" +
				`{"f":1.5,"n":9007199254740993}` + "\n" + failedRecord(3) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Transform(results, tt.config)
			require.NoError(t, err)
			assert.Equal(t, tt.want, value.Plain(got))
		})
	}

	t.Run("NONE gives the records", func(t *testing.T) {
		got, err := Transform(results[1:2], WriterConfig{Transformation: TransformNone})
		require.NoError(t, err)
		require.Len(t, got, 1)
		rec := value.Plain(got).([]any)[0].(map[string]any)
		assert.Equal(t, `{"f":1.5, "n": 9007199254740993}`, rec["Output"], "the output as written, in a string")
		assert.Equal(t, "c1", rec["Name"])
		assert.Equal(t, "NOT_REDRIVABLE", rec["RedriveStatus"])
	})
	t.Run("no results", func(t *testing.T) {
		got, err := Transform(nil, WriterConfig{})
		require.NoError(t, err)
		assert.Equal(t, []any{}, got)
	})
	t.Run("an output that is not JSON", func(t *testing.T) {
		for _, out := range []string{`[1,`, `[1] 2`, ``} {
			_, err := Transform([]ChildResult{succeeded(0, out)}, WriterConfig{Transformation: TransformFlatten})
			assert.ErrorContains(t, err, "not JSON", out)
		}
	})
}

func TestAppendDate(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2025, 1, 9, 18, 13, 1, 189_000_000, time.UTC), "2025-01-09T18:13:01.189Z"},
		{time.Date(2025, 1, 9, 19, 13, 1, 0, paris), "2025-01-09T18:13:01.000Z"},
		{time.Date(2025, 1, 9, 18, 13, 1, 999_999_999, time.UTC), "2025-01-09T18:13:01.999Z"}, // truncated, not rounded
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(appendDate(nil, tt.in)))
	}
}
