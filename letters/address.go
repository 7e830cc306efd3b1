package letters

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Lines returns the address as printed in a letter's recipient block and in
// a return address: name, company, street (a street holding line breaks
// gives one line for each), "City, Region PostalCode" and country. Spaces
// are collapsed, control characters dropped, and a missing part is left out
// without leaving an empty line.
func (a Address) Lines() []string {
	return a.lines(true)
}

// LinesFrom is Lines without the country line when the address is in the
// sender's own country (senderCountry): a domestic letter carries no country.
// US, USA, U.S.A., United States and United States of America are one
// country, and an empty country counts as the United States, so with both
// empty or both American the country is left out.
func (a Address) LinesFrom(senderCountry string) []string {
	return a.lines(!sameCountry(a.Country, senderCountry))
}

// Mailing returns the address as printed on an envelope or a label, in the
// form USPS Publication 28 recommends for machine reading: LinesFrom
// uppercased, with the punctuation left out ("Dana O'Neil, Jr." becomes
// "DANA ONEIL JR") except the hyphen (ZIP+4, hyphenated names), the "#"
// Pub 28 allows as a unit designator, the slash of a fraction (1/2) and the
// ampersand of a name (WRIGHT & COLE LLP, which would read as two names
// without it), and the last line as "CITY REGION POSTALCODE". Letters with accents keep
// them (MUÑOZ), as written; "ß" becomes "SS" (STRASSE), as German capitals
// write it.
func (a Address) Mailing(senderCountry string) []string {
	m := Address{
		Name:       mailingForm(a.Name),
		Company:    mailingForm(a.Company),
		Street:     mailingForm(a.Street),
		City:       mailingForm(a.City),
		Region:     mailingForm(a.Region),
		PostalCode: mailingForm(a.PostalCode),
		Country:    mailingForm(a.Country),
	}
	lines := m.lines(!sameCountry(a.Country, senderCountry))
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(l, ",", "")
	}
	return lines
}

func (a Address) lines(withCountry bool) []string {
	var out []string
	add := func(s string) {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	add(a.Name)
	add(a.Company)
	for _, s := range strings.Split(a.Street, "\n") {
		add(s)
	}
	add(cityLine(clean(a.City), clean(a.Region), clean(a.PostalCode)))
	if withCountry {
		add(a.Country)
	}
	return out
}

// cityLine joins "City, Region PostalCode", leaving out what is missing;
// without a region it is "City PostalCode".
func cityLine(city, region, postal string) string {
	if city != "" && region != "" {
		city += ","
	}
	return strings.Join(strings.Fields(city+" "+region+" "+postal), " ")
}

// clean collapses runs of spaces (and tabs, line breaks) into one space,
// drops other control and format characters, and trims the ends.
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mailingForm uppercases s and drops punctuation and symbols other than the
// hyphen, "#", "&" and the slash of a fraction (1/2), keeping line breaks (a
// street's lines) for Lines to split. It uppercases with Unicode's full case
// mapping, where a letter may become several: "ß" is "SS" (STRASSE), the
// ligature "ﬁ" is "FI"; strings.ToUpper would keep them as they are.
func mailingForm(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == '#' || r == '/' || r == '&' || r == '\n':
			b.WriteRune(r)
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
		default:
			b.WriteRune(r)
		}
	}
	return cases.Upper(language.Und).String(b.String())
}

// sameCountry reports whether two country fields name the same country,
// reading an empty field and the usual spellings as the United States.
func sameCountry(a, b string) bool {
	return countryKey(a) == countryKey(b)
}

func countryKey(c string) string {
	k := strings.Map(func(r rune) rune {
		if r == '.' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, clean(c))
	switch k {
	case "", "US", "USA", "UNITEDSTATES", "UNITEDSTATESOFAMERICA":
		return "US"
	}
	return k
}
