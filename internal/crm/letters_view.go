package crm

import (
	"strings"
	"time"

	"github.com/dripline/dripline/engine"
	"github.com/dripline/dripline/internal/report"
)

// KindCount is one kind of letter in the pile as the API and `dripline
// letters list --format json` show it.
type KindCount struct {
	Kind       string `json:"kind"`
	Pending    int    `json:"pending"`
	Unmailable int    `json:"unmailable"`
	Oldest     string `json:"oldest"` // RFC 3339, UTC
}

// KindCounts turns the store's counts into their JSON shape.
func KindCounts(cs []engine.LetterCount) []KindCount {
	out := make([]KindCount, len(cs))
	for i, c := range cs {
		out[i] = KindCount{Kind: c.Kind, Pending: c.Pending, Unmailable: c.Unmailable, Oldest: rfc3339(c.Oldest)}
	}
	return out
}

// Batch is a printed batch as the API and `dripline letters batches
// --format json` show it.
type Batch struct {
	ID        int64  `json:"id"`
	CreatedAt string `json:"created_at"`
	PrintedBy string `json:"printed_by"` // a rep's username, or "system"
	Kind      string `json:"kind"`       // "" when every kind was printed
	Before    string `json:"before,omitempty"`
	Letters   int    `json:"letters"`
	Pages     int    `json:"pages"`
	File      string `json:"file,omitempty"`
}

// BatchOf turns a stored batch into its JSON shape.
func BatchOf(b engine.LetterBatch) Batch {
	by := b.PrintedBy
	if by == "" {
		by = "system"
	}
	out := Batch{ID: b.ID, CreatedAt: rfc3339(b.CreatedAt), PrintedBy: by, Kind: b.Kind,
		Letters: b.Letters, Pages: b.Pages, File: b.File}
	if !b.Before.IsZero() {
		out.Before = rfc3339(b.Before)
	}
	return out
}

// UnmailableLetter is a letter waiting for a usable postal address.
type UnmailableLetter struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"`
	Contact string `json:"contact"` // external_id, else email
	Name    string `json:"name"`
	Reason  string `json:"reason"` // "no city, no postal code"
	Filed   string `json:"filed"`  // RFC 3339, UTC
}

// UnmailableOf turns waiting letters into their JSON shape.
func UnmailableOf(fs []engine.FiledLetter) []UnmailableLetter {
	out := make([]UnmailableLetter, len(fs))
	for i, f := range fs {
		out[i] = UnmailableLetter{ID: f.Letter.ID, Kind: f.Letter.Template, Contact: report.Label(f.Contact),
			Name:   strings.TrimSpace(f.Contact.FirstName + " " + f.Contact.LastName),
			Reason: f.Letter.Unmailable, Filed: rfc3339(f.Letter.CreatedAt)}
	}
	return out
}

// rfc3339 writes t in UTC to the second.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
