package httpserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/httpserver"
)

// start serves h on a loopback port with opts and returns the address.
func start(t *testing.T, h http.Handler, opts httpserver.Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := httpserver.New(h, opts)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
		require.ErrorIs(t, <-served, http.ErrServerClosed)
	})
	return ln.Addr().String()
}

// echo answers with the body it read, or 408 when reading it failed.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestTimeout)
		return
	}
	_, _ = w.Write(body)
})

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// request writes the start of a POST announcing length bytes of body, and sends body.
func request(t *testing.T, c net.Conn, length int, body string) {
	t.Helper()
	_, err := fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", length, body)
	require.NoError(t, err)
}

// closedWithin reads from c until the server closes it and returns how long that took; it fails the test
// after limit.
func closedWithin(t *testing.T, c net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	require.NoError(t, c.SetReadDeadline(start.Add(limit)))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server kept the connection open for %v", limit)
	return time.Since(start)
}

// TestTimeouts: a client that sends less body than it announced, one that sends nothing, and an idle
// keep-alive connection are dropped after their timeouts.
func TestTimeouts(t *testing.T) {
	opts := httpserver.Options{ReadHeaderTimeout: 200 * time.Millisecond, RequestTimeout: 300 * time.Millisecond, IdleTimeout: 400 * time.Millisecond}
	addr := start(t, echo, opts)
	tests := []struct {
		name    string
		send    func(t *testing.T, c net.Conn)
		timeout time.Duration
	}{
		{"short body", func(t *testing.T, c net.Conn) { request(t, c, 100, "{") }, opts.RequestTimeout},
		{"no headers", func(t *testing.T, c net.Conn) {
			_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n")
			require.NoError(t, err)
		}, opts.ReadHeaderTimeout},
		{"idle keep-alive", func(t *testing.T, c net.Conn) {
			request(t, c, 2, "{}")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, "{}", string(body))
		}, opts.IdleTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := dial(t, addr)
			tt.send(t, c)
			took := closedWithin(t, c, 5*time.Second)
			assert.GreaterOrEqual(t, took, tt.timeout-100*time.Millisecond)
		})
	}
}

// TestCapMakesRoom: with more idle and slow connections open than the cap, an ordinary request is still
// answered at once: the server closes the idle and the slow ones for room.
func TestCapMakesRoom(t *testing.T) {
	addr := start(t, echo, httpserver.Options{MaxConnections: 4, RequestTimeout: time.Minute, IdleTimeout: time.Minute})
	var held []net.Conn
	for i := range 6 {
		c := dial(t, addr)
		if i%2 == 0 {
			request(t, c, 1000, "{") // slow: the rest of the body never comes
		} else {
			request(t, c, 2, "{}") // idle after its answer
			_, err := http.ReadResponse(bufio.NewReader(c), nil)
			require.NoError(t, err)
		}
		held = append(held, c)
		time.Sleep(20 * time.Millisecond) // so that the server has seen it
	}

	start := time.Now()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Post("http://"+addr+"/", "application/json", strings.NewReader(`{"n":1}`))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, `{"n":1}`, string(body))
	assert.Less(t, time.Since(start), 2*time.Second)

	closed := 0
	for _, c := range held {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(200*time.Millisecond)))
		_, err := io.Copy(io.Discard, c)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			closed++
		}
	}
	assert.GreaterOrEqual(t, closed, 3, "the server made room by closing held connections")
}

// TestCapRefuses: when every connection is a request being answered, a newcomer gets 503 at once rather
// than waiting.
func TestCapRefuses(t *testing.T) {
	release := make(chan struct{})
	working := make(chan struct{}, 2)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		working <- struct{}{}
		<-release
	})
	addr := start(t, h, httpserver.Options{MaxConnections: 2})
	defer close(release)
	for range 2 {
		request(t, dial(t, addr), 2, "{}")
		<-working
	}

	start := time.Now()
	c := dial(t, addr)
	request(t, c, 2, "{}")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "ServiceUnavailable", resp.Header.Get("X-Amzn-Errortype"))
	assert.JSONEq(t, `{"__type":"ServiceUnavailable","message":"The server has too many open connections; try again later."}`, string(body))
	assert.Less(t, time.Since(start), 2*time.Second)
}
