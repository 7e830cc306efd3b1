package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes name → content into a new folder and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	industryTrack = `id: industry-legal
name: Legal Industry
kind: industry
enroll: { on: [contact.created], if: { contact.industry: legal } }
window: { days: [mon, tue, wed, thu, fri], hours: "09:00-17:00", timezone: contact, fallback: America/Chicago }
steps:
  - id: welcome
    at: 0d
    email: { template: legal-welcome }
  - id: intro-call
    after: 3bd
    call: { subject: "Intro call with {{.Contact.FirstName}}" }
  - id: postcard
    after: 2w
    letter: { template: legal-postcard }
then: general-interest
`
	generalTrack = `id: general-interest
name: General Interest
kind: general-interest
steps:
  - id: check-in
    at: 1mo
    task: { subject: Check in }
`
)

// tracksDir is a library of two tracks; templatesDir has their templates.
func fixtures(t *testing.T) (tracksDir, templatesDir string) {
	tracksDir = writeFiles(t, map[string]string{"industry-legal.yaml": industryTrack, "general-interest.yml": generalTrack})
	templatesDir = writeFiles(t, map[string]string{
		"legal-welcome.subject.tmpl": "Welcome, {{.Contact.FirstName}}",
		"legal-welcome.txt.tmpl":     "Hello {{.Contact.FirstName}},\n\nThanks for your interest.\n",
		"legal-postcard.letter.tmpl": "Dear {{.Contact.FirstName}},\n\nA note from {{.Business.Name}}.\n",
	})
	return tracksDir, templatesDir
}

