package httpapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/server/service"
)

// agrees checks that when decodeStrings takes body, it decodes it as encoding/json does, and reports
// whether it took it.
func agrees(t testing.TB, body string) bool {
	var fast, slow service.StartExecutionInput
	if !decodeStrings([]byte(body), &fast, startMembers) {
		return false
	}
	require.NoError(t, json.Unmarshal([]byte(body), &slow), "the fast path took what encoding/json refuses: %q", body)
	require.Equal(t, slow, fast, "body %q", body)
	return true
}

func TestDecodeStrings(t *testing.T) {
	tests := []struct {
		body string
		fast bool
	}{
		{`{}`, true},
		{` { } `, true},
		{"{\"name\":\"n\",\n\t\"stateMachineArn\" : \"arn:aws:states:us-east-1:123456789012:stateMachine:m\"}\r\n", true},
		{`{"input":"{\"k\":[1,2],\"s\":\"a\\\\b\"}"}`, true},
		{`{"input":"\u00e9\u4e16\ud83d\ude00 \/ \b\f\n\r\t"}`, true},
		{`{"name":"héllo wörld 世界"}`, true},
		{`{"name":null}`, true},
		{`{"name":"a","name":"b"}`, true},
		{`{"na\u006de":"escaped key"}`, true},
		// Left to encoding/json: it matches names regardless of case and skips unknown ones.
		{`{"Name":"n"}`, false},
		{`{"other":"x"}`, false},
		{`{"name":1}`, false},
		{`{"name":true}`, false},
		{`{"name":["x"]}`, false},
		{`{"name":"\ud800"}`, false},
		{`{"name":"\ud800\u0041"}`, false},
		{"{\"name\":\"\xff\"}", false},
		{"{\"name\":\"a\tb\"}", false},
		{`{"name":"\x"}`, false},
		{`{"name":"\u12"}`, false},
		{`{"name":"n"`, false},
		{`{"name":"n",}`, false},
		{`{"name" "n"}`, false},
		{`{"name":nul}`, false},
		{`{"name":"n"} {}`, false},
		{`{"name":"n"} }`, false},
		{`[1]`, false},
		{`null`, false},
		{"\v{}", false},
		{`{"name":"unterminated`, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.fast, agrees(t, tt.body), "%q", tt.body)
	}
}

// TestDecodeStringsKnowsEveryMember fails when a hot request gains a member its members function misses, or
// one that is not a string.
func TestDecodeStringsKnowsEveryMember(t *testing.T) {
	check := func(t *testing.T, typ reflect.Type, decode func([]byte) (any, bool)) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			require.Equal(t, reflect.String, f.Type.Kind(), "%s.%s", typ.Name(), f.Name)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			body := fmt.Sprintf(`{%q:"v\n<%d>"}`, name, i)
			got, ok := decode([]byte(body))
			require.True(t, ok, "%s: %s", typ.Name(), body)
			want := reflect.New(typ)
			require.NoError(t, json.Unmarshal([]byte(body), want.Interface()))
			assert.Equal(t, want.Interface(), got, "%s: %s", typ.Name(), body)
		}
	}
	tests := []struct {
		typ    reflect.Type
		decode func([]byte) (any, bool)
	}{
		{reflect.TypeFor[service.StartExecutionInput](), decodeWith(startMembers)},
		{reflect.TypeFor[service.DescribeExecutionInput](), decodeWith(describeMembers)},
		{reflect.TypeFor[service.StopExecutionInput](), decodeWith(stopMembers)},
		{reflect.TypeFor[service.SendTaskSuccessInput](), decodeWith(successMembers)},
		{reflect.TypeFor[service.SendTaskFailureInput](), decodeWith(failureMembers)},
		{reflect.TypeFor[service.SendTaskHeartbeatInput](), decodeWith(heartbeatMembers)},
		{reflect.TypeFor[service.GetActivityTaskInput](), decodeWith(pollMembers)},
	}
	for _, tt := range tests {
		t.Run(tt.typ.Name(), func(t *testing.T) { check(t, tt.typ, tt.decode) })
	}
}

func decodeWith[In any](known members[In]) func([]byte) (any, bool) {
	return func(body []byte) (any, bool) {
		in := new(In)
		return in, decodeStrings(body, in, known)
	}
}

// tricky strings for the encoder: HTML, quotes, controls, invalid UTF-8, JavaScript's line separators.
var tricky = []string{"", "plain", `a"b\c`, "<tag> & co", "\x00\x01\x1f\x7f", "\b\f\n\r\t", "\xff\xfe ok \xc3", "\u2028\u2029",
	"héllo 世界 😀", `{"k":[1,2]}`}

// filled is a value of T with every field set: strings to s, numbers, times and booleans to something
// non-zero, pointers to filled values.
func filled(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int64:
		v.SetInt(42)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		filled(v.Elem(), s)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[service.Time]() {
			v.Set(reflect.ValueOf(service.Time(time.UnixMilli(1764000000123))))
			return
		}
		for i := range v.NumField() {
			filled(v.Field(i), s)
		}
	default:
		panic("filled: no value for " + v.Type().String())
	}
}

func TestAppendResponse(t *testing.T) {
	outputs := []any{&service.Empty{}, &service.StartExecutionOutput{}, &service.StopExecutionOutput{},
		&service.GetActivityTaskOutput{}, &service.DescribeExecutionOutput{}, &service.StartSyncExecutionOutput{}}
	for _, out := range outputs {
		typ := reflect.TypeOf(out).Elem()
		t.Run(typ.Name(), func(t *testing.T) {
			// The zero value and every field set, with each tricky string.
			values := []any{out}
			for _, s := range tricky {
				v := reflect.New(typ)
				filled(v.Elem(), s)
				values = append(values, v.Interface())
			}
			for _, v := range values {
				want, err := json.Marshal(v)
				require.NoError(t, err)
				got, ok := appendResponse([]byte("prefix"), v)
				require.True(t, ok)
				assert.Equal(t, "prefix"+string(want), string(got))
			}
		})
	}
	_, ok := appendResponse(nil, &service.ListExecutionsOutput{})
	assert.False(t, ok, "other answers are encoding/json's")
}

func FuzzDecodeStrings(f *testing.F) {
	for _, s := range []string{`{"name":"n","input":"{\"a\":\"\\u00e9\"}"}`, `{"name":"\ud83d\ude00"}`, `{"input":null}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { agrees(t, body) })
}
