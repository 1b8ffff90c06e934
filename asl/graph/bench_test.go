package graph

import (
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl"
	"github.com/aslrun/aslrun/internal/workloads"
)

// BenchmarkRender draws the benchmark workloads' definitions (pass-chain-1000 has 1,000 states) and the
// cloud pizza (a Parallel, many catchers) in each format, from the checked definition on.
func BenchmarkRender(b *testing.B) {
	defs := map[string][]byte{}
	for name, w := range workloads.Generate(b) {
		defs[name] = w.Definition
	}
	pizza, err := os.ReadFile("../../definitions/cloud-pizza.asl.json")
	require.NoError(b, err)
	defs["cloud-pizza"] = pizza
	for _, name := range append([]string{"cloud-pizza"}, workloads.Names...) {
		sm, ds := asl.Check(defs[name], asl.Options{})
		require.False(b, asl.HasErrors(ds), "%s: %v", name, ds)
		for _, format := range Formats {
			b.Run(name+"/"+format, func(b *testing.B) {
				for b.Loop() {
					if err := Render(io.Discard, Build(sm), format); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
