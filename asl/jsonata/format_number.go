package jsonata

import (
	"math"
	"strings"
)

// fnFormatNumber is $formatNumber: XPath F&O 3.1 fn:format-number, after jsonata-js.
func fnFormatNumber(_ *evaluator, _ *call, args []any) (any, error) {
	value, ok := num(args, 0)
	if !ok {
		return nil, nil
	}
	picture, _ := str(args, 1)
	props := map[string]string{
		"decimal-separator":  ".",
		"grouping-separator": ",",
		"exponent-separator": "e",
		"infinity":           "Infinity",
		"minus-sign":         "-",
		"NaN":                "NaN",
		"percent":            "%",
		"per-mille":          "\u2030",
		"zero-digit":         "0",
		"digit":              "#",
		"pattern-separator":  ";",
	}
	if opts := argAt(args, 2); opts != nil {
		for k, v := range members(opts) {
			if s, ok := v.(string); ok {
				props[k] = s
			}
		}
	}
	f := &numberFormat{props: props}
	return f.format(value, picture)
}

type numberFormat struct {
	props   map[string]string
	family  []rune // the decimal digit family, zero first
	zero    rune
	decimal rune
	group   rune
	exp     rune
	digit   rune
	percent rune
	mille   rune
	minus   string
	active  []rune
}

type picParts struct {
	prefix, suffix, active, mantissa, integer, fraction string
	exponent                                            *string
	sub                                                 string
}

