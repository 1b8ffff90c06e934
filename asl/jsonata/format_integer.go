package jsonata

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// Integer formatting and parsing after XPath F&O 3.1 fn:format-integer, as jsonata-js's
// datetime.js implements it: decimal digit patterns, letters, roman numerals and words.

var fewWords = []string{"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
	"Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
var ordinalWords = []string{"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
	"Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"}
var decadeWords = []string{"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"}
var magnitudeWords = []string{"Thousand", "Million", "Billion", "Trillion"}

func numberToWords(value float64, ordinal bool) string {
	var lookup func(num float64, prev, ord bool) string
	lookup = func(num float64, prev, ord bool) string {
		words := ""
		switch {
		case num <= 19:
			if prev {
				words = " and "
			}
			if ord {
				words += ordinalWords[int(num)]
			} else {
				words += fewWords[int(num)]
			}
		case num < 100:
			tens := int(num) / 10
			rem := int(num) % 10
			if prev {
				words = " and "
			}
			words += decadeWords[tens-2]
			if rem > 0 {
				words += "-" + lookup(float64(rem), false, ord)
			} else if ord {
				words = words[:len(words)-1] + "ieth"
			}
		case num < 1000:
			hundreds := int(num) / 100
			rem := int(num) % 100
			if prev {
				words = ", "
			}
			words += fewWords[hundreds] + " Hundred"
			if rem > 0 {
				words += lookup(float64(rem), true, ord)
			} else if ord {
				words += "th"
			}
		default:
			mag := int(math.Floor(math.Log10(num) / 3))
			if mag > len(magnitudeWords) {
				mag = len(magnitudeWords)
			}
			factor := math.Pow(10, float64(mag*3))
			mant := math.Floor(num / factor)
			rem := num - mant*factor
			if prev {
				words = ", "
			}
			words += lookup(mant, false, false) + " " + magnitudeWords[mag-1]
			if rem > 0 {
				words += lookup(rem, true, ord)
			} else if ord {
				words += "th"
			}
		}
		return words
	}
	return lookup(value, false, ordinal)
}

var wordValues = sync.OnceValue(func() map[string]float64 {
	m := map[string]float64{}
	for i, w := range fewWords {
		m[strings.ToLower(w)] = float64(i)
	}
	for i, w := range ordinalWords {
		m[strings.ToLower(w)] = float64(i)
	}
	for i, w := range decadeWords {
		lw := strings.ToLower(w)
		m[lw] = float64((i + 2) * 10)
		m[lw[:len(lw)-1]+"ieth"] = m[lw]
	}
	m["hundredth"] = 100
	for i, w := range magnitudeWords {
		lw := strings.ToLower(w)
		v := math.Pow(10, float64((i+1)*3))
		m[lw] = v
		m[lw+"th"] = v
	}
	return m
})

func wordsToNumber(text string) float64 {
	parts := splitWords(text)
	segs := []float64{0}
	for _, part := range parts {
		value, ok := wordValues()[part]
		if !ok {
			value = math.NaN()
		}
		if value < 100 {
			top := segs[len(segs)-1]
			segs = segs[:len(segs)-1]
			if top >= 1000 {
				segs = append(segs, top)
				top = 0
			}
			segs = append(segs, top+value)
		} else {
			segs[len(segs)-1] *= value
		}
	}
	total := 0.0
	for _, s := range segs {
		total += s
	}
	return total
}

// splitWords splits number words on ", ", " and ", spaces and dashes.
func splitWords(text string) []string {
	text = strings.ReplaceAll(text, ", ", " ")
	text = strings.ReplaceAll(text, " and ", " ")
	return strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '-' || r == '\\' || r == '\t' || r == '\n' })
}

