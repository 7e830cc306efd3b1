package crm

import (
	"fmt"
	"strings"

	"github.com/dripline/dripline/internal/fieldcheck"
)

// Territory gives the leads of a region, or of a postal code prefix, to a
// rep.
type Territory struct {
	Key    string // a region such as CA, or a postal code prefix such as 981
	Postal bool   // Key is a postal code prefix (it starts with a digit)
	Rep    string // the rep's username
}

// Territories decide who owns a new web lead. The longest postal code
// prefix that matches wins, else the region (compared without case).
type Territories []Territory

// ParseTerritories reads "CA=alice,WA=bob,981=carol": a key starting with a
// digit is a postal code prefix, any other a region. An error names the item
// (counted from 1) and says what is wrong. "" is no territories.
func ParseTerritories(s string) (Territories, error) {
	var out Territories
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	seen := map[string]bool{}
	for i, item := range strings.Split(s, ",") {
		key, rep, ok := strings.Cut(item, "=")
		key, rep = strings.TrimSpace(key), strings.TrimSpace(rep)
		switch {
		case !ok || key == "" || rep == "":
			return nil, fmt.Errorf("territory %d %q: want REGION=USERNAME or POSTAL_PREFIX=USERNAME, such as CA=alice or 981=carol", i+1, item)
		case fieldcheck.Username("username", rep) != nil:
			return nil, fmt.Errorf("territory %d %q: %q is not a username", i+1, item, rep)
		case seen[strings.ToUpper(key)]:
			return nil, fmt.Errorf("territory %d %q: %s is listed twice", i+1, item, key)
		}
		seen[strings.ToUpper(key)] = true
		out = append(out, Territory{Key: key, Postal: key[0] >= '0' && key[0] <= '9', Rep: rep})
	}
	return out, nil
}

// Owner is the rep whose territory holds the address, "" for none.
func (ts Territories) Owner(region, postalCode string) string {
	region, postalCode = strings.TrimSpace(region), strings.ReplaceAll(strings.TrimSpace(postalCode), " ", "")
	best, rep := 0, ""
	for _, t := range ts {
		if t.Postal && len(t.Key) > best && strings.HasPrefix(postalCode, t.Key) {
			best, rep = len(t.Key), t.Rep
		}
	}
	if rep != "" {
		return rep
	}
	for _, t := range ts {
		if !t.Postal && strings.EqualFold(t.Key, region) {
			return t.Rep
		}
	}
	return ""
}
