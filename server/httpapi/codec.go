package httpapi

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/server/service"
)

// The hot operations (starting, describing and answering executions, polling activities) decode and encode
// without reflection: encoding/json was a sixth of a StartExecution's cost. Whatever the fast paths do not
// handle exactly as encoding/json does, they leave to it, so answers and errors stay the same.

// members says where a request's string member named key goes, or nil for a name it does not know.
type members[In any] func(in *In, key string) *string

// decodeStrings decodes body into in when body is a JSON object of string or null members that known names
// exactly. It reports false for anything else (other types, unknown or differently cased names, invalid
// UTF-8, lone surrogates, malformed JSON), which the caller decodes with encoding/json instead: that one
// matches names regardless of case, skips unknown members and words every error.
func decodeStrings[In any](body []byte, in *In, known members[In]) bool {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return false
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return skipSpace(body, i+1) == len(body)
	}
	for {
		key, next, ok := scanString(body, i)
		if !ok {
			return false
		}
		dst := known(in, key)
		if dst == nil {
			return false
		}
		i = skipSpace(body, next)
		if i == len(body) || body[i] != ':' {
			return false
		}
		i = skipSpace(body, i+1)
		if len(body)-i >= 4 && string(body[i:i+4]) == "null" {
			// encoding/json leaves a string alone for null.
			i += 4
		} else {
			if *dst, next, ok = scanString(body, i); !ok {
				return false
			}
			i = next
		}
		i = skipSpace(body, i)
		if i == len(body) {
			return false
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return skipSpace(body, i+1) == len(body)
		default:
			return false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// scanString reads the JSON string at b[i] and returns it and the index after it.
func scanString(b []byte, i int) (string, int, bool) {
	if i == len(b) || b[i] != '"' {
		return "", 0, false
	}
	start := i + 1
	escaped, ascii := false, true
	j := start
	for ; j < len(b); j++ {
		c := b[j]
		if c == '"' {
			break
		}
		switch {
		case c == '\\':
			escaped = true
			j++
		case c < 0x20:
			return "", 0, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if j >= len(b) {
		return "", 0, false
	}
	raw := b[start:j]
	// encoding/json turns invalid UTF-8 into U+FFFD; rare enough to leave to it.
	if !ascii && !utf8.Valid(raw) {
		return "", 0, false
	}
	if !escaped {
		return string(raw), j + 1, true
	}
	s, ok := unescape(raw)
	return s, j + 1, ok
}

// unescape decodes the escapes of a JSON string's contents. A surrogate that is not half of a pair is not
// handled: encoding/json makes it U+FFFD.
func unescape(raw []byte) (string, bool) {
	out := make([]byte, 0, len(raw))
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		k++
		if k == len(raw) {
			return "", false
		}
		switch raw[k] {
		case '"', '\\', '/':
			out = append(out, raw[k])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw, k+1)
			if !ok {
				return "", false
			}
			k += 4
			if r >= 0xd800 && r < 0xe000 {
				lo, ok := hex4(raw, k+3)
				if r >= 0xdc00 || !ok || raw[k+1] != '\\' || raw[k+2] != 'u' || lo < 0xdc00 || lo >= 0xe000 {
					return "", false
				}
				r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
				k += 6
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return string(out), true
}

// hex4 reads the four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || len(b)-i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func startMembers(in *service.StartExecutionInput, key string) *string {
	switch key {
	case "stateMachineArn":
		return &in.StateMachineArn
	case "name":
		return &in.Name
	case "input":
		return &in.Input
	case "traceHeader":
		return &in.TraceHeader
	case "includedData":
		return &in.IncludedData
	}
	return nil
}

func describeMembers(in *service.DescribeExecutionInput, key string) *string {
	switch key {
	case "executionArn":
		return &in.ExecutionArn
	case "includedData":
		return &in.IncludedData
	}
	return nil
}

func stopMembers(in *service.StopExecutionInput, key string) *string {
	switch key {
	case "executionArn":
		return &in.ExecutionArn
	case "error":
		return &in.Error
	case "cause":
		return &in.Cause
	}
	return nil
}

func successMembers(in *service.SendTaskSuccessInput, key string) *string {
	switch key {
	case "taskToken":
		return &in.TaskToken
	case "output":
		return &in.Output
	}
	return nil
}

func failureMembers(in *service.SendTaskFailureInput, key string) *string {
	switch key {
	case "taskToken":
		return &in.TaskToken
	case "error":
		return &in.Error
	case "cause":
		return &in.Cause
	}
	return nil
}

func heartbeatMembers(in *service.SendTaskHeartbeatInput, key string) *string {
	if key == "taskToken" {
		return &in.TaskToken
	}
	return nil
}

func pollMembers(in *service.GetActivityTaskInput, key string) *string {
	switch key {
	case "activityArn":
		return &in.ActivityArn
	case "workerName":
		return &in.WorkerName
	}
	return nil
}

// appendResponse appends the JSON of the hot operations' answers, as encoding/json writes them (members in
// field order, the same omissions and escapes); ok is false for any other answer.
func appendResponse(b []byte, out any) (_ []byte, ok bool) {
	var o object
	o.b = b
	switch v := out.(type) {
	case *service.Empty:
	case *service.StartExecutionOutput:
		o.str("executionArn", v.ExecutionArn)
		o.time("startDate", v.StartDate)
	case *service.StopExecutionOutput:
		o.time("stopDate", v.StopDate)
	case *service.GetActivityTaskOutput:
		o.strOmitEmpty("taskToken", v.TaskToken)
		o.strOmitEmpty("input", v.Input)
	case *service.DescribeExecutionOutput:
		o.str("executionArn", v.ExecutionArn)
		o.str("stateMachineArn", v.StateMachineArn)
		o.str("name", v.Name)
		o.str("status", v.Status)
		o.time("startDate", v.StartDate)
		o.timeOmitZero("stopDate", v.StopDate)
		o.strOmitEmpty("input", v.Input)
		o.details("inputDetails", &v.InputDetails)
		o.strPtr("output", v.Output)
		o.details("outputDetails", v.OutputDetails)
		o.strPtr("error", v.Error)
		o.strPtr("cause", v.Cause)
		o.key("redriveCount")
		o.b = strconv.AppendInt(o.b, v.RedriveCount, 10)
		o.timeOmitZero("redriveDate", v.RedriveDate)
		o.strOmitEmpty("redriveStatus", v.RedriveStatus)
		o.strOmitEmpty("redriveStatusReason", v.RedriveStatusReason)
		o.strOmitEmpty("stateMachineVersionArn", v.StateMachineVersionArn)
		o.strOmitEmpty("stateMachineAliasArn", v.StateMachineAliasArn)
		o.strOmitEmpty("traceHeader", v.TraceHeader)
	case *service.StartSyncExecutionOutput:
		o.str("executionArn", v.ExecutionArn)
		o.strOmitEmpty("stateMachineArn", v.StateMachineArn)
		o.strOmitEmpty("name", v.Name)
		o.time("startDate", v.StartDate)
		o.time("stopDate", v.StopDate)
		o.str("status", v.Status)
		o.strPtr("error", v.Error)
		o.strPtr("cause", v.Cause)
		o.strOmitEmpty("input", v.Input)
		o.details("inputDetails", &v.InputDetails)
		o.strPtr("output", v.Output)
		o.details("outputDetails", v.OutputDetails)
		o.key("billingDetails")
		o.b = append(o.b, `{"billedMemoryUsedInMB":`...)
		o.b = strconv.AppendInt(o.b, v.BillingDetails.BilledMemoryUsedInMB, 10)
		o.b = append(o.b, `,"billedDurationInMilliseconds":`...)
		o.b = strconv.AppendInt(o.b, v.BillingDetails.BilledDurationInMilliseconds, 10)
		o.b = append(o.b, '}')
		o.strOmitEmpty("traceHeader", v.TraceHeader)
	default:
		return b, false
	}
	return o.end(), true
}

// object appends a JSON object's members.
type object struct {
	b []byte
	n int
}

// key opens a member; names are plain ASCII and need no escapes.
func (o *object) key(name string) {
	if o.n == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

func (o *object) end() []byte {
	if o.n == 0 {
		return append(o.b, '{', '}')
	}
	return append(o.b, '}')
}

func (o *object) str(name, v string) {
	o.key(name)
	o.b = value.AppendString(o.b, v)
}

func (o *object) strOmitEmpty(name, v string) {
	if v != "" {
		o.str(name, v)
	}
}

func (o *object) strPtr(name string, v *string) {
	if v != nil {
		o.str(name, *v)
	}
}

// time writes epoch seconds with milliseconds, as service.Time.MarshalJSON does.
func (o *object) time(name string, t service.Time) {
	o.key(name)
	o.b = strconv.AppendFloat(o.b, float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)
}

func (o *object) timeOmitZero(name string, t service.Time) {
	if !t.IsZero() {
		o.time(name, t)
	}
}

func (o *object) details(name string, d *service.Details) {
	if d == nil {
		return
	}
	o.key(name)
	if d.Included {
		o.b = append(o.b, `{"included":true}`...)
	} else {
		o.b = append(o.b, `{"included":false}`...)
	}
}
