package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
)

// realworldDir holds definitions in the styles people deploy (SAM, CDK, Terraform, Workflow Studio,
// JSONata, Distributed Map, callbacks, aws-sdk integrations) and manifest.json, their verdicts.
const realworldDir = "testdata/realworld"

// realworldCase is one entry of testdata/realworld/manifest.json.
type realworldCase struct {
	File    string `json:"file"`
	Style   string `json:"style"`
	Verdict string `json:"verdict"`
	Type    string `json:"type"`
	// AWSError is the code AWS refuses an invalid definition with; AWSMessage, when given, a part of
	// its message.
	AWSError   string `json:"aws_error"`
	AWSMessage string `json:"aws_message"`
	// Placeholders are the ${...} of the file and the JSON pointer of the value holding each: lint warns
	// there and nowhere errs on them.
	Placeholders []struct {
		Placeholder string `json:"placeholder"`
		Pointer     string `json:"pointer"`
	} `json:"placeholders"`
	// Warnings are the codes of the other warnings lint gives (placeholder warnings aside).
	Warnings []string `json:"warnings"`
}

type realworldKnown struct {
	Lint    map[string]string `json:"lint"`
	Execute map[string]string `json:"execute"`
}

func loadRealworld(t *testing.T) ([]realworldCase, realworldKnown) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(realworldDir, "manifest.json"))
	require.NoError(t, err)
	var m struct {
		Cases []realworldCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &m))
	b, err = os.ReadFile("testdata/realworld-known-failures.json")
	require.NoError(t, err)
	var known realworldKnown
	require.NoError(t, json.Unmarshal(b, &known))
	return m.Cases, known
}

// realworldProblems lists what lint gets wrong on a case, by AWS's verdict and the manifest.
func realworldProblems(c realworldCase, ds []asl.Diagnostic) []string {
	var problems []string
	invalid := asl.HasErrors(ds)
	if want := c.Verdict == "invalid"; invalid != want {
		problems = append(problems, "aslrun says invalid="+strconv.FormatBool(invalid)+", AWS invalid="+strconv.FormatBool(want))
	}
	if c.Verdict == "invalid" {
		if !hasDiagnostic(ds, func(d asl.Diagnostic) bool {
			return d.Severity == asl.SeverityError && d.Code == c.AWSError && strings.Contains(d.Message, c.AWSMessage)
		}) {
			problems = append(problems, "no error "+c.AWSError+" holding "+strconv.Quote(c.AWSMessage))
		}
		return problems
	}
	for _, p := range c.Placeholders {
		if !hasDiagnostic(ds, func(d asl.Diagnostic) bool {
			return d.Severity == asl.SeverityWarning && strings.Contains(d.Code, "PLACEHOLDER") && d.Pointer == p.Pointer
		}) {
			problems = append(problems, "no placeholder warning for "+p.Placeholder+" at "+p.Pointer)
		}
	}
	var got []string
	for _, d := range ds {
		if d.Severity == asl.SeverityWarning && !strings.Contains(d.Code, "PLACEHOLDER") {
			got = append(got, d.Code)
		}
	}
	want := append([]string(nil), c.Warnings...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		problems = append(problems, "warnings "+strings.Join(got, ",")+", want "+strings.Join(want, ","))
	}
	return problems
}

func hasDiagnostic(ds []asl.Diagnostic, match func(asl.Diagnostic) bool) bool {
	for _, d := range ds {
		if match(d) {
			return true
		}
	}
	return false
}

// TestLintRealworld lints the real-world corpus and compares each verdict, error code and warning with the
// manifest. A case listed in realworld-known-failures.json (with the lint family that fixes it) must
// disagree; once it agrees, the test fails until the entry is removed, so that the list only shrinks.
func TestLintRealworld(t *testing.T) {
	cases, known := loadRealworld(t)
	require.GreaterOrEqual(t, len(cases), 100)
	seen := map[string]bool{}
	agree := 0
	for _, c := range cases {
		seen[c.File] = true
		t.Run(c.File, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(realworldDir, c.File))
			require.NoError(t, err)
			// As aslrun lint checks a template: placeholders are values to be substituted, with a warning.
			_, ds := asl.Check(b, asl.Options{Type: c.Type, Placeholders: asl.PlaceholdersWarn})
			problems := realworldProblems(c, ds)
			reason, listed := known.Lint[c.File]
			switch {
			case len(problems) == 0 && listed:
				t.Errorf("listed as a known failure (%s) but agrees now: remove it from realworld-known-failures.json", reason)
			case len(problems) > 0 && !listed:
				t.Errorf("%s\ndiagnostics:\n%s", strings.Join(problems, "\n"), diagnosticList(ds))
			}
			if len(problems) == 0 {
				agree++
			}
		})
	}
	for f := range known.Lint {
		if !seen[f] {
			t.Errorf("realworld-known-failures.json lists %s, which is not in the manifest", f)
		}
	}
	t.Logf("real-world corpus: lint agrees with AWS on %d of %d definitions", agree, len(cases))
}
