package dynamodb

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aslrun/aslrun/resources/awserr"
)

// kind is an AttributeValue's data type.
type kind uint8

const (
	kindS kind = iota
	kindN
	kindB
	kindBOOL
	kindNULL
	kindL
	kindM
	kindSS
	kindNS
	kindBS
)

var kindNames = [...]string{"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"}

func (k kind) String() string { return kindNames[k] }

func kindByName(name string) (kind, bool) {
	for k, n := range kindNames {
		if n == name {
			return kind(k), true
		}
	}
	return 0, false
}

// value is a typed AttributeValue. Binary values hold their raw bytes in str (B) or strs (BS).
type value struct {
	kind kind
	str  string    // S, B
	num  decimal   // N
	b    bool      // BOOL
	list []*value  // L
	m    item      // M
	strs []string  // SS, BS
	nums []decimal // NS
}

// item is a stored or requested item: attribute name to value.
type item map[string]*value

func strValue(s string) *value    { return &value{kind: kindS, str: s} }
func numValue(d decimal) *value   { return &value{kind: kindN, num: d} }
func binValue(s string) *value    { return &value{kind: kindB, str: s} }
func boolValue(b bool) *value     { return &value{kind: kindBOOL, b: b} }
func nullValue() *value           { return &value{kind: kindNULL} }
func listValue(l []*value) *value { return &value{kind: kindL, list: l} }
func mapValue(m item) *value      { return &value{kind: kindM, m: m} }

// Limits on what DynamoDB stores.
const (
	maxItemSize       = 400 * 1024
	maxPartitionBytes = 2048
	maxSortBytes      = 1024
)

// parseValue reads an AttributeValue in the DynamoDB JSON shape ({"S": "x"}, {"N": "1"}, ...). Members
// other than the ten data types are ignored, as DynamoDB's protocol layer ignores unknown members.
func parseValue(v any) (*value, *awserr.Error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, serializationf("Unexpected %s where an AttributeValue (a JSON object) was expected", jsonType(v))
	}
	var found []string
	for name := range obj {
		if _, ok := kindByName(name); ok {
			found = append(found, name)
		}
	}
	switch len(found) {
	case 0:
		return nil, validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
	case 1:
	default:
		return nil, validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
	}
	name := found[0]
	k, _ := kindByName(name)
	raw := obj[name]
	switch k {
	case kindS:
		s, ok := raw.(string)
		if !ok {
			return nil, wrongType(name, "a string", raw)
		}
		return strValue(s), nil
	case kindN:
		s, ok := raw.(string)
		if !ok {
			return nil, wrongType(name, "a string", raw)
		}
		d, msg := parseDecimal(s)
		if msg != "" {
			return nil, validation(msg)
		}
		return numValue(d), nil
	case kindB:
		b, err := parseBinary(name, raw)
		if err != nil {
			return nil, err
		}
		return binValue(b), nil
	case kindBOOL:
		b, ok := raw.(bool)
		if !ok {
			return nil, wrongType(name, "a boolean", raw)
		}
		return boolValue(b), nil
	case kindNULL:
		// DynamoDB accepts {"NULL": false} and stores it as {"NULL": true}.
		if _, ok := raw.(bool); !ok {
			return nil, wrongType(name, "a boolean", raw)
		}
		return nullValue(), nil
	case kindL:
		arr, ok := raw.([]any)
		if !ok {
			return nil, wrongType(name, "a list", raw)
		}
		l := make([]*value, len(arr))
		for i, e := range arr {
			ev, err := parseValue(e)
			if err != nil {
				return nil, err
			}
			l[i] = ev
		}
		return listValue(l), nil
	case kindM:
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil, wrongType(name, "a map", raw)
		}
		m, err := parseItem(obj)
		if err != nil {
			return nil, err
		}
		return mapValue(m), nil
	}
	return parseSet(k, raw)
}

