package email

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// FileSender is the development transport: it writes each message as
// <message-id>.eml into a folder instead of sending it. Writing is atomic
// (a temporary file renamed into place) and idempotent: the same Message-ID
// always lands in the same file.
type FileSender struct {
	dir string
}

var _ Sender = (*FileSender)(nil)

// NewFileSender returns a FileSender writing into dir, creating it if needed.
func NewFileSender(dir string) (*FileSender, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("mail dir %s: %w", dir, err)
	}
	return &FileSender{dir: dir}, nil
}

// Path is the file a message with this Message-ID (with or without angle
// brackets) is written to.
func (f *FileSender) Path(messageID string) string {
	return filepath.Join(f.dir, fileName(messageID))
}

// Send writes m to Path(m's Message-ID). The message must have a Message-ID.
func (f *FileSender) Send(ctx context.Context, m *gomail.Msg) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	id := m.GetMessageID()
	if strings.Trim(id, "<> ") == "" {
		return fmt.Errorf("write eml: message has no Message-ID")
	}
	tmp, err := os.CreateTemp(f.dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("write eml %s: %w", id, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := m.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write eml %s: %w", id, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write eml %s: %w", id, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write eml %s: %w", id, err)
	}
	if err := os.Rename(tmp.Name(), f.Path(id)); err != nil {
		return fmt.Errorf("write eml %s: %w", id, err)
	}
	return nil
}

// Close does nothing; a FileSender holds no resources.
func (f *FileSender) Close() error { return nil }

// fileName turns a Message-ID into a safe file name.
func fileName(messageID string) string {
	id := strings.Trim(messageID, "<>")
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("@._+-", r):
			return r
		}
		return '_'
	}, id)
	if safe = strings.TrimLeft(safe, "."); safe == "" { // no hidden or temporary-looking names
		safe = "_"
	}
	return safe + ".eml"
}
