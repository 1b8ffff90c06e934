package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The web console, end to end: aslrun serve on a free port, Debian's chromium driven over the DevTools
// protocol. ASLRUN_CONSOLE_SCREENSHOTS=1 also writes the README's screenshots, docs/console-*.png.

// consoleOrder has a state of every shape the graph draws: Choice rules and Default, a Parallel with a
// caught failure in a branch, a Map.
const consoleOrder = `{
  "Comment": "An order: a Choice, a Parallel with a caught failure, a Map",
  "StartAt": "Validate",
  "States": {
    "Validate": {"Type": "Pass", "Next": "Priority?"},
    "Priority?": {"Type": "Choice", "Choices": [{"Variable": "$.priority", "StringEquals": "high", "Next": "Express lane"}], "Default": "Queue"},
    "Express lane": {"Type": "Pass", "Next": "Fan out"},
    "Queue": {"Type": "Wait", "Seconds": 1, "Next": "Fan out"},
    "Fan out": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Charge", "States": {"Charge": {"Type": "Pass", "Next": "Receipt"}, "Receipt": {"Type": "Pass", "End": true}}},
        {"StartAt": "Reserve", "States": {"Reserve": {"Type": "Pass", "Next": "In stock?"},
          "In stock?": {"Type": "Choice", "Choices": [{"Variable": "$.outOfStock", "BooleanEquals": true, "Next": "Out of stock"}], "Default": "Reserved"},
          "Out of stock": {"Type": "Fail", "Error": "Stock.Empty", "Cause": "no item left"},
          "Reserved": {"Type": "Succeed"}}}
      ],
      "ResultPath": "$.fanOut",
      "Catch": [{"ErrorEquals": ["Stock.Empty"], "ResultPath": "$.error", "Next": "Refund"}],
      "Next": "Ship each"
    },
    "Refund": {"Type": "Pass", "Next": "Cancelled"},
    "Cancelled": {"Type": "Fail", "Error": "Order.Cancelled", "Cause": "the order could not be filled"},
    "Ship each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.shipped", "Next": "Done",
      "ItemProcessor": {"StartAt": "Pack", "States": {"Pack": {"Type": "Pass", "Next": "Label"}, "Label": {"Type": "Pass", "End": true}}}},
    "Done": {"Type": "Succeed"}
  }
}`

var consoleOrderStates = []string{"Validate", "Priority?", "Express lane", "Queue", "Fan out", "Charge", "Receipt", "Reserve",
	"In stock?", "Out of stock", "Reserved", "Refund", "Cancelled", "Ship each", "Pack", "Label", "Done"}

// chromium is the browser's path. Without one the test is skipped, loudly, except under CI=true.
func chromium(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal("chromium is needed under CI (apt-get install chromium): the console's browser test cannot run")
	}
	t.Skip("!!! no chromium on this machine (apt-get install chromium): the console's browser test did NOT run !!!")
	return ""
}