func parseSet(k kind, raw any) (*value, *awserr.Error) {
	arr, ok := raw.([]any)
	if !ok {
		return nil, wrongType(k.String(), "a list", raw)
	}
	if len(arr) == 0 {
		// DynamoDB's own wording, including "An string" and the double space.
		switch k {
		case kindSS:
			return nil, validation("One or more parameter values were invalid: An string set  may not be empty")
		case kindNS:
			return nil, validation("One or more parameter values were invalid: An number set  may not be empty")
		}
		return nil, validation("One or more parameter values were invalid: Binary sets should not be empty")
	}
	v := &value{kind: k}
	for _, e := range arr {
		if k == kindBS {
			b, err := parseBinary(k.String(), e)
			if err != nil {
				return nil, err
			}
			v.strs = append(v.strs, b)
			continue
		}
		s, ok := e.(string)
		if !ok {
			return nil, wrongType(k.String(), "a list of strings", raw)
		}
		if k == kindSS {
			v.strs = append(v.strs, s)
			continue
		}
		d, msg := parseDecimal(s)
		if msg != "" {
			return nil, validation(msg)
		}
		v.nums = append(v.nums, d)
	}
	if v.hasDuplicates() {
		switch k {
		case kindNS:
			return nil, validation("Input collection contains duplicates")
		case kindSS:
			return nil, validationf("One or more parameter values were invalid: Input collection [%s] contains duplicates.", strings.Join(v.strs, ", "))
		}
		return nil, validation("One or more parameter values were invalid: Input collection of type BS contains duplicates.")
	}
	return v, nil
}

func parseBinary(name string, raw any) (string, *awserr.Error) {
	s, ok := raw.(string)
	if !ok {
		return "", wrongType(name, "a base64 string", raw)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", serializationf("'%s' can not be converted to a Blob: invalid base64", s)
	}
	return string(b), nil
}

func wrongType(name, want string, got any) *awserr.Error {
	return serializationf("Unexpected %s for AttributeValue %s, which must be %s", jsonType(got), name, want)
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "map"
	}
	return "number"
}

// parseItem reads a map of attribute names to AttributeValues.
func parseItem(obj map[string]any) (item, *awserr.Error) {
	it := make(item, len(obj))
	for name, raw := range obj {
		v, err := parseValue(raw)
		if err != nil {
			return nil, err
		}
		it[name] = v
	}
	return it, nil
}

