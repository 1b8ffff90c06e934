package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README test runs every command README.md shows, so that the README stays true. The convention,
// which README.md's "About the examples" section states for its readers:
//
//   - Commands are the lines starting with "$ " inside ```sh fences. The lines after one, up to the next
//     "$ " line or the fence's end, are its output as a terminal shows it (stdout and stderr interleaved,
//     unless redirected with >/dev/null, 2>/dev/null or 2>&1). No lines shown: the output is not checked.
//   - Output is compared line by line, trailing spaces ignored, after masking UUIDs as <uuid> and RFC 3339
//     times as <time> on both sides. A line "..." stands for any number of lines, "..." inside a line for
//     any text; without them the output must match whole.
//   - "$ aslrun ARGS" and "$ go run ./cmd/aslrun ARGS" run the CLI in-process (run), from the repository
//     root; "$ head -n N FILE" prints a file's first lines. A path starting with /tmp/ is a file in a
//     temporary directory of the test.
//   - A trailing "# exit N" says the command exits N (default 0). A trailing "# background" starts
//     "aslrun serve ..." as a server process of its own, on a free port that then stands in for
//     127.0.0.1:8083 in the commands after it. "$ aws ..." runs the aws CLI against it (with placeholder
//     credentials; outside CI a machine without the aws CLI skips those), "$ curl -s URL" is a GET,
//     "$ go install ./cmd/aslrun" installs into a temporary directory. A trailing "# not run: REASON"
//     marks a command the test does not run (only "go test ./...", the test suite itself).

// readmeCommand is one command of README.md with what it must print.
type readmeCommand struct {
	line   int // README.md's line number of the command, for messages
	text   string
	args   []string
	exit   int
	notRun string // the reason it is not run, or ""
	// background: a server started for the commands after it.
	background bool
	output     []string
}

func TestREADMECommands(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	cmds, err := readmeCommands(string(readme))
	require.NoError(t, err)
	require.NotEmpty(t, cmds, "README.md shows no commands in ```sh blocks")

	t.Chdir(root)
	tmp := t.TempDir()
	ran := 0
	server := "" // the address of the server a "# background" command started
	for _, c := range cmds {
		if c.notRun != "" {
			t.Logf("README.md:%d not run (%s): %s", c.line, c.notRun, c.text)
			assert.Equal(t, []string{"go", "test", "./..."}, c.args, "README.md:%d: only go test ./... may be marked not run: %s", c.line, c.text)
			continue
		}
		ran++
		if c.background {
			cli, ok := cliArgs(c.args)
			require.True(t, ok && first(cli) == "serve", "README.md:%d: only aslrun serve runs in the background: %s", c.line, c.text)
			_, url := serverProcess(t, cli[1:]...)
			server = strings.TrimPrefix(url, "http://")
			continue
		}
		args := c.args
		if server != "" {
			args = make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "127.0.0.1:8083", server)
			}
		}
		t.Run(fmt.Sprintf("line %d", c.line), func(t *testing.T) {
			code, out, err := runREADMECommand(t, args, tmp)
			require.NoError(t, err, "README.md:%d: %s", c.line, c.text)
			assert.Equal(t, c.exit, code, "README.md:%d: %s\nexit status %d where the README says %d; it printed:\n%s", c.line, c.text, code, c.exit, out)
			if len(c.output) > 0 && !outputMatches(c.output, out) {
				// The diff of the masked texts shows where they part; "..." lines show up in it as such.
				assert.Equal(t, mask(strings.Join(c.output, "\n")), mask(strings.TrimRight(out, "\n")),
					"README.md:%d: %s prints other than the README shows", c.line, c.text)
			}
		})
	}
	t.Logf("ran %d of README.md's %d commands", ran, len(cmds))
}

