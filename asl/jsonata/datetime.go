package jsonata

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Date/time formatting and parsing after XPath F&O 3.1 fn:format-dateTime, as jsonata-js's
// datetime.js implements it. Timestamps are milliseconds since the epoch, in UTC.

func registerDateTimeFunctions(t table) {
	t.def("formatInteger", "<n-s:s>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		v, ok := num(args, 0)
		if !ok {
			return nil, nil
		}
		picture, _ := str(args, 1)
		f, err := analyseIntegerPicture(picture)
		if err != nil {
			return nil, err
		}
		return formatIntegerWith(math.Floor(v), f)
	})
	t.def("parseInteger", "<s-s:n>", 2, func(_ *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok {
			return nil, nil
		}
		picture, _ := str(args, 1)
		f, err := analyseIntegerPicture(picture)
		if err != nil {
			return nil, err
		}
		m, err := integerRegex(f)
		if err != nil {
			return nil, err
		}
		r := m.parse(s)
		if math.IsNaN(r) {
			return nil, nil
		}
		return r, nil
	})
	t.def("fromMillis", "<n-s?s?:s>", 3, func(_ *evaluator, _ *call, args []any) (any, error) {
		ms, ok := num(args, 0)
		if !ok {
			return nil, nil
		}
		return formatDateTime(ms, argAt(args, 1), argAt(args, 2))
	})
	t.def("toMillis", "<s-s?:n>", 2, func(ev *evaluator, _ *call, args []any) (any, error) {
		s, ok := str(args, 0)
		if !ok {
			return nil, nil
		}
		if picture, ok := str(args, 1); ok {
			return parseDateTime(s, picture, ev.currentTime())
		}
		ms, ok := parseISO(s)
		if !ok {
			return nil, newError("D3110", -1, "", s)
		}
		return ms, nil
	})
	t.def("now", "<s?s?:s>", 2, func(ev *evaluator, _ *call, args []any) (any, error) {
		return formatDateTime(float64(ev.currentTime().UnixMilli()), argAt(args, 0), argAt(args, 1))
	})
	t.def("millis", "<:n>", 0, func(ev *evaluator, _ *call, _ []any) (any, error) {
		return float64(ev.currentTime().UnixMilli()), nil
	})
}

type dtMarker struct {
	literal      bool
	value        string // a literal's text
	component    byte
	presentation string
	pres2        string
	ordinal      bool
	names        letterCase
	hasNames     bool
	widthMin     int // -1 when not given
	widthMax     int
	intFormat    *integerFormat
	n            int
}

var defaultPresentation = map[byte]string{
	'Y': "1", 'M': "1", 'D': "1", 'd': "1", 'F': "n", 'W': "1", 'w': "1", 'X': "1", 'x': "1", 'H': "1", 'h': "1",
	'P': "n", 'm': "01", 's': "01", 'f': "1", 'Z': "01:01", 'z': "01:01", 'C': "n", 'E': "n",
}

