package email

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestVerifyKeysRotation: the first key signs, every key verifies, a key
// dropped from the list no longer does, and an empty key verifies nothing.
func TestVerifyKeysRotation(t *testing.T) {
	oldKey, newKey, gone := []byte("old key 0123456789"), []byte("new key 0123456789"), []byte("gone key 0123456789")
	keys := [][]byte{newKey, oldKey}
	tests := []struct {
		name  string
		keys  [][]byte
		token string
		ok    bool
	}{
		{"signed with the new key", keys, Sign(newKey, "a@x.example"), true},
		{"signed with the old key, still in the list", keys, Sign(oldKey, "a@x.example"), true},
		{"signed with a key rotated out", keys, Sign(gone, "a@x.example"), false},
		{"signed with an empty key, checked with real keys", keys, Sign(nil, "a@x.example"), false},
		{"signed with an empty key, an empty key in the list", [][]byte{nil, newKey}, Sign(nil, "a@x.example"), false},
		{"signed with an empty key, only empty keys", [][]byte{{}, nil}, Sign([]byte{}, "a@x.example"), false},
		{"no keys at all", nil, Sign(newKey, "a@x.example"), false},
		{"address swapped under a good MAC", keys, b64.EncodeToString([]byte("b@x.example")) + Sign(newKey, "a@x.example")[len(b64.EncodeToString([]byte("a@x.example"))):], false},
	}
	for _, tt := range tests {
		got, err := VerifyKeys(tt.keys, tt.token)
		switch {
		case tt.ok && (err != nil || got != "a@x.example"):
			t.Errorf("%s: VerifyKeys = %q, %v; want a@x.example", tt.name, got, err)
		case !tt.ok && !errors.Is(err, ErrBadToken):
			t.Errorf("%s: VerifyKeys = %q, %v; want ErrBadToken", tt.name, got, err)
		}
	}
}

// TestUnsubscribeAfterRotation: a link in mail signed before the rotation
// still opens the page once the key has moved to second place.
func TestUnsubscribeAfterRotation(t *testing.T) {
	srv, _ := newWeb(t, func(h *Handlers) { h.Secrets = [][]byte{[]byte("next key 0123456789"), secret} })
	for _, tt := range []struct {
		token string
		want  int
	}{
		{Sign(secret, "old@x.example"), http.StatusOK},
		{Sign([]byte("next key 0123456789"), "new@x.example"), http.StatusOK},
		{Sign([]byte("someone else's key"), "x@x.example"), http.StatusBadRequest},
		{Sign(nil, "x@x.example"), http.StatusBadRequest},
	} {
		if code, _ := do(t, request(t, http.MethodGet, srv.URL+"/u/"+tt.token, "", "")); code != tt.want {
			t.Errorf("GET /u/%s: %d, want %d", tt.token, code, tt.want)
		}
	}
}

// TestBounceWebhookDoors: closed (404) without a configured token; 401 for a
// missing or wrong one; the scheme in any case.
func TestBounceWebhookDoors(t *testing.T) {
	body := `{"email":"gone@x.example","type":"hard"}`
	tests := []struct {
		configured, auth string
		want             int
	}{
		{"", "", http.StatusNotFound},
		{"", "Bearer ", http.StatusNotFound},
		{"", "Bearer t0ken", http.StatusNotFound},
		{"t0ken", "", http.StatusUnauthorized},
		{"t0ken", "Bearer", http.StatusUnauthorized},
		{"t0ken", "Bearer ", http.StatusUnauthorized},
		{"t0ken", "Bearer wrong", http.StatusUnauthorized},
		{"t0ken", "Bearer t0ke", http.StatusUnauthorized},
		{"t0ken", "Bearer t0kenX", http.StatusUnauthorized},
		{"t0ken", "Basic t0ken", http.StatusUnauthorized},
		{"t0ken", "t0ken", http.StatusUnauthorized},
		{"t0ken", "Bearert0ken", http.StatusUnauthorized},
		{"t0ken", "Bearer t0ken", http.StatusOK},
		{"t0ken", "bearer t0ken", http.StatusOK},
		{"t0ken", "BEARER t0ken", http.StatusOK},
	}
	for _, tt := range tests {
		srv, rec := newWeb(t, func(h *Handlers) { h.WebhookToken = tt.configured })
		req := request(t, http.MethodPost, srv.URL+"/webhooks/bounce", "application/json", body)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		code, resp := do(t, req)
		if code != tt.want {
			t.Errorf("token %q, Authorization %q: %d %s, want %d", tt.configured, tt.auth, code, strings.TrimSpace(resp), tt.want)
		}
		if calls := rec.got(); (tt.want == http.StatusOK) != (len(calls) == 1) {
			t.Errorf("token %q, Authorization %q: bouncer calls %v", tt.configured, tt.auth, calls)
		}
	}
}
