package interpreter_test

import (
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/interpreter"
)

// TestMapItems: what a Map iterates over besides an array: an object, one iteration per entry, with the
// entry's key and value in $$.Map.Item; and the array an ItemsPointer points to.
func TestMapItems(t *testing.T) {
	for _, tc := range []struct {
		name, def, input, want string
	}{
		{name: "object entries as input",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`,
			input: `{"b":2,"a":1}`, want: `[{"Key":"a","Value":1},{"Key":"b","Value":2}]`},
		{name: "object entries in the context object",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemsPath":"$.prices",
				"ItemSelector":{"k.$":"$$.Map.Item.Key","v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`,
			input: `{"prices":{"tea":3,"coffee":4}}`, want: `[{"k":"coffee","v":4,"i":0},{"k":"tea","v":3,"i":1}]`},
		{name: "items pointer",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemsPointer":"/order/lines",
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`,
			input: `{"order":{"lines":[10,20]}}`, want: `[10,20]`},
		{name: "items pointer to nothing",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemsPointer":"/missing",
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`,
			input: `{}`, want: `"States.Runtime"`},
		{name: "a scalar is no items",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
				"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`,
			input: `5`, want: `"States.Runtime"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, tc.def, tc.input, nil)
			if res.Status != interpreter.Succeed {
				assert.Equal(t, tc.want, `"`+res.Error+`"`, res.Cause)
				return
			}
			require.Equal(t, interpreter.Succeed, res.Status, res.Cause)
			assert.JSONEq(t, tc.want, oj.JSON(res.Output))
		})
	}
}
