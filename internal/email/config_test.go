package email

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want Config
	}{
		{"smtp://user:pa%40ss@mail.example.com:2525?tls=starttls",
			Config{Host: "mail.example.com", Port: 2525, TLS: TLSStartTLS, Username: "user", Password: "pa@ss"}},
		{"smtp://127.0.0.1:1025?tls=none", Config{Host: "127.0.0.1", Port: 1025, TLS: TLSNone}},
		{"smtp://mail.example.com", Config{Host: "mail.example.com", Port: 587, TLS: TLSStartTLS}},
		{"smtp://mail.example.com/", Config{Host: "mail.example.com", Port: 587, TLS: TLSStartTLS}},
		{"smtp://mail.example.com?tls=none", Config{Host: "mail.example.com", Port: 25, TLS: TLSNone}},
		{"smtp://mail.example.com?tls=tls", Config{Host: "mail.example.com", Port: 465, TLS: TLSImplicit}},
		{"smtp://mail.example.com:465", Config{Host: "mail.example.com", Port: 465, TLS: TLSImplicit}},
		{"smtp://apikey@[::1]:587", Config{Host: "::1", Port: 587, TLS: TLSStartTLS, Username: "apikey"}},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "smtp url: empty"},
		{"http://mail.example.com", `scheme "http": want smtp`},
		{"mail.example.com:25", `scheme "mail.example.com": want smtp`},
		{"smtp:mail.example.com", "want smtp://host:port"},
		{"smtp://:25", "host: missing"},
		{"smtp://user:secret@mail.example.com:0", `port "0": want 1-65535`},
		{"smtp://mail.example.com:70000", `port "70000": want 1-65535`},
		{"smtp://user:secret@mail.example.com:smtp", "smtp url: malformed"},
		{"smtp://mail.example.com/inbox", `path "/inbox": want none`},
		{"smtp://mail.example.com#x", `fragment "x": want none`},
		{"smtp://mail.example.com?tls=ssl", `tls="ssl": want none, starttls or tls`},
		{"smtp://mail.example.com?tls=none&tls=tls", "tls: given more than once"},
		{"smtp://mail.example.com?rate=5", `query parameter "rate": unknown (want tls or insecure)`},
		{"smtp://mail.example.com?tls=%zz", "query:"},
	}
	for _, tt := range tests {
		_, err := ParseURL(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseURL(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseURL(%q) error shows the password: %v", tt.in, err)
		}
	}
}

func TestConfigStringHidesPassword(t *testing.T) {
	c, err := ParseURL("smtp://user:hunter2@mail.example.com?tls=tls")
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "hunter2") || !strings.Contains(s, "user:xxxxx@mail.example.com:465") {
		t.Fatalf("String() = %s", s)
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"smtp://user:pass@host:25?tls=none", "smtp://h", "smtp://[::1]:465", "smtp://%zz", "smtp://h:0",
		"smtp://u:p@h:587?tls=starttls&tls=tls", "http://x", "smtp:opaque", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseURL(s)
		if err != nil {
			if c != (Config{}) {
				t.Fatalf("error %v with a non-zero config %+v", err, c)
			}
			return
		}
		if c.Host == "" || c.Port < 1 || c.Port > 65535 {
			t.Fatalf("ParseURL(%q) = %+v: bad host or port", s, c)
		}
		if _, ok := defaultPorts[c.TLS]; !ok {
			t.Fatalf("ParseURL(%q) = %+v: bad tls", s, c)
		}
		if _, err := clientOptions(c); err != nil {
			t.Fatalf("ParseURL(%q) = %+v, but the sender refuses it: %v", s, c, err)
		}
	})
}
