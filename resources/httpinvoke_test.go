package resources_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/internal/egress"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

func TestHTTPInvoke(t *testing.T) {
	var got struct{ method, path, query, contentType, auth, body string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.query = r.Method, r.URL.Path, r.URL.RawQuery
		got.contentType, got.auth, got.body = r.Header.Get("Content-Type"), r.Header.Get("Authorization"), string(b)
		switch r.URL.Path {
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("no such thing"))
		case "/text":
			_, _ = w.Write([]byte("plain words"))
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":7}`))
		}
	}))
	defer srv.Close()
	task := func(params string) string {
		return `{"StartAt":"H","States":{"H":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":` + params + `,
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},"Caught":{"Type":"Pass","End":true}}}`
	}
	tests := []struct {
		name   string
		params string
		check  func(t *testing.T, out map[string]any)
	}{
		{"json post", `{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"ApiEndpoint":"` + srv.URL + `/orders","Method":"POST","Headers":{"Authorization":"Bearer x"},
			"QueryParameters":{"tag":["a","b"],"n":1},"RequestBody":{"item":"book"},
			"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c/1"}}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, int64(200), out["StatusCode"])
			assert.Equal(t, "OK", out["StatusText"])
			assert.Equal(t, map[string]any{"id": int64(7)}, out["ResponseBody"])
			assert.Equal(t, []any{"application/json"}, out["Headers"].(map[string]any)["content-type"])
			assert.Equal(t, "POST", got.method)
			assert.Equal(t, "n=1&tag=a&tag=b", got.query)
			assert.Equal(t, "application/json", got.contentType)
			assert.Equal(t, "Bearer x", got.auth)
			assert.JSONEq(t, `{"item":"book"}`, got.body)
		}},
		{"form body, text reply", `{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"ApiEndpoint":"` + srv.URL + `/text","Method":"PUT","RequestBody":{"a":"1 2","b":[1,2]},
			"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "plain words", out["ResponseBody"])
			assert.Equal(t, "application/x-www-form-urlencoded", got.contentType)
			assert.Equal(t, "a=1+2&b=1&b=2", got.body)
		}},
		{"404", `{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"ApiEndpoint":"` + srv.URL + `/missing","Method":"GET"}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "States.Http.StatusCode.404", out["Error"])
			assert.Contains(t, out["Cause"], `"ResponseBody":"no such thing"`)
		}},
		{"nobody listening", `{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"ApiEndpoint":"http://127.0.0.1:1/x","Method":"GET"}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "States.Http.Socket", out["Error"])
		}},
		{"no endpoint", `{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"Method":"GET"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(t, task(tt.params), resources.NewRegistry())
			if tt.check == nil {
				require.Equal(t, interpreter.Failed, res.Status)
				assert.Equal(t, "States.Runtime", res.Error)
				return
			}
			require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
			tt.check(t, res.Output.(map[string]any))
		})
	}
}

// TestHTTPAllowList: with Env.HTTPClient limited to an allow list, HTTP Tasks and http stubs reach only
// what it allows, and a refusal fails the Task with States.Http.Socket naming the host and the list.
func TestHTTPAllowList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	tests := []struct {
		name, allow, host string
		refused           string // part of the cause, "" when the call goes through
	}{
		{"allowed CIDR", "192.168.0.0/16,127.0.0.0/8", "127.0.0.1", ""},
		{"allowed host name", "localhost", "localhost", ""},
		{"refused IP", "10.0.0.0/8", "127.0.0.1", `host "127.0.0.1" is not allowed by --http-allow`},
		{"a name resolving to a refused IP", "10.0.0.0/8", "localhost", `host "localhost" (address 127.0.0.1) is not allowed by --http-allow`},
		{"a listed name does not allow an IP", "localhost", "127.0.0.1", `host "127.0.0.1" is not allowed by --http-allow`},
	}
	for _, tt := range tests {
		policy, err := egress.Parse(tt.allow, "--http-allow")
		require.NoError(t, err)
		url := "http://" + tt.host + ":" + port + "/x"
		newRegistry := func(t *testing.T, handlers string) *resources.Registry {
			reg := resources.NewRegistry()
			reg.UseEnv(&resources.Env{Services: resources.NewServices(), HTTPClient: policy.Client()})
			if handlers != "" {
				require.NoError(t, reg.AddHandlers("h.json", []byte(handlers)))
			}
			return reg
		}
		t.Run("HTTP Task, "+tt.name, func(t *testing.T) {
			res := runWith(t, `{"StartAt":"H","States":{"H":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
				"Parameters":{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"ApiEndpoint":"`+url+`","Method":"GET"},"End":true}}}`, newRegistry(t, ""))
			if tt.refused == "" {
				require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
				assert.Equal(t, map[string]any{"ok": true}, res.Output.(map[string]any)["ResponseBody"])
				return
			}
			require.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, "States.Http.Socket", res.Error)
			assert.Equal(t, `The HTTP Task "H" cannot call `+url+`: `+tt.refused, res.Cause)
		})
		t.Run("http stub, "+tt.name, func(t *testing.T) {
			res := runWith(t, `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:fn","End":true}}}`,
				newRegistry(t, `{"fn": {"http": "`+url+`"}}`))
			if tt.refused == "" {
				require.Equal(t, interpreter.Succeed, res.Status, "%s %s", res.Error, res.Cause)
				assert.Equal(t, map[string]any{"ok": true}, res.Output)
				return
			}
			require.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, "States.Http.Socket", res.Error)
			assert.Equal(t, `The http stub cannot call POST `+url+`: `+tt.refused, res.Cause)
		})
	}
}