func TestConsoleInBrowser(t *testing.T) {
	browser := chromium(t)
	base, _ := startServe(t, "--memory")
	ctx := context.Background()
	client := sdkClient(base)
	order, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("order"),
		Definition: aws.String(consoleOrder), RoleArn: aws.String("arn:aws:iam::123456789012:role/console")})
	require.NoError(t, err)
	act, err := client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("approve")})
	require.NoError(t, err)
	_, err = client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("approval"), RoleArn: aws.String("arn:aws:iam::123456789012:role/console"),
		Definition: aws.String(`{"StartAt":"Approve","States":{"Approve":{"Type":"Task","Resource":"` + aws.ToString(act.ActivityArn) + `","Next":"Ship"},"Ship":{"Type":"Pass","End":true}}}`)})
	require.NoError(t, err)
	quick, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("quick"), RoleArn: aws.String("arn:aws:iam::123456789012:role/console"),
		Type: "EXPRESS", Definition: aws.String(`{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('hi {}', $.who)"},"End":true}}}`)})
	require.NoError(t, err)
	ask, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("ask"), RoleArn: aws.String("arn:aws:iam::123456789012:role/console"),
		Definition: aws.String(`{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			"Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/asks","MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}`)})
	require.NoError(t, err)
	failed, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: order.StateMachineArn, Name: aws.String("out-of-stock"),
		Input: aws.String(`{"priority":"high","outOfStock":true,"items":[]}`)})
	require.NoError(t, err)

	page := newPage(t, browser)
	shots := screenshots(t)

	t.Run("the machines", func(t *testing.T) {
		require.NoError(t, chromedp.Do(page,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(css(`a.machine-link`)),
			chromedp.WaitVisible(css(`td.latest .badge`)),
			shots.take("console-machines.png", 400)))
		names, err := chromedp.Run(page, chromedp.Evaluate[[]string](`[...document.querySelectorAll('a.machine-link')].map(a => a.textContent)`))
		require.NoError(t, err)
		assert.Equal(t, []string{"approval", "ask", "order", "quick"}, names)
	})

	t.Run("a machine's graph", func(t *testing.T) {
		require.NoError(t, chromedp.Do(page,
			chromedp.Click(`//a[@class="machine-link"][text()="order"]`),
			chromedp.WaitVisible(css(`svg.graph g.state`)),
			shots.take("console-machine.png", 1480)))
		states, err := chromedp.Run(page, chromedp.Evaluate[[]string](`[...document.querySelectorAll('svg.graph g.state')].map(g => g.dataset.name)`))
		require.NoError(t, err)
		assert.ElementsMatch(t, consoleOrderStates, states, "a node per state")
		assert.Equal(t, "Stock.Empty", text(t, page, `svg.graph .edge-label.kind-catch text`))
	})

	t.Run("a failed execution", func(t *testing.T) {
		require.NoError(t, chromedp.Do(page,
			chromedp.Navigate(base+"/#/execution/"+url.PathEscape(aws.ToString(failed.ExecutionArn))),
			chromedp.WaitVisible(css(`h1 .badge.st-failed`)),
			chromedp.WaitVisible(css(`svg.graph g.state.st-failed[data-name="Cancelled"]`)),
			shots.take("console-execution.png", 1580)))
		failure := text(t, page, `.failure`)
		assert.Contains(t, failure, "Order.Cancelled")
		assert.Contains(t, failure, "the order could not be filled")
		assert.Contains(t, attribute(t, page, `svg.graph g.state[data-name="Fan out"]`, "class"), "st-caught")
		assert.Equal(t, "Fan out (Parallel): caught", text(t, page, `svg.graph g.state[data-name="Fan out"] > title`), "not by colour only")
		assert.Contains(t, attribute(t, page, `svg.graph g.state[data-name="Out of stock"]`, "class"), "st-failed")
		assert.NotContains(t, attribute(t, page, `svg.graph g.state[data-name="Queue"]`, "class"), "st-", "a state not run is not coloured")
	})

	t.Run("start one, answer its task, watch it finish", func(t *testing.T) {
		require.NoError(t, chromedp.Do(page,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(css(`a.machine-link`)),
			chromedp.Click(`//a[@class="machine-link"][text()="approval"]`),
			chromedp.WaitVisible(css(`#exec-input`)),
			// The input is checked as it is typed.
			chromedp.SetValue(css(`#exec-input`), `{"order"`),
			chromedp.SendKeys(css(`#exec-input`), `:`)))
		assert.Contains(t, text(t, page, `#exec-input-hint`), "Not valid JSON")
		disabled, err := chromedp.Run(page, chromedp.Evaluate[bool](`document.querySelector('form.start button[type=submit]').disabled`))
		require.NoError(t, err)
		assert.True(t, disabled, "an input that is no JSON cannot be started")
		require.NoError(t, chromedp.Do(page,
			chromedp.SendKeys(css(`#exec-input`), ` 17}`),
			chromedp.Click(css(`form.start button[type=submit]`)),
			// It waits for a worker: the page offers to be one.
			chromedp.WaitVisible(css(`svg.graph g.state.st-running[data-name="Approve"]`)),
			chromedp.WaitVisible(css(`section.task button`)),
			shots.take("console-task.png", 1000),
			chromedp.Click(css(`section.task button`)),
			chromedp.WaitVisible(css(`section.task textarea`)),
			chromedp.SetValue(css(`section.task textarea`), `{"approved": true}`),
			chromedp.Click(css(`section.task button.primary`)),
			chromedp.WaitVisible(css(`h1 .badge.st-succeeded`)),
			chromedp.WaitVisible(css(`svg.graph g.state.st-succeeded[data-name="Ship"]`)),
			chromedp.WaitVisible(css(`svg.graph g.state.st-succeeded[data-name="Approve"]`)),
			// Each state's input is there, as JSON, once opened.
			chromedp.Click(css(`table.events tr[data-type="TaskStateEntered"] summary`))))
		rows, err := chromedp.Run(page, chromedp.Evaluate[int](`document.querySelectorAll('table.events tbody tr').length`))
		require.NoError(t, err)
		assert.GreaterOrEqual(t, rows, 8)
		assert.Equal(t, "ExecutionSucceeded", text(t, page, `table.events tbody tr:last-child td:nth-child(2)`))
		assert.Contains(t, text(t, page, `table.events tr[data-type="TaskStateEntered"] .json`), `"order": 17`)
	})

	t.Run("answer a task token with a failure", func(t *testing.T) {
		asked, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: ask.StateMachineArn, Name: aws.String("asked"), Input: aws.String(`{}`)})
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(page,
			chromedp.Navigate(base+"/#/execution/"+url.PathEscape(aws.ToString(asked.ExecutionArn))),
			chromedp.WaitVisible(css(`section.task button.danger`)),
			chromedp.SetValue(css(`section.task input[id^=task-error]`), `Order.Denied`),
			chromedp.SetValue(css(`section.task input[id^=task-cause]`), `no, thanks`),
			chromedp.Click(css(`section.task button.danger`)),
			chromedp.WaitVisible(css(`h1 .badge.st-failed`)),
			chromedp.WaitVisible(css(`svg.graph g.state.st-failed[data-name="Ask"]`))))
		failure := text(t, page, `.failure`)
		assert.Contains(t, failure, "Order.Denied")
		assert.Contains(t, failure, "no, thanks")
	})

	t.Run("an Express execution runs synchronously", func(t *testing.T) {
		require.NoError(t, chromedp.Do(page,
			chromedp.Navigate(base+"/#/machine/"+url.PathEscape(aws.ToString(quick.StateMachineArn))),
			chromedp.WaitVisible(css(`#exec-input`)),
			chromedp.SetValue(css(`#exec-input`), `{"who": "you"}`),
			chromedp.Click(css(`form.start button[type=submit]`)),
			chromedp.WaitVisible(css(`.sync-result .badge.st-succeeded`))))
		assert.Contains(t, text(t, page, `.sync-result .json`), `"hi you"`)
	})

	t.Run("an API error shows in the page", func(t *testing.T) {
		missing := strings.Replace(aws.ToString(failed.ExecutionArn), "out-of-stock", "missing", 1)
		require.NoError(t, chromedp.Do(page,
			chromedp.Navigate(base+"/#/execution/"+url.PathEscape(missing)),
			chromedp.WaitVisible(css(`.error`))))
		assert.Contains(t, text(t, page, `.error`), "ExecutionDoesNotExist")
	})
}

