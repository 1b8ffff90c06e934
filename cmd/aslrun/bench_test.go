package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/internal/workloads"
)

// mapMillion is the map workload of ../shared/bench/gen.py at --map-items 1000000: an inline Map over a
// million items, ItemSelector with $$.Map.Item, a Pass with MathAdd in each iteration.
const mapMillion = `{"StartAt":"Fan","States":{
  "Fan":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":0,
    "ItemSelector":{"id.$":"$$.Map.Item.Value.id","v.$":"$$.Map.Item.Value.v","index.$":"$$.Map.Item.Index"},
    "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Work","States":{
      "Work":{"Type":"Pass","Parameters":{"id.$":"$.id","sum.$":"States.MathAdd($.index, $.v)"},"End":true}}},
    "ResultPath":"$.results","Next":"Count"},
  "Count":{"Type":"Pass","Parameters":{"count.$":"States.ArrayLength($.results)","first.$":"$.results[0]"},"End":true}}}`

// BenchmarkExecuteMapMillion is the map-1M workload as aslrun execute runs it, whole (input read
// and parsed, the run, the output written), in process: EXPRESS, no history asked for, the payload
// limit lifted (the input is 40 MB). peak-RSS-MB is the process's peak resident set (Linux), so run it
// alone (-bench ExecuteMapMillion -benchtime 1x) for the figure /usr/bin/time -v gives for the binary.
func BenchmarkExecuteMapMillion(b *testing.B) {
	const items = 1_000_000
	dir := b.TempDir()
	def := filepath.Join(dir, "map.asl.json")
	require.NoError(b, os.WriteFile(def, []byte(mapMillion), 0o600))
	var in bytes.Buffer
	in.WriteString(`{"items":[`)
	for i := range items {
		if i > 0 {
			in.WriteByte(',')
		}
		fmt.Fprintf(&in, `{"id":%d,"name":"item-%d","v":%d}`, i, i, i%7)
	}
	in.WriteString(`]}`)
	input := filepath.Join(dir, "input.json")
	require.NoError(b, os.WriteFile(input, in.Bytes(), 0o600))
	in = bytes.Buffer{}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		var out, errOut bytes.Buffer
		code := run([]string{"execute", def, "--type", "EXPRESS", "--no-payload-limit", "--input", input}, strings.NewReader(""), &out, &errOut)
		require.Equal(b, 0, code, errOut.String())
		require.Equal(b, `{"count":1000000,"first":{"id":0,"sum":0}}`, strings.TrimSpace(out.String()))
	}
	workloads.Report(b, time.Since(start), items+2)
	if mb, ok := peakRSS(); ok {
		b.ReportMetric(mb, "peak-RSS-MB")
	}
}

// peakRSS is the process's peak resident set in MB (VmHWM), where /proc tells it.
func peakRSS() (float64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}
