package templates

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"unicode"
)

// MaxOutput caps what one template may produce, in bytes. A template that
// writes more fails with ErrTooLarge instead of filling memory.
const MaxOutput = 1 << 20

// Email is a rendered email: a one-line subject, the plain-text part and,
// when the template has an html file, the HTML part ("" otherwise).
type Email struct {
	Subject string
	Text    string
	HTML    string
}

// Email renders the email template name for d. The error wraps ErrNotFound
// when the set has no such email, and an *Error naming the file otherwise.
func (s *Set) Email(name string, d Data) (Email, error) {
	t, ok := s.emails[name]
	if !ok {
		return Email{}, fmt.Errorf("email template %q: %w", name, ErrNotFound)
	}
	e, err := t.render(d)
	if err != nil {
		return Email{}, fmt.Errorf("email template %q: %w", name, err)
	}
	return e, nil
}

// Letter renders the letter template name for d: the body of a printed
// letter from the salutation to its last paragraph. UnsubscribeURL is always empty
// in letters.
func (s *Set) Letter(name string, d Data) (string, error) {
	t, ok := s.letters[name]
	if !ok {
		return "", fmt.Errorf("letter template %q: %w", name, ErrNotFound)
	}
	out, err := renderLetter(t, d)
	if err != nil {
		return "", fmt.Errorf("letter template %q: %w", name, err)
	}
	return out, nil
}

// RenderText renders a short template string, such as a call or task
// subject from a track, with text/template and missingkey=error, under the
// same rules as template files (no range, define or template). name says
// where text came from in errors (for example "general-interest/first-call").
//
// The parsed template is kept for the next call with the same name and text
// (a track's steps render the same few strings for every contact), up to
// maxParsed strings.
func RenderText(name, text string, d Data) (string, error) {
	key := parsedKey{name, text}
	t, ok := parsed.Load(key)
	if !ok {
		p, err := parseStraight(name, text)
		if err != nil {
			return "", err
		}
		if parsedCount.Add(1) <= maxParsed {
			parsed.Store(key, p)
		}
		t = p
	}
	return execute(t.(*template.Template), d)
}

// maxParsed bounds the strings RenderText keeps parsed.
const maxParsed = 4096

type parsedKey struct{ name, text string }

var (
	parsed      sync.Map // parsedKey → *template.Template, safe to execute concurrently
	parsedCount atomic.Int64
)

func (t *emailTemplate) render(d Data) (e Email, err error) {
	if e.Subject, err = renderSubject(t.subject, d); err != nil {
		return Email{}, err
	}
	if e.Text, err = renderBody(t.text, d); err != nil {
		return Email{}, err
	}
	if t.html != nil {
		if e.HTML, err = renderBody(t.html, d); err != nil {
			return Email{}, err
		}
	}
	return e, nil
}

func renderSubject(t *template.Template, d Data) (string, error) {
	out, err := execute(t, d)
	if err != nil {
		return "", err
	}
	return oneLine(t.Name(), out)
}

func renderBody(t executor, d Data) (string, error) {
	return run(t, d, func(out []byte) (string, error) { return body(t.Name(), out) })
}

func renderLetter(t *template.Template, d Data) (string, error) {
	d.UnsubscribeURL = ""
	return renderBody(t, d)
}

// executor is what text/template and html/template templates have in common.
type executor interface {
	Execute(w io.Writer, data any) error
	Name() string
}

func execute(t executor, d Data) (string, error) {
	return run(t, d, func(out []byte) (string, error) { return string(out), nil })
}

// run executes t into a pooled buffer and makes the result from its bytes.
func run(t executor, d Data, result func([]byte) (string, error)) (string, error) {
	b := buffers.Get().(*cappedBuffer)
	defer b.put()
	if err := t.Execute(b, d); err != nil {
		return "", fileError(t.Name(), err)
	}
	return result(b.Bytes())
}

// cappedBuffer is a bytes.Buffer that refuses to grow past MaxOutput. The
// buffers are reused: rendering allocates only the string it returns.
type cappedBuffer struct{ bytes.Buffer }

var buffers = sync.Pool{New: func() any { return new(cappedBuffer) }}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > MaxOutput {
		return 0, fmt.Errorf("more than %d bytes: %w", MaxOutput, ErrTooLarge)
	}
	return b.Buffer.Write(p)
}

// put returns b to the pool unless a large render left it holding much memory.
func (b *cappedBuffer) put() {
	if b.Cap() > 64<<10 {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// oneLine trims a rendered subject and refuses one that is empty or holds a
// line break or another control character, so that no contact data can add
// a header to the message.
func oneLine(file, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", &Error{File: file, Msg: "subject is empty"}
	case strings.ContainsFunc(s, unicode.IsControl):
		return "", &Error{File: file, Msg: fmt.Sprintf("subject %q must be a single line without control characters", s)}
	}
	return s, nil
}

// body trims blank lines and spaces around a rendered body, ends it with one
// newline, and refuses an empty one.
func body(file string, out []byte) (string, error) {
	out = bytes.TrimRight(bytes.TrimLeft(out, "\r\n"), " \t\r\n")
	if len(bytes.TrimSpace(out)) == 0 {
		return "", &Error{File: file, Msg: "renders empty"}
	}
	return string(append(out, '\n')), nil
}
