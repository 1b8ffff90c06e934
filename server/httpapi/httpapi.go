// Package httpapi serves the Step Functions API (AWS JSON 1.0) over a service.Service: POST / with
// X-Amz-Target: AWSStepFunctions.<Operation>, a JSON body, and errors as {"__type": CODE, "message": TEXT}
// with HTTP 400, so that the AWS SDKs and CLI raise their typed errors. The Host header is ignored, since
// the SDKs send StartSyncExecution to a "sync-" host prefix. The region of the request's SigV4 credential
// scope is the region of the ARNs it makes (service.WithRegion).
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/sigv4"
)

// DefaultMaxBody bounds a request body. A definition may hold 1,048,576 characters, up to 4 MiB of UTF-8
// and more once escaped in the request's JSON.
const DefaultMaxBody = 8 << 20

const (
	targetPrefix = "AWSStepFunctions."
	contentType  = "application/x-amz-json-1.0"
)

// maxPooledAnswer is the largest answer buffer that goes back to the pool.
const maxPooledAnswer = 64 << 10

// syncWait is the longest a StartSyncExecution waits: an EXPRESS execution runs five minutes at most, as
// does a TestState.
const syncWait = 5 * time.Minute

// Options configure the handler.
type Options struct {
	// MaxBody bounds request bodies in bytes; default DefaultMaxBody.
	MaxBody int64
	// Log receives failures that are the server's, not the caller's; nil discards them.
	Log *log.Logger
	// Auth, when set, checks the Signature V4 of every request before anything else; nil serves anyone.
	Auth *sigv4.Verifier
	// Authorized, when set, lets through without a signature the requests it accepts: the web console's,
	// which carry its token, since a browser cannot sign.
	Authorized func(*http.Request) bool
	// RequestTimeout is the time the server gives a request to be read and answered (its http.Server's
	// ReadTimeout and WriteTimeout). The operations that wait, GetActivityTask's long poll and
	// StartSyncExecution, move their connection's deadlines to their wait plus RequestTimeout, which the
	// server resets for the next request. 0 leaves the deadlines alone.
	RequestTimeout time.Duration
}

// Handler serves the API.
type Handler struct {
	ops            map[string]operation
	waits          map[string]time.Duration // the operations that wait, and how long at most
	maxBody        int64
	log            *log.Logger
	auth           *sigv4.Verifier
	authorized     func(*http.Request) bool
	requestTimeout time.Duration
	// buffers hold the answers appendResponse writes; the ResponseWriter copies them.
	buffers sync.Pool
}

// New returns the API's handler over svc.
func New(svc *service.Service, opts Options) *Handler {
	h := &Handler{ops: operations(svc), maxBody: opts.MaxBody, log: opts.Log, auth: opts.Auth, authorized: opts.Authorized, requestTimeout: opts.RequestTimeout,
		waits: map[string]time.Duration{"GetActivityTask": svc.PollTimeout(), "StartSyncExecution": syncWait, "TestState": syncWait}}
	h.buffers.New = func() any { return new([]byte) }
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
	}
	return h
}

// apiError is an error response that is not one of the service's.
type apiError struct {
	code, message string
	status        int
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// ServeHTTP answers one call.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// The last guard: a bug must not take the server down, nor look like the caller's fault.
		if v := recover(); v != nil {
			h.logf("panic serving %s: %v", r.Header.Get("X-Amz-Target"), v)
			writeError(w, &apiError{code: service.CodeInternalFailure, message: "internal failure", status: http.StatusInternalServerError})
		}
	}()
	w.Header().Set("X-Amzn-Requestid", interpreter.NewUUID())
	// The body comes first: a signature covers it.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, &service.Error{Code: service.CodeValidation,
				Message: fmt.Sprintf("1 validation error detected: the request body exceeds the limit of %d bytes", h.maxBody)})
			return
		}
		writeError(w, &apiError{code: "SerializationException", message: "cannot read the request body: " + err.Error(), status: http.StatusBadRequest})
		return
	}
	if h.auth != nil && (h.authorized == nil || !h.authorized(r)) {
		if err := h.auth.Verify(r, body); err != nil {
			writeError(w, err)
			return
		}
	}
	if r.Method != http.MethodPost {
		writeError(w, &apiError{code: "UnknownOperationException", status: http.StatusMethodNotAllowed,
			message: fmt.Sprintf("the Step Functions API takes POST requests, not %s", r.Method)})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, targetPrefix)
	if !ok {
		writeError(w, &apiError{code: "UnknownOperationException", status: http.StatusBadRequest,
			message: fmt.Sprintf("the request names no Step Functions operation: X-Amz-Target is %q, not %s<Operation>", target, targetPrefix)})
		return
	}
	op := h.ops[name]
	if op == nil {
		writeError(w, &apiError{code: "UnknownOperationException", status: http.StatusBadRequest,
			message: fmt.Sprintf("Unknown operation: %s is not an operation this server serves", name)})
		return
	}
	h.holdConnection(w, name)
	// Under WithAccessLog, the operation tells the access line what the request names.
	var subject *string
	if lw, ok := w.(*logWriter); ok {
		subject = &lw.name
	}
	// The region the client signed for: the service makes the ARNs of what the request creates in it.
	out, err := op(service.WithRegion(r.Context(), requestRegion(r)), body, subject)
	if err != nil {
		var se *service.Error
		if errors.As(err, &se) && se.Status() >= 500 {
			h.logf("%s: %v", name, err)
		}
		writeError(w, err)
		return
	}
	buf := h.buffers.Get().(*[]byte)
	defer func() {
		// A large answer's buffer is not kept: the few that need one would hold it for everyone.
		if cap(*buf) <= maxPooledAnswer {
			h.buffers.Put(buf)
		}
	}()
	data, ok := appendResponse((*buf)[:0], out)
	if ok {
		*buf = data
	} else if data, err = json.Marshal(out); err != nil {
		h.logf("%s: encoding the response: %v", name, err)
		writeError(w, &apiError{code: service.CodeInternalFailure, message: "cannot encode the response", status: http.StatusInternalServerError})
		return
	}
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write(data)
}