// runREADMECommand runs one command's words as a terminal would show its output.
func runREADMECommand(t *testing.T, words []string, tmp string) (int, string, error) {
	var shown lockedBuffer
	fds := [3]io.Writer{nil, &shown, &shown}
	var args []string
	for _, w := range words {
		switch w {
		case ">/dev/null", "1>/dev/null":
			fds[1] = io.Discard
		case "2>/dev/null":
			fds[2] = io.Discard
		case "2>&1":
			fds[2] = fds[1]
		default:
			if strings.HasPrefix(w, "/tmp/") {
				w = filepath.Join(tmp, w[len("/tmp/"):])
			}
			args = append(args, w)
		}
	}
	if cli, ok := cliArgs(args); ok {
		code := run(cli, strings.NewReader(""), fds[1], fds[2])
		return code, shown.String(), nil
	}
	if len(args) == 4 && args[0] == "head" && args[1] == "-n" {
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return 0, "", err
		}
		b, err := os.ReadFile(args[3])
		if err != nil {
			return 0, "", err
		}
		lines := strings.SplitAfter(string(b), "\n")
		return 0, strings.Join(lines[:min(n, len(lines))], ""), nil
	}
	switch {
	case first(args) == "aws":
		if _, err := exec.LookPath("aws"); err != nil {
			if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
				return 0, "", fmt.Errorf("the aws CLI is needed under CI: %w", err)
			}
			t.Skip("!!! no aws CLI on this machine: the README's aws commands did NOT run !!!")
		}
		cmd := exec.Command("aws", args[1:]...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=readme", "AWS_SECRET_ACCESS_KEY=readme",
			"AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		cmd.Stdout, cmd.Stderr = fds[1], fds[2]
		return exitOf(cmd.Run()), shown.String(), nil
	case len(args) == 3 && args[0] == "curl" && args[1] == "-s":
		resp, err := http.Get(args[2])
		if err != nil {
			return 7, "", nil // curl's "failed to connect"
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return 0, string(body), err
	case len(args) == 3 && args[0] == "go" && args[1] == "install":
		cmd := exec.Command("go", "install", args[2])
		cmd.Env = append(os.Environ(), "GOBIN="+tmp)
		cmd.Stdout, cmd.Stderr = fds[1], fds[2]
		return exitOf(cmd.Run()), shown.String(), nil
	}
	return 0, "", fmt.Errorf("the README test runs only aslrun, go run ./cmd/aslrun, aws, curl -s URL, go install and head -n N FILE; mark others \"# not run: REASON\"")
}

// exitOf is a finished command's exit status; -1 when it could not be run.
func exitOf(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	return -1
}

// cliArgs returns the CLI's arguments of "aslrun ARGS" or "go run ./cmd/aslrun ARGS".
func cliArgs(words []string) ([]string, bool) {
	switch {
	case len(words) >= 1 && words[0] == "aslrun":
		return words[1:], true
	case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/aslrun":
		return words[3:], true
	}
	return nil, false
}

func first(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[0]
}

// lockedBuffer is the terminal both of a command's streams may write to, from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// readmeCommands extracts the commands of a README. A line that looks like a command outside a ```sh
// fence is an error, so that no command escapes the test by being written another way.
func readmeCommands(readme string) ([]readmeCommand, error) {
	var cmds []readmeCommand
	var fence string // the fence's info string while inside one
	inFence := false
	indent := 0
	last := -1 // the command of the open fence whose output the lines are, or -1
	for i, raw := range strings.Split(readme, "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(raw)
		if strings.HasPrefix(trimmed, "```") {
			if !inFence {
				inFence, fence = true, strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
				indent = len(raw) - len(strings.TrimLeft(raw, " "))
			} else {
				inFence = false
			}
			last = -1
			continue
		}
		if !inFence {
			if strings.HasPrefix(raw, "    ") && looksLikeCommand(trimmed) {
				return nil, fmt.Errorf("README.md:%d: a command outside a ```sh fence: %s", n, trimmed)
			}
			continue
		}
		line := strings.TrimRight(raw, " \t")
		line = line[min(indent, len(line)-len(strings.TrimLeft(line, " "))):]
		if !strings.HasPrefix(line, "$ ") {
			if last >= 0 {
				cmds[last].output = append(cmds[last].output, line)
			}
			continue
		}
		if fence != "sh" {
			return nil, fmt.Errorf("README.md:%d: a command in a ```%s fence, not ```sh: %s", n, fence, line)
		}
		c, err := parseCommand(n, line[2:])
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
		last = len(cmds) - 1
	}
	if inFence {
		return nil, errors.New("README.md: a fence is not closed")
	}
	for i := range cmds {
		out := cmds[i].output
		for len(out) > 0 && out[len(out)-1] == "" {
			out = out[:len(out)-1]
		}
		cmds[i].output = out
	}
	return cmds, nil
}

func looksLikeCommand(s string) bool {
	return strings.HasPrefix(s, "$ ") || strings.HasPrefix(s, "aslrun ") || strings.HasPrefix(s, "go run ")
}

