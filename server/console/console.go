// Package console serves the web console of aslrun serve: a single page (the state machines, a machine's
// graph and executions, an execution's live graph and history) on the API's port. The page calls the AWS
// JSON API itself; this package adds what the API has no operation for: a definition's graph and an
// execution's events as they happen (Server-Sent Events).
//
// The page's sources are in web/; their bundle in dist/ is committed, so that go build needs no Node.
package console

//go:generate npm --prefix web ci --no-audit --no-fund
//go:generate node web/build.mjs

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aslrun/aslrun/server/service"
)

//go:embed dist
var dist embed.FS

// TokenHeader carries the console's token on the page's API calls when the server requires one.
const TokenHeader = "X-Aslrun-Console-Token"

// Options configure the console.
type Options struct {
	// Token, when not empty, must come with every request for data: the console's endpoints take it in
	// TokenHeader or a token query parameter (EventSource sends no headers), the API in TokenHeader
	// (Authorized). serve sets one when the API requires signatures, which a browser cannot make.
	Token string
	// LoopbackOnly refuses browser requests that come through a name other than the loopback's: a page
	// of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding) would otherwise be
	// the console's own origin.
	LoopbackOnly bool
	// Log receives failures that are the server's; nil discards them.
	Log *log.Logger
	// Poll is how often an event stream looks in the store for events this server's executions did not
	// hand it: another node's, when several share the store. Default DefaultPoll.
	Poll time.Duration
}

// DefaultPoll is Options.Poll's default.
const DefaultPoll = 2 * time.Second

// Handler serves the console's page, its assets and its endpoints.
type Handler struct {
	svc    *service.Service
	opts   Options
	assets http.Handler
	index  []byte
	// closed ends the event streams, which would otherwise hold a shutdown until its grace ran out.
	closed    chan struct{}
	closeOnce sync.Once
}

// New returns the console over svc.
func New(svc *service.Service, opts Options) (*Handler, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, err
	}
	index, err := fs.ReadFile(sub, "index.html")
	if err != nil {
		return nil, err
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	return &Handler{svc: svc, opts: opts, index: index, closed: make(chan struct{}),
		assets: http.StripPrefix("/console/assets/", http.FileServerFS(sub))}, nil
}

// Close ends the event streams; call it when the server shuts down.
func (c *Handler) Close() { c.closeOnce.Do(func() { close(c.closed) }) }

// Route sends the console's requests to c and every other to api: GET and HEAD of /, /console and
// /console/... are the console's; the API's calls are POSTs to /. Under LoopbackOnly, a browser's API call (one with
// an Origin) from another origin than the loopback's is refused too, for the same reason as the
// console's own requests.
func Route(c *Handler, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		get := r.Method == http.MethodGet || r.Method == http.MethodHead
		if get && (r.URL.Path == "/" || r.URL.Path == "/console" || strings.HasPrefix(r.URL.Path, "/console/")) {
			c.ServeHTTP(w, r)
			return
		}
		if origin := r.Header.Get("Origin"); c.opts.LoopbackOnly && origin != "" && !loopbackOrigin(origin) {
			writeError(w, http.StatusForbidden, "AccessDeniedException", "this server answers browsers on its loopback address only, not from "+origin)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// Authorized tells whether an API request carries the console's token, which stands in for a signature.
func (c *Handler) Authorized(r *http.Request) bool {
	return c.opts.Token != "" && c.validToken(r.Header.Get(TokenHeader))
}

func (c *Handler) validToken(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(c.opts.Token)) == 1
}

// ServeHTTP serves the console's GET requests (Route sends them).
func (c *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The page runs only its own script and talks only to this server; no other site may frame it (its
	// buttons start and stop executions) or learn its address, which may carry the token.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if c.opts.LoopbackOnly && !loopbackHost(r.Host) {
		writeError(w, http.StatusForbidden, "AccessDeniedException", "the console answers on the loopback address only, not as "+r.Host)
		return
	}
	path := r.URL.Path
	switch {
	case path == "/" || path == "/console" || path == "/console/":
		// The page itself holds no data: it loads without the token, then reads it from its address.
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(c.index)
	case strings.HasPrefix(path, "/console/assets/"):
		h.Set("Cache-Control", "no-cache")
		c.assets.ServeHTTP(w, r)
	case strings.HasPrefix(path, "/console/api/"):
		if r.Method != http.MethodGet {
			// A HEAD of the event stream would stream, unseen, until its execution ended.
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "the console's endpoints take GET requests, not "+r.Method)
			return
		}
		if c.opts.Token != "" && !c.validToken(r.Header.Get(TokenHeader)) && !c.validToken(r.URL.Query().Get("token")) {
			writeError(w, http.StatusForbidden, "AccessDeniedException", "the console needs its token: open the address aslrun serve printed")
			return
		}
		c.api(w, r, strings.TrimPrefix(path, "/console/api/"))
	default:
		writeError(w, http.StatusNotFound, "ResourceNotFound", "the console has no page "+path)
	}
}

// api serves the console's own endpoints.
func (c *Handler) api(w http.ResponseWriter, r *http.Request, name string) {
	arn := r.URL.Query().Get("arn")
	if arn == "" {
		writeError(w, http.StatusBadRequest, service.CodeValidation, "give the ARN in the arn query parameter")
		return
	}
	switch name {
	case "events":
		c.events(w, r, arn)
	case "graph":
		c.graph(w, r, arn)
	default:
		writeError(w, http.StatusNotFound, "ResourceNotFound", "the console has no endpoint "+name)
	}
}

// writeError answers as the API does, {"__type", "message"}, so that the page shows every error alike.
func writeError(w http.ResponseWriter, status int, code, message string) {
	data, _ := json.Marshal(map[string]string{"__type": code, "message": message}) // strings always marshal
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeServiceError answers a service error with its code and status.
func writeServiceError(w http.ResponseWriter, err error) {
	var se *service.Error
	if errors.As(err, &se) {
		writeError(w, se.Status(), se.Code, se.Message)
		return
	}
	writeError(w, http.StatusInternalServerError, service.CodeInternalFailure, err.Error())
}

// loopbackHost tells whether a Host header names the loopback: localhost or a loopback IP, with or without
// a port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && loopbackHost(u.Host)
}

func (c *Handler) logf(format string, args ...any) {
	if c.opts.Log != nil {
		c.opts.Log.Printf(format, args...)
	}
}
