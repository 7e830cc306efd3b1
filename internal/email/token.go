package email

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// ErrBadToken is returned by Verify for a token that was not signed with the
// secret, was cut or changed, or is not a token at all.
var ErrBadToken = errors.New("invalid unsubscribe token")

// maxTokenLen bounds the work Verify does on hostile input.
const maxTokenLen = 1024

// tokenContext separates unsubscribe MACs from anything else the secret signs.
const tokenContext = "dripline-unsubscribe\x00"

var b64 = base64.RawURLEncoding

// Sign returns a URL-safe unsubscribe token for email: the address itself and
// an HMAC-SHA256 over it keyed by secret. The token needs no database and
// does not expire; Verify recovers the address.
func Sign(secret []byte, email string) string {
	return b64.EncodeToString([]byte(email)) + "." + b64.EncodeToString(tokenMAC(secret, email))
}

// Verify checks a token made by Sign with the same secret and returns the
// address it carries. Any other input, and any input with an empty secret,
// gives ErrBadToken.
func Verify(secret []byte, token string) (string, error) {
	if len(secret) == 0 || len(token) > maxTokenLen {
		return "", ErrBadToken
	}
	enc, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", ErrBadToken
	}
	addr, err1 := b64.DecodeString(enc)
	mac, err2 := b64.DecodeString(sig)
	if err1 != nil || err2 != nil || len(addr) == 0 {
		return "", ErrBadToken
	}
	if !hmac.Equal(mac, tokenMAC(secret, string(addr))) {
		return "", ErrBadToken
	}
	return string(addr), nil
}

// VerifyKeys is Verify trying each of keys in turn, so that links signed
// with a key since rotated out of first place keep working. Empty keys are
// skipped: they verify nothing.
func VerifyKeys(keys [][]byte, token string) (string, error) {
	for _, k := range keys {
		if addr, err := Verify(k, token); err == nil {
			return addr, nil
		}
	}
	return "", ErrBadToken
}

func tokenMAC(secret []byte, email string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(tokenContext))
	h.Write([]byte(email))
	return h.Sum(nil)
}
