package main

import (
	"fmt"
	"strings"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/resources"
)

// stateNames lists every state of a machine, those of Parallel branches and Map processors included: a
// mock config may mock any of them.
func stateNames(m *asl.Machine) []string {
	var names []string
	for _, name := range m.Order {
		names = append(names, name)
		switch s := m.States[name].(type) {
		case *asl.Parallel:
			for _, b := range s.Branches {
				names = append(names, stateNames(b)...)
			}
		case *asl.Map:
			if s.Processor != nil {
				names = append(names, stateNames(s.Processor)...)
			}
		}
	}
	return names
}

// checkMockedStates refuses test cases that mock a state the definition does not have: Step Functions
// Local leaves such a mock unused, so a misspelt state name would let the real resource run and the test
// pass for the wrong reason.
func checkMockedStates(mocks *resources.MockConfig, machine string, cases, states []string, definition string) error {
	known := map[string]bool{}
	for _, s := range states {
		known[s] = true
	}
	for _, tc := range cases {
		for _, s := range mocks.MockedStates(machine, tc) {
			if known[s] {
				continue
			}
			msg := fmt.Sprintf("the test case %q of %q mocks the state %q, which %s does not have", tc, machine, s, definition)
			if c := closest(s, states); c != "" {
				msg += fmt.Sprintf(": did you mean %q?", c)
			}
			return fmt.Errorf("%s (StateMachines.%s.TestCases.%s: rename the key to a state of the definition)", msg, machine, tc)
		}
	}
	return nil
}

// closest returns the name nearest to s by edit distance, ignoring case, or "" when none is near enough
// to be a misspelling (more than half of s would have to change).
func closest(s string, names []string) string {
	best, bestD := "", len(s)/2+1
	for _, n := range names {
		if d := editDistance(strings.ToLower(s), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between two strings, counted in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
