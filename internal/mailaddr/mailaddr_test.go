package mailaddr

import (
	"net/mail"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"ann@example.com", ""},
		{"Ann.Lee+news@mail.example.co.uk", ""},
		{"", "not a valid address"},
		{"ann", "not a valid address"},
		{"ann@", "not a valid address"},
		{"ann@example.com, bob@example.com", "not a valid address"},
		{"Ann <ann@example.com>", "want a bare address such as name@example.com"},
		{"<ann@example.com>", "want a bare address such as name@example.com"},
		{"ann@example.com (Ann)", "want a bare address such as name@example.com"},
	} {
		got := ""
		if err := Check(tt.in); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Check(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"ann@example.com", "Ann <ann@example.com>", "a@b", "\"a b\"@example.com", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if Check(in) != nil {
			return
		}
		a, err := mail.ParseAddress(in)
		if err != nil || a.Name != "" || a.Address != in {
			t.Fatalf("Check(%q) accepted an address that is not bare", in)
		}
	})
}