func runDripline(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTracksCommands(t *testing.T) {
	tracksDir, templatesDir := fixtures(t)
	industry := filepath.Join(tracksDir, "industry-legal.yaml")
	bad := writeFiles(t, map[string]string{
		"a.yaml":    "id: a\nname: A\nsteps:\n  - id: s\n    after: 3days\n    email: { template: legal-welcome }\nthen: b\n",
		"b.yaml":    "id: b\nname: B\nsteps:\n  - id: s\n    at: 0d\n    email: { template: nope }\nthen: c\n",
		"c.yaml":    "id: c\nname: C\nsteps:\n  - id: s\n    at: 0d\n    call: { subject: \"Hi {{.Contact.Frist}}\" }\nthen: b\n",
		"zone.yaml": "id: zone\nname: Zone\nwindow: { timezone: Mars/Olympus }\nsteps:\n  - { id: s, at: 0d, task: { subject: Hi } }\n",
	})
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"validate ok", []string{"tracks", "validate", "--templates", templatesDir, tracksDir}, 0, "ok: 2 tracks\n", ""},
		{"validate env tracks", []string{"tracks", "validate", "--templates", templatesDir}, 0, "ok: 2 tracks\n", ""},
		{"validate problems", []string{"tracks", "validate", bad, "--templates", templatesDir}, 1,
			bad + `/a.yaml:5:12: step "s" after: duration "3days" has unknown unit "days": expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo` + "\n" +
				bad + `/b.yaml:6:24: step "s": email.template: unknown email template "nope": expected the name of an existing email template` + "\n" +
				bad + `/b.yaml:7:7: then: tracks chain in a loop (b -> c -> b): expected a chain that ends` + "\n" +
				bad + `/c.yaml:6:22: step "s": call.subject: at <.Contact.Frist>: can't evaluate field Frist in type templates.Contact` + "\n" +
				bad + `/zone.yaml:3:21: window.timezone: unknown time zone "Mars/Olympus": expected contact or an IANA zone such as America/Los_Angeles` + "\n",
			""},
		{"validate one file of a library, without its templates", []string{"tracks", "validate", industry}, 1,
			industry + `:9:24: step "welcome": email.template: unknown email template "legal-welcome": expected the name of an existing email template` + "\n" +
				industry + `:15:25: step "postcard": letter.template: unknown letter template "legal-postcard": expected the name of an existing letter template` + "\n" +
				industry + `:16:7: then: unknown track "general-interest": expected the id of a track in the library` + "\n",
			""},
		{"plan json", []string{"tracks", "plan", industry, "--start", "2026-01-05T17:00:00Z", "--tz", "America/Los_Angeles", "--format", "json"}, 0,
			`{"track":"industry-legal","steps":[{"step":"welcome","channel":"email","due":"2026-01-05T17:00:00Z"},{"step":"intro-call","channel":"call","due":"2026-01-08T17:00:00Z"},{"step":"postcard","channel":"letter","due":"2026-01-22T17:00:00Z"}]}` + "\n",
			""},
		{"plan text, fallback zone", []string{"tracks", "plan", "--start", "2026-01-09T23:30:00Z", industry}, 0,
			"Legal Industry (industry-legal), enrolled Fri 2026-01-09 17:30 CST; times in America/Chicago\n\n" +
				"STEP        CHANNEL  DUE                       DAY\n" +
				"welcome     email    Mon 2026-01-12 09:00 CST  3\n" +
				"intro-call  call     Thu 2026-01-15 09:00 CST  6\n" +
				"postcard    letter   Thu 2026-01-29 09:00 CST  20\n",
			""},
		{"plan library id", []string{"tracks", "plan", "general-interest", "--start", "2026-01-31T17:00:00Z", "--format", "json"}, 0,
			`{"track":"general-interest","steps":[{"step":"check-in","channel":"task","due":"2026-02-28T17:00:00Z"}]}` + "\n", ""},
		{"plan then not followed", []string{"tracks", "plan", bad + "/b.yaml", "--start", "2026-01-05T17:00:00Z", "--format", "json"}, 0,
			`{"track":"b","steps":[{"step":"s","channel":"email","due":"2026-01-05T17:00:00Z"}]}` + "\n", ""},
		{"plan bad file", []string{"tracks", "plan", bad + "/zone.yaml", "--start", "2026-01-05T17:00:00Z"}, 1, "",
			bad + `/zone.yaml:3:21: window.timezone: unknown time zone "Mars/Olympus": expected contact or an IANA zone such as America/Los_Angeles` + "\n"},
		{"plan missing file", []string{"tracks", "plan", "nope.yaml", "--start", "2026-01-05T17:00:00Z"}, 1, "",
			"nope.yaml: cannot read: no such file or directory\n"},
		{"plan bad start", []string{"tracks", "plan", industry, "--start", "2026-01-05"}, 1, "",
			`dripline tracks plan: --start "2026-01-05": expected an RFC 3339 time such as 2026-01-05T17:00:00Z` + "\n"},
		{"plan bad zone", []string{"tracks", "plan", industry, "--start", "2026-01-05T17:00:00Z", "--tz", "Mars/Olympus"}, 1, "",
			`dripline tracks plan: --tz "Mars/Olympus": expected an IANA time zone such as America/Los_Angeles` + "\n"},
		{"plan bad format", []string{"tracks", "plan", industry, "--start", "2026-01-05T17:00:00Z", "--format", "yaml"}, 1, "",
			`dripline tracks plan: --format "yaml": expected text or json` + "\n"},
		{"list", []string{"tracks", "list"}, 0,
			"ID                KIND              STEPS  ENROLLED BY      THEN\n" +
				"general-interest  general-interest  1      -                -\n" +
				"industry-legal    industry          3      contact.created  general-interest\n",
			""},
		{"list bad library", []string{"tracks", "list", "--tracks", bad}, 1, "",
			bad + `/a.yaml:5:12: step "s" after: duration "3days" has unknown unit "days": expected a whole number and a unit (min, h, d, bd, w, mo or y), such as 3d or 17mo` + "\n" +
				bad + `/b.yaml:7:7: then: tracks chain in a loop (b -> c -> b): expected a chain that ends` + "\n" +
				bad + `/zone.yaml:3:21: window.timezone: unknown time zone "Mars/Olympus": expected contact or an IANA zone such as America/Los_Angeles` + "\n"},
	}
	t.Setenv("DRIPLINE_TRACKS", tracksDir)
	t.Setenv("DRIPLINE_TEMPLATES", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runDripline(t, tt.args...)
			if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
				t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
					code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

func TestTracksUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"no command", []string{"tracks"}, "usage:"},
		{"unknown command", []string{"tracks", "frob"}, `dripline tracks: unknown command "frob"`},
		{"unknown flag", []string{"tracks", "list", "--frob"}, "flag provided but not defined: -frob"},
		{"plan without start", []string{"tracks", "plan", "x.yaml"}, "expected one FILE or track id and --start"},
		{"list with arguments", []string{"tracks", "list", "x"}, "expected no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runDripline(t, tt.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and %q", code, stdout, stderr, tt.msg)
			}
		})
	}
}

func TestTracksValidateEmbedded(t *testing.T) {
	t.Setenv("DRIPLINE_TRACKS", "")
	t.Setenv("DRIPLINE_TEMPLATES", "")
	code, stdout, stderr := runDripline(t, "tracks", "validate")
	if code != 0 || !strings.HasPrefix(stdout, "ok: ") || stderr != "" {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0 and ok", code, stdout, stderr)
	}
}
