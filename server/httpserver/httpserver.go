// Package httpserver is the HTTP server of aslrun serve: timeouts on every connection and a cap on how many
// are open, so that slow or idle clients cannot hold the API.
//
// Over the cap the server does not stop accepting: new clients would hang in the kernel's backlog while
// the API looked dead. It accepts, and makes room by closing the connection that costs the API least: an
// idle keep-alive connection first, then one that has sent nothing yet, then one still sending its request,
// the oldest first. A request whose handler has its whole body (a long poll, say) is never closed for room;
// when every connection is one, the newcomer gets a 503 ServiceUnavailable at once, which the SDKs retry.
package httpserver

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// The defaults of Options.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultRequestTimeout    = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxConnections    = 1024
)

// maxRefusing bounds the connections being answered 503 at once; past it, they are closed unanswered.
const maxRefusing = 64

// Options configure a Server; zero fields take the defaults.
type Options struct {
	// ReadHeaderTimeout bounds the reading of a request's headers.
	ReadHeaderTimeout time.Duration
	// RequestTimeout bounds the reading of a whole request and, from the end of its headers, the writing
	// of its answer (http.Server's ReadTimeout and WriteTimeout). Handlers that wait longer move their
	// connection's deadlines themselves (http.ResponseController), as httpapi does for long polls.
	RequestTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next request.
	IdleTimeout time.Duration
	// MaxConnections caps the open connections.
	MaxConnections int
}

// Server serves one handler under those limits.
type Server struct {
	http     *http.Server
	max      int
	refusing chan struct{}

	mu    sync.Mutex
	conns map[*conn]struct{}
}

// New returns a server of h.
func New(h http.Handler, opts Options) *Server {
	if opts.ReadHeaderTimeout <= 0 {
		opts.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = DefaultMaxConnections
	}
	s := &Server{max: opts.MaxConnections, refusing: make(chan struct{}, maxRefusing), conns: map[*conn]struct{}{}}
	s.http = &http.Server{
		Handler:           s.track(h),
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		ReadTimeout:       opts.RequestTimeout,
		WriteTimeout:      opts.RequestTimeout,
		IdleTimeout:       opts.IdleTimeout,
		ConnState:         s.connState,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	return s
}

// Serve accepts connections on ln until Shutdown; it returns http.ErrServerClosed then.
func (s *Server) Serve(ln net.Listener) error { return s.http.Serve(&listener{Listener: ln, s: s}) }

// Shutdown stops accepting, closes idle connections and waits for the requests in flight (http.Server).
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

// RegisterOnShutdown calls f when Shutdown starts.
func (s *Server) RegisterOnShutdown(f func()) { s.http.RegisterOnShutdown(f) }

// conn is an accepted connection, tracked until it closes.
type conn struct {
	net.Conn
	s    *Server
	once sync.Once

	// Guarded by s.mu.
	state   http.ConnState
	since   time.Time // when it entered state
	working bool      // its handler has the whole request and is answering
}

func (c *conn) Close() error {
	c.once.Do(func() { c.s.forget(c) })
	return c.Conn.Close()
}

type connKey struct{}

type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		nc, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if c := l.s.admit(nc); c != nil {
			return c, nil
		}
		select {
		case l.s.refusing <- struct{}{}:
			go func() {
				defer func() { <-l.s.refusing }()
				refuse(nc)
			}()
		default:
			_ = nc.Close()
		}
	}
}

// admit tracks a new connection, closing another to make room when the cap is reached; nil when none can
// make room.
func (s *Server) admit(nc net.Conn) *conn {
	s.mu.Lock()
	for len(s.conns) >= s.max {
		victim := s.victim()
		if victim == nil {
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
		_ = victim.Close() // forgets it
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	c := &conn{Conn: nc, s: s, state: http.StateNew, since: time.Now()}
	s.conns[c] = struct{}{}
	return c
}

// victim picks the connection to close for room: idle first, then new, then one still sending its
// request; the oldest in its state. Called with s.mu held.
func (s *Server) victim() *conn {
	rank := map[http.ConnState]int{http.StateIdle: 0, http.StateNew: 1, http.StateActive: 2}
	var best *conn
	for c := range s.conns {
		if c.working {
			continue
		}
		if best == nil || rank[c.state] < rank[best.state] || rank[c.state] == rank[best.state] && c.since.Before(best.since) {
			best = c
		}
	}
	return best
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

func (s *Server) connState(nc net.Conn, state http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	if state == http.StateClosed || state == http.StateHijacked {
		s.forget(c) // a hijacked connection is its handler's
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.state, c.since = state, time.Now()
}

func (s *Server) setWorking(c *conn, working bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.working = working
}

// track marks a connection as working from the moment its handler has read the whole request body until
// the handler returns: from then on its client is waiting for the answer, not holding the server.
func (s *Server) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := r.Context().Value(connKey{}).(*conn)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = &trackedBody{ReadCloser: r.Body, done: func() { s.setWorking(c, true) }}
		defer s.setWorking(c, false)
		next.ServeHTTP(w, r)
	})
}

// trackedBody calls done when the body has been read to its end.
type trackedBody struct {
	io.ReadCloser
	done func()
	once sync.Once
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

// refuseBody is the answer over the cap: AWS's ServiceUnavailable, which the SDKs retry with back-off.
const refuseBody = `{"__type":"ServiceUnavailable","message":"The server has too many open connections; try again later."}`

// refuse answers a connection 503 and closes it.
func refuse(nc net.Conn) {
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(time.Second))
	_, err := fmt.Fprintf(nc, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/x-amz-json-1.0\r\n"+
		"X-Amzn-Errortype: ServiceUnavailable\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(refuseBody), refuseBody)
	if err != nil {
		return
	}
	// Closing with the request unread would reset the connection, which can lose the answer on its way:
	// end the writing side and read what the client sends until it closes (or the deadline).
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(nc, 1<<20))
}
