// Package conformance runs recorded Step Functions executions (AWS's own, and the documentation's
// examples) against aslrun and judges the results the way ../shared/conformance-aws/run.py does.
package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Case is one recorded execution: a definition, an input, and what AWS did with them.
type Case struct {
	Name             string          `json:"name"`
	Source           string          `json:"source"`
	StateMachineType string          `json:"state_machine_type"`
	Definition       json.RawMessage `json:"definition"`
	DefinitionRaw    *string         `json:"definition_raw"`
	Input            json.RawMessage `json:"input"`
	Expect           Expect          `json:"expect"`
	Handlers         json.RawMessage `json:"handlers"`
	Notes            string          `json:"notes"`
	// Area is the folder the case sits in (choice, map, ...).
	Area string `json:"-"`
}

// Expect is a case's recorded outcome.
type Expect struct {
	Status      string            `json:"status"`
	Output      json.RawMessage   `json:"output"`
	Ignore      []string          `json:"ignore"`
	Regex       map[string]string `json:"regex"`
	Error       *string           `json:"error"`
	Cause       *string           `json:"cause"`
	ErrorRegex  string            `json:"error_regex"`
	CauseRegex  string            `json:"cause_regex"`
	CauseJSON   json.RawMessage   `json:"cause_json"`
	CauseIgnore []string          `json:"cause_json_ignore"`
	CauseJRegex map[string]string `json:"cause_json_regex"`
	Diagnostics []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"diagnostics"`
	// hasError and hasCause tell an explicit null (absent on AWS) from a field not recorded.
	hasError, hasCause bool
}

// UnmarshalJSON keeps whether error and cause were present.
func (e *Expect) UnmarshalJSON(b []byte) error {
	type plain Expect
	if err := json.Unmarshal(b, (*plain)(e)); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	_, e.hasError = keys["error"]
	_, e.hasCause = keys["cause"]
	return nil
}

// DefinitionText is the definition as it would be sent to CreateStateMachine.
func (c *Case) DefinitionText() []byte {
	if c.DefinitionRaw != nil && (len(c.Definition) == 0 || string(c.Definition) == "null") {
		return []byte(*c.DefinitionRaw)
	}
	return c.Definition
}

// LoadCases reads every case under dir/<area>/*.json, sorted by name.
func LoadCases(dir string) ([]*Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		return nil, err
	}
	var cases []*Case
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		c := &Case{}
		if err := json.Unmarshal(b, c); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		c.Area = filepath.Base(filepath.Dir(f))
		if len(c.Input) == 0 {
			c.Input = json.RawMessage("{}")
		}
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, nil
}

// Outcome is what aslrun did with a case.
type Outcome struct {
	// Status is SUCCEEDED, FAILED, TIMED_OUT, ABORTED, INVALID_DEFINITION, or HARNESS_ERROR when the
	// runner could not get an outcome.
	Status string
	Output any
	Error  string
	Cause  string
	// Message holds the diagnostics of a refused definition, or what went wrong in the runner.
	Message string
}

// Judge compares an outcome with the case's expectation and lists the differences (none: it passes).
func Judge(c *Case, o *Outcome) []string {
	exp := c.Expect
	if o.Status == "HARNESS_ERROR" {
		return []string{"runner: " + o.Message}
	}
	switch exp.Status {
	case "INVALID_DEFINITION":
		if o.Status != "INVALID_DEFINITION" {
			return []string{fmt.Sprintf("expected the definition to be rejected, got %s (error %q cause %q)", o.Status, o.Error, o.Cause)}
		}
		for _, n := range validationNeedles(exp) {
			if strings.Contains(o.Message, n) {
				return nil
			}
		}
		if exp.ErrorRegex != "" {
			if re, err := regexp.Compile(fromPython(strings.ReplaceAll(exp.ErrorRegex, ".*?", ".*"))); err == nil && re.MatchString(o.Message) {
				return nil
			}
		}
		return []string{fmt.Sprintf("rejection message %q does not contain %q", o.Message, *exp.Error)}
	case "SUCCEEDED":
		if o.Status != "SUCCEEDED" {
			return []string{fmt.Sprintf("expected SUCCEEDED, got %s: error %q cause %q", o.Status, o.Error, o.Cause)}
		}
		var want any
		if err := json.Unmarshal(exp.Output, &want); err != nil && len(exp.Output) > 0 {
			return []string{"bad expected output: " + err.Error()}
		}
		return compare(want, normalize(o.Output), pathSet(exp.Ignore), pathMap(exp.Regex), "$")
	}
	if o.Status != exp.Status {
		return []string{fmt.Sprintf("expected %s (%s), got %s: error %q cause %q output %s", exp.Status, deref(exp.Error), o.Status, o.Error, o.Cause, short(o.Output))}
	}
	var probs []string
	if exp.hasError {
		switch {
		case exp.Error == nil:
			if o.Error != "" {
				probs = append(probs, fmt.Sprintf("error: expected none, got %q", o.Error))
			}
		case exp.ErrorRegex != "":
			if !fullMatch(exp.ErrorRegex, o.Error) {
				probs = append(probs, fmt.Sprintf("error: expected /%s/, got %q", exp.ErrorRegex, o.Error))
			}
		case o.Error != *exp.Error:
			probs = append(probs, fmt.Sprintf("error: expected %q, got %q", *exp.Error, o.Error))
		}
	}
	switch {
	case len(exp.CauseJSON) > 0:
		var want, got any
		_ = json.Unmarshal(exp.CauseJSON, &want)
		if err := json.Unmarshal([]byte(o.Cause), &got); err != nil {
			probs = append(probs, fmt.Sprintf("cause: expected JSON, got %q", o.Cause))
		} else {
			for _, d := range compare(want, got, pathSet(exp.CauseIgnore), pathMap(exp.CauseJRegex), "$") {
				probs = append(probs, "cause"+strings.TrimPrefix(d, "$"))
			}
		}
	case exp.hasCause && exp.Cause == nil:
		if o.Cause != "" {
			probs = append(probs, fmt.Sprintf("cause: expected none, got %q", o.Cause))
		}
	case exp.CauseRegex != "":
		if !fullMatch(exp.CauseRegex, o.Cause) {
			probs = append(probs, fmt.Sprintf("cause: expected /%s/, got %q", exp.CauseRegex, o.Cause))
		}
	case exp.Cause != nil && o.Cause != *exp.Cause:
		probs = append(probs, fmt.Sprintf("cause: expected %q, got %q", *exp.Cause, o.Cause))
	}
	return probs
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}

// validationNeedles are the texts one of which a rejection must contain: the full AWS message, the
// diagnostics' messages, or the inner SCHEMA_VALIDATION_FAILED text with and without its location.
func validationNeedles(exp Expect) []string {
	full := deref(exp.Error)
	needles := []string{full}
	for _, d := range exp.Diagnostics {
		needles = append(needles, d.Message)
	}
	const marker = "'SCHEMA_VALIDATION_FAILED: "
	if i := strings.Index(full, marker); i >= 0 && strings.HasSuffix(full, "'") {
		inner := full[i+len(marker) : len(full)-1]
		needles = append(needles, inner)
		if j := strings.LastIndex(inner, " at /"); j >= 0 {
			needles = append(needles, strings.TrimSpace(inner[:j]))
		}
	} else if k := strings.Index(full, ": "); k >= 0 && len(exp.Diagnostics) == 0 {
		needles = append(needles, full[k+2:])
	}
	out := needles[:0]
	for _, n := range needles {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}