// holdConnection moves the connection's deadlines past the wait of an operation that waits. Without it
// the server's write deadline would fail the answer, and its read deadline would end the request's context
// (the server watches the idle connection with a read that the deadline fails).
func (h *Handler) holdConnection(w http.ResponseWriter, name string) {
	wait, ok := h.waits[name]
	if !ok || h.requestTimeout <= 0 {
		return
	}
	deadline := time.Now().Add(wait + h.requestTimeout)
	rc := http.NewResponseController(w)
	// A ResponseWriter without deadlines (httptest's recorder) has none to move.
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline)
}

func (h *Handler) logf(format string, args ...any) {
	if h.log != nil {
		h.log.Printf(format, args...)
	}
}

// writeError writes an error response: {"__type", "message"} with the error's status.
func writeError(w http.ResponseWriter, err error) {
	code, message, status := service.CodeInternalFailure, err.Error(), http.StatusInternalServerError
	var se *service.Error
	var ae *apiError
	var auth *sigv4.Error
	switch {
	case errors.As(err, &se):
		code, message, status = se.Code, se.Message, se.Status()
	case errors.As(err, &ae):
		code, message, status = ae.code, ae.message, ae.status
	case errors.As(err, &auth):
		code, message, status = auth.Code, auth.Message, http.StatusBadRequest
	}
	data, _ := json.Marshal(map[string]string{"__type": code, "message": message}) // strings always marshal
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// operation decodes a request body, calls the service and returns the response to encode. When subject is
// not nil, it sets it to the name of what the request is about, for the access log.
type operation func(ctx context.Context, body []byte, subject *string) (any, error)

// op adapts a service method: the body must be a JSON object (an empty body is {}); malformed JSON and
// members of the wrong type are a SerializationException, as AWS's JSON protocol reports them.
func op[In, Out any](f func(context.Context, *In) (*Out, error)) operation {
	return hot(f, nil)
}

// hot is op for a request of string members only, which known decodes without reflection when it can.
func hot[In, Out any](f func(context.Context, *In) (*Out, error), known members[In]) operation {
	names := newNamer(reflect.TypeFor[In](), reflect.TypeFor[Out]())
	return func(ctx context.Context, body []byte, subject *string) (any, error) {
		in := new(In)
		if len(bytes.TrimSpace(body)) > 0 && (known == nil || !decodeStrings(body, in, known)) {
			// decodeStrings may have set members before it gave up.
			*in = *new(In)
			if err := decode(body, in); err != nil {
				return nil, err
			}
		}
		out, err := f(ctx, in)
		if subject != nil {
			*subject = names.name(in, out)
		}
		if out == nil {
			// Not a typed nil: appendResponse takes an answer for what it is.
			return nil, err
		}
		return out, err
	}
}

func decode(body []byte, in any) error {
	trimmed := bytes.TrimSpace(body)
	if trimmed[0] != '{' && !bytes.Equal(trimmed, []byte("null")) {
		return &apiError{code: "SerializationException", status: http.StatusBadRequest, message: "the request body must be a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(in)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON object")
	}
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &apiError{code: "SerializationException", status: http.StatusBadRequest,
			message: fmt.Sprintf("the member '%s' must be %s, not a JSON %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)}
	}
	return &apiError{code: "SerializationException", status: http.StatusBadRequest, message: "the request body is not valid JSON: " + err.Error()}
}

// jsonKind names a Go kind as the JSON type a member takes.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int64":
		return "an integer"
	case "bool":
		return "a boolean"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a " + kind
}
