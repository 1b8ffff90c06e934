package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/resources/s3"
	"github.com/aslrun/aslrun/server/store"
)

// objectsOf is the embedded S3 in memory, holding the objects given as "bucket/key": text, and an
// empty bucket for a key "bucket/".
func objectsOf(t *testing.T, objects map[string]string) *s3.Store {
	t.Helper()
	st := s3.New(s3.Options{})
	for path, text := range objects {
		bucket, key, _ := strings.Cut(path, "/")
		if err := st.CreateBucket(bucket); err != nil && !strings.Contains(err.Error(), "BucketAlready") {
			require.NoError(t, err)
		}
		if key != "" {
			require.NoError(t, st.Put(context.Background(), bucket, key, strings.NewReader(text)))
		}
	}
	return st
}

// objectText reads an object of the store.
func objectText(t *testing.T, st *s3.Store, bucket, key string) []byte {
	t.Helper()
	body, _, err := st.Get(context.Background(), bucket, key)
	require.NoError(t, err)
	defer body.Close()
	b, err := io.ReadAll(body)
	require.NoError(t, err)
	return b
}

// runMachine creates a state machine, runs one execution of it and waits for its end.
func runMachine(t *testing.T, s *Service, name, definition, input string) *DescribeExecutionOutput {
	t.Helper()
	ctx := context.Background()
	sm, err := s.CreateStateMachine(ctx, &CreateStateMachineInput{Name: name, Definition: definition, RoleArn: "arn:aws:iam::123456789012:role/r"})
	require.NoError(t, err)
	run, err := s.StartExecution(ctx, &StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: input})
	require.NoError(t, err)
	var d *DescribeExecutionOutput
	require.Eventually(t, func() bool {
		d, err = s.DescribeExecution(ctx, &DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
		require.NoError(t, err)
		return d.Status != store.Running
	}, 20*time.Second, 5*time.Millisecond)
	return d
}

// historyOf lists an execution's event types, and the details of its MapRun events.
func historyOf(t *testing.T, s *Service, arn string) (types []string, mapRunArn string) {
	t.Helper()
	h, err := s.GetExecutionHistory(context.Background(), &GetExecutionHistoryInput{ExecutionArn: arn, MaxResults: 1000})
	require.NoError(t, err)
	for _, raw := range h.Events {
		var e struct {
			Type    string `json:"type"`
			Started struct {
				MapRunArn string `json:"mapRunArn"`
			} `json:"mapRunStartedEventDetails"`
		}
		require.NoError(t, json.Unmarshal(raw, &e))
		types = append(types, e.Type)
		if e.Started.MapRunArn != "" {
			mapRunArn = e.Started.MapRunArn
		}
	}
	return types, mapRunArn
}

// TestMapRunOfStandardChildren: a Distributed Map over its input starts a Map Run whose children are
// STANDARD executions with histories, listed by the Map Run; the parent's history records the Map Run.
func TestMapRunOfStandardChildren(t *testing.T) {
	ctx := context.Background()
	s := newTestService(t, Options{})
	d := runMachine(t, s, "parent", `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"double","End":true,
		"ItemSelector":{"n.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
			"StartAt":"D","States":{"D":{"Type":"Pass","Parameters":{"twice.$":"States.MathAdd($.n, $.n)","i.$":"$.i"},"End":true}}}}}}`,
		`[1,2,3]`)
	require.Equal(t, store.Succeeded, d.Status, deref(d.Cause))
	assert.JSONEq(t, `[{"twice":2,"i":0},{"twice":4,"i":1},{"twice":6,"i":2}]`, deref(d.Output))

	types, mapRunArn := historyOf(t, s, d.ExecutionArn)
	assert.Equal(t, []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
		"MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}, types)
	assert.Regexp(t, `^arn:aws:states:us-east-1:123456789012:mapRun:parent/double:[0-9a-f-]{36}$`, mapRunArn)

	runs, err := s.ListMapRuns(ctx, &ListMapRunsInput{ExecutionArn: d.ExecutionArn})
	require.NoError(t, err)
	require.Len(t, runs.MapRuns, 1)
	assert.Equal(t, mapRunArn, runs.MapRuns[0].MapRunArn)
	assert.Equal(t, "arn:aws:states:us-east-1:123456789012:stateMachine:parent/double", runs.MapRuns[0].StateMachineArn)
	m, err := s.DescribeMapRun(ctx, &DescribeMapRunInput{MapRunArn: mapRunArn})
	require.NoError(t, err)
	assert.Equal(t, store.Succeeded, m.Status)
	assert.Equal(t, MapRunCounts{Succeeded: 3, Total: 3}, m.ExecutionCounts)
	assert.Equal(t, MapRunCounts{Succeeded: 3, Total: 3}, m.ItemCounts)
	assert.EqualValues(t, 10000, m.MaxConcurrency)

	children, err := s.ListExecutions(ctx, &ListExecutionsInput{MapRunArn: mapRunArn})
	require.NoError(t, err)
	require.Len(t, children.Executions, 3)
	for _, c := range children.Executions {
		assert.Equal(t, store.Succeeded, c.Status)
		assert.Equal(t, runs.MapRuns[0].StateMachineArn, c.StateMachineArn)
		types, _ := historyOf(t, s, c.ExecutionArn)
		assert.Equal(t, []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}, types)
	}
}

