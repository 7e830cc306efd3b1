package email

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
)

// verpTag separates the bounce address's local part from the touch id:
// bounces@example.com carries touch 123 as bounces+t123@example.com.
const verpTag = "+t"

// CheckBounceAddress checks a bounce address (DRIPLINE_BOUNCE_ADDRESS): a
// bare ASCII address whose local part has no "+", so VERP can add one.
func CheckBounceAddress(addr string) error {
	a, err := mail.ParseAddress(addr)
	switch {
	case err != nil:
		return fmt.Errorf("bounce address %q: %w", addr, err)
	case a.Address != addr || a.Name != "":
		return fmt.Errorf("bounce address %q: want a bare address like bounces@example.com", addr)
	case strings.ContainsFunc(addr, func(r rune) bool { return r >= 0x80 }):
		return fmt.Errorf("bounce address %q: want ASCII only", addr)
	case strings.Contains(addr[:strings.LastIndex(addr, "@")], "+"):
		return fmt.Errorf("bounce address %q: want no \"+\" in the local part (VERP adds one)", addr)
	}
	return nil
}

// VERP is the envelope sender for a touch's email: the bounce address with
// the touch id after its local part, bounces+t123@example.com, so a bounce
// names the touch it is about. bounce must pass CheckBounceAddress.
func VERP(bounce string, touchID int64) string {
	at := strings.LastIndex(bounce, "@")
	return bounce[:at] + verpTag + strconv.FormatInt(touchID, 10) + bounce[at:]
}

// ParseVERP reads the touch id back from an address VERP made for bounce.
// Local parts compare case-sensitively but for the tag, domains in any case,
// as mail servers may change the domain's case on the way back.
func ParseVERP(bounce, addr string) (int64, error) {
	addr = strings.Trim(strings.TrimSpace(addr), "<>")
	at, bat := strings.LastIndex(addr, "@"), strings.LastIndex(bounce, "@")
	if at < 0 || bat < 0 {
		return 0, fmt.Errorf("verp address %q: want local+tID@domain", addr)
	}
	if !strings.EqualFold(addr[at+1:], bounce[bat+1:]) {
		return 0, fmt.Errorf("verp address %q: domain is not %s", addr, bounce[bat+1:])
	}
	local, ok := strings.CutPrefix(addr[:at], bounce[:bat])
	if !ok || len(local) <= len(verpTag) || !strings.EqualFold(local[:len(verpTag)], verpTag) {
		return 0, fmt.Errorf("verp address %q: want %s%sID@%s", addr, bounce[:bat], verpTag, bounce[bat+1:])
	}
	digits := local[len(verpTag):]
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || id <= 0 || digits[0] == '0' || digits[0] == '+' {
		return 0, errors.New("verp address " + strconv.Quote(addr) + ": touch id " + strconv.Quote(digits) + ": want a positive whole number")
	}
	return id, nil
}
