package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/server/store/sqlite"
)

// suite is a folder of cases (<dir>/<area>/*.json) and the list of those aslrun does not pass yet, each
// with its reason. The list may only shrink: a listed case that passes fails the test too.
type suite struct {
	name, dir, knownFailures string
	// required: the suite must hold cases (docs may be absent while it is being written).
	required bool
}

var suites = []suite{
	// Executions recorded on AWS Step Functions (../shared/conformance-aws, copied to testdata/aws; its
	// README tells their source).
	{name: "aws", dir: "testdata/aws", knownFailures: "testdata/aws-known-failures.json", required: true},
	// The examples of the Step Functions documentation, with the outcome it states.
	{name: "docs", dir: "testdata/docs", knownFailures: "testdata/docs-known-failures.json"},
}

// mode is a way of running a case.
type mode struct {
	name string
	run  func(*Case) *Outcome
}

type tally struct{ pass, fail int }

func loadKnownFailures(t *testing.T, path string) map[string]string {
	t.Helper()
	known := map[string]string{}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return known
	}
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &known))
	for name, why := range known {
		require.NotEmpty(t, why, "known failure %s needs a reason", name)
	}
	return known
}

// newAPI serves the API for a test over SQLite, the store `aslrun serve` keeps by default.
func newAPI(t *testing.T) *API {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "aslrun.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	return NewAPI(st)
}

// TestSuites runs every suite in-process and through the API, judges both the same way, and requires
// the same verdict from both. In-process, it also runs each case on its input with objects as maps (as
// resources and Go code make them) where execute decodes them as value.Objects: every reader of values
// must read both alike.
func TestSuites(t *testing.T) {
	api := newAPI(t)
	maps := func(c *Case) *Outcome { return runInProcess(c, source.DecodePlain) }
	modes := []mode{{"in-process", RunInProcess}, {"in-process, objects as maps", maps}, {"api", api.Run}}
	var total tally
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			cases, err := LoadCases(s.dir)
			require.NoError(t, err)
			if s.required {
				require.NotEmpty(t, cases)
			}
			for _, n := range s.run(t, cases, modes) {
				total.pass += n.pass
				total.fail += n.fail
			}
		})
	}
	fmt.Printf("%d passed, %d failed\n", total.pass, total.fail)
}

// run judges every case in every mode, prints the counts per mode and area, and returns the totals per
// mode.
func (s suite) run(t *testing.T, cases []*Case, modes []mode) []tally {
	known := loadKnownFailures(t, s.knownFailures)
	areas := make([]map[string]*tally, len(modes))
	for i := range modes {
		areas[i] = map[string]*tally{}
	}
	outcomes := runAll(cases, modes)
	seen := map[string]bool{}
	for k, c := range cases {
		seen[c.Name] = true
		why, isKnown := known[c.Name]
		verdicts := make([]string, len(modes))
		for i, m := range modes {
			probs := Judge(c, outcomes[k][i])
			verdicts[i] = strings.Join(probs, "; ")
			n := areas[i][c.Area]
			if n == nil {
				n = &tally{}
				areas[i][c.Area] = n
			}
			switch {
			case len(probs) == 0:
				n.pass++
				if isKnown {
					t.Errorf("%s passes %s now: remove it from %s", c.Name, m.name, s.knownFailures)
				}
			case isKnown:
				n.fail++
				if testing.Verbose() {
					t.Logf("known failure %s %s (%s): %s", c.Name, m.name, why, verdicts[i])
				}
			default:
				n.fail++
				t.Errorf("%s %s: %s", c.Name, m.name, verdicts[i])
			}
		}
		for i := 1; i < len(modes); i++ {
			if (verdicts[0] == "") != (verdicts[i] == "") {
				t.Errorf("the %s suite gives a different result %s and %s for %s:\n%s: %s\n%s: %s", s.name, modes[0].name, modes[i].name,
					c.Name, modes[0].name, orPass(verdicts[0]), modes[i].name, orPass(verdicts[i]))
			}
		}
	}
	for name := range known {
		if !seen[name] {
			t.Errorf("%s lists %s, which is not in the suite", s.knownFailures, name)
		}
	}
	totals := make([]tally, len(modes))
	for i, m := range modes {
		names := make([]string, 0, len(areas[i]))
		for a := range areas[i] {
			names = append(names, a)
		}
		sort.Strings(names)
		for _, a := range names {
			n := areas[i][a]
			fmt.Printf("%s %-10s %-15s %4d passed, %4d failed\n", s.name, m.name, a, n.pass, n.fail)
			totals[i].pass += n.pass
			totals[i].fail += n.fail
		}
		fmt.Printf("%s %s: %d passed, %d failed\n", s.name, m.name, totals[i].pass, totals[i].fail)
	}
	return totals
}

// workers is how many cases run at once: some docs cases wait in real time for a command's Task timeout,
// which a virtual clock cannot skip.
const workers = 8

// runAll runs every case in every mode, several at once, and returns the outcomes by case and mode.
func runAll(cases []*Case, modes []mode) [][]*Outcome {
	outcomes := make([][]*Outcome, len(cases))
	for k := range outcomes {
		outcomes[k] = make([]*Outcome, len(modes))
	}
	jobs := make(chan [2]int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				outcomes[j[0]][j[1]] = modes[j[1]].run(cases[j[0]])
			}
		})
	}
	for k := range cases {
		for i := range modes {
			jobs <- [2]int{k, i}
		}
	}
	close(jobs)
	wg.Wait()
	return outcomes
}

func orPass(verdict string) string {
	if verdict == "" {
		return "passes"
	}
	return verdict
}
