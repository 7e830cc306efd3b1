package email

import (
	"bytes"
	"net/mail"
	"os"
	"path/filepath"
	"testing"
)

func TestFileSender(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var", "mail")
	fs, err := NewFileSender(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := newChannel(t, fs, nil)
	d := dispatch(42)
	if _, err := c.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "touch-42@summitridge.example.eml")
	if fs.Path("<touch-42@summitridge.example>") != path {
		t.Fatalf("Path = %s, want %s", fs.Path("<touch-42@summitridge.example>"), path)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(first))
	if err != nil {
		t.Fatalf("the .eml does not parse: %v", err)
	}
	if m.Header.Get("Message-Id") != "<touch-42@summitridge.example>" || m.Header.Get("List-Unsubscribe-Post") == "" {
		t.Fatalf("headers %v", m.Header)
	}
	if got := parts(t, m); got["text/plain"] == "" || got["text/html"] == "" {
		t.Fatalf("parts %v", got)
	}

	// A resend of the same touch replaces the same file.
	if _, err := c.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "touch-42@summitridge.example.eml" {
		t.Fatalf("files %v, want the one .eml and no temporary files", entries)
	}
	if second, _ := os.ReadFile(path); !bytes.Equal(first, second) {
		t.Fatal("resending the same touch changed the file")
	}
}

func TestFileName(t *testing.T) {
	tests := map[string]string{
		"<touch-1@example.com>":   "touch-1@example.com.eml",
		"touch-1@example.com":     "touch-1@example.com.eml",
		"../../etc/passwd@x":      "_.._etc_passwd@x.eml",
		"a/b\\c d@x":              "a_b_c_d@x.eml",
		"..":                      "_.eml",
		"":                        "_.eml",
		"<ü@例え.jp>":               "_@__.jp.eml",
		"touch-1@exa\r\nmple.com": "touch-1@exa__mple.com.eml",
	}
	for in, want := range tests {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileSenderNeedsMessageID(t *testing.T) {
	fs, err := NewFileSender(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := testMsg(1, "a@example.com")
	m.SetMessageIDWithValue("")
	if err := fs.Send(t.Context(), m); err == nil {
		t.Fatal("a message without Message-ID was written")
	}
}
