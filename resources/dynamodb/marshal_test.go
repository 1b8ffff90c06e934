package dynamodb

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMarshal(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{"x", `{"S":"x"}`},
		{int64(2250), `{"N":"2250"}`},
		{7, `{"N":"7"}`},
		{uint8(7), `{"N":"7"}`},
		{1.5, `{"N":"1.5"}`},
		{1e20, `{"N":"100000000000000000000"}`},
		{0.1, `{"N":"0.1"}`},
		{json.Number("12345678901234567890.123456789"), `{"N":"12345678901234567890.123456789"}`},
		{true, `{"BOOL":true}`},
		{nil, `{"NULL":true}`},
		{[]byte{1, 2}, `{"B":"AQI="}`},
		{[]any{"a", int64(1), []any{}}, `{"L":[{"S":"a"},{"N":"1"},{"L":[]}]}`},
		{map[string]any{"a": map[string]any{"b": nil}}, `{"M":{"a":{"M":{"b":{"NULL":true}}}}}`},
	} {
		got, err := Marshal(c.in)
		require.NoError(t, err, "%v", c.in)
		assert.JSONEq(t, c.want, toJSON(t, got), "%v", c.in)
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), 1e300, json.Number("1e-200"), struct{}{}, map[string]any{"a": []any{math.NaN()}}} {
		_, err := Marshal(bad)
		assert.Error(t, err, "%v", bad)
	}
}

func TestUnmarshal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want any
	}{
		{`{"S":"x"}`, "x"},
		{`{"N":"12"}`, int64(12)},
		{`{"N":"-9223372036854775808"}`, int64(math.MinInt64)},
		{`{"N":"1.5"}`, 1.5},
		{`{"N":"0.1"}`, 0.1},
		{`{"N":"100000000000000000000"}`, 1e20},
		{`{"N":"12345678901234567890123"}`, json.Number("12345678901234567890123")},
		{`{"N":"3.14159265358979323846264338327950288"}`, json.Number("3.14159265358979323846264338327950288")},
		{`{"BOOL":true}`, true},
		{`{"NULL":true}`, nil},
		{`{"B":"AQI="}`, "AQI="},
		{`{"SS":["a","b"]}`, []any{"a", "b"}},
		{`{"NS":["1","2.5"]}`, []any{int64(1), 2.5}},
		{`{"BS":["AQ=="]}`, []any{"AQ=="}},
		{`{"L":[{"N":"1"},{"M":{"a":{"S":"b"}}}]}`, []any{int64(1), map[string]any{"a": "b"}}},
	} {
		got, err := Unmarshal(parse(t, c.in))
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	_, err := Unmarshal(map[string]any{"N": "abc"})
	assertError(t, err, codeValidation, "The parameter cannot be converted to a numeric value: abc")
}

func TestMarshalUnmarshalRoundTrip(t *testing.T) {
	plain := map[string]any{"id": "b1", "qty": int64(3), "price": 12.5, "tags": []any{"x", nil, true}, "big": json.Number("123456789012345678901234567890")}
	av, err := Marshal(plain)
	require.NoError(t, err)
	back, err := Unmarshal(av)
	require.NoError(t, err)
	assert.Equal(t, plain, back)
}