// newPage starts a headless chromium with a fresh profile and returns its tab, closed when the test ends.
func newPage(t *testing.T, browser string) context.Context {
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	t.Cleanup(cancel)
	page, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The browser starts with the first action: the timeout goes on a context derived after it.
	require.NoError(t, chromedp.Do(page, chromedp.Navigate("about:blank")))
	page, cancel = context.WithTimeout(page, 60*time.Second)
	t.Cleanup(cancel)
	return page
}

// TestConsoleInBrowserWithToken: under --auth sigv4, the address serve prints opens the console, whose
// API calls and event stream carry its token; without it the page says what to do.
func TestConsoleInBrowserWithToken(t *testing.T) {
	browser := chromium(t)
	base, out, _ := startServeOutput(t, "--memory", "--auth", "sigv4", "--auth-credentials", "AKIDEXAMPLE:secret")
	var address []string
	require.Eventually(t, func() bool {
		address = consoleAt.FindStringSubmatch(out.String())
		return address != nil
	}, 5*time.Second, 5*time.Millisecond)
	ctx := context.Background()
	client := sdkClient(base) // signs with AKIDEXAMPLE
	m, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("signed"), RoleArn: aws.String("arn:aws:iam::123456789012:role/console"),
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)})
	require.NoError(t, err)
	ex, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: m.StateMachineArn, Name: aws.String("one")})
	require.NoError(t, err)
	page := newPage(t, browser)

	require.NoError(t, chromedp.Do(page,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`.error`))))
	assert.Contains(t, text(t, page, `.error`), "MissingAuthenticationTokenException")
	assert.Contains(t, text(t, page, `.error`), "the address aslrun serve printed")

	require.NoError(t, chromedp.Do(page,
		chromedp.Navigate(address[1]),
		chromedp.WaitVisible(css(`a.machine-link`)),
		chromedp.Navigate(base+"/#/execution/"+url.PathEscape(aws.ToString(ex.ExecutionArn))),
		chromedp.WaitVisible(css(`table.events tr[data-type="ExecutionSucceeded"]`)),
		chromedp.WaitVisible(css(`svg.graph g.state.st-succeeded[data-name="P"]`))))
	location, err := chromedp.Run(page, chromedp.Evaluate[string](`location.href`))
	require.NoError(t, err)
	assert.NotContains(t, location, "token=", "the token does not stay in the address bar")
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

