package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childArgs, when set, makes the test binary run aslrun with these arguments: the restart test's server
// is a process of its own, so that it can be killed with SIGKILL.
const childArgs = "ASLRUN_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		root := newRootCmd()
		root.SetArgs(strings.Split(args, "\n"))
		if err := root.Execute(); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serverProcess runs aslrun serve in a child process and returns its URL.
func serverProcess(t testing.TB, args ...string) (*exec.Cmd, string) {
	t.Helper()
	return limitedServerProcess(t, "", args...)
}

// limitedServerProcess runs aslrun serve in a child process under the shell commands limits (ulimit ... &&)
// and returns its URL.
func limitedServerProcess(t testing.TB, limits string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if limits != "" {
		cmd = exec.Command("sh", "-c", limits+`exec "$0" -test.run='^$'`, os.Args[0])
	}
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), "\n"))
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	cmd.Stdout = cmd.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case url := <-urls:
		return cmd, url
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not start")
		return nil, ""
	}
}

func sfnClient(url string) *sfn.Client {
	return sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")})
}

// Executions waiting in a Wait and on task tokens survive a SIGKILL of the server: started again on the
// same data, it completes each of them once, with the right output, and the tokens stay valid.
func TestRestartResumesParkedExecutions(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	// The asking function writes each event, with its token, to a file of its own.
	handlers := filepath.Join(dir, "handlers.json")
	require.NoError(t, os.WriteFile(handlers, fmt.Appendf(nil,
		`{"arn:aws:lambda:us-east-1:123456789012:function:ask": {"exec": ["sh", "-c", "cat > %s/token-$$.json; echo {}"]}}`, dir), 0o600))
	data := filepath.Join(dir, "data")
	args := []string{"--data", data, "--handlers", handlers}
	server, url := serverProcess(t, args...)
	client := sfnClient(url)
	ctx := context.Background()

	create := func(name, def string) string {
		out, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
		require.NoError(t, err)
		return aws.ToString(out.StateMachineArn)
	}
	waiter := create("waiter", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2,"Next":"P"},
		"P":{"Type":"Pass","Parameters":{"waited.$":"$.n"},"End":true}}}`)
	asker := create("asker", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:ask","Payload":{"token.$":"$$.Task.Token","n.$":"$.n"}},
		"ResultPath":"$.answer","End":true}}}`)
	var arns []string
	for i := range 3 {
		for _, m := range []string{waiter, asker} {
			out, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(m), Input: aws.String(fmt.Sprintf(`{"n":%d}`, i))})
			require.NoError(t, err)
			arns = append(arns, aws.ToString(out.ExecutionArn))
		}
	}
	var asked []map[string]any
	require.Eventually(t, func() bool {
		files, _ := filepath.Glob(filepath.Join(dir, "token-*.json"))
		asked = nil
		for _, f := range files {
			b, _ := os.ReadFile(f)
			var ev map[string]any
			if json.Unmarshal(b, &ev) == nil {
				asked = append(asked, ev)
			}
		}
		return len(asked) == 3
	}, 10*time.Second, 10*time.Millisecond)
	// Let the askers commit their park, then kill the server before any Wait is over.
	require.Eventually(t, func() bool {
		for _, arn := range arns {
			h, err := client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), ReverseOrder: true, MaxResults: 1})
			if err != nil || len(h.Events) == 0 || (h.Events[0].Type != types.HistoryEventTypeTaskSubmitted && h.Events[0].Type != types.HistoryEventTypeWaitStateEntered) {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, server.Process.Kill())
	_ = server.Wait()

	_, url = serverProcess(t, args...)
	client = sfnClient(url)
	for _, ev := range asked {
		_, err := client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(ev["token"].(string)),
			Output: aws.String(fmt.Sprintf(`{"for":%v}`, ev["n"]))})
		require.NoError(t, err)
	}
	for _, arn := range arns {
		var d *sfn.DescribeExecutionOutput
		require.Eventually(t, func() bool {
			var err error
			d, err = client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			return err == nil && d.Status != types.ExecutionStatusRunning
		}, 20*time.Second, 20*time.Millisecond, arn)
		require.Equal(t, types.ExecutionStatusSucceeded, d.Status, aws.ToString(d.Cause))
		var in, out map[string]any
		require.NoError(t, json.Unmarshal([]byte(aws.ToString(d.Input)), &in))
		require.NoError(t, json.Unmarshal([]byte(aws.ToString(d.Output)), &out))
		if strings.Contains(arn, ":waiter:") {
			assert.Equal(t, map[string]any{"waited": in["n"]}, out)
		} else {
			assert.Equal(t, map[string]any{"n": in["n"], "answer": map[string]any{"for": in["n"]}}, out)
		}
		h, err := client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
		require.NoError(t, err)
		seen := map[types.HistoryEventType]int{}
		for i, e := range h.Events {
			assert.Equal(t, int64(i+1), e.Id, "dense ids")
			seen[e.Type]++
		}
		assert.Equal(t, 1, seen[types.HistoryEventTypeExecutionSucceeded], "completed once")
		assert.LessOrEqual(t, seen[types.HistoryEventTypeTaskSubmitted], 1, "the task ran once")
	}
	// An answered token is used up.
	_, err := client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(asked[0]["token"].(string)), Output: aws.String(`{}`)})
	var timedOut *types.TaskTimedOut
	assert.ErrorAs(t, err, &timedOut)
}

