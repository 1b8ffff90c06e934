package interpreter_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/ohler55/ojg/oj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/aslrun/aslrun/asl/source"
	"github.com/aslrun/aslrun/asl/value"
	"github.com/aslrun/aslrun/interpreter"
)

// limitCause is AWS's cause when a state's output or a task's result passes the payload limit.
func limitCause(state string) string {
	return `^An error occurred while executing the state '` + regexp.QuoteMeta(state) + `' \(entered at the event id #\d+\)\. ` +
		`The state/task '` + regexp.QuoteMeta(state) + `' returned a result with a size exceeding the maximum number of bytes service limit\.$`
}

// TestPayloadLimitBoundaries: through each field that makes a document, one exactly at the payload limit
// passes and one a byte over fails, as a full count of the document says. Every case starts with a Pass
// that hands its input on, so that the state under test works from a document whose size is known.
func TestPayloadLimitBoundaries(t *testing.T) {
	pad := strings.Repeat("x", 300)
	echo := interpreter.InvokerFunc(func(_ context.Context, req *interpreter.TaskRequest) (any, error) { return req.Input, nil })
	boom := interpreter.InvokerFunc(func(context.Context, *interpreter.TaskRequest) (any, error) {
		return nil, failure.New("Boom", pad)
	})
	input := `{"a":{"b":[1,"` + pad + `",{"c":2.5}]},"arr":[1,2,3],"s":"é\n"}`
	task := `"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"`
	tests := []struct {
		name, state string
		inv         interpreter.Invoker
		// checked is the size the limit applies to, from the state's input and output: the output's when nil.
		checked func(in, out any) int
	}{
		{"the execution input", `"Type":"Pass"`, nil, atInput},
		{"InputPath", `"Type":"Pass","InputPath":"$.a","ResultPath":"$.copy"`, nil, nil},
		{"Parameters", `"Type":"Pass","Parameters":{"whole.$":"$","part.$":"$.a.b[1]","n":[1,{"k":"v"}]}`, nil, nil},
		{"Parameters naming a member twice", `"Type":"Pass","Parameters":{"a":"` + pad + `","a":1,"b.$":"$.a","c":[{"d":1,"d":2}],"big":"` + pad + pad + `"}`, nil, nil},
		{"Parameters with an intrinsic", `"Type":"Pass","Parameters":{"j.$":"States.JsonToString($.a)"},"ResultPath":"$.j"`, nil, nil},
		{"ResultPath replacing a member", `"Type":"Pass","Result":{"r":"` + pad + pad + `"},"ResultPath":"$.a"`, nil, nil},
		{"ResultPath creating objects", `"Type":"Pass","Result":"` + pad + `","ResultPath":"$.new.deeper.deepest"`, nil, nil},
		{"ResultPath into an array", `"Type":"Pass","Result":{"r":"` + pad + pad + `"},"ResultPath":"$.arr[-2]"`, nil, nil},
		{"ResultPath with the input", `"Type":"Pass","InputPath":"$","ResultPath":"$.again"`, nil, nil},
		{"ResultPath $", `"Type":"Pass","Result":[{"r":"` + pad + pad + pad + `"}],"ResultPath":"$"`, nil, nil},
		{"ResultPath null", `"Type":"Pass","Result":"` + pad + pad + `","ResultPath":null`, nil, atInput},
		{"OutputPath", `"Type":"Pass","Result":{"r":"` + pad + pad + pad + `"},"ResultPath":"$.res","OutputPath":"$.res"`, nil, nil},
		{"ResultSelector", task + `,"ResultSelector":{"x.$":"$.a","y.$":"$.s"},"ResultPath":"$.sel"`, echo, nil},
		{"a task's result", task + `,"Parameters":{"in.$":"$","more":"` + pad + `"},"ResultSelector":{"small.$":"$.more"}`, echo,
			func(in, _ any) int { return value.Size(map[string]any{"in": in, "more": pad}, math.MaxInt) }},
		{"Catch's ResultPath", task + `,"Catch":[{"ErrorEquals":["Boom"],"ResultPath":"$.error","Next":"End"}]`, boom, nil},
		{"a JSONata Output", `"Type":"Pass","QueryLanguage":"JSONata","Output":{"in":"{% $states.input %}","more":"{% $states.input.a %}"}`, nil, nil},
		{"Parallel", `"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},{"StartAt":"C","States":{"C":{"Type":"Pass","ResultPath":"$.c","End":true}}}]`, nil, nil},
		{"Map", `"Type":"Map","ItemsPath":"$.arr","ItemSelector":{"doc.$":"$","i.$":"$$.Map.Item.Value"},"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":"$.all"`, nil, nil},
	}
	// Each case runs twice: with the input's size counted from the input, and told, as aslrun execute and
	// StartExecution tell it from the text they decode.
	for _, tt := range tests {
		for _, told := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/size told %t", tt.name, told), func(t *testing.T) {
				prog := compile(t, `{"StartAt":"First","States":{"First":{"Type":"Pass","Next":"Under test"},
				"Under test":{`+tt.state+`,"Next":"End"},"End":{"Type":"Pass","End":true}}}`)
				in, inSize, err := source.DecodeSized([]byte(input))
				require.NoError(t, err)
				require.Equal(t, value.Size(in, math.MaxInt), inSize)
				runAt := func(limit int) *interpreter.Result {
					cfg := interpreter.NewConfig("test", "exec", false)
					cfg.Clock, cfg.Invoker, cfg.PayloadLimit = interpreter.NewVirtualClock(epoch), tt.inv, limit
					if told {
						cfg.InputSize = inSize
					}
					return prog.Run(context.Background(), in, cfg)
				}
				free := runAt(-1)
				require.Equal(t, interpreter.Succeed, free.Status, "%s: %s", free.Error, free.Cause)
				size := value.Size(free.Output, math.MaxInt)
				if tt.checked != nil {
					size = tt.checked(in, free.Output)
				}
				atInput := size == value.Size(in, math.MaxInt)
				require.True(t, atInput || size > value.Size(in, math.MaxInt), "the case checks its state, not the input")

				at := runAt(size)
				assert.Equal(t, interpreter.Succeed, at.Status, "at the limit: %s: %s", at.Error, at.Cause)
				over := runAt(size - 1)
				assert.Equal(t, interpreter.Failed, over.Status, "a byte over the limit")
				assert.Equal(t, failure.DataLimitExceeded, over.Error)
				if atInput {
					assert.Equal(t, "The execution input exceeds the maximum number of bytes service limit.", over.Cause)
				} else {
					assert.Regexp(t, limitCause("Under test"), over.Cause)
				}
			})
		}
	}
}

