package asl

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The processors of the Map states below: a DISTRIBUTED one, and an inline one (no ProcessorConfig).
const (
	dproc = `"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`
	iproc = `"ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`
	// getObject and listObjects are an ItemReader's resource and bucket, without its ReaderConfig.
	getObject   = `"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"}`
	listObjects = `"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}`
	putObject   = `"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}`
)

// mapSM builds a definition whose one state A is a Map with the given processor and other fields.
func mapSM(proc, fields string) string {
	return sm(`"A": {"Type": "Map", ` + fields + `, ` + proc + `, "End": true}`)
}

// mapATA is mapSM in a JSONata definition.
func mapATA(proc, fields string) string {
	return jsonataSM(`"A": {"Type": "Map", ` + fields + `, ` + proc + `, "End": true}`)
}

// reader is a DISTRIBUTED Map reading with getObject and the given ReaderConfig.
func reader(cfg string) string {
	return mapSM(dproc, `"ItemReader": {`+getObject+`, "ReaderConfig": `+cfg+`}`)
}

// mapCases hold definitions and the diagnostics they must give, as "CODE pointer" in order, with a
// fragment of the first one's message.
var mapCases = []struct {
	name string
	def  string
	want []string
	msg  string
}{
	// The mode, and the fields of a DISTRIBUTED Map alone.
	{name: "distributed map", def: mapSM(dproc, `"Label": "L", "ItemReader": {`+getObject+`, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}}, "ItemBatcher": {"MaxItemsPerBatch": 10}, "ToleratedFailurePercentage": 5, "ResultWriter": {`+putObject+`}`)},
	{name: "distributed map without execution type", def: mapSM(`"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`, `"MaxConcurrency": 2`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor/ProcessorConfig"}, msg: "These fields are required: [ExecutionType]"},
	{name: "execution type not known", def: mapSM(`"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "FAST"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`, `"MaxConcurrency": 2`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor/ProcessorConfig/ExecutionType"}, msg: "Value should be one of the following: [STANDARD, EXPRESS]"},
	{name: "execution type inline", def: mapSM(`"ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`, `"MaxConcurrency": 2`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemProcessor/ProcessorConfig"}, msg: "Field 'ExecutionType' is not supported"},
	{name: "item reader inline", def: mapSM(iproc, `"ItemReader": {`+getObject+`, "ReaderConfig": {"InputType": "JSON"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A"}, msg: "The field 'ItemReader' is only supported for a Map state whose ItemProcessor.ProcessorConfig.Mode is 'DISTRIBUTED'"},
	{name: "batcher and writer inline", def: mapSM(`"ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`, `"ItemBatcher": {"MaxItemsPerBatch": 2}, "ResultWriter": {`+putObject+`}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A", "SCHEMA_VALIDATION_FAILED /States/A"}, msg: "The field 'ItemBatcher'"},
	{name: "tolerated failures and label on an iterator", def: sm(`"A": {"Type": "Map", "ToleratedFailurePercentagePath": "$.p", "Label": "L", "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A", "SCHEMA_VALIDATION_FAILED /States/A"}, msg: "The field 'ToleratedFailurePercentagePath'"},
	{name: "batcher limit twice", def: mapSM(dproc, `"ItemBatcher": {"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemBatcher"}, msg: "There should only be one of the following fields: [MaxItemsPerBatch, MaxItemsPerBatchPath]"},
	{name: "label too long", def: mapSM(dproc, `"Label": "`+strings.Repeat("l", 41)+`"`),
		want: []string{"INVALID_LABEL_NAME /States/A/Label"}},
	{name: "label twice", def: sm(`"A": {"Type": "Map", "Label": "L", ` + dproc + `, "Next": "C"}, "C": {"Type": "Map", "Label": "L", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "D", "States": {"D": {"Type": "Succeed"}}}, "End": true}`),
		want: []string{"DUPLICATE_LABEL_NAME /States/C/Label"}},

	// ItemsPointer, in the state and in ReaderConfig.
	{name: "items pointer", def: mapSM(iproc, `"ItemsPointer": "/a/b~1c/0"`)},
	{name: "items pointer of the whole input", def: mapSM(dproc, `"ItemsPointer": ""`)},
	{name: "items pointer in a jsonata state", def: mapATA(iproc, `"ItemsPointer": "/items"`)},
	{name: "items pointer not a pointer", def: mapSM(iproc, `"ItemsPointer": "a/b"`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemsPointer"}, msg: "The value for the field 'ItemsPointer' must be a valid JSON Pointer"},
	{name: "items pointer escape", def: mapSM(iproc, `"ItemsPointer": "/a~2"`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemsPointer"}},
	{name: "items pointer not a string", def: mapSM(iproc, `"ItemsPointer": 1`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemsPointer"}, msg: "must be a string"},
	{name: "items pointer and items path", def: mapSM(iproc, `"ItemsPath": "$.a", "ItemsPointer": "/a"`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A"}, msg: "There should only be one of the following fields: [ItemsPath, ItemsPointer]"},
	{name: "items pointer and items", def: mapATA(iproc, `"Items": [1], "ItemsPointer": "/a"`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A"}, msg: "[Items, ItemsPointer]"},
	{name: "reader items pointer", def: reader(`{"InputType": "JSON", "ItemsPointer": "/Facilities"}`)},
	{name: "reader items pointer not a pointer", def: reader(`{"InputType": "JSON", "ItemsPointer": "Facilities"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/ItemsPointer"}, msg: "valid JSON Pointer"},
	{name: "reader items pointer of a csv", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "ItemsPointer": "/a"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "Field 'ItemsPointer' is not supported"},

	// ItemReader and its ReaderConfig.
	{name: "reader resource", def: mapSM(dproc, `"ItemReader": {"Resource": "arn:aws:states:::s3:putObject"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/Resource"}, msg: "does not match any of the allowed values"},
	{name: "list objects", def: mapSM(dproc, `"ItemReader": {`+listObjects+`, "ReaderConfig": {"MaxItems": 10}}`)},
	{name: "list objects with an input type", def: mapSM(dproc, `"ItemReader": {`+listObjects+`, "ReaderConfig": {"InputType": "MANIFEST"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "Field 'InputType' is not supported with the resource 'arn:aws:states:::s3:listObjectsV2'"},
	{name: "list objects loaded and flattened", def: mapSM(dproc, `"ItemReader": {`+listObjects+`, "ReaderConfig": {"Transformation": "LOAD_AND_FLATTEN", "InputType": "JSONL"}}`)},
	{name: "list objects with an input type", def: mapSM(dproc, `"ItemReader": {`+listObjects+`, "ReaderConfig": {"InputType": "JSONL"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "Field 'InputType' is not supported with the resource"},
	{name: "get object loaded and flattened", def: reader(`{"InputType": "JSON", "Transformation": "LOAD_AND_FLATTEN"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "'LOAD_AND_FLATTEN' is only supported with the resource"},
	{name: "s3 inventory without input type", def: reader(`{"ManifestType": "S3_INVENTORY"}`)},
	{name: "inventory manifest with csv fields", def: reader(`{"InputType": "MANIFEST", "CSVDelimiter": "PIPE"}`)},
	{name: "get object without reader config", def: mapSM(dproc, `"ItemReader": {`+getObject+`}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader"}, msg: "The field 'ReaderConfig' is required but was missing"},
	{name: "get object without input type", def: reader(`{"MaxItems": 5}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "The field 'InputType' is required"},
	{name: "reader config not an object", def: reader(`"JSON"`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "must be an object, not a string"},
	{name: "input type not known", def: reader(`{"InputType": "XML"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/InputType"}, msg: "Value should be one of the following: [CSV, JSON, JSONL, MANIFEST, PARQUET]"},
	{name: "jsonl and parquet", def: mapSM(dproc, `"ItemReader": {`+getObject+`, "ReaderConfig": {"InputType": "JSONL"}}, "ItemBatcher": {"MaxInputBytesPerBatch": 1024}, "ResultWriter": {"WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}}`)},
	{name: "csv without header location", def: reader(`{"InputType": "CSV"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "The field 'CSVHeaderLocation' is required"},
	{name: "csv given headers", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "CSVDelimiter": "TAB"}`)},
	{name: "csv given without headers", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "These fields are required: [CSVHeaders]"},
	{name: "csv headers of the first row", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVHeaders": ["a"]}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "Field 'CSVHeaders' is not supported"},
	{name: "csv headers not strings", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", 1]}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/CSVHeaders"}, msg: "must hold only strings, not a number"},
	{name: "csv headers empty", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": []}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/CSVHeaders"}, msg: "must not be empty"},
	{name: "csv header location not known", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "LAST_ROW"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/CSVHeaderLocation"}, msg: "Value should be one of the following: [FIRST_ROW, GIVEN]"},
	{name: "csv delimiter not known", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "COLON"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/CSVDelimiter"}, msg: "[COMMA, PIPE, SEMICOLON, SPACE, TAB]"},
	{name: "csv delimiter of jsonl", def: reader(`{"InputType": "JSONL", "CSVDelimiter": "PIPE"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "Field 'CSVDelimiter' is not supported"},
	{name: "header location of json", def: reader(`{"InputType": "JSON", "CSVHeaderLocation": "FIRST_ROW"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "Field 'CSVHeaderLocation' is not supported"},
	{name: "s3 inventory manifest", def: reader(`{"InputType": "MANIFEST", "ManifestType": "S3_INVENTORY"}`)},
	{name: "athena manifest", def: reader(`{"InputType": "PARQUET", "ManifestType": "ATHENA_DATA"}`)},
	{name: "athena manifest of json", def: reader(`{"InputType": "JSON", "ManifestType": "ATHENA_DATA"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "The ManifestType 'ATHENA_DATA' needs an InputType of [CSV, JSONL, PARQUET]"},
	{name: "s3 inventory of a csv", def: reader(`{"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "ManifestType": "S3_INVENTORY"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "The ManifestType 'S3_INVENTORY' takes no InputType, or the InputType 'MANIFEST'"},
	{name: "manifest type not known", def: reader(`{"InputType": "MANIFEST", "ManifestType": "GLUE"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/ManifestType"}, msg: "[S3_INVENTORY, ATHENA_DATA]"},
	{name: "max items twice", def: reader(`{"InputType": "JSON", "MaxItems": 1, "MaxItemsPath": "$.n"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "There should only be one of the following fields: [MaxItems, MaxItemsPath]"},
	{name: "max items negative", def: reader(`{"InputType": "JSON", "MaxItems": -1}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/MaxItems"}, msg: "Minimum value is 0"},
	{name: "max items path not a path", def: reader(`{"InputType": "JSON", "MaxItemsPath": "n"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig/MaxItemsPath"}},
	{name: "jsonata reader", def: mapATA(dproc, `"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "k"}, "ReaderConfig": {"InputType": "{% $states.input.type %}", "MaxItems": "{% 10 %}"}}`)},
	{name: "jsonata reader max items path", def: mapATA(dproc, `"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {"Bucket": "b", "Key": "k"}, "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$.n"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemReader/ReaderConfig"}, msg: "field 'MaxItemsPath' is only supported for the 'JSONPath' QueryLanguage"},

	// ResultWriter.
	{name: "writer config and bucket", def: mapSM(dproc, `"ResultWriter": {`+putObject+`, "WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}}`)},
	{name: "writer without parameters", def: mapSM(dproc, `"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter"}, msg: "The field 'Parameters' is required but was missing"},
	{name: "writer without resource", def: mapSM(dproc, `"ResultWriter": {"Parameters": {"Bucket": "b"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter"}, msg: "The field 'Resource' is required but was missing"},
	{name: "writer empty", def: mapSM(dproc, `"ResultWriter": {}`),
		want: []string{"EMPTY_RESULT_WRITER /States/A/ResultWriter"}, msg: "fails when it runs"},
	{name: "writer resource", def: mapSM(dproc, `"ResultWriter": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter/Resource"}},
	{name: "writer transformation not known", def: mapSM(dproc, `"ResultWriter": {"WriterConfig": {"Transformation": "GZIP"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter/WriterConfig/Transformation"}, msg: "Value should be one of the following: [NONE, COMPACT, FLATTEN]"},
	{name: "writer output type not known", def: mapSM(dproc, `"ResultWriter": {"WriterConfig": {"OutputType": "CSV"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter/WriterConfig/OutputType"}, msg: "[JSON, JSONL]"},
	{name: "writer config field not known", def: mapSM(dproc, `"ResultWriter": {"WriterConfig": {"Compression": "GZIP"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter/WriterConfig"}, msg: "Field 'Compression' is not supported"},
	{name: "writer config not an object", def: mapSM(dproc, `"ResultWriter": {"WriterConfig": []}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter/WriterConfig"}, msg: "must be an object, not an array"},
	{name: "jsonata writer", def: mapATA(dproc, `"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b", "Prefix": "{% $states.input.p %}"}}`)},
	{name: "jsonata writer with parameters", def: mapATA(dproc, `"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b"}}`),
		want: []string{"SCHEMA_VALIDATION_FAILED /States/A/ResultWriter", "SCHEMA_VALIDATION_FAILED /States/A/ResultWriter"}, msg: "The field 'Arguments' is required but was missing"},
}

func TestMapRules(t *testing.T) {
	for _, tc := range mapCases {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := Check([]byte(tc.def), Options{})
			if len(tc.want) == 0 {
				assert.Empty(t, found(ds))
				return
			}
			require.Equal(t, tc.want, found(ds))
			assert.Contains(t, ds[0].Message, tc.msg)
		})
	}
}

func TestValidPointer(t *testing.T) {
	for _, tc := range []struct {
		pointer string
		want    bool
	}{
		{"", true}, {"/", true}, {"/a/0", true}, {"/a~0b/c~1d", true}, {"/ x ", true},
		{"a", false}, {"#/a", false}, {"/a~", false}, {"/a~2", false}, {"/~/a", false},
	} {
		assert.Equal(t, tc.want, validPointer(tc.pointer), "%q", tc.pointer)
	}
}

// TestItemsPointerParsed: the model holds the state's ItemsPointer as written.
func TestItemsPointerParsed(t *testing.T) {
	sm, ds := Check([]byte(mapSM(dproc, `"ItemsPointer": "/a/b"`)), Options{})
	require.Empty(t, ds)
	assert.Equal(t, "/a/b", sm.States["A"].(*Map).ItemsPointer)
}

// TestItemsPointerOfABuiltModel: Validate checks the model's ItemsPointer when no document is behind it.
func TestItemsPointerOfABuiltModel(t *testing.T) {
	proc := &Machine{StartAt: "B", Order: []string{"B"}, Pointer: "/States/A/ItemProcessor",
		States: map[string]State{"B": &Succeed{Common: Common{Name: "B", Type: TypeSucceed, End: true, Pointer: "/States/A/ItemProcessor/States/B"}}}}
	m := &Map{Common: Common{Name: "A", Type: TypeMap, End: true, Pointer: "/States/A"}, Processor: proc, ProcessorMode: "INLINE"}
	def := &StateMachine{Machine: Machine{StartAt: "A", Order: []string{"A"}, States: map[string]State{"A": m}}}
	m.ItemsPointer = "/ok"
	assert.Empty(t, found(Validate(def, Options{})))
	m.ItemsPointer = "no"
	assert.Equal(t, []string{"SCHEMA_VALIDATION_FAILED /States/A/ItemsPointer"}, found(Validate(def, Options{})))
}
