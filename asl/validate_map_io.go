package asl

import (
	"slices"
	"strings"

	"github.com/aslrun/aslrun/asl/source"
)

// The S3 actions a Distributed Map reads its items with and writes its results with, and the values of
// the fields that configure them, as the guide's ItemReader and ResultWriter pages list them.
var (
	readerResources    = []string{actionGetObject, actionListObjects}
	writerResources    = []string{"s3:putObject"}
	readerInputs       = []string{"CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"}
	readerConfigFields = []string{"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "ManifestType",
		"MaxItems", "MaxItemsPath", "ItemsPointer", "Transformation"}
	csvDelimiters = []string{"COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"}
	// athenaInputs are the formats of the data files an Athena manifest lists.
	athenaInputs = []string{"CSV", "JSONL", "PARQUET"}
)

const (
	actionGetObject   = "s3:getObject"
	actionListObjects = "s3:listObjectsV2"
)

// itemReader checks a Map's ItemReader: its fields, its resource and its ReaderConfig.
func (v *validator) itemReader(s *Map) {
	r := s.ItemReader
	if r == nil {
		return
	}
	ptr := s.Pointer + "/ItemReader"
	v.subObject(r, ptr, s.QueryLanguage, "Resource", "ReaderConfig", "Parameters", "Arguments")
	action := v.s3Resource(r, ptr, readerResources)
	cfg := member(r, "ReaderConfig")
	switch {
	case cfg == nil:
		if action == actionGetObject {
			// Ours: without an InputType nothing tells how to read the object.
			v.ds.errorf(CodeSchema, r.Pos, ptr, "The field 'ReaderConfig' is required but was missing")
		}
	case cfg.Kind != source.Object:
		v.ds.errorf(CodeSchema, cfg.Pos, ptr+"/ReaderConfig", "The field 'ReaderConfig' must be an object, not %s", article(cfg.Kind))
	default:
		v.readerConfig(cfg, ptr+"/ReaderConfig", action, s.QueryLanguage)
	}
}

