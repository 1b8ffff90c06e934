package main

import (
	"fmt"
	"net"
	"os"

	"github.com/aslrun/aslrun/internal/egress"
	"github.com/aslrun/aslrun/server/sigv4"
)

const httpAllowUsage = "comma-separated CIDR blocks, IP addresses and host names (*.example.com for subdomains) that HTTP Tasks and http stubs may call (default: anything)"

// httpPolicy reads --http-allow; nil (no limit) when it is empty.
func httpPolicy(list string) (*egress.Policy, error) {
	if list == "" {
		return nil, nil
	}
	p, err := egress.Parse(list, "--http-allow")
	if err != nil {
		return nil, fmt.Errorf("--http-allow: %w", err)
	}
	return p, nil
}

// verifier reads --auth and --auth-credentials: nil when the API is open. The credentials come from
// --auth-credentials, else from the server's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
func verifier(auth string, credentials []string) (*sigv4.Verifier, error) {
	switch auth {
	case "none":
		if len(credentials) > 0 {
			return nil, fmt.Errorf("--auth-credentials needs --auth sigv4")
		}
		return nil, nil
	case "sigv4":
	default:
		return nil, fmt.Errorf("--auth must be none or sigv4, not %q", auth)
	}
	secrets := map[string]string{}
	for _, c := range credentials {
		id, secret, err := sigv4.ParseCredential(c)
		if err != nil {
			return nil, fmt.Errorf("--auth-credentials: %w", err)
		}
		secrets[id] = secret
	}
	if len(secrets) == 0 {
		id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			return nil, fmt.Errorf("--auth sigv4 needs credentials: --auth-credentials ACCESS_KEY_ID:SECRET, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
		}
		secrets[id] = secret
	}
	return sigv4.New(secrets, sigv4.Options{})
}

// openWarning is the warning of a server that anyone who can reach addr may use: "" when it listens on
// loopback only or checks signatures.
func openWarning(addr net.Addr, auth *sigv4.Verifier) string {
	if tcp, ok := addr.(*net.TCPAddr); auth != nil || ok && tcp.IP.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("aslrun serve: warning: %s is not a loopback address and the API has no authentication: "+
		"anyone who can reach it can run executions, with the API or the web console (see --auth sigv4)", addr)
}