// TestMapRunReadsBatchesAndWrites: a Distributed Map reads a CSV object, batches its rows, runs EXPRESS
// children and writes their results with the ResultWriter; its output says where.
func TestMapRunReadsBatchesAndWrites(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("id,name\n")
	for i := range 250 {
		fmt.Fprintf(&csv, "%d,n%d\n", i, i)
	}
	objs := objectsOf(t, map[string]string{"in/rows.csv": csv.String(), "out/": ""})
	s := newTestService(t, Options{Objects: objs})
	d := runMachine(t, s, "csv", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},
			"Parameters":{"Bucket":"in","Key.$":"$.key"}},
		"ItemBatcher":{"MaxItemsPerBatch":100,"BatchInput":{"run.$":"$.run"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"results"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},
			"StartAt":"C","States":{"C":{"Type":"Pass","Parameters":{"count.$":"States.ArrayLength($.Items)","run.$":"$.BatchInput.run"},"End":true}}}}}}`,
		`{"key":"rows.csv","run":"r1"}`)
	require.Equal(t, store.Succeeded, d.Status, deref(d.Cause))
	var out struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	require.NoError(t, json.Unmarshal([]byte(deref(d.Output)), &out))
	assert.Equal(t, "out", out.ResultWriterDetails.Bucket)
	id := out.MapRunArn[strings.LastIndexByte(out.MapRunArn, ':')+1:]
	assert.Equal(t, "results/"+id+"/manifest.json", out.ResultWriterDetails.Key)

	var manifest struct {
		ResultFiles struct{ SUCCEEDED, FAILED []struct{ Key string } }
	}
	require.NoError(t, json.Unmarshal(objectText(t, objs, "out", out.ResultWriterDetails.Key), &manifest))
	require.Len(t, manifest.ResultFiles.SUCCEEDED, 1)
	assert.Empty(t, manifest.ResultFiles.FAILED)
	var results []struct{ Input, Output, Status string }
	require.NoError(t, json.Unmarshal(objectText(t, objs, "out", manifest.ResultFiles.SUCCEEDED[0].Key), &results))
	require.Len(t, results, 3)
	counts := map[string]int{}
	for _, r := range results {
		assert.Equal(t, "SUCCEEDED", r.Status)
		counts[r.Output]++
		assert.Contains(t, r.Input, `"BatchInput":{"run":"r1"}`)
	}
	assert.Equal(t, map[string]int{`{"count":100,"run":"r1"}`: 2, `{"count":50,"run":"r1"}`: 1}, counts)

	m, err := s.DescribeMapRun(context.Background(), &DescribeMapRunInput{MapRunArn: out.MapRunArn})
	require.NoError(t, err)
	assert.Equal(t, MapRunCounts{Succeeded: 3, Total: 3, ResultsWritten: 3}, m.ExecutionCounts)
}

// TestMapRunToleratedFailures: failed children within the tolerated count leave the Map Run succeeding;
// one more fails it with States.ExceedToleratedFailureThreshold, and the Map Run is FAILED.
func TestMapRunToleratedFailures(t *testing.T) {
	machine := func(tolerated int) string {
		return fmt.Sprintf(`{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ToleratedFailureCount":%d,"MaxConcurrency":1,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThan":2,"Next":"F"}],"Default":"S"},
			"F":{"Type":"Fail","Error":"Big"},"S":{"Type":"Succeed"}}}}}}`, tolerated)
	}
	for _, tc := range []struct {
		tolerated int
		status    string
	}{{2, store.Succeeded}, {1, store.Failed}} {
		t.Run(fmt.Sprint("tolerated=", tc.tolerated), func(t *testing.T) {
			s := newTestService(t, Options{})
			d := runMachine(t, s, "m", machine(tc.tolerated), `[1,2,3,4]`)
			require.Equal(t, tc.status, d.Status)
			_, mapRunArn := historyOf(t, s, d.ExecutionArn)
			m, err := s.DescribeMapRun(context.Background(), &DescribeMapRunInput{MapRunArn: mapRunArn})
			require.NoError(t, err)
			assert.Equal(t, tc.status, m.Status)
			if tc.status == store.Failed {
				assert.Equal(t, "States.ExceedToleratedFailureThreshold", deref(d.Error))
				return
			}
			assert.JSONEq(t, `[1,2,null,null]`, deref(d.Output))
			assert.EqualValues(t, 2, m.ExecutionCounts.Failed)
		})
	}
}

// TestMapRunFailures: what the reader or the writer cannot do fails the Map with AWS's error, its cause
// naming the object.
func TestMapRunFailures(t *testing.T) {
	objs := objectsOf(t, map[string]string{
		"in/bad.csv":      "id,name\n1,a\n2,\"b\n",
		"in/scalar.json":  `"no array"`,
		"in/cut.json":     `[1, 2`,
		"in/cutobj.json":  `{"a": 1`,
		"in/cutstr.json":  `{"not":"an array"`,
		"in/rows.csv":     "id\n1\n2\n",
		"in/text.parquet": "not parquet at all",
	})
	reader := func(key, cfg string) string {
		return `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
			"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":` + cfg + `,"Parameters":{"Bucket":"in","Key":"` + key + `"}},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`
	}
	csv := `{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"}`
	for _, tc := range []struct {
		name, def, error, cause string
	}{
		{"missing key", reader("nope.csv", csv), "States.ItemReaderFailed", "nope.csv"},
		{"missing bucket", strings.Replace(reader("rows.csv", csv), `"Bucket":"in"`, `"Bucket":"gone"`, 1), "States.ItemReaderFailed", "gone"},
		{"malformed csv row", reader("bad.csv", csv), "States.ItemReaderFailed", "line 3"},
		{"json that is no array", reader("scalar.json", `{"InputType":"JSON"}`), "States.ItemReaderFailed", "Attempting to map over non-iterable node."},
		{"json cut short", reader("cut.json", `{"InputType":"JSON"}`), "States.ItemReaderFailed", "cut.json"},
		{"json object cut short", reader("cutobj.json", `{"InputType":"JSON"}`), "States.ItemReaderFailed", "cutobj.json"},
		{"json object cut after a string", reader("cutstr.json", `{"InputType":"JSON"}`), "States.ItemReaderFailed", "cutstr.json"},
		{"not parquet", reader("text.parquet", `{"InputType":"PARQUET"}`), "States.ItemReaderFailed", "text.parquet"},
		{"writer to a missing bucket", strings.Replace(reader("rows.csv", csv), `"ItemProcessor"`,
			`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"nowhere","Prefix":"p"}},"ItemProcessor"`, 1),
			"States.ResultWriterFailed", "nowhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestService(t, Options{Objects: objs})
			d := runMachine(t, s, "m", tc.def, `{}`)
			require.Equal(t, store.Failed, d.Status)
			assert.Equal(t, tc.error, deref(d.Error))
			assert.Contains(t, deref(d.Cause), tc.cause)
		})
	}
}

// TestMapRunJSONata: a JSONata Distributed Map evaluates its ItemReader's Arguments and ReaderConfig, its
// ItemBatcher's fields and its ResultWriter's Arguments as expressions.
func TestMapRunJSONata(t *testing.T) {
	objs := objectsOf(t, map[string]string{"in/rows.jsonl": "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n", "out/": ""})
	s := newTestService(t, Options{Objects: objs})
	d := runMachine(t, s, "ata", `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL","MaxItems":"{% $states.input.max %}"},
			"Arguments":{"Bucket":"in","Key":"{% $states.input.key %}"}},
		"ItemBatcher":{"MaxItemsPerBatch":"{% 2 %}","BatchInput":{"tag":"{% $states.input.tag %}"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true,
			"Output":"{% {'sum': $sum($states.input.Items.n), 'tag': $states.input.BatchInput.tag} %}"}}}}}}`,
		`{"key":"rows.jsonl","max":4,"tag":"t"}`)
	require.Equal(t, store.Succeeded, d.Status, deref(d.Cause))
	assert.JSONEq(t, `[{"sum":3,"tag":"t"},{"sum":7,"tag":"t"}]`, deref(d.Output))
}

// TestMapRunResultLimit: outputs that pass the payload limit fail the Map with States.DataLimitExceeded as
// soon as they do, with the children still to come not started.
func TestMapRunResultLimit(t *testing.T) {
	s := newTestService(t, Options{PayloadLimit: 1000})
	items := make([]string, 200)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	d := runMachine(t, s, "big", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{
			"P":{"Type":"Pass","Result":"twenty characters...","End":true}}}}}}`, "["+strings.Join(items, ",")+"]")
	require.Equal(t, store.Failed, d.Status)
	assert.Equal(t, "States.DataLimitExceeded", deref(d.Error))
	assert.Equal(t, "The state/task 'M' returned a result with a size exceeding the maximum number of bytes service limit.", deref(d.Cause))
	_, mapRunArn := historyOf(t, s, d.ExecutionArn)
	m, err := s.DescribeMapRun(context.Background(), &DescribeMapRunInput{MapRunArn: mapRunArn})
	require.NoError(t, err)
	assert.Less(t, m.ExecutionCounts.Total, int64(100), "stopped early")
}