// crashRig is a server process to kill: on its own data, with one exec-handler function, "count", whose
// every call leaves its input in a file of calls/ (the shell script makes it, as $f).
type crashRig struct {
	t      *testing.T
	calls  string
	args   []string
	server *exec.Cmd
	client *sfn.Client
}

const countFunction = "arn:aws:lambda:us-east-1:123456789012:function:count"

func newCrashRig(t *testing.T, script string) *crashRig {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	r := &crashRig{t: t, calls: filepath.Join(dir, "calls")}
	require.NoError(t, os.Mkdir(r.calls, 0o700))
	handlers := filepath.Join(dir, "handlers.json")
	require.NoError(t, os.WriteFile(handlers, fmt.Appendf(nil, `{%q: {"exec": ["sh", "-c", "f=$(mktemp %s/call-XXXXXX); cat > $f; %s"]}}`,
		countFunction, r.calls, script), 0o600))
	r.args = []string{"--data", filepath.Join(dir, "data"), "--handlers", handlers}
	r.restart()
	return r
}

// restart starts the server (again).
func (r *crashRig) restart() {
	var url string
	r.server, url = serverProcess(r.t, r.args...)
	r.client = sfnClient(url)
}

// kill kills the server with SIGKILL.
func (r *crashRig) kill() {
	require.NoError(r.t, r.server.Process.Kill())
	_ = r.server.Wait()
}

// callFiles are the files of the calls so far (not their .done marks).
func (r *crashRig) callFiles() []string {
	files, _ := filepath.Glob(filepath.Join(r.calls, "call-*"))
	return slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".done") })
}

// keyOf reads which task a call was for: its input's step and key.
func (r *crashRig) keyOf(f string) string {
	b, err := os.ReadFile(f)
	require.NoError(r.t, err)
	var in struct{ Step, Key string }
	require.NoError(r.t, json.Unmarshal(b, &in), string(b))
	return in.Step + " " + in.Key
}

// awaitSucceeded waits for every execution to end, and checks it succeeded.
func (r *crashRig) awaitSucceeded(arns []string, within time.Duration) {
	for _, arn := range arns {
		d := awaitEnd(r.t, r.client, arn, within)
		require.Equal(r.t, types.ExecutionStatusSucceeded, d.Status, aws.ToString(d.Cause))
	}
}

