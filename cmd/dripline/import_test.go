package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/report"
)

func TestImportAndTouchesCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.URL(t)
	soldAt := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	dir := writeFiles(t, map[string]string{
		"contacts.csv": "external_id,email,first_name,owner,status\n" +
			"c-1,ann@example.com,Ann,alice,prospect\n" +
			"c-2,bad-address,Bob,alice,prospect\n" +
			"c-3,cy@example.com,Cy,bob,customer\n",
		"events.csv": "contact,event,at,item\n" +
			"c-3,sale.closed," + soldAt + ",Sea Ray\n" +
			"nobody,sale.closed," + soldAt + ",\n",
	})
	contacts, events := filepath.Join(dir, "contacts.csv"), filepath.Join(dir, "events.csv")

	code, out, errs := runDripline(t, "contacts", "import", contacts, "--database-url", db)
	if code != 1 || errs != contacts+`:3: email "bad-address": not a valid address`+"\n" {
		t.Errorf("contacts import: exit %d, stderr %q", code, errs)
	}
	if !strings.HasPrefix(out, contacts+": 2 created, 0 updated, 0 unchanged, 1 bad rows") {
		t.Errorf("contacts import: stdout %q", out)
	}
	code, out, errs = runDripline(t, "events", "import", "--database-url", db, events)
	if code != 1 || errs != events+`:3: unknown contact "nobody"`+"\n" {
		t.Errorf("events import: exit %d, stderr %q", code, errs)
	}
	if !strings.HasPrefix(out, events+": 1 events") {
		t.Errorf("events import: stdout %q", out)
	}

	code, out, errs = runDripline(t, "touches", "--contact", "c-3", "--database-url", db)
	if code != 0 {
		t.Fatalf("touches: exit %d, stderr %q", code, errs)
	}
	found := false
	for line := range strings.Lines(out) {
		var tl report.Touch
		if err := json.Unmarshal([]byte(line), &tl); err != nil {
			t.Fatalf("touches line %q: %v", line, err)
		}
		if tl.Contact == "c-3" && tl.Track == "after-sale" && tl.Outcome == "pending" {
			found = true
		}
	}
	if !found {
		t.Errorf("touches = %q, want a pending after-sale touch of c-3", out)
	}
	if code, out, _ = runDripline(t, "touches", "--contact", "cy@example.com", "--format", "text", "--database-url", db); code != 0 || !strings.HasPrefix(out, "DUE ") {
		t.Errorf("touches --format text: exit %d, %q", code, out)
	}
	if code, _, errs = runDripline(t, "touches", "--contact", "nobody", "--database-url", db); code != 1 || !strings.Contains(errs, `contact "nobody": not found`) {
		t.Errorf("touches of nobody: exit %d, stderr %q", code, errs)
	}
}

func TestImportUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"contacts"}, {"events", "export"}, {"contacts", "import"}, {"touches"}, {"touches", "--contact", "x", "--format", "xml"}} {
		if code, _, _ := runDripline(t, args...); code != 2 {
			t.Errorf("dripline %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}
