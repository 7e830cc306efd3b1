// Package letters turns a batch of letters into one printable PDF for a
// manager to print and mail: every letter, then a #10 envelope for each,
// then Avery 5160 address label sheets. All use of gofpdf
// (github.com/jung-kurt/gofpdf v1.16.2) lives here.
//
// # The batch
//
// [Render] writes the PDF and returns its [Pages]. A letter page carries the
// letterhead (the [Sender]'s name, address and phone), the date as
// "November 30, 2026" in the letter's own time zone, the recipient block,
// the body (paragraphs separated by blank lines, wrapped, breaking across
// pages without leaving a paragraph's single line at the foot or head of a
// page, "Page N of M" at the foot of a letter that spans pages), and the
// signature: "Sincerely,", room to sign, then the [Signer]'s name, title and
// phone. A signer without a name signs with the sender's name.
//
// Paper is US Letter, or A4 with [PaperA4]. Envelopes are #10 (9.5 × 4.125
// in): the return address top left; the recipient block inside the USPS
// OCR read area (1/2 in from the sides, between 5/8 in and 2 3/4 in above
// the bottom edge) in the mailing form of [Address.Mailing]; nothing in the
// bottom 5/8 in, the barcode clear zone. Label sheets are US Letter, 3 × 10
// labels of 2.625 × 1 in, shifted by [Options] LabelOffsetX and LabelOffsetY
// to calibrate a printer; a line too long for its label prints smaller,
// then cut short, never over the next label.
//
// # Text
//
// Text is UTF-8 throughout, printed in the Go fonts
// (golang.org/x/image/font/gofont) embedded in the binary: ß, ñ, é, ø,
// curly quotes and dashes print as written; a character the fonts lack
// prints as "?".
//
// # Memory and concurrency
//
// gofpdf keeps a whole document in memory, so Render renders a batch in
// chunks of a few hundred pages, each its own gofpdf document on its own
// goroutine, and joins their pages into the output as they come: memory
// stays bounded (about 40 MB for 10,000 letters) whatever the batch size.
// Every document gets its own copy of the font bytes, because gofpdf
// writes into them (a data race otherwise). Render may be called from
// several goroutines at once.
package letters
