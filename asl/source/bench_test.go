package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// definition generates an indented definition of a chain of Pass states, each
// with a few fields of every kind.
func definition(states int) []byte {
	var b strings.Builder
	b.WriteString(`{"Comment":"generated","StartAt":"State0","States":{`)
	for i := range states {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"State%d":{"Type":"Pass","Comment":"Pass state number %d \u00e9",`+
			`"Parameters":{"index":%d,"ratio":%d.5e-1,"name.$":"$.name","flags":[true,false,null]},`+
			`"ResultPath":"$.results[%d]",`, i, i, i, i, i)
		if i == states-1 {
			b.WriteString(`"End":true}`)
		} else {
			fmt.Fprintf(&b, `"Next":"State%d"}`, i+1)
		}
	}
	b.WriteString("}}")
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(b.String()), "", "  "); err != nil {
		panic(err)
	}
	return out.Bytes()
}

func BenchmarkParseJSON(b *testing.B) {
	for _, states := range []int{1000, 4000} {
		data := definition(states)
		b.Run(fmt.Sprintf("%dstates-%dKiB", states, len(data)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseJSON(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodingJSON is the yardstick for BenchmarkParseJSON.
func BenchmarkEncodingJSON(b *testing.B) {
	data := definition(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseYAML(b *testing.B) {
	var v any
	if err := json.Unmarshal(definition(1000), &v); err != nil {
		b.Fatal(err)
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseYAML(data); err != nil {
			b.Fatal(err)
		}
	}
}
