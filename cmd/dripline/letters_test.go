package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/pdftest"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/internal/progress"
	"github.com/dripline/dripline/tracks"
)

// fileLetters carries out every scheduled touch in the database at url, each
// at its due time, as the daemon's workers would with the default library.
func fileLetters(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	lib, set, err := engine.ReadLibrary("", "")
	if err != nil {
		t.Fatal(err)
	}
	store, clk := postgres.New(pool), clock.NewVirtual(time.Time{})
	channels := engine.TaskChannels()
	channels[tracks.ChannelLetter] = engine.LetterChannel{Templates: set}
	eng, err := engine.New(engine.Config{Store: store, Clock: clk, Library: lib, Templates: set, Channels: channels})
	if err != nil {
		t.Fatal(err)
	}
	for {
		var due time.Time
		if err := pool.QueryRow(ctx, `SELECT coalesce(min(due), 'epoch') FROM touches WHERE state = 'scheduled'`).Scan(&due); err != nil {
			t.Fatal(err)
		}
		if due.Unix() == 0 {
			return
		}
		clk.Set(due)
		ts, err := store.QueueDue(ctx, due, due.Add(time.Microsecond), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range ts {
			if err := eng.Process(ctx, tc.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestLettersCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.URL(t)
	dir := writeFiles(t, map[string]string{
		"contacts.csv": "external_id,email,first_name,last_name,status,time_zone,street,city,region,postal_code\n" +
			"c-1,ann@example.com,Ann,Lee,customer,America/Los_Angeles,12 Oak St,Fresno,CA,93650\n" +
			"c-2,bo@example.com,Bo,Ng,customer,America/Los_Angeles,9 Elm St,,CA,\n" +
			"c-3,cy@example.com,Cy,Díaz,customer,America/Los_Angeles,1 Pine St,Bakersfield,CA,93301\n",
		"events.csv": "contact,event,at,track\n" +
			"c-1,manual,2026-03-02T17:00:00Z,birthday\n" +
			"c-2,manual,2026-03-02T17:00:00Z,birthday\n" +
			"c-3,manual,2026-03-02T17:00:00Z,birthday\n",
	})
	for _, what := range []string{"contacts", "events"} {
		if code, _, errs := runDripline(t, what, "import", filepath.Join(dir, what+".csv"), "--database-url", db); code != 0 {
			t.Fatalf("%s import: exit %d, %s", what, code, errs)
		}
	}
	fileLetters(t, db)
	letters := func(args ...string) (int, string, string) {
		t.Helper()
		return runDripline(t, append(append([]string{"letters"}, args...), "--database-url", db)...)
	}

	code, out, errs := letters("list", "--format", "json")
	var kind struct {
		Kind       string `json:"kind"`
		Pending    int    `json:"pending"`
		Unmailable int    `json:"unmailable"`
		Oldest     string `json:"oldest"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &kind) != nil || strings.Count(out, "\n") != 1 {
		t.Fatalf("list --format json: exit %d, %q, %s", code, out, errs)
	}
	if kind.Kind != "birthday" || kind.Pending != 2 || kind.Unmailable != 1 || kind.Oldest == "" {
		t.Errorf("list = %+v, want birthday: 2 pending, 1 unmailable", kind)
	}
	code, out, _ = letters("list")
	if want := "KIND      PENDING  UNMAILABLE  OLDEST\nbirthday        2           1  " + readableTime(kind.Oldest) +
		"\ntotal           2           1\n"; code != 0 || out != want {
		t.Errorf("list: exit %d,\n%s\nwant aligned columns, numbers to the right, and a total:\n%s", code, out, want)
	}
	if code, out, _ = letters("unmailable"); code != 0 || !strings.Contains(out, "c-2") || !strings.Contains(out, "no city, no postal code") {
		t.Errorf("unmailable: exit %d, %q", code, out)
	}

	early := filepath.Join(dir, "early.pdf")
	code, out, _ = letters("print", "birthday", "--before", "2026-03-01T00:00:00Z", "--out", early)
	if code != 0 || out != "no letters waiting to print\n" {
		t.Errorf("print --before an earlier time: exit %d, %q", code, out)
	}
	if _, err := os.Stat(early); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("print with nothing waiting wrote %s", early)
	}
	pdf := filepath.Join(dir, "batch.pdf")
	code, out, errs = letters("print", "--all", "--out", pdf, "--quiet")
	if want := "batch 1: 2 letters, 5 pages, " + pdf + "\n"; code != 0 || out != want || errs != "" {
		t.Fatalf("print --all --quiet: exit %d, %q, want %q; stderr %q, want nothing", code, out, want, errs)
	}
	// Two one-page letters, their two envelopes and one label sheet.
	if n := pdftest.Pages(t, pdf); n != 5 {
		t.Errorf("%s has %d pages, want 5", pdf, n)
	}
	if text := pdftest.Text(t, pdf); !strings.Contains(text, "Cy Díaz") || !strings.Contains(text, "Happy birthday") || strings.Contains(text, "Bo Ng") {
		t.Errorf("%s reads %q, want the letters of c-1 and c-3 alone", pdf, text)
	}
	if code, out, _ = letters("print", "birthday"); code != 0 || out != "no letters waiting to print\n" {
		t.Errorf("second print: exit %d, %q; a letter never prints twice", code, out)
	}
	if code, out, _ = letters("batches"); code != 0 || !strings.Contains(out, "(all)") || !strings.Contains(out, "system") {
		t.Errorf("batches: exit %d, %q", code, out)
	}
	again := filepath.Join(dir, "again.pdf")
	if code, out, _ = letters("reprint", "1", "--out", again); code != 0 || out != "batch 1: 2 letters, 5 pages, "+again+"\n" {
		t.Errorf("reprint: exit %d, %q", code, out)
	}
	if a, b := pdftest.Text(t, again), pdftest.Text(t, pdf); a != b {
		t.Errorf("the reprint reads differently from the batch:\n%s\n%s", a, b)
	}
	if code, _, errs = letters("reprint", "7", "--out", again); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("reprint of an unknown batch: exit %d, %q", code, errs)
	}
	if code, out, _ = letters("purge", "birthday", "--reason", "address never came"); code != 0 || out != "birthday: 1 letter purged\n" {
		t.Errorf("purge: exit %d, %q", code, out)
	}
	if code, out, _ = letters("list"); code != 0 || out != "no letters waiting\n" {
		t.Errorf("list after purge: exit %d, %q", code, out)
	}
}

func TestRenderProgressLine(t *testing.T) {
	var buf bytes.Buffer
	var bar *progress.Bar
	hook := renderProgress(&buf, &bar)
	for _, done := range []int{500, 1000, 1503} {
		hook(done, 1503)
	}
	bar.Finish()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\r")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "print  1503 pieces / 1503 pieces  100%") {
		t.Errorf("last progress line %q, want print  1503 pieces / 1503 pieces  100%%…", last)
	}
}

func TestLettersUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"letters"}, {"letters", "shred"}, {"letters", "print"}, {"letters", "print", "a", "--all"},
		{"letters", "print", "a", "b"}, {"letters", "print", "a", "--before", "yesterday"},
		{"letters", "purge", "birthday"}, {"letters", "email"}, {"letters", "reprint", "x"},
		{"letters", "list", "--format", "xml"}, {"letters", "batches", "extra"},
	} {
		if code, _, _ := runDripline(t, args...); code != 2 {
			t.Errorf("dripline %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}
