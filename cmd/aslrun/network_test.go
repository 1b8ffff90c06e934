package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHTTPAllowFlag: execute and test take --http-allow, and a refused HTTP Task fails naming the host and
// the flag.
func TestHTTPAllowFlag(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"ok":true}`)) }))
	defer srv.Close()
	def := write(t, t.TempDir(), "d.json", `{"StartAt":"H","States":{"H":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c"},"ApiEndpoint":"`+srv.URL+`","Method":"GET"},"OutputPath":"$.ResponseBody","End":true}}}`)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // JSON, or for test a fragment
		stderr string
	}{
		{"allowed", []string{"execute", def, "--http-allow", "127.0.0.0/8"}, 0, `{"ok":true}`, ""},
		{"no list allows anything", []string{"execute", def}, 0, `{"ok":true}`, ""},
		{"refused", []string{"execute", def, "--http-allow", "10.0.0.0/8,api.example.com"}, 1, "",
			`States.Http.Socket: The HTTP Task "H" cannot call ` + srv.URL + `: host "127.0.0.1" is not allowed by --http-allow`},
		{"bad list", []string{"execute", def, "--http-allow", "10.0.0.0/99"}, 2, "", `--http-allow: "10.0.0.0/99" is neither`},
		{"test takes it too", []string{"test", def, "--http-allow", "10.0.0.0/8", "--mock-config", write(t, t.TempDir(), "m.json",
			`{"StateMachines":{"d":{"TestCases":{"Live":{}}}},"MockedResponses":{}}`)}, 1, `host \"127.0.0.1\" is not allowed by --http-allow`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := aslrun(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "stdout %s stderr %s", stdout, stderr)
			switch {
			case tt.args[0] == "test":
				assert.Contains(t, stdout, tt.stdout)
			case tt.stdout != "":
				assert.JSONEq(t, tt.stdout, stdout)
			}
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

// TestServeAuth: with --auth sigv4, only the configured credentials get in, given as flags or taken from
// the server's environment.
func TestServeAuth(t *testing.T) {
	ctx := context.Background()
	client := func(url, id, secret string) *sfn.Client {
		return sfn.New(sfn.Options{Region: "eu-west-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
	}
	refusedAs := func(t *testing.T, err error, code string) {
		t.Helper()
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, code, ae.ErrorCode())
	}

	url, stop := startServe(t, "--memory", "--auth", "sigv4", "--auth-credentials", "AKIDONE:one-secret", "--auth-credentials", "AKIDTWO:two:secret")
	_, err := client(url, "AKIDONE", "one-secret").ListActivities(ctx, &sfn.ListActivitiesInput{})
	require.NoError(t, err)
	_, err = client(url, "AKIDTWO", "two:secret").ListActivities(ctx, &sfn.ListActivitiesInput{})
	require.NoError(t, err)
	_, err = client(url, "AKIDONE", "two:secret").ListActivities(ctx, &sfn.ListActivitiesInput{})
	refusedAs(t, err, "InvalidSignatureException")
	_, err = client(url, "AKIDEXAMPLE", "secret").ListActivities(ctx, &sfn.ListActivitiesInput{})
	refusedAs(t, err, "UnrecognizedClientException")
	err, _ = stop()
	require.NoError(t, err)

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	url, _ = startServe(t, "--memory", "--auth", "sigv4")
	_, err = client(url, "AKIDENV", "env-secret").ListActivities(ctx, &sfn.ListActivitiesInput{})
	require.NoError(t, err)
	_, err = client(url, "AKIDONE", "one-secret").ListActivities(ctx, &sfn.ListActivitiesInput{})
	refusedAs(t, err, "UnrecognizedClientException")
}

// TestOpenWarning: an address other than loopback without --auth gets a warning (the test binds nothing
// but loopback: the listener's address alone decides).
func TestOpenWarning(t *testing.T) {
	auth, err := verifier("sigv4", []string{"AKID:s"})
	require.NoError(t, err)
	tests := []struct {
		name string
		addr net.Addr
		auth bool
		warn bool
	}{
		{"IPv4 loopback", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8083}, false, false},
		{"IPv6 loopback", &net.TCPAddr{IP: net.IPv6loopback, Port: 8083}, false, false},
		{"all interfaces", &net.TCPAddr{IP: net.IPv4zero, Port: 8083}, false, true},
		{"all interfaces, IPv6", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8083}, false, true},
		{"a LAN address", &net.TCPAddr{IP: net.IPv4(192, 168, 1, 20), Port: 8083}, false, true},
		{"a LAN address, signed", &net.TCPAddr{IP: net.IPv4(192, 168, 1, 20), Port: 8083}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := auth
			if !tt.auth {
				v = nil
			}
			warning := openWarning(tt.addr, v)
			if !tt.warn {
				assert.Empty(t, warning)
				return
			}
			assert.Equal(t, "aslrun serve: warning: "+tt.addr.String()+" is not a loopback address and the API has no authentication: "+
				"anyone who can reach it can run executions, with the API or the web console (see --auth sigv4)", warning)
		})
	}
	_, stop := startServe(t, "--memory")
	err, text := stop()
	require.NoError(t, err)
	assert.NotContains(t, text, "warning")
}
