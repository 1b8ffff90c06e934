package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
)

// lintCase is one case of the lint corpus (testdata/lint-corpus, see its README): a definition and
// whether it is valid, with AWS's message when AWS itself refused it.
type lintCase struct {
	Name             string          `json:"name"`
	Source           string          `json:"source"`
	Verdict          string          `json:"verdict"`
	AWSMessage       string          `json:"aws_message"`
	AWSMessageRegex  string          `json:"aws_message_regex"`
	StateMachineType string          `json:"state_machine_type"`
	Caveat           string          `json:"caveat"`
	Definition       json.RawMessage `json:"definition"`
	DefinitionRaw    *string         `json:"definition_raw"`
}

// key names a case uniquely: its source and its name.
func (c *lintCase) key() string { return c.Source + "/" + c.Name }

// wantInvalid is the verdict aslrun must give. The cases with a caveat are valid only under their tool's
// rules: their Task Resource is a placeholder. A CloudFormation one ("${...}" DefinitionSubstitutions,
// {"Ref"} or {"Fn::GetAtt"}) is what SAM, CDK and CloudFormation users lint before deploying, so aslrun
// accepts it with a PLACEHOLDER_RESOURCE warning, as the corpus does; statelint's "foo:bar" is no ARN and
// AWS refuses it at CreateStateMachine, so aslrun refuses it too.
func (c *lintCase) wantInvalid() bool {
	return c.Verdict == "invalid" || c.Caveat != "" && !strings.Contains(c.Caveat, "CloudFormation")
}

// lintDisagreements lists the cases where aslrun's verdict (or, for AWS's own cases, its message) differs
// from the corpus, with the reason. The test fails when an unlisted case disagrees, and when a listed case
// agrees again, so that this list only shrinks.
var lintDisagreements = map[string]string{
	"asl-validator/invalid-json-surround-syntax-extra-spaces": "asl-validator refuses \"{% \\n10 %}\" only because " +
		"its delimiter regex does not match a line break; AWS takes multi-line JSONata expressions " +
		"(aws/aws-cdk#35912 reports them deploying), so aslrun accepts it",
	"asl-validator/invalid-jsonata-surround-syntax-no-spaces": "asl-validator requires blanks inside \"{%10%}\"; " +
		"AWS documents no such rule and deploys \"{%expr%}\" (its own samples hold it), so aslrun accepts it",
	"asl-validator/valid-path-array-context": "OutputPath \"$[(@.length-1)].bar\" is a script expression, which " +
		"asl-validator's jsonpath-plus runs but Jayway JsonPath, the library AWS evaluates paths with, does not " +
		"parse; asl/jsonpath follows Jayway and refuses it",
	"asl-validator/valid-map-noconfig.asl": "an inline Map (no ProcessorConfig) with ItemReader, ResultWriter and " +
		"Label: the guide lists these among the Distributed Map's fields only, and an inline Map would ignore " +
		"them, so aslrun refuses them there (AWS's answer is not recorded)",
	"asl-validator/valid-map-tolerated": "an inline Map (an Iterator) with ToleratedFailureCount and " +
		"ToleratedFailurePercentage: the guide lists these among the Distributed Map's fields only (an inline " +
		"Map fails with its first failed iteration), so aslrun refuses them there (AWS's answer is not recorded)",
}

func loadLintCases(t *testing.T, dir string) []*lintCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no lint cases in %s: %v", dir, err)
	}
	sort.Strings(paths)
	cases := make([]*lintCase, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := &lintCase{}
		if err := json.Unmarshal(b, c); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		cases = append(cases, c)
	}
	return cases
}

// definition is the text to lint: the raw text when the case is not a JSON document.
func (c *lintCase) definition() []byte {
	if c.DefinitionRaw != nil {
		return []byte(*c.DefinitionRaw)
	}
	return c.Definition
}