func analyseDateTimePicture(picture string) ([]*dtMarker, error) {
	var spec []*dtMarker
	addLiteral := func(start, end int) {
		if end > start {
			lit := strings.ReplaceAll(picture[start:end], "]]", "]")
			spec = append(spec, &dtMarker{literal: true, value: lit})
		}
	}
	start, pos := 0, 0
	for pos < len(picture) {
		if picture[pos] != '[' {
			pos++
			continue
		}
		if pos+1 < len(picture) && picture[pos+1] == '[' {
			addLiteral(start, pos)
			spec = append(spec, &dtMarker{literal: true, value: "["})
			pos += 2
			start = pos
			continue
		}
		addLiteral(start, pos)
		start = pos
		end := strings.IndexByte(picture[start:], ']')
		if end < 0 {
			return nil, newError("D3135", -1, "", nil)
		}
		pos = start + end
		marker := strings.Join(strings.Fields(picture[start+1:pos]), "")
		def := &dtMarker{widthMin: -1, widthMax: -1}
		if marker != "" {
			def.component = marker[0]
		}
		var pres string
		if comma := strings.LastIndexByte(marker, ','); comma >= 0 {
			width := marker[comma+1:]
			minW, maxW := width, ""
			hasMax := false
			if dash := strings.IndexByte(width, '-'); dash >= 0 {
				minW, maxW = width[:dash], width[dash+1:]
				hasMax = true
			}
			def.widthMin = parseWidth(minW)
			if hasMax {
				def.widthMax = parseWidth(maxW)
			}
			pres = marker[min(1, comma):comma]
		} else if marker != "" {
			pres = marker[1:]
		}
		switch {
		case len(pres) == 1:
			def.presentation = pres
		case len(pres) > 1:
			last := pres[len(pres)-1]
			if strings.IndexByte("atco", last) >= 0 {
				def.pres2 = string(last)
				def.ordinal = last == 'o'
				def.presentation = pres[:len(pres)-1]
			} else {
				def.presentation = pres
			}
		default:
			p, ok := defaultPresentation[def.component]
			if !ok {
				return nil, newError("D3132", -1, "", string(def.component))
			}
			def.presentation = p
		}
		if def.presentation == "" {
			return nil, newError("D3132", -1, "", string(def.component))
		}
		switch {
		case def.presentation[0] == 'n':
			def.hasNames, def.names = true, caseLower
		case def.presentation[0] == 'N':
			def.hasNames = true
			if len(def.presentation) > 1 && def.presentation[1] == 'n' {
				def.names = caseTitle
			} else {
				def.names = caseUpper
			}
		case strings.IndexByte("YMDdFWwXxHhmsf", def.component) >= 0:
			pattern := def.presentation
			if def.pres2 != "" {
				pattern += ";" + def.pres2
			}
			f, err := analyseIntegerPicture(pattern)
			if err != nil {
				return nil, err
			}
			def.intFormat = f
			if def.widthMin >= 0 && f.mandatoryDigits < def.widthMin {
				f.mandatoryDigits = def.widthMin
			}
			if def.component == 'Y' {
				def.n = -1
				if def.widthMax >= 0 {
					def.n = def.widthMax
					f.mandatoryDigits = def.n
				} else if w := f.mandatoryDigits + f.optionalDigits; w >= 2 {
					def.n = w
				}
			}
		}
		if def.component == 'Z' || def.component == 'z' {
			f, err := analyseIntegerPicture(def.presentation)
			if err != nil {
				return nil, err
			}
			def.intFormat = f
		}
		spec = append(spec, def)
		start = pos + 1
		pos++
	}
	addLiteral(start, pos)
	return spec, nil
}

// parseWidth reads a width modifier: a number, or * (none).
func parseWidth(s string) int {
	if s == "" || s == "*" {
		return -1
	}
	v := parseIntPrefix(s)
	if math.IsNaN(v) {
		return -1
	}
	// no date component needs more; a larger width would only allocate
	return int(math.Min(v, 100))
}

