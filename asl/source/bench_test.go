package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
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

// records is a document of about size bytes of compact JSON: an array of records, as the payload of
// interpreter's BenchmarkPayloadChain and ../shared/bench/gen.py's big_blob.
func records(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"run":"payload-chain","payload":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"record-%07d","tags":["alpha","beta","gamma"],"score":%d,"active":%t,`+
			`"nested":{"x":%d,"y":"lorem ipsum dolor sit amet consectetur","z":[%d,%d,%d]}}`,
			i, i, i*37%1000, i%3 == 0, i, i, i+1, i+2)
	}
	b.WriteString(`],"last":{"step":-1}}`)
	return []byte(b.String())
}

// BenchmarkDecode compares DecodeSized, which also counts the value's size, with what Decode did before
// it: encoding/json.Valid, then ojg's parser.
func BenchmarkDecode(b *testing.B) {
	for _, doc := range []struct {
		name string
		data []byte
	}{{"200KB", records(200_000)}, {"small", []byte(`{"order":{"id":42,"items":["a","b"]},"k":1.5}`)}} {
		b.Run(doc.name, func(b *testing.B) { benchmarkDecode(b, doc.data) })
	}
}

func benchmarkDecode(b *testing.B, data []byte) {
	b.Run("valid+ojg", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if !json.Valid(data) {
				b.Fatal("invalid")
			}
			if _, err := oj.Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeSized", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := DecodeSized(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