func (v *value) hasDuplicates() bool {
	if v.kind == kindNS {
		sorted := slices.Clone(v.nums)
		slices.SortFunc(sorted, decimal.cmp)
		for i := 1; i < len(sorted); i++ {
			if sorted[i].cmp(sorted[i-1]) == 0 {
				return true
			}
		}
		return false
	}
	seen := make(map[string]bool, len(v.strs))
	for _, s := range v.strs {
		if seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
}

// toJSON is the value in the DynamoDB JSON shape.
func (v *value) toJSON() map[string]any {
	name := v.kind.String()
	switch v.kind {
	case kindS:
		return map[string]any{name: v.str}
	case kindN:
		return map[string]any{name: v.num.String()}
	case kindB:
		return map[string]any{name: base64.StdEncoding.EncodeToString([]byte(v.str))}
	case kindBOOL:
		return map[string]any{name: v.b}
	case kindNULL:
		return map[string]any{name: true}
	case kindL:
		l := make([]any, len(v.list))
		for i, e := range v.list {
			l[i] = e.toJSON()
		}
		return map[string]any{name: l}
	case kindM:
		return map[string]any{name: itemJSON(v.m)}
	case kindSS:
		l := make([]any, len(v.strs))
		for i, s := range v.strs {
			l[i] = s
		}
		return map[string]any{name: l}
	case kindBS:
		l := make([]any, len(v.strs))
		for i, s := range v.strs {
			l[i] = base64.StdEncoding.EncodeToString([]byte(s))
		}
		return map[string]any{name: l}
	}
	l := make([]any, len(v.nums))
	for i, d := range v.nums {
		l[i] = d.String()
	}
	return map[string]any{name: l}
}

func itemJSON(it item) map[string]any {
	out := make(map[string]any, len(it))
	for name, v := range it {
		out[name] = v.toJSON()
	}
	return out
}

// clone deep-copies the value, so an update never shares structure with the stored item.
func (v *value) clone() *value {
	c := *v
	switch v.kind {
	case kindL:
		c.list = make([]*value, len(v.list))
		for i, e := range v.list {
			c.list[i] = e.clone()
		}
	case kindM:
		c.m = v.m.clone()
	case kindSS, kindBS:
		c.strs = slices.Clone(v.strs)
	case kindNS:
		c.nums = slices.Clone(v.nums)
	}
	return &c
}

func (it item) clone() item {
	c := make(item, len(it))
	for name, v := range it {
		c[name] = v.clone()
	}
	return c
}

// equal is DynamoDB's equality: same type and same value; sets compare as sets.
func (v *value) equal(o *value) bool {
	if v.kind != o.kind {
		return false
	}
	switch v.kind {
	case kindS, kindB:
		return v.str == o.str
	case kindN:
		return v.num.cmp(o.num) == 0
	case kindBOOL:
		return v.b == o.b
	case kindNULL:
		return true
	case kindL:
		return slices.EqualFunc(v.list, o.list, (*value).equal)
	case kindM:
		if len(v.m) != len(o.m) {
			return false
		}
		for name, e := range v.m {
			oe, ok := o.m[name]
			if !ok || !e.equal(oe) {
				return false
			}
		}
		return true
	case kindNS:
		if len(v.nums) != len(o.nums) {
			return false
		}
		for _, d := range v.nums {
			if !o.hasNum(d) {
				return false
			}
		}
		return true
	}
	if len(v.strs) != len(o.strs) {
		return false
	}
	for _, s := range v.strs {
		if !slices.Contains(o.strs, s) {
			return false
		}
	}
	return true
}

func (v *value) hasNum(d decimal) bool {
	return slices.ContainsFunc(v.nums, func(e decimal) bool { return e.cmp(d) == 0 })
}

// scalarCompare orders two S, N or B values of the same type: strings and binaries by their bytes (UTF-8
// for strings), numbers by value. ok is false when the values cannot be ordered.
func scalarCompare(a, b *value) (c int, ok bool) {
	if a.kind != b.kind {
		return 0, false
	}
	switch a.kind {
	case kindS, kindB:
		return strings.Compare(a.str, b.str), true
	case kindN:
		return a.num.cmp(b.num), true
	}
	return 0, false
}

// size is the value's share of the item size, as DynamoDB counts it.
func (v *value) size() int {
	switch v.kind {
	case kindS, kindB:
		return len(v.str)
	case kindN:
		return numberSize(v.num)
	case kindBOOL, kindNULL:
		return 1
	case kindL:
		n := 3
		for _, e := range v.list {
			n += 1 + e.size()
		}
		return n
	case kindM:
		n := 3
		for name, e := range v.m {
			n += 1 + len(name) + e.size()
		}
		return n
	case kindNS:
		n := 0
		for _, d := range v.nums {
			n += numberSize(d)
		}
		return n
	}
	n := 0
	for _, s := range v.strs {
		n += len(s)
	}
	return n
}

// numberSize approximates DynamoDB's: one byte per two significant digits, plus one.
func numberSize(d decimal) int { return (d.sigDigits()+1)/2 + 1 }

func (it item) size() int {
	n := 0
	for name, v := range it {
		n += len(name) + v.size()
	}
	return n
}

// describe renders a value the way DynamoDB quotes operands in messages, e.g. {N:5}.
func (v *value) describe() string {
	switch v.kind {
	case kindS:
		return "{S:" + v.str + "}"
	case kindN:
		return "{N:" + v.num.String() + "}"
	case kindB:
		return "{B:" + base64.StdEncoding.EncodeToString([]byte(v.str)) + "}"
	}
	return fmt.Sprintf("{%s}", v.kind)
}

// stringLength is the length DynamoDB's size() reports for a string: its characters.
func stringLength(s string) int { return utf8.RuneCountInString(s) }
