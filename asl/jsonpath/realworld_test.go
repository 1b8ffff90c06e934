package jsonpath

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBlanksAroundPath: Jayway trims the path before reading it, so the blanks of "$$.Execution.Name "
// (seen in deployed definitions) change nothing, and String keeps the path as written.
func TestBlanksAroundPath(t *testing.T) {
	doc := map[string]any{"Execution": map[string]any{"Name": "run-1"}}
	for _, src := range []string{"$.Execution.Name ", " $.Execution.Name", "$.Execution.Name\t\n", "$$.Execution.Name "} {
		t.Run(src, func(t *testing.T) {
			p, err := Parse(src)
			require.NoError(t, err)
			assert.Equal(t, src, p.String())
			got, ok := p.Get(doc)
			require.True(t, ok)
			assert.Equal(t, "run-1", got)
		})
	}
	_, err := ParseReference("$.a.b ")
	assert.NoError(t, err)
	var pe *ParseError
	_, err = Parse("  $.a b")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "  $.a b", pe.Path)
	assert.Equal(t, 5, pe.Offset, "offsets count from the path as written")
}

// TestUnquotedFilterValues: an unquoted word in a filter is no value Jayway reads; AWS accepts the
// definition, so Parse does too, lists the word, and the comparison never holds.
func TestUnquotedFilterValues(t *testing.T) {
	doc := map[string]any{"items": []any{
		map[string]any{"name": "ecs.availability-zone", "value": "a"},
		map[string]any{"name": "fr", "value": "b"},
	}}
	for _, tc := range []struct {
		path     string
		unquoted []string
		want     []any
	}{
		{path: "$.items[?(@.name==ecs.availability-zone)].value", unquoted: []string{"ecs.availability-zone"}, want: []any{}},
		{path: "$.items[?(@.name==fr)].value", unquoted: []string{"fr"}, want: []any{}},
		{path: "$.items[?(@.name != fr)].value", unquoted: []string{"fr"}, want: []any{}},
		{path: "$.items[?(fr == @.name || @.value == 'b')].value", unquoted: []string{"fr"}, want: []any{"b"}},
		{path: "$.items[?(@.name=='fr')].value", want: []any{"b"}},
		{path: "$.items[?(@.name==true)].value", want: []any{}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p, err := Parse(tc.path)
			require.NoError(t, err)
			assert.Equal(t, tc.unquoted, p.UnquotedValues())
			got, _ := p.Get(doc)
			assert.Equal(t, tc.want, got)
		})
	}
}