// awsText is the part of AWS's message between the code and " at /pointer", which aslrun's message must
// contain.
func awsText(msg string) string {
	msg = strings.TrimPrefix(msg, "Invalid State Machine Definition: '")
	msg = strings.TrimSuffix(msg, "'")
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		msg = rest
	}
	if i := strings.LastIndex(msg, " at /"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// messageProblem returns what is wrong with aslrun's wording of a case AWS refused, or "".
func messageProblem(c *lintCase, ds []asl.Diagnostic) string {
	if c.AWSMessage == "" {
		return ""
	}
	if c.AWSMessageRegex != "" {
		re := regexp.MustCompile(c.AWSMessageRegex)
		for _, d := range ds {
			if re.MatchString("Invalid State Machine Definition: '"+d.AWSMessage()+"'") || re.MatchString(d.AWSMessage()) {
				return ""
			}
		}
		return "no diagnostic matches AWS's message " + c.AWSMessageRegex
	}
	want := awsText(c.AWSMessage)
	for _, d := range ds {
		if strings.Contains(d.Message, want) {
			return ""
		}
	}
	return "no diagnostic holds AWS's message " + want
}

// lintProblem is what is wrong with a verdict on a case, or "".
func lintProblem(c *lintCase, invalid bool, ds []asl.Diagnostic) string {
	if invalid != c.wantInvalid() {
		return "aslrun says invalid=" + strconv.FormatBool(invalid) + ", the corpus invalid=" + strconv.FormatBool(c.wantInvalid())
	}
	return messageProblem(c, ds)
}

// TestLintCorpus lints every case in-process and through ValidateStateMachineDefinition, judges both
// verdicts against the corpus, and requires the same result and diagnostics from both.
func TestLintCorpus(t *testing.T) {
	cases := loadLintCases(t, filepath.Join("testdata", "lint-corpus", "cases"))
	api := newAPI(t)
	agree := 0
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.key()] = true
		t.Run(c.key(), func(t *testing.T) {
			_, ds := asl.Check(c.definition(), asl.Options{Type: c.StateMachineType})
			apiDs, apiInvalid, err := api.Validate(c.definition(), c.StateMachineType)
			require.NoError(t, err)
			// The API gives no line and column, and a page of diagnostics at the most.
			if in, out := awsDiagnostics(ds[:min(len(ds), maxDiagnostics)]), awsDiagnostics(apiDs); asl.HasErrors(ds) != apiInvalid || in != out {
				t.Errorf("the lint corpus gives a different verdict in-process and through the API:\nin-process invalid=%v\n%sapi invalid=%v\n%s",
					asl.HasErrors(ds), in, apiInvalid, out)
			}
			problem := lintProblem(c, asl.HasErrors(ds), ds)
			reason, listed := lintDisagreements[c.key()]
			for _, v := range []struct {
				mode, problem string
				ds            []asl.Diagnostic
			}{{"in-process", problem, ds}, {"api", lintProblem(c, apiInvalid, apiDs), apiDs}} {
				switch {
				case v.problem == "" && listed:
					t.Errorf("%s: listed as a disagreement (%s) but agrees now: remove it from lintDisagreements", v.mode, reason)
				case v.problem != "" && !listed:
					t.Errorf("%s: %s\ndiagnostics:\n%s", v.mode, v.problem, diagnosticList(v.ds))
				}
			}
			if problem == "" {
				agree++
			}
		})
	}
	for k := range lintDisagreements {
		if !seen[k] {
			t.Errorf("lintDisagreements lists %s, which is not in the corpus", k)
		}
	}
	t.Logf("lint corpus: aslrun agrees on %d of %d cases (%.1f%%); the caveat cases are judged as wantInvalid says",
		agree, len(cases), 100*float64(agree)/float64(len(cases)))
}

// TestLintWorkflows checks that the five example workflows (testdata/lint-workflows) have no error;
// warnings are allowed (002 calls lambda:invoke without a FunctionName on purpose).
func TestLintWorkflows(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "lint-workflows", "*.asl.json"))
	if err != nil || len(paths) != 5 {
		t.Fatalf("want the five workflow definitions, found %d: %v", len(paths), err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, ds := asl.Check(b, asl.Options{}); asl.HasErrors(ds) {
				t.Errorf("errors:\n%s", diagnosticList(ds))
			}
		})
	}
}

func diagnosticList(ds []asl.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.String() + "\n")
	}
	return b.String()
}

// awsDiagnostics lists diagnostics as ValidateStateMachineDefinition tells them.
func awsDiagnostics(ds []asl.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + string(d.Severity) + " " + d.AWSMessage() + "\n")
	}
	return b.String()
}
