package letters

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestRenderPageCounts(t *testing.T) {
	for _, n := range []int{1, 30, 31, 61} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ls := batch(n)
			ls[n-1] = longLetter()
			path, p := renderFile(t, Options{Sender: testSender}, ls)
			want := Pages{Letters: n + 2, Envelopes: n, Labels: (n + 29) / 30}
			if p != want {
				t.Errorf("Render pages = %+v, want %+v", p, want)
			}
			if got := pageCount(t, path); got != want.Total() {
				t.Errorf("pdfinfo Pages: %d, want %d", got, want.Total())
			}
		})
	}
}

func TestRenderJoinsChunks(t *testing.T) {
	n := chunkLetters + chunkLabels + 7
	path, p := renderFile(t, Options{Sender: testSender}, batch(n))
	if got := pageCount(t, path); got != p.Total() || p.Total() != 2*n+(n+29)/30 {
		t.Fatalf("pdfinfo Pages: %d, Render %+v, want %d", got, p, 2*n+(n+29)/30)
	}
	for _, k := range []int{0, chunkLetters - 1, chunkLetters, n - 1} {
		if text := pageText(t, path, k+1, k+1); !strings.Contains(text, fmt.Sprintf("Contact %04d", k)) {
			t.Errorf("page %d holds no letter to Contact %04d:\n%s", k+1, k, text)
		}
		if text := pageText(t, path, n+k+1, n+k+1); !strings.Contains(text, fmt.Sprintf("CONTACT %04d", k)) {
			t.Errorf("page %d holds no envelope to CONTACT %04d:\n%s", n+k+1, k, text)
		}
	}
}

func TestRenderProgress(t *testing.T) {
	n := chunkLetters + 1 // two chunks of letters, two of envelopes, one of labels
	var dones []int
	opts := Options{Sender: testSender, Progress: func(done, total int) {
		if total != 3*n {
			t.Errorf("Progress total %d, want %d", total, 3*n)
		}
		dones = append(dones, done)
	}}
	if _, err := Render(io.Discard, opts, batch(n)); err != nil {
		t.Fatal(err)
	}
	want := []int{chunkLetters, n, n + chunkLetters, 2 * n, 3 * n}
	if !slices.Equal(dones, want) {
		t.Fatalf("Progress done %v, want %v (the last equal to total)", dones, want)
	}
}

func TestRenderPageSizes(t *testing.T) {
	for _, tt := range []struct {
		paper  Paper
		letter string
	}{{"", "612 x 792 pts"}, {PaperLetter, "612 x 792 pts"}, {PaperA4, "595.28 x 841.89 pts"}} {
		t.Run(string(tt.paper), func(t *testing.T) {
			path, _ := renderFile(t, Options{Paper: tt.paper, Sender: testSender}, batch(2))
			for page, want := range map[int]string{1: tt.letter, 3: "684 x 297 pts", 4: "684 x 297 pts", 5: "612 x 792 pts"} {
				if got := pageSize(t, path, page); got != want {
					t.Errorf("page %d size %s, want %s", page, got, want)
				}
			}
		})
	}
}

func TestRenderUTF8RoundTrip(t *testing.T) {
	path, _ := renderFile(t, Options{Sender: testSender}, []Letter{utf8Letter()})
	letter := pageText(t, path, 1, 1)
	for _, want := range []string{"Jürgen Weiß-Muñoz", "Øresund Café", "12 Straße “Am Hügel”", "Zürich 8001",
		"It’s been a year — thank you. ‘Señor’ Ruiz sends “regards”: ß, ñ, é, ø."} {
		if !strings.Contains(letter, want) {
			t.Errorf("letter text lacks %q:\n%s", want, letter)
		}
	}
	for page, what := range map[int]string{2: "envelope", 3: "label"} {
		text := pageText(t, path, page, page)
		for _, want := range []string{"JÜRGEN WEISS-MUÑOZ", "ØRESUND CAFÉ", "12 STRASSE AM HÜGEL", "ZÜRICH 8001", "SWITZERLAND"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s text lacks %q:\n%s", what, want, text)
			}
		}
	}
}

func TestRenderOddRunes(t *testing.T) {
	l := sampleLetter(0)
	l.To.Name = "Emoji \U0001F600 \U00010000 \uffff end"
	l.Body = "Plane one \U00010000 and a private \ue000 rune."
	path, _ := renderFile(t, Options{Sender: testSender}, []Letter{l})
	if text := pageText(t, path, 1, 1); !strings.Contains(text, "Emoji ? ? ? end") || !strings.Contains(text, "Plane one ? and a private ? rune.") {
		t.Errorf("runes the font lacks should print as ?:\n%s", text)
	}
}

func TestRenderEmptyBatch(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Render(&buf, Options{}, nil); err == nil || buf.Len() != 0 {
		t.Fatalf("Render(no letters) = %v, wrote %d bytes; want an error and nothing written", err, buf.Len())
	}
}

