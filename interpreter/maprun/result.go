package maprun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
)

// Status is the final status of a Map Run's child, as its result record gives it.
type Status string

// The statuses a child's result can have. SUCCEEDED go to SUCCEEDED_n.json; FAILED, TIMED_OUT and
// ABORTED to FAILED_n.json; PENDING (never started because the Map Run failed or was aborted) to
// PENDING_n.json.
const (
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusTimedOut  Status = "TIMED_OUT"
	StatusAborted   Status = "ABORTED"
	StatusPending   Status = "PENDING"
)

// ChildResult is what the control plane knows about a finished (or never started) child execution of a
// Map Run: the fields of its record in the result files.
type ChildResult struct {
	ExecutionARN    string
	Name            string
	StateMachineARN string
	Status          Status
	// Input and Output are JSON text. Output counts for SUCCEEDED children only; a PENDING child has
	// only its Input.
	Input  string
	Output string
	// Error and Cause of a FAILED, TIMED_OUT or ABORTED child; empty ones are left out of the record,
	// as a Fail state without them leaves them out.
	Error        string
	Cause        string
	StartDate    time.Time
	StopDate     time.Time
	RedriveCount int
}

// Transformation is WriterConfig.Transformation. The zero value means "not given": NONE when the
// results go to S3, COMPACT when they become the state's output.
type Transformation string

// The transformations AWS documents.
const (
	// TransformNone keeps each child's whole record (ARN, input, output as text, dates...).
	TransformNone Transformation = "NONE"
	// TransformCompact keeps only each successful child's output, as JSON.
	TransformCompact Transformation = "COMPACT"
	// TransformFlatten is COMPACT with the elements of array outputs spliced into the result.
	TransformFlatten Transformation = "FLATTEN"
)

// OutputType is WriterConfig.OutputType. The zero value means JSON.
type OutputType string

// The output types AWS documents.
const (
	// OutputJSON writes a JSON array.
	OutputJSON OutputType = "JSON"
	// OutputJSONL writes JSON Lines: one entry per line, each ended by "\n".
	OutputJSONL OutputType = "JSONL"
)

// WriterConfig is a ResultWriter's WriterConfig.
type WriterConfig struct {
	Transformation Transformation
	OutputType     OutputType
}

// ParseWriterConfig reads a WriterConfig from its JSON value (a map[string]any, as source.Node.Value
// gives it). A nil value is the empty config.
func ParseWriterConfig(v any) (WriterConfig, error) {
	var c WriterConfig
	if v == nil {
		return c, nil
	}
	m, ok := value.Plain(v).(map[string]any)
	if !ok {
		return c, fmt.Errorf("WriterConfig must be an object, not %s", typeName(v))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) { // sorted, so the same config gives the same error
		f := m[k]
		switch k {
		case "Transformation":
			s, err := enumField(k, f, string(TransformNone), string(TransformCompact), string(TransformFlatten))
			if err != nil {
				return c, err
			}
			c.Transformation = Transformation(s)
		case "OutputType":
			s, err := enumField(k, f, string(OutputJSON), string(OutputJSONL))
			if err != nil {
				return c, err
			}
			c.OutputType = OutputType(s)
		default:
			return c, fmt.Errorf("WriterConfig: Field '%s' is not supported", k)
		}
	}
	return c, nil
}

func enumField(key string, v any, allowed ...string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("WriterConfig: the field '%s' must be a string, not %s", key, typeName(v))
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", fmt.Errorf("WriterConfig: the field '%s' must be one of %s, not %q", key, strings.Join(allowed, ", "), s)
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any, *value.Object:
		return "an object"
	}
	return "a number"
}

// Transform gives the state's output for a ResultWriter that has a WriterConfig but no Resource: the
// children's results, in the order given (the items' order), transformed as the config says
// (COMPACT when it does not say). OutputType JSON gives an array; JSONL gives a string of JSON Lines,
// the text a JSONL result file would hold, since AWS does not document any other shape for it.
// A child that did not succeed is its whole record whatever the transformation, as AWS documents.
func Transform(results []ChildResult, cfg WriterConfig) (any, error) {
	t := cfg.Transformation
	if t == "" {
		t = TransformCompact
	}
	var e entries
	for i := range results {
		if err := e.add(&results[i], t); err != nil {
			return nil, err
		}
	}
	if cfg.OutputType == OutputJSONL {
		var b strings.Builder
		b.Grow(len(e.buf) + len(e.ends))
		start := 0
		for _, end := range e.ends {
			b.Write(e.buf[start:end])
			b.WriteByte('\n')
			start = end
		}
		return b.String(), nil
	}
	out := make([]any, 0, len(e.ends))
	start := 0
	for _, end := range e.ends {
		v, err := source.Decode(e.buf[start:end])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		start = end
	}
	return out, nil
}

