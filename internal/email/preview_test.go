package email

import (
	"context"
	"strings"
	"testing"
)

func TestPreviewSendsNothingAndPrintsForPeople(t *testing.T) {
	cfg := ChannelConfig{Templates: testTemplates(t), PublicURL: publicURL, Secret: secret}
	msg, err := Preview(context.Background(), cfg, dispatch(0))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.GetMessageID(); got != "<touch-0@localhost>" {
		t.Errorf("Message-ID %s, want the channel's for touch 0", got)
	}
	var out strings.Builder
	if err := WriteText(&out, msg); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	wantStart := "From: Marcus Reyes <mreyes@summitridge.example>\nTo: Dana Whitfield <dana@harborview.example>\n" +
		"Subject: Welcome to Summit Ridge Technology, Dana\n\nHi Dana,\n"
	if !strings.HasPrefix(text, wantStart) || !strings.Contains(text, "\n--- html ---\n<html>") || !strings.HasSuffix(text, "</html>\n") {
		t.Errorf("WriteText:\n%s\nwant it to start with\n%s\nthen the html part after --- html ---", text, wantStart)
	}
	d := dispatch(0)
	d.Contact.Email = ""
	if _, err := Preview(context.Background(), cfg, d); err == nil || !strings.Contains(err.Error(), "has no email address") {
		t.Errorf("Preview to a contact without email: %v, want Deliver's error", err)
	}
}