func TestRenderLongLetterSpansPages(t *testing.T) {
	path, p := renderFile(t, Options{Sender: testSender}, []Letter{longLetter()})
	if p.Letters != 3 {
		t.Fatalf("long letter took %d pages, want 3", p.Letters)
	}
	last := pageText(t, path, p.Letters, p.Letters)
	if !strings.Contains(last, "Contact 0001 · Page 3 of 3") || !strings.Contains(last, "Sincerely,") {
		t.Fatalf("last page lacks its footer naming the recipient, or its closing:\n%s", last)
	}
	before, _, _ := strings.Cut(last, "Sincerely,")
	if strings.Count(strings.TrimSpace(before), "\n") < 1 {
		t.Errorf("the closing starts its page with fewer than two lines of the letter before it:\n%s", last)
	}
	if first := pageText(t, path, 1, 1); !strings.Contains(first, "Contact 0001 · Page 1 of 3") || strings.Contains(first, "Sincerely,") {
		t.Errorf("first page: want its footer and no closing:\n%s", first)
	}
}

func TestRenderSignature(t *testing.T) {
	tests := []struct {
		name   string
		from   Signer
		sender string
		want   string // the lines after the closing
	}{
		{"rep", Signer{Name: "Ana Ruiz", Title: "Account Manager", Phone: "(217) 555-0142"}, "Bright Byte IT",
			"Ana Ruiz\nAccount Manager\n(217) 555-0142"},
		{"rep without a name signs with the business", Signer{Title: "Service Desk", Phone: "555-0199"}, "Bright Byte IT",
			"Bright Byte IT\nService Desk\n555-0199"},
		{"nothing to sign with leaves no empty line", Signer{Phone: "555-0199"}, "", "555-0199"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sampleLetter(0)
			l.From = tt.from
			s := testSender
			s.Name = tt.sender
			path, _ := renderFile(t, Options{Sender: s}, []Letter{l})
			_, after, ok := strings.Cut(pageText(t, path, 1, 1), "Sincerely,")
			if got := strings.TrimSpace(after); !ok || got != tt.want {
				t.Errorf("signature = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderGolden(t *testing.T) {
	l := utf8Letter()
	l.Body += "\n\nA second paragraph, long enough to wrap: our technicians keep your network, backups and phones running so that your staff can get on with their work."
	path, _ := renderFile(t, Options{Sender: testSender}, []Letter{l})
	got := pageText(t, path, 1, 3, "-layout")
	golden := filepath.Join("testdata", "letter.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("pdftotext -layout differs from %s (go test -update refreshes it):\n%s", golden, got)
	}
}

func TestRenderConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			ls := batch(5 + g)
			ls[0] = utf8Letter()
			var buf bytes.Buffer
			p, err := Render(&buf, Options{Sender: testSender}, ls)
			if err != nil || p.Envelopes != len(ls) || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Errorf("goroutine %d: Render = %+v, %v", g, p, err)
			}
		})
	}
	wg.Wait()
}

// failAfter is a writer that fails once it has taken n bytes.
type failAfter struct{ n int }

func (f *failAfter) Write(b []byte) (int, error) {
	if len(b) > f.n {
		return f.n, fmt.Errorf("disk full")
	}
	f.n -= len(b)
	return len(b), nil
}

func TestRenderWriteError(t *testing.T) {
	_, err := Render(&failAfter{n: 100 << 10}, Options{Sender: testSender}, batch(chunkLetters+1))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Render to a failing writer = %v, want the write error", err)
	}
}

func TestRenderDateInLettersZone(t *testing.T) {
	l := sampleLetter(0)
	utc := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	l.Date = utc.In(time.FixedZone("CST", -6*3600)) // still November 30 in the contact's zone
	path, _ := renderFile(t, Options{Sender: testSender}, []Letter{l})
	if text := pageText(t, path, 1, 1); !strings.Contains(text, "November 30, 2026\n") {
		t.Errorf("want the date in the letter's zone, November 30, 2026:\n%s", text)
	}
}

func TestRenderCrossReference(t *testing.T) {
	var buf bytes.Buffer
	p, err := Render(&buf, Options{Sender: testSender}, batch(chunkLetters+3))
	if err != nil {
		t.Fatal(err)
	}
	objs, _, err := splitObjects(buf.Bytes()) // every offset in the table starts its object
	if err != nil {
		t.Fatalf("the joined PDF's cross-reference table: %v", err)
	}
	c, err := readChunk(buf.Bytes())
	if err != nil || len(c.kids) != p.Total() {
		t.Fatalf("page tree: %v, %d pages, want %d", err, len(c.kids), p.Total())
	}
	for n := 1; n < len(objs); n++ {
		if objs[n] == nil {
			t.Errorf("object %d missing from the cross-reference table", n)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Jürgen Weiß", "12 Straße\nApt 4", "Dear Jürgen,\n\nIt’s “fine” — ß ñ é ø.", "Ana")
	f.Add("\U0001F600\x00\t", "\ufeff\u202e", "\r\n\r\n\u00a0", "")
	f.Fuzz(func(t *testing.T, name, street, body, signer string) {
		l := sampleLetter(0)
		l.To.Name, l.To.Street, l.Body, l.From.Name = name, street, body, signer
		var buf bytes.Buffer
		p, err := Render(&buf, Options{Sender: testSender}, []Letter{l})
		if err != nil || p.Letters < 1 || p.Envelopes != 1 || p.Labels != 1 {
			t.Fatalf("Render = %+v, %v", p, err)
		}
		if _, _, err := splitObjects(buf.Bytes()); err != nil {
			t.Fatalf("broken PDF: %v", err)
		}
	})
}
