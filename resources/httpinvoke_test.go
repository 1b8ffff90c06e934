package resources_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		{"json post", `{"ApiEndpoint":"` + srv.URL + `/orders","Method":"POST","Headers":{"Authorization":"Bearer x"},
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
		{"form body, text reply", `{"ApiEndpoint":"` + srv.URL + `/text","Method":"PUT","RequestBody":{"a":"1 2","b":[1,2]},
			"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "plain words", out["ResponseBody"])
			assert.Equal(t, "application/x-www-form-urlencoded", got.contentType)
			assert.Equal(t, "a=1+2&b=1&b=2", got.body)
		}},
		{"404", `{"ApiEndpoint":"` + srv.URL + `/missing","Method":"GET"}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "States.Http.StatusCode.404", out["Error"])
			assert.Contains(t, out["Cause"], `"ResponseBody":"no such thing"`)
		}},
		{"nobody listening", `{"ApiEndpoint":"http://127.0.0.1:1/x","Method":"GET"}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "States.Http.Socket", out["Error"])
		}},
		{"no endpoint", `{"Method":"GET"}`, nil},
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
