package csvio

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/csvio/csviotest"
)

// BenchmarkReadContacts64MiB streams a 64 MiB contacts file and reports the
// process's peak memory. Run it alone, so that the peak is the parse's:
//
//	go test ./internal/csvio -run XXX -bench ReadContacts64MiB -benchtime 1x
func BenchmarkReadContacts64MiB(b *testing.B) {
	path, rows := csviotest.WriteContacts(b, b.TempDir(), 64<<20)
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		_, errs := ReadContacts(path, f, func(int, engine.Contact, []string) { n++ })
		f.Close()
		if n != rows || len(errs) != 0 {
			b.Fatalf("%d of %d rows: %v", n, rows, errs)
		}
	}
	b.ReportMetric(float64(csviotest.PeakRSS(b))/(1<<20), "peak-RSS-MB")
}

// TestContactsRefusals: rows carrying what no contact may hold are refused
// one by one, naming the line and the field, while the good rows go in.
func TestContactsRefusals(t *testing.T) {
	long := strings.Repeat("é", 201)
	tests := []struct {
		name, row, want string
	}{
		{"invalid UTF-8", "bad@example.com,Ann\xff,,,", `c.csv:3: invalid UTF-8 in column "first_name"`},
		{"a NUL byte", "bad@example.com,A\x00nn,,,", `c.csv:3: NUL byte in column "first_name"`},
		{"a line break in a name", "bad@example.com,\"An\nn\",,,", `c.csv:3: first_name: '\n' at character 3: want one line without control characters`},
		{"a control character in a name", "bad@example.com,An\x1bn,,,", `c.csv:3: first_name: '\x1b' at character 3: want one line without control characters`},
		{"a name of 201 characters", "bad@example.com," + long + ",,,", `c.csv:3: first_name: 201 characters: want at most 200`},
		{"a birthday in year 9999", "bad@example.com,Ann,9999-01-01,,", `c.csv:3: birthday: year 9999: want a date between 1900 and 2200`},
		{"a birthday in year 1000", "bad@example.com,Ann,1000-01-01,,", `c.csv:3: birthday: year 1000: want a date between 1900 and 2200`},
		{"an owner with a space", "bad@example.com,Ann,,cory ferguson,", `c.csv:3: owner: "cory ferguson": no spaces or slashes`},
		{"an owner with a slash", "bad@example.com,Ann,,../admin,", `c.csv:3: owner: "../admin": no spaces or slashes`},
		{"an owner of 65 characters", "bad@example.com,Ann,," + strings.Repeat("x", 65) + ",", `c.csv:3: owner: 65 characters: want at most 64`},
		{"a custom value of 1001 characters", "bad@example.com,Ann,,," + strings.Repeat("x", 1001), `c.csv:3: custom.seats: 1001 characters: want at most 1000`},
		{"a line break in a custom value", "bad@example.com,Ann,,,\"2\n4\"", `c.csv:3: custom.seats: '\n' at character 2: want one line without control characters`},
	}
	for _, tt := range tests {
		in := "email,first_name,birthday,owner,seats\ngood@example.com,Ann,1980-02-03,cferguson,24\n" + tt.row + "\nalso@example.com,Bo,,,\n"
		cs, errs := ParseContacts("c.csv", strings.NewReader(in))
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
			t.Errorf("%s: errors %v, want one containing %s", tt.name, errs, tt.want)
		}
		if len(cs) != 2 || cs[0].Email != "good@example.com" || cs[1].Email != "also@example.com" {
			t.Errorf("%s: rows in %v, want the two good ones", tt.name, cs)
		}
	}
}

// TestCustomFieldCount: 50 custom columns go in, 51 are refused on every row.
func TestCustomFieldCount(t *testing.T) {
	for _, n := range []int{50, 51} {
		var head, row []string
		for i := range n {
			head, row = append(head, fmt.Sprintf("f%d", i)), append(row, "v")
		}
		in := "email," + strings.Join(head, ",") + "\na@example.com," + strings.Join(row, ",") + "\n"
		cs, errs := ParseContacts("c.csv", strings.NewReader(in))
		if n == 50 && (len(cs) != 1 || len(errs) != 0) || n == 51 && (len(cs) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "custom: 51 fields: want at most 50")) {
			t.Errorf("%d custom fields: %d rows, errors %v", n, len(cs), errs)
		}
	}
}

