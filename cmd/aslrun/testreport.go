package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aslrun/aslrun/asl/graph"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
	"github.com/aslrun/aslrun/resources"
)

// The JUnit XML report, in the shape CI tools read (Jenkins, GitLab, GitHub actions' reporters).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// seconds writes a duration as JUnit's time attribute.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// writeJUnit writes one suite, the state machine's, with a testcase per test case.
func writeJUnit(path, machine string, results []caseResult) error {
	suite := junitSuite{Name: machine, Tests: len(results), Timestamp: time.Now().UTC().Format("2006-01-02T15:04:05")}
	var total time.Duration
	for _, r := range results {
		c := junitCase{Name: r.name, Classname: machine, Time: seconds(r.elapsed)}
		if r.problem != "" {
			suite.Failures++
			c.Failure = &junitFailure{Message: r.problem, Type: "UnexpectedResult",
				Body: "expected: " + expected(r.expect) + "\nactual:   " + actual(r.res) + "\n"}
		}
		total += r.elapsed
		suite.Cases = append(suite.Cases, c)
	}
	suite.Time = seconds(total)
	doc := junitSuites{Name: "aslrun test", Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time, Suites: []junitSuite{suite}}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(b, '\n')...), 0o644)
}

// expected and actual describe a test case's expectation and result alike, for a failure's text.
func expected(x resources.Expectation) string {
	parts := []string{"status " + x.Status}
	if x.Error != nil {
		parts = append(parts, fmt.Sprintf("error %q", *x.Error))
	}
	if x.Cause != nil {
		parts = append(parts, fmt.Sprintf("cause %q", *x.Cause))
	}
	if x.HasOutput {
		parts = append(parts, "output "+value.JSON(x.Output))
	}
	return strings.Join(parts, ", ")
}

func actual(res *interpreter.Result) string {
	if res.Status == interpreter.Succeed {
		return "status " + string(res.Status) + ", output " + value.JSON(res.Output)
	}
	return fmt.Sprintf("status %s, error %q, cause %q", res.Status, res.Error, res.Cause)
}

// printCoverage prints the coverage table, then every item not covered.
func printCoverage(w io.Writer, r *graph.Report) {
	fmt.Fprintf(w, "coverage of %s:\n", plural(r.Executions, "test case"))
	row := func(what string, covered, total int, note string) {
		pct := "-"
		if total > 0 {
			pct = strconv.Itoa(covered*100/total) + "%"
		}
		fmt.Fprintf(w, "  %-13s %9s %5s%s\n", what, strconv.Itoa(covered)+"/"+strconv.Itoa(total), pct, note)
	}
	shared := ""
	for _, it := range r.ChoiceRules.Items {
		if it.Shared {
			shared = "  (rules with the same Next count together)"
		}
	}
	row("states", r.States.Covered, r.States.Total, "")
	row("transitions", r.Transitions.Covered, r.Transitions.Total, "")
	row("choice rules", r.ChoiceRules.Covered, r.ChoiceRules.Total, shared)
	row("catchers", r.Catchers.Covered, r.Catchers.Total, "")
	row("retriers", r.Retriers.Covered, r.Retriers.Total, "")
	var missing []string
	for _, it := range r.States.Items {
		if it.Entered == 0 {
			missing = append(missing, "state        "+it.ID)
		}
	}
	for _, it := range r.Transitions.Items {
		if it.Taken == 0 {
			missing = append(missing, "transition   "+it.From+" -> "+it.To+edgeNote(it))
		}
	}
	for _, it := range r.ChoiceRules.Items {
		if it.Matched == 0 {
			rule := "rule " + it.Rule
			if it.Rule == "Default" {
				rule = "Default"
			}
			if it.Label != "" {
				rule += " (" + it.Label + ")"
			}
			missing = append(missing, "choice rule  "+it.State+" "+rule+" -> "+it.Next)
		}
	}
	for _, it := range r.Catchers.Items {
		if it.Used == 0 {
			missing = append(missing, fmt.Sprintf("catcher      %s #%d [%s] -> %s", it.State, it.Index+1, strings.Join(it.ErrorEquals, ", "), it.Next))
		}
	}
	for _, it := range r.Retriers.Items {
		if it.Used == 0 {
			missing = append(missing, fmt.Sprintf("retrier      %s #%d [%s]", it.State, it.Index+1, strings.Join(it.ErrorEquals, ", ")))
		}
	}
	if len(missing) > 0 {
		fmt.Fprintln(w, "not covered:")
		for _, m := range missing {
			fmt.Fprintln(w, "  "+m)
		}
	}
}

// edgeNote says what kind of edge a transition is, when it is not a plain Next.
func edgeNote(it graph.EdgeItem) string {
	switch it.Kind {
	case graph.KindNext:
		return ""
	case graph.KindDefault:
		return " (Default)"
	}
	if it.Label == "" {
		return " (" + it.Kind + ")"
	}
	return " (" + it.Kind + " " + it.Label + ")"
}
