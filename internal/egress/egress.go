// Package egress limits where the HTTP calls that definitions make may go: a list of networks (CIDR or
// single IP) and host names. The check is made when the connection is dialled, on the address actually
// dialled, so a name that resolves to a forbidden address (or is re-bound to one between a check and the
// call) cannot get through.
package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Policy is an allow list. A nil *Policy allows everything.
type Policy struct {
	prefixes []netip.Prefix
	hosts    []string // lower case, without a trailing dot; "*.example.com" matches its subdomains
	origin   string
}

// Parse reads a comma-separated list of CIDR blocks ("10.0.0.0/8"), IP addresses and host names
// ("api.example.com", "*.example.com"). origin names where the list came from (a flag) in refusals.
func Parse(list, origin string) (*Policy, error) {
	p := &Policy{origin: origin}
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if prefix, err := netip.ParsePrefix(entry); err == nil {
			p.prefixes = append(p.prefixes, prefix.Masked())
			continue
		}
		if addr, err := netip.ParseAddr(strings.Trim(entry, "[]")); err == nil {
			addr = addr.Unmap()
			p.prefixes = append(p.prefixes, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		host := normalHost(entry)
		if !validHost(strings.TrimPrefix(host, "*.")) {
			return nil, fmt.Errorf("%q is neither a CIDR block, an IP address nor a host name", entry)
		}
		p.hosts = append(p.hosts, host)
	}
	if len(p.prefixes) == 0 && len(p.hosts) == 0 {
		return nil, errors.New("the allow list is empty")
	}
	return p, nil
}

func normalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// allowsHost reports whether a host name is on the list by name.
func (p *Policy) allowsHost(host string) bool {
	host = normalHost(host)
	for _, h := range p.hosts {
		if h == host || strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) {
			return true
		}
	}
	return false
}

func (p *Policy) allowsAddr(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, prefix := range p.prefixes {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// RefusedError is a connection the policy forbids.
type RefusedError struct {
	// Host is the host the call named; Addr the address it resolved to (empty when Host is refused by name).
	Host, Addr string
	Origin     string
}

func (e *RefusedError) Error() string {
	what := fmt.Sprintf("host %q", e.Host)
	if e.Addr != "" && e.Addr != e.Host {
		what += fmt.Sprintf(" (address %s)", e.Addr)
	}
	if e.Origin == "" {
		return what + " is not on the allow list"
	}
	return what + " is not allowed by " + e.Origin
}

// DialContext dials like net.Dialer, but only to allowed destinations: a host on the list by name goes to
// whatever it resolves to; any other host only to the addresses of the listed networks, checked on each
// address the dialer tries.
func (p *Policy) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if !p.allowsHost(host) {
		d.Control = func(_, dialled string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(dialled)
			if err != nil || !p.allowsAddr(ap.Addr()) {
				return &RefusedError{Host: host, Addr: ap.Addr().String(), Origin: p.origin}
			}
			return nil
		}
	}
	return d.DialContext(ctx, network, address)
}

// Client returns an HTTP client that dials through the policy; nil when p is nil (no limit): callers then
// use http.DefaultClient. It uses no proxy, since a proxy would make the dialled address the proxy's.
func (p *Policy) Client() *http.Client {
	if p == nil {
		return nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = p.DialContext
	return &http.Client{Transport: t}
}