// entries holds the JSON text of the entries one or more results give in a result file: e.ends[i] is
// where entry i ends in e.buf (it starts where entry i-1 ends).
type entries struct {
	buf  []byte
	ends []int
}

func (e *entries) reset() {
	e.buf, e.ends = e.buf[:0], e.ends[:0]
}

// add appends the entries of r: its record, or for a successful child under COMPACT or FLATTEN its
// output (the elements of an array output under FLATTEN).
func (e *entries) add(r *ChildResult, t Transformation) error {
	if r.Status != StatusSucceeded || t == TransformNone {
		e.buf = appendRecord(e.buf, r)
		e.ends = append(e.ends, len(e.buf))
		return nil
	}
	out := []byte(r.Output)
	if t == TransformFlatten {
		if trimmed := bytes.TrimLeft(out, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
			return e.addElements(r, trimmed)
		}
	}
	return e.addCompact(r, out)
}

func (e *entries) addCompact(r *ChildResult, v []byte) error {
	b := bytes.NewBuffer(e.buf)
	if err := json.Compact(b, v); err != nil {
		return fmt.Errorf("maprun: the output of %s is not JSON: %w", r.ExecutionARN, err)
	}
	e.buf = b.Bytes()
	e.ends = append(e.ends, len(e.buf))
	return nil
}

func (e *entries) addElements(r *ChildResult, array []byte) error {
	dec := json.NewDecoder(bytes.NewReader(array))
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("maprun: the output of %s is not JSON: %w", r.ExecutionARN, err)
	}
	for dec.More() {
		var el json.RawMessage
		if err := dec.Decode(&el); err != nil {
			return fmt.Errorf("maprun: the output of %s is not JSON: %w", r.ExecutionARN, err)
		}
		if err := e.addCompact(r, el); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("maprun: the output of %s is not JSON: %w", r.ExecutionARN, err)
	}
	if dec.More() {
		return errors.New("maprun: the output of " + r.ExecutionARN + " is not JSON: text after the array")
	}
	return nil
}

// appendRecord appends r's record as AWS writes it in the result files: keys in alphabetical order,
// input and output as JSON text in strings, dates in UTC with milliseconds. The shapes come from real
// files: a FAILED record has Cause and Error but no Output (its OutputDetails still says Included), a
// SUCCEEDED one says why it cannot be redriven, a PENDING one has only Input, InputDetails and Status.
func appendRecord(b []byte, r *ChildResult) []byte {
	if r.Status == StatusPending {
		b = append(b, `{"Input":`...)
		b = value.AppendJacksonString(b, r.Input)
		return append(b, `,"InputDetails":{"Included":true},"Status":"PENDING"}`...)
	}
	b = append(b, '{')
	if r.Cause != "" {
		b = append(b, `"Cause":`...)
		b = value.AppendJacksonString(b, r.Cause)
		b = append(b, ',')
	}
	if r.Error != "" {
		b = append(b, `"Error":`...)
		b = value.AppendJacksonString(b, r.Error)
		b = append(b, ',')
	}
	b = append(b, `"ExecutionArn":`...)
	b = value.AppendJacksonString(b, r.ExecutionARN)
	b = append(b, `,"Input":`...)
	b = value.AppendJacksonString(b, r.Input)
	b = append(b, `,"InputDetails":{"Included":true},"Name":`...)
	b = value.AppendJacksonString(b, r.Name)
	if r.Status == StatusSucceeded {
		b = append(b, `,"Output":`...)
		b = value.AppendJacksonString(b, r.Output)
	}
	b = append(b, `,"OutputDetails":{"Included":true},"RedriveCount":`...)
	b = strconv.AppendInt(b, int64(r.RedriveCount), 10)
	if r.Status == StatusSucceeded {
		b = append(b, `,"RedriveStatus":"NOT_REDRIVABLE","RedriveStatusReason":"Execution is SUCCEEDED and cannot be redriven"`...)
	} else {
		// What a real FAILED record says; AWS gives no reason for a redrivable child.
		b = append(b, `,"RedriveStatus":"REDRIVABLE_BY_MAP_RUN"`...)
	}
	b = append(b, `,"StartDate":"`...)
	b = appendDate(b, r.StartDate)
	b = append(b, `","StateMachineArn":`...)
	b = value.AppendJacksonString(b, r.StateMachineARN)
	b = append(b, `,"Status":`...)
	b = value.AppendJacksonString(b, string(r.Status))
	b = append(b, `,"StopDate":"`...)
	b = appendDate(b, r.StopDate)
	return append(b, `"}`...)
}

func appendDate(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
}
