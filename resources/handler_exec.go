package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// The exec stub runs a command per invocation, as a Lambda runtime runs a function:
//
//	{"exec": ["./price.py", "--fast"], "dir": "scripts", "env": {"STAGE": "local"}, "timeout": 5}
//
// The event is written to its stdin as JSON; its stdout must be one JSON value (nothing at all is null), the
// result. A non-zero exit is a function error, named by the errorType of a Lambda error payload
// ({"errorMessage": ..., "errorType": ...}) that its stdout, else its stderr, holds whole or as its last
// line; the cause is that payload as written. Without one the failure is what Lambda reports for a runtime
// that exits: Runtime.ExitError (see execExited). A command that cannot start fails Runtime.InvalidEntrypoint,
// as Lambda does when it cannot run a runtime's bootstrap.
//
// A command path with a slash and "dir" resolve against the handler file's directory, which is also the
// default working directory; a bare command name is looked up in PATH when the file is loaded. "env" adds to
// aslrun's environment. "timeout" (seconds, real time) fails the call with Sandbox.Timedout; without it the
// Task's TimeoutSeconds ends the call, though only on a real clock: a virtual clock stands still while a
// handler runs. Either way, and whenever the Task's context ends (its execution stopped, its lease lost,
// aslrun closing), the command's whole process group is killed on Unix, so no child of a script outlives the
// call, and so is whatever the command left running when it exits (elsewhere only the command is killed).
//
// On Linux the command also dies with aslrun, even by SIGKILL, so that a Task run again after a restart does
// not race an orphan of its first attempt; what a script started outlives a SIGKILL of aslrun, though
// (see handler_exec_linux.go).
type execStub struct {
	command []string // as written, for messages
	path    string   // the resolved program
	dir     string
	env     []string // KEY=VALUE, after aslrun's environment so that they win
	timeout time.Duration
}

const (
	// execTailSize is how much of stderr is kept to find an error payload and report the last lines.
	execTailSize = 64 * 1024
	// execStderrLines is how many of the last lines of stderr a Runtime.ExitError cause carries.
	execStderrLines = 10
	// execWaitDelay is how long the output of a command that exited may stay open (held by a process it
	// left behind) before it is closed.
	execWaitDelay = time.Second
)

func parseExec(stub map[string]any, sc stubScope) (Handler, error) {
	raw, _ := stub["exec"].([]any)
	if len(raw) == 0 {
		return nil, fmt.Errorf(`"exec" must be a non-empty array of strings (the command and its arguments), not %s`, kind(stub["exec"]))
	}
	s := &execStub{command: make([]string, len(raw)), dir: sc.dir}
	for i, a := range raw {
		str, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf(`"exec": element %d must be a string, not %s`, i, kind(a))
		}
		s.command[i] = str
	}
	if s.command[0] == "" {
		return nil, errors.New(`"exec": the command is empty`)
	}

	if d, ok := stub["dir"]; ok {
		dir, _ := d.(string)
		if dir == "" {
			return nil, fmt.Errorf(`"dir" must be a directory path, not %s`, kind(d))
		}
		s.dir = execResolve(sc.dir, dir)
		if info, err := os.Stat(s.dir); err != nil {
			return nil, fmt.Errorf(`"dir": %w`, err)
		} else if !info.IsDir() {
			return nil, fmt.Errorf(`"dir": %s is not a directory`, s.dir)
		}
	}

	if strings.Contains(s.command[0], "/") {
		s.path = execResolve(sc.dir, s.command[0])
		if _, err := os.Stat(s.path); err != nil {
			return nil, fmt.Errorf(`"exec": %w`, err)
		}
	} else {
		path, err := exec.LookPath(s.command[0])
		if err != nil {
			return nil, fmt.Errorf(`"exec": %w`, err)
		}
		s.path = path
	}

	env, err := stubStrings(stub, "env")
	if err != nil {
		return nil, err
	}
	for k, v := range env {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return nil, fmt.Errorf(`"env": %q is not an environment variable name`, k)
		}
		s.env = append(s.env, k+"="+v)
	}
	sort.Strings(s.env) // deterministic, though the order does not matter

	if s.timeout, err = stubTimeout(stub); err != nil {
		return nil, err
	}
	return s, nil
}