// TestErrorListCapped: 250 bad rows give the first MaxErrors errors and one
// counting the rest; the good rows go in and Count says how many were bad.
func TestErrorListCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,first_name\n")
	for i := range 250 {
		fmt.Fprintf(&b, "bad%d@,X\ngood%d@example.com,Y\n", i, i)
	}
	cs, errs := ParseContacts("c.csv", strings.NewReader(b.String()))
	if len(cs) != 250 || len(errs) != MaxErrors+1 || Count(errs) != 250 {
		t.Fatalf("%d rows, %d errors counting %d; want 250 rows, %d errors counting 250", len(cs), len(errs), Count(errs), MaxErrors+1)
	}
	if got, want := errs[MaxErrors].Error(), "c.csv:500: … and 150 more problems up to this line; only the first 100 are listed"; got != want {
		t.Errorf("last error %q, want %q", got, want)
	}
	if got := errs[MaxErrors-1].Error(); !strings.HasPrefix(got, "c.csv:200: email") {
		t.Errorf("error %d is %q, want line 200's", MaxErrors, got)
	}
}

// TestEventRefusals: events in impossible years and negative amounts are
// refused with their line; the good rows go in.
func TestEventRefusals(t *testing.T) {
	tests := []struct{ row, want string }{
		{"c-1,sale.closed,9999-01-01T00:00:00Z,,1,x", `e.csv:3: at "9999-01-01T00:00:00Z": year 9999: want a date between 1900 and 2200`},
		{"c-1,sale.closed,0001-01-01T00:00:00Z,,1,x", `e.csv:3: at "0001-01-01T00:00:00Z": year 1: want a date between 1900 and 2200`},
		{"c-1,sale.closed,2026-01-01T00:00:00Z,,-5,x", `e.csv:3: amount "-5" is negative: want 0 or more`},
		{"c-1,sale.closed,2026-01-01T00:00:00Z,,1234567890123,x", `e.csv:3: amount "1234567890123": want a plain decimal number such as 1250.00`},
		{"c-1,sale.closed,2026-01-01T00:00:00Z,,1,\xfe", `e.csv:3: invalid UTF-8 in column "item"`},
	}
	for _, tt := range tests {
		in := "contact,event,at,track,amount,item\nc-1,sale.closed,2026-01-01T00:00:00Z,,5,x\n" + tt.row + "\nc-2,sale.closed,2026-01-02T00:00:00Z,,0,y\n"
		rows, errs := ParseEvents("e.csv", strings.NewReader(in))
		if len(errs) != 1 || errs[0].Error() != tt.want {
			t.Errorf("%q: errors %v, want %s", tt.row, errs, tt.want)
		}
		if len(rows) != 2 {
			t.Errorf("%q: %d rows in, want 2", tt.row, len(rows))
		}
	}
}

func TestLimit(t *testing.T) {
	errs := func(lines ...int) []error {
		var out []error
		for _, l := range lines {
			out = append(out, &LineError{File: "f.csv", Line: l, Msg: "bad"})
		}
		return out
	}
	many := make([]int, MaxErrors+5)
	for i := range many {
		many[i] = i + 2
	}
	tests := []struct {
		name      string
		in        []error
		n, count  int
		lastLine  int
		lastCount int
	}{
		{"short lists stay", errs(2, 3), 2, 2, 3, 0},
		{"long lists are cut", errs(many...), MaxErrors + 1, MaxErrors + 5, MaxErrors + 6, 5},
		{"earlier cuts count", append(errs(2, 3), moreErrors("f.csv", 40, 7), errs(41)[0]), 4, 10, 40, 7},
		{"cut again", append(errs(many...), moreErrors("f.csv", 900, 7)), MaxErrors + 1, MaxErrors + 12, 900, 12},
	}
	for _, tt := range tests {
		got := Limit(tt.in)
		if len(got) != tt.n || Count(got) != tt.count {
			t.Errorf("%s: %d errors counting %d, want %d counting %d", tt.name, len(got), Count(got), tt.n, tt.count)
			continue
		}
		last := got[len(got)-1].(*LineError)
		if last.Line != tt.lastLine || last.More != tt.lastCount {
			t.Errorf("%s: last error %+v, want line %d counting %d more", tt.name, last, tt.lastLine, tt.lastCount)
		}
	}
}