var dayNames = []string{"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

const millisInADay = 86400000

func utcMillis(year, month, day int) int64 {
	return time.Date(year, time.Month(month+1), day, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// startOfFirstWeek is the Monday of the ISO week holding the first Thursday of the month.
func startOfFirstWeek(year, month int) int64 {
	jan1 := utcMillis(year, month, 1)
	day := int(time.UnixMilli(jan1).UTC().Weekday())
	if day == 0 {
		day = 7
	}
	if day > 4 {
		return jan1 + int64(8-day)*millisInADay
	}
	return jan1 - int64(day-1)*millisInADay
}

func nextMonth(y, m int) (int, int) {
	if m == 11 {
		return y + 1, 0
	}
	return y, m + 1
}

func prevMonth(y, m int) (int, int) {
	if m == 0 {
		return y - 1, 11
	}
	return y, m - 1
}

// dateComponent returns a component of a date: an integer, or a name for P, C and E.
func dateComponent(t time.Time, c byte) any {
	switch c {
	case 'Y':
		return t.Year()
	case 'M':
		return int(t.Month())
	case 'D':
		return t.Day()
	case 'd':
		return t.YearDay()
	case 'F':
		d := int(t.Weekday())
		if d == 0 {
			d = 7
		}
		return d
	case 'W':
		today := utcMillis(t.Year(), int(t.Month())-1, t.Day())
		start := startOfFirstWeek(t.Year(), 0)
		week := float64(today-start)/(millisInADay*7) + 1
		if week > 52 {
			if today >= startOfFirstWeek(t.Year()+1, 0) {
				week = 1
			}
		} else if week < 1 {
			week = float64(today-startOfFirstWeek(t.Year()-1, 0))/(millisInADay*7) + 1
		}
		return int(math.Floor(week))
	case 'w':
		y, m := t.Year(), int(t.Month())-1
		today := utcMillis(y, m, t.Day())
		week := float64(today-startOfFirstWeek(y, m))/(millisInADay*7) + 1
		if week > 4 {
			ny, nm := nextMonth(y, m)
			if today >= startOfFirstWeek(ny, nm) {
				week = 1
			}
		} else if week < 1 {
			py, pm := prevMonth(y, m)
			week = float64(today-startOfFirstWeek(py, pm))/(millisInADay*7) + 1
		}
		return int(math.Floor(week))
	case 'X':
		now := t.UnixMilli()
		if now < startOfFirstWeek(t.Year(), 0) {
			return t.Year() - 1
		}
		if now >= startOfFirstWeek(t.Year()+1, 0) {
			return t.Year() + 1
		}
		return t.Year()
	case 'x':
		y, m := t.Year(), int(t.Month())-1
		now := t.UnixMilli()
		if now < startOfFirstWeek(y, m) {
			_, pm := prevMonth(y, m)
			return pm + 1
		}
		ny, nm := nextMonth(y, m)
		if now >= startOfFirstWeek(ny, nm) {
			return nm + 1
		}
		return m + 1
	case 'H':
		return t.Hour()
	case 'h':
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return h
	case 'P':
		if t.Hour() >= 12 {
			return "pm"
		}
		return "am"
	case 'm':
		return t.Minute()
	case 's':
		return t.Second()
	case 'f':
		return t.Nanosecond() / 1e6
	case 'C', 'E':
		return "ISO"
	}
	return nil
}

var iso8601Spec, _ = analyseDateTimePicture("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]")

func formatDateTime(millis float64, picture, timezone any) (any, error) {
	offsetHours, offsetMinutes := 0, 0
	if tz, ok := timezone.(string); ok {
		offset := parseIntPrefix(tz)
		if !math.IsNaN(offset) {
			offsetHours = int(math.Floor(offset / 100))
			offsetMinutes = int(math.Mod(offset, 100))
		}
	}
	spec := iso8601Spec
	if p, ok := picture.(string); ok {
		var err error
		if spec, err = analyseDateTimePicture(p); err != nil {
			return nil, err
		}
	}
	offsetMillis := int64(60*offsetHours+offsetMinutes) * 60000
	t := time.UnixMilli(int64(millis) + offsetMillis).UTC()
	var b strings.Builder
	for _, part := range spec {
		if part.literal {
			b.WriteString(part.value)
			continue
		}
		s, err := formatComponent(t, part, offsetHours, offsetMinutes)
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func formatComponent(t time.Time, m *dtMarker, offsetHours, offsetMinutes int) (string, error) {
	value := dateComponent(t, m.component)
	switch {
	case strings.IndexByte("YMDdFWwXxHhms", m.component) >= 0:
		v, _ := value.(int)
		if m.component == 'Y' && m.n != -1 {
			v %= int(math.Pow10(m.n))
		}
		if m.hasNames {
			var name string
			switch m.component {
			case 'M', 'x':
				name = monthNames[(v-1+12)%12]
			case 'F':
				name = dayNames[v%8]
			default:
				return "", newError("D3133", -1, "", string(m.component))
			}
			switch m.names {
			case caseUpper:
				name = strings.ToUpper(name)
			case caseLower:
				name = strings.ToLower(name)
			}
			if m.widthMax >= 0 && len(name) > m.widthMax {
				name = name[:m.widthMax]
			}
			return name, nil
		}
		if m.intFormat == nil {
			return "", newError("D3132", -1, "", string(m.component))
		}
		return formatIntegerWith(float64(v), m.intFormat)
	case m.component == 'f':
		v, _ := value.(int)
		if m.intFormat == nil {
			return "", newError("D3132", -1, "", "f")
		}
		return formatIntegerWith(float64(v), m.intFormat)
	case m.component == 'Z' || m.component == 'z':
		offset := offsetHours*100 + offsetMinutes
		var s string
		var err error
		if m.intFormat.regular {
			s, err = formatIntegerWith(float64(offset), m.intFormat)
		} else {
			switch digits := m.intFormat.mandatoryDigits; digits {
			case 1, 2:
				s, err = formatIntegerWith(float64(offsetHours), m.intFormat)
				if offsetMinutes != 0 {
					mm, _ := analyseIntegerPicture("00")
					ms, _ := formatIntegerWith(float64(offsetMinutes), mm)
					s += ":" + ms
				}
			case 3, 4:
				s, err = formatIntegerWith(float64(offset), m.intFormat)
			default:
				return "", newError("D3134", -1, "", float64(digits))
			}
		}
		if err != nil {
			return "", err
		}
		if offset >= 0 {
			s = "+" + s
		}
		if m.component == 'z' {
			s = "GMT" + s
		}
		if offset == 0 && m.pres2 == "t" {
			s = "Z"
		}
		return s, nil
	}
	if s, ok := value.(string); ok {
		if m.hasNames && m.names == caseUpper {
			return strings.ToUpper(s), nil
		}
		return s, nil
	}
	return "", newError("D3132", -1, "", string(m.component))
}

// dtPart is one part of a date/time parser: a regex group and how to read it.
type dtPart struct {
	regex     string
	component byte
	parse     func(string) (float64, bool)
}

func dateTimeParts(spec []*dtMarker) ([]dtPart, error) {
	var parts []dtPart
	for _, m := range spec {
		switch {
		case m.literal:
			parts = append(parts, dtPart{regex: regexp.QuoteMeta(m.value)})
		case m.component == 'Z' || m.component == 'z':
			sep := ""
			if m.intFormat.regular {
				sep = m.intFormat.regularSep.character
			}
			re := ""
			if m.component == 'z' {
				re = "GMT"
			}
			re += "[-+][0-9]+"
			if sep != "" {
				re += regexp.QuoteMeta(sep) + "[0-9]+"
			}
			comp := m.component
			parts = append(parts, dtPart{regex: re, component: comp, parse: func(v string) (float64, bool) {
				if comp == 'z' {
					v = v[min(3, len(v)):]
				}
				var h, mi float64
				if sep != "" {
					i := strings.Index(v, sep)
					h = parseIntPrefix(v[:i])
					mi = parseIntPrefix(v[i+len(sep):])
				} else if len(v)-1 <= 2 {
					h = parseIntPrefix(v)
				} else {
					h = parseIntPrefix(v[:3])
					mi = parseIntPrefix(v[3:])
				}
				return h*60 + mi, true
			}})
		case m.intFormat != nil:
			m.intFormat.n = m.n
			im, err := integerRegex(m.intFormat)
			if err != nil {
				return nil, err
			}
			comp := m.component
			parts = append(parts, dtPart{regex: im.regex, component: comp, parse: func(v string) (float64, bool) {
				if comp == 'f' && len(v) > 0 && v[0] >= '0' && v[0] <= '9' {
					// fractional seconds: the digits are a fraction, truncated to milliseconds
					v = (v + "00")[:3]
				}
				r := im.parse(v)
				return r, !math.IsNaN(r)
			}})
		default:
			lookup := map[string]float64{}
			switch m.component {
			case 'M', 'x':
				for i, name := range monthNames {
					if m.widthMax > 0 {
						name = name[:min(m.widthMax, len(name))]
					}
					lookup[name] = float64(i + 1)
				}
			case 'F':
				for i, name := range dayNames[1:] {
					if m.widthMax > 0 {
						name = name[:min(m.widthMax, len(name))]
					}
					lookup[name] = float64(i + 1)
				}
			case 'P':
				lookup = map[string]float64{"am": 0, "AM": 0, "pm": 1, "PM": 1}
			default:
				return nil, newError("D3133", -1, "", string(m.component))
			}
			parts = append(parts, dtPart{regex: "[a-zA-Z]+", component: m.component, parse: func(v string) (float64, bool) {
				r, ok := lookup[v]
				return r, ok
			}})
		}
	}
	return parts, nil
}

// parseDateTime is $toMillis with a picture: the components found fix the timestamp; missing
// ones before them default to the current time and after them to their lowest value.
func parseDateTime(timestamp, picture string, now time.Time) (any, error) {
	spec, err := analyseDateTimePicture(picture)
	if err != nil {
		return nil, err
	}
	parts, err := dateTimeParts(spec)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("(?i)^")
	for _, p := range parts {
		b.WriteString("(" + p.regex + ")")
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, nil
	}
	info := re.FindStringSubmatch(timestamp)
	if info == nil {
		return nil, nil
	}
	comps := map[byte]float64{}
	for i := 1; i < len(info); i++ {
		p := parts[i-1]
		if p.parse == nil {
			continue
		}
		if v, ok := p.parse(info[i]); ok {
			comps[p.component] = v
		} else {
			comps[p.component] = math.NaN()
		}
	}
	if len(comps) == 0 {
		return nil, nil
	}
	has := func(c byte) bool { _, ok := comps[c]; return ok }
	maskOf := func(cs string) int {
		mask := 0
		for i := 0; i < len(cs); i++ {
			mask <<= 1
			if has(cs[i]) {
				mask++
			}
		}
		return mask
	}
	isType := func(typ, mask int) bool { return ^typ&mask == 0 && typ&mask != 0 }
	dmask := maskOf("YXMxWwdD")
	dateA := isType(161, dmask)
	dateB := !dateA && isType(130, dmask)
	dateC := isType(84, dmask)
	dateD := !dateC && isType(72, dmask)
	tmask := maskOf("PHhmsf")
	timeA := isType(23, tmask)
	timeB := !timeA && isType(47, tmask)
	dateComps := "YMD"
	switch {
	case dateB:
		dateComps = "Yd"
	case dateC:
		dateComps = "XxwF"
	case dateD:
		dateComps = "XWF"
	}
	timeComps := "Hmsf"
	if timeB {
		timeComps = "Phmsf"
	}
	nowUTC := now.UTC()
	startSpecified, endSpecified := false, false
	for _, c := range []byte(dateComps + timeComps) {
		if !has(c) {
			if startSpecified {
				if strings.IndexByte("MDd", c) >= 0 {
					comps[c] = 1
				} else {
					comps[c] = 0
				}
				endSpecified = true
			} else {
				switch v := dateComponent(nowUTC, c).(type) {
				case int:
					comps[c] = float64(v)
				case string:
					if v == "pm" {
						comps[c] = 1
					} else {
						comps[c] = 0
					}
				}
			}
		} else {
			startSpecified = true
			if endSpecified {
				return nil, newError("D3136", -1, "", nil)
			}
		}
	}
	if comps['M'] > 0 {
		comps['M']--
	} else {
		comps['M'] = 0
	}
	if dateB {
		d := time.UnixMilli(utcMillis(int(comps['Y']), 0, 1) + int64(comps['d']-1)*millisInADay).UTC()
		comps['M'] = float64(d.Month() - 1)
		comps['D'] = float64(d.Day())
	}
	if dateC || dateD {
		return nil, newError("D3136", -1, "", nil)
	}
	if timeB {
		h := comps['h']
		if h == 12 {
			h = 0
		}
		if comps['P'] == 1 {
			h += 12
		}
		comps['H'] = h
	}
	for _, v := range comps {
		if math.IsNaN(v) {
			return nil, nil
		}
	}
	t := time.Date(int(comps['Y']), time.Month(int(comps['M'])+1), int(comps['D']), int(comps['H']), int(comps['m']), int(comps['s']), int(comps['f'])*1e6, time.UTC)
	millis := t.UnixMilli()
	if z, ok := comps['Z']; ok {
		millis -= int64(z) * 60000
	} else if z, ok := comps['z']; ok {
		millis -= int64(z) * 60000
	}
	return float64(millis), nil
}

var isoPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d{4})(?:-([01]\d))?(?:-([0-3]\d))?(?:T([0-2]\d):([0-5]\d):([0-5]\d))?(\.\d+)?(?:([+-])([0-2]\d):?([0-5]\d)|(Z))?$`)
})
var isoCheck = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$`)
})

// parseISO is $toMillis without a picture: an ISO 8601 timestamp, UTC unless it has an offset.
func parseISO(s string) (float64, bool) {
	if !isoCheck().MatchString(s) {
		return 0, false
	}
	m := isoPattern().FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	atoi := func(x string, def int) int {
		if x == "" {
			return def
		}
		v, _ := strconv.Atoi(x)
		return v
	}
	ms := 0
	if m[7] != "" {
		frac := (m[7][1:] + "000")[:3]
		ms = atoi(frac, 0)
	}
	month, day := atoi(m[2], 1), atoi(m[3], 1)
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, false
	}
	t := time.Date(atoi(m[1], 0), time.Month(month), day, atoi(m[4], 0), atoi(m[5], 0), atoi(m[6], 0), ms*1e6, time.UTC)
	millis := t.UnixMilli()
	if m[8] != "" {
		off := int64(atoi(m[9], 0)*60+atoi(m[10], 0)) * 60000
		if m[8] == "+" {
			millis -= off
		} else {
			millis += off
		}
	}
	return float64(millis), true
}
