package interpreter

import (
	"math"
	"slices"
	"strconv"

	"github.com/aslrun/aslrun/asl/value"
)

// EventEncoder writes events as GetExecutionHistory's JSON, appending to a buffer: the same bytes as
// encoding/json gave for the event as nested maps (members in key order, its string escapes), without
// building them. Payloads are JSON text inside JSON strings, as the API has them. An encoder reuses its
// scratch space: one per goroutine.
type EventEncoder struct {
	// values writes payloads; members is the scratch of a details object, scratch of a payload's JSON text.
	values  value.Writer
	members []member
	scratch []byte
}

// member is one member of a details object.
type member struct {
	key  string
	kind memberKind
	s    string
	n    int64
	v    any
}

type memberKind uint8

const (
	memberString    memberKind = iota // s
	memberPayload                     // v, as JSON text in a string
	memberInt                         // n
	memberTruncated                   // {"truncated":false}
	memberVariables                   // v: the assigned variables, each as JSON text in a string
)

// MarshalJSON writes the event as GetExecutionHistory does.
func (e Event) MarshalJSON() ([]byte, error) {
	var enc EventEncoder
	return enc.Append(nil, &e), nil
}

// Append appends e's JSON to b.
func (enc *EventEncoder) Append(b []byte, e *Event) []byte {
	k := &eventKinds[e.Kind]
	m := enc.details(e, k)
	details := k.details != "" && len(m) > 0
	b = append(b, '{')
	sep := false
	open := func(key string) {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = value.AppendString(b, key)
		b = append(b, ':')
	}
	// The members in key order: the details' key falls among the fixed ones by its first letter.
	for _, key := range [...]string{"id", "previousEventId", "timestamp", "type"} {
		if details && k.details < key {
			open(k.details)
			b = enc.appendObject(b, m)
			details = false
		}
		switch key {
		case "id":
			open(key)
			b = strconv.AppendInt(b, e.ID, 10)
		case "previousEventId":
			if e.PreviousEventID > 0 {
				open(key)
				b = strconv.AppendInt(b, e.PreviousEventID, 10)
			}
		case "timestamp":
			open(key)
			b = appendFloat(b, float64(e.Timestamp.UnixMilli())/1000)
		case "type":
			open(key)
			b = value.AppendString(b, k.name)
		}
	}
	if details {
		open(k.details)
		b = enc.appendObject(b, m)
	}
	return append(b, '}')
}

// details lists the members of e's details, in no order.
func (enc *EventEncoder) details(e *Event, k *eventKind) []member {
	m := enc.members[:0]
	str := func(key, s string) { m = append(m, member{key: key, s: s}) }
	payload := func(key, details string, v any) {
		m = append(m, member{key: key, kind: memberPayload, v: v}, member{key: details, kind: memberTruncated})
	}
	num := func(key string, n int64) { m = append(m, member{key: key, kind: memberInt, n: n}) }
	switch {
	case k.entered:
		str("name", e.Name())
		payload("input", "inputDetails", e.Input)
	case k.exited:
		str("name", e.Name())
		payload("output", "outputDetails", e.Output)
		if e.Assigned != nil {
			m = append(m, member{key: "assignedVariables", kind: memberVariables, v: e.Assigned},
				member{key: "assignedVariablesDetails", kind: memberTruncated})
		}
	}
	if k.input {
		payload("input", "inputDetails", e.Input)
	}
	if k.output {
		payload("output", "outputDetails", e.Output)
	}
	if e.Error != "" {
		str("error", e.Error)
	}
	if e.Cause != "" {
		str("cause", e.Cause)
	}
	if name, typ := e.Resource(); name != "" {
		str("resource", name)
		str("resourceType", typ)
	}
	if k.parameters && e.Input != nil {
		m = append(m, member{key: "parameters", kind: memberPayload, v: e.Input})
	}
	if a := e.About; a != nil {
		for _, s := range [...]struct{ key, s string }{{"roleArn", a.RoleArn}, {"stateMachineVersionArn", a.StateMachineVersionArn},
			{"stateMachineAliasArn", a.StateMachineAliasArn}, {"mapRunArn", a.MapRunArn}, {"workerName", a.WorkerName}} {
			if s.s != "" {
				str(s.key, s.s)
			}
		}
		if e.Kind == ExecutionRedriven || e.Kind == MapRunRedriven {
			num("redriveCount", a.RedriveCount)
		}
		if a.TimeoutInSeconds > 0 {
			num("timeoutInSeconds", a.TimeoutInSeconds)
		}
		if a.HeartbeatInSeconds > 0 {
			num("heartbeatInSeconds", a.HeartbeatInSeconds)
		}
	} else if e.Kind == ExecutionRedriven || e.Kind == MapRunRedriven {
		num("redriveCount", 0)
	}
	switch e.Kind {
	case MapStateStarted:
		num("length", int64(e.Length))
	case MapIterationStarted, MapIterationSucceeded, MapIterationFailed, MapIterationAborted:
		str("name", e.Name())
		num("index", int64(e.Index))
	}
	enc.members = m
	return m
}

// appendObject writes the members as a JSON object in key order.
func (enc *EventEncoder) appendObject(b []byte, m []member) []byte {
	slices.SortFunc(m, func(x, y member) int {
		switch {
		case x.key < y.key:
			return -1
		case x.key > y.key:
			return 1
		}
		return 0
	})
	b = append(b, '{')
	for i := range m {
		if i > 0 {
			b = append(b, ',')
		}
		b = value.AppendString(b, m[i].key)
		b = append(b, ':')
		switch m[i].kind {
		case memberString:
			b = value.AppendString(b, m[i].s)
		case memberPayload:
			b = enc.appendPayload(b, m[i].v)
		case memberInt:
			b = strconv.AppendInt(b, m[i].n, 10)
		case memberTruncated:
			b = append(b, `{"truncated":false}`...)
		case memberVariables:
			b = enc.appendVariables(b, m[i].v.(map[string]any))
		}
	}
	return append(b, '}')
}

// appendVariables writes assigned variables as an object of JSON texts, in name order.
func (enc *EventEncoder) appendVariables(b []byte, vars map[string]any) []byte {
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	slices.Sort(names)
	b = append(b, '{')
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = value.AppendString(b, name)
		b = append(b, ':')
		b = enc.appendPayload(b, vars[name])
	}
	return append(b, '}')
}

// appendPayload writes v as its JSON text (compact, keys sorted: compactJSON) in a JSON string.
func (enc *EventEncoder) appendPayload(b []byte, v any) []byte {
	if t, ok := v.(JSONText); ok {
		return value.AppendString(b, string(t))
	}
	return value.AppendString(b, enc.json(v))
}

// json is v's JSON text as value.Writer writes it (compactJSON), in the encoder's scratch; nothing for a
// value that cannot be written (oj, which writes what is not a generic value, panics on some).
func (enc *EventEncoder) json(v any) (text []byte) {
	defer func() {
		if recover() != nil {
			text = nil
		}
	}()
	enc.scratch = enc.values.Append(enc.scratch[:0], v)
	return enc.scratch
}

// appendFloat writes f as encoding/json writes a float64.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-09 to e-9
		b = b[:n-1]
	}
	return b
}
