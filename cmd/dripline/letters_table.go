package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// table writes rows under a tab-separated header in aligned columns, the
// columns of numbers aligned to the right, then the footer rows (a total)
// when given.
func table[T any](w io.Writer, header string, rows []T, cells func(T) []any, footer ...[]any) error {
	heads := strings.Split(header, "\t")
	grid := [][]any{}
	for _, r := range rows {
		grid = append(grid, cells(r))
	}
	grid = append(grid, footer...)
	numeric := make([]bool, len(heads))
	for i := range heads {
		numeric[i] = len(rows) > 0
		for _, r := range grid {
			numeric[i] = numeric[i] && isNumber(r[i])
		}
	}
	text := [][]string{heads}
	widths := make([]int, len(heads))
	for _, r := range grid {
		row := make([]string, len(heads))
		for i, c := range r {
			row[i] = fmt.Sprint(c)
		}
		text = append(text, row)
	}
	for _, row := range text {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, row := range text {
		var line strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if numeric[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// isNumber reports whether a table cell is a number, or empty (a footer's
// blank under a column of numbers).
func isNumber(c any) bool {
	switch c := c.(type) {
	case int, int64:
		return true
	case string:
		return c == ""
	}
	return false
}

// readableTime writes an RFC 3339 time as "2026-11-02 17:00 UTC" for a
// table; anything else is kept as it is.
func readableTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// countLetters is "1 letter", "2 letters".
func countLetters(n int) string {
	if n == 1 {
		return "1 letter"
	}
	return fmt.Sprintf("%d letters", n)
}
