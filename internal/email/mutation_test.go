package email

import (
	"net/mail"
	"strings"
	"testing"

	"github.com/dripline/dripline/internal/smtptest"
)

// Cases found by planting bugs in this package (docs/mutation.md).

// TestChannelUnsubscribeLinkCarriesTheBareAddress: a contact whose address
// is stored with spaces around it gets a link that unsubscribes the address
// itself, as the confirmation page shows it.
func TestChannelUnsubscribeLinkCarriesTheBareAddress(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), nil)
	d := dispatch(43)
	d.Contact.Email = " dana@harborview.example "
	if _, err := c.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	_, m := only(t, srv)
	want := "<" + publicURL + "/u/" + Sign(secret, "dana@harborview.example") + ">"
	if got := m.Header.Get("List-Unsubscribe"); got != want {
		t.Fatalf("List-Unsubscribe %s, want %s", got, want)
	}
}

// TestChannelContactNameIsOneLine: line breaks in a contact's name become
// spaces in the To header's display name.
func TestChannelContactNameIsOneLine(t *testing.T) {
	srv := smtptest.Start(t)
	c := newChannel(t, newSender(t, srv, nil), nil)
	d := dispatch(44)
	d.Step.Action.Template = "bare"
	d.Contact.FirstName = "Dana\r\nBcc: eve@evil.example"
	if _, err := c.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	_, m := only(t, srv)
	to, err := mail.ParseAddress(m.Header.Get("To"))
	if err != nil || to.Name != "Dana Bcc: eve@evil.example Whitfield" {
		t.Fatalf("To = %+v, %v; want the name on one line", to, err)
	}
}

// TestSMTPNewConnectionAfter421: a 421 reply means the server is closing
// the connection, so the next message goes over a new one.
func TestSMTPNewConnectionAfter421(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, nil)
	srv.FailNext(smtptest.Rcpt, 1, 421)
	if err := s.Send(t.Context(), testMsg(1, "a@example.com")); err == nil || !strings.Contains(err.Error(), "421") {
		t.Fatalf("first send: %v, want the 421", err)
	}
	if err := s.Send(t.Context(), testMsg(2, "a@example.com")); err != nil {
		t.Fatal(err)
	}
	if srv.Connections() != 2 {
		t.Fatalf("%d connections, want 2: the connection was reused after 421", srv.Connections())
	}
}
