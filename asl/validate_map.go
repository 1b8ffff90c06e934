package asl

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aslrun/aslrun/asl/source"
)

const (
	modeDistributed = "DISTRIBUTED"
	// maxLabel is the longest Map Label AWS accepts, in characters.
	maxLabel = 40
	// maxBatchBytes is the largest MaxInputBytesPerBatch, 256 KiB.
	maxBatchBytes = 262144
)

// labelForbidden are the characters a Label cannot hold, those AWS forbids in the names of state machines
// and executions (the Label names the child executions of a Distributed Map).
const labelForbidden = " <>{}[]?*\"#%\\^|~`$&,;:/"

// distributedOnly are the Map fields that only a DISTRIBUTED Map uses: the guide lists them among the
// Distributed Map's fields and not the Inline Map's, and an inline Map runs no Map Run to read, batch,
// write, tolerate or label.
var distributedOnly = []string{
	"ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath",
	"ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label",
}

// mapState checks a Map state and, recursively, its processor.
func (v *validator) mapState(s *Map, depth int, distributed bool) {
	c := &s.Common
	dmap := s.ProcessorMode == modeDistributed
	if c.QueryLanguage != JSONata {
		v.results(c, s.ResultFields)
		v.pathField(c.Node, c.Pointer, "ItemsPath", refPath)
		v.template(c, "ItemSelector", s.ItemSelector)
		v.template(c, "Parameters", s.Parameters)
		v.pathField(c.Node, c.Pointer, "MaxConcurrencyPath", refPath)
		if dmap {
			v.pathField(c.Node, c.Pointer, "ToleratedFailureCountPath", refPath)
			v.pathField(c.Node, c.Pointer, "ToleratedFailurePercentagePath", refPath)
		}
	} else if s.Items != nil && s.Items.Kind != source.Array && !(s.Items.Kind == source.String && isJSONataTemplate(s.Items.Str)) {
		// Ours: Items is the array to iterate over, or an expression that gives it.
		v.ds.errorf(CodeSchema, s.Items.Pos, c.Pointer+"/Items", "The field 'Items' must be an array or a JSONata expression \"{%% ... %%}\"")
	}
	if !validPointer(s.ItemsPointer) {
		v.ds.errorf(CodeSchema, posOf(member(c.Node, "ItemsPointer")), c.Pointer+"/ItemsPointer", pointerMessage, "ItemsPointer")
	}
	v.processorConfig(s)
	if dmap {
		v.label(s)
		v.itemReader(s)
		v.itemBatcher(s)
		v.resultWriter(s)
	} else {
		v.inlineMap(s)
	}
	v.errors(c, s.Errors)
	v.inScope(s.Processor, dmap, func() {
		v.machine(s.Processor, depth+1, distributed || dmap)
	})
}

// inlineMap refuses the fields of a DISTRIBUTED Map on an inline one. Ours, wording and all: AWS's
// answer has not been recorded, and aslrun would otherwise accept the fields and ignore them.
func (v *validator) inlineMap(s *Map) {
	if s.Node == nil {
		return
	}
	for _, m := range s.Node.Members {
		if slices.Contains(distributedOnly, m.Key) {
			v.ds.errorf(CodeSchema, m.KeyPos, s.Pointer,
				"The field '%s' is only supported for a Map state whose ItemProcessor.ProcessorConfig.Mode is 'DISTRIBUTED'", m.Key)
		}
	}
}

// processorConfig checks that ExecutionType is given exactly when the processor runs DISTRIBUTED. The
// wording is AWS's, as cdk-preflight recorded it from ValidateStateMachineDefinition.
func (v *validator) processorConfig(s *Map) {
	for _, key := range []string{"ItemProcessor", "Iterator"} {
		proc := member(s.Node, key)
		cfg := member(proc, "ProcessorConfig")
		if cfg == nil || cfg.Kind != source.Object {
			continue
		}
		ptr := s.Pointer + "/" + key + "/ProcessorConfig"
		et := member(cfg, "ExecutionType")
		switch {
		case s.ProcessorMode == modeDistributed && et == nil:
			v.ds.errorf(CodeSchema, cfg.Pos, ptr, "These fields are required: [ExecutionType]")
		case s.ProcessorMode != modeDistributed && et != nil:
			v.ds.errorf(CodeSchema, et.Pos, ptr, "Field 'ExecutionType' is not supported")
		}
	}
}