// The durable issue's crash test: executions that wait inside Map iterations and Parallel branches, and
// one whose activity task a worker holds, survive a SIGKILL of the server. Started again on the same
// data, every execution succeeds, no Task that ran before the kill runs again, the activity token stays
// valid, and all of it settles within 8 s of the restart.
func TestCrashInsideMapAndParallel(t *testing.T) {
	r := newCrashRig(t, "cat $f")
	ctx := context.Background()
	chain := func(key string) string {
		task := func(step, next string) string {
			return fmt.Sprintf(`{"Type":"Task","Resource":%q,
				"Parameters":{"step":%q,"key.$":"States.Format('{}-%s', $$.Execution.Name)"},"ResultPath":null,%s}`, countFunction, step, key, next)
		}
		a, w, b := "A "+key, "W "+key, "B "+key // state names are unique in a machine
		return fmt.Sprintf(`{"StartAt":%q,"States":{%q:%s,%q:{"Type":"Wait","Seconds":3,"Next":%q},%q:%s}}`,
			a, a, task("A", fmt.Sprintf(`"Next":%q`, w)), w, b, b, task("B", `"End":true`))
	}
	mapped := createMachine(t, r.client, "mapped", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
		"ItemSelector":{"id.$":"$$.Map.Item.Value"},"ItemProcessor":`+strings.ReplaceAll(chain("item"), "States.Format('{}-item', $$.Execution.Name)", "States.Format('{}-item{}', $$.Execution.Name, $.id)")+`}}}`)
	parallel := createMachine(t, r.client, "parallel", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[`+chain("b1")+`,`+chain("b2")+`]}}}`)
	act, err := r.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("approve")})
	require.NoError(t, err)
	approver := createMachine(t, r.client, "approver", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+aws.ToString(act.ActivityArn)+`","End":true}}}`)

	var arns []string
	for range 10 {
		arns = append(arns, startExecution(t, r.client, mapped, `{"items":[1,2,3]}`), startExecution(t, r.client, parallel, `{}`))
	}
	arns = append(arns, startExecution(t, r.client, approver, `{"ask":"ok?"}`))
	task, err := r.client.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("w")})
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(task.TaskToken))

	// Every A has run; the B calls come after the 3 s waits. Kill while everything waits.
	const firstCalls = 10*3 + 10*2
	require.Eventually(t, func() bool { return len(r.callFiles()) == firstCalls }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // the last commits land
	r.kill()

	r.restart()
	restarted := time.Now()
	_, err = r.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"approved":true}`)})
	require.NoError(t, err, "the activity token is still valid")
	r.awaitSucceeded(arns, 20*time.Second)
	assert.Less(t, time.Since(restarted), 8*time.Second, "everything settles within 8 s of the restart")

	ran := map[string]int{}
	for _, f := range r.callFiles() {
		ran[r.keyOf(f)]++
	}
	assert.Len(t, ran, 2*firstCalls)
	for k, n := range ran {
		assert.Equal(t, 1, n, "%s ran once", k)
	}
}

// Killed at random moments while Map iterations and Parallel branches call their Tasks, the server
// resumes every execution after each restart; a Task whose result was recorded (it finished well before
// the kill: results are committed within 100 ms) never runs again, and any Task runs at most once more
// per kill (the one in flight).
func TestCrashDuringTaskCalls(t *testing.T) {
	r := newCrashRig(t, "sleep 0.2; touch $f.done; cat $f")
	task := func(name, key, next string) string {
		return fmt.Sprintf(`%q:{"Type":"Task","Resource":%q,
			"Parameters":{"step":%q,"key.$":"States.Format('{}-%s', $$.Execution.Name, $$.State.Name)"},"ResultPath":null,%s}`, name, countFunction, name, key, next)
	}
	mapped := createMachine(t, r.client, "mapped", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,"ItemProcessor":{"StartAt":"A","States":{`+
		strings.ReplaceAll(task("A", "{}-{}", `"Next":"B"`)+","+task("B", "{}-{}", `"End":true`), "$$.State.Name)", "$$.State.Name, $)")+`}}}}}`)
	parallel := createMachine(t, r.client, "parallel", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"A1","States":{`+task("A1", "{}", `"Next":"B1"`)+","+task("B1", "{}", `"End":true`)+`}},
		{"StartAt":"A2","States":{`+task("A2", "{}", `"Next":"B2"`)+","+task("B2", "{}", `"End":true`)+`}}]}}}`)
	var arns []string
	for range 4 {
		arns = append(arns, startExecution(t, r.client, mapped, `[1,2,3,4,5,6]`), startExecution(t, r.client, parallel, `{}`))
	}
	// recorded: when each task was known to be recorded: at the first kill it had finished well before.
	recorded := map[string]time.Time{}
	var previous time.Time
	for kill := range 2 {
		time.Sleep(time.Duration(600+rand.IntN(600)) * time.Millisecond)
		killed := time.Now()
		r.kill()
		done, _ := filepath.Glob(filepath.Join(r.calls, "call-*.done"))
		for _, f := range done {
			// Finished in this process's life, and long enough before its kill to be committed.
			if st, err := os.Stat(f); err == nil && st.ModTime().After(previous) && st.ModTime().Before(killed.Add(-400*time.Millisecond)) {
				if k := r.keyOf(strings.TrimSuffix(f, ".done")); recorded[k].IsZero() {
					recorded[k] = killed
				}
			}
		}
		t.Logf("kill %d: %d calls recorded so far", kill, len(recorded))
		previous = killed
		r.restart()
	}
	r.awaitSucceeded(arns, 30*time.Second)
	ran := map[string]int{}
	for _, f := range r.callFiles() {
		// A call killed before it read its input left an empty file: in flight, and of no known task.
		st, err := os.Stat(f)
		if err != nil || st.Size() == 0 {
			continue
		}
		k := r.keyOf(f)
		ran[k]++
		if at := recorded[k]; !at.IsZero() {
			assert.False(t, st.ModTime().After(at), "%s ran again after its result was recorded", k)
		}
	}
	assert.Len(t, ran, 4*(6*2+2*2), "every task ran")
	for k, n := range ran {
		assert.LessOrEqual(t, n, 3, "%s ran again at most once per kill", k)
	}
}

// A Distributed Map whose children wait after their Task survives a SIGKILL of the server: started again
// on the same data, the execution takes up the same Map Run, whose children (STANDARD) it finds and
// awaits: no child runs its Task again, the Map Run succeeds with every output in order, and the
// parent's history has one MapRunStarted.
func TestCrashDuringMapRun(t *testing.T) {
	r := newCrashRig(t, "cat $f")
	ctx := context.Background()
	m := createMachine(t, r.client, "dmap", fmt.Sprintf(`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":8,"End":true,
		"ItemSelector":{"step":"call","key.$":"States.Format('{}', $$.Map.Item.Value)"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
			"T":{"Type":"Task","Resource":%q,"Next":"W"},
			"W":{"Type":"Wait","Seconds":2,"End":true}}}}}}`, countFunction))
	items := make([]string, 20)
	want := make([]string, 20)
	for i := range items {
		items[i] = fmt.Sprint(i)
		want[i] = fmt.Sprintf(`{"step":"call","key":"%d"}`, i)
	}
	arn := startExecution(t, r.client, m, "["+strings.Join(items, ",")+"]")
	require.Eventually(t, func() bool { return len(r.callFiles()) >= 8 }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // the first children's Tasks are recorded; they wait
	r.kill()
	before := len(r.callFiles())
	r.restart()

	d := awaitEnd(t, r.client, arn, 30*time.Second)
	require.Equal(t, types.ExecutionStatusSucceeded, d.Status, aws.ToString(d.Cause))
	assert.JSONEq(t, "["+strings.Join(want, ",")+"]", aws.ToString(d.Output))
	ran := map[string]int{}
	for _, f := range r.callFiles() {
		if st, err := os.Stat(f); err == nil && st.Size() > 0 {
			ran[r.keyOf(f)]++
		}
	}
	assert.Len(t, ran, 20, "every child ran its Task")
	for k, n := range ran {
		assert.Equal(t, 1, n, "%s ran once", k)
	}
	t.Logf("%d children had called their Task before the kill", before)
	types := historyTypes(t, r.client, arn)
	started := 0
	for _, ty := range types {
		if ty == "MapRunStarted" {
			started++
		}
	}
	assert.Equal(t, 1, started, "one Map Run: %v", types)
	runs, err := r.client.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(arn)})
	require.NoError(t, err)
	require.Len(t, runs.MapRuns, 1)
	mr, err := r.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: runs.MapRuns[0].MapRunArn})
	require.NoError(t, err)
	assert.Equal(t, "SUCCEEDED", string(mr.Status))
	assert.Equal(t, int64(20), mr.ExecutionCounts.Succeeded)
}
