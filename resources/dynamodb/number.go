package dynamodb

import (
	"math/big"
	"strconv"
	"strings"
)

// DynamoDB's number limits: 38 significant digits, magnitudes from 1E-130 to below 1E+126.
const (
	maxDigits   = 38
	maxExponent = 125  // of the most significant digit
	minExponent = -130 // of the most significant digit
)

// Number errors, as DynamoDB words them.
const (
	msgNumberOverflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgNumberUnderflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgNumberDigits    = "Attempting to store more than 38 significant digits in a Number"
	msgNumberInvalid   = "The parameter cannot be converted to a numeric value"
)

// decimal is an exact DynamoDB number: digits × 10^exp. digits has no leading or trailing zeros, so every
// value has exactly one representation and comparisons can work on the text; zero is the empty string.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// parseDecimal reads a number as DynamoDB accepts it (sign, digits with an optional point, optional
// exponent) and checks it against DynamoDB's limits. The error is DynamoDB's message.
func parseDecimal(s string) (decimal, string) {
	if s == "" {
		return decimal{}, msgNumberInvalid
	}
	invalid := msgNumberInvalid + ": " + s
	rest := s
	var d decimal
	if rest[0] == '+' || rest[0] == '-' {
		d.neg = rest[0] == '-'
		rest = rest[1:]
	}
	mantissa, exponent, hasExp := strings.Cut(strings.ToLower(rest), "e")
	intPart, frac, _ := strings.Cut(mantissa, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return decimal{}, invalid
	}
	exp := 0
	if hasExp {
		sign := 1
		if exponent != "" && (exponent[0] == '+' || exponent[0] == '-') {
			if exponent[0] == '-' {
				sign = -1
			}
			exponent = exponent[1:]
		}
		if exponent == "" || !allDigits(exponent) {
			return decimal{}, invalid
		}
		exponent = strings.TrimLeft(exponent, "0")
		if len(exponent) > 6 { // far outside the range either way; avoids int overflow
			if sign > 0 && strings.Trim(intPart+frac, "0") != "" {
				return decimal{}, msgNumberOverflow
			}
			if strings.Trim(intPart+frac, "0") != "" {
				return decimal{}, msgNumberUnderflow
			}
			return decimal{}, ""
		}
		n, _ := strconv.Atoi("0" + exponent) // at most 6 digits: cannot fail
		exp = sign * n
	}
	d.digits = intPart + frac
	d.exp = exp - len(frac)
	return d.normalize()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalize strips leading and trailing zeros and checks DynamoDB's limits.
func (d decimal) normalize() (decimal, string) {
	d.digits = strings.TrimLeft(d.digits, "0")
	trimmed := strings.TrimRight(d.digits, "0")
	d.exp += len(d.digits) - len(trimmed)
	d.digits = trimmed
	if d.digits == "" {
		return decimal{}, ""
	}
	switch top := d.exp + len(d.digits) - 1; {
	case top > maxExponent:
		return decimal{}, msgNumberOverflow
	case top < minExponent:
		return decimal{}, msgNumberUnderflow
	case len(d.digits) > maxDigits:
		return decimal{}, msgNumberDigits
	}
	return d, ""
}

// String is the canonical text: plain notation, no exponent, no redundant zeros ("2250", "1.5", "-0.03").
func (d decimal) String() string {
	if d.digits == "" {
		return "0"
	}
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	switch {
	case d.exp >= 0:
		b.WriteString(d.digits)
		b.WriteString(strings.Repeat("0", d.exp))
	case len(d.digits) > -d.exp:
		point := len(d.digits) + d.exp
		b.WriteString(d.digits[:point])
		b.WriteByte('.')
		b.WriteString(d.digits[point:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -d.exp-len(d.digits)))
		b.WriteString(d.digits)
	}
	return b.String()
}

// cmp compares two numbers: -1, 0 or 1.
func (d decimal) cmp(o decimal) int {
	ds, os := d.sign(), o.sign()
	if ds != os {
		if ds < os {
			return -1
		}
		return 1
	}
	if ds == 0 {
		return 0
	}
	c := 0
	// Same sign, both non-zero: the magnitude is ordered by the exponent of the top digit, then by the
	// digits, which (without trailing zeros) compare as text.
	if dt, ot := d.exp+len(d.digits), o.exp+len(o.digits); dt != ot {
		c = 1
		if dt < ot {
			c = -1
		}
	} else {
		c = strings.Compare(d.digits, o.digits)
	}
	return c * ds
}

func (d decimal) sign() int {
	switch {
	case d.digits == "":
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// add returns d + o exactly, or DynamoDB's message when the result is out of its range.
func (d decimal) add(o decimal) (decimal, string) {
	if d.digits == "" {
		return o, ""
	}
	if o.digits == "" {
		return d, ""
	}
	exp := min(d.exp, o.exp)
	sum := new(big.Int).Add(d.scaled(exp), o.scaled(exp))
	r := decimal{neg: sum.Sign() < 0, exp: exp}
	r.digits = sum.Abs(sum).String()
	return r.normalize()
}

// sub returns d - o exactly.
func (d decimal) sub(o decimal) (decimal, string) {
	if o.digits != "" {
		o.neg = !o.neg
	}
	return d.add(o)
}

// scaled returns the signed integer d × 10^(d.exp-exp), for exp <= d.exp.
func (d decimal) scaled(exp int) *big.Int {
	n, _ := new(big.Int).SetString(d.digits, 10) // digits are decimal digits
	n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.exp-exp)), nil))
	if d.neg {
		n.Neg(n)
	}
	return n
}

// sigDigits is the number of significant digits, which DynamoDB's item size counts.
func (d decimal) sigDigits() int { return len(d.digits) }

// intDecimal is the non-negative number n, e.g. a size() result.
func intDecimal(n int) decimal {
	d, _ := decimal{digits: strconv.Itoa(n)}.normalize() // an int is always in range
	return d
}
