package csvio

import (
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/fieldcheck"
	"github.com/dripline/dripline/internal/mailaddr"
	"github.com/dripline/dripline/tracks"
)

// ParseContacts reads a contacts CSV. It returns the good rows in file order
// and one *LineError per bad row, bad header or unreadable stretch.
func ParseContacts(file string, r io.Reader) ([]engine.Contact, []error) {
	var out []engine.Contact
	_, errs := ReadContacts(file, r, func(_ int, c engine.Contact, _ []string) { out = append(out, c) })
	return out, errs
}

// ReadContacts reads a contacts CSV as ParseContacts does, but streams: it
// calls fn with each good row and the line it starts on as soon as the row
// is read, and keeps neither the file nor the rows, so an import can write
// rows in batches with bounded memory. fn also gets the header's lower-case
// column names (the same slice each time), which ReadContacts returns too
// (nil when the header is refused), with the problems.
func ReadContacts(file string, r io.Reader, fn func(line int, c engine.Contact, cols []string)) ([]string, []error) {
	rd, err := newReader(file, r)
	if err != nil {
		return nil, []error{err}
	}
	if !slices.Contains(rd.cols, "email") && !slices.Contains(rd.cols, "external_id") {
		return nil, []error{rd.errorf(rd.line, "header: want an email or external_id column")}
	}
	p := contactParser{cols: rd.cols, ids: map[uint64]int{}, seed: maphash.MakeSeed()}
	errs := rd.each(func(rec []string) error {
		c, err := p.contact(rec)
		if err != nil {
			return err
		}
		if c.ExternalID != "" {
			key := maphash.String(p.seed, c.ExternalID)
			if line, dup := p.ids[key]; dup {
				return fmt.Errorf("external_id %q: already used on line %d", c.ExternalID, line)
			}
			p.ids[key] = rd.line
		}
		fn(rd.line, c, rd.cols)
		return nil
	})
	return rd.cols, errs
}

// contactParser turns records into contacts.
type contactParser struct {
	cols []string
	ids  map[uint64]int // hash of an external_id → line of the row that took it
	seed maphash.Seed
}

// contact reads one record; the error lists every bad field.
func (p *contactParser) contact(rec []string) (engine.Contact, error) {
	c := engine.Contact{Status: engine.StatusProspect}
	var bad problems
	for i, v := range rec {
		if v == "" {
			continue
		}
		name := p.cols[i]
		switch name {
		case "email":
			c.Email = v
			if err := mailaddr.Check(v); err != nil {
				bad.addf("email %q: %v", v, err)
			}
		case "status":
			c.Status = strings.ToLower(v)
			if err := engine.CheckStatus(c.Status); err != nil {
				bad.addf("status %v", err)
			}
		case "time_zone":
			c.TimeZone = v
			if _, ok := tracks.LoadZone(v); !ok {
				bad.addf("time_zone %q: not an IANA time zone such as America/New_York", v)
			}
		case "birthday":
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				bad.addf("birthday %q: want a date YYYY-MM-DD", v)
				continue
			}
			c.Birthday = &d
		default:
			if field := fieldcheck.TextField(&c, name); field != nil {
				*field = v
				continue
			}
			if c.Custom == nil {
				c.Custom = map[string]string{}
			}
			c.Custom[name] = v
		}
	}
	if c.Email == "" && c.ExternalID == "" {
		bad.addf("want an external_id or an email")
	}
	if err := fieldcheck.Contact(&c); err != nil {
		bad.addf("%v", err)
	}
	return c, bad.err()
}
