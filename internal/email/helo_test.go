package email

import (
	"errors"
	"testing"
)

func TestFQDN(t *testing.T) {
	lookup := func(names map[string]string) func(string) (string, error) {
		return func(h string) (string, error) {
			if c, ok := names[h]; ok {
				return c, nil
			}
			return "", errors.New("no such host")
		}
	}
	tests := []struct {
		host  string
		names map[string]string
		want  string
	}{
		{"mail1.example.com", nil, "mail1.example.com"},
		{"mail1", map[string]string{"mail1": "mail1.example.com."}, "mail1.example.com"},
		{"mail1", map[string]string{"mail1": "mail1."}, ""},
		{"mail1", nil, ""},
		{"localhost", map[string]string{"localhost": "localhost.localdomain."}, ""},
		{".", nil, ""},
	}
	for _, tt := range tests {
		if got := fqdn(tt.host, lookup(tt.names)); got != tt.want {
			t.Errorf("fqdn(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}