type picVars struct {
	intGroups        []int
	regular          int
	minInt           int
	scaling          int
	prefix, suffix   string
	fracGroups       []int
	minFrac, maxFrac int
	minExp           int
	picture          string
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func (f *numberFormat) isDigit(r rune) bool {
	return r >= f.zero && r < f.zero+10
}

func (f *numberFormat) isActive(r rune) bool {
	for _, a := range f.active {
		if a == r {
			return true
		}
	}
	return false
}

func (f *numberFormat) format(value float64, picture string) (any, error) {
	p := f.props
	f.zero = firstRune(p["zero-digit"])
	for i := rune(0); i < 10; i++ {
		f.family = append(f.family, f.zero+i)
	}
	f.decimal = firstRune(p["decimal-separator"])
	f.group = firstRune(p["grouping-separator"])
	f.exp = firstRune(p["exponent-separator"])
	f.digit = firstRune(p["digit"])
	f.percent = firstRune(p["percent"])
	f.mille = firstRune(p["per-mille"])
	f.minus = p["minus-sign"]
	f.active = append(append([]rune{}, f.family...), f.decimal, f.exp, f.group, f.digit, firstRune(p["pattern-separator"]))

	subs := strings.Split(picture, p["pattern-separator"])
	if len(subs) > 2 {
		return nil, newError("D3080", -1, "", nil)
	}
	parts := make([]picParts, len(subs))
	for i, s := range subs {
		parts[i] = f.split(s)
		if err := f.validate(parts[i]); err != nil {
			return nil, err
		}
	}
	vars := make([]picVars, len(parts))
	for i := range parts {
		vars[i] = f.analyse(parts[i])
	}
	if len(vars) == 1 {
		neg := vars[0]
		neg.prefix = f.minus + neg.prefix
		vars = append(vars, neg)
	}
	pic := vars[0]
	if value < 0 {
		pic = vars[1]
	}
	adjusted := value
	if strings.ContainsRune(pic.picture, f.percent) {
		adjusted = value * 100
	} else if strings.ContainsRune(pic.picture, f.mille) {
		adjusted = value * 1000
	}
	mantissa := math.Abs(adjusted)
	exponent := 0
	hasExp := pic.minExp != 0
	if hasExp {
		maxM := math.Pow(10, float64(pic.scaling))
		minM := math.Pow(10, float64(pic.scaling-1))
		for mantissa < minM && mantissa != 0 {
			mantissa *= 10
			exponent--
		}
		for mantissa > maxM {
			mantissa /= 10
			exponent++
		}
	}
	rounded := roundHalfEven(mantissa, pic.maxFrac)
	sv := []rune(f.makeString(rounded, pic.maxFrac))
	if i := indexRune(sv, '.'); i < 0 {
		sv = append(sv, f.decimal)
	} else {
		sv[i] = f.decimal
	}
	for len(sv) > 0 && sv[0] == f.zero {
		sv = sv[1:]
	}
	for len(sv) > 0 && sv[len(sv)-1] == f.zero {
		sv = sv[:len(sv)-1]
	}
	dp := indexRune(sv, f.decimal)
	padLeft := pic.minInt - dp
	padRight := pic.minFrac - (len(sv) - dp - 1)
	if padLeft > 0 {
		sv = append([]rune(strings.Repeat(string(f.zero), padLeft)), sv...)
	}
	if padRight > 0 {
		sv = append(sv, []rune(strings.Repeat(string(f.zero), padRight))...)
	}
	dp = indexRune(sv, f.decimal)
	if pic.regular > 0 {
		groups := (dp - 1) / pic.regular
		for g := 1; g <= groups; g++ {
			at := dp - g*pic.regular
			sv = insertRune(sv, at, f.group)
		}
	} else {
		for _, pos := range pic.intGroups {
			at := dp - pos
			if at < 0 || at > len(sv) {
				continue
			}
			sv = insertRune(sv, at, f.group)
			dp++
		}
	}
	dp = indexRune(sv, f.decimal)
	for _, pos := range pic.fracGroups {
		at := pos + dp + 1
		if at <= len(sv) {
			sv = insertRune(sv, at, f.group)
		}
	}
	dp = indexRune(sv, f.decimal)
	if !strings.ContainsRune(pic.picture, f.decimal) || dp == len(sv)-1 {
		sv = sv[:len(sv)-1]
	}
	out := string(sv)
	if hasExp {
		es := f.makeString(float64(exponent), 0)
		if pad := pic.minExp - runeCount(es); pad > 0 {
			es = strings.Repeat(string(f.zero), pad) + es
		}
		sign := ""
		if exponent < 0 {
			sign = f.minus
		}
		out += string(f.exp) + sign + es
	}
	return pic.prefix + out + pic.suffix, nil
}

func indexRune(r []rune, c rune) int {
	for i, x := range r {
		if x == c {
			return i
		}
	}
	return -1
}

func insertRune(r []rune, at int, c rune) []rune {
	r = append(r, 0)
	copy(r[at+1:], r[at:])
	r[at] = c
	return r
}

func (f *numberFormat) makeString(v float64, dp int) string {
	s := jsToFixed(math.Abs(v), dp)
	if f.zero == '0' {
		return s
	}
	r := []rune(s)
	for i, c := range r {
		if c >= '0' && c <= '9' {
			r[i] = f.family[c-'0']
		}
	}
	return string(r)
}

func (f *numberFormat) split(sub string) picParts {
	r := []rune(sub)
	prefixEnd := len(r)
	for i, c := range r {
		if f.isActive(c) && c != f.exp {
			prefixEnd = i
			break
		}
	}
	suffixStart := len(r)
	for i := len(r) - 1; i >= 0; i-- {
		if f.isActive(r[i]) && r[i] != f.exp {
			suffixStart = i + 1
			break
		}
	}
	var prefix, suffix string
	if prefixEnd < len(r) {
		prefix = string(r[:prefixEnd])
		suffix = string(r[suffixStart:])
	} else {
		// no active character at all: the whole picture counts as the active part
		prefixEnd, suffixStart = 0, len(r)
	}
	active := ""
	if suffixStart > prefixEnd {
		active = string(r[prefixEnd:suffixStart])
	}
	pp := picParts{prefix: prefix, suffix: suffix, active: active, sub: sub}
	ar := []rune(active)
	expPos := -1
	for i := prefixEnd; i < len(r); i++ {
		if r[i] == f.exp {
			expPos = i
			break
		}
	}
	if expPos == -1 || expPos > len(r)-len([]rune(suffix)) {
		pp.mantissa = active
	} else {
		rel := expPos - prefixEnd
		pp.mantissa = string(ar[:min(rel, len(ar))])
		e := ""
		if rel+1 <= len(ar) {
			e = string(ar[rel+1:])
		}
		pp.exponent = &e
	}
	mr := []rune(pp.mantissa)
	if i := indexRune(mr, f.decimal); i < 0 {
		pp.integer = pp.mantissa
		pp.fraction = suffix
	} else {
		pp.integer = string(mr[:i])
		pp.fraction = string(mr[i+1:])
	}
	return pp
}

func countRune(s string, c rune) int {
	return strings.Count(s, string(c))
}

func (f *numberFormat) validate(pp picParts) error {
	code := ""
	sub := pp.sub
	if countRune(sub, f.decimal) > 1 {
		code = "D3081"
	}
	if countRune(sub, f.percent) > 1 {
		code = "D3082"
	}
	if countRune(sub, f.mille) > 1 {
		code = "D3083"
	}
	if strings.ContainsRune(sub, f.percent) && strings.ContainsRune(sub, f.mille) {
		code = "D3084"
	}
	valid := false
	for _, c := range pp.mantissa {
		if f.isDigit(c) || c == f.digit {
			valid = true
			break
		}
	}
	if !valid {
		code = "D3085"
	}
	for _, c := range pp.active {
		if !f.isActive(c) {
			code = "D3086"
		}
	}
	sr := []rune(sub)
	if dp := indexRune(sr, f.decimal); dp >= 0 {
		if (dp > 0 && sr[dp-1] == f.group) || (dp+1 < len(sr) && sr[dp+1] == f.group) {
			code = "D3087"
		}
	} else if ir := []rune(pp.integer); len(ir) > 0 && ir[len(ir)-1] == f.group {
		code = "D3088"
	}
	if strings.Contains(sub, string(f.group)+string(f.group)) {
		code = "D3089"
	}
	ir := []rune(pp.integer)
	if od := indexRune(ir, f.digit); od >= 0 {
		for _, c := range ir[:od] {
			if f.isDigit(c) {
				code = "D3090"
			}
		}
	}
	fr := []rune(pp.fraction)
	if od := lastIndexRune(fr, f.digit); od >= 0 {
		for _, c := range fr[od:] {
			if f.isDigit(c) {
				code = "D3091"
			}
		}
	}
	if pp.exponent != nil {
		if len(*pp.exponent) > 0 && (strings.ContainsRune(sub, f.percent) || strings.ContainsRune(sub, f.mille)) {
			code = "D3092"
		}
		bad := len(*pp.exponent) == 0
		for _, c := range *pp.exponent {
			if !f.isDigit(c) {
				bad = true
			}
		}
		if bad {
			code = "D3093"
		}
	}
	if code != "" {
		return newError(code, -1, "", nil)
	}
	return nil
}

func lastIndexRune(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

func (f *numberFormat) groupPositions(part string, toLeft bool) []int {
	var positions []int
	r := []rune(part)
	for i, c := range r {
		if c != f.group {
			continue
		}
		var seg []rune
		if toLeft {
			seg = r[:i]
		} else {
			seg = r[i:]
		}
		n := 0
		for _, x := range seg {
			if f.isDigit(x) || x == f.digit {
				n++
			}
		}
		positions = append(positions, n)
	}
	return positions
}

func (f *numberFormat) analyse(pp picParts) picVars {
	v := picVars{prefix: pp.prefix, suffix: pp.suffix, picture: pp.sub}
	v.intGroups = f.groupPositions(pp.integer, false)
	v.regular = regularGrouping(v.intGroups)
	v.fracGroups = f.groupPositions(pp.fraction, true)
	for _, c := range pp.integer {
		if f.isDigit(c) {
			v.minInt++
		}
	}
	v.scaling = v.minInt
	for _, c := range pp.fraction {
		if f.isDigit(c) {
			v.minFrac++
			v.maxFrac++
		} else if c == f.digit {
			v.maxFrac++
		}
	}
	expPresent := pp.exponent != nil
	if v.minInt == 0 && v.maxFrac == 0 {
		if expPresent {
			v.minFrac = 1
			v.maxFrac = 1
		} else {
			v.minInt = 1
		}
	}
	if expPresent && v.minInt == 0 && strings.ContainsRune(pp.integer, f.digit) {
		v.minInt = 1
	}
	if v.minInt == 0 && v.minFrac == 0 {
		v.minFrac = 1
	}
	if expPresent {
		for _, c := range *pp.exponent {
			if f.isDigit(c) {
				v.minExp++
			}
		}
	}
	return v
}

// regularGrouping returns the interval of evenly spaced grouping separators, or 0.
func regularGrouping(positions []int) int {
	if len(positions) == 0 {
		return 0
	}
	gcd := func(a, b int) int {
		for b != 0 {
			a, b = b, a%b
		}
		return a
	}
	factor := positions[0]
	for _, p := range positions[1:] {
		factor = gcd(factor, p)
	}
	if factor == 0 {
		return 0
	}
	for i := 1; i <= len(positions); i++ {
		found := false
		for _, p := range positions {
			if p == i*factor {
				found = true
			}
		}
		if !found {
			return 0
		}
	}
	return factor
}
