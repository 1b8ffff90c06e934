package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The AWS suite: executions recorded on AWS Step Functions (../shared/conformance-aws, copied to
// testdata/aws; its README tells their source). knownFailures lists the cases aslrun does not pass yet,
// each with its reason; the list may only shrink: a listed case that passes fails the test too.
const awsCases = "testdata/aws"
const awsKnownFailures = "testdata/aws-known-failures.json"

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

func TestAWSInProcess(t *testing.T) {
	cases, err := LoadCases(awsCases)
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	known := loadKnownFailures(t, awsKnownFailures)
	type tally struct{ pass, fail int }
	areas := map[string]*tally{}
	var failed []string
	for _, c := range cases {
		if areas[c.Area] == nil {
			areas[c.Area] = &tally{}
		}
		probs := Judge(c, RunInProcess(c))
		why, isKnown := known[c.Name]
		if len(probs) == 0 {
			areas[c.Area].pass++
			assert.False(t, isKnown, "%s passes now: remove it from %s", c.Name, awsKnownFailures)
			continue
		}
		areas[c.Area].fail++
		failed = append(failed, c.Name)
		if !isKnown {
			t.Errorf("%s: %s", c.Name, strings.Join(probs, "; "))
		} else if testing.Verbose() {
			t.Logf("known failure %s (%s): %s", c.Name, why, strings.Join(probs, "; "))
		}
	}
	names := make([]string, 0, len(areas))
	for a := range areas {
		names = append(names, a)
	}
	sort.Strings(names)
	pass, fail := 0, 0
	for _, a := range names {
		fmt.Printf("aws %-15s %4d passed, %4d failed\n", a, areas[a].pass, areas[a].fail)
		pass += areas[a].pass
		fail += areas[a].fail
	}
	fmt.Printf("aws: %d passed, %d failed\n", pass, fail)
}
