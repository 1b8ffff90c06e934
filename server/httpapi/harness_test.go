package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/httpserver"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
	"github.com/aslrun/aslrun/server/store/sqlite"
)

// env is a server on a loopback port: the handler over a service over a store, and an SDK client of it.
type env struct {
	sfn       *sfn.Client
	reg       *resources.Registry
	url, addr string
}

// backends are the stores every API test runs against.
var backends = map[string]func(t testing.TB) store.Store{
	"memory": func(testing.TB) store.Store { return memory.New() },
	"sqlite": func(t testing.TB) store.Store {
		st, err := sqlite.Open(filepath.Join(t.TempDir(), "aslrun.db"))
		require.NoError(t, err)
		return st
	},
}

// eachStore runs a test once per store backend.
func eachStore(t *testing.T, test func(t *testing.T, e *env)) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, newEnv(t, open(t), service.Options{}))
		})
	}
}

// newEnv serves the API over st. opts.Store and Invoker are filled in; PollTimeout defaults to half a
// second so that an empty long poll does not slow the tests.
func newEnv(t testing.TB, st store.Store, opts service.Options) *env {
	return newServer(t, st, opts, serverOptions{})
}

// serverOptions are how a test's server differs from the plain one.
type serverOptions struct {
	api httpapi.Options
	// limits, when set, serve through httpserver with those limits instead of httptest's server;
	// api.RequestTimeout is then theirs.
	limits *httpserver.Options
	// accessLog, when set, receives the access log (WithAccessLog) in logFormat (default text).
	accessLog io.Writer
	logFormat string
}

// newServer is newEnv with a server of so.
func newServer(t testing.TB, st store.Store, opts service.Options, so serverOptions) *env {
	renv := &resources.Env{Services: resources.NewServices(), Clock: interpreter.RealClock{}}
	reg := resources.NewRegistry()
	reg.UseEnv(renv)
	opts.Store, opts.Invoker = st, reg
	if opts.PollTimeout == 0 {
		opts.PollTimeout = 500 * time.Millisecond
	}
	svc, err := service.New(opts)
	require.NoError(t, err)
	renv.Answers = svc.Answers()
	t.Cleanup(func() {
		svc.Close()
		require.NoError(t, st.Close())
	})
	if so.limits == nil {
		srv := httptest.NewServer(so.handler(t, svc))
		t.Cleanup(srv.Close) // before the service closes: cleanups run last first
		return &env{sfn: newClient(srv.URL, srv.Listener.Addr().String()), reg: reg, url: srv.URL, addr: srv.Listener.Addr().String()}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	so.api.RequestTimeout = so.limits.RequestTimeout
	srv := httpserver.New(so.handler(t, svc), *so.limits)
	srv.RegisterOnShutdown(svc.Close) // so that long polls end at once, as aslrun serve does
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
		require.ErrorIs(t, <-served, http.ErrServerClosed)
	})
	url := "http://" + ln.Addr().String()
	return &env{sfn: newClient(url, ln.Addr().String()), reg: reg, url: url, addr: ln.Addr().String()}
}

// handler is the API over svc, behind the health routes and the access log when so has one.
func (so serverOptions) handler(t testing.TB, svc *service.Service) http.Handler {
	api := httpapi.New(svc, so.api)
	if so.accessLog == nil {
		return api
	}
	if so.logFormat == "" {
		so.logFormat = httpapi.LogText
	}
	h, err := httpapi.NewLogHandler(so.accessLog, so.logFormat)
	require.NoError(t, err)
	return httpapi.WithAccessLog(slog.New(h), httpapi.WithHealth(svc, api))
}

// newClient is an SDK client of the server at url. It dials addr whatever the host, since the SDK sends
// StartSyncExecution to sync-HOST: the server must not care about the Host header.
func newClient(url, addr string) *sfn.Client {
	return newClientAs(url, addr, credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""))
}

// newClientAs is newClient signing with creds (nil: anonymous, unsigned).
func newClientAs(url, addr string, creds aws.CredentialsProvider) *sfn.Client {
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return sfn.New(sfn.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		Credentials:      creds,
		HTTPClient:       &http.Client{Transport: &http.Transport{DialContext: dial}},
		RetryMaxAttempts: 1,
	})
}

const roleArn = "arn:aws:iam::123456789012:role/test"

// passMachine is three Pass states, the last adding a field.
const passMachine = `{"StartAt":"A","States":{
	"A":{"Type":"Pass","Next":"B"},
	"B":{"Type":"Pass","Next":"C"},
	"C":{"Type":"Pass","Result":"done","ResultPath":"$.c","End":true}}}`

func (e *env) create(t testing.TB, name, definition string, typ types.StateMachineType) string {
	t.Helper()
	out, err := e.sfn.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(definition), RoleArn: aws.String(roleArn), Type: typ,
	})
	require.NoError(t, err)
	return aws.ToString(out.StateMachineArn)
}

func (e *env) start(t testing.TB, machine, name, input string) string {
	t.Helper()
	in := &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(input)}
	if name != "" {
		in.Name = aws.String(name)
	}
	out, err := e.sfn.StartExecution(context.Background(), in)
	require.NoError(t, err)
	return aws.ToString(out.ExecutionArn)
}

// wait polls DescribeExecution until the execution has ended.
func (e *env) wait(t testing.TB, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := e.sfn.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		require.NoError(t, err)
		if out.Status != types.ExecutionStatusRunning {
			return out
		}
		require.True(t, time.Now().Before(deadline), "execution %s still running", arn)
		time.Sleep(5 * time.Millisecond)
	}
}

// isA asserts that err is the SDK's typed error T.
func isA[T error](t testing.TB, err error) T {
	t.Helper()
	var target T
	require.Error(t, err)
	require.True(t, errors.As(err, &target), "want %T, got %v", target, err)
	return target
}

// apiError asserts that err is an API error with code, for the errors an operation's SDK model does not
// list (the SDK then has no type for them), and returns its message.
func apiError(t testing.TB, err error, code string) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "want an API error %s, got %v", code, err)
	require.Equal(t, code, ae.ErrorCode(), ae.ErrorMessage())
	return ae.ErrorMessage()
}

// post sends a raw request to the API and returns the status and the decoded body.
func post(t testing.TB, url, target, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(data, &out), "%s", data)
	return resp.StatusCode, out
}
