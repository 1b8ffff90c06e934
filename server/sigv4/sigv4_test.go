package sigv4_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/sigv4"
)

// verifying serves requests by verifying them; it answers 200, or 403 with "CODE: MESSAGE".
func verifying(t *testing.T, v *sigv4.Verifier) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		if err := v.Verify(r, body); err != nil {
			var se *sigv4.Error
			require.True(t, errors.As(err, &se), "%v", err)
			http.Error(w, se.Error(), http.StatusForbidden)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestVerify(t *testing.T) {
	v, err := sigv4.New(map[string]string{"AKIDOK": "right-secret", "AKIDOTHER": "other"}, sigv4.Options{Now: func() time.Time { return epoch }})
	require.NoError(t, err)
	url := verifying(t, v)

	type request struct {
		id, secret, service string
		at                  time.Time
		path, body          string
		header              map[string]string
		tamper              func(r *http.Request) // after signing
	}
	ok := func(mod func(r *request)) request {
		r := request{id: "AKIDOK", secret: "right-secret", service: "states", at: epoch, path: "/", body: `{"a":1}`,
			header: map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.ListActivities"}}
		if mod != nil {
			mod(&r)
		}
		return r
	}
	tests := []struct {
		name     string
		req      request
		unsigned bool
		want     string // "" for accepted, else the start of "CODE: MESSAGE"
	}{
		{name: "right credentials", req: ok(nil)},
		{name: "second key", req: ok(func(r *request) { r.id, r.secret = "AKIDOTHER", "other" })},
		{name: "query and path are canonicalised", req: ok(func(r *request) { r.path = "/a%20b/c?z=1&a-=2&a=3&a=1&sp=x%20y" })},
		{name: "spaces in a signed header", req: ok(func(r *request) { r.header["X-Amz-Target"] = "  AWSStepFunctions.ListActivities  x  " })},
		{name: "4 minutes old", req: ok(func(r *request) { r.at = epoch.Add(-4 * time.Minute) })},
		{name: "unsigned", req: ok(nil), unsigned: true, want: "MissingAuthenticationTokenException: Request is missing Authentication Token"},
		{name: "unknown key", req: ok(func(r *request) { r.id = "AKIDNOBODY" }),
			want: "UnrecognizedClientException: The security token included in the request is invalid."},
		{name: "wrong secret", req: ok(func(r *request) { r.secret = "wrong" }),
			want: "InvalidSignatureException: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."},
		{name: "body changed", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) {
				req.Body, req.ContentLength = io.NopCloser(strings.NewReader(`{"a":2}`)), 7
			}
		}), want: "InvalidSignatureException: The request signature we calculated does not match"},
		{name: "signed header changed", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) { req.Header.Set("X-Amz-Target", "AWSStepFunctions.DeleteActivity") }
		}), want: "InvalidSignatureException: The request signature we calculated does not match"},
		{name: "stale", req: ok(func(r *request) { r.at = epoch.Add(-6 * time.Minute) }),
			want: "InvalidSignatureException: Signature expired: 20260301T115400Z is now earlier than 20260301T115500Z (20260301T120000Z - 5 min.)"},
		{name: "future", req: ok(func(r *request) { r.at = epoch.Add(6 * time.Minute) }),
			want: "InvalidSignatureException: Signature not yet current: 20260301T120600Z is still later than 20260301T120500Z (20260301T120000Z + 5 min.)"},
		{name: "other service", req: ok(func(r *request) { r.service = "lambda" }),
			want: "InvalidSignatureException: Credential should be scoped to correct service: 'states'."},
		{name: "no date", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) { req.Header.Del("X-Amz-Date") }
		}), want: "IncompleteSignatureException: Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
		{name: "bad date", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) { req.Header.Set("X-Amz-Date", "yesterday") }
		}), want: "IncompleteSignatureException: Date must be in ISO-8601 'basic format'. Got 'yesterday'."},
		{name: "scope date differs", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) { req.Header.Set("X-Amz-Date", "20260302T120000Z") }
		}), want: "InvalidSignatureException: Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260301' != '20260302'"},
		{name: "no signature", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) {
				auth := req.Header.Get("Authorization")
				req.Header.Set("Authorization", auth[:strings.Index(auth, ", Signature=")])
			}
		}), want: "IncompleteSignatureException: Authorization header requires 'Signature' parameter."},
		{name: "host not signed", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) {
				req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "host;", "", 1))
			}
		}), want: "IncompleteSignatureException: 'Host' or ':authority' must be a 'SignedHeader'"},
		{name: "other algorithm", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) { req.Header.Set("Authorization", "AWS4-ECDSA-P256-SHA256 Credential=x") }
		}), want: "IncompleteSignatureException: Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'."},
		{name: "malformed credential", req: ok(func(r *request) {
			r.tamper = func(req *http.Request) {
				req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "/aws4_request", "/aws5_request", 1))
			}
		}), want: "IncompleteSignatureException: Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req
			req, err := http.NewRequest(http.MethodPost, url+r.path, strings.NewReader(r.body))
			require.NoError(t, err)
			for k, val := range r.header {
				req.Header.Set(k, val)
			}
			if !tt.unsigned {
				sum := sha256.Sum256([]byte(r.body))
				require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: r.id, SecretAccessKey: r.secret},
					req, hex.EncodeToString(sum[:]), r.service, "eu-west-3", r.at))
			}
			if r.tamper != nil {
				r.tamper(req)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			text, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			if tt.want == "" {
				assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", text)
				return
			}
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.True(t, strings.HasPrefix(string(text), tt.want), "got %s", text)
		})
	}
}

func TestNewAndParseCredential(t *testing.T) {
	_, err := sigv4.New(nil, sigv4.Options{})
	assert.EqualError(t, err, "sigv4: no credentials")
	_, err = sigv4.New(map[string]string{"AKID": ""}, sigv4.Options{})
	assert.Error(t, err)

	tests := []struct {
		in, id, secret string
		ok             bool
	}{
		{"AKID:secret", "AKID", "secret", true},
		{"AKID:se:cret", "AKID", "se:cret", true},
		{"AKID", "", "", false},
		{":secret", "", "", false},
		{"AKID:", "", "", false},
	}
	for _, tt := range tests {
		id, secret, err := sigv4.ParseCredential(tt.in)
		if !tt.ok {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, [2]string{tt.id, tt.secret}, [2]string{id, secret})
	}
}
