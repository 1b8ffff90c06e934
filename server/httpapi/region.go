package httpapi

import (
	"net/http"
	"strings"
)

// requestRegion is the region of a request's SigV4 credential scope (Authorization: AWS4-HMAC-SHA256
// Credential=ID/DATE/REGION/SERVICE/aws4_request, ...). The SDKs and the CLI sign every request, so the
// region the client is configured with is there even when the server checks no signature. "" when the
// request has none.
func requestRegion(r *http.Request) string {
	_, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	if end := strings.IndexAny(rest, ", "); end >= 0 {
		rest = rest[:end]
	}
	scope := strings.Split(rest, "/")
	if len(scope) != 5 {
		return ""
	}
	return scope[2]
}
