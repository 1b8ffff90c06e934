package resources

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/interpreter"
)

func TestHTTPStub(t *testing.T) {
	stop := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "bad headers", http.StatusBadRequest)
			return
		}
		_, _ = w.Write(body)
	})
	reply := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	mux.HandleFunc("POST /empty", reply(http.StatusNoContent, ""))
	mux.HandleFunc("POST /function-error", reply(http.StatusInternalServerError, `{"errorMessage": "declined", "errorType": "PaymentError"}`+"\n"))
	mux.HandleFunc("POST /crash", reply(http.StatusBadGateway, strings.Repeat("x", 300)))
	mux.HandleFunc("POST /not-json", reply(http.StatusOK, "<html>"))
	mux.HandleFunc("POST /huge", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `"`+strings.Repeat("a", stubPayloadLimit)+`"`)
	})
	mux.HandleFunc("POST /hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(stop) // before Close, which waits for the handlers

	tests := []struct {
		name      string
		stub      string
		want      any
		wantError string
		wantCause string // a regular expression, anchored
	}{
		{name: "success", stub: `{"http": "` + srv.URL + `/echo", "headers": {"Authorization": "Bearer t"}}`,
			want: map[string]any{"n": int64(1)}},
		{name: "empty reply is null", stub: `{"http": "` + srv.URL + `/empty"}`, want: nil},
		{name: "function error", stub: `{"http": "` + srv.URL + `/function-error"}`, wantError: "PaymentError",
			wantCause: regexp.QuoteMeta(`{"errorMessage": "declined", "errorType": "PaymentError"}`)},
		{name: "crash", stub: `{"http": "` + srv.URL + `/crash"}`, wantError: failure.TaskFailed,
			wantCause: regexp.QuoteMeta(`POST ` + srv.URL + `/crash answered 502 Bad Gateway: "` + strings.Repeat("x", 200) + `" (the first 200 bytes)`)},
		{name: "non-JSON reply", stub: `{"http": "` + srv.URL + `/not-json"}`, wantError: failure.TaskFailed,
			wantCause: regexp.QuoteMeta(`The reply of POST `+srv.URL+`/not-json is not one JSON value (`) + `.*` + regexp.QuoteMeta(`): "<html>"`)},
		{name: "oversize reply", stub: `{"http": "` + srv.URL + `/huge"}`, wantError: failure.DataLimitExceeded,
			wantCause: regexp.QuoteMeta(`The reply of POST ` + srv.URL + `/huge exceeds the maximum number of bytes service limit (262144 bytes)`)},
		{name: "hang past the stub's timeout", stub: `{"http": "` + srv.URL + `/hang", "timeout": 0.1}`, wantError: "Sandbox.Timedout",
			wantCause: `\{"errorMessage":"` + stubRequestIDRE + `Task timed out after 0\.10 seconds","errorType":"Sandbox.Timedout"\}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseHandlers([]byte(`{"fn": ` + tt.stub + `}`))
			require.NoError(t, err)
			got, err := invoke(t, r, stubLegacyFn, "S", map[string]any{"n": int64(1)})
			if tt.wantError == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			fe := requireFailure(t, err)
			assert.Equal(t, tt.wantError, fe.Name)
			assert.Regexp(t, "^"+tt.wantCause+"$", fe.Cause)
		})
	}

	t.Run("hang until the caller ends", func(t *testing.T) {
		r, err := ParseHandlers([]byte(`{"fn": {"http": "` + srv.URL + `/hang"}}`))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = r.Invoke(ctx, &interpreter.TaskRequest{Resource: stubLegacyFn, StateName: "S"})
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
		assert.Less(t, time.Since(start), 5*time.Second)
	})

	t.Run("connection refused", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		r, err := ParseHandlers([]byte(`{"fn": {"http": "` + dead.URL + `"}}`))
		require.NoError(t, err)
		_, err = invoke(t, r, stubLegacyFn, "S", nil)
		var fe *failure.Error
		require.Error(t, err)
		assert.False(t, errors.As(err, &fe), "a plain error, which the interpreter reports as States.TaskFailed")
		assert.ErrorContains(t, err, dead.URL)
	})
}

func TestHTTPStubLoadErrors(t *testing.T) {
	tests := []struct{ name, stub, want string }{
		{"not a string", `{"http": 1}`, `"http" must be an http or https URL, not a number`},
		{"no scheme", `{"http": "127.0.0.1:80/x"}`, `"http": parse "127.0.0.1:80/x": first path segment in URL cannot contain colon`},
		{"other scheme", `{"http": "ftp://h/x"}`, `"http" must be an http or https URL with a host, not "ftp://h/x"`},
		{"headers not strings", `{"http": "http://h", "headers": {"X": true}}`, `"headers": the value of "X" must be a string (quote it), not a boolean`},
		{"timeout negative", `{"http": "http://h", "timeout": -1}`, `"timeout" must be more than 0 and at most 99999999 seconds, not -1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHandlers([]byte(`{"fn": ` + tt.stub + `}`))
			require.Error(t, err)
			assert.Equal(t, `handlers: key "fn": `+tt.want, err.Error())
		})
	}
}