// readerConfig checks an ItemReader's ReaderConfig: the known fields, each value, and which fields go
// with which InputType and resource. The rules whose wording is not AWS's say so; they follow the guide:
// listObjectsV2 lists objects and reads none, getObject reads one in the InputType's format, and a field
// of another format would be ignored.
func (v *validator) readerConfig(cfg *source.Node, ptr, action string, ql QueryLanguage) {
	for _, m := range cfg.Members {
		if !slices.Contains(readerConfigFields, m.Key) {
			v.ds.errorf(CodeSchema, m.KeyPos, ptr, "Field '%s' is not supported", m.Key)
		}
	}
	v.otherLanguage(cfg, ptr, ql, map[string]bool{"MaxItemsPath": true}, nil)
	v.onlyOne(cfg, ptr, "MaxItems", "MaxItemsPath")
	v.count(cfg, ptr, "MaxItems", ql, 0)
	if ql != JSONata {
		v.pathField(cfg, ptr, "MaxItemsPath", refPath)
	}
	in, inKnown := v.enumField(cfg, ptr, "InputType", ql, readerInputs...)
	manifest, manifestKnown := v.enumField(cfg, ptr, "ManifestType", ql, "S3_INVENTORY", "ATHENA_DATA")
	loc, locKnown := v.enumField(cfg, ptr, "CSVHeaderLocation", ql, "FIRST_ROW", "GIVEN")
	v.enumField(cfg, ptr, "CSVDelimiter", ql, csvDelimiters...)
	transform, _ := v.enumField(cfg, ptr, "Transformation", ql, "NONE", "LOAD_AND_FLATTEN")
	flatten := transform == "LOAD_AND_FLATTEN"
	v.csvHeaders(cfg, ptr)
	if n := member(cfg, "ItemsPointer"); n != nil && n.Kind != source.String {
		v.ds.errorf(CodeSchema, n.Pos, ptr+"/ItemsPointer", "The field 'ItemsPointer' must be a string, not %s", article(n.Kind))
	}
	v.pointer(cfg, ptr, "ItemsPointer")

	switch action {
	case actionListObjects:
		// Ours: a listing reads no object, unless LOAD_AND_FLATTEN reads each listed one in the InputType.
		keys := []string{"InputType", "ManifestType"}
		if flatten {
			keys = keys[1:]
		}
		for _, key := range keys {
			if m := memberEntry(cfg, key); m != nil {
				v.ds.errorf(CodeSchema, m.KeyPos, ptr, "Field '%s' is not supported with the resource 'arn:aws:states:::%s'", key, actionListObjects)
			}
		}
	case actionGetObject:
		if m := memberEntry(cfg, "Transformation"); m != nil && flatten {
			// Ours: only a listing has objects to load.
			v.ds.errorf(CodeSchema, m.KeyPos, ptr, "The Transformation 'LOAD_AND_FLATTEN' is only supported with the resource 'arn:aws:states:::%s'", actionListObjects)
		}
		if member(cfg, "InputType") == nil && member(cfg, "ManifestType") == nil {
			// Ours, in the words AWS uses for a missing CSVHeaderLocation.
			v.ds.errorf(CodeSchema, cfg.Pos, ptr, "The field 'InputType' is required")
		}
	}
	if manifest == "S3_INVENTORY" && manifestKnown && member(cfg, "InputType") == nil {
		return // the guide: an S3 inventory manifest takes no InputType
	}
	if !inKnown {
		return
	}
	if manifestKnown {
		// Ours: an S3 inventory manifest is read as InputType MANIFEST; an Athena manifest lists data files
		// of the InputType's format.
		switch {
		case manifest == "S3_INVENTORY" && in != "MANIFEST":
			v.ds.errorf(CodeSchema, cfg.Pos, ptr, "The ManifestType 'S3_INVENTORY' takes no InputType, or the InputType 'MANIFEST'")
		case manifest == "ATHENA_DATA" && !slices.Contains(athenaInputs, in):
			v.ds.errorf(CodeSchema, cfg.Pos, ptr, "The ManifestType 'ATHENA_DATA' needs an InputType of [%s]", strings.Join(athenaInputs, ", "))
		}
	}
	// Fields of another format than the InputType's. The wording is AWS's, as cdk-preflight recorded it
	// for CSVHeaderLocation with InputType JSON; the other fields are ours, in the same words.
	// An inventory manifest lists CSV files, which the CSV fields describe.
	for _, f := range []struct{ key, input, also string }{{"CSVHeaderLocation", "CSV", "MANIFEST"}, {"CSVDelimiter", "CSV", "MANIFEST"},
		{"ItemsPointer", "JSON", ""}} {
		if m := memberEntry(cfg, f.key); m != nil && in != f.input && in != f.also {
			v.ds.errorf(CodeSchema, m.KeyPos, ptr, "Field '%s' is not supported", f.key)
		}
	}
	hasLoc := member(cfg, "CSVHeaderLocation") != nil
	switch {
	case in == "CSV" && !hasLoc:
		// AWS's wording, as cdk-preflight recorded it.
		v.ds.errorf(CodeSchema, cfg.Pos, ptr, "The field 'CSVHeaderLocation' is required")
	case locKnown && loc == "GIVEN" && member(cfg, "CSVHeaders") == nil:
		// AWS's wording, as cdk-preflight recorded it.
		v.ds.errorf(CodeSchema, cfg.Pos, ptr, "These fields are required: [CSVHeaders]")
	}
	if m := memberEntry(cfg, "CSVHeaders"); m != nil && locKnown && loc != "GIVEN" {
		// Ours: the headers are read from the first row, or there is no header at all.
		v.ds.errorf(CodeSchema, m.KeyPos, ptr, "Field 'CSVHeaders' is not supported")
	}
}

// csvHeaders checks CSVHeaders: a non-empty array of strings. AWS does not evaluate it as JSONata
// (floci-io/floci records it among the fields AWS leaves alone), so it is a literal in both languages.
func (v *validator) csvHeaders(cfg *source.Node, ptr string) {
	n := member(cfg, "CSVHeaders")
	if n == nil {
		return
	}
	ptr += "/CSVHeaders"
	if n.Kind != source.Array {
		v.ds.errorf(CodeSchema, n.Pos, ptr, "The field 'CSVHeaders' must be an array of strings, not %s", article(n.Kind))
		return
	}
	if len(n.Items) == 0 {
		// Ours: a header row of no columns reads no field of any row.
		v.ds.errorf(CodeSchema, n.Pos, ptr, "The field 'CSVHeaders' must not be empty")
	}
	for _, it := range n.Items {
		if it.Kind != source.String {
			v.ds.errorf(CodeSchema, it.Pos, ptr, "The field 'CSVHeaders' must hold only strings, not %s", article(it.Kind))
		}
	}
}

// resultWriter checks a Map's ResultWriter: a Resource with its Parameters (JSONPath) or Arguments
// (JSONata) that name the bucket, a WriterConfig, or both.
func (v *validator) resultWriter(s *Map) {
	w := s.ResultWriter
	if w == nil {
		return
	}
	ptr := s.Pointer + "/ResultWriter"
	v.subObject(w, ptr, s.QueryLanguage, "Resource", "Parameters", "Arguments", "WriterConfig")
	dest := "Parameters"
	if s.QueryLanguage == JSONata {
		dest = "Arguments"
	}
	hasResource, hasDest := member(w, "Resource") != nil, member(w, dest) != nil
	cfg := member(w, "WriterConfig")
	switch {
	case hasResource:
		v.s3Resource(w, ptr, writerResources)
		if !hasDest {
			// Ours: nothing names the bucket to write to.
			v.ds.errorf(CodeSchema, w.Pos, ptr, "The field '%s' is required but was missing", dest)
		}
	case hasDest:
		// Ours: without a Resource the bucket and prefix would go unused.
		v.ds.errorf(CodeSchema, w.Pos, ptr, "The field 'Resource' is required but was missing")
	case cfg == nil:
		// AWS accepts an empty ResultWriter and the Map state fails when it runs (aws/aws-cdk#33831).
		v.ds.warnf(CodeEmptyResultWriter, w.Pos, ptr,
			"The ResultWriter has neither a WriterConfig nor a Resource with %s: AWS accepts it, and the Map state fails when it runs", dest)
	}
	if cfg != nil {
		v.writerConfig(cfg, ptr+"/WriterConfig", s.QueryLanguage)
	}
}

