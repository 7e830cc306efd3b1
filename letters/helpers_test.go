package letters

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The tests read the PDFs back with poppler-utils, which .ci/tools installs.
func poppler(t testing.TB, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s not found: run .ci/tools (make test does) to install poppler-utils", tool)
	}
	var stderr strings.Builder
	cmd := exec.Command(tool, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 { // poppler mends a broken file, saying so on stderr
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// renderFile renders a batch to a temporary file and returns its path.
func renderFile(t testing.TB, opts Options, ls []Letter) (string, Pages) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "batch.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Render(f, opts, ls)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, p
}

// pageCount is the page count pdfinfo reads.
func pageCount(t testing.TB, path string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(poppler(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// pageSize is pdfinfo's "W x H pts" for page n.
func pageSize(t testing.TB, path string, n int) string {
	t.Helper()
	nn := strconv.Itoa(n)
	out := poppler(t, "pdfinfo", "-f", nn, "-l", nn, path)
	m := regexp.MustCompile(`Page\s+` + nn + ` size:\s+([\d.]+ x [\d.]+ pts)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo page %d of %s: no size in\n%s", n, path, out)
	}
	return m[1]
}

// pageText is pdftotext's text of pages first to last.
func pageText(t testing.TB, path string, first, last int, args ...string) string {
	t.Helper()
	args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last), path, "-")
	return poppler(t, "pdftotext", args...)
}

var testSender = Sender{
	Name:    "Bright Byte IT",
	Address: Address{Street: "100 Main St., Suite 4", City: "Springfield", Region: "IL", PostalCode: "62701"},
	Phone:   "(217) 555-0100",
}

var testDate = time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("CST", -6*3600))

// sampleLetter is letter i of a batch: a short letter to a distinct person.
func sampleLetter(i int) Letter {
	return Letter{
		Date: testDate,
		To: Address{
			Name: fmt.Sprintf("Contact %04d", i), Street: fmt.Sprintf("%d Oak Ave", 10+i),
			City: "Peoria", Region: "IL", PostalCode: "61602",
		},
		Body: "Dear friend,\n\nThank you for your business this year. We are glad to have you with us.\n\n" +
			"If anything changes at your company, call me and we will find a time to talk it over.",
		From: Signer{Name: "Ana Ruiz", Title: "Account Manager", Phone: "(217) 555-0142"},
	}
}

// utf8Letter is a letter to a name that needs more than ASCII.
func utf8Letter() Letter {
	l := sampleLetter(0)
	l.To = Address{
		Name: "Jürgen Weiß-Muñoz", Company: "Øresund Café", Street: "12 Straße “Am Hügel”",
		City: "Zürich", PostalCode: "8001", Country: "Switzerland",
	}
	l.Body = "Dear Jürgen,\n\nIt’s been a year — thank you. ‘Señor’ Ruiz sends “regards”: ß, ñ, é, ø."
	return l
}

// longLetter is a letter whose body takes more than one page.
func longLetter() Letter {
	l := sampleLetter(1)
	var b strings.Builder
	b.WriteString("Dear Dana,")
	for p := 1; p <= 9; p++ {
		fmt.Fprintf(&b, "\n\nParagraph %d. ", p)
		for range 9 {
			b.WriteString("Our technicians keep your network, backups and phones running so that your staff can work. ")
		}
	}
	l.Body = b.String()
	return l
}

// word is a word pdftotext -bbox finds, in points from the page's top left.
type word struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

// center reports whether the word's centre lies in r.
func (w word) in(r rect) bool {
	x, y := (w.xMin+w.xMax)/2, (w.yMin+w.yMax)/2
	return x >= r.x && x <= r.x+r.w && y >= r.y && y <= r.y+r.h
}

var wordRe = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// pageWords are the words of page n with their boxes.
func pageWords(t testing.TB, path string, n int) []word {
	t.Helper()
	var ws []word
	for _, m := range wordRe.FindAllStringSubmatch(pageText(t, path, n, n, "-bbox"), -1) {
		f := func(i int) float64 { v, _ := strconv.ParseFloat(m[i], 64); return v }
		ws = append(ws, word{m[5], f(1), f(2), f(3), f(4)})
	}
	if len(ws) == 0 {
		t.Fatalf("page %d of %s: pdftotext -bbox found no words", n, path)
	}
	return ws
}
