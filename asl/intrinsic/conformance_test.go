package intrinsic

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/internal/valuetest"
)

// casesDir holds the executions recorded on AWS (see its README).
const casesDir = "../../conformance/testdata/aws"

type recordedCase struct {
	Name       string `json:"name"`
	Definition struct {
		States map[string]struct {
			Type       string         `json:"Type"`
			Parameters map[string]any `json:"Parameters"`
		} `json:"States"`
	} `json:"definition"`
	Input  json.RawMessage `json:"input"`
	Expect struct {
		Status string            `json:"status"`
		Output json.RawMessage   `json:"output"`
		Ignore []string          `json:"ignore"`
		Regex  map[string]string `json:"regex"`
		Error  *string           `json:"error"`
		Cause  *string           `json:"cause"`
	} `json:"expect"`
}

// statePrefix is what the interpreter puts before an intrinsic's cause.
var statePrefix = regexp.MustCompile(`^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. `)

// TestRecordedIntrinsics runs every recorded case whose definition is one Pass state whose Parameters
// only hold "X.$": "States...." entries: the output is {X: the call's value}.
func TestRecordedIntrinsics(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(casesDir, "intrinsics", "*.json"))
	if len(files) == 0 {
		t.Fatal("no recorded cases at " + casesDir)
	}
	ran, passed := 0, 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		var c recordedCase
		require.NoError(t, json.Unmarshal(data, &c))
		calls := runnable(c)
		if calls == nil {
			t.Logf("%s: not a single Pass state of intrinsics, skipped", c.Name)
			continue
		}
		ran++
		if t.Run(filepath.Base(file), func(t *testing.T) {
			for _, f := range valuetest.Forms() {
				t.Run(f.Name, func(t *testing.T) { checkRecorded(t, c, calls, f) })
			}
		}) {
			passed++
		}
	}
	t.Logf("recorded intrinsics cases: %d files, %d runnable, %d passed", len(files), ran, passed)
}

// runnable returns the calls of the case by output key, or nil.
func runnable(c recordedCase) map[string]string {
	if len(c.Definition.States) != 1 {
		return nil
	}
	calls := map[string]string{}
	for _, st := range c.Definition.States {
		if st.Type != "Pass" || len(st.Parameters) == 0 {
			return nil
		}
		for k, v := range st.Parameters {
			s, ok := v.(string)
			if !strings.HasSuffix(k, ".$") || !ok || !IsCall(s) {
				return nil
			}
			calls[strings.TrimSuffix(k, ".$")] = s
		}
	}
	return calls
}

func checkRecorded(t *testing.T, c recordedCase, calls map[string]string, f valuetest.Form) {
	input, err := oj.Parse(c.Input)
	require.NoError(t, err)
	env := formEnv(f, input)
	out := map[string]any{}
	var failed error
	for key, src := range calls {
		call, err := Parse(src)
		require.NoError(t, err, src)
		v, err := call.Eval(env)
		if err != nil {
			failed = err
			break
		}
		out[key] = back(f, v)
	}
	if c.Expect.Status == "FAILED" {
		var f *failure.Error
		require.True(t, errors.As(failed, &f), "expected a failure, got %v", failed)
		if c.Expect.Error != nil {
			assert.Equal(t, *c.Expect.Error, f.Name)
		}
		if c.Expect.Cause != nil {
			assert.Equal(t, statePrefix.ReplaceAllString(*c.Expect.Cause, ""), f.Cause)
		}
		return
	}
	require.Equal(t, "SUCCEEDED", c.Expect.Status)
	require.NoError(t, failed)
	want, err := oj.Parse(c.Expect.Output)
	require.NoError(t, err)
	ignore := map[string]bool{}
	for _, p := range c.Expect.Ignore {
		ignore[p] = true
	}
	for _, problem := range compareJSON("$", want, out, ignore, c.Expect.Regex) {
		t.Error(problem)
	}
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// compareJSON lists the differences of got from want as the README defines them: numbers numerically,
// key order ignored, ignored paths skipped, regex paths matched in full.
func compareJSON(path string, want, got any, ignore map[string]bool, regex map[string]string) []string {
	if ignore[path] {
		return nil
	}
	if pattern, ok := regex[path]; ok {
		s, isString := got.(string)
		if !isString || !regexp.MustCompile(`^(?:`+pattern+`)$`).MatchString(s) {
			return []string{fmt.Sprintf("%s: %#v does not match %s", path, got, pattern)}
		}
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %#v", path, got)}
		}
		var problems []string
		for k := range g {
			if _, ok := w[k]; !ok {
				problems = append(problems, fmt.Sprintf("%s: unexpected key %q", path, k))
			}
		}
		for k, wv := range w {
			sub := path + `["` + k + `"]`
			if identifier.MatchString(k) {
				sub = path + "." + k
			}
			gv, ok := g[k]
			if !ok && !ignore[sub] {
				problems = append(problems, fmt.Sprintf("%s: missing", sub))
				continue
			}
			problems = append(problems, compareJSON(sub, wv, gv, ignore, regex)...)
		}
		return problems
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %s, got %s", path, oj.JSON(w), oj.JSON(got))}
		}
		var problems []string
		for i := range w {
			problems = append(problems, compareJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], ignore, regex)...)
		}
		return problems
	}
	wn, wNum := toNumber(want)
	gn, gNum := toNumber(got)
	if wNum && gNum && numericValue(wn) == numericValue(gn) || !wNum && !gNum && want == got {
		return nil
	}
	return []string{fmt.Sprintf("%s: want %s, got %s", path, oj.JSON(want), oj.JSON(got))}
}

func numericValue(n num) float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

// TestCorpusExpressions parses every intrinsic call found under a ".$" key, or in ErrorPath or
// CausePath, of the recorded executions and the lint corpus. All must parse except those AWS or the
// linters reject for the expression itself.
func TestCorpusExpressions(t *testing.T) {
	rejected := map[string]bool{
		// AWS: "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call".
		`States.StringToJson('{"text":"An \"escaped double quote\" here"}')`: true,
		`States.Format('He said, \"Hello, {}!\"', 'Test \"Name\" Here')`:     true,
		"States.Xyz($.result)": true, // statelint: not a JSONPath or intrinsic function expression
	}
	var files []string
	for _, dir := range []string{casesDir, "../../conformance/testdata/lint-corpus/cases"} {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Skip("no corpus found")
	}
	seen := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		var doc any
		if json.Unmarshal(data, &doc) != nil {
			continue
		}
		for _, expr := range intrinsicFields(doc) {
			seen++
			_, err := Parse(expr)
			var pe *ParseError
			switch {
			case rejected[expr]:
				assert.Error(t, err, "%s: %s", file, expr)
			case errors.As(err, &pe) && pe.Err != nil:
				t.Logf("%s: the path parser rejects a path of %s: %v", file, expr, err)
			default:
				assert.NoError(t, err, "%s: %s", file, expr)
			}
		}
	}
	t.Logf("%d intrinsic expressions in %d files", seen, len(files))
}

func intrinsicFields(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && IsCall(s) && (strings.HasSuffix(k, ".$") || k == "ErrorPath" || k == "CausePath") {
				out = append(out, s)
			}
			out = append(out, intrinsicFields(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, intrinsicFields(e)...)
		}
	}
	return out
}
