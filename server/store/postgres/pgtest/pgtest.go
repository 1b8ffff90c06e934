// Package pgtest gives tests throwaway PostgreSQL databases: a fresh database per test on a server that is
// either the one $ASLRUN_TEST_POSTGRES names or a cluster the test starts itself (initdb into a temporary
// directory, postgres listening only on a unix socket there), stopped and removed when the test ends.
//
// Where neither is possible the test is skipped, loudly, unless $CI is true: there it fails, so that a CI
// job cannot pass without having run the PostgreSQL tests.
package pgtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the URL of a server to use instead of starting one, for example
// postgres://postgres@/postgres?host=/var/run/postgresql. Its user must be allowed to create databases.
const EnvURL = "ASLRUN_TEST_POSTGRES"

// Server is a PostgreSQL server that tests create databases on.
type Server struct {
	url url.URL
}

// New returns the server of $ASLRUN_TEST_POSTGRES, or else starts one that is stopped when t ends. A test
// that needs several databases calls New once and URL for each, so as to start one server only.
func New(t testing.TB) *Server {
	t.Helper()
	if raw := os.Getenv(EnvURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			// Not echoed: it may hold a password.
			t.Fatalf("pgtest: $%s is not a postgres:// URL", EnvURL)
		}
		return &Server{url: *u}
	}
	u, err := start(t)
	if err != nil {
		unavailable(t, fmt.Errorf("could not start a throwaway cluster: %w", err))
	}
	return &Server{url: *u}
}

// URL starts a server as New does and returns the URL of a fresh database on it.
func URL(t testing.TB) string {
	t.Helper()
	return New(t).URL(t)
}

// URL creates an empty database, dropped when t ends, and returns its URL.
func (s *Server) URL(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("aslrun_test_%016x", rand.Uint64())
	if err := s.admin("CREATE DATABASE " + name); err != nil {
		t.Fatalf("pgtest: creating a database on %s: %v", s.url.Redacted(), err)
	}
	t.Cleanup(func() {
		// FORCE ends the sessions a test left open (PostgreSQL 13 and later).
		if err := s.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: dropping database %s: %v", name, err)
		}
	})
	u := s.url
	u.Path = "/" + name
	return u.String()
}

// admin runs one statement on the server's own database.
func (s *Server) admin(statement string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.url.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, statement)
	return err
}

// unavailable skips t, or fails it under CI, for want of a server.
func unavailable(t testing.TB, err error) {
	t.Helper()
	msg := fmt.Sprintf("PostgreSQL tests did NOT run: %v. Set $%s to a server URL "+
		"(e.g. postgres://postgres@/postgres?host=/var/run/postgresql), or install PostgreSQL's server "+
		"binaries (initdb, postgres) so that the tests start their own", err, EnvURL)
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal(msg)
	}
	t.Skip("!!! " + msg + " !!!")
}

// start runs a cluster of its own in a temporary directory and returns the URL of its postgres database.
// The cluster listens on a unix socket in that directory only, so the port number cannot clash with any
// other server and is fixed. fsync is off: the data is thrown away, and tests check behaviour, not durability.
func start(t testing.TB) (*url.URL, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "aslrun-pg-")
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) }) // registered first, so it runs after postgres has stopped
	cred, err := credential(dir)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--no-sync", "--no-instructions")
	initdb.Dir, initdb.SysProcAttr = dir, &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w: %s", err, strings.TrimSpace(string(out)))
	}
	logPath := filepath.Join(dir, "postgres.log")
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer log.Close() // postgres holds its own descriptor
	const port = "5432"
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-p", port, "-F",
		"-c", "listen_addresses=", "-c", "max_connections=200")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, log, log
	// SIGQUIT, PostgreSQL's immediate shutdown, should the test binary die without cleaning up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	p := &process{done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the thread that started the process ends, not the test binary: keep this
		// thread, locked, until postgres has exited.
		runtime.LockOSThread()
		defer close(p.done)
		if p.err = cmd.Start(); p.err != nil {
			started <- p.err
			return
		}
		started <- nil
		p.err = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting postgres: %w", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		<-p.done
	})
	u := &url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres",
		RawQuery: url.Values{"host": {dir}, "port": {port}}.Encode()}
	if err := p.ready(u.String()); err != nil {
		out, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%w; postgres's log: %s", err, strings.TrimSpace(string(out)))
	}
	return u, nil
}

// process is a running postgres; err is its exit status, valid once done is closed.
type process struct {
	done chan struct{}
	err  error
}

// ready waits until the server accepts connections.
func (p *process) ready(url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, url)
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case <-p.done:
			return fmt.Errorf("postgres exited: %v", p.err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections within 30s: %w", err)
		}
	}
}

// binDir finds PostgreSQL's server binaries: beside postgres or initdb on $PATH (Debian links only initdb
// and pg_ctl into /usr/local/bin, so links are followed), else Debian's /usr/lib/postgresql/N/bin, newest first.
func binDir() (string, error) {
	var dirs []string
	for _, name := range []string{"postgres", "initdb"} {
		if p, err := exec.LookPath(name); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				dirs = append(dirs, filepath.Dir(real))
			}
		}
	}
	debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	slices.SortFunc(debian, func(a, b string) int { return cmp.Compare(version(b), version(a)) })
	for _, dir := range append(dirs, debian...) {
		if executable(filepath.Join(dir, "initdb")) && executable(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb and postgres) on $PATH or in /usr/lib/postgresql/*/bin")
}

func executable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0
}

// credential returns whom to run initdb and postgres as: nil for the current user, unless that is root, which
// both refuse; then the postgres system user, who is given dir.
func credential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, which PostgreSQL refuses, and no postgres user to run it as: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	if err := os.Chown(dir, int(uid), int(gid)); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
