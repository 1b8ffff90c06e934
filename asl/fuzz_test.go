package asl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck: any bytes give diagnostics, never a panic. It is seeded with the definitions of the lint
// corpus and of the example workflows (conformance/testdata); the inputs it has found are kept in
// testdata/fuzz/FuzzCheck.
func FuzzCheck(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range []string{Standard, Express} {
			sm, ds := Check(data, Options{Type: typ})
			if sm == nil && !HasErrors(ds) {
				t.Fatalf("no machine and no error for %q", data)
			}
			for _, d := range ds {
				if d.Code == "" || d.Message == "" || (d.Severity != SeverityError && d.Severity != SeverityWarning) {
					t.Fatalf("malformed diagnostic %+v", d)
				}
			}
		}
	})
}

// fuzzSeeds reads the definitions of the lint corpus cases and the workflow files.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	seeds := [][]byte{
		[]byte("StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n"),
		[]byte(`{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.input.a[b > 1] %}", "End": true}}}`),
	}
	cases, _ := filepath.Glob(filepath.Join("..", "conformance", "testdata", "lint-corpus", "cases", "*", "*.json"))
	for _, p := range cases {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var c struct {
			Definition    json.RawMessage `json:"definition"`
			DefinitionRaw *string         `json:"definition_raw"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			f.Fatalf("%s: %v", p, err)
		}
		if c.DefinitionRaw != nil {
			seeds = append(seeds, []byte(*c.DefinitionRaw))
		} else {
			seeds = append(seeds, c.Definition)
		}
	}
	workflows, _ := filepath.Glob(filepath.Join("..", "conformance", "testdata", "lint-workflows", "*.asl.json"))
	for _, p := range workflows {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}
