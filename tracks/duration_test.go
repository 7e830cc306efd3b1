package tracks

import "testing"

func TestParseDuration(t *testing.T) {
	const syntax = "expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo"
	tests := []struct {
		in   string
		want Duration
		err  string
	}{
		{"0d", Duration{0, UnitDay}, ""},
		{"90min", Duration{90, UnitMinute}, ""},
		{"2h", Duration{2, UnitHour}, ""},
		{"3bd", Duration{3, UnitBusinessDay}, ""},
		{"2w", Duration{2, UnitWeek}, ""},
		{"17mo", Duration{17, UnitMonth}, ""},
		{"1y", Duration{1, UnitYear}, ""},
		{"007d", Duration{7, UnitDay}, ""},
		{"100y", Duration{100, UnitYear}, ""},
		{"1200mo", Duration{1200, UnitMonth}, ""},
		{"", Duration{}, "empty duration: " + syntax},
		{"-1d", Duration{}, `duration "-1d" is negative: ` + syntax},
		{"d", Duration{}, `duration "d" has no number: ` + syntax},
		{"+3d", Duration{}, `duration "+3d" has no number: ` + syntax},
		{"3", Duration{}, `duration "3" has no unit: ` + syntax},
		{"3x", Duration{}, `duration "3x" has unknown unit "x": ` + syntax},
		{"3 d", Duration{}, `duration "3 d" has unknown unit " d": ` + syntax},
		{"3D", Duration{}, `duration "3D" has unknown unit "D": ` + syntax},
		{"3m", Duration{}, `duration "3m" has unknown unit "m": ` + syntax},
		{"1.5d", Duration{}, `duration "1.5d" has unknown unit ".5d": ` + syntax},
		{"101y", Duration{}, `duration "101y" is too long: expected at most 100y (about 100 years)`},
		{"1201mo", Duration{}, `duration "1201mo" is too long: expected at most 1200mo (about 100 years)`},
		{"99999999999999999999999min", Duration{}, `duration "99999999999999999999999min" is too long: expected at most 52704000min (about 100 years)`},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if got != tt.want || msg != tt.err {
			t.Errorf("ParseDuration(%q) = %v, %q; want %v, %q", tt.in, got, msg, tt.want, tt.err)
		}
	}
}

func TestDurationString(t *testing.T) {
	for _, s := range []string{"0d", "90min", "2h", "3bd", "2w", "17mo", "1y"} {
		d, err := ParseDuration(s)
		if err != nil || d.String() != s {
			t.Errorf("ParseDuration(%q).String() = %q, %v", s, d.String(), err)
		}
	}
}
