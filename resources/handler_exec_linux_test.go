package resources

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
)

// These tests watch processes through /proc.

// execTree is a handler script that starts two children and writes "<its pid> <child> <child>" to the
// file pids, whole once it is there.
const execTree = `sleep 1000 & a=$!; sleep 1000 & echo $$ $a $! > pids.tmp; mv pids.tmp pids; wait`

// execServerDir, when set, makes TestExecHelperServer a mini aslrun serve for TestExecStubDiesWithTheServer:
// it runs the handler file h.json of that directory.
const execServerDir = "ASLRUN_TEST_EXEC_SERVER_DIR"

// execRunning reports whether a process lives: it exists and is no zombie (a container's init may never reap).
func execRunning(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

// execReadPIDs waits for a file of process ids and returns them.
func execReadPIDs(path string, within time.Duration) ([]int, error) {
	deadline := time.Now().Add(within)
	for {
		b, err := os.ReadFile(path)
		if err == nil {
			var pids []int
			for _, f := range strings.Fields(string(b)) {
				pid, err := strconv.Atoi(f)
				if err != nil {
					return nil, err
				}
				pids = append(pids, pid)
			}
			return pids, nil
		}
		if !errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// execKillAll kills what a test left running, whatever killed it or not.
func execKillAll(pids []int) {
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// However the Task's context ends (its TimeoutSeconds, its execution stopped, its lease lost, aslrun
// closing), the whole process group dies at once, including what a script started, and the call returns
// promptly even when a process outside the group holds the command's output.
func TestExecStubKillsTheProcessGroup(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		deadline bool // the context ends by its deadline, else by a cancel once the pids are written
		inGroup  int  // how many of the pids, from the first, are in the command's group
		maxTime  time.Duration
	}{
		{name: "the Task's timeout", script: execTree, deadline: true, inGroup: 3, maxTime: 5 * time.Second},
		{name: "a cancel", script: execTree, inGroup: 3, maxTime: 2 * time.Second},
		{name: "a process outside the group holds stdout",
			script:  `setsid sleep 1000 & a=$!; sleep 1000 & echo $$ $! $a > pids.tmp; mv pids.tmp pids; wait`,
			inGroup: 2, maxTime: execWaitDelay + 2*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			stubScript(t, dir, "tree.sh", tt.script)
			r := stubLoad(t, dir, "h.json", `{"fn": {"exec": ["./tree.sh"]}}`)

			ctx, cancel, wantErr := context.Background(), context.CancelFunc(nil), context.Canceled
			if tt.deadline {
				ctx, cancel = context.WithTimeout(ctx, time.Second)
				wantErr = context.DeadlineExceeded
			} else {
				ctx, cancel = context.WithCancel(ctx)
			}
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := r.Invoke(ctx, &interpreter.TaskRequest{Resource: stubLegacyFn, StateName: "S"})
				done <- err
			}()
			pids, err := execReadPIDs(filepath.Join(dir, "pids"), 10*time.Second)
			require.NoError(t, err)
			t.Cleanup(func() { execKillAll(pids) })
			start := time.Now()
			if !tt.deadline {
				cancel()
			}
			select {
			case err := <-done:
				assert.True(t, errors.Is(err, wantErr), "the caller's end is the caller's to name, got %v", err)
				assert.Less(t, time.Since(start), tt.maxTime)
			case <-time.After(tt.maxTime + 5*time.Second):
				t.Fatal("the call did not return")
			}
			for _, pid := range pids[:tt.inGroup] {
				assert.Eventually(t, func() bool { return !execRunning(pid) }, 2*time.Second, 10*time.Millisecond, "process %d was killed", pid)
			}
		})
	}
}

// A command that exits leaves nothing running, even a process that holds its output open.
func TestExecStubLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	stubScript(t, dir, "bg.sh", `sleep 1000 & echo $! > pids; echo '"done"'`)
	r := stubLoad(t, dir, "h.json", `{"fn": {"exec": ["./bg.sh"]}}`)
	start := time.Now()
	got, err := invoke(t, r, stubLegacyFn, "S", nil)
	require.NoError(t, err)
	assert.Equal(t, "done", got)
	assert.Less(t, time.Since(start), 5*time.Second)
	pids, err := execReadPIDs(filepath.Join(dir, "pids"), 0)
	require.NoError(t, err)
	t.Cleanup(func() { execKillAll(pids) })
	assert.Eventually(t, func() bool { return !execRunning(pids[0]) }, 5*time.Second, 10*time.Millisecond)
}