// execResolve makes a path relative to the handler file's directory absolute.
func execResolve(base, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(base, path)
}

// Handle runs the command once.
func (s *execStub) Handle(ctx context.Context, call *Call) (any, error) {
	ctx, cancelTask := taskDeadline(ctx, call)
	defer cancelTask()
	var run context.Context
	var cancel context.CancelFunc
	if s.timeout > 0 {
		run, cancel = context.WithTimeout(ctx, s.timeout)
	} else {
		run, cancel = context.WithCancel(ctx)
	}
	defer cancel()

	cmd := exec.CommandContext(run, s.path, s.command[1:]...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), s.env...)
	cmd.Stdin = strings.NewReader(value.JSON(call.Input))
	stdout := &execStdout{overflow: cancel}
	stderr := &execTail{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = execWaitDelay

	err := execRun(cmd)
	if stdout.over {
		return nil, stubTooLarge(fmt.Sprintf("The output of the command %s", s.name()))
	}
	var exit *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay): // it succeeded; a process it left held its output
	case run.Err() != nil:
		return nil, stubEnd(ctx, s.timeout)
	case errors.As(err, &exit):
		if fe, ok := stubFunctionError(stdout.buf); ok {
			return nil, fe
		}
		if fe, ok := stubFunctionError(stderr.buf); ok {
			return nil, fe
		}
		return nil, execExited(exit.ProcessState, stderr.buf)
	default:
		return nil, Fail("Runtime.InvalidEntrypoint", fmt.Sprintf("RequestId: %s Error: %v", interpreter.NewUUID(), err))
	}
	out, err := stubResult(stdout.buf)
	if err != nil {
		return nil, failure.New(failure.TaskFailed, fmt.Sprintf(
			"The command %s exited 0 but its stdout is not one JSON value (%v): %s", s.name(), err, stubSnippet(stdout.buf)))
	}
	return out, nil
}

func (s *execStub) name() string { return fmt.Sprintf("%q", s.command) }

// execExited is what Lambda reports for a runtime that exits during an invocation without reporting an
// error: Runtime.ExitError with the process's end as Go words it, e.g.
// {"errorMessage":"RequestId: <id> Error: Runtime exited with error: exit status 1","errorType":"Runtime.ExitError"}
// (as in aws/aws-lambda-python-runtime-interface-client#10 and ballerina-platform/module-ballerinax-aws.lambda#229).
// Lambda writes stderr to the function's log; here its last lines go into the payload as "stderr", so that
// the cause shows why.
func execExited(state *os.ProcessState, stderr []byte) error {
	payload, _ := json.Marshal(struct { // strings always marshal
		Message string   `json:"errorMessage"`
		Type    string   `json:"errorType"`
		Stderr  []string `json:"stderr,omitempty"`
	}{
		Message: fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", interpreter.NewUUID(), state),
		Type:    "Runtime.ExitError",
		Stderr:  execLastLines(stderr, execStderrLines),
	})
	return failure.New("Runtime.ExitError", string(payload))
}

// execLastLines returns the last n non-empty lines of an output.
func execLastLines(b []byte, n int) []string {
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// execStdout collects a command's stdout up to the payload limit; past it, it stops the command.
type execStdout struct {
	buf      []byte
	over     bool
	overflow func()
}

func (w *execStdout) Write(p []byte) (int, error) {
	switch {
	case w.over: // discarded while the command dies
	case len(w.buf)+len(p) > stubPayloadLimit:
		w.over = true
		w.overflow()
	default:
		w.buf = append(w.buf, p...)
	}
	return len(p), nil
}

// execTail keeps the end of a command's stderr.
type execTail struct{ buf []byte }

func (w *execTail) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	if extra := len(w.buf) - execTailSize; extra > 0 {
		w.buf = append(w.buf[:0], w.buf[extra:]...)
	}
	return len(p), nil
}
