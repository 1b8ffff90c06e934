package jsonpath

import (
	"fmt"
	"testing"

	"github.com/aslrun/aslrun/asl/value"
)

func BenchmarkGetDefinite(b *testing.B) {
	doc := map[string]any{"a": map[string]any{"b": map[string]any{"c": int64(1)}, "x": "y"}, "z": int64(2)}
	p, err := Parse("$.a.b.c")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := p.Get(doc); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkGetWildcard(b *testing.B) {
	items := make([]any, 10)
	for i := range items {
		items[i] = map[string]any{"x": int64(i), "y": "z"}
	}
	doc := map[string]any{"items": items}
	p, err := Parse("$.items[*].x")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Get(doc)
	}
}

func BenchmarkGetFilter(b *testing.B) {
	items := make([]any, 10)
	for i := range items {
		items[i] = map[string]any{"x": int64(i), "y": "z"}
	}
	doc := map[string]any{"items": items}
	p, err := Parse("$.items[?(@.x > 4 && @.y == 'z')].x")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Get(doc)
	}
}

func BenchmarkSet(b *testing.B) {
	doc := map[string]any{}
	for i := range 10 {
		doc[fmt.Sprint("key", i)] = int64(i)
	}
	p, err := ParseReference("$.last")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Set(doc, "v"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("$.store.book[?(@.price < 10)].title"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkObjects is the benchmarks above on documents of value.Objects, as the decoder builds them.
func BenchmarkObjects(b *testing.B) {
	items := make([]any, 10)
	for i := range items {
		items[i] = map[string]any{"x": int64(i), "y": "z"}
	}
	wide := map[string]any{}
	for i := range 10 {
		wide[fmt.Sprint("key", i)] = int64(i)
	}
	for _, bc := range []struct {
		name, path string
		doc        map[string]any
	}{
		{"definite", "$.a.b.c", map[string]any{"a": map[string]any{"b": map[string]any{"c": int64(1)}, "x": "y"}, "z": int64(2)}},
		{"wildcard", "$.items[*].x", map[string]any{"items": items}},
		{"filter", "$.items[?(@.x > 4 && @.y == 'z')].x", map[string]any{"items": items}},
		{"set", "$.last", wide},
	} {
		doc := value.Compact(bc.doc)
		p, err := Parse(bc.path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bc.name == "set" {
					if _, err := p.Set(doc, "v"); err != nil {
						b.Fatal(err)
					}
				} else if _, ok := p.Get(doc); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}
