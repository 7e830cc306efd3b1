// Package pdftest reads PDFs back in tests with poppler-utils' pdfinfo and
// pdftotext, which the test setup installs (.ci/tools). A test fails, never
// skips, when they are missing.
package pdftest

import (
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)

// Pages is the page count pdfinfo reads in the PDF at path.
func Pages(tb testing.TB, path string) int {
	tb.Helper()
	m := pagesRE.FindStringSubmatch(run(tb, "pdfinfo", path))
	if m == nil {
		tb.Fatalf("pdfinfo %s: no page count", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Text is the text pdftotext extracts from the PDF at path, in reading order.
func Text(tb testing.TB, path string) string {
	tb.Helper()
	return run(tb, "pdftotext", "-layout", path, "-")
}

// run runs a poppler tool and returns its output.
func run(tb testing.TB, tool string, args ...string) string {
	tb.Helper()
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		tb.Fatalf("%s %v: %v %s (poppler-utils is installed by .ci/tools)", tool, args, err, stderr)
	}
	return string(out)
}
