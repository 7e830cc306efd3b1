package letters

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAddressLines(t *testing.T) {
	full := Address{
		Name: "Dana O'Neil, Jr.", Company: "Acme, Inc.", Street: "12 Elm St.\nApt. #4",
		City: "St. Louis", Region: "MO", PostalCode: "63101-1234", Country: "USA",
	}
	tests := []struct {
		name    string
		a       Address
		from    string
		lines   []string
		mailing []string
	}{
		{"full, domestic", full, "",
			[]string{"Dana O'Neil, Jr.", "Acme, Inc.", "12 Elm St.", "Apt. #4", "St. Louis, MO 63101-1234"},
			[]string{"DANA ONEIL JR", "ACME INC", "12 ELM ST", "APT #4", "ST LOUIS MO 63101-1234"}},
		{"abroad keeps the country", Address{Name: "Jürgen Weiß", Street: "Hauptstraße 5", City: "München", PostalCode: "80331", Country: "Germany"}, "US",
			[]string{"Jürgen Weiß", "Hauptstraße 5", "München 80331", "Germany"},
			[]string{"JÜRGEN WEISS", "HAUPTSTRASSE 5", "MÜNCHEN 80331", "GERMANY"}},
		{"same foreign country drops it", Address{Name: "Ana", Street: "Calle 1", City: "Madrid", Country: "Spain"}, " spain ",
			[]string{"Ana", "Calle 1", "Madrid"},
			[]string{"ANA", "CALLE 1", "MADRID"}},
		{"US sender abroad writes USA", Address{Name: "Bo", City: "Reno", Region: "NV", Country: "United States"}, "Canada",
			[]string{"Bo", "Reno, NV", "United States"},
			[]string{"BO", "RENO NV", "UNITED STATES"}},
		{"missing parts leave no empty line", Address{Name: "  Li   Wei ", Street: "\n\n5 Oak Rd\n \n", PostalCode: "02139"}, "U.S.A.",
			[]string{"Li Wei", "5 Oak Rd", "02139"},
			[]string{"LI WEI", "5 OAK RD", "02139"}},
		{"region without city", Address{Region: "TX", PostalCode: "75001"}, "",
			[]string{"TX 75001"}, []string{"TX 75001"}},
		{"empty", Address{}, "", nil, nil},
		{"controls and curly quotes", Address{Name: "Zoë \u201cZ\u201d\u0007 Ñúñez\u200b", Street: "1/2 Main\tSt"}, "",
			[]string{"Zoë \u201cZ\u201d Ñúñez", "1/2 Main St"},
			[]string{"ZOË Z ÑÚÑEZ", "1/2 MAIN ST"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.LinesFrom(tt.from); !slices.Equal(got, tt.lines) {
				t.Errorf("LinesFrom(%q) = %q, want %q", tt.from, got, tt.lines)
			}
			if got := tt.a.Mailing(tt.from); !slices.Equal(got, tt.mailing) {
				t.Errorf("Mailing(%q) = %q, want %q", tt.from, got, tt.mailing)
			}
		})
	}
	if got := full.Lines(); got[len(got)-1] != "USA" {
		t.Errorf("Lines() = %q, want the country last", got)
	}
}

// The mailing form uppercases with Unicode's full case mapping (a letter
// whose capital is two letters becomes both) and keeps a name's ampersand.
func TestMailingForm(t *testing.T) {
	for in, want := range map[string]string{
		"Ann Straße 12":      "ANN STRASSE 12",
		"Großenhain":         "GROSSENHAIN",
		"Weiß-Müller":        "WEISS-MÜLLER",
		"Muñoz":              "MUÑOZ",
		"Søren Ørsted":       "SØREN ØRSTED",
		"Chloé Lefèvre":      "CHLOÉ LEFÈVRE",
		"Oﬃce ﬁeld Ruﬀ":      "OFFICE FIELD RUFF",
		"İzmir ıssız":        "İZMIR ISSIZ",
		"already CAPITAL":    "ALREADY CAPITAL",
		"Wright & Cole, LLP": "WRIGHT & COLE LLP",
	} {
		if got := mailingForm(in); got != want {
			t.Errorf("mailingForm(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzAddressLines(f *testing.F) {
	f.Add("Dana O'Neil", "Acme, Inc.", "12 Elm St.\nApt 4", "St. Louis", "MO", "63101-1234", "USA", "")
	f.Add("Jürgen Weiß", "", "Straße “5”", "Zürich", "", "8001", "CH", "US")
	f.Add("", "", "\n\t\r", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, name, company, street, city, region, postal, country, from string) {
		a := Address{name, company, street, city, region, postal, country}
		for _, lines := range [][]string{a.Lines(), a.LinesFrom(from), a.Mailing(from)} {
			for _, l := range lines {
				if l == "" || l != strings.TrimSpace(l) || strings.ContainsAny(l, "\n\r\t") || strings.Contains(l, "  ") {
					t.Fatalf("line %q of %q: empty, padded or holding a break", l, lines)
				}
				if utf8.ValidString(name+company+street+city+region+postal+country) && !utf8.ValidString(l) {
					t.Fatalf("line %q is not UTF-8", l)
				}
			}
		}
		if m, l := a.Mailing(from), a.LinesFrom(from); len(m) > len(l) {
			t.Fatalf("Mailing %q has more lines than LinesFrom %q", m, l)
		}
		for _, l := range a.Mailing(from) {
			if strings.ContainsAny(l, ".,'\"“”") || l != strings.ToUpper(l) {
				t.Fatalf("mailing line %q keeps punctuation or lower case", l)
			}
		}
	})
}
