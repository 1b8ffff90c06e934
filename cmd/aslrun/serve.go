package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
	"github.com/aslrun/aslrun/server/console"
	"github.com/aslrun/aslrun/server/httpapi"
	"github.com/aslrun/aslrun/server/httpserver"
	"github.com/aslrun/aslrun/server/service"
	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/memory"
	"github.com/aslrun/aslrun/server/store/postgres"
	"github.com/aslrun/aslrun/server/store/sqlite"
)

type serveFlags struct {
	addr, data, store, handlers, mockConfig, clock, auth, httpAllow, s3Root string
	executionLog                                                            string
	authCredentials                                                         []string
	maxConnections                                                          int
	nodeID                                                                  string
	lease                                                                   time.Duration
	memory                                                                  bool
	// retain bounds the finished executions --memory keeps; retainSet says a --retain-* flag was given.
	retain    memory.Retention
	retainSet bool
	// local are Step Functions Local's settings (serve_local.go).
	local localFlags
	// log chooses the access log (serve_log.go).
	log logFlags
}

// shutdownGrace bounds how long a shutdown waits for requests in flight.
const shutdownGrace = 30 * time.Second

func newServeCmd() *cobra.Command {
	var fl serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the AWS Step Functions API locally",
		Long: `Serve the AWS Step Functions API (AWS JSON 1.0) locally, for the AWS SDKs and CLI:

  aws stepfunctions --endpoint-url http://127.0.0.1:8083 list-state-machines

State machines, activities and executions are kept in SQLite at DIR/aslrun.db. The default DIR is
$XDG_DATA_HOME/aslrun, or ~/.local/share/aslrun when XDG_DATA_HOME is unset (on macOS
~/Library/Application Support/aslrun, on Windows %AppData%\aslrun). --memory keeps nothing on disk, and
keeps finished executions within bounds: the latest --retain-executions of them, for at most --retain-for
(0 lifts a bound). SQLite keeps every Standard execution. Neither keeps an Express execution once it has
ended, as AWS keeps none: StartSyncExecution answers with its outcome.

The server binds the loopback interface unless --addr says otherwise, and shuts down gracefully on SIGINT
or SIGTERM: it stops accepting, lets requests in flight finish, and closes the store. Executions still
running stay RUNNING in the store.

StartExecution of "STATE_MACHINE_ARN#TEST_CASE" runs a test case of --mock-config, as Step Functions
Local does.

Connections: a request must be read within 30 s and answered within 30 s (GetActivityTask's long poll
and StartSyncExecution wait longer), a keep-alive connection closes after 120 s idle, and at most
--max-connections are open. Past that cap the server closes an idle or still-sending connection to make
room, or answers 503 ServiceUnavailable when every connection is a request being served.

The API has no authentication unless --auth sigv4: every request must then carry an AWS Signature V4 made
with one of the credentials of --auth-credentials ACCESS_KEY_ID:SECRET (repeatable), or else with the
server's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (which, unlike flags, other users of the machine
cannot read). Any region is accepted; the service must be "states". Binding an --addr other than
loopback without it prints a warning.

A web console answers on the same address (GET /, the address serve prints): state machines, their
graphs, executions live. On the loopback it needs no login; under --auth sigv4, which a browser cannot
sign for, the printed address carries a token made for this run, which the console needs.

--http-allow limits where HTTP Tasks (arn:aws:states:::http:invoke) and http stubs may connect, so that
a shared server can keep definitions away from internal addresses: each connection's resolved address
must lie in a listed network, unless its host name is listed. A refused call fails the Task with
States.Http.Socket.

--execution-log writes the log events of the executions whose state machine has a LoggingConfiguration
(level ALL, ERROR or FATAL, includeExecutionData, a log group), in AWS's CloudWatch Logs shape, one JSON
object per line: to stderr ("-"), to one file per log group in a directory, or to a file, where each line
names its log group in log_group_arn.

` + localFlagsHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl.retainSet = cmd.Flags().Changed("retain-executions") || cmd.Flags().Changed("retain-for")
			// Before serve copies fl: the environment's settings are set through the flags.
			if err := resolveLocal(cmd, &fl); err != nil {
				return usageError(cmd, "%v", err)
			}
			return serve(cmd, fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.addr, "addr", "127.0.0.1:8083", "address to listen on")
	f.StringVar(&fl.store, "store", "", "the store: postgres://USER@HOST/DB (several nodes may share it), sqlite:DIR (as --data DIR) or memory (as --memory)")
	f.StringVar(&fl.data, "data", "", "directory of the SQLite store (default: see above)")
	f.BoolVar(&fl.memory, "memory", false, "keep everything in memory, nothing on disk")
	f.IntVar(&fl.retain.Executions, "retain-executions", memory.DefaultRetainExecutions, "with --memory: how many finished executions to keep, the latest (0: all)")
	f.DurationVar(&fl.retain.For, "retain-for", memory.DefaultRetainFor, "with --memory: how long to keep a finished execution (0: for ever)")
	f.StringVar(&fl.handlers, "handlers", "", "handler file (JSON or YAML) binding Task resources to stubs")
	f.StringVar(&fl.mockConfig, "mock-config", "", "Step Functions Local mock configuration file (env SFN_MOCK_CONFIG)")
	f.StringVar(&fl.clock, "clock", "real", "real or virtual (waits cost nothing)")
	f.IntVar(&fl.maxConnections, "max-connections", httpserver.DefaultMaxConnections, "most connections open at once")
	f.StringVar(&fl.nodeID, "node-id", "", "this server's name as the owner of the executions it runs: started again under the same name it resumes them at once (default: the host name)")
	f.DurationVar(&fl.lease, "lease", service.DefaultLease, "how long this node holds a running execution without renewing: a dead node's executions are taken over this long after it died")
	f.StringVar(&fl.auth, "auth", "none", "none, or sigv4: requests must be signed with one of the credentials (see above)")
	f.StringArrayVar(&fl.authCredentials, "auth-credentials", nil, "ACCESS_KEY_ID:SECRET that --auth sigv4 accepts (repeatable; default: the server's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	f.StringVar(&fl.httpAllow, "http-allow", "", httpAllowUsage)
	f.StringVar(&fl.s3Root, "s3-root", "", s3RootUsage)
	f.StringVar(&fl.executionLog, "execution-log", "", executionLogUsage)
	addLocalFlags(f, &fl.local)
	addLogFlags(f, &fl.log)
	cmd.MarkFlagsMutuallyExclusive("data", "memory", "store")
	return cmd
}

func serve(cmd *cobra.Command, fl serveFlags) error {
	clock, err := newClock(cmd, fl.clock)
	if err != nil {
		return err
	}
	errLog, withAccessLog, err := serveLog(cmd.ErrOrStderr(), fl.log)
	if err != nil {
		return usageError(cmd, "--log-format: %v", err)
	}
	if fl.maxConnections < 1 {
		return usageError(cmd, "--max-connections must be at least 1")
	}
	if fl.lease < time.Second {
		return usageError(cmd, "--lease must be at least 1s: the node renews it every third of it")
	}
	auth, err := verifier(fl.auth, fl.authCredentials)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	reg, env, mocks, err := serverResources(clock, fl)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	defer env.Services.Close()
	st, where, shared, err := openStore(cmd.Context(), fl)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	defer st.Close()
	logSink, logReport, closeLog, err := executionLog(fl.executionLog, cmd.ErrOrStderr())
	if err != nil {
		return usageError(cmd, "--execution-log: %v", err)
	}
	defer closeLog()
	node := fl.nodeID
	if node == "" && shared {
		// Several nodes may run on one host: the process id keeps them apart. Give --node-id to have a
		// node started again resume its executions at once rather than after their leases.
		host, _ := os.Hostname()
		node = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	service.ServerGC()
	svc, err := newEngine(reg, env, mocks, service.Options{Store: st, Clock: clock, NodeID: node, Shared: shared, Lease: fl.lease,
		Account: fl.local.account, Region: fl.local.region, WaitScale: fl.local.scale()})
	if err != nil {
		return err
	}
	if logSink != nil {
		// Subscribed before any execution runs; stopped after svc.Close, so that their last events are written.
		defer svc.LogExecutions(logSink, logReport)()
	}
	defer svc.Close()
	// Executions the last process left running start again; parked ones wake on their timers.
	if err := svc.ResumeUnfinished(cmd.Context()); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fl.addr)
	if err != nil {
		return usageError(cmd, "%v", err)
	}
	if warning := openWarning(ln.Addr(), auth); warning != "" {
		fmt.Fprintln(cmd.ErrOrStderr(), warning)
	}
	con, consoleURL, err := newConsole(svc, ln.Addr(), auth != nil, errLog)
	if err != nil {
		return err
	}
	api := httpapi.New(svc, httpapi.Options{Log: errLog, Auth: auth, Authorized: con.Authorized, RequestTimeout: httpserver.DefaultRequestTimeout})
	srv := httpserver.New(withAccessLog(httpapi.WithHealth(svc, console.Route(con, api))), httpserver.Options{RequestTimeout: httpserver.DefaultRequestTimeout, MaxConnections: fl.maxConnections})
	// Ending long polls, event streams and executions when the shutdown starts lets their requests finish
	// at once.
	srv.RegisterOnShutdown(svc.Close)
	srv.RegisterOnShutdown(con.Close)
	fmt.Fprintf(cmd.OutOrStdout(), "aslrun serve: listening on http://%s (%s; node %s)\n", ln.Addr(), where, svc.Node())
	fmt.Fprintf(cmd.OutOrStdout(), "aslrun serve: console at %s\n", consoleURL)

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), "aslrun serve: stopped")
	return nil
}

