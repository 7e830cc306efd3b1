package email

import (
	"context"
	"fmt"
	"io"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/dripline/dripline/engine"
)

// Preview is the message a channel with cfg would send for d, built by the
// channel itself and handed to no server (cfg.Sender is not used). Its errors
// are Deliver's.
func Preview(ctx context.Context, cfg ChannelConfig, d engine.Dispatch) (*gomail.Msg, error) {
	var kept capture
	cfg.Sender = &kept
	ch, err := NewChannel(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := ch.Deliver(ctx, d); err != nil {
		return nil, err
	}
	return kept.msg, nil
}

// capture is a Sender that keeps the message instead of sending it.
type capture struct{ msg *gomail.Msg }

func (c *capture) Send(_ context.Context, m *gomail.Msg) error { c.msg = m; return nil }
func (c *capture) Close() error                                { return nil }

// WriteText writes a message for people: From, To and Subject, the
// plain-text part and, under a line "--- html ---", the HTML part, each part
// ending in a newline.
func WriteText(w io.Writer, m *gomail.Msg) error {
	fmt.Fprintf(w, "From: %s\nTo: %s\nSubject: %s\n\n", addresses(m.GetFrom()), addresses(m.GetTo()),
		strings.Join(m.GetGenHeader(gomail.HeaderSubject), " "))
	for _, p := range m.GetParts() {
		body, err := p.GetContent()
		if err != nil {
			return err
		}
		if p.GetContentType() == gomail.TypeTextHTML {
			fmt.Fprintln(w, "--- html ---")
		}
		if _, err := fmt.Fprintln(w, strings.TrimSuffix(string(body), "\n")); err != nil {
			return err
		}
	}
	return nil
}

// addresses writes addresses as Name <address>, without MIME encoding.
func addresses(as []*mail.Address) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = "<" + a.Address + ">"
		if a.Name != "" {
			out[i] = a.Name + " " + out[i]
		}
	}
	return strings.Join(out, ", ")
}
