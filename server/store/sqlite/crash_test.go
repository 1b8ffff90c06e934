package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/store"
	"github.com/aslrun/aslrun/server/store/sqlite"
	"github.com/aslrun/aslrun/server/store/storetest"
)

// crashEnv, when set to a database path, turns this test binary into the child TestCrash kills.
const crashEnv = "ASLRUN_STORE_CRASH_DB"

const crashExecutions = 4

var crashStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// crashStep is step k (from 1) of an execution: three events, a timer, a token. Every part of it can be
// checked after the crash, so a partly written step shows.
func crashStep(e *store.Execution, k int64) store.Step {
	e.Checkpoint = fmt.Appendf(nil, "step %d", k)
	return store.Step{
		Execution: e,
		Events:    storetest.Events(3*k-1, 3),
		SetTimers: []store.Timer{{TimerKey: store.TimerKey{ExecutionArn: e.Arn, Key: "wait"}, Due: crashStart.Add(time.Duration(k) * time.Second)}},
		Tokens:    []store.Token{{Token: fmt.Sprintf("%s#%d", e.Arn, k), ExecutionArn: e.Arn, Status: store.TokenPending}},
	}
}

// crashChild commits steps on every execution, one goroutine each so that the store commits them together,
// forever, printing "NAME VERSION" after each commit returns: what it printed was acknowledged, so it must
// survive the kill.
func crashChild(path string) error {
	s, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	errs := make(chan error)
	for i := range crashExecutions {
		e := storetest.Execution("m", fmt.Sprintf("e%d", i))
		if got, err := s.CreateExecution(context.Background(), e, storetest.Events(1, 1)); errors.Is(err, store.ErrExists) {
			e = got // a previous round's
		} else if err != nil {
			return err
		}
		go func() {
			for {
				if err := s.Commit(context.Background(), crashStep(e, e.Version)); err != nil {
					errs <- err
					return
				}
				fmt.Printf("%s %d\n", e.Name, e.Version)
			}
		}()
	}
	return <-errs
}

// TestCrash SIGKILLs a process committing steps concurrently, at a random moment, several times over the same file; after
// each kill every acknowledged step must be there, whole, and no step may be there in part.
func TestCrash(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		fmt.Fprintln(os.Stderr, crashChild(path))
		os.Exit(1)
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	for round := range 5 {
		n := 50 + rand.IntN(1000)
		acked := runAndKill(t, path, n)
		t.Logf("round %d: killed after %d acknowledged commits: %v", round, n, acked)
		verifyCrash(t, path, acked)
	}
}

// runAndKill runs the child until it has acknowledged n commits, kills it, and returns the last version it
// acknowledged per execution.
func runAndKill(t *testing.T, path string, n int) map[string]int64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	acked := map[string]int64{}
	lines := bufio.NewScanner(out)
	for i := 0; i < n && lines.Scan(); i++ {
		name, version, _ := strings.Cut(lines.Text(), " ")
		v, err := strconv.ParseInt(version, 10, 64)
		require.NoError(t, err, lines.Text())
		acked[name] = v
	}
	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred function, no Close, no checkpoint
	_ = cmd.Wait()
	require.NotEmpty(t, acked, "child: %s", stderr.String())
	return acked
}

func verifyCrash(t *testing.T, path string, acked map[string]int64) {
	s := open(t, path)
	defer s.Close()
	ctx := t.Context()
	for i := range crashExecutions {
		arn := storetest.Execution("m", fmt.Sprintf("e%d", i)).Arn
		e, err := s.GetExecution(ctx, arn)
		require.NoError(t, err)
		k := e.Version - 1 // steps committed
		require.GreaterOrEqual(t, e.Version, acked[e.Name], "an acknowledged step was lost")
		if k > 0 {
			require.Equal(t, fmt.Sprintf("step %d", k), string(e.Checkpoint))
		}
		var ids int64
		for p := (store.Page{Max: store.MaxPageSize}); ; {
			events, next, err := s.History(ctx, arn, p, false)
			require.NoError(t, err)
			for _, ev := range events {
				ids++
				require.Equal(t, ids, ev.ID)
			}
			if next == "" {
				break
			}
			p.Token = next
		}
		require.Equal(t, 1+3*k, ids, "events of exactly the committed steps")
		if k > 0 {
			_, err = s.GetToken(ctx, fmt.Sprintf("%s#%d", arn, k))
			require.NoError(t, err, "the last step's token")
		}
		_, err = s.GetToken(ctx, fmt.Sprintf("%s#%d", arn, k+1))
		require.ErrorIs(t, err, store.ErrNotFound, "no token of an uncommitted step")
	}
	timers, err := s.ClaimDueTimers(ctx, crashStart.Add(24*time.Hour), "verify", time.Nanosecond, 100)
	require.NoError(t, err)
	for _, tm := range timers {
		e, err := s.GetExecution(ctx, tm.ExecutionArn)
		require.NoError(t, err)
		require.Equal(t, crashStart.Add(time.Duration(e.Version-1)*time.Second), tm.Due, "the last step's timer")
	}
}
