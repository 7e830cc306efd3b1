package tracks

import (
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
)

// Limits on one track file, checked before and while parsing, so that a
// hostile or mistaken file costs little to refuse.
const (
	MaxFileSize  = 1 << 20 // bytes of YAML in one file
	MaxSteps     = 500     // steps in one track
	MaxSpanYears = 1000    // how far after its anchor a track's last step may fall, at worst
)

// readTrackFile reads at most MaxFileSize+1 bytes of the file name: enough
// for parseTrack to refuse a larger one without reading all of it.
func readTrackFile(open func() (fs.File, error)) ([]byte, error) {
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

// checkSize refuses a file larger than MaxFileSize.
func (p *parser) checkSize(src []byte) bool {
	if len(src) > MaxFileSize {
		p.errs.add(Pos{p.file, 1, 1}, "file larger than %d bytes: expected a track of at most %d KiB", MaxFileSize, MaxFileSize>>10)
		return false
	}
	return true
}

// worstDays is the most calendar days d can move a due date: a business day
// can be a week when the window allows one day a week, and every step can
// wait up to a week more for its window.
func worstDays(d *Duration) int {
	const windowWait = 7
	if d == nil {
		return windowWait
	}
	switch d.Unit {
	case UnitMinute:
		return d.N/(24*60) + 1 + windowWait
	case UnitHour:
		return d.N/24 + 1 + windowWait
	case UnitBusinessDay, UnitWeek:
		return 7*d.N + windowWait
	case UnitMonth:
		return 31*d.N + windowWait
	case UnitYear:
		return 366*d.N + windowWait
	}
	return d.N + windowWait
}

// checkSpan refuses a track whose steps can fall more than MaxSpanYears
// after the anchor: each step is within about 100 years of the one before,
// but 500 of them would reach past year 9999, which no due date can hold.
// Anchors are dates before 2200 (see the CRM's date checks), so every due
// date of a track that passes stays far below.
func (p *parser) checkSpan(t *Track) {
	limit, days := MaxSpanYears*366, 0
	for _, s := range t.Steps {
		if s.At != nil {
			days = worstDays(s.At)
		} else {
			days += worstDays(s.After)
		}
		if days > limit {
			p.errs.add(s.Pos, "step %q is due up to %d years after the anchor: expected at most %d, so that every due date stays before year 9999",
				s.ID, days/365, MaxSpanYears)
			return
		}
	}
}

var yamlLine = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// yamlErrorPos finds where a yaml.v3 syntax error is. yaml.v3 puts only a
// line in its message, and for the parser's errors ("did not find expected
// …") that line counts from 0 and is where the unclosed collection starts (or
// the end of the file); for those the column is the unclosed [ or { on that
// line, and an error past the last line is placed on the last line.
func yamlErrorPos(src []byte, err error) (line, col int, msg string) {
	line, col, msg = 1, 1, strings.TrimPrefix(err.Error(), "yaml: ")
	m := yamlLine.FindStringSubmatch(err.Error())
	if m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if !strings.HasPrefix(msg, "did not find expected") {
		return line, col, msg
	}
	if m != nil {
		line++
	}
	lines := strings.Split(strings.TrimRight(string(src), "\n"), "\n")
	line = min(line, len(lines))
	flow := strings.Contains(msg, "']'") || strings.Contains(msg, "'}'")
	for l := line; l >= 1 && (l == line || flow); l-- {
		text := []rune(lines[l-1])
		if c := unclosed(string(text)); c > 0 {
			return l, c, fmt.Sprintf("%s: the %c here is not closed", msg, text[c-1])
		}
	}
	return line, col, msg
}

// unclosed returns the column (from 1) of the last [ or { on the line that
// is not closed on it, outside quotes, or 0.
func unclosed(line string) int {
	var open []int
	var quote, prev rune
	col := 0
	for _, r := range line {
		col++
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (col == 1 || prev == ' '):
			return last(open)
		case r == '[' || r == '{':
			open = append(open, col)
		case (r == ']' || r == '}') && len(open) > 0:
			open = open[:len(open)-1]
		}
		prev = r
	}
	return last(open)
}

func last(cols []int) int {
	if len(cols) == 0 {
		return 0
	}
	return cols[len(cols)-1]
}