func text(t *testing.T, page context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(page, chromedp.TextContent(css(sel)))
	require.NoError(t, err, sel)
	return v
}

func attribute(t *testing.T, page context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(page, chromedp.AttributeValue(css(sel), name))
	require.NoError(t, err, sel)
	return v.Value
}

// shooter writes screenshots into docs/ when asked to.
type shooter struct{ dir string }

func screenshots(t *testing.T) shooter {
	if os.Getenv("ASLRUN_CONSOLE_SCREENSHOTS") == "" {
		return shooter{}
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "docs"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return shooter{dir: dir}
}

// take is an action that saves the page's top, height pixels of it (the whole page for 0), as name.
func (s shooter) take(name string, height int64) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var none chromedp.Void
		if s.dir == "" {
			return none, nil
		}
		shot := chromedp.FullScreenshot(100)
		if height > 0 {
			if _, err := chromedp.EmulateViewport(1280, height)(ctx, t); err != nil {
				return none, err
			}
			defer chromedp.ResetViewport()(ctx, t)
			shot = chromedp.CaptureScreenshot()
		}
		png, err := shot(ctx, t)
		if err != nil {
			return none, fmt.Errorf("screenshot %s: %w", name, err)
		}
		return none, os.WriteFile(filepath.Join(s.dir, name), png, 0o644)
	}
}

var consoleAt = regexp.MustCompile(`console at (http://\S+)`)

// TestServeConsoleAddress: serve says where the console is; under --auth sigv4 the address carries the
// token the console needs, and only that token opens its endpoints.
func TestServeConsoleAddress(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		token bool
	}{
		{"no authentication", []string{"--memory"}, false},
		{"signatures", []string{"--memory", "--auth", "sigv4", "--auth-credentials", "AKID:secret"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, out, _ := startServeOutput(t, tt.args...)
			var m []string
			require.Eventually(t, func() bool {
				m = consoleAt.FindStringSubmatch(out.String())
				return m != nil
			}, 5*time.Second, 5*time.Millisecond, out.String())
			assert.True(t, strings.HasPrefix(m[1], base+"/"), m[1])
			u, err := url.Parse(m[1])
			require.NoError(t, err)
			token := u.Query().Get("token")
			assert.Equal(t, tt.token, token != "", m[1])

			status := func(path string) int {
				res, err := http.Get(base + path)
				require.NoError(t, err)
				defer res.Body.Close()
				return res.StatusCode
			}
			graph := "/console/api/graph?arn=arn:aws:states:us-east-1:123456789012:stateMachine:none"
			assert.Equal(t, 200, status("/"), "the page")
			// Past the token, the machine does not exist.
			assert.Equal(t, 400, status(graph+"&token="+token))
			if tt.token {
				assert.Equal(t, 403, status(graph), "without the token")
				assert.Equal(t, 403, status(graph+"&token=x"+token), "with another")
			}
		})
	}
}

// TestServeShutdownEndsEventStreams: a console following an execution that waits does not hold serve's
// shutdown for its grace period.
func TestServeShutdownEndsEventStreams(t *testing.T) {
	base, stop := startServe(t, "--memory")
	ctx := context.Background()
	client := sdkClient(base)
	act, err := client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("never")})
	require.NoError(t, err)
	m, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("waits"), RoleArn: aws.String("arn:aws:iam::123456789012:role/console"),
		Definition: aws.String(`{"StartAt":"W","States":{"W":{"Type":"Task","Resource":"` + aws.ToString(act.ActivityArn) + `","End":true}}}`)})
	require.NoError(t, err)
	ex, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: m.StateMachineArn})
	require.NoError(t, err)

	res, err := http.Get(base + "/console/api/events?arn=" + url.QueryEscape(aws.ToString(ex.ExecutionArn)))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	first := make([]byte, 16)
	_, err = res.Body.Read(first)
	require.NoError(t, err, "the stream has begun")

	start := time.Now()
	err, _ = stop()
	require.NoError(t, err)
	assert.Less(t, time.Since(start), shutdownGrace/2, "the stream ended with the shutdown")
}
