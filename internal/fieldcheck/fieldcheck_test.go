package fieldcheck

import (
	"strings"
	"testing"
	"time"
)

func TestChecks(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // "" for accepted
	}{
		{"a plain name", Line("first_name", "Zoë O'Brien-Łukasz", MaxLine), ""},
		{"200 characters", Line("first_name", strings.Repeat("é", 200), MaxLine), ""},
		{"201 characters", Line("first_name", strings.Repeat("é", 201), MaxLine), "first_name: 201 characters: want at most 200"},
		{"a line feed", Line("company", "Acme\nBcc: x@y", MaxLine), `company: '\n' at character 5: want one line without control characters`},
		{"a carriage return", Line("title", "CEO\r", MaxLine), `title: '\r' at character 4: want one line without control characters`},
		{"a NUL", Line("phone", "555\x000", MaxLine), `phone: '\x00' at character 4: want one line without control characters`},
		{"a C1 control", Line("city", "Fres\u0085no", MaxLine), `city: '\u0085' at character 5: want one line without control characters`},
		{"a street on two lines", Lines("street", "1 Main St\nSuite 4", MaxLine), ""},
		{"an escape in a street", Lines("street", "1 Main\x1b[2J", MaxLine), `street: '\x1b' at character 7: want text without control characters other than line breaks`},
		{"50 custom fields", Custom(fields(50, "v")), ""},
		{"51 custom fields", Custom(fields(51, "v")), "custom: 51 fields: want at most 50"},
		{"an empty custom name", Custom(map[string]string{" ": "v"}), "custom: field names must not be empty"},
		{"a custom name with a line break", Custom(map[string]string{"a\nb": "v"}), `custom: field name "a\nb": '\n' at character 2: want one line without control characters`},
		{"a custom value of 1000", Custom(map[string]string{"k": strings.Repeat("v", 1000)}), ""},
		{"a custom value of 1001", Custom(map[string]string{"k": strings.Repeat("v", 1001)}), "custom.k: 1001 characters: want at most 1000"},
		{"year 1900", Date("at", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)), ""},
		{"year 2200", Date("at", time.Date(2200, 12, 31, 23, 0, 0, 0, time.UTC)), ""},
		{"year 1899", Date("at", time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)), "at: year 1899: want a date between 1900 and 2200"},
		{"year 9999", Date("sold_at", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)), "sold_at: year 9999: want a date between 1900 and 2200"},
		{"an amount", Amount("amount", "1250.00"), ""},
		{"zero", Amount("amount", "0"), ""},
		{"a negative amount", Amount("amount", "-1250.00"), `amount: "-1250.00" is negative: want 0 or more`},
		{"minus zero", Amount("amount", "-0"), `amount: "-0" is negative: want 0 or more`},
		{"13 digits", Amount("amount", "1234567890123"), `amount: "1234567890123": want a plain decimal number such as 1250.00`},
		{"three decimals", Amount("amount", "1.234"), `amount: "1.234": want a plain decimal number such as 1250.00`},
		{"an exponent", Amount("amount", "1e9"), `amount: "1e9": want a plain decimal number such as 1250.00`},
		{"a username", Username("owner", "c.ferguson_2"), ""},
		{"no username", Username("owner", ""), "owner: is required"},
		{"a space", Username("owner", "cory ferguson"), `owner: "cory ferguson": no spaces or slashes`},
		{"a no-break space", Username("owner", "cory\u00a0f"), `owner: "cory\u00a0f": no spaces or slashes`},
		{"a slash", Username("username", "a/b"), `username: "a/b": no spaces or slashes`},
		{"a bell", Username("username", "cory\a"), `username: '\a' at character 5: want one line without control characters`},
		{"65 characters", Username("username", strings.Repeat("u", 65)), "username: 65 characters: want at most 64"},
	}
	for _, tt := range tests {
		got := ""
		if tt.err != nil {
			got = tt.err.Error()
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func fields(n int, v string) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[strings.Repeat("k", i+1)] = v
	}
	return m
}
