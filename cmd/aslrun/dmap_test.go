package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dmapDef reads the items of one object (its ReaderConfig given), 100 to a batch, into EXPRESS children
// that count and sum their items' ids and echo the BatchInput; the ResultWriter puts their results in the
// bucket "out".
func dmapDef(readerConfig string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":` + readerConfig + `,
			"Parameters":{"Bucket":"in","Key.$":"$.key"}},
		"ItemBatcher":{"MaxItemsPerBatch":100,"BatchInput":{"run.$":"$.run"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"results"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Count","States":{
			"Count":{"Type":"Pass","QueryLanguage":"JSONata","End":true,"Output":{
				"count":"{% $count($states.input.Items) %}",
				"sum":"{% $sum($states.input.Items.($number(id))) %}",
				"run":"{% $states.input.BatchInput.run %}"}}}}}}}`
}

// dmapInputs writes the rows 0..n-1 as CSV and as JSONL into the bucket "in" of a new S3 root.
func dmapInputs(t testing.TB, n int) string {
	t.Helper()
	root := t.TempDir()
	for _, bucket := range []string{"in", "out"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, bucket), 0o755))
	}
	for _, format := range []string{"csv", "jsonl"} {
		f, err := os.Create(filepath.Join(root, "in", "rows."+format))
		require.NoError(t, err)
		w := bufio.NewWriter(f)
		if format == "csv" {
			fmt.Fprintln(w, "id,name,city")
		}
		for i := range n {
			if format == "csv" {
				fmt.Fprintf(w, "%d,name %d,city %d\n", i, i, i%97)
			} else {
				fmt.Fprintf(w, `{"id":"%d","name":"name %d","city":"city %d"}`+"\n", i, i, i%97)
			}
		}
		require.NoError(t, w.Flush())
		require.NoError(t, f.Close())
	}
	return root
}

// dmapRun runs aslrun execute in a process of its own, so that its peak memory is its own, and checks
// that every item was processed once, in batches of 100 with their BatchInput. It returns the run's
// wall time and peak RSS.
func dmapRun(t testing.TB, root, format string, n int) (time.Duration, int64) {
	t.Helper()
	cfg := map[string]string{"csv": `{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"}`, "jsonl": `{"InputType":"JSONL"}`}[format]
	def := filepath.Join(t.TempDir(), "dmap.asl.json")
	require.NoError(t, os.WriteFile(def, []byte(dmapDef(cfg)), 0o600))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join([]string{"execute", def, "--s3-root", root,
		"--input", `{"key":"rows.` + format + `","run":"r-` + format + `"}`}, "\n"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	stdout, err := cmd.Output()
	took := time.Since(start)
	require.NoError(t, err, "stderr: %s", stderr.String())
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024 // KiB on Linux

	var out struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	require.NoError(t, json.Unmarshal(stdout, &out), string(stdout))
	require.Equal(t, "out", out.ResultWriterDetails.Bucket)
	var manifest struct {
		MapRunArn   string
		ResultFiles struct{ SUCCEEDED, FAILED, PENDING []struct{ Key string } }
	}
	b, err := os.ReadFile(filepath.Join(root, "out", out.ResultWriterDetails.Key))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &manifest))
	assert.Equal(t, out.MapRunArn, manifest.MapRunArn)
	assert.Empty(t, manifest.ResultFiles.FAILED)
	assert.Empty(t, manifest.ResultFiles.PENDING)
	var batches, items, sum int64
	for _, f := range manifest.ResultFiles.SUCCEEDED {
		b, err := os.ReadFile(filepath.Join(root, "out", f.Key))
		require.NoError(t, err)
		var results []struct{ Status, Output string }
		require.NoError(t, json.Unmarshal(b, &results))
		for _, r := range results {
			require.Equal(t, "SUCCEEDED", r.Status)
			var o struct {
				Count, Sum int64
				Run        string
			}
			require.NoError(t, json.Unmarshal([]byte(r.Output), &o), r.Output)
			require.Equal(t, "r-"+format, o.Run, "BatchInput passed")
			require.LessOrEqual(t, o.Count, int64(100))
			batches, items, sum = batches+1, items+o.Count, sum+o.Sum
		}
	}
	assert.Equal(t, int64(n/100), batches, "children")
	assert.Equal(t, int64(n), items, "items")
	assert.Equal(t, int64(n)*int64(n-1)/2, sum, "every id once")
	return took, rss
}

// The dmap issue's Done-when: a Distributed Map reads 200,000 rows of a CSV file, and of a JSONL file,
// from --s3-root, batches them by 100 into 2,000 EXPRESS children and writes their results with the
// ResultWriter, within 400 MB. (Its speed is BenchmarkDistributedMap's.)
func TestDistributedMapFromS3Root(t *testing.T) {
	if testing.Short() {
		t.Skip("runs aslrun in a process of its own")
	}
	const rows = 200_000
	root := dmapInputs(t, rows)
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			took, rss := dmapRun(t, root, format, rows)
			assert.LessOrEqual(t, rss, int64(400<<20), "peak RSS")
			t.Logf("%d %s rows: %v, peak RSS %d MB", rows, format, took.Round(time.Millisecond), rss>>20)
		})
	}
}

// BenchmarkDistributedMap reads ASLRUN_DMAP_ROWS rows (default 1,000,000) of CSV and of JSONL through
// aslrun execute --s3-root, as TestDistributedMapFromS3Root does: items/s and the process's peak RSS.
//
//	go test ./cmd/aslrun -run xxx -bench DistributedMap -benchtime 1x
func BenchmarkDistributedMap(b *testing.B) {
	rows := 1_000_000
	if v := os.Getenv("ASLRUN_DMAP_ROWS"); v != "" {
		_, err := fmt.Sscan(v, &rows)
		require.NoError(b, err)
	}
	root := dmapInputs(b, rows)
	for _, format := range []string{"csv", "jsonl"} {
		b.Run(format, func(b *testing.B) {
			var took time.Duration
			var rss int64
			for range b.N {
				d, r := dmapRun(b, root, format, rows)
				took, rss = took+d, max(rss, r)
			}
			b.ReportMetric(float64(rows)*float64(b.N)/took.Seconds(), "items/s")
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
		})
	}
}
