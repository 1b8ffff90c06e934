package jsonata

import (
	"math"
	"strconv"
	"strings"
)

// formatJSNumber renders a number as JavaScript's Number.prototype.toString does: the shortest
// digits that round-trip, in exponent form below 1e-6 and from 1e21.
func formatJSNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	if math.IsNaN(f) {
		return "NaN"
	}
	if math.IsInf(f, 1) {
		return "Infinity"
	}
	if math.IsInf(f, -1) {
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	k := len(digits)
	n := exp + 1 // position of the decimal point relative to the digits
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case k <= n && n <= 21:
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", n-k))
	case 0 < n && n <= 21:
		b.WriteString(digits[:n])
		b.WriteByte('.')
		b.WriteString(digits[n:])
	case -6 < n && n <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -n))
		b.WriteString(digits)
	default:
		b.WriteByte(digits[0])
		if k > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		if n-1 >= 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(n - 1))
	}
	return b.String()
}

// toPrecision15 rounds to 15 significant digits, as $string does before rendering numbers so
// that 0.1+0.2 prints as 0.3.
func toPrecision15(f float64) float64 {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'e', 14, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// jsToFixed renders a non-negative number with dp decimals, like Number.prototype.toFixed.
func jsToFixed(f float64, dp int) string {
	if f >= 1e21 {
		return formatJSNumber(f)
	}
	return strconv.FormatFloat(f, 'f', dp, 64)
}

// formatRadix renders an integer-valued float in a radix 2..36 like Number.prototype.toString(radix).
func formatRadix(f float64, radix int) string {
	if math.Abs(f) < 1<<63 {
		return strconv.FormatInt(int64(f), radix)
	}
	neg := f < 0
	f = math.Abs(f)
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var out []byte
	for f >= 1 {
		d := math.Mod(f, float64(radix))
		out = append(out, digits[int(d)])
		f = math.Floor(f / float64(radix))
	}
	if neg {
		out = append(out, '-')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}
