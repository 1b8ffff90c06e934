package jsonata

import (
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

func registerNumericFunctions(t table) {
	t.def("number", "<(nsb)-:n>", 1, fnNumber)
	t.def("abs", "<n-:n>", 1, numMap(math.Abs))
	t.def("floor", "<n-:n>", 1, numMap(math.Floor))
	t.def("ceil", "<n-:n>", 1, numMap(math.Ceil))
	t.def("round", "<n-n?:n>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		f, ok := num(args, 0)
		if !ok {
			return nil, nil
		}
		p, _ := num(args, 1)
		return roundHalfEven(f, int(p)), nil
	})
	t.def("sqrt", "<n-:n>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		f, ok := num(args, 0)
		if !ok {
			return nil, nil
		}
		if f < 0 {
			return nil, newError("D3060", -1, "", f)
		}
		return math.Sqrt(f), nil
	})
	t.def("power", "<n-n:n>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		f, ok := num(args, 0)
		if !ok {
			return nil, nil
		}
		e, _ := num(args, 1)
		r := math.Pow(f, e)
		if math.IsInf(r, 0) || math.IsNaN(r) {
			return nil, newError("D3061", -1, "", f)
		}
		return r, nil
	})
	t.def("random", "<:n>", 0, func(*evaluator, *call, []any) (any, error) {
		return rand.Float64(), nil
	})
	t.def("sum", "<a<n>:n>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		items, ok := arrayItems(argAt(args, 0))
		if !ok {
			return nil, nil
		}
		total := 0.0
		for _, it := range items {
			f, _ := it.(float64)
			total += f
		}
		return total, checkNumber(total)
	})
	t.def("max", "<a<n>:n>", 1, extremum(func(a, b float64) bool { return a > b }))
	t.def("min", "<a<n>:n>", 1, extremum(func(a, b float64) bool { return a < b }))
	t.def("average", "<a<n>:n>", 1, func(_ *evaluator, _ *call, args []any) (any, error) {
		items, ok := arrayItems(argAt(args, 0))
		if !ok || len(items) == 0 {
			return nil, nil
		}
		total := 0.0
		for _, it := range items {
			f, _ := it.(float64)
			total += f
		}
		return total / float64(len(items)), nil
	})
	t.def("formatBase", "<n-n?:s>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		f, ok := num(args, 0)
		if !ok {
			return nil, nil
		}
		f = roundHalfEven(f, 0)
		radix := 10.0
		if r, ok := num(args, 1); ok {
			radix = roundHalfEven(r, 0)
		}
		if radix < 2 || radix > 36 {
			return nil, newError("D3100", -1, "", radix)
		}
		return formatRadix(f, int(radix)), nil
	})
	t.def("formatNumber", "<n-so?:s>", 3, fnFormatNumber)
}

func numMap(f func(float64) float64) func(*evaluator, *call, []any) (any, error) {
	return func(_ *evaluator, _ *call, args []any) (any, error) {
		x, ok := num(args, 0)
		if !ok {
			return nil, nil
		}
		return f(x), nil
	}
}

func extremum(better func(a, b float64) bool) func(*evaluator, *call, []any) (any, error) {
	return func(_ *evaluator, _ *call, args []any) (any, error) {
		items, ok := arrayItems(argAt(args, 0))
		if !ok || len(items) == 0 {
			return nil, nil
		}
		best, _ := items[0].(float64)
		for _, it := range items[1:] {
			if f, _ := it.(float64); better(f, best) {
				best = f
			}
		}
		return best, nil
	}
}

var numberPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`) })

func fnNumber(_ *evaluator, _ *call, args []any) (any, error) {
	switch x := argAt(args, 0).(type) {
	case nil:
		return nil, nil
	case float64:
		return x, nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if numberPattern().MatchString(x) {
			if f, err := strconv.ParseFloat(x, 64); err == nil && !math.IsInf(f, 0) {
				return f, nil
			}
		}
		if len(x) > 2 && x[0] == '0' {
			base := 0
			switch x[1] {
			case 'x', 'X':
				base = 16
			case 'o', 'O':
				base = 8
			case 'b', 'B':
				base = 2
			}
			if base != 0 {
				if n, err := strconv.ParseUint(x[2:], base, 64); err == nil {
					return float64(n), nil
				}
			}
		}
	}
	return nil, newError("D3030", -1, "", argAt(args, 0))
}

// roundHalfEven is $round: half to even at the given number of decimal places. The decimal
// shift is done on the decimal text, as jsonata-js does, to avoid binary multiplication error.
func roundHalfEven(f float64, precision int) float64 {
	x := f
	if precision != 0 {
		x = shiftDecimal(f, precision)
	}
	r := math.Round(x)
	if math.Abs(r-x) == 0.5 && math.Mod(math.Abs(r), 2) == 1 {
		// Math.round rounds halves up; move to the even neighbour
		if x < 0 {
			r++
		} else {
			r--
		}
	}
	if precision != 0 {
		r = shiftDecimal(r, -precision)
	}
	if r == 0 {
		return 0 // no negative zero in JSON
	}
	return r
}

func shiftDecimal(f float64, places int) float64 {
	s := formatJSNumber(f)
	mant, exp, found := strings.Cut(s, "e")
	e := 0
	if found {
		e, _ = strconv.Atoi(exp)
	}
	r, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e+places), 64)
	if err != nil {
		return f
	}
	return r
}