// serverResources builds what Tasks of every execution share: one registry over the embedded services,
// the handler file's bindings, and the mock config's test cases.
func serverResources(clock interpreter.Clock, fl serveFlags) (*resources.Registry, *resources.Env, *resources.MockConfig, error) {
	allow, err := httpPolicy(fl.httpAllow)
	if err != nil {
		return nil, nil, nil, err
	}
	services, err := resources.OpenServices(resources.ServiceOptions{S3Root: fl.s3Root, Region: fl.local.region, Account: fl.local.account})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--s3-root: %w", err)
	}
	endpoints, err := resources.NewEndpoints(fl.local.endpoints)
	if err != nil {
		_ = services.Close()
		return nil, nil, nil, err
	}
	env := &resources.Env{Services: services, Clock: clock, HTTPClient: allow.Client(), Endpoints: endpoints}
	reg := resources.NewRegistry()
	reg.UseEnv(env)
	if fl.handlers != "" {
		if err := reg.LoadHandlerFile(fl.handlers); err != nil {
			_ = services.Close()
			return nil, nil, nil, err
		}
	}
	var mocks *resources.MockConfig
	if fl.mockConfig != "" {
		var err error
		if mocks, err = resources.LoadMockConfig(fl.mockConfig); err != nil {
			_ = services.Close()
			return nil, nil, nil, fmt.Errorf("--mock-config: %w", err)
		}
	}
	return reg, env, mocks, nil
}

