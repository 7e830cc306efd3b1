package mailaddr

import (
	"errors"
	"net/mail"
)

// Check says what is wrong with addr, or returns nil when it is a bare
// address (RFC 5322 addr-spec) written exactly as net/mail reads it back.
func Check(addr string) error {
	a, err := mail.ParseAddress(addr)
	switch {
	case err != nil:
		return errors.New("not a valid address")
	case a.Name != "" || a.Address != addr:
		return errors.New("want a bare address such as name@example.com")
	}
	return nil
}
