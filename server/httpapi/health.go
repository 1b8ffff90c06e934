package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/aslrun/aslrun/server/service"
)

// healthTimeout bounds the store check of /readyz: a probe must get an answer even from a store that hangs.
const healthTimeout = 2 * time.Second

// Health is what /healthz and /readyz answer.
type Health struct {
	// Node is the server's node id, the owner of the executions it runs.
	Node string `json:"node"`
	// Ready: the store answers. Store says how it answered.
	Ready bool   `json:"ready"`
	Store string `json:"store"`
}

// WithHealth serves GET /healthz (the process lives: always 200) and GET /readyz (200 when the store
// answers, 503 when it does not) in front of next, for load balancers and orchestrators. They answer
// before any authentication: a probe carries no signature, and they tell nothing about executions.
func WithHealth(svc *service.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if r.Method != http.MethodGet || (path != "/healthz" && path != "/readyz") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		h := Health{Node: svc.Node(), Ready: true, Store: "ok"}
		if err := svc.StoreReady(ctx); err != nil {
			h.Ready, h.Store = false, err.Error()
		}
		status := http.StatusOK
		if path == "/readyz" && !h.Ready {
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(h)
	})
}