func atInput(in, _ any) int { return value.Size(in, math.MaxInt) }

// TestInputSizeIsTaken: the input's size, when told, is not counted again (so a caller must tell the
// true one: source.DecodeSized's); -1, an unknown size, is counted.
func TestInputSizeIsTaken(t *testing.T) {
	prog := compile(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	for _, c := range []struct {
		told int
		want interpreter.Status
	}{{0, interpreter.Succeed}, {-1, interpreter.Succeed}, {2, interpreter.Succeed}, {100, interpreter.Failed}} {
		cfg := interpreter.NewConfig("test", "exec", false)
		cfg.Clock, cfg.PayloadLimit, cfg.InputSize = interpreter.NewVirtualClock(epoch), 99, c.told
		res := prog.Run(context.Background(), map[string]any{}, cfg)
		assert.Equal(t, c.want, res.Status, "told %d", c.told)
	}
}

// TestVariableLimitBoundaries: a variable may hold 256 KiB of JSON text, and all that one Assign sets may
// come to 256 KiB with the variables' names: a variable of exactly 256 KiB fails the second limit, one
// a byte larger the first.
func TestVariableLimitBoundaries(t *testing.T) {
	const limit = 256 * 1024
	str := func(size int) string { return `"` + strings.Repeat("v", size-2) + `"` }
	tests := []struct {
		name, assign, cause string
	}{
		{"at the limit", `"x":` + str(limit), "The variables assigned in the state 'S' exceed the maximum total size of 262144 bytes."},
		{"a byte over", `"x":` + str(limit+1),
			"The variable 'x' assigned in the state 'S' exceeds the maximum size of 262144 bytes."},
		{"from the input at the limit", `"x.$":"$.a"`, "The variables assigned in the state 'S' exceed the maximum total size of 262144 bytes."},
		{"from the input under the limit", `"x.$":"$.b"`, ""},
		{"all of them at the limit", `"ab":` + str(limit/2-2) + `,"cd":` + str(limit/2-2), ""},
		{"all of them a byte over", `"ab":` + str(limit/2-2) + `,"cd":` + str(limit/2-1),
			"The variables assigned in the state 'S' exceed the maximum total size of 262144 bytes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := interpreter.NewConfig("test", "exec", false)
			cfg.Clock, cfg.PayloadLimit = interpreter.NewVirtualClock(epoch), -1 // the variables' limits hold all the same
			res := compile(t, `{"StartAt":"First","States":{"First":{"Type":"Pass","Next":"S"},
				"S":{"Type":"Pass","Assign":{`+tt.assign+`},"End":true}}}`).Run(context.Background(), map[string]any{"a": strings.Repeat("v", limit-2), "b": strings.Repeat("v", limit-3)}, cfg)
			if tt.cause == "" {
				assert.Equal(t, interpreter.Succeed, res.Status, "%s: %s", res.Error, res.Cause)
				return
			}
			assert.Equal(t, interpreter.Failed, res.Status)
			assert.Equal(t, failure.DataLimitExceeded, res.Error)
			assert.Regexp(t, `^An error occurred while executing the state 'S' \(entered at the event id #\d+\)\. `+regexp.QuoteMeta(tt.cause)+`$`, res.Cause)
		})
	}
}

