package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store/sqlite"
)

// TestHealth: /healthz answers while the process lives, /readyz only while the store answers; both name the
// node, and everything else goes on to the API.
func TestHealth(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "aslrun.db"))
	require.NoError(t, err)
	svc, err := service.New(service.Options{Store: st, NodeID: "node-a"})
	require.NoError(t, err)
	defer svc.Close()
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	srv := httptest.NewServer(httpapi.WithHealth(svc, api))
	defer srv.Close()
	get := func(path string) (int, httpapi.Health) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		var h httpapi.Health
		if resp.StatusCode != http.StatusTeapot {
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
		}
		return resp.StatusCode, h
	}
	tests := []struct {
		path, when string
		status     int
		ready      bool
	}{
		{"/healthz", "up", http.StatusOK, true},
		{"/readyz", "up", http.StatusOK, true},
		{"/other", "up", http.StatusTeapot, false},
		{"/healthz", "store closed", http.StatusOK, false},
		{"/readyz", "store closed", http.StatusServiceUnavailable, false},
	}
	closed := false
	for _, tt := range tests {
		if tt.when == "store closed" && !closed {
			require.NoError(t, st.Close())
			closed = true
		}
		status, h := get(tt.path)
		assert.Equal(t, tt.status, status, tt.path+" "+tt.when)
		if status != http.StatusTeapot {
			assert.Equal(t, "node-a", h.Node)
			assert.Equal(t, tt.ready, h.Ready, tt.path+" "+tt.when)
			if !tt.ready {
				assert.NotEqual(t, "ok", h.Store)
			}
		}
	}
}
