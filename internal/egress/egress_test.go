package egress

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		list    string
		wantErr string
		allowed []string // hosts or addresses
		refused []string
	}{
		{list: "10.0.0.0/8, 192.168.1.7", allowed: []string{"10.1.2.3", "192.168.1.7", "::ffff:10.0.0.1"}, refused: []string{"192.168.1.8", "127.0.0.1"}},
		{list: "fd00::/8,[::1]", allowed: []string{"fd12::1", "::1"}, refused: []string{"fe80::1"}},
		{list: "api.example.com,*.corp.example", allowed: []string{"API.example.com.", "a.b.corp.example"}, refused: []string{"example.com", "corp.example", "xapi.example.com"}},
		{list: "", wantErr: "the allow list is empty"},
		{list: " , ", wantErr: "the allow list is empty"},
		{list: "10.0.0.0/33", wantErr: `"10.0.0.0/33" is neither`},
		{list: "http://x", wantErr: `"http://x" is neither`},
		{list: "bad..name", wantErr: `"bad..name" is neither`},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			p, err := Parse(tt.list, "--http-allow")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			allows := func(s string) bool {
				if a, err := netip.ParseAddr(s); err == nil {
					return p.allowsAddr(a)
				}
				return p.allowsHost(s)
			}
			for _, s := range tt.allowed {
				assert.True(t, allows(s), s)
			}
			for _, s := range tt.refused {
				assert.False(t, allows(s), s)
			}
		})
	}
}

// TestClient: the check is made on the address dialled, so a name that is not listed reaches only the listed
// networks, and a listed name reaches whatever it resolves to.
func TestClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	tests := []struct {
		list, host string
		refused    string // the refusal's text, "" when the call goes through
	}{
		{"127.0.0.0/8", "127.0.0.1", ""},
		{"127.0.0.1", "localhost", ""},
		{"localhost", "localhost", ""},
		{"10.0.0.0/8", "127.0.0.1", `host "127.0.0.1" is not allowed by --http-allow`},
		{"10.0.0.0/8", "localhost", `host "localhost" (address 127.0.0.1) is not allowed by --http-allow`},
		{"example.com", "127.0.0.1", `host "127.0.0.1" is not allowed by --http-allow`},
	}
	for _, tt := range tests {
		t.Run(tt.list+" "+tt.host, func(t *testing.T) {
			p, err := Parse(tt.list, "--http-allow")
			require.NoError(t, err)
			req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://"+net.JoinHostPort(tt.host, port)+"/", nil)
			require.NoError(t, err)
			resp, err := p.Client().Do(req)
			if tt.refused == "" {
				require.NoError(t, err)
				_ = resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				return
			}
			var refused *RefusedError
			require.True(t, errors.As(err, &refused), "%v", err)
			assert.Contains(t, refused.Error(), tt.refused)
		})
	}
}

func TestNilPolicyClient(t *testing.T) {
	var p *Policy
	assert.Nil(t, p.Client())
}
