package jsonpath

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/internal/valuetest"
)

const filterDoc = `{
	"jar": [{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}],
	"max": 4,
	"people": [
		{"name": "ann", "age": 30, "tags": ["x", "y"], "ok": true, "nick": null, "delivery-partner": "UQS", "k v": 1},
		{"name": "Bob", "age": 25.5, "tags": [], "ok": false, "code": "7"},
		{"name": "cy", "tags": ["y"], "addr": {"city": "Oslo"}},
		"ann",
		42,
		[1]
	],
	"store": {"book": [{"price": 8}, {"price": 12}], "open": true}
}`

func TestFilter(t *testing.T) {
	doc := js(t, filterDoc)
	for _, tc := range []struct{ path, want string }{
		// The example of the AWS developer guide, "Paths".
		{"$.jar[?(@.a >= 5)]", `[{"a": 5}, {"a": 7}]`},
		{"$.jar[?(@.a > $.max)].a", `[5, 7]`},
		{"$.jar[?(@.a < 2 || @.a > 6)].a", `[1, 7]`},
		{"$.jar[?(@.a == 1 || @.a > 2 && @.a < 5)].a", `[1, 3]`}, // && binds tighter than ||
		{"$.jar[?((@.a == 1 || @.a > 2) && @.a < 5)].a", `[1, 3]`},
		{"$.jar[?(!(@.a > 2))].a", `[1, 2]`},
		{"$.jar[?(@.a != 5)].a", `[1, 2, 7, 3]`},
		{"$.jar[?(@.a == 5.0)].a", `[5]`},
		{"$.jar[?(@.a===5)].a", `[5]`},
		{"$.jar[?(@.a !== 5)].a", `[1, 2, 7, 3]`},
		// Existence: a present null or false exists; "!" tests absence.
		{"$.people[?(@.nick)].name", `["ann"]`},
		{"$.people[?(@.ok)].name", `["ann", "Bob"]`},
		{"$.people[?(!@.age)].name", `["cy"]`},
		{"$.people[?(@.addr.city)].name", `["cy"]`},
		{"$.people[?(@.tags[*])].name", `["ann", "cy"]`},
		// Only objects are tested: the string "ann", 42 and [1] never match.
		{"$.people[?(@.name == 'ann')].age", `[30]`},
		{`$.people[?(@.name == "ann")].age`, `[30]`},
		{"$.people[?(@ == 'ann')]", `[]`},
		{"$.people[?(@.ok == true)].name", `["ann"]`},
		{"$.people[?(@.ok == false)].name", `["Bob"]`},
		{"$.people[?(@.nick == null)].name", `["ann"]`},
		{"$.people[?(@.age != 30)].name", `["Bob", "cy"]`}, // a missing value differs from everything
		{"$.people[?(@.age < 26)].name", `["Bob"]`},
		{"$.people[?(@.name > 'a')].name", `["ann", "cy"]`}, // strings order by code point
		{"$.people[?(@.name < 1)].name", `[]`},              // mixed kinds do not order
		{"$.people[?(@.code == 7)].name", `["Bob"]`},        // Jayway compares a number with the string that spells it
		{"$.people[?(@.code === 7)].name", `[]`},
		{"$.people[?(@.delivery-partner == 'UQS')].name", `["ann"]`},
		{"$.people[?(@['k v'] == 1)].name", `["ann"]`},
		{"$.people[?(@.age == '30')].name", `["ann"]`},
		{"$.people[?(@.age == 25.5)].name", `["Bob"]`},
		{"$.people[?(@.age == 'x')].name", `[]`},
		{"$.people[?(@.name === 'ann')].name", `["ann"]`},
		{"$.people[?(@.nick === null)].name", `["ann"]`},
		{"$.people[?(@.ok === true)].name", `["ann"]`},
		{"$.people[?(@.tags === ['y'])].name", `["cy"]`},
		{"$.people[?(@.addr === {'city': 'Oslo'})].name", `["cy"]`},
		{"$.people[?(@.age === '30')].name", `[]`},
		// =~ matches the whole string, flags as in Java.
		{"$.people[?(@.name =~ /a/)].name", `[]`},
		{"$.people[?(@.name =~ /a.*/)].name", `["ann"]`},
		{"$.people[?(@.name =~ /b.*/i)].name", `["Bob"]`},
		{`$.people[?(@.age =~ /3\d/)].name`, `["ann"]`},
		{`$.people[?(@.name =~ /a\/b|cy/)].name`, `["cy"]`},
		{"$.people[?(@.ok =~ /tr.*/)].name", `["ann"]`},
		{"$.people[?(@.addr =~ /.*Oslo.*/)].name", `["cy"]`},
		{"$.people[?(@.nick =~ /.*/)].name", `[]`},
		{"$.people[?(@.missing =~ /.*/)].name", `[]`},
		{"$.people[?(/a.*/ =~ @.name)].name", `["ann"]`},
		{"$.people[?(/a.*/ =~ /a.*/)].name", `[]`},
		// Operators on lists and sizes.
		{"$.people[?(@.name in ['ann', 'cy'])].name", `["ann", "cy"]`},
		{"$.people[?(@.name nin ['ann', 'cy'])].name", `["Bob"]`},
		{"$.people[?(@.tags contains 'y')].name", `["ann", "cy"]`},
		{"$.people[?(@.name contains 'o')].name", `["Bob"]`},
		{"$.people[?(@.tags all ['x', 'y'])].name", `["ann"]`},
		{"$.people[?(@.tags subsetof ['y', 'z'])].name", `["Bob", "cy"]`},
		{"$.people[?(@.tags anyof ['x', 'z'])].name", `["ann"]`},
		{"$.people[?(@.tags noneof ['x'])].name", `["Bob", "cy"]`},
		{"$.people[?(@.tags size 1)].name", `["cy"]`},
		{"$.people[?(@.name size 3)].name", `["ann", "Bob"]`},
		{"$.people[?(@.tags size 1.9)].name", `["cy"]`},
		{"$.people[?(@.addr size 1)].name", `["cy"]`},
		{"$.people[?(@.name size '3')].name", `[]`},
		{"$.people[?(@.age size 2)].name", `[]`},
		{"$.people[?(@.name empty false)].name", `["ann", "Bob", "cy"]`},
		{"$.people[?(@.missing empty false)].name", `[]`},
		{"$.people[?(@.tags empty 1)].name", `[]`},
		{"$.people[?(@.tags contains 1)].name", `[]`},
		{"$.people[?(@.name in 'ann')].name", `[]`},
		{"$.people[?(@.name nin 'ann')].name", `["ann", "Bob", "cy"]`},
		{"$.people[?(@.name anyof ['ann'])].name", `[]`},
		{"$.people[?(@.tags empty true)].name", `["Bob"]`},
		{"$.people[?(@.tags empty false)].name", `["ann", "cy"]`},
		{"$.people[?(@.tags == ['x', 'y'])].name", `["ann"]`},
		{"$.people[?(@.addr == {'city': 'Oslo'})].name", `["cy"]`},
		{"$.people[?(@.name IN ['cy'])].name", `["cy"]`},
		// A filter on an object tests the object itself.
		{"$.store[?(@.open)].book[0].price", `[8]`},
		{"$.store[?(@.closed)]", `[]`},
		{"$..[?(@.price > 10)]", `[{"price": 12}]`},
		{"$..book[?(@.price)].price", `[8, 12]`},
		// Nested filters and functions (which select nothing).
		{"$.people[?(@.tags[?(@ == 'x')])].name", `[]`},
		{"$.people[?(@.tags.length() > 0)].name", `[]`},
		{"$.people[?(!@.tags.length())].name", `["ann", "Bob", "cy"]`},
		// No match is an empty array.
		{"$.people[?(@.name == 'nobody')]", `[]`},
		{"$.missing[?(@.x)]", `[]`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p, err := Parse(tc.path)
			require.NoError(t, err)
			for _, f := range valuetest.Forms() {
				got, found := p.Get(f.In(doc))
				require.True(t, found, f.Name)
				assert.Equal(t, js(t, tc.want), back(t, f, got), f.Name)
			}
		})
	}
}

func TestFilterRootIsTheDocument(t *testing.T) {
	ctx := js(t, `{"Map": {"Item": {"Index": 1}}, "list": [{"i": 0}, {"i": 1}]}`)
	p, err := Parse("$$.list[?(@.i == $.Map.Item.Index)]")
	require.NoError(t, err)
	for _, f := range valuetest.Forms() {
		got, _ := p.Get(f.In(ctx))
		assert.Equal(t, js(t, `[{"i": 1}]`), back(t, f, got), f.Name)
	}
}

// TestFilterGoInts covers values built in Go rather than parsed from JSON.
func TestFilterGoInts(t *testing.T) {
	doc := map[string]any{"l": []any{map[string]any{"n": 3}, map[string]any{"n": int64(4)}}}
	p, err := Parse("$.l[?(@.n < 4)].n")
	require.NoError(t, err)
	for _, f := range valuetest.Forms() {
		got, _ := p.Get(f.In(doc))
		assert.Equal(t, []any{3}, got, f.Name)
	}
}
