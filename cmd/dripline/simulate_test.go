package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSimulateReportsBadRowsAndRunsTheRest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	contacts := filepath.Join(dir, "contacts.csv")
	events := filepath.Join(dir, "events.csv")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(contacts, "Email,External_ID,Status,Time_Zone\npat@example.com,p-1,prospect,America/Chicago\nkim@example.com,p-2,vip,America/Chicago\n")
	write(events, "contact,event,at\np-1,contact.created,2026-01-05T15:00:00Z\np-2,contact.created,2026-01-05T15:00:00Z\n")
	code, out, errs := runDripline(t, "simulate", "--contacts", contacts, "--events", events,
		"--from", "2026-01-01T00:00:00Z", "--until", "2026-01-10T00:00:00Z")
	if code != 1 {
		t.Fatalf("exit %d, want 1 for the bad rows", code)
	}
	for _, want := range []string{contacts + `:3: status "vip"`, events + `:3: unknown contact "p-2"`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q lacks %q", errs, want)
		}
	}
	if !strings.Contains(out, `{"contact":"p-1","track":"general-interest","step":"welcome","channel":"email","due":"2026-01-05T15:00:00Z","outcome":"done","reason":""}`) {
		t.Errorf("the good rows did not run:\n%s", out)
	}
}
