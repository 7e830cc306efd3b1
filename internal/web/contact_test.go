package web_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/crm"
)

// upcomingRE finds a row of the contact page's "Still to come": its due
// time, track and step.
var upcomingRE = regexp.MustCompile(`<time datetime="([^"]+)">[^<]*</time></td><td data-label="Track">([^<]+)</td><td data-label="Step">([^<]+)</td>`)

// upcomingRow is one row of "Still to come".
type upcomingRow struct {
	due         time.Time
	track, step string
}

func (r upcomingRow) String() string {
	return r.due.Format(time.RFC3339) + " " + r.track + "/" + r.step
}

// stillToCome reads the rows of "Still to come" on a contact's page.
func (e *env) stillToCome(ref string) []upcomingRow {
	e.t.Helper()
	c := e.client()
	e.login(c, "mia")
	status, _, body := e.get(c, "/contacts/"+ref)
	if status != http.StatusOK {
		e.t.Fatalf("contact page = %d:\n%s", status, body)
	}
	var rows []upcomingRow
	for _, m := range upcomingRE.FindAllStringSubmatch(body, -1) {
		due, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			e.t.Fatal(err)
		}
		rows = append(rows, upcomingRow{due, m[2], m[3]})
	}
	return rows
}

func TestContactPageFollowsThen(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	lib, _, err := engine.ReadLibrary("", "")
	if err != nil {
		t.Fatal(err)
	}
	hc, _ := lib.Track("industry-healthcare")
	gi, _ := lib.Track("general-interest")
	if hc.Then != gi.ID {
		t.Fatalf("industry-healthcare chains to %q, want general-interest", hc.Then)
	}
	const zone = "America/Chicago"
	// A suspect: no track enrolls it when it is created.
	c, err := e.crm.CreateContact(ctx, crm.System, crm.ContactFields{ExternalID: ptr("c-3"), Email: ptr("lou@clinic.example"),
		FirstName: ptr("Lou"), LastName: ptr("Park"), Owner: ptr("sam"), TimeZone: ptr(zone), Status: ptr(engine.StatusSuspect)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.eng.EnrollMany(ctx, hc.ID, []int64{c.ID}); n != 1 || err != nil {
		t.Fatalf("enroll on %s: %d, %v", hc.ID, n, err)
	}

	rows := e.stillToCome("c-3")
	if len(rows) != len(hc.Steps)+len(gi.Steps) {
		t.Fatalf("still to come: %d rows, want %d of %s then %d of %s: %+v", len(rows), len(hc.Steps), hc.ID, len(gi.Steps), gi.ID, rows)
	}
	last := rows[len(hc.Steps)-1]
	if last.track != hc.ID || last.step != hc.Steps[len(hc.Steps)-1].ID {
		t.Fatalf("row %d = %+v, want %s's last step", len(hc.Steps), last, hc.ID)
	}
	// The chained track is enrolled at the due time of the last touch before it.
	for i, want := range gi.Plan(last.due, zone) {
		if got := rows[len(hc.Steps)+i]; got.track != gi.ID || got.step != want.Step || !got.due.Equal(want.Due) {
			t.Errorf("row %d = %+v, want %s/%s due %s", len(hc.Steps)+i+1, got, gi.ID, want.Step, want.Due)
		}
	}

	// A retired track enrolls nobody: the chain is not projected into it.
	if err := e.eng.SetTrackState(ctx, gi.ID, engine.TrackRetired); err != nil {
		t.Fatal(err)
	}
	if rows := e.stillToCome("c-3"); len(rows) != len(hc.Steps) {
		t.Errorf("%s retired: still to come has %d rows, want %s's %d: %+v", gi.ID, len(rows), hc.ID, len(hc.Steps), rows)
	}
	if err := e.eng.SetTrackState(ctx, gi.ID, engine.TrackActive); err != nil {
		t.Fatal(err)
	}

	// On general-interest already, the contact is not chained to it again:
	// its touches are projected once, from its own enrollment.
	if n, err := e.eng.EnrollMany(ctx, gi.ID, []int64{c.ID}); n != 1 || err != nil {
		t.Fatalf("enroll on %s: %d, %v", gi.ID, n, err)
	}
	if rows := e.stillToCome("c-3"); len(rows) != len(hc.Steps)+len(gi.Steps) {
		t.Errorf("on both tracks, still to come has %d rows, want %d: %+v", len(rows), len(hc.Steps)+len(gi.Steps), rows)
	}
}