// label checks a Map's Label: its length, its characters, and that no other Map has it.
func (v *validator) label(s *Map) {
	n := member(s.Node, "Label")
	if n == nil || n.Kind != source.String {
		return
	}
	ptr := s.Pointer + "/Label"
	switch {
	case utf8.RuneCountInString(n.Str) > maxLabel:
		// The codes are AWS's, as cdk-preflight recorded them; the wording follows AWS's for state names.
		v.ds.errorf(CodeInvalidLabelName, n.Pos, ptr, "Invalid Label name: Label '%s' exceeds the %d-character limit allowed by the service", n.Str, maxLabel)
	case strings.ContainsAny(n.Str, labelForbidden) || strings.IndexFunc(n.Str, unicode.IsControl) >= 0:
		v.ds.errorf(CodeInvalidLabelName, n.Pos, ptr, "Invalid Label name: Label '%s' holds a character that is not allowed", n.Str)
	}
	if v.labels[n.Str] {
		v.ds.errorf(CodeDuplicateLabelName, n.Pos, ptr, "Duplicate Label name: %s", n.Str)
	}
	v.labels[n.Str] = true
}

// itemBatcher checks the shape of a Map's ItemBatcher: each limit given once, as a number or a path, and
// at least one limit.
func (v *validator) itemBatcher(s *Map) {
	b := s.ItemBatcher
	if b == nil {
		return
	}
	ptr := s.Pointer + "/ItemBatcher"
	v.subObject(b, ptr, s.QueryLanguage, "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
		"MaxInputBytesPerBatchPath", "BatchInput")
	v.onlyOne(b, ptr, "MaxItemsPerBatch", "MaxItemsPerBatchPath")
	v.onlyOne(b, ptr, "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")
	if member(b, "MaxItemsPerBatch") == nil && member(b, "MaxItemsPerBatchPath") == nil &&
		member(b, "MaxInputBytesPerBatch") == nil && member(b, "MaxInputBytesPerBatchPath") == nil {
		// Ours: the developer guide requires at least one of the limits.
		v.ds.errorf(CodeSchema, b.Pos, ptr, "ItemBatcher needs at least one of MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch and MaxInputBytesPerBatchPath")
	}
	v.count(b, ptr, "MaxItemsPerBatch", s.QueryLanguage, 1)
	if n := v.count(b, ptr, "MaxInputBytesPerBatch", s.QueryLanguage, 1); n != nil {
		v.maximum(n, ptr+"/MaxInputBytesPerBatch", numberOf(n), maxBatchBytes)
	}
	if s.QueryLanguage != JSONata {
		v.pathField(b, ptr, "MaxItemsPerBatchPath", refPath)
		v.pathField(b, ptr, "MaxInputBytesPerBatchPath", refPath)
		if in := member(b, "BatchInput"); in != nil {
			v.walkTemplate(in, ptr+"/BatchInput")
		}
	}
}

// subObject checks the fields of an ItemReader, ItemBatcher or ResultWriter: only the known ones, those
// of the state's query language, and its templates or JSONata expressions.
func (v *validator) subObject(n *source.Node, ptr string, ql QueryLanguage, known ...string) {
	for _, m := range n.Members {
		if !slices.Contains(known, m.Key) {
			v.ds.errorf(CodeSchema, m.KeyPos, ptr, "Field '%s' is not supported", m.Key)
		}
	}
	pathOnly := map[string]bool{"Parameters": true, "MaxItemsPerBatchPath": true, "MaxInputBytesPerBatchPath": true}
	v.otherLanguage(n, ptr, ql, pathOnly, map[string]bool{"Arguments": true})
	if ql != JSONata {
		if p := member(n, "Parameters"); p != nil {
			v.walkTemplate(p, ptr+"/Parameters")
		}
	}
}

// onlyOne reports a field given together with its ...Path form, in AWS's words.
func (v *validator) onlyOne(n *source.Node, ptr string, keys ...string) {
	count := 0
	for _, k := range keys {
		if member(n, k) != nil {
			count++
		}
	}
	if count > 1 {
		v.ds.errorf(CodeSchema, n.Pos, ptr, "There should only be one of the following fields: [%s]", strings.Join(keys, ", "))
	}
}

// count checks a whole number of at least min, which a JSONata state may give as an expression; it
// returns the node when it holds a number.
func (v *validator) count(n *source.Node, ptr, key string, ql QueryLanguage, min int) *source.Node {
	f := member(n, key)
	if f == nil {
		return nil
	}
	switch f.Kind {
	case source.Number:
		x := numberOf(f)
		if x != float64(int64(x)) {
			v.ds.errorf(CodeSchema, f.Pos, ptr+"/"+key, "The field '%s' must be an integer, not a number", key)
		} else if x < float64(min) {
			v.ds.errorf(CodeSchema, f.Pos, ptr+"/"+key, "Minimum value is %d", min)
		}
		return f
	case source.String:
		v.amount(n, ptr, key, ql)
	default:
		v.ds.errorf(CodeSchema, f.Pos, ptr+"/"+key, "The field '%s' must be an integer, not %s", key, article(f.Kind))
	}
	return nil
}

// numberOf is the value of a Number node (Parse has checked its syntax).
func numberOf(n *source.Node) float64 {
	switch x := n.Value().(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}
