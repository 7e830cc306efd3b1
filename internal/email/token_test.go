package email

import (
	"errors"
	"strings"
	"testing"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestSignVerify(t *testing.T) {
	for _, addr := range []string{"dana@example.com", "Mixed.Case+tag@Example.COM", "ünï@例え.jp"} {
		tok := Sign(secret, addr)
		if strings.ContainsAny(tok, "/+=?&# ") {
			t.Errorf("token %q is not URL-safe", tok)
		}
		got, err := Verify(secret, tok)
		if err != nil || got != addr {
			t.Errorf("Verify(Sign(%q)) = %q, %v", addr, got, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	tok := Sign(secret, "dana@example.com")
	other := Sign(secret, "eve@example.com")
	enc, mac, _ := strings.Cut(tok, ".")
	_, otherMAC, _ := strings.Cut(other, ".")
	tests := map[string]struct {
		secret []byte
		token  string
	}{
		"wrong secret":       {[]byte("another secret"), tok},
		"empty secret":       {nil, tok},
		"signed with nil":    {nil, Sign(nil, "dana@example.com")},
		"signed with empty":  {[]byte{}, Sign([]byte{}, "dana@example.com")},
		"empty":              {secret, ""},
		"no dot":             {secret, enc + mac},
		"mac swapped":        {secret, enc + "." + otherMAC},
		"mac cut":            {secret, enc + "." + mac[:20]},
		"address changed":    {secret, "ZXZlQGV4YW1wbGUuY29t." + mac},
		"not base64":         {secret, "!!!." + mac},
		"empty address":      {secret, "." + mac},
		"too long":           {secret, strings.Repeat("a", 2000) + "." + mac},
		"extra dot":          {secret, tok + ".x"},
		"std base64 chars":   {secret, enc + ".+" + mac[1:]},
		"mac of other addr":  {secret, enc + "." + otherMAC},
		"signed but long":    {secret, Sign(secret, strings.Repeat("a", 800)+"@example.com")},
		"signed, no address": {secret, Sign(secret, "")},
	}
	for name, tt := range tests {
		if got, err := Verify(tt.secret, tt.token); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: Verify = %q, %v; want ErrBadToken", name, got, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	f.Add("dana@example.com", Sign(secret, "dana@example.com"))
	f.Add("x", "eA.AAAA")
	f.Add("", "..")
	f.Fuzz(func(t *testing.T, addr, token string) {
		if got, err := Verify(secret, token); err == nil {
			if again, err := Verify(secret, Sign(secret, got)); err != nil || again != got {
				t.Fatalf("Verify(%q) = %q, but re-signing it does not verify", token, got)
			}
		}
		if addr == "" || len(addr) > 254 { // RFC 5321's longest address; longer tokens are refused
			return
		}
		if got, err := Verify(secret, Sign(secret, addr)); err != nil || got != addr {
			t.Fatalf("round trip of %q = %q, %v", addr, got, err)
		}
	})
}
