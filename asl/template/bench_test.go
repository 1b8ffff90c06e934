package template

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkMachine: parsing the SAM example template and reading its Greeter (resolve, substitute).
func BenchmarkMachine(b *testing.B) {
	const path = "../../definitions/templates/sam/template.yaml"
	data, err := os.ReadFile(path)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		t, err := Parse(path, data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := t.Machine("Greeter", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
