package dynamodb

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// evalItem is the item the condition cases run against.
const evalItem = `{
	"id": {"S": "i1"},
	"n": {"N": "10"},
	"s": {"S": "hello world"},
	"b": {"B": "AAEC"},
	"t": {"BOOL": true},
	"z": {"NULL": true},
	"ss": {"SS": ["red", "green"]},
	"ns": {"NS": ["1", "2.5"]},
	"bs": {"BS": ["AQ=="]},
	"l": {"L": [{"S": "x"}, {"N": "2"}, {"M": {"k": {"S": "v"}}}]},
	"m": {"M": {"k": {"S": "v"}, "nest": {"M": {"deep": {"N": "1"}}}, "vacant": {"L": []}}},
	"dot.nm": {"S": "literal"}
}`

func TestEvalCondition(t *testing.T) {
	raw := parse(t, evalItem)
	it, err := parseItem(raw)
	require.Nil(t, err)
	values := parse(t, `{
		":n10": {"N": "10"}, ":n10f": {"N": "10.0"}, ":n9": {"N": "9"}, ":n11": {"N": "11"}, ":n2": {"N": "2"},
		":s10": {"S": "10"}, ":hello": {"S": "hello"}, ":world": {"S": "world"}, ":red": {"S": "red"},
		":blue": {"S": "blue"}, ":b": {"B": "AAEC"}, ":bpre": {"B": "AAE="}, ":ns25": {"N": "2.5"},
		":x": {"S": "x"}, ":map": {"M": {"k": {"S": "v"}}}, ":tS": {"S": "S"}, ":tN": {"S": "N"},
		":tNULL": {"S": "NULL"}, ":tSS": {"S": "SS"}, ":tM": {"S": "M"}, ":tL": {"S": "L"}, ":true": {"BOOL": true},
		":set": {"SS": ["green", "red"]}, ":bone": {"B": "AQ=="}, ":a": {"S": "a"}, ":z": {"S": "z"}
	}`)
	for _, c := range []struct {
		expr string
		want bool
	}{
		{"n = :n10", true},
		{"n = :n10f", true},
		{"n = :s10", false},
		{"n <> :n9", true},
		{"n <> :n10", false},
		{"n < :n11", true},
		{"n <= :n10", true},
		{"n > :n9", true},
		{"n >= :n11", false},
		{":n9 < n", true},
		{"s > :hello", true},
		{"s < :s10", false},
		{"b = :b", true},
		{"b > :bpre", true},
		{"t = :true", true},
		{"ss = :set", true},
		{"m.k = :map", false},
		{"l[2] = :map", true},
		{"n < :s10", false},
		{"t < :true", false},
		{"absent = :n10", false},
		{"absent <> :n10", true},
		{"absent < :n10", false},
		{"n BETWEEN :n9 AND :n11", true},
		{"n BETWEEN :n10 AND :n10", true},
		{"n BETWEEN :n11 AND :n11", false},
		{"s BETWEEN :a AND :z", true},
		{"n BETWEEN :a AND :z", false},
		{"absent BETWEEN :n9 AND :n11", false},
		{"n IN (:n9, :n10f)", true},
		{"n IN (:n9, :n11)", false},
		{"s IN (:hello)", false},
		{"n = :n10 AND s = :hello", false},
		{"n = :n10 OR s = :hello", true},
		{"NOT n = :n10", false},
		{"NOT (n = :n9)", true},
		{"NOT NOT n = :n10", true},
		{"n = :n9 OR n = :n10 AND s = :hello", false},
		{"(n = :n9 OR n = :n10) AND s = :hello", false},
		{"n = :n10 OR n = :n9 AND s = :hello", true},
		{"n = :n9 and n = :n10 or s <> :hello", true},
		{"n between :n9 and :n11 AND n in (:n10)", true},
		{"attribute_exists(n)", true},
		{"attribute_exists(absent)", false},
		{"attribute_not_exists(absent)", true},
		{"attribute_exists(m.nest.deep)", true},
		{"attribute_exists(m.nest.gone)", false},
		{"attribute_exists(l[2].k)", true},
		{"attribute_exists(l[3])", false},
		{"attribute_exists(n.k)", false},
		{"attribute_exists(m[0])", false},
		{"attribute_exists(z)", true},
		{"attribute_exists(#dot)", true},
		{"attribute_exists(dot.nm)", false},
		{"attribute_type(n, :tN)", true},
		{"attribute_type(n, :tS)", false},
		{"attribute_type(z, :tNULL)", true},
		{"attribute_type(ss, :tSS)", true},
		{"attribute_type(m, :tM)", true},
		{"attribute_type(l, :tL)", true},
		{"attribute_type(absent, :tS)", false},
		{"begins_with(s, :hello)", true},
		{"begins_with(s, :world)", false},
		{"begins_with(b, :bpre)", true},
		{"begins_with(n, :hello)", false},
		{"begins_with(absent, :hello)", false},
		{"contains(s, :world)", true},
		{"contains(s, :red)", false},
		{"contains(ss, :red)", true},
		{"contains(ss, :blue)", false},
		{"contains(ns, :ns25)", true},
		{"contains(bs, :bone)", true},
		{"contains(l, :x)", true},
		{"contains(l, :n2)", true},
		{"contains(l, :map)", true},
		{"contains(n, :n10)", false},
		{"size(s) = :n11", true},
		{"size(l) = :n10", false},
		{"size(ss) = :n2", true},
		{"size(m) > :n2", true},
		{"size(m.vacant) < :n2", true},
		{"size(b) = :n2", false},
		{"size(n) = :n2", false},
		{"size(absent) <> :n2", true},
		{"size(absent) = :n2", false},
		{"(n = :n10)", true},
		{"(n = :n10) AND (s <> :hello)", true},
		{"(n = :n10 AND (s <> :hello))", true},
	} {
		ctx := &exprContext{names: map[string]string{"#dot": "dot.nm"}, values: map[string]*value{}, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
		for k, v := range values {
			parsed, err := parseValue(v)
			require.Nil(t, err)
			ctx.values[k] = parsed
		}
		cond, perr := parseCondition(ctx, "ConditionExpression", c.expr)
		if !assert.Nil(t, perr, c.expr) {
			continue
		}
		assert.Equal(t, c.want, evalCondition(cond, it), c.expr)
	}
}

// TestConditionOnMissingItem checks conditions see an absent item as one without attributes.
func TestConditionOnMissingItem(t *testing.T) {
	db := testDB(t)
	_, err := call(t, db, "PutItem", conditionalPut("attribute_exists(bookId)", "", ""))
	assertError(t, err, codeConditional, msgConditionFailed)
	mustCall(t, db, "PutItem", conditionalPut("attribute_not_exists(bookId) AND stock <> :v", "", vN))
}
