package templates

import (
	"errors"
	"testing"
	"text/template"
)

func TestResolve(t *testing.T) {
	set := &Set{
		emails:  map[string]*emailTemplate{"promo": {}, "welcome": {}},
		letters: map[string]*template.Template{"promo": nil, "promo-x": nil},
	}
	tests := []struct {
		name, want string
		kind       Kind
		both       bool
		err        string
	}{
		{name: "promo", kind: KindEmail, both: true},
		{name: "promo", want: "letter", kind: KindLetter},
		{name: "promo-x", kind: KindLetter},
		{name: "welcome", kind: KindEmail},
		{name: "welcom", err: `no email or letter template "welcom"; close names: welcome (email)`},
		{name: "promox", err: `no email or letter template "promox"; close names: promo (email), promo (letter), promo-x (letter)`},
		{name: "welcome", want: "letter", err: `no letter template "welcome"; close names: welcome (email)`},
		{name: "zzz", err: `no email or letter template "zzz"`},
	}
	for _, tt := range tests {
		kind, both, err := set.Resolve(tt.name, Kind(tt.want))
		if tt.err != "" {
			var nf *NotFoundError
			if err == nil || err.Error() != tt.err || !errors.As(err, &nf) {
				t.Errorf("Resolve(%q, %q) error %v, want *NotFoundError %s", tt.name, tt.want, err, tt.err)
			}
			continue
		}
		if err != nil || kind != tt.kind || both != tt.both {
			t.Errorf("Resolve(%q, %q) = %s, %v, %v; want %s, %v", tt.name, tt.want, kind, both, err, tt.kind, tt.both)
		}
	}
}