// A handler's command dies with a server killed by SIGKILL, so that a Task run again after a restart does
// not race it. What the command started outlives the server: that part is best effort, and reported.
func TestExecStubDiesWithTheServer(t *testing.T) {
	dir := t.TempDir()
	stubScript(t, dir, "tree.sh", execTree)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "h.json"), []byte(`{"fn": {"exec": ["./tree.sh"]}}`), 0o600))

	server := exec.Command(os.Args[0], "-test.run=^TestExecHelperServer$", "-test.count=1")
	server.Env = append(os.Environ(), execServerDir+"="+dir)
	var out bytes.Buffer
	server.Stdout, server.Stderr = &out, &out
	require.NoError(t, server.Start())
	t.Cleanup(func() { _ = server.Process.Kill(); _ = server.Wait() })

	_, err := execReadPIDs(filepath.Join(dir, "ready"), 20*time.Second)
	require.NoError(t, err, "the server is not ready: %s", &out)
	pids, err := execReadPIDs(filepath.Join(dir, "pids"), 0)
	require.NoError(t, err)
	// The group outlives its leader: one signal to it cleans up whatever survived.
	t.Cleanup(func() { _ = syscall.Kill(-pids[0], syscall.SIGKILL) })
	require.True(t, execRunning(pids[0]))

	require.NoError(t, server.Process.Signal(syscall.SIGKILL))
	_ = server.Wait()
	assert.Eventually(t, func() bool { return !execRunning(pids[0]) }, 2*time.Second, 10*time.Millisecond, "the command died with the server")
	time.Sleep(100 * time.Millisecond)
	for _, pid := range pids[1:] {
		t.Logf("best effort: the script's child %d outlived the server: %t", pid, execRunning(pid))
	}
}

// TestExecHelperServer is the server process of TestExecStubDiesWithTheServer: it runs the handler, writes
// the file ready once the command is up and waits to be killed.
func TestExecHelperServer(t *testing.T) {
	dir := os.Getenv(execServerDir)
	if dir == "" {
		t.Skip("the server process of TestExecStubDiesWithTheServer")
	}
	r, err := LoadHandlerFile(filepath.Join(dir, "h.json"))
	require.NoError(t, err)
	go func() {
		_, _ = r.Invoke(context.Background(), &interpreter.TaskRequest{Resource: stubLegacyFn, StateName: "S"})
	}()
	_, err = execReadPIDs(filepath.Join(dir, "pids"), 10*time.Second)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600))
	time.Sleep(time.Minute)
	t.Error("the server was not killed")
}

// Linux sends the parent-death signal when the thread that started the command ends (golang/go#27505), as
// one does when a goroutine locked to it returns: commands started while threads end must not die of it.
func TestExecStubOutlivesTheThreadsThatStartIt(t *testing.T) {
	r, err := ParseHandlers([]byte(`{"fn": {"exec": ["sleep", "0.3"]}}`))
	require.NoError(t, err)
	stop := make(chan struct{})
	churned := make(chan struct{})
	go func() {
		defer close(churned)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					runtime.LockOSThread() // and never unlocked, so that the thread ends
					time.Sleep(50 * time.Microsecond)
				})
			}
			wg.Wait()
		}
	}()
	defer func() { close(stop); <-churned }()

	errs := make([]error, 200)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { _, errs[i] = invoke(t, r, stubLegacyFn, "S", nil) })
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "command %d", i)
	}
}
