package csvio

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func FuzzParseContacts(f *testing.F) {
	f.Add([]byte("email,external_id,status,time_zone,birthday,x\na@example.com,c-1,customer,UTC,1980-01-02,y\n"))
	f.Add([]byte("\ufeffEMAIL\n\"a@example.com\"\n\"b\nc\",\n"))
	f.Add([]byte("external_id\nc-1\nc-1\n,\n\"x"))
	f.Fuzz(func(t *testing.T, in []byte) {
		cs, errs := ParseContacts("f.csv", bytes.NewReader(in))
		checkFuzzErrors(t, errs)
		for _, c := range cs {
			if c.Email == "" && c.ExternalID == "" {
				t.Fatalf("contact without email or external_id: %+v", c)
			}
		}
	})
}

func FuzzParseEvents(f *testing.F) {
	f.Add([]byte("contact,event,at,track,amount,item\nc-1,manual,2026-01-05T09:00:00Z,gi,12.5,x\n"))
	f.Add([]byte("at,contact,event\n2026-01-05T09:00:00+02:00,a@example.com,sale.closed\n,,\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rows, errs := ParseEvents("f.csv", bytes.NewReader(in))
		checkFuzzErrors(t, errs)
		for _, r := range rows {
			if r.Line < 2 || r.Contact == "" || r.Event.Name == "" || r.Event.At.IsZero() {
				t.Fatalf("bad row went in: %+v", r)
			}
		}
	})
}

// checkFuzzErrors checks that every error is a *LineError pointing at a line.
func checkFuzzErrors(t *testing.T, errs []error) {
	t.Helper()
	for _, err := range errs {
		var le *LineError
		if !errors.As(err, &le) || le.Line < 1 || !strings.HasPrefix(err.Error(), fmt.Sprintf("f.csv:%d: ", le.Line)) {
			t.Fatalf("error %q (%T) is not file:line: message", err, err)
		}
	}
}