// TestPayloadLimitProperty: random documents through chains of states that place, select and build
// parts of them fail exactly where a full count of each output says: at a limit of the largest output
// they pass, a byte under it they fail at the first state that reaches it.
func TestPayloadLimitProperty(t *testing.T) {
	fields := []string{
		`"Result":%s,"ResultPath":"$.%s"`,
		`"Result":%s,"ResultPath":"$.obj.%s"`,
		`"Parameters":{"v":%s,"whole.$":"$","p.$":"$.%s","q":0,"r":[1]}`,
		`"InputPath":"$.%[2]s","Result":%[1]s,"ResultPath":"$.%[2]s"`,
		`"Result":{"r":%s},"ResultPath":"$.%s","OutputPath":"$"`,
	}
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 2))
		names := []string{"p", "q", "r"}
		def := `{"StartAt":"S0","States":{`
		const states = 6
		for i := range states {
			f := fmt.Sprintf(fields[r.IntN(len(fields))], oj.JSON(randomDoc(r, 3)), names[r.IntN(len(names))])
			next := fmt.Sprintf(`"Next":"S%d"`, i+1)
			if i == states-1 {
				next = `"End":true`
			}
			def += fmt.Sprintf(`"S%d":{"Type":"Pass",%s,%s}`, i, f, next)
			if i < states-1 {
				def += ","
			}
		}
		def += `}}`
		prog := compile(t, def)
		input := map[string]any{"p": randomDoc(r, 3), "q": map[string]any{}, "r": randomDoc(r, 2)}
		var outputs []any
		var exited []string
		cfg := interpreter.NewConfig("test", "exec", false)
		cfg.Clock, cfg.PayloadLimit = interpreter.NewVirtualClock(epoch), -1
		cfg.Observer = func(e interpreter.StageEvent) {
			if e.Stage == interpreter.StageOutputPath {
				outputs, exited = append(outputs, e.Value), append(exited, e.State)
			}
		}
		free := prog.Run(context.Background(), input, cfg)
		require.Equal(t, interpreter.Succeed, free.Status, "seed %d: %s", seed, free.Cause)
		largest, at := value.Size(input, math.MaxInt), ""
		for i, o := range outputs {
			if s := value.Size(o, math.MaxInt); s > largest {
				largest, at = s, exited[i]
			}
		}
		cfg.Observer = nil
		cfg.PayloadLimit = largest
		res := prog.Run(context.Background(), input, cfg)
		require.Equal(t, interpreter.Succeed, res.Status, "seed %d: %s", seed, res.Cause)
		cfg.PayloadLimit = largest - 1
		res = prog.Run(context.Background(), input, cfg)
		require.Equal(t, interpreter.Failed, res.Status, "seed %d", seed)
		if at == "" {
			require.Equal(t, "The execution input exceeds the maximum number of bytes service limit.", res.Cause, "seed %d", seed)
		} else {
			require.Regexp(t, limitCause(at), res.Cause, "seed %d", seed)
		}
	}
}

// randomDoc is a random JSON value, with strings long enough for the large parts a frame remembers.
func randomDoc(r *rand.Rand, depth int) any {
	n := r.IntN(8)
	if depth == 0 {
		n = r.IntN(5)
	}
	switch n {
	case 0:
		return nil
	case 1:
		return int64(r.IntN(1_000_000) - 500_000)
	case 2:
		return r.Float64() * 1e6
	case 3:
		return strings.Repeat("é\"a", r.IntN(300))
	case 4:
		return r.IntN(2) == 0
	case 5, 6:
		m := map[string]any{}
		for i := range r.IntN(6) {
			m[fmt.Sprint("k", i)] = randomDoc(r, depth-1)
		}
		return m
	}
	a := make([]any, r.IntN(6))
	for i := range a {
		a[i] = randomDoc(r, depth-1)
	}
	return a
}
