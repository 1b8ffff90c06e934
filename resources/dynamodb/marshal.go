package dynamodb

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Marshal converts a plain JSON value to a DynamoDB AttributeValue: a string to {"S": ...}, a number to
// {"N": "..."} (exactly, in canonical form), a bool to {"BOOL": ...}, nil to {"NULL": true}, a list to
// {"L": [...]} and a map to {"M": {...}}. Numbers DynamoDB cannot store (NaN, out of range, more than 38
// digits) are errors.
func Marshal(plain any) (map[string]any, error) {
	v, err := fromPlain(plain)
	if err != nil {
		return nil, err
	}
	return v.toJSON(), nil
}

// Unmarshal converts a DynamoDB AttributeValue to a plain JSON value. N becomes an int64 when it is an
// integer that fits, else a float64 when that holds it exactly, else a json.Number with the exact digits.
// B becomes its base64 text, NULL nil, and the sets lists of their elements.
func Unmarshal(av map[string]any) (any, error) {
	v, err := parseValue(av)
	if err != nil {
		return nil, err
	}
	return v.plain(), nil
}

func fromPlain(p any) (*value, error) {
	switch p := p.(type) {
	case nil:
		return nullValue(), nil
	case string:
		return strValue(p), nil
	case bool:
		return boolValue(p), nil
	case []byte:
		return binValue(string(p)), nil
	case []any:
		l := make([]*value, len(p))
		for i, e := range p {
			v, err := fromPlain(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			l[i] = v
		}
		return listValue(l), nil
	case map[string]any:
		m := make(item, len(p))
		for name, e := range p {
			v, err := fromPlain(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			m[name] = v
		}
		return mapValue(m), nil
	case float64:
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return nil, fmt.Errorf("%v is not a number DynamoDB can store", p)
		}
		return numberFromText(strconv.FormatFloat(p, 'g', -1, 64))
	case float32:
		return fromPlain(float64(p))
	case json.Number:
		return numberFromText(string(p))
	case int:
		return numberFromText(strconv.FormatInt(int64(p), 10))
	case int8:
		return numberFromText(strconv.FormatInt(int64(p), 10))
	case int16:
		return numberFromText(strconv.FormatInt(int64(p), 10))
	case int32:
		return numberFromText(strconv.FormatInt(int64(p), 10))
	case int64:
		return numberFromText(strconv.FormatInt(p, 10))
	case uint:
		return numberFromText(strconv.FormatUint(uint64(p), 10))
	case uint8:
		return numberFromText(strconv.FormatUint(uint64(p), 10))
	case uint16:
		return numberFromText(strconv.FormatUint(uint64(p), 10))
	case uint32:
		return numberFromText(strconv.FormatUint(uint64(p), 10))
	case uint64:
		return numberFromText(strconv.FormatUint(p, 10))
	}
	return nil, fmt.Errorf("a %T is not a JSON value", p)
}

func numberFromText(s string) (*value, error) {
	d, msg := parseDecimal(s)
	if msg != "" {
		return nil, fmt.Errorf("%s: %s", s, msg)
	}
	return numValue(d), nil
}

// plain is the value as plain JSON (see Unmarshal).
func (v *value) plain() any {
	switch v.kind {
	case kindS:
		return v.str
	case kindN:
		return plainNumber(v.num)
	case kindB:
		return base64.StdEncoding.EncodeToString([]byte(v.str))
	case kindBOOL:
		return v.b
	case kindNULL:
		return nil
	case kindL:
		l := make([]any, len(v.list))
		for i, e := range v.list {
			l[i] = e.plain()
		}
		return l
	case kindM:
		m := make(map[string]any, len(v.m))
		for name, e := range v.m {
			m[name] = e.plain()
		}
		return m
	case kindNS:
		l := make([]any, len(v.nums))
		for i, d := range v.nums {
			l[i] = plainNumber(d)
		}
		return l
	}
	l := make([]any, len(v.strs))
	for i, s := range v.strs {
		if v.kind == kindBS {
			s = base64.StdEncoding.EncodeToString([]byte(s))
		}
		l[i] = s
	}
	return l
}

// plainNumber picks the Go type that holds a number exactly: int64, float64, or json.Number.
func plainNumber(d decimal) any {
	text := d.String()
	if d.exp >= 0 {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return i
		}
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		if back, msg := parseDecimal(strconv.FormatFloat(f, 'g', -1, 64)); msg == "" && back.cmp(d) == 0 {
			return f
		}
	}
	return json.Number(text)
}
