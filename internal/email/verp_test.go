package email

import (
	"strings"
	"testing"
)

func TestVERP(t *testing.T) {
	if got := VERP("bounces@example.com", 123); got != "bounces+t123@example.com" {
		t.Fatalf("VERP = %q", got)
	}
	tests := []struct {
		addr    string
		want    int64
		wantErr string
	}{
		{addr: "bounces+t123@example.com", want: 123},
		{addr: "<bounces+T7@EXAMPLE.com>", want: 7},
		{addr: "bounces+t9223372036854775807@example.com", want: 9223372036854775807},
		{addr: "bounces@example.com", wantErr: `verp address "bounces@example.com": want bounces+tID@example.com`},
		{addr: "other+t1@example.com", wantErr: "want bounces+tID@example.com"},
		{addr: "bounces+t1@example.org", wantErr: `verp address "bounces+t1@example.org": domain is not example.com`},
		{addr: "bounces+t0@example.com", wantErr: `touch id "0": want a positive whole number`},
		{addr: "bounces+t012@example.com", wantErr: `touch id "012"`},
		{addr: "bounces+t+1@example.com", wantErr: `touch id "+1"`},
		{addr: "bounces+tx@example.com", wantErr: `touch id "x"`},
		{addr: "bounces+t99999999999999999999@example.com", wantErr: "want a positive whole number"},
		{addr: "nobody", wantErr: "want local+tID@domain"},
	}
	for _, tt := range tests {
		got, err := ParseVERP("bounces@example.com", tt.addr)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseVERP(%q) = %d, %v; want error %q", tt.addr, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseVERP(%q) = %d, %v; want %d", tt.addr, got, err, tt.want)
		}
	}
}

func TestCheckBounceAddress(t *testing.T) {
	for addr, want := range map[string]string{
		"bounces@example.com":           "",
		"Bounces <bounces@example.com>": "want a bare address",
		"bounces+x@example.com":         `want no "+"`,
		"bouncés@example.com":           "want ASCII only",
		"not an address":                "bounce address \"not an address\": mail:",
	} {
		err := CheckBounceAddress(addr)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckBounceAddress(%q) = %v, want %q", addr, err, want)
		}
	}
}

// FuzzParseVERP: any address is read or refused, never a panic, and what
// is read is what VERP made.
func FuzzParseVERP(f *testing.F) {
	for _, s := range []string{"bounces+t1@example.com", "<bounces+T77@EXAMPLE.COM>", "bounces+t@example.com", "@", "+t1@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		id, err := ParseVERP("bounces@example.com", addr)
		if err != nil {
			return
		}
		if again, err := ParseVERP("bounces@example.com", VERP("bounces@example.com", id)); err != nil || again != id {
			t.Fatalf("ParseVERP(%q) = %d; VERP of it reads back %d, %v", addr, id, again, err)
		}
	})
}
