package dynamodb

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseDecimalCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"0":        "0",
		"-0":       "0",
		"0.000":    "0",
		"2250":     "2250",
		"1.5":      "1.5",
		"1.50":     "1.5",
		"3.1400":   "3.14",
		"00042":    "42",
		"+7":       "7",
		".5":       "0.5",
		"5.":       "5",
		"-0.030":   "-0.03",
		"1.5E2":    "150",
		"1e2":      "100",
		"25e-1":    "2.5",
		"1E-5":     "0.00001",
		"-12.5e+1": "-125",
		"1E-130":   "0." + strings.Repeat("0", 129) + "1",
		"9.9999999999999999999999999999999999999E+125": "99999999999999999999999999999999999999" + strings.Repeat("0", 88),
		"12345678901234567890123456789012345678":       "12345678901234567890123456789012345678",
		"0.00000000000000000000000000000000000001":     "0.00000000000000000000000000000000000001",
		"0e99999999": "0",
	} {
		d, msg := parseDecimal(in)
		if assert.Empty(t, msg, in) {
			assert.Equal(t, want, d.String(), in)
		}
	}
}

func TestParseDecimalErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":            msgNumberInvalid,
		"abc":         msgNumberInvalid + ": abc",
		"1e":          msgNumberInvalid + ": 1e",
		"--1":         msgNumberInvalid + ": --1",
		"1.2.3":       msgNumberInvalid + ": 1.2.3",
		".":           msgNumberInvalid + ": .",
		"NaN":         msgNumberInvalid + ": NaN",
		"Infinity":    msgNumberInvalid + ": Infinity",
		" 1":          msgNumberInvalid + ":  1",
		"0x10":        msgNumberInvalid + ": 0x10",
		"1e+":         msgNumberInvalid + ": 1e+",
		"1E+126":      msgNumberOverflow,
		"-1E+126":     msgNumberOverflow,
		"1e99999999":  msgNumberOverflow,
		"1E-131":      msgNumberUnderflow,
		"1e-99999999": msgNumberUnderflow,
		"123456789012345678901234567890123456789": msgNumberDigits,
	} {
		_, msg := parseDecimal(in)
		assert.Equal(t, want, msg, in)
	}
}

func dec(t *testing.T, s string) decimal {
	t.Helper()
	d, msg := parseDecimal(s)
	if msg != "" {
		t.Fatalf("%s: %s", s, msg)
	}
	return d
}

func TestDecimalCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1", "1.0", 0},
		{"2", "10", -1},
		{"-2", "-10", 1},
		{"-1", "0", -1},
		{"0", "0.0001", -1},
		{"12", "123", -1},
		{"13", "123", -1},
		{"1.23", "1.3", -1},
		{"1E-130", "0", 1},
		{"99999999999999999999999999999999999999", "1E+38", -1},
	} {
		assert.Equal(t, c.want, dec(t, c.a).cmp(dec(t, c.b)), "%s vs %s", c.a, c.b)
		assert.Equal(t, -c.want, dec(t, c.b).cmp(dec(t, c.a)), "%s vs %s", c.b, c.a)
	}
}

func TestDecimalArithmetic(t *testing.T) {
	for _, c := range []struct {
		a, b, sum, diff string
	}{
		{"0.1", "0.2", "0.3", "-0.1"},
		{"10", "3", "13", "7"},
		{"2250", "-2250", "0", "4500"},
		{"99999999999999999999999999999999999998", "1", "99999999999999999999999999999999999999", "99999999999999999999999999999999999997"},
		{"1.005", "0.995", "2", "0.01"},
		{"0", "-5", "-5", "5"},
	} {
		sum, msg := dec(t, c.a).add(dec(t, c.b))
		assert.Empty(t, msg)
		assert.Equal(t, c.sum, sum.String(), "%s + %s", c.a, c.b)
		diff, msg := dec(t, c.a).sub(dec(t, c.b))
		assert.Empty(t, msg)
		assert.Equal(t, c.diff, diff.String(), "%s - %s", c.a, c.b)
	}
	_, msg := dec(t, "9.9e125").add(dec(t, "9.9e125"))
	assert.Equal(t, msgNumberOverflow, msg)
	_, msg = dec(t, "1e125").add(dec(t, "1e-130"))
	assert.Equal(t, msgNumberDigits, msg)
}
