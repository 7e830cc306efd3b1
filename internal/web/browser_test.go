//go:build browser

package web_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/dripline/dripline/internal/crm"
)

// These tests drive the pages in headless Chromium (`make browser`, which
// installs it when missing) and keep a screenshot of each page at 1280 and
// 375 px wide under var/screenshots.

// shots is where the screenshots go, from the repository's root.
const shots = "../../var/screenshots"

// newBrowser starts a headless Chromium with a fresh profile and no network
// beyond loopback, and returns a tab's context.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	alloc, cancel := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath("chromium"), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// page is one browser tab on an env.
type page struct {
	e   *env
	ctx context.Context
}

// do runs the actions, failing the test on an error.
func (p page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.e.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.e.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the visible text of the first element matching css.
func (p page) text(css string) string {
	p.e.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		p.e.t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// open navigates to a path of the site.
func (p page) open(path string) {
	p.e.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
}

// shot saves a full-page screenshot of the current page at each width.
func (p page) shot(name string) {
	p.e.t.Helper()
	if err := os.MkdirAll(shots, 0o755); err != nil {
		p.e.t.Fatal(err)
	}
	for _, width := range []int64{1280, 375} {
		p.do("resize", chromedp.EmulateViewport(width, 800))
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.e.t.Fatalf("screenshot %s: %v", name, err)
		}
		file := filepath.Join(shots, name+"-"+itoa(width)+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			p.e.t.Fatal(err)
		}
	}
	p.do("resize", chromedp.EmulateViewport(1280, 800))
}

// submit clicks a form's button and waits for the page it leads to.
func (p page) submit(what, css string) {
	p.e.t.Helper()
	if _, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		p.e.t.Fatalf("%s: %v", what, err)
	}
}

// download clicks a download link and returns the file the browser saved.
func (p page) download(css string) []byte {
	p.e.t.Helper()
	dir := p.e.t.TempDir()
	progress := chromedp.Events(p.ctx, browser.DownloadProgress)
	p.do("download "+css,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptrTo(true)})
			return err
		}),
		chromedp.Click(chromedp.CSS(css)))
	for ev, err := range progress {
		if err != nil {
			p.e.t.Fatalf("download %s: %v", css, err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			p.e.t.Fatalf("download %s canceled", css)
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			p.e.t.Fatal(err)
		}
		return b
	}
	p.e.t.Fatalf("download %s: the browser said nothing", css)
	return nil
}

// ptrTo points at v.
func ptrTo[T any](v T) *T { return &v }

// checkKeyboard tabs through the page: the skip link comes first, then the
// menu; each focused element shows a visible outline.
func (p page) checkKeyboard() {
	p.e.t.Helper()
	for _, want := range []string{"Skip to content", "My Day"} {
		p.do("tab", chromedp.KeyEvent(kb.Tab))
		got, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(() => {
			const e = document.activeElement;
			return e.textContent.trim() + "|" + getComputedStyle(e).outlineStyle;
		})()`))
		if err != nil {
			p.e.t.Fatal(err)
		}
		if got != want+"|solid" {
			p.e.t.Fatalf("after Tab the focus is on %q, want %q with a solid outline", got, want)
		}
	}
}

// loginAs logs in through the form the page redirected to.
func (p page) loginAs(username string) {
	p.e.t.Helper()
	p.do("log in as "+username,
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS("form.who")))
}

func TestBrowserSalesRep(t *testing.T) {
	e := setup(t)
	p := page{e, newBrowser(t)}
	p.open("/myday")
	if got := p.text("h1"); got != "Log in" {
		t.Fatalf("My Day without a session shows %q, want the login form", got)
	}
	p.shot("login")
	p.loginAs("sam")
	if got := p.text("h1"); !strings.HasPrefix(got, "My Day") {
		t.Fatalf("after login the page is %q, want My Day", got)
	}
	p.shot("myday")
	p.checkKeyboard()

	note := "#note-" + itoa(e.open.ID)
	p.do("complete with a note",
		chromedp.SendKeys(chromedp.CSS(note), "Pat wants a quote"),
		chromedp.Click(chromedp.CSS(`form[action="/activities/`+itoa(e.open.ID)+`/complete"] button[value="1w"]`)),
		chromedp.WaitVisible(chromedp.CSS("li.item.done")))
	if got := p.text("li.item.done"); !strings.Contains(got, "Done: Call Pat about the demo; follow-up on Mon Mar 9") {
		t.Fatalf("the completed item says %q", got)
	}
	p.shot("myday-done")
	act, err := e.crm.Activity(t.Context(), crm.System, e.open.ID)
	if err != nil || act.Status != "done" || !strings.Contains(act.Notes, "Pat wants a quote") {
		t.Fatalf("after QNR the activity is %+v, %v; want done with the note", act, err)
	}

	p.open("/contacts?q=acme")
	p.shot("contacts")
	p.do("open the contact", chromedp.Click(chromedp.CSS(`a[href="/contacts/c-1"]`)), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
	p.shot("contact")

	p.open("/tracks")
	if got := p.text("h1"); got != "Not for your role" {
		t.Fatalf("a sales rep on /tracks sees %q, want the 403 page", got)
	}
	p.shot("forbidden")
}

func TestBrowserManager(t *testing.T) {
	e := setup(t)
	p := page{e, newBrowser(t)}
	p.open("/tracks")
	p.loginAs("mia")
	if got := p.text("h1"); got != "Tracks" {
		t.Fatalf("after login the page is %q, want Tracks (the way back)", got)
	}
	p.shot("tracks")
	for _, step := range []struct{ op, state string }{{"pause", "paused"}, {"resume", "active"}} {
		p.submit(step.op+" General Interest", `form[action="/tracks/general-interest/`+step.op+`"] button`)
		if got := p.text("p.notice"); got != "general-interest is "+step.state {
			t.Fatalf("after %s the page says %q", step.op, got)
		}
		if got := trackState(t, e, "general-interest"); got != step.state {
			t.Fatalf("after %s the track is %s, want %s", step.op, got, step.state)
		}
		if step.state == "paused" {
			p.shot("tracks-paused")
		}
	}
	p.open("/letters")
	p.shot("letters")
	p.submit("print a batch", `form[action="/letters/print"] input[value="as-thank-you-letter"] ~ button`)
	if got := p.text("p.notice"); !strings.HasPrefix(got, "Batch 1: 1 letter,") {
		t.Fatalf("after printing the page says %q", got)
	}
	p.shot("letters-printed")
	if pdf := p.download(`a[href="/letters/batches/1.pdf"]`); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the batch download is not a PDF: %.20q", pdf)
	}
	p.open("/letters/preview/as-thank-you-letter")
	p.shot("letter-preview")
	p.open("/dashboard")
	p.shot("dashboard")
	p.open("/myday?rep=sam")
	p.shot("myday-manager")
	p.open("/contacts/c-1")
	p.shot("contact-manager")
}

// trackState reads a track's state from the engine.
func trackState(t *testing.T, e *env, id string) string {
	t.Helper()
	all, err := e.eng.TrackOverview(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Track == id {
			return string(s.State)
		}
	}
	t.Fatalf("no track %s", id)
	return ""
}