// parseCommand splits a command line as sh does for the quoting the README uses ('...', "...", \) and
// reads its trailing comment.
func parseCommand(line int, text string) (readmeCommand, error) {
	c := readmeCommand{line: line, text: text}
	words, comment, err := shellWords(text)
	if err != nil {
		return c, fmt.Errorf("README.md:%d: %v: %s", line, err, text)
	}
	c.args = words
	switch {
	case comment == "":
	case strings.HasPrefix(comment, "exit "):
		if c.exit, err = strconv.Atoi(strings.TrimPrefix(comment, "exit ")); err != nil {
			return c, fmt.Errorf("README.md:%d: %q: # exit N takes a number", line, comment)
		}
	case strings.HasPrefix(comment, "not run: ") && len(comment) > len("not run: "):
		c.notRun = strings.TrimPrefix(comment, "not run: ")
	case comment == "background":
		c.background = true
	default:
		return c, fmt.Errorf("README.md:%d: unknown comment %q (# exit N, # background, # not run: REASON)", line, comment)
	}
	return c, nil
}

// shellWords splits text into words and returns the comment after an unquoted " #", without the "#".
func shellWords(text string) ([]string, string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case ch == ' ' || ch == '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case ch == '#' && !inWord:
			return words, strings.TrimSpace(text[i+1:]), nil
		case ch == '\'':
			end := strings.IndexByte(text[i+1:], '\'')
			if end < 0 {
				return nil, "", errors.New("unclosed '")
			}
			w.WriteString(text[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case ch == '"':
			j := i + 1
			for ; j < len(text) && text[j] != '"'; j++ {
				if text[j] == '\\' && j+1 < len(text) && strings.IndexByte(`"\$`+"`", text[j+1]) >= 0 {
					j++
				}
				w.WriteByte(text[j])
			}
			if j == len(text) {
				return nil, "", errors.New(`unclosed "`)
			}
			i = j
			inWord = true
		case ch == '\\':
			if i+1 == len(text) {
				return nil, "", errors.New("continued lines are not supported")
			}
			i++
			w.WriteByte(text[i])
			inWord = true
		default:
			w.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, "", nil
}

var (
	uuidPattern = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	timePattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
)

// mask replaces what changes from run to run.
func mask(s string) string {
	return timePattern.ReplaceAllString(uuidPattern.ReplaceAllString(s, "<uuid>"), "<time>")
}

// outputMatches reports whether a command's output matches the lines the README shows.
func outputMatches(shown []string, output string) bool {
	got := strings.Split(strings.TrimRight(output, "\n"), "\n")
	for i := range got {
		got[i] = mask(strings.TrimRight(got[i], " \t"))
	}
	want := make([]*regexp.Regexp, len(shown))
	for i, s := range shown {
		if strings.TrimSpace(s) == "..." {
			continue // nil: any number of lines
		}
		parts := strings.Split(mask(strings.TrimRight(s, " \t")), "...")
		for j := range parts {
			parts[j] = regexp.QuoteMeta(parts[j])
		}
		want[i] = regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
	}
	// match[i][j]: want[i:] matches got[j:].
	match := make([][]bool, len(want)+1)
	for i := range match {
		match[i] = make([]bool, len(got)+1)
	}
	match[len(want)][len(got)] = true
	for i := len(want) - 1; i >= 0; i-- {
		for j := len(got); j >= 0; j-- {
			if want[i] == nil {
				match[i][j] = match[i+1][j] || (j < len(got) && match[i][j+1])
			} else {
				match[i][j] = j < len(got) && want[i].MatchString(got[j]) && match[i+1][j+1]
			}
		}
	}
	return match[0][0]
}

func TestShellWords(t *testing.T) {
	tests := []struct {
		text    string
		words   []string
		comment string
		err     bool
	}{
		{"aslrun lint a.json", []string{"aslrun", "lint", "a.json"}, "", false},
		{`aslrun execute x --input '{"name":"world"}'`, []string{"aslrun", "execute", "x", "--input", `{"name":"world"}`}, "", false},
		{`echo "a \"b\" c" d\ e`, []string{"echo", `a "b" c`, "d e"}, "", false},
		{"aslrun serve   # not run: starts a server", []string{"aslrun", "serve"}, "not run: starts a server", false},
		{"aslrun x a#b # exit 1", []string{"aslrun", "x", "a#b"}, "exit 1", false},
		{"aslrun 'open", nil, "", true},
		{`aslrun "open`, nil, "", true},
		{`aslrun \`, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			words, comment, err := shellWords(tt.text)
			if tt.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.words, words)
			assert.Equal(t, tt.comment, comment)
		})
	}
}

func TestOutputMatches(t *testing.T) {
	tests := []struct {
		name   string
		shown  []string
		output string
		match  bool
	}{
		{"whole", []string{"a", "b"}, "a\nb\n", true},
		{"trailing spaces", []string{"a  ", "b"}, "a\nb   \n\n", true},
		{"a line missing", []string{"a"}, "a\nb\n", false},
		{"a line more", []string{"a", "b", "c"}, "a\nb\n", false},
		{"other text", []string{"quantity 50"}, "quantity 450", false},
		{"any lines", []string{"a", "...", "d"}, "a\nb\nc\nd", true},
		{"no lines", []string{"a", "...", "b"}, "a\nb", true},
		{"order kept", []string{"...", "c", "...", "b"}, "a\nb\nc", false},
		{"any text", []string{`{"id":"...","ok":true}`}, `{"id":"x1","ok":true}`, true},
		{"any text, rest exact", []string{`{"id":"...","ok":true}`}, `{"id":"x1","ok":false}`, false},
		{"uuid", []string{"execution 1ad5f806-3752-42d4-8875-3bffd6d912fa FAILED"}, "execution 306656a6-8d86-441b-a5ee-979952b89300 FAILED", true},
		{"time", []string{`"startDate":"2026-12-07T09:10:38.848Z"`}, `"startDate":"2027-01-01T00:00:00Z"`, true},
		{"regexp characters are text", []string{"a.c (x)"}, "abc (x)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.match, outputMatches(tt.shown, tt.output))
		})
	}
}

func TestExtractREADMECommands(t *testing.T) {
	tests := []struct {
		name   string
		readme string
		want   []readmeCommand
		err    string
	}{
		{"commands with output and comments", "text\n```sh\n$ aslrun lint x   # exit 1\nout 1\n\n$ aslrun serve   # not run: a server\n```\n",
			[]readmeCommand{
				{line: 3, text: "aslrun lint x   # exit 1", args: []string{"aslrun", "lint", "x"}, exit: 1, output: []string{"out 1"}},
				{line: 6, text: "aslrun serve   # not run: a server", args: []string{"aslrun", "serve"}, notRun: "a server"},
			}, ""},
		{"indented fence in a list", "- item\n\n  ```sh\n  $ aslrun a\n    b\n  ```\n",
			[]readmeCommand{{line: 4, text: "aslrun a", args: []string{"aslrun", "a"}, output: []string{"  b"}}}, ""},
		{"other fences are not output", "```sh\n$ aslrun a\n```\n```json\n{}\n```\n",
			[]readmeCommand{{line: 2, text: "aslrun a", args: []string{"aslrun", "a"}}}, ""},
		{"command in a json fence", "```json\n$ aslrun a\n```\n", nil, "not ```sh"},
		{"indented command", "text\n\n    go run ./cmd/aslrun lint x\n", nil, "outside a ```sh fence"},
		{"unknown comment", "```sh\n$ aslrun a # maybe\n```\n", nil, "unknown comment"},
		{"bad exit", "```sh\n$ aslrun a # exit one\n```\n", nil, "# exit N"},
		{"no reason", "```sh\n$ aslrun a # not run: \n```\n", nil, "unknown comment"},
		{"open fence", "```sh\n$ aslrun a\n", nil, "not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readmeCommands(tt.readme)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRunREADMECommandRedirections(t *testing.T) {
	tmp := t.TempDir()
	write(t, tmp, "bad.asl.json", `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}`)
	const def = "/tmp/bad.asl.json" // a file in tmp
	tests := []struct {
		name   string
		words  []string
		code   int
		output []string
		err    bool
	}{
		{"both streams", []string{"aslrun", "lint", def}, 1, []string{"...error MISSING_END_STATE...", "...", "2 errors, 0 warnings in 1 file"}, false},
		{"stdout only", []string{"aslrun", "lint", def, "2>/dev/null"}, 1, []string{"...error MISSING_END_STATE...", "...error MISSING_TRANSITION_TARGET..."}, false},
		{"stderr only", []string{"go", "run", "./cmd/aslrun", "lint", def, "2>&1", ">/dev/null"}, 1, []string{"2 errors, 0 warnings in 1 file"}, false},
		{"head", []string{"head", "-n", "1", def}, 0, []string{`{"StartAt": "A", ...`}, false},
		{"other programs", []string{"cat", def}, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, err := runREADMECommand(t, tt.words, tmp)
			if tt.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.code, code)
			assert.True(t, outputMatches(tt.output, out), out)
		})
	}
}
