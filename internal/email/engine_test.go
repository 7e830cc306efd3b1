package email_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/clock"
	"github.com/dripline/dripline/internal/email"
	"github.com/dripline/dripline/internal/pgtest"
	"github.com/dripline/dripline/internal/postgres"
	"github.com/dripline/dripline/internal/smtptest"
	"github.com/dripline/dripline/templates"
	"github.com/dripline/dripline/tracks"
)

// The engine is what the handlers call.
var (
	_ email.Unsubscriber = (*engine.Engine)(nil)
	_ email.Bouncer      = (*engine.Engine)(nil)
)

var start = time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)

// world is the engine on a fresh database, sending through the email channel
// to a loopback SMTP server, with the unsubscribe endpoint served over HTTPS.
type world struct {
	t     *testing.T
	ctx   context.Context
	store *postgres.Store
	clock *clock.Virtual
	eng   *engine.Engine
	smtp  *smtptest.Server
	web   *httptest.Server
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, ctx: t.Context(), store: postgres.New(pgtest.New(t)), clock: clock.NewVirtual(start), smtp: smtptest.Start(t)}
	set, err := templates.Load("testdata/templates")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tracks.LoadDir("testdata/tracks", engine.LibraryOptions(set))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.web = httptest.NewTLSServer(mux)
	t.Cleanup(w.web.Close)
	cfg, err := email.ParseURL(w.smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	sender, err := email.NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	ch, err := email.NewChannel(email.ChannelConfig{Templates: set, Sender: sender, PublicURL: w.web.URL,
		Secret: []byte("test secret"), DefaultFrom: "Summit Tech <hello@summit.example>"})
	if err != nil {
		t.Fatal(err)
	}
	w.eng, err = engine.New(engine.Config{Store: w.store, Clock: w.clock, Library: lib, Templates: set,
		Channels: map[tracks.Channel]engine.Channel{tracks.ChannelEmail: ch},
		Business: templates.Business{Name: "Summit Tech", Address: "1 Main St, Fresno, CA 93650"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.LoadLibrary(w.ctx); err != nil {
		t.Fatal(err)
	}
	(&email.Handlers{Secrets: [][]byte{[]byte("test secret")}, Unsubscriber: w.eng, Bouncer: w.eng}).Register(mux)
	return w
}

// contact stores a contact and sends contact.created, enrolling it.
func (w *world) contact(addr string) {
	w.t.Helper()
	c := engine.Contact{Email: addr, FirstName: "Pat", Status: engine.StatusProspect}
	if err := w.store.CreateContact(w.ctx, &c); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.eng.HandleEvent(w.ctx, engine.Event{ContactID: c.ID, Name: tracks.EventContactCreated, At: w.clock.Now()}); err != nil {
		w.t.Fatal(err)
	}
}

// runUntil carries out every touch due up to until, as workers would.
func (w *world) runUntil(until time.Time) {
	w.t.Helper()
	for {
		batch, err := w.store.QueueDue(w.ctx, w.clock.Now(), until.Add(time.Microsecond), 1) // PostgreSQL keeps microseconds
		if err != nil {
			w.t.Fatal(err)
		}
		if len(batch) == 0 {
			w.clock.Set(until)
			return
		}
		if batch[0].Due.After(w.clock.Now()) {
			w.clock.Set(batch[0].Due)
		}
		if err := w.eng.Process(w.ctx, batch[0].ID); err != nil {
			w.t.Fatal(err)
		}
	}
}

// suppressed is why the store refuses email to addr.
func (w *world) suppressed(addr string) string {
	w.t.Helper()
	var why string
	err := w.store.Tx(w.ctx, func(tx engine.Tx) error {
		var err error
		why, err = tx.Suppressed(w.ctx, addr)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return why
}

// touches lists addr's touches as "step state reason", in order.
func (w *world) touches(addr string) []string {
	w.t.Helper()
	rows, err := w.store.Pool().Query(w.ctx, `SELECT t.step_id || ' ' || t.state || ' ' || coalesce(t.reason, '')
		FROM touches t JOIN contacts c ON c.id = t.contact_id WHERE c.email = $1 ORDER BY t.id`, addr)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// sentTo counts the messages the SMTP server accepted for addr.
func (w *world) sentTo(addr string) int {
	n := 0
	for _, m := range w.smtp.Messages() {
		if m.To[0] == addr {
			n++
		}
	}
	return n
}

func TestEngineUnsubscribeAndHardBounce(t *testing.T) {
	w := newWorld(t)
	w.contact("dana@harborview.example")
	w.contact("gone@harborview.example")
	w.runUntil(start)
	if w.sentTo("dana@harborview.example") != 1 || w.sentTo("gone@harborview.example") != 1 {
		t.Fatalf("first touches: %d messages", w.smtp.Count())
	}
	var logged int
	if err := w.store.Pool().QueryRow(w.ctx, `SELECT count(*) FROM activities
		WHERE type = 'Marketing Track Email' AND status = 'done' AND subject <> '' AND touch_id IS NOT NULL`).Scan(&logged); err != nil || logged != 2 {
		t.Fatalf("%d email activities logged, %v; want one per sent email", logged, err)
	}

	// Dana's mail client posts the one-click unsubscribe from her email.
	m, err := w.smtp.Messages()[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := w.store.Pool().QueryRow(w.ctx, `SELECT coalesce(message_id, '') FROM touches t
		JOIN contacts c ON c.id = t.contact_id WHERE c.email = $1`, w.smtp.Messages()[0].To[0]).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if id := m.Header.Get("Message-Id"); id == "" || stored != id {
		t.Fatalf("touch's message_id %q, the email's Message-ID %q; want the same", stored, id)
	}
	link := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
	if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(link, w.web.URL+"/u/") {
		t.Fatalf("List-Unsubscribe %q", link)
	}
	resp, err := w.web.Client().PostForm(link, url.Values{"List-Unsubscribe": {"One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || w.suppressed("dana@harborview.example") != "unsubscribe" {
		t.Fatalf("one-click: %d, suppressed %q", resp.StatusCode, w.suppressed("dana@harborview.example"))
	}

	// The next message to the other address bounces hard.
	w.smtp.FailRcpt("gone@harborview.example", 550)
	w.runUntil(start.Add(72 * time.Hour))
	if w.suppressed("gone@harborview.example") != "hard_bounce" {
		t.Fatalf("after a 550 on RCPT: suppressed %q", w.suppressed("gone@harborview.example"))
	}
	if n := w.smtp.Count(); n != 2 {
		t.Fatalf("%d messages after the unsubscribe and the bounce, want only the first 2", n)
	}
	for addr, want := range map[string][]string{
		"dana@harborview.example": {"first done", "second canceled"},
		"gone@harborview.example": {"first done", "second failed", "third skipped suppressed: hard_bounce"},
	} {
		got := w.touches(addr)
		if len(got) != len(want) {
			t.Fatalf("%s touches %q, want %q", addr, got, want)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("%s touch %d: %q, want %q…", addr, i, got[i], want[i])
			}
		}
	}
}
