// Package letters will turn the letters that touches leave waiting into one
// printable batch: each letter as a PDF page, a #10 envelope per contact and
// Avery 5160 label sheets (gofpdf), for a manager to print and mail.
//
// Until it lands, a letter step renders its template to text through
// engine.LetterChannel, and the letter waits in the letters table (touch,
// contact, template, body) with its activity logged, ready to be batched.
package letters
