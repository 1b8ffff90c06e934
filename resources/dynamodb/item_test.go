package dynamodb

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseValueRoundTrip(t *testing.T) {
	for in, want := range map[string]string{
		`{"S":"x"}`:                         `{"S":"x"}`,
		`{"S":""}`:                          `{"S":""}`,
		`{"N":"1.50"}`:                      `{"N":"1.5"}`,
		`{"B":"AAEC"}`:                      `{"B":"AAEC"}`,
		`{"BOOL":false}`:                    `{"BOOL":false}`,
		`{"NULL":true}`:                     `{"NULL":true}`,
		`{"NULL":false}`:                    `{"NULL":true}`,
		`{"L":[{"S":"a"},{"N":"1"}]}`:       `{"L":[{"S":"a"},{"N":"1"}]}`,
		`{"L":[]}`:                          `{"L":[]}`,
		`{"M":{"k":{"M":{"n":{"N":"2"}}}}}`: `{"M":{"k":{"M":{"n":{"N":"2"}}}}}`,
		`{"SS":["b","a"]}`:                  `{"SS":["b","a"]}`,
		`{"NS":["1","2.0"]}`:                `{"NS":["1","2"]}`,
		`{"BS":["AQ==","Ag=="]}`:            `{"BS":["AQ==","Ag=="]}`,
		`{"S":"x","Unknown":1}`:             `{"S":"x"}`,
	} {
		v, err := parseValue(parse(t, in))
		require.Nil(t, err, in)
		assert.JSONEq(t, want, toJSON(t, v.toJSON()), in)
	}
}

func TestParseValueErrors(t *testing.T) {
	for _, c := range []struct{ in, code, msg string }{
		{`{}`, codeValidation, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{`{"S":"a","N":"1"}`, codeValidation, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"},
		{`{"N":"x1"}`, codeValidation, "The parameter cannot be converted to a numeric value: x1"},
		{`{"N":"1e200"}`, codeValidation, msgNumberOverflow},
		{`{"SS":[]}`, codeValidation, "One or more parameter values were invalid: An string set  may not be empty"},
		{`{"NS":[]}`, codeValidation, "One or more parameter values were invalid: An number set  may not be empty"},
		{`{"BS":[]}`, codeValidation, "One or more parameter values were invalid: Binary sets should not be empty"},
		{`{"SS":["a","a"]}`, codeValidation, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
		{`{"NS":["1","1.0"]}`, codeValidation, "Input collection contains duplicates"},
		{`{"BS":["AQ==","AQ=="]}`, codeValidation, "One or more parameter values were invalid: Input collection of type BS contains duplicates."},
		{`{"M":{"a":{"L":[{"SS":[]}]}}}`, codeValidation, "One or more parameter values were invalid: An string set  may not be empty"},
		{`{"S":1}`, codeSerialization, "Unexpected number for AttributeValue S, which must be a string"},
		{`{"N":5}`, codeSerialization, "Unexpected number for AttributeValue N, which must be a string"},
		{`{"BOOL":"true"}`, codeSerialization, "Unexpected string for AttributeValue BOOL, which must be a boolean"},
		{`{"L":{}}`, codeSerialization, "Unexpected map for AttributeValue L, which must be a list"},
		{`{"M":[]}`, codeSerialization, "Unexpected list for AttributeValue M, which must be a map"},
		{`{"SS":[1]}`, codeSerialization, "Unexpected list for AttributeValue SS, which must be a list of strings"},
		{`{"B":"not base64!"}`, codeSerialization, "'not base64!' can not be converted to a Blob: invalid base64"},
		{`{"L":["x"]}`, codeSerialization, "Unexpected string where an AttributeValue (a JSON object) was expected"},
	} {
		_, err := parseValue(parse(t, c.in))
		assertError(t, err, c.code, c.msg)
	}
}

func TestValueEqualAndSize(t *testing.T) {
	val := func(s string) *value {
		v, err := parseValue(parse(t, s))
		require.Nil(t, err)
		return v
	}
	assert.True(t, val(`{"N":"1"}`).equal(val(`{"N":"1.0"}`)))
	assert.True(t, val(`{"SS":["a","b"]}`).equal(val(`{"SS":["b","a"]}`)))
	assert.True(t, val(`{"NS":["1","2"]}`).equal(val(`{"NS":["2.0","1"]}`)))
	assert.True(t, val(`{"M":{"a":{"L":[{"N":"1"}]}}}`).equal(val(`{"M":{"a":{"L":[{"N":"1.0"}]}}}`)))
	assert.False(t, val(`{"S":"1"}`).equal(val(`{"N":"1"}`)))
	assert.False(t, val(`{"L":[{"N":"1"},{"N":"2"}]}`).equal(val(`{"L":[{"N":"2"},{"N":"1"}]}`)))
	assert.False(t, val(`{"M":{"a":{"N":"1"}}}`).equal(val(`{"M":{"b":{"N":"1"}}}`)))

	// Sizes as the DynamoDB developer guide counts them.
	assert.Equal(t, 6, val(`{"S":"héllo"}`).size(), "UTF-8 bytes")
	assert.Equal(t, 3, val(`{"L":[]}`).size())
	assert.Equal(t, 3+1+1, val(`{"L":[{"BOOL":true}]}`).size(), "overhead, per-element byte, element")
	assert.Equal(t, 3+1+1+1, val(`{"M":{"k":{"NULL":true}}}`).size(), "overhead, per-element byte, name, element")
	assert.Equal(t, 20, val(`{"N":"`+strings.Repeat("9", 38)+`"}`).size())
	it := item{"name": strValue("abc")}
	assert.Equal(t, 7, it.size())
}