// writerConfig checks a ResultWriter's WriterConfig: how the results are transformed and written.
func (v *validator) writerConfig(cfg *source.Node, ptr string, ql QueryLanguage) {
	if cfg.Kind != source.Object {
		v.ds.errorf(CodeSchema, cfg.Pos, ptr, "The field 'WriterConfig' must be an object, not %s", article(cfg.Kind))
		return
	}
	for _, m := range cfg.Members {
		if m.Key != "Transformation" && m.Key != "OutputType" {
			v.ds.errorf(CodeSchema, m.KeyPos, ptr, "Field '%s' is not supported", m.Key)
		}
	}
	v.enumField(cfg, ptr, "Transformation", ql, "NONE", "COMPACT", "FLATTEN")
	v.enumField(cfg, ptr, "OutputType", ql, "JSON", "JSONL")
}

// s3Resource checks that an ItemReader or ResultWriter names one of the S3 actions it can use, and
// returns the action ("s3:getObject"), or "" when there is none.
func (v *validator) s3Resource(n *source.Node, ptr string, allowed []string) string {
	r := member(n, "Resource")
	if r == nil {
		v.ds.errorf(CodeSchema, n.Pos, ptr, "The field 'Resource' is required but was missing")
		return ""
	}
	if r.Kind != source.String {
		v.ds.errorf(CodeSchema, r.Pos, ptr+"/Resource", "The field 'Resource' must be a string, not %s", article(r.Kind))
		return ""
	}
	parts := strings.SplitN(r.Str, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !partitionRe().MatchString(parts[1]) || parts[2] != statesService ||
		parts[3] != "" || parts[4] != "" || !slices.Contains(allowed, parts[5]) {
		// AWS's wording, as cdk-preflight recorded it.
		v.ds.errorf(CodeSchema, r.Pos, ptr+"/Resource", "The field 'Resource' does not match any of the allowed values")
		return ""
	}
	return parts[5]
}

// enumField checks a field whose value must be one of values and returns it ("" when absent). known is
// false when the value cannot be told before running: a JSONata state's expression, or a wrong value
// (reported); the rules that depend on the field then leave it alone. The wording is AWS's for an enum
// field, as cdk-preflight recorded it for ExecutionType.
func (v *validator) enumField(n *source.Node, ptr, key string, ql QueryLanguage, values ...string) (val string, known bool) {
	f := member(n, key)
	switch {
	case f == nil:
		return "", true
	case f.Kind != source.String:
		v.ds.errorf(CodeSchema, f.Pos, ptr+"/"+key, "The field '%s' must be a string, not %s", key, article(f.Kind))
	case ql == JSONata && isJSONataTemplate(f.Str):
	case !slices.Contains(values, f.Str):
		v.ds.errorf(CodeSchema, f.Pos, ptr+"/"+key, "Value should be one of the following: [%s]", strings.Join(values, ", "))
	default:
		return f.Str, true
	}
	return "", false
}

// pointer checks a JSON Pointer field (RFC 6901): empty, or reference tokens each led by "/", in which
// "~" escapes only "0" (a "~") and "1" (a "/"). The wording is ours, after AWS's for a JSONPath.
func (v *validator) pointer(n *source.Node, ptr, key string) {
	f := member(n, key)
	if f == nil || f.Kind != source.String || validPointer(f.Str) {
		return
	}
	v.ds.errorf(CodeSchema, f.Pos, ptr+"/"+key, pointerMessage, key)
}

// pointerMessage words an invalid JSON Pointer; the field's name fills it in.
const pointerMessage = "The value for the field '%s' must be a valid JSON Pointer"

// validPointer reports whether s is a JSON Pointer.
func validPointer(s string) bool {
	if s != "" && s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '~' && (i+1 == len(s) || s[i+1] != '0' && s[i+1] != '1') {
			return false
		}
	}
	return true
}

// memberEntry returns the last member named key, with its key's position, or nil.
func memberEntry(n *source.Node, key string) *source.Member {
	var m *source.Member
	for i := range n.Members {
		if n.Members[i].Key == key {
			m = &n.Members[i]
		}
	}
	return m
}