var romanNumerals = []struct {
	value   int
	letters string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

func decimalToRoman(value float64) string {
	var b strings.Builder
	v := int(value)
	for _, n := range romanNumerals {
		for v >= n.value {
			b.WriteString(n.letters)
			v -= n.value
		}
	}
	return b.String()
}

func romanToDecimal(roman string) float64 {
	values := map[byte]int{'M': 1000, 'D': 500, 'C': 100, 'L': 50, 'X': 10, 'V': 5, 'I': 1}
	decimal, maxV := 0, 1
	for i := len(roman) - 1; i >= 0; i-- {
		v := values[roman[i]]
		if v < maxV {
			decimal -= v
		} else {
			maxV = v
			decimal += v
		}
	}
	return float64(decimal)
}

func decimalToLetters(value float64, a rune) string {
	var letters []rune
	v := int(value)
	for v > 0 {
		letters = append([]rune{rune((v-1)%26) + a}, letters...)
		v = (v - 1) / 26
	}
	return string(letters)
}

func lettersToDecimal(letters string, a rune) float64 {
	decimal := 0.0
	r := []rune(letters)
	for i := range r {
		decimal += float64(r[len(r)-i-1]-a+1) * math.Pow(26, float64(i))
	}
	return decimal
}

type integerFormatKind int

const (
	fmtDecimal integerFormatKind = iota
	fmtLetters
	fmtRoman
	fmtWords
	fmtSequence
)

type letterCase int

const (
	caseLower letterCase = iota
	caseUpper
	caseTitle
)

type separator struct {
	position  int
	character string
}

type integerFormat struct {
	primary         integerFormatKind
	lcase           letterCase
	ordinal         bool
	zeroCode        rune
	mandatoryDigits int
	optionalDigits  int
	regular         bool
	regularSep      separator
	separators      []separator
	token           string
	n               int // the digits a year is given
}

var decimalGroups = []rune{0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10}

func analyseIntegerPicture(picture string) (*integerFormat, error) {
	f := &integerFormat{primary: fmtDecimal, lcase: caseLower}
	primary := picture
	if semi := strings.LastIndex(picture, ";"); semi >= 0 {
		primary = picture[:semi]
		if strings.HasPrefix(picture[semi+1:], "o") {
			f.ordinal = true
		}
	}
	switch primary {
	case "A":
		f.lcase = caseUpper
		f.primary = fmtLetters
	case "a":
		f.primary = fmtLetters
	case "I":
		f.lcase = caseUpper
		f.primary = fmtRoman
	case "i":
		f.primary = fmtRoman
	case "W":
		f.lcase = caseUpper
		f.primary = fmtWords
	case "Ww":
		f.lcase = caseTitle
		f.primary = fmtWords
	case "w":
		f.primary = fmtWords
	default:
		zero := rune(-1)
		position := 0
		var seps []separator
		runes := []rune(primary)
		for i := len(runes) - 1; i >= 0; i-- {
			cp := runes[i]
			digit := false
			for _, g := range decimalGroups {
				if cp >= g && cp <= g+9 {
					digit = true
					f.mandatoryDigits++
					position++
					if zero == -1 {
						zero = g
					} else if g != zero {
						return nil, newError("D3131", -1, "", nil)
					}
					break
				}
			}
			if !digit {
				if cp == '#' {
					position++
					f.optionalDigits++
				} else {
					seps = append(seps, separator{position: position, character: string(cp)})
				}
			}
		}
		if f.mandatoryDigits == 0 {
			f.primary = fmtSequence
			f.token = primary
			return f, nil
		}
		f.zeroCode = zero
		if regular := regularSeparators(seps); regular > 0 {
			f.regular = true
			f.regularSep = separator{position: regular, character: seps[0].character}
		} else {
			f.separators = seps
		}
	}
	return f, nil
}

func regularSeparators(seps []separator) int {
	if len(seps) == 0 {
		return 0
	}
	for _, s := range seps[1:] {
		if s.character != seps[0].character {
			return 0
		}
	}
	positions := make([]int, len(seps))
	for i, s := range seps {
		positions[i] = s.position
	}
	return regularGrouping(positions)
}

func formatIntegerWith(value float64, f *integerFormat) (string, error) {
	negative := value < 0
	value = math.Abs(value)
	var out string
	switch f.primary {
	case fmtLetters:
		a := 'a'
		if f.lcase == caseUpper {
			a = 'A'
		}
		out = decimalToLetters(value, a)
	case fmtRoman:
		if value > 1e6 {
			// a million is a thousand Ms; jsonata-js overflows its stack well before much more
			return "", newError("D3130", -1, "", "I")
		}
		out = decimalToRoman(value)
		if f.lcase == caseUpper {
			out = strings.ToUpper(out)
		}
	case fmtWords:
		out = numberToWords(value, f.ordinal)
		if f.lcase == caseUpper {
			out = strings.ToUpper(out)
		} else if f.lcase == caseLower {
			out = strings.ToLower(out)
		}
	case fmtDecimal:
		out = formatJSNumber(value)
		if pad := f.mandatoryDigits - len(out); pad > 0 {
			out = strings.Repeat("0", pad) + out
		}
		if f.zeroCode != '0' {
			r := []rune(out)
			for i, c := range r {
				r[i] = c + f.zeroCode - '0'
			}
			out = string(r)
		}
		r := []rune(out)
		if f.regular {
			n := (len(r) - 1) / f.regularSep.position
			for i := n; i > 0; i-- {
				pos := len(r) - i*f.regularSep.position
				r = append(r[:pos], append([]rune(f.regularSep.character), r[pos:]...)...)
			}
		} else {
			for i := len(f.separators) - 1; i >= 0; i-- {
				s := f.separators[i]
				pos := len(r) - s.position
				if pos < 0 || pos > len(r) {
					continue
				}
				r = append(r[:pos], append([]rune(s.character), r[pos:]...)...)
			}
		}
		out = string(r)
		if f.ordinal {
			out += ordinalSuffix(out)
		}
	case fmtSequence:
		return "", newError("D3130", -1, "", f.token)
	}
	if negative {
		out = "-" + out
	}
	return out, nil
}

func ordinalSuffix(s string) string {
	if s == "" {
		return "th"
	}
	last := s[len(s)-1]
	if len(s) > 1 && s[len(s)-2] == '1' {
		return "th"
	}
	switch last {
	case '1':
		return "st"
	case '2':
		return "nd"
	case '3':
		return "rd"
	}
	return "th"
}

// integerMatcher is a regex and a parser for an integer in a picture's format.
type integerMatcher struct {
	regex string
	parse func(string) float64
}

func integerRegex(f *integerFormat) (*integerMatcher, error) {
	upper := f.lcase == caseUpper
	switch f.primary {
	case fmtLetters:
		a, re := 'a', "[a-z]+"
		if upper {
			a, re = 'A', "[A-Z]+"
		}
		return &integerMatcher{regex: re, parse: func(s string) float64 { return lettersToDecimal(s, a) }}, nil
	case fmtRoman:
		re := "[mdclxvi]+"
		if upper {
			re = "[MDCLXVI]+"
		}
		return &integerMatcher{regex: re, parse: func(s string) float64 { return romanToDecimal(strings.ToUpper(s)) }}, nil
	case fmtWords:
		words := make([]string, 0, len(wordValues())+2)
		for w := range wordValues() {
			words = append(words, w)
		}
		// longer words first, so that an alternation prefers "seventeenth" to "seven"
		sortByLengthDesc(words)
		words = append(words, "and", `[\-, ]`)
		return &integerMatcher{regex: "(?:" + strings.Join(words, "|") + ")+", parse: func(s string) float64 {
			return wordsToNumber(strings.ToLower(s))
		}}, nil
	case fmtDecimal:
		occurrences := "+"
		if f.n > 0 {
			occurrences = "{" + strconv.Itoa(f.n) + "}"
		} else if f.mandatoryDigits > 1 && f.optionalDigits == 0 && len(f.separators) == 0 && !f.regular {
			// a fixed-width field such as [M01] takes at most its width, so that
			// undelimited timestamps (20180205) can be read
			occurrences = "{1," + strconv.Itoa(f.mandatoryDigits) + "}"
		}
		re := "[0-9]" + occurrences
		if f.ordinal {
			re += "(?:th|st|nd|rd)"
		}
		return &integerMatcher{regex: re, parse: func(s string) float64 {
			digits := s
			if f.ordinal && len(digits) >= 2 {
				digits = digits[:len(digits)-2]
			}
			if f.regular {
				digits = strings.ReplaceAll(digits, ",", "")
			} else {
				for _, sep := range f.separators {
					digits = strings.ReplaceAll(digits, sep.character, "")
				}
			}
			if f.zeroCode != '0' {
				r := []rune(digits)
				for i, c := range r {
					r[i] = c - f.zeroCode + '0'
				}
				digits = string(r)
			}
			return parseIntPrefix(digits)
		}}, nil
	}
	return nil, newError("D3130", -1, "", f.token)
}

// parseIntPrefix is JavaScript's parseInt: the leading digits, NaN when there are none.
func parseIntPrefix(s string) float64 {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 {
		return math.NaN()
	}
	v, _ := strconv.ParseFloat(s[:end], 64)
	if neg {
		return -v
	}
	return v
}

func sortByLengthDesc(words []string) {
	for i := 1; i < len(words); i++ {
		for j := i; j > 0 && (len(words[j]) > len(words[j-1]) || (len(words[j]) == len(words[j-1]) && words[j] < words[j-1])); j-- {
			words[j], words[j-1] = words[j-1], words[j]
		}
	}
}