// openStore opens the store the flags name, says which it is, and whether other nodes may share it.
func openStore(ctx context.Context, fl serveFlags) (store.Store, string, bool, error) {
	if fl.retain.Executions < 0 || fl.retain.For < 0 {
		return nil, "", false, errors.New("--retain-executions and --retain-for cannot be negative")
	}
	switch {
	case fl.store == "memory":
		fl.memory = true
	case strings.HasPrefix(fl.store, "sqlite:"):
		if fl.data = strings.TrimPrefix(fl.store, "sqlite:"); fl.data == "" {
			return nil, "", false, errors.New("--store sqlite:DIR needs a directory")
		}
	case strings.HasPrefix(fl.store, "postgres://"), strings.HasPrefix(fl.store, "postgresql://"):
		if fl.retainSet {
			return nil, "", false, errors.New("--retain-executions and --retain-for bound the --memory store only")
		}
		st, err := postgres.Open(ctx, fl.store)
		if err != nil {
			return nil, "", false, err
		}
		return st, "PostgreSQL store " + redacted(fl.store), true, nil
	case fl.store != "":
		return nil, "", false, fmt.Errorf("--store %q: give postgres://..., sqlite:DIR or memory", redacted(fl.store))
	}
	if fl.memory {
		return memory.New(memory.WithRetention(fl.retain)), "in memory", false, nil
	}
	if fl.retainSet {
		// The SQLite store is the one that keeps history on purpose; bounding it is not implemented.
		return nil, "", false, errors.New("--retain-executions and --retain-for bound the --memory store only; the SQLite store keeps every Standard execution")
	}
	dir := fl.data
	if dir == "" {
		var err error
		if dir, err = defaultDataDir(); err != nil {
			return nil, "", false, fmt.Errorf("no data directory: %w (give --data DIR or --memory)", err)
		}
	}
	path := filepath.Join(dir, "aslrun.db")
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, "", false, err
	}
	return st, "data in " + path, false, nil
}

// redacted is a store URL without its password, for messages.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unreadable URL)"
	}
	return u.Redacted()
}

// defaultDataDir is the per-user data directory: XDG's data home where XDG applies, the platform's
// per-user configuration directory elsewhere.
func defaultDataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "aslrun"), nil
	}
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "plan9":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "aslrun"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "aslrun"), nil
}

// newConsole makes the web console and the address to open it at. On the loopback without --auth it needs
// no login, like the API; it refuses browsers that reach it under another name (DNS rebinding). With --auth
// sigv4 the API takes only signed requests, which a browser cannot make: the console then requires a token
// made for this run, which its address carries (as Jupyter's does) and which stands in for a signature on
// the console's own API calls. Without --auth on another address, the API is open to whoever reaches it
// (serve warns) and the console, which can do no more than the API, is too.
func newConsole(svc *service.Service, addr net.Addr, signed bool, errLog *log.Logger) (*console.Handler, string, error) {
	tcp, _ := addr.(*net.TCPAddr)
	loopback := tcp != nil && tcp.IP.IsLoopback()
	host := addr.String()
	if tcp != nil && tcp.IP.IsUnspecified() {
		// 0.0.0.0 is no address to open: this machine's loopback reaches it.
		host = net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	opts := console.Options{LoopbackOnly: loopback, Log: errLog}
	u := "http://" + host + "/"
	if signed {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return nil, "", err
		}
		opts.Token = base64.RawURLEncoding.EncodeToString(b)
		u += "?token=" + opts.Token
	}
	con, err := console.New(svc, opts)
	return con, u, err
}
