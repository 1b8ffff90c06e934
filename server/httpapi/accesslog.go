package httpapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// The formats of NewLogHandler.
const (
	LogText = "text"
	LogJSON = "json"
)

// maxLoggedName bounds the name an access line quotes from a request: it comes from the caller.
const maxLoggedName = 256

// NewLogHandler returns the handler of serve's log lines in format LogText (logfmt: key=value) or LogJSON
// (one object a line). An access line has no level or message: time, op, status and the rest are the line;
// a server failure (Options.Log through slog.NewLogLogger) keeps its level and message.
func NewLogHandler(w io.Writer, format string) (slog.Handler, error) {
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) > 0 {
			return a
		}
		switch {
		case a.Key == slog.LevelKey && a.Value.Any() == slog.LevelInfo,
			a.Key == slog.MessageKey && a.Value.String() == "":
			return slog.Attr{}
		}
		return a
	}}
	switch format {
	case LogText:
		return slog.NewTextHandler(w, opts), nil
	case LogJSON:
		return slog.NewJSONHandler(w, opts), nil
	}
	return nil, fmt.Errorf("%q is not a log format: give %s or %s", format, LogText, LogJSON)
}

// WithAccessLog writes one line to log for each request next answers, once it has answered: time, op (the
// operation of X-Amz-Target, else the method and path, as "GET /healthz"), status, error (the AWS error
// code, when the answer is one), latency_ms, name (the execution, state machine, activity or Map Run the
// request names: the part of its ARN after the resource type, as "checkout:order-17"), and request_id.
func WithAccessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &logWriter{ResponseWriter: w}
		next.ServeHTTP(lw, r)
		if lw.status == 0 {
			lw.status = http.StatusOK // a handler that writes nothing answers 200
		}
		op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
		if !ok || op == "" {
			op = r.Method + " " + r.URL.Path
		}
		attrs := make([]slog.Attr, 0, 6)
		attrs = append(attrs, slog.String("op", op), slog.Int("status", lw.status))
		if code := w.Header().Get("X-Amzn-Errortype"); code != "" {
			attrs = append(attrs, slog.String("error", code))
		}
		// Milliseconds to the microsecond: readable in both formats, unlike JSON's nanoseconds of a Duration.
		attrs = append(attrs, slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000))
		if lw.name != "" {
			attrs = append(attrs, slog.String("name", lw.name))
		}
		if id := w.Header().Get("X-Amzn-Requestid"); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
		log.LogAttrs(context.Background(), slog.LevelInfo, "", attrs...)
	})
}

// logWriter records the status of an answer, and the name ServeHTTP finds in the request.
type logWriter struct {
	http.ResponseWriter
	status int
	name   string
}

func (w *logWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's deadlines (holdConnection).
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// namer finds the subject of an operation's input and output; its field indexes are looked up once, when
// the operation is made, so that a request costs a few field reads.
type namer struct {
	in  []int // indexes into In of subjectFields that it has, in their order
	out int   // index of Out's ExecutionArn, -1 without one
	// execName: In has both StateMachineArn and Name (StartExecution): the name is the execution's.
	execName     bool
	machine, nam int
}

func newNamer(in, out reflect.Type) namer {
	n := namer{out: stringField(out, "ExecutionArn"), machine: stringField(in, "StateMachineArn"), nam: stringField(in, "Name")}
	// The members that name what a request is about, the first present first. An output's executionArn
	// comes before them all: StartExecution's names the execution it started, even an unnamed one.
	for _, f := range []string{"ExecutionArn", "MapRunArn", "StateMachineArn", "StateMachineAliasArn", "StateMachineVersionArn", "ActivityArn", "ResourceArn", "Name"} {
		if i := stringField(in, f); i >= 0 {
			n.in = append(n.in, i)
		}
	}
	n.execName = n.machine >= 0 && n.nam >= 0
	return n
}

// stringField is the index of t's string field name, or -1.
func stringField(t reflect.Type, name string) int {
	if t.Kind() != reflect.Struct {
		return -1
	}
	f, ok := t.FieldByName(name)
	if !ok || f.Type.Kind() != reflect.String || len(f.Index) != 1 {
		return -1
	}
	return f.Index[0]
}

// name is what in and out (pointers to their structs; out may be nil) name.
func (n namer) name(in, out any) string {
	if n.out >= 0 && out != nil {
		if v := reflect.ValueOf(out); !v.IsNil() {
			if arn := v.Elem().Field(n.out).String(); arn != "" {
				return shortName(arn)
			}
		}
	}
	v := reflect.ValueOf(in).Elem()
	if n.execName {
		if machine, exec := v.Field(n.machine).String(), v.Field(n.nam).String(); machine != "" && exec != "" {
			return shortName(machine) + ":" + bounded(exec)
		}
	}
	for _, i := range n.in {
		if s := v.Field(i).String(); s != "" {
			return shortName(s)
		}
	}
	return ""
}

// shortName is the part of an ARN after its resource type (arn:aws:states:REGION:ACCOUNT:TYPE:NAME), or
// the whole string when it is no such ARN.
func shortName(s string) string {
	if parts := strings.SplitN(s, ":", 7); len(parts) == 7 && parts[0] == "arn" {
		s = parts[6]
	}
	return bounded(s)
}

func bounded(s string) string {
	if len(s) > maxLoggedName {
		return s[:maxLoggedName] + "..."
	}
	return s
}
